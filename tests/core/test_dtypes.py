"""unigrad dtypes: names, equality with every framework's dtypes, finfo/iinfo, isdtype."""

from __future__ import annotations

import numpy as np
import pytest

import unigrad as ug
from unigrad.dtypes import ALL_DTYPES


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
def test_equal_to_numpy_and_names(dtype):
    assert dtype == dtype.name and hash(dtype) == hash(dtype.name)
    assert ug.as_dtype(dtype.name) is dtype
    assert repr(dtype) == f"unigrad.{dtype.name}"
    if dtype is not ug.bfloat16:
        assert np.dtype(dtype) == np.dtype(dtype.name)
        assert ug.as_dtype(np.dtype(dtype.name)) is dtype


def test_equal_to_native_dtypes(ug_backend):
    for dtype in (ug.float32, ug.int64, ug.bool, ug.uint8, ug.bfloat16, ug.float16):
        x = ug.zeros(2, dtype=dtype)
        assert x.dtype == dtype and dtype == x.dtype
        assert ug.as_dtype(x.dtype) is dtype
        assert x.dtype != (ug.float64 if dtype is not ug.float64 else ug.float32)


def test_python_types_mean_the_defaults():
    assert ug.as_dtype(float) is ug.float32
    assert ug.as_dtype(int) is ug.int64
    assert ug.as_dtype(bool) is ug.bool


def test_unknown_dtype_lists_the_known():
    with pytest.raises(ug.DTypeError, match="unknown dtype 'float8'"):
        ug.as_dtype("float8")
    with pytest.raises(TypeError):
        ug.as_dtype(object())


@pytest.mark.parametrize("dtype", [ug.float16, ug.float32, ug.float64, ug.bfloat16])
def test_finfo(dtype):
    info = ug.finfo(dtype)
    import ml_dtypes

    reference = (ml_dtypes.finfo if dtype is ug.bfloat16 else np.finfo)(ug.dtypes.numpy_dtype(dtype))
    assert (info.bits, info.eps, info.max, info.min) == (
        reference.bits,
        float(reference.eps),
        float(reference.max),
        float(reference.min),
    )
    assert info.smallest_normal == float(reference.smallest_normal)
    assert info.dtype == dtype


@pytest.mark.parametrize("dtype", [ug.int8, ug.int16, ug.int32, ug.int64, ug.uint8, ug.uint64])
def test_iinfo(dtype):
    info = ug.iinfo(dtype)
    assert (info.min, info.max, info.bits) == (np.iinfo(dtype.name).min, np.iinfo(dtype.name).max, dtype.bits)


def test_finfo_of_a_tensor_and_wrong_kinds(ug_backend):
    assert ug.finfo(ug.ones(1)).dtype == ug.float32
    assert ug.finfo(ug.complex64).bits == 32
    with pytest.raises(ug.DTypeError, match="finfo needs a floating-point dtype, got int32"):
        ug.finfo(ug.int32)
    with pytest.raises(ug.DTypeError, match="iinfo needs an integer dtype"):
        ug.iinfo(ug.float32)


@pytest.mark.parametrize(
    ("dtype", "kind", "expected"),
    [
        (ug.float32, "real floating", True),
        (ug.float32, "integral", False),
        (ug.uint8, "integral", True),
        (ug.uint8, "signed integer", False),
        (ug.bool, "bool", True),
        (ug.bool, "numeric", False),
        (ug.complex64, "complex floating", True),
        (ug.int8, ("bool", "signed integer"), True),
        (ug.int8, ug.int8, True),
        (ug.int8, ug.int16, False),
    ],
)
def test_isdtype(dtype, kind, expected):
    assert ug.isdtype(dtype, kind) is expected


def test_isdtype_rejects_unknown_kinds():
    with pytest.raises(ug.DTypeError, match="unknown dtype kind 'float'"):
        ug.isdtype(ug.float32, "float")


def test_namespace_info(ug_backend):
    info = ug.__array_namespace_info__()
    assert info.default_dtypes()["real floating"] is ug.float32
    assert info.default_dtypes()["integral"] is ug.int64
    assert info.default_device() == "cpu:0"
    assert "cpu:0" in info.devices()
    assert set(info.dtypes(kind="real floating")) == {"float32", "float64"}
