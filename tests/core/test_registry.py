"""The backend registry: names, scoping, threads, asyncio, plugins, lazy imports."""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import threading
import types

import numpy as np
import pytest

import unigrad as ug
from unigrad import config
from unigrad.backends import BUILTIN
from unigrad.backends.base import NAMESPACE, Backend

INSTALLED = ug.available_backends()
needs_both = pytest.mark.skipif(len(INSTALLED) < 2, reason="needs torch and tensorflow")


@pytest.fixture(autouse=True)
def _restore_default():
    saved = config._state.default
    yield
    config._state.default = saved


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("torch", "torch"),
        ("pytorch", "torch"),
        ("PyTorch", "torch"),
        ("tensorflow", "tensorflow"),
        ("tf", "tensorflow"),
        (" TF ", "tensorflow"),
    ],
)
def test_aliases(alias, canonical):
    if canonical not in INSTALLED:
        pytest.skip(f"{canonical} not installed")
    ug.set_backend(alias)
    assert ug.get_backend() == canonical
    with ug.use_backend(alias) as backend:
        assert backend.name == canonical


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(
        ValueError, match=r"unknown backend name 'jax'; expected one of: pytorch, tensorflow, tf, torch"
    ) as info:
        ug.set_backend("jax")
    assert isinstance(info.value, ug.UnigradError)
    with pytest.raises(ug.UnknownBackendError, match="must be a string"):
        ug.set_backend(3)  # type: ignore[arg-type]


def test_missing_framework_names_the_pip_extra(monkeypatch):
    monkeypatch.setattr(config, "_is_installed", lambda name: False)
    monkeypatch.setattr(config, "_instances", {})
    with pytest.raises(ImportError, match=r"pip install 'unigrad\[tensorflow\]'") as info:
        ug.set_backend("tf")
    assert isinstance(info.value, ug.BackendNotInstalledError)


@needs_both
def test_use_backend_nests_and_restores():
    ug.set_backend("torch")
    with ug.use_backend("tf"):
        assert ug.get_backend() == "tensorflow"
        assert type(ug.zeros(2)).__module__.startswith("tensorflow")
        with ug.use_backend("torch"):
            assert ug.get_backend() == "torch"
        assert ug.get_backend() == "tensorflow"
    assert ug.get_backend() == "torch"


@needs_both
def test_use_backend_restores_after_an_exception():
    ug.set_backend("torch")
    with pytest.raises(RuntimeError), ug.use_backend("tf"):
        raise RuntimeError("boom")
    assert ug.get_backend() == "torch"


@needs_both
def test_scopes_are_per_thread():
    ug.set_backend("torch")
    seen: dict[str, str] = {}
    entered = threading.Barrier(2)

    def worker(name: str) -> None:
        with ug.use_backend(name):
            entered.wait(timeout=10)  # both threads inside their scopes at once
            seen[name] = type(ug.ones(1)).__module__.partition(".")[0]

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("torch", "tensorflow")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert seen == {"torch": "torch", "tensorflow": "tensorflow"}
    assert ug.get_backend() == "torch"


@needs_both
def test_set_backend_is_process_wide():
    ug.set_backend("tf")
    found = []
    thread = threading.Thread(target=lambda: found.append(ug.get_backend()))
    thread.start()
    thread.join(timeout=10)
    assert found == ["tensorflow"]


@needs_both
def test_scopes_are_per_asyncio_task():
    async def task(name: str) -> str:
        with ug.use_backend(name):
            await asyncio.sleep(0.01)  # let the other task run inside its own scope
            return ug.get_backend()

    async def main() -> list[str]:
        return await asyncio.gather(task("torch"), task("tf"), task("torch"))

    assert asyncio.run(main()) == ["torch", "tensorflow", "torch"]


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "UNIGRAD_BACKEND"}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=120, check=False
    )


def test_import_unigrad_imports_no_framework():
    code = (
        "import sys, unigrad as ug; ug.set_backend('torch'); ug.get_backend(); ug.available_backends(); "
        "print(sorted(m for m in ('torch', 'tensorflow', 'keras', 'jax') if m in sys.modules))"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@needs_both
def test_framework_imported_on_first_use_only():
    code = (
        "import sys, unigrad as ug; ug.set_backend('tf'); ug.ones(2); "
        "print('tensorflow' in sys.modules, 'torch' in sys.modules)"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["True", "False"]


@needs_both
def test_environment_variable_sets_the_default():
    result = _run(
        "import unigrad as ug; print(ug.get_backend(), type(ug.ones(1)).__module__)", UNIGRAD_BACKEND="tf"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2] == "tensorflow"
    assert result.stdout.split()[-1].startswith("tensorflow")


def test_bad_environment_variable_is_named():
    result = _run("import unigrad as ug; ug.ones(1)", UNIGRAD_BACKEND="mxnet")
    assert result.returncode != 0
    assert "unknown backend name in $UNIGRAD_BACKEND 'mxnet'" in result.stderr


def test_available_backends_imports_nothing():
    result = _run("import sys, unigrad as ug; print(ug.available_backends(), 'torch' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")


class _EchoBackend(Backend):
    """A toy third-party backend over NumPy, registered through an entry point."""

    name = "echo"
    aliases = ("np-echo",)
    framework = "numpy"

    def __init__(self) -> None:
        import numpy as np

        super().__init__()
        self.tensor_types = (np.ndarray,)
        self.ones = lambda shape, dtype=None, device=None: np.ones(shape)
        self.is_tensor = lambda x: isinstance(x, np.ndarray)


def test_third_party_backend_through_entry_point(monkeypatch):
    module = types.ModuleType("fake_unigrad_plugin")
    module.EchoBackend = _EchoBackend  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_unigrad_plugin", module)
    entry = importlib.metadata.EntryPoint("echo", "fake_unigrad_plugin:EchoBackend", config.ENTRY_POINT_GROUP)
    monkeypatch.setattr(config, "_entry_points", lambda: {"echo": entry})
    monkeypatch.setattr(config, "_instances", dict(config._instances))
    assert "echo" in ug.available_backends()
    with ug.use_backend("np-echo"):
        assert ug.get_backend() == "echo"
        assert ug.ones(3).tolist() == [1.0, 1.0, 1.0]
        with pytest.raises(NotImplementedError, match="the 'echo' backend does not implement 'matmul'"):
            ug.matmul(ug.ones(2), ug.ones(2))


@pytest.mark.parametrize("name", INSTALLED)
def test_builtin_backends_are_complete(name):
    backend = config.backend_instance(name)
    assert backend.missing() == []
    assert len(NAMESPACE) == len(set(NAMESPACE))
    assert all(hasattr(ug, n) for n in NAMESPACE)


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_builtin_table_agrees_with_the_backend_classes(name):
    backend = config.backend_class(name)
    entry = BUILTIN[name]
    assert (backend.name, backend.framework, set(backend.aliases)) == (
        name,
        entry.framework,
        set(entry.aliases),
    )


def test_capabilities_asked_through_the_classes_import_no_framework():
    code = (
        "import importlib, sys, unigrad as ug\n"
        "launch = importlib.import_module('unigrad.distribute.launch')\n"
        "ug.distribute.rank(), ug.distribute.world_size(), launch._environments(2, None)\n"
        "ug.config.run_functions_eagerly(False)\n"
        "print(sorted(m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules))"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_launch_gives_each_replica_every_frameworks_launcher_environment():
    launch = importlib.import_module("unigrad.distribute.launch")
    first, second = launch._environments(2, {"EXTRA": "1"})
    assert (first["RANK"], second["RANK"], first["WORLD_SIZE"], first["EXTRA"]) == ("0", "1", "2", "1")
    assert first["MASTER_PORT"] == second["MASTER_PORT"]  # torchrun's rendezvous
    workers = json.loads(first["TF_CONFIG"])["cluster"]["worker"]  # TensorFlow's cluster
    assert json.loads(second["TF_CONFIG"])["task"] == {"type": "worker", "index": 1}
    ports = [first["MASTER_PORT"], *(w.rpartition(":")[2] for w in workers)]
    assert len(set(ports)) == len(ports)  # every port taken once


def test_a_backend_without_capability_modules_gets_the_generic_defaults():
    assert _EchoBackend.distribution() is None
    assert _EchoBackend.loader_length([1, 2]) is NotImplemented
    assert _EchoBackend.read_state_file("model.pth") is NotImplemented
    assert _EchoBackend.launch_environments(2, lambda n: []) == [{}, {}]
    assert _EchoBackend.process_group_position() is None
    assert _EchoBackend.launcher_position() is None
    with pytest.raises(ug.DeviceError, match="'echo' backend has one CPU device"):
        _EchoBackend.split_cpu(2)
    echo = _EchoBackend()
    assert [p.tolist() for p in echo.split_rows(np.arange(5), [2, 3])] == [[0, 1], [2, 3, 4]]
    with pytest.raises(ug.UnigradError, match="no native model class"):
        echo.to_native_module(None)
    with pytest.raises(NotImplementedError, match="does not implement 'export'"):
        echo.export(None, (), "m", "onnx", True)
