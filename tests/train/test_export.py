"""ug.export: every format from every backend, loaded in a fresh process without unigrad."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
import warnings
from typing import Any

import numpy as np
import pytest
from export_support import REFUSE_UNIGRAD, Job, run_artifacts

import unigrad as ug
from unigrad.train.export import FORMATS as EXPORT_FORMATS
from unigrad.train.export import ExportArgumentError, ExportError

nn = ug.nn
# PyTorch deprecates TorchScript; its exporter's internals warn about their own APIs
pytestmark = [
    pytest.mark.filterwarnings("ignore:`torch.jit.*` is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:.*isinstance\\(treespec, LeafSpec\\)` is deprecated:FutureWarning"),
]
INSTALLED = ug.available_backends()
HAS_ONNX = all(importlib.util.find_spec(name) for name in ("onnx", "onnxscript", "onnxruntime"))
FORMATS = [f for f, b in EXPORT_FORMATS.items() if b in INSTALLED and (f != "onnx" or HAS_ONNX)]
# every format from every installed backend (a format of the other backend exports a converted copy)
CASES = [(backend, model, fmt) for backend in INSTALLED for model in ("conv", "mlp") for fmt in FORMATS]
# formats whose artifacts take another batch size than the example's (TorchScript fixes shapes)
DYNAMIC = {"torch.export", "onnx", "saved_model"}
EXAMPLE_SHAPES = {"conv": (2, 3, 8, 8), "mlp": (4, 6)}
SUFFIX = {"torch.export": ".pt2", "torchscript": ".pt", "onnx": ".onnx", "saved_model": ""}


def make_model(kind: str) -> nn.Module:
    if kind == "conv":
        return nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(4 * 4 * 4, 5),
        )
    return nn.Sequential(nn.Linear(6, 8), nn.GELU(), nn.LayerNorm(8), nn.Dropout(0.3), nn.Linear(8, 3))


def trained(kind: str, backend: str) -> nn.Module:
    """A model whose BatchNorm statistics moved away from their initial values."""
    with ug.use_backend(backend):
        ug.random.seed(1)
        model = make_model(kind)
        for _ in range(3):
            model(ug.random.normal(EXAMPLE_SHAPES[kind], mean=0.5, std=2.0))
    return model


def reference(model: nn.Module, x: np.ndarray) -> np.ndarray:
    model.eval()
    try:
        with ug.use_backend(model._backend or "torch"):
            return np.array(ug.to_numpy(model(ug.asarray(x))))
    finally:
        model.train()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Export every case once, run every artifact in child processes, keep outputs and references."""
    folder = tmp_path_factory.mktemp("export")
    rng = np.random.default_rng(0)
    jobs, expected, warned, models, paths = [], {}, {}, {}, {}
    for backend in INSTALLED:
        for kind in ("conv", "mlp"):
            model = trained(kind, backend)
            before = {k: np.array(ug.to_numpy(v)) for k, v in model.state_dict().items()}
            x = rng.normal(size=EXAMPLE_SHAPES[kind]).astype(np.float32)
            other = rng.normal(size=(7, *EXAMPLE_SHAPES[kind][1:])).astype(np.float32)
            for fmt in FORMATS:
                name = f"{backend}-{kind}-{fmt}"
                # the MLP's example is NumPy, the CNN's a tensor of the model's backend
                with ug.use_backend(backend):
                    example = x if kind == "mlp" else ug.asarray(x)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    path = ug.export(model, example, folder / (name + SUFFIX[fmt]), format=fmt)
                warned[name] = [str(w.message) for w in caught if "ug.export" in str(w.message)]
                models[name], paths[name] = model, path
                jobs.append(Job(name, fmt, path, [x]))
                expected[name] = reference(model, x)
                if kind == "mlp" and fmt in DYNAMIC:
                    jobs.append(Job(name + "-batch7", fmt, path, [other], signature=fmt == "saved_model"))
                    expected[name + "-batch7"] = reference(model, other)
            assert model.training and model._backend == backend  # modes restored, model not moved
            after = {k: np.array(ug.to_numpy(v)) for k, v in model.state_dict().items()}
            assert all(np.array_equal(before[k], after[k]) for k in before)
    outputs = run_artifacts(jobs, folder)
    return {"outputs": outputs, "expected": expected, "warned": warned, "models": models, "paths": paths}


def assert_close(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("backend", "kind", "fmt"), CASES, ids=["-".join(case) for case in CASES])
def test_artifact_runs_without_unigrad_and_matches_the_model(artifacts, backend, kind, fmt):
    name = f"{backend}-{kind}-{fmt}"
    assert_close(artifacts["outputs"][name], artifacts["expected"][name])


@pytest.mark.parametrize(
    ("backend", "fmt"),
    [(b, f) for b in INSTALLED for f in FORMATS if f in DYNAMIC],
    ids=[f"{b}-{f}" for b in INSTALLED for f in FORMATS if f in DYNAMIC],
)
def test_dynamic_batch_takes_another_batch_size(artifacts, backend, fmt):
    name = f"{backend}-mlp-{fmt}"
    assert artifacts["warned"][name] == []
    assert_close(artifacts["outputs"][name + "-batch7"], artifacts["expected"][name + "-batch7"])


@pytest.mark.parametrize("fmt", sorted(DYNAMIC & set(FORMATS)))
def test_a_model_with_fixed_shapes_warns_and_exports_the_example_batch(artifacts, fmt):
    for backend in INSTALLED:
        (message,) = artifacts["warned"][f"{backend}-conv-{fmt}"]
        assert "unknown batch size" in message and "batches of 2" in message


@pytest.mark.skipif("torch" not in INSTALLED, reason="needs torch")
def test_torch_export_stores_the_weights_under_the_models_names(artifacts):
    import torch

    name = f"{INSTALLED[0]}-conv-torch.export"
    program = torch.export.load(artifacts["paths"][name])
    state = artifacts["models"][name].state_dict()
    assert sorted(program.state_dict) == sorted(state)  # buffers too, not baked-in constants
    np.testing.assert_array_equal(
        program.state_dict["1.running_var"].numpy(), ug.to_numpy(state["1.running_var"])
    )
    assert all(type(p) is torch.nn.Parameter for p in program.parameters())


@pytest.mark.skipif("torch" not in INSTALLED, reason="needs torch")
def test_torch_export_of_a_container_nested_in_one_without_tensors_of_its_own(tmp_path):
    import torch

    with ug.use_backend("torch"):
        ug.random.seed(0)
        model = nn.Sequential(nn.Sequential(nn.Linear(2, 2)))  # "0" holds no tensor, "0.0" does
        x = ug.random.normal((3, 2))
        path = ug.export(model, x, tmp_path / "nested.pt2")
        want = ug.to_numpy(model(x))
    program = torch.export.load(path)
    assert sorted(program.state_dict) == ["0.0.bias", "0.0.weight"]
    np.testing.assert_allclose(program.module()(torch.as_tensor(ug.to_numpy(x))).numpy(), want, rtol=1e-6)


@pytest.mark.skipif("tensorflow" not in INSTALLED, reason="needs tensorflow")
def test_saved_model_tracks_parameters_and_buffers_as_variables(artifacts):
    import tensorflow as tf

    name = f"{INSTALLED[0]}-conv-saved_model"
    loaded = tf.saved_model.load(artifacts["paths"][name])
    model = artifacts["models"][name]
    assert len(loaded.parameters) == len(model.parameters()) and len(loaded.buffers) == 3
    running_var = next(v for v in loaded.buffers if "running_var" in v.name)
    np.testing.assert_array_equal(running_var.numpy(), ug.to_numpy(model[1].running_var))


def test_the_child_process_cannot_import_unigrad():
    code = REFUSE_UNIGRAD + "import unigrad.nn"
    child = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert child.returncode != 0 and "the artifact tried to import unigrad" in child.stderr


def test_default_format_follows_the_backend(ug_backend, tmp_path):
    model = nn.Sequential(nn.Linear(3, 2))
    path = ug.export(model, np.ones((2, 3), np.float32), tmp_path / "model")
    if ug_backend == "torch":
        with open(path, "rb") as file:
            assert file.read(2) == b"PK"  # a .pt2 is a zip archive
    else:
        assert os.path.isfile(os.path.join(path, "saved_model.pb"))


@pytest.mark.skipif("torch" not in INSTALLED, reason="needs torch")
def test_a_plain_function_exports(tmp_path):
    import torch

    with ug.use_backend("torch"):
        path = ug.export(
            lambda x, y: ug.tanh(x) * y, (ug.ones((2, 3)), ug.full((2, 3), 2.0)), tmp_path / "f.pt2"
        )
    result = torch.export.load(path).module()(torch.zeros(5, 3), torch.ones(5, 3))
    assert result.shape == (5, 3) and float(result.abs().max()) == 0.0


@pytest.mark.skipif(not {"torch", "tensorflow"} <= set(INSTALLED), reason="needs both backends")
def test_lstm_exports_with_its_nested_outputs(tmp_path):
    import tensorflow as tf
    import torch

    with ug.use_backend("tensorflow"):
        ug.random.seed(0)
        lstm = nn.LSTM(3, 4, num_layers=2, batch_first=True)
        x = ug.random.normal((2, 5, 3))
        output, (h, _) = lstm(x)
        with pytest.warns(UserWarning, match="unknown batch size"):
            saved = ug.export(lstm, x, tmp_path / "lstm")
    pt2 = ug.export(lstm, x, tmp_path / "lstm.pt2", format="torch.export", dynamic_batch=False)
    loaded_output, (loaded_h, _) = tf.saved_model.load(saved)(x)
    np.testing.assert_allclose(loaded_h.numpy(), ug.to_numpy(h), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(loaded_output.numpy(), ug.to_numpy(output), rtol=1e-5, atol=1e-6)
    torch_output, (torch_h, _) = torch.export.load(pt2).module()(torch.tensor(ug.to_numpy(x)))
    np.testing.assert_allclose(torch_output.numpy(), ug.to_numpy(output), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(torch_h.numpy(), ug.to_numpy(h), rtol=1e-5, atol=1e-6)


# -- errors ------------------------------------------------------------------------


class Untraceable(nn.Module):
    """Turns a tensor into a Python number: a graph cannot hold that."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(ug.ones(3))

    def forward(self, x: Any) -> Any:
        return x * self.scale if float(ug.to_numpy(ug.sum(x))) > 0 else x


def test_unknown_format_lists_the_formats(ug_backend, tmp_path):
    with pytest.raises(
        ExportArgumentError, match=r"unknown export format 'keras'.*'torch.export'.*'saved_model'"
    ):
        ug.export(nn.Linear(3, 2), np.ones((1, 3), np.float32), tmp_path / "m", format="keras")
    assert list(tmp_path.iterdir()) == []


def test_bad_example_input_says_what_was_given(ug_backend, tmp_path):
    with pytest.raises(ExportArgumentError, match="example input 0 is a list"):
        ug.export(nn.Linear(3, 2), [[1.0, 2.0, 3.0]], tmp_path / "m")
    with pytest.raises(ExportArgumentError, match="at least one example input"):
        ug.export(nn.Linear(3, 2), (), tmp_path / "m")
    with pytest.raises(ExportArgumentError, match=r"takes a ug\.nn\.Module or a function, not str"):
        ug.export("model", np.ones((1, 3), np.float32), tmp_path / "m")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_model_that_cannot_be_traced_leaves_the_previous_artifact(ug_backend, fmt, tmp_path):
    path = tmp_path / f"model{SUFFIX[fmt]}"
    x = np.ones((2, 3), np.float32)
    ug.export(nn.Linear(3, 2), x, path, format=fmt)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(
        ExportError, match=rf"could not trace the model for the '{fmt}' format.*shape \(2, 3\)"
    ):
        ug.export(Untraceable(), x, path, format=fmt, dynamic_batch=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_write_leaves_no_partial_file(monkeypatch, fmt, tmp_path):
    export_module = importlib.import_module("unigrad.train.export")  # ug.train.export is the function

    def write_half_then_fail(destination, write, format):
        def broken(temporary):
            if format == "saved_model":
                os.makedirs(os.path.join(temporary, "variables"))
            else:
                with open(temporary, "wb") as file:
                    file.write(b"half")
            raise OSError("disk full")

        return real(destination, broken, format)

    real = export_module._write_atomically
    monkeypatch.setattr(export_module, "_write_atomically", write_half_then_fail)
    with pytest.raises(ExportError, match=rf"writing the '{fmt}' artifact failed \(OSError: disk full\)"):
        ug.export(nn.Linear(3, 2), np.ones((2, 3), np.float32), tmp_path / f"m{SUFFIX[fmt]}", format=fmt)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif("torch" not in INSTALLED, reason="needs torch")
def test_onnx_without_its_packages_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnxscript", None)  # find_spec() then reports it missing
    with (
        ug.use_backend("torch"),
        pytest.raises(ug.BackendNotInstalledError, match=r"needs onnxscript.*unigrad\[onnx\]"),
    ):
        ug.export(nn.Linear(3, 2), np.ones((2, 3), np.float32), tmp_path / "m.onnx", format="onnx")


def test_path_errors(ug_backend, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ug.export(nn.Linear(3, 2), np.ones((2, 3), np.float32), tmp_path / "missing" / "m")
    if "torch" in INSTALLED:
        with pytest.raises(IsADirectoryError, match="writes one file"):
            ug.export(nn.Linear(3, 2), np.ones((2, 3), np.float32), tmp_path, format="torch.export")
