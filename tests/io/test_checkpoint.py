"""ug.save / ug.load: structures, dtypes, atomic writes, damaged files, across backends."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import unigrad as ug

INSTALLED = ug.available_backends()


def test_round_trip_of_a_training_state(ug_backend, tmp_path):
    ug.random.seed(0)
    model = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.ReLU(), ug.nn.Linear(4, 2))
    state = {
        "model": model.state_dict(),
        "optimizer": {
            "state": {0: {"step": 3, "momentum": ug.zeros(4)}},
            "param_groups": [{"lr": 0.1, "params": [0, 1]}],
        },
        "step": 7,
        "name": "run-1",
        "best": float("inf"),
        "done": False,
        "nothing": None,
        "shape": (2, 3),
    }
    path = tmp_path / "state.safetensors"
    ug.save(state, path)
    restored = ug.load(path)
    assert restored["step"] == 7 and restored["name"] == "run-1" and restored["best"] == float("inf")
    assert restored["done"] is False and restored["nothing"] is None and restored["shape"] == (2, 3)
    assert restored["optimizer"]["state"][0]["step"] == 3
    assert restored["optimizer"]["param_groups"] == [{"lr": 0.1, "params": [0, 1]}]
    assert list(restored["model"]) == list(state["model"])
    for key, value in state["model"].items():
        assert ug.to_numpy(restored["model"][key]).tobytes() == ug.to_numpy(value).tobytes()
    fresh = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.ReLU(), ug.nn.Linear(4, 2))
    fresh.load_state_dict(restored["model"])


@pytest.mark.parametrize("dtype", [ug.bool, ug.int8, ug.int64, ug.uint8, ug.float16, ug.bfloat16, ug.float64])
def test_dtypes_survive(ug_backend, tmp_path, dtype):
    values = np.arange(6).reshape(2, 3).astype(ug.dtypes.numpy_dtype(dtype))
    ug.save({"x": ug.asarray(values), "empty": ug.zeros((0, 2), dtype=dtype)}, tmp_path / "x.safetensors")
    restored = ug.load(tmp_path / "x.safetensors")
    assert ug.as_dtype(restored["x"].dtype) is dtype
    np.testing.assert_array_equal(ug.to_numpy(restored["x"]), values)
    assert restored["empty"].shape == (0, 2)


def test_failed_save_leaves_the_previous_file(ug_backend, tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    ug.save({"w": ug.ones(3)}, path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        ug.save({"w": ug.zeros(3)}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.safetensors"]  # no temporary file left behind
    with pytest.raises(TypeError, match=r"cannot checkpoint a object at w/0"):
        ug.save({"w": [object()]}, path)
    assert path.read_bytes() == before


def test_damaged_files_raise_value_error_naming_the_file(ug_backend, tmp_path):
    path = tmp_path / "ckpt.safetensors"
    ug.save({"w": ug.ones(100)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ValueError, match=r"cannot read the checkpoint '.*ckpt.safetensors': .*truncated or damaged"
    ):
        ug.load(path)
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ValueError, match=r"ckpt\.safetensors"):
        ug.load(path)
    from safetensors.numpy import save_file

    save_file({"x": np.ones(2, np.float32)}, str(tmp_path / "plain.safetensors"))
    with pytest.raises(ValueError, match="is a safetensors file but not a unigrad checkpoint"):
        ug.load(tmp_path / "plain.safetensors")
    with pytest.raises(FileNotFoundError):
        ug.load(tmp_path / "missing.safetensors")


def test_no_pickle_means_no_arbitrary_objects(ug_backend, tmp_path):
    with pytest.raises(TypeError, match="no pickle"):
        ug.save({"f": lambda: 0}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="checkpoint keys must be str or int, got tuple"):
        ug.save({(1, 2): 3}, tmp_path / "x.safetensors")


@pytest.mark.skipif(len(INSTALLED) < 2, reason="needs torch and tensorflow")
@pytest.mark.parametrize(("writer", "reader"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_written_on_one_backend_loads_on_the_other_in_another_process(tmp_path, writer, reader):
    path = tmp_path / "model.safetensors"
    write = textwrap.dedent(f"""
        import unigrad as ug
        ug.set_backend({writer!r})
        ug.random.seed(5)
        model = ug.nn.Sequential(ug.nn.Linear(4, 3), ug.nn.ReLU(), ug.nn.Linear(3, 1))
        ug.save({{"model": model.state_dict(), "step": 11}}, {str(path)!r})
        print(float(ug.to_numpy(ug.sum(model(ug.ones((2, 4)))))))
    """)
    read = textwrap.dedent(f"""
        import unigrad as ug
        ug.set_backend({reader!r})
        checkpoint = ug.load({str(path)!r})
        model = ug.nn.Sequential(ug.nn.Linear(4, 3), ug.nn.ReLU(), ug.nn.Linear(3, 1))
        model.load_state_dict(checkpoint["model"])
        assert checkpoint["step"] == 11
        print(ug.ops.conversion.backend_of(model[0].weight).name, float(ug.to_numpy(ug.sum(model(ug.ones((2, 4)))))))
    """)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    first = subprocess.run(
        [sys.executable, "-c", write], capture_output=True, text=True, timeout=180, env=env, check=False
    )
    assert first.returncode == 0, first.stderr[-2000:]
    second = subprocess.run(
        [sys.executable, "-c", read], capture_output=True, text=True, timeout=180, env=env, check=False
    )
    assert second.returncode == 0, second.stderr[-2000:]
    framework, value = second.stdout.split()[-2:]
    assert framework == reader
    assert float(value) == pytest.approx(float(first.stdout.split()[-1]), rel=1e-6)
