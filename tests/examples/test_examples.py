"""Each seed program in examples/ runs on every backend and gives the same numbers there."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys
from types import ModuleType

import pytest
from support import BACKENDS

import unigrad as ug

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"

# example -> (steps for the test, the largest final loss that shows it learned, rtol and atol across backends)
CASES = {
    "autograd": (2000, 15.0, 1e-4, 1e-4),
    "custom_function": (2000, 10.0, 1e-4, 1e-4),
    "nn": (2000, 10.0, 1e-4, 1e-4),
    # RMSprop's steps of about lr (1e-3) around the optimum amplify float32 rounding
    "optim": (2000, 10.0, 5e-3, 2e-3),
    "module": (2000, 15.0, 1e-4, 1e-4),
    "fit": (25, 0.1, None, None),  # early stopping may end a few epochs apart: compared by accuracy
    "static_graph": (60, 0.7, 1e-3, 1e-4),
}


def load(name: str) -> ModuleType:
    sys.path.insert(0, str(EXAMPLES))  # the examples import their shared _cli (and fit)
    try:
        spec = importlib.util.spec_from_file_location(f"unigrad_example_{name}", EXAMPLES / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture
def restore_default_backend():
    saved = ug.config._state.default
    yield
    ug.config._state.default = saved


def test_every_example_is_tested():
    found = {p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_")}
    assert found - {"digits"} <= set(CASES), f"untested examples: {sorted(found - {'digits'} - set(CASES))}"


@pytest.mark.parametrize("name", list(CASES))
def test_example_learns_and_agrees_across_backends(name, restore_default_backend, capsys):
    steps, good_loss, rtol, atol = CASES[name]
    example = load(name)
    results = {backend: example.main(["--backend", backend, "--steps", str(steps)]) for backend in BACKENDS}
    printed = capsys.readouterr().out
    for backend, result in results.items():
        assert result["loss"] < good_loss, (backend, result)
        assert f"{backend}:" in printed
    first = results[BACKENDS[0]]
    for backend, result in results.items():
        if rtol is None:
            assert result["val_accuracy"] >= 0.95, (backend, result)
            continue
        for key, value in result.items():
            assert value == pytest.approx(first[key], rel=rtol, abs=atol), (name, backend, key)
    if name == "static_graph":
        for result in results.values():
            assert result["difference"] < 1e-3 and result["loss"] == pytest.approx(
                result["eager_loss"], rel=1e-4
            )


def test_examples_run_from_the_command_line():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "autograd.py"), "--backend", BACKENDS[-1], "--steps", "500"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "  500  loss 810.97" in done.stdout and f"{ug.config._canonical(BACKENDS[-1])}: y =" in done.stdout
