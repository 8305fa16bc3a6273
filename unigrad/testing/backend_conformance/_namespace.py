"""Behaviour checks of the Array API namespace, against array-api-strict or NumPy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...dtypes import as_dtype, numpy_dtype
from ...ops.promotion import result_type
from . import _machinery
from ._machinery import (
    _ANY,
    _BOOLS,
    _BOOLS2,
    _BY,
    _INTS,
    _INTS2,
    _POSITIVE,
    _ROW,
    _SHIFTS,
    _X,
    _behaviour,
    _Check,
    _f32,
    _i,
    _is_scalar,
    _MismatchError,
    _op,
)

_UNARY_DOMAIN = {
    "_POSITIVE": ("log", "log1p", "log2", "log10", "sqrt", "reciprocal"),
    "_UNIT": ("acos", "asin", "atanh"),
    "_ABOVE_ONE": ("acosh",),
    "_ANY": (
        "abs",
        "asinh",
        "atan",
        "ceil",
        "cos",
        "cosh",
        "exp",
        "expm1",
        "floor",
        "negative",
        "positive",
        "round",
        "sign",
        "signbit",
        "sin",
        "sinh",
        "square",
        "tan",
        "tanh",
        "trunc",
    ),
    "_SPECIAL": ("isfinite", "isinf", "isnan"),
    "_COMPLEX": ("conj", "real", "imag"),
}
_FLOAT_BINARY = (
    "add",
    "subtract",
    "multiply",
    "divide",
    "maximum",
    "minimum",
    "atan2",
    "copysign",
    "hypot",
    "logaddexp",
    "nextafter",
    "equal",
    "not_equal",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "floor_divide",
    "remainder",
)
_INT_BINARY = (
    "add",
    "subtract",
    "multiply",
    "floor_divide",
    "remainder",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "maximum",
)


def _promotion(op: str, x1: Any, x2: Any, ufunc: Callable[..., Any]) -> _Check:
    """A binary op on mixed operands: the dtype is unigrad's :func:`~unigrad.result_type`."""

    def ref(a: Any, b: Any) -> Any:
        spec = [v if _is_scalar(v) else as_dtype(v.dtype) for v in (a, b)]
        dtype = numpy_dtype(result_type(*spec))
        return np.asarray(ufunc(np.asarray(a, dtype=dtype), np.asarray(b, dtype=dtype)))

    return _op("elementwise", op, x1, x2, ref=ref, binary=True)


def _elementwise_checks() -> list[_Check]:
    inputs = vars(_machinery)
    checks = [_op("elementwise", op, inputs[domain]) for domain, ops in _UNARY_DOMAIN.items() for op in ops]
    checks += [_op("elementwise", op, _X, _ROW, binary=True) for op in _FLOAT_BINARY]
    checks += [_op("elementwise", op, _INTS, _INTS2, binary=True) for op in _INT_BINARY]
    checks += [
        _op("elementwise", "pow", _POSITIVE, _f32([2.0, 0.5, -1.0, 3.0]), binary=True),
        _op("elementwise", "bitwise_invert", _INTS),
        _op("elementwise", "bitwise_left_shift", _SHIFTS, _BY, binary=True),
        _op("elementwise", "bitwise_right_shift", _SHIFTS, _BY, binary=True),
        _op("elementwise", "logical_not", _BOOLS),
        _op("elementwise", "clip", _ANY, -1.0, 2.0),
    ]
    checks += [_op("elementwise", op, _BOOLS, _BOOLS2, binary=True) for op in ("logical_and", "logical_or")]
    checks.append(_op("elementwise", "logical_xor", _BOOLS, _BOOLS2, binary=True))
    # Python scalars are weak; mixed tensors follow unigrad's table (as the standard where it speaks)
    checks += [
        _promotion("add", _i([1, 2, 3], "int8"), 1, np.add),
        _promotion("multiply", _i([1, 2, 3]), 0.5, np.multiply),
        _promotion("subtract", 1, _f32([0.5, 2.0]), np.subtract),
        _promotion("add", _f32([0.5, 2.0]), np.asarray([1.0, 0.25]), np.add),
        _promotion("add", _i([200, 7], "uint8"), _i([-100, 3], "int8"), np.add),
        _promotion("multiply", np.array([True, False]), 2, np.multiply),
        _promotion("greater", _i([1, 2, 3], "int8"), 2.5, np.greater),
    ]
    return checks


def _statistical_checks() -> list[_Check]:
    variants: list[dict[str, Any]] = [{}, {"axis": 0}, {"axis": 1, "keepdims": True}, {"axis": (0, 1)}]
    checks = [
        _op("statistical", op, _X, **kw)
        for op in ("sum", "prod", "mean", "max", "min", "var", "std")
        for kw in variants
    ]
    checks += [
        _op("statistical", "var", _X, axis=1, correction=1.0),
        _op("statistical", "std", _X, axis=0, correction=1.0),
        _op("statistical", "sum", _i([[1, 2], [3, 4]], "int8")),
        _op("statistical", "prod", _i([[1, 2], [3, 4]], "int8"), axis=0),
        _op("statistical", "sum", _X, axis=1, dtype=as_dtype("float64")),
        _op("statistical", "cumulative_sum", _X, axis=1),
        _op("statistical", "cumulative_sum", _X, axis=0, include_initial=True),
        _op("statistical", "cumulative_prod", _X, axis=1),
        _op("statistical", "all", np.array([[True, False], [True, True]]), axis=1),
        _op("statistical", "any", np.array([[True, False], [False, False]]), axis=0, keepdims=True),
        _op("statistical", "all", np.array([[True, True], [True, True]])),
        _op("statistical", "diff", _X, axis=-1),
        _op("statistical", "diff", _X, axis=0, n=1),
        _op("statistical", "mean", _i([[1, 2], [4, 4]]), ref=lambda x, **kw: np.mean(x, dtype=np.float32)),
    ]
    logsumexp = lambda x, axis=None, keepdims=False: np.log(  # noqa: E731 - a one-line reference
        np.sum(np.exp(x.astype(np.float64)), axis=axis, keepdims=keepdims)
    ).astype(x.dtype)
    checks += [_op("statistical", "logsumexp", _X, ref=logsumexp, **kw) for kw in variants]
    return checks


def _manipulation_checks() -> list[_Check]:
    x3 = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    indices = _i([[0, 2, 1], [1, 1, 0]], "int64")
    return [
        _op("manipulation", "reshape", _X, (3, 2)),
        _op("manipulation", "reshape", _X, (-1,)),
        _op("manipulation", "permute_dims", x3, (2, 0, 1)),
        _op("manipulation", "concat", [_X, _X], axis=0),
        _op("manipulation", "concat", [_X, _X[:1]], axis=None),
        _op(
            "manipulation",
            "concat",
            [_i([1, 2]), _i([3], "int64")],
            ref=lambda a, **kw: np.concatenate(a).astype(np.int64),
        ),
        _op("manipulation", "stack", [_X, _X], axis=1),
        _op("manipulation", "expand_dims", _X, axis=0),
        _op("manipulation", "squeeze", _X[None], axis=0),
        _op("manipulation", "flip", _X),
        _op("manipulation", "flip", _X, axis=1),
        _op("manipulation", "roll", _X, 1, axis=1),
        _op("manipulation", "roll", _X, 2),
        _op("manipulation", "broadcast_to", _ROW, (2, 3)),
        _op("manipulation", "broadcast_arrays", _X, _ROW),
        _op("manipulation", "moveaxis", x3, 0, -1),
        _op("manipulation", "tile", _X, (2, 1)),
        _op("manipulation", "repeat", _X, 2, axis=0),
        _op("manipulation", "repeat", _X, 2),
        _op("manipulation", "unstack", _X, axis=0),
        _op(
            "manipulation",
            "take",
            _X,
            _i([2, 0, -1], "int64"),
            axis=1,
            ref=lambda x, i, axis: np.take(x, i, axis=axis),
        ),
        _op("manipulation", "take_along_axis", _X, indices, axis=1),
    ]


def _topk_reference(x: Any, k: int, axis: int = -1, largest: bool = True) -> tuple[Any, Any]:
    """``topk`` in NumPy: the first ``k`` of a stable sort along ``axis``; int64 indices."""
    order = np.argsort(-x if largest else x, axis=axis, kind="stable")
    indices = np.take(order, np.arange(k), axis=axis).astype(np.int64)
    return np.take_along_axis(x, indices, axis=axis), indices


def _searching_checks() -> list[_Check]:
    ints = _i([3, 1, 2, 3, 1], "int64")
    return [
        _op("searching", "argmax", _X),
        _op("searching", "argmax", _X, axis=1),
        _op("searching", "argmin", _X, axis=0, keepdims=True),
        _op("searching", "where", _X > 0, _X, np.zeros_like(_X)),
        _op("searching", "sort", _X, axis=1),
        _op("searching", "sort", _X, axis=0, descending=True),
        _op("searching", "argsort", ints, stable=True),
        _op("searching", "nonzero", _X > 0),
        _op("searching", "count_nonzero", _X > 0, axis=1),
        _op("searching", "unique_values", ints),
        _op("searching", "unique_counts", ints),
        _op("searching", "unique_inverse", ints),
        _op("searching", "unique_all", ints),
        _op("searching", "searchsorted", _f32([1, 3, 5, 7]), _f32([0, 3, 6, 8])),
        _op("searching", "searchsorted", _f32([1, 3, 5, 7]), _f32([0, 3, 6, 8]), side="right"),
        _op("searching", "isin", ints, _i([1, 5], "int64"), ref=np.isin),
        _op("searching", "topk", _X, 2, ref=_topk_reference),
        _op("searching", "topk", _X, 1, axis=0, largest=False, ref=_topk_reference),
        _op(
            "searching",
            "isin",
            ints,
            _i([1, 5], "int64"),
            invert=True,
            ref=np.isin,
        ),
    ]


def _linalg_checks() -> list[_Check]:
    batch = np.arange(12, dtype=np.float32).reshape(2, 2, 3) / 4
    return [
        _op("linalg", "matmul", _X, _X.T.copy()),
        _op("linalg", "matmul", batch, _X.T.copy()),
        _op("linalg", "matrix_transpose", batch),
        _op("linalg", "tensordot", _X, _X.T.copy(), axes=1),
        _op("linalg", "tensordot", _X, _X, axes=2),
        _op("linalg", "vecdot", _X, _ROW),
        _op("linalg", "einsum", "ij,kj->ik", _X, _X, ref=np.einsum),
    ]


def _creation_checks() -> list[_Check]:
    f32, i64 = np.float32, np.int64
    float64 = as_dtype("float64")
    return [
        _op("creation", "asarray", [1.5, 2.0], ref=lambda v: np.asarray(v, f32)),
        _op("creation", "asarray", [[1, 2], [3, 4]], ref=lambda v: np.asarray(v, i64)),
        _op("creation", "asarray", [True, False], ref=np.asarray),
        _op("creation", "asarray", 2.5, ref=lambda v: np.asarray(v, f32)),
        _op("creation", "asarray", _i([1, 2], "int16"), ref=np.asarray),
        _op("creation", "asarray", [1, 2], dtype=float64, ref=lambda v, dtype: np.asarray(v, np.float64)),
        _op("creation", "zeros", (2, 3), ref=lambda s: np.zeros(s, f32)),
        _op("creation", "zeros", 3, dtype=as_dtype("int32"), ref=lambda s, dtype: np.zeros(s, np.int32)),
        _op("creation", "ones", (2,), ref=lambda s: np.ones(s, f32)),
        _op("creation", "full", (2,), 7, ref=lambda s, v: np.full(s, v, i64)),
        _op("creation", "full", (2, 2), 1.5, ref=lambda s, v: np.full(s, v, f32)),
        _op("creation", "full", (2,), True, ref=np.full),
        _op("creation", "arange", 5, ref=lambda n: np.arange(n, dtype=i64)),
        _op("creation", "arange", 1.0, 2.0, 0.25, ref=lambda *a: np.arange(*a, dtype=f32)),
        _op("creation", "arange", 2, 11, 3, ref=lambda *a: np.arange(*a, dtype=i64)),
        _op("creation", "linspace", 0.0, 1.0, 5, ref=lambda *a: np.linspace(*a, dtype=f32)),
        _op(
            "creation",
            "linspace",
            0.0,
            1.0,
            4,
            endpoint=False,
            ref=lambda *a, **k: np.linspace(*a, **k, dtype=f32),
        ),
        _op("creation", "eye", 3, ref=lambda n: np.eye(n, dtype=f32)),
        _op(
            "creation",
            "eye",
            2,
            3,
            k=1,
            dtype=as_dtype("int32"),
            ref=lambda n, m, k, dtype: np.eye(n, m, k, np.int32),
        ),
        _op("creation", "zeros_like", _INTS),
        _op("creation", "ones_like", _X, dtype=float64),
        _op("creation", "full_like", _X, 2.5),
        _op("creation", "tril", _X),
        _op("creation", "triu", _X, k=1),
        _op("creation", "meshgrid", _ROW, _f32([1.0, 2.0])),
        _op("creation", "meshgrid", _ROW, _f32([1.0, 2.0]), indexing="ij"),
        _op("creation", "astype", _X, as_dtype("int32"), ref=lambda x, d: x.astype(np.int32)),
        _op("creation", "astype", _INTS, as_dtype("float32"), ref=lambda x, d: x.astype(f32)),
        _op("creation", "astype", _X, as_dtype("bool"), ref=lambda x, d: x.astype(bool)),
        _op("creation", "from_dlpack", _X, ref=lambda x: x),
        _behaviour("creation", "empty((2, 3))", ("empty",), _check_empty),
        _behaviour("creation", "empty_like(int32[4])", ("empty_like",), _check_empty_like),
    ]


def _check_empty(backend: Any) -> None:
    _compare_meta(backend, "empty((2, 3))", backend.empty((2, 3)), (2, 3), "float32")


def _check_empty_like(backend: Any) -> None:
    made = backend.empty_like(backend.from_numpy(_INTS.copy()))
    _compare_meta(backend, "empty_like(int32[4])", made, (4,), "int32")


def _compare_meta(backend: Any, call: str, got: Any, shape: tuple[int, ...], dtype: str) -> None:
    found = (tuple(np.shape(backend.to_numpy(got))), str(backend.dtype_of(got)))
    if found != (shape, dtype):
        raise _MismatchError(
            f"{call} made a tensor of shape {found[0]} and dtype {found[1]}, expected {shape} {dtype}"
        )
