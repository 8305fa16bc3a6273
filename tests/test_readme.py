"""The README's example runs and prints what the README says, on every backend."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

import pytest

import unigrad as ug

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.skipif(set(ug.available_backends()) < {"torch", "tensorflow"}, reason="the example uses both")
def test_readme_example():
    text = README.read_text()
    code, printed = re.findall(r"```(?:python)?\n(.*?)```", text, re.S)[:2]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {})
    got = [line.split() for line in out.getvalue().splitlines()]
    expected = [line.split() for line in printed.strip().splitlines()]
    assert [g[:2] for g in got] == [e[:2] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert float(g[2]) == pytest.approx(float(e[2]), rel=1e-6)
    assert float(got[0][2]) == pytest.approx(float(got[1][2]), rel=1e-6)
