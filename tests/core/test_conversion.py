"""to_numpy, convert (DLPack, alignment-safe), device_of, to_device."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import unigrad as ug

INSTALLED = ug.available_backends()
both = pytest.mark.skipif(not {"torch", "tensorflow"} <= set(INSTALLED), reason="needs torch and tensorflow")
DTYPES = [
    ug.bool,
    ug.int8,
    ug.int32,
    ug.int64,
    ug.uint8,
    ug.float16,
    ug.bfloat16,
    ug.float32,
    ug.float64,
    ug.complex64,
]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_to_numpy_keeps_values_and_dtype(ug_backend, dtype):
    source = np.arange(6).reshape(2, 3).astype(ug.dtypes.numpy_dtype(dtype))
    array = ug.to_numpy(ug.asarray(source))
    assert array.dtype == source.dtype
    np.testing.assert_array_equal(array, source)


def test_to_numpy_copy_is_writable(ug_backend):
    x = ug.ones(3)
    array = ug.to_numpy(x, copy=True)
    array[0] = 5.0
    assert ug.to_numpy(x)[0] == 1.0


@pytest.mark.backends("torch")
def test_to_numpy_shares_torch_memory(ug_backend):
    x = ug.zeros(3)
    ug.to_numpy(x)[1] = 7.0  # as Tensor.numpy(): a view of the same buffer
    assert x[1].item() == 7.0


@pytest.mark.backends("tensorflow")
def test_to_numpy_of_tf_is_a_read_only_view(ug_backend):
    array = ug.to_numpy(ug.ones(3))
    assert not array.flags.writeable


@both
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(("source", "target"), [("torch", "tensorflow"), ("tensorflow", "torch")])
def test_convert_between_frameworks(source, target, dtype):
    values = np.arange(12).reshape(3, 4).astype(ug.dtypes.numpy_dtype(dtype))
    with ug.use_backend(source):
        x = ug.asarray(values)
    y = ug.convert(x, target)
    assert type(y).__module__.partition(".")[0] == target
    assert ug.as_dtype(y.dtype) is dtype
    np.testing.assert_array_equal(ug.to_numpy(y), values)
    with ug.use_backend(target):
        ug.add(y, y)  # usable by the target's ops


@both
def test_convert_is_zero_copy_when_safe():
    import tensorflow as tf
    import torch

    t = torch.ones(1024)
    if t.data_ptr() % 64 == 0:
        view = ug.convert(t, "tensorflow")
        assert np.asarray(view).ctypes.data == t.data_ptr()
    x = tf.ones(1024)
    shared = ug.convert(x, "torch")
    assert shared.data_ptr() == np.asarray(x).ctypes.data


@both
def test_convert_misaligned_and_strided_torch_buffers_safely():
    # TensorFlow aborts the process on a misaligned DLPack buffer: run it in a child.
    code = """
import numpy as np, torch, unigrad as ug
base = np.arange(1, 200, dtype=np.float32)
misaligned = 0
for offset in range(16):
    t = torch.from_numpy(base[offset:offset + 64])
    misaligned += bool(t.data_ptr() % 64)
    y = ug.convert(t, "tensorflow")
    with ug.use_backend("tf"):
        total = float(ug.to_numpy(ug.sum(ug.multiply(y, 2.0))))
    assert total == 2 * float(base[offset:offset + 64].sum()), (offset, total)
assert misaligned >= 15
strided = torch.arange(12.0).reshape(3, 4).T
y = ug.convert(strided, "tensorflow")
assert (ug.to_numpy(y) == strided.numpy()).all()
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")


@both
def test_convert_structures():
    with ug.use_backend("torch"):
        state = {"w": ug.ones((2, 2)), "b": [ug.zeros(2), 3], "step": 7}
    converted = ug.convert(state, "tf")
    assert type(converted["w"]).__module__.startswith("tensorflow")
    assert converted["b"][1] == 3 and converted["step"] == 7
    np.testing.assert_array_equal(ug.to_numpy(converted["b"][0]), [0.0, 0.0])


def test_convert_numpy_and_same_framework(ug_backend):
    x = ug.ones(2)
    assert ug.convert(x, ug_backend) is x
    assert type(ug.convert(np.ones(2), ug_backend)) is type(x)


def test_device_of_and_to_device(ug_backend):
    x = ug.ones(2)
    assert ug.device_of(x) == "cpu:0"
    assert ug.device_of(ug.to_device(x, "cpu")) == "cpu:0"
    assert ug.device_of(ug.zeros(2, device="cpu:0")) == "cpu:0"
    with pytest.raises(ug.DeviceError, match="the devices are: cpu:0"):
        ug.to_device(x, "gpu:3")
    assert ug.devices()[0] == "cpu:0"


def test_conversions_refuse_non_tensors():
    with pytest.raises(ug.BackendMismatchError, match="expected a tensor of an installed backend"):
        ug.device_of("not a tensor")
