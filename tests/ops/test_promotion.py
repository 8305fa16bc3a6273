"""Type promotion: the Array API table on every backend, 0-d tensors included."""

from __future__ import annotations

import itertools

import array_api_strict as xps
import numpy as np
import pytest
from support import BACKENDS, run

import unigrad as ug

COMPUTE = ["bool", "int8", "int16", "int32", "int64", "uint8", "float32", "float64"]
ALL = [*COMPUTE, "uint16", "uint32", "uint64", "complex64", "complex128"]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(ALL, ALL)))
def test_result_type_matches_the_standard_table(a, b):
    try:
        expected = str(xps.result_type(getattr(xps, a), getattr(xps, b))).removeprefix("array_api_strict.")
    except TypeError:
        expected = None  # mixed kinds: implementation-defined, checked below
    if expected is not None:
        assert ug.result_type(a, b) == expected
        assert ug.can_cast(a, expected) and ug.can_cast(b, expected)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (a, b)
        for a, b in itertools.product(COMPUTE, COMPUTE)
        if ug.dtypes.as_dtype(a).kind != ug.dtypes.as_dtype(b).kind
    ],
)
def test_mixed_kinds_follow_pytorch(a, b):
    torch = pytest.importorskip("torch")
    expected = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert ug.result_type(a, b) == expected


def test_uint64_with_signed_has_no_common_type():
    with pytest.raises(ug.DTypeError, match="no integer dtype holds both"):
        ug.result_type(ug.uint64, ug.int8)


@pytest.mark.parametrize(("shape1", "shape2"), [((3,), (3,)), ((), (3,)), ((3,), ()), ((), ())])
@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(COMPUTE, 2)))
def test_ops_promote_alike_on_every_backend(a, b, shape1, shape2):
    # PyTorch alone would let a 0-d tensor take the other operand's dtype.
    x1 = np.ones(shape1, dtype=a)
    x2 = np.ones(shape2, dtype=b)
    expected = ug.result_type(a, b)
    for backend in BACKENDS:
        for name in ("add", "multiply", "maximum") if expected != "bool" else ("logical_and",):
            result = run(name, backend, x1, x2)
            assert str(result.dtype) == expected, f"{name}({a}{list(shape1)}, {b}{list(shape2)}) on {backend}"
        result = run("where", backend, np.ones((), dtype=bool), x1, x2)
        assert str(result.dtype) == expected


@pytest.mark.parametrize(
    ("dtype", "scalar", "expected"),
    [
        ("int8", 1, "int8"),
        ("int8", 1.5, "float32"),
        ("uint8", True, "uint8"),
        ("bool", 1, "int64"),
        ("bool", 2.0, "float32"),
        ("float64", 1, "float64"),
        ("float32", 1.5, "float32"),
        ("float32", 1j, "complex64"),
        ("float64", 1j, "complex128"),
        ("int64", 1j, "complex64"),
    ],
)
def test_python_scalars_are_weak(dtype, scalar, expected):
    assert ug.result_type(dtype, scalar) == expected
    for backend in BACKENDS:
        if "complex" in expected:
            continue  # result_type suffices; complex arithmetic is checked elsewhere
        assert str(run("add", backend, np.ones(2, dtype=dtype), scalar).dtype) == expected
        assert str(run("add", backend, scalar, np.ones(2, dtype=dtype)).dtype) == expected


@pytest.mark.parametrize("name", ["concat", "stack"])
def test_multi_array_ops_promote(name):
    arrays = [np.ones(2, dtype="int8"), np.ones(2, dtype="uint8"), np.ones(2, dtype="int16")]
    for backend in BACKENDS:
        assert str(run(name, backend, arrays).dtype) == "int16"
