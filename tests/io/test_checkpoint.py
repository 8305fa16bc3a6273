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


# -- issue 17: exact shapes, standard files, colliding paths ------------------------------

ALL_DTYPES = [
    ug.float16,
    ug.float32,
    ug.float64,
    ug.int8,
    ug.int32,
    ug.int64,
    ug.uint8,
    ug.bool,
    ug.bfloat16,
]
SHAPES = [(), (1,), (0,), (0, 3), (3, 0, 2), (2, 3, 1)]


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_every_shape_round_trips_exactly(ug_backend, tmp_path, dtype):
    rng = np.random.default_rng(0)
    arrays = {
        str(shape): np.asarray(rng.standard_normal(shape) * 50).astype(ug.dtypes.numpy_dtype(dtype))
        for shape in SHAPES
    }
    path = tmp_path / "shapes.safetensors"
    ug.save({key: ug.asarray(value) for key, value in arrays.items()}, path)
    restored = ug.load(path)
    for key, value in arrays.items():
        tensor = restored[key]
        assert tuple(tensor.shape) == value.shape, key
        assert ug.as_dtype(tensor.dtype) is dtype, key
        # (copy=True: TensorFlow's no-copy view of a 0-d bfloat16 tensor fails in to_numpy)
        assert np.asarray(ug.to_numpy(tensor, copy=True)).tobytes() == value.tobytes(), key


def test_files_are_standard_safetensors(ug_backend, tmp_path):
    from safetensors.numpy import load_file

    path = tmp_path / "x.safetensors"
    ug.save(
        {"count": ug.asarray(7, dtype=ug.int64), "w": ug.ones((2, 0)), "b": ug.ones(3, dtype=ug.int8)}, path
    )
    native = load_file(str(path))
    assert native["count"].shape == () and int(native["count"]) == 7
    assert native["w"].shape == (2, 0) and native["b"].tolist() == [1, 1, 1]


def test_paths_that_collide_keep_their_own_tensors(ug_backend, tmp_path):
    path = tmp_path / "x.safetensors"
    ug.save({"a/b": ug.zeros(1), "a": {"b": ug.ones(1)}, "__metadata__": ug.full((1,), 2.0)}, path)
    restored = ug.load(path)
    assert ug.to_numpy(restored["a/b"]).tolist() == [0.0]
    assert ug.to_numpy(restored["a"]["b"]).tolist() == [1.0]
    assert ug.to_numpy(restored["__metadata__"]).tolist() == [2.0]


class BatchNormNet(ug.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = ug.nn.Conv2d(2, 3, 3, padding=1)
        self.norm = ug.nn.BatchNorm2d(3)

    def forward(self, x):
        return self.norm(self.conv(x))


@pytest.mark.skipif(len(INSTALLED) < 2, reason="needs torch and tensorflow")
@pytest.mark.parametrize("writer", ["torch", "tensorflow"])
@pytest.mark.parametrize("reader", ["torch", "tensorflow"])
def test_a_model_with_batchnorm_loads_on_the_same_and_the_other_backend(tmp_path, writer, reader):
    x = np.random.default_rng(1).standard_normal((4, 2, 5, 5)).astype(np.float32)
    with ug.use_backend(writer):
        ug.random.seed(0)
        model = BatchNormNet()
        for _ in range(3):  # training steps move the running statistics and count the batches
            model(ug.asarray(x))
        model.eval()
        expected = ug.to_numpy(model(ug.asarray(x))).copy()
        saved = {key: ug.to_numpy(value).copy() for key, value in model.state_dict().items()}
        assert saved["norm.num_batches_tracked"].shape == () and int(saved["norm.num_batches_tracked"]) == 3
        ug.save({"model": model.state_dict()}, tmp_path / "bn.safetensors")
    with ug.use_backend(reader):
        checkpoint = ug.load(tmp_path / "bn.safetensors")
        ug.random.seed(1)
        fresh = BatchNormNet()
        fresh.load_state_dict(checkpoint["model"])
        for key, value in fresh.state_dict().items():
            assert type(value).__module__.split(".")[0] == ("torch" if reader == "torch" else "tensorflow")
            assert ug.to_numpy(value).shape == saved[key].shape, key
            assert ug.to_numpy(value).tobytes() == saved[key].tobytes(), key
        fresh.eval()
        np.testing.assert_allclose(ug.to_numpy(fresh(ug.asarray(x))), expected, rtol=1e-5, atol=1e-5)
