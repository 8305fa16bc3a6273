"""Every Python example in the docs runs, on every backend.

The ```` ```python ```` blocks of a page run in order in one namespace (as a
reader would type them), under each installed backend in turn, in a scratch
directory. Two HTML comments, invisible on the site, steer this:

* ``<!-- docs-test: skip -->`` right before a block: it is not run (a
  fragment, or a command for a cluster);
* ``<!-- docs-test: setup`` ... ``-->``: hidden code run at that point (small
  data for an example that assumes the reader's own).

A ```` ```text ```` block right after a block that prints is its output: what
the block prints must match it, numbers to a relative 1e-5 (the last float32
digits of a matmul differ between frameworks).
"""

from __future__ import annotations

import contextlib
import io
import pathlib
import re
from dataclasses import dataclass

import pytest
from support import BACKENDS

import unigrad as ug

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"
ALL_PAGES = sorted(DOCS.rglob("*.md"))
_TOKENS = re.compile(
    r"<!-- docs-test: skip -->\s*```python\n.*?```"  # a skipped block
    r"|<!-- docs-test: setup\n(?P<setup>.*?)-->"  # hidden set-up code
    r"|```python\n(?P<code>.*?)```(?:\s*```text\n(?P<output>.*?)```)?",  # a block to run, its output
    re.S,
)
_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")


@dataclass
class Block:
    line: int
    code: str
    output: str | None = None


def blocks(page: pathlib.Path) -> list[Block]:
    text = page.read_text()
    found = []
    for match in _TOKENS.finditer(text):
        code = match.group("setup") or match.group("code")
        if code is not None:
            line = text.count("\n", 0, match.start()) + 2
            # padded so that tracebacks point at the page's lines
            found.append(Block(line, "\n" * (line - 1) + code, match.group("output")))
    return found


PAGES = [page for page in ALL_PAGES if blocks(page)]


def test_the_docs_have_examples_to_run():
    assert len(PAGES) >= 8, [page.name for page in PAGES]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run(page, backend, tmp_path, monkeypatch):
    found = blocks(page)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs.{page.stem}"}
    with ug.use_backend(backend):
        ug.random.seed(0)
        for block in found:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(block.code, str(page), "exec"), namespace)
            if block.output is not None and printed.getvalue():
                assert_same_output(printed.getvalue(), block.output, f"{page.name}:{block.line}")


def assert_same_output(got: str, expected: str, where: str) -> None:
    got_numbers, expected_numbers = _NUMBER.findall(got), _NUMBER.findall(expected)
    assert _NUMBER.sub("#", got).split() == _NUMBER.sub("#", expected).split(), (
        f"{where} prints\n{got}\nthe page shows\n{expected}"
    )
    for g, e in zip(got_numbers, expected_numbers, strict=True):
        assert float(g) == pytest.approx(float(e), rel=1e-5, abs=1e-6), f"{where}: {g} printed, {e} shown"
