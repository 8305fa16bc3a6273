"""Each seed program in examples/ runs on every backend and gives the same numbers there."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import re
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
        sys.modules[spec.name] = module  # as an import would (dataclasses look their module up)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture
def restore_default_backend():
    saved = ug.config._state.default
    yield
    ug.config._state.default = saved


# these start processes or split TensorFlow's CPU before its first op: each runs in a fresh interpreter
IN_FRESH_PROCESSES = ("data_parallel", "model_parallel")


def test_every_example_is_tested():
    found = {p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_")}
    tested = {"digits", "gpt", *CASES, *IN_FRESH_PROCESSES}
    assert found <= tested, f"untested examples: {sorted(found - tested)}"


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


def test_gpt_learns_samples_and_agrees_across_backends(restore_default_backend, capsys):
    """examples/gpt.py on a tiny config: the loss falls, the curves agree, generate() samples the text's
    characters."""
    gpt = load("gpt")
    tiny = ["--steps", "150", "--n_layer", "2", "--n_embd", "32", "--block_size", "32"]
    results = {backend: gpt.main(["--backend", backend, *tiny]) for backend in BACKENDS}
    alphabet = set(gpt.zen_of_python())
    for backend, result in results.items():
        assert result["loss"] < 0.75 * result["first_loss"], (backend, result)
        assert len(result["sample"]) == 81 and set(result["sample"]) <= alphabet, result["sample"]
        for key in ("first_loss", "loss", "val_loss"):
            assert result[key] == pytest.approx(results[BACKENDS[0]][key], rel=1e-4), (backend, key)
    assert "validation loss" in capsys.readouterr().out


def run_example(name: str, *args: str) -> str:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_examples_run_from_the_command_line():
    stdout = run_example("autograd", "--backend", BACKENDS[-1], "--steps", "500")
    assert "  500  loss 810.97" in stdout and f"{ug.config._canonical(BACKENDS[-1])}: y =" in stdout


@pytest.mark.timeout(300)
@pytest.mark.parametrize("backend", BACKENDS)
def test_data_parallel_replicas_match_one_process(backend):
    stdout = run_example("data_parallel", "--backend", backend, "--nprocs", "2", "--steps", "10")
    spread, difference = (float(v) for v in re.findall(r"by ([0-9.e+-]+)", stdout))
    assert spread == 0.0  # every replica ends each step with identical parameters
    assert difference < 1e-5, stdout  # and they are one process's on the whole batches
    losses = re.search(r"loss ([0-9.]+) \(one process on the whole batches: ([0-9.]+)\)", stdout)
    assert losses is not None, stdout
    losses = [float(v) for v in losses.groups()]
    assert losses[0] == pytest.approx(losses[1], rel=1e-5)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("backend", BACKENDS)
def test_model_parallel_stages_match_the_unsplit_model(backend):
    stdout = run_example("model_parallel", "--backend", backend, "--steps", "10")
    if ug.config._canonical(backend) == "tensorflow":
        assert "stages on ['cpu:0', 'cpu:1']" in stdout  # two logical devices, one stage each
    pipelined, unsplit, difference = (
        float(v)
        for v in re.search(
            r"loss ([0-9.]+) pipelined, ([0-9.]+) unsplit; .* by ([0-9.e+-]+)", stdout
        ).groups()
    )
    assert pipelined == pytest.approx(unsplit, rel=1e-5) and difference < 1e-5, stdout
