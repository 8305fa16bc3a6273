"""Type promotion: the Array API table on every backend, 0-d tensors included."""

from __future__ import annotations

import itertools

import array_api_strict as xps
import numpy as np
import pytest
from support import BACKENDS, run

import unigrad as ug
from unigrad.ops.promotion import common_dtype_finder, promoter

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


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        (ug.int8, ug.int16, True),
        (ug.int16, ug.int8, False),
        (ug.uint8, ug.int16, True),
        (ug.uint8, ug.int8, False),
        (ug.float32, ug.float64, True),
        (ug.int32, ug.float32, True),
        (ug.float32, ug.int64, False),
        (ug.bool, ug.int8, True),
        (ug.float64, ug.complex128, True),
    ],
)
def test_can_cast(source, target, expected):
    assert ug.can_cast(source, target) is expected


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


def _numpy_promote(keeps_weak_scalars):
    """promoter over NumPy arrays: the primitives a backend supplies, nothing more."""
    names = [*COMPUTE, "uint16", "uint32", "uint64", "complex64", "complex128"]

    def as_tensor(x, op):
        if isinstance(x, (np.ndarray, np.generic)):
            return np.asarray(x)
        raise TypeError(f"{op}: not an array: {type(x).__name__}")

    return promoter(
        tensor_types=(np.ndarray,),
        from_native={np.dtype(n): ug.as_dtype(n) for n in names},
        to_native={n: np.dtype(n) for n in names},
        as_tensor=as_tensor,
        cast=lambda x, dtype: x.astype(dtype),
        scalar=lambda value, dtype, like: np.asarray(value, dtype=dtype),
        keeps_weak_scalars=keeps_weak_scalars,
    )


@pytest.mark.parametrize("keeps_weak_scalars", [False, True])
@pytest.mark.parametrize("dtype", COMPUTE)
@pytest.mark.parametrize("number", [True, 2, 1.5])
def test_promoter_gives_result_type_with_python_numbers(dtype, number, keeps_weak_scalars):
    promote = _numpy_promote(keeps_weak_scalars)
    array = np.ones(3, dtype=dtype)
    expected = ug.result_type(dtype, number)
    x1, x2 = promote(array, number)
    assert x1.dtype == expected
    if keeps_weak_scalars:
        assert x2 is number  # the framework takes the number as weak itself
    else:
        assert x2.dtype == expected and x2.shape == ()
    y1, y2 = promote(number, array)  # first place: always a tensor
    assert y1.dtype == expected and y2.dtype == expected


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(COMPUTE, 2)))
def test_promoter_casts_two_arrays_to_result_type(a, b):
    x1, x2 = _numpy_promote(False)(np.ones((), dtype=a), np.ones(3, dtype=b))
    assert x1.dtype == x2.dtype == ug.result_type(a, b)


def test_promoter_two_numbers_and_foreign_operands():
    promote = _numpy_promote(True)
    x1, x2 = promote(1, 2.5)
    assert x1.dtype == x2.dtype == ug.float32
    with pytest.raises(TypeError, match="binary op: not an array: object"):
        promote(np.ones(2), object())


def test_common_dtype_finder_folds_result_type():
    common_dtype = common_dtype_finder(
        from_native={np.dtype(n): ug.as_dtype(n) for n in COMPUTE},
        to_native={n: np.dtype(n) for n in COMPUTE},
        as_tensor=lambda x, op: np.asarray(x),
    )
    arrays = [np.ones(2, dtype="int8"), np.ones(2, dtype="uint8"), np.ones(2, dtype="int16")]
    assert common_dtype(arrays) == np.dtype("int16")
    assert common_dtype([]) is None
