"""Array API statistical and utility functions on TensorFlow, plus ``logsumexp``.

The reductions take ``axis`` as None, an int or a tuple; ``axis=()`` reduces
nothing. As the standard asks, signed integer and bool input sums and
multiplies in int64, unsigned input in uint64; all average in float32.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import tensorflow as tf

from .core import (
    COMPLEX,
    DEFAULT_FLOAT,
    INEXACT,
    REAL_OF,
    UNSIGNED,
    EagerTensor,
    cast,
    common_dtype,
    index,
    native,
    native_dtype,
    normalize_axis,
    scalar,
)

__all__ = [
    "cumulative_prod",
    "cumulative_sum",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
    "all",
    "any",
    "diff",
    "logsumexp",
    "sum_all",
]

_E = EagerTensor
_raw = tf.raw_ops
_Sum = _raw.Sum
_bool = tf.bool
_ALL_AXES = [tuple(range(n)) for n in range(65)]


def axis_key(x: Any, axis: Any) -> Any:
    """``axis`` as an int or a tuple (all axes for None), the way :func:`core.index` caches it."""
    if axis is None:
        return _ALL_AXES[x.shape.rank]
    if type(axis) is int:
        return axis
    return tuple(int(a) for a in axis) if isinstance(axis, (tuple, list)) else int(axis)


def reduced_axes(x: Any, axis: Any) -> tuple[int, ...]:
    """The non-negative axes a reduction over ``axis`` removes."""
    ndim = x.shape.rank
    key = axis_key(x, axis)
    if type(key) is int:
        key = (key,)
    return tuple(sorted(normalize_axis(a, ndim) for a in key))


def _accumulator(x: Any, dtype: Any) -> Any:
    target = native_dtype(dtype)
    if target is None:
        target = x.dtype if x.dtype in INEXACT else tf.uint64 if x.dtype in UNSIGNED else tf.int64
    return cast(x, target)


def sum(x: Any, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    if type(x) is _E and dtype is None and x.dtype in INEXACT:
        return _Sum(input=x, axis=index(axis_key(x, axis), x), keep_dims=keepdims)
    x = _accumulator(native(x, "sum"), dtype)
    return _Sum(input=x, axis=index(axis_key(x, axis), x), keep_dims=keepdims)


def sum_all(x: Any, /) -> Any:
    """``sum(x)`` over every axis: the whole-tensor fast path that ``ug.sum(x)`` takes."""
    if type(x) is _E and x.dtype in INEXACT:
        return _Sum(input=x, axis=index(_ALL_AXES[x.shape.rank], x), keep_dims=False)
    return sum(x)


def prod(x: Any, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    x = _accumulator(native(x, "prod"), dtype)
    return _raw.Prod(input=x, axis=index(axis_key(x, axis), x), keep_dims=keepdims)


def _extremum(x: Any, axis: Any, keepdims: bool, *, raw: Any, on_bool: Any, name: str) -> Any:
    x = native(x, name)
    key = axis_key(x, axis)
    if x.shape.num_elements() == 0 and builtins.any(x.shape[a] == 0 for a in reduced_axes(x, axis)):
        # TensorFlow would answer -inf / the dtype's lowest value; PyTorch refuses
        raise ValueError(f"{name} of an empty array is undefined; reduce over non-empty axes")
    if x.dtype == _bool:
        raw = on_bool
    return raw(input=x, axis=index(key, x), keep_dims=keepdims)  # NaN propagates


def max(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    return _extremum(x, axis, keepdims, raw=_raw.Max, on_bool=_raw.Any, name="max")


def min(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    return _extremum(x, axis, keepdims, raw=_raw.Min, on_bool=_raw.All, name="min")


def floating(x: Any) -> Any:
    # The standard leaves integer input to mean/var/std open; unigrad computes
    # in the default float on every backend rather than fail on one.
    return x if x.dtype in INEXACT else _raw.Cast(x=x, DstT=DEFAULT_FLOAT)


def mean(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    if type(x) is _E and x.dtype in INEXACT:
        return _raw.Mean(input=x, axis=index(axis_key(x, axis), x), keep_dims=keepdims)
    x = floating(native(x, "mean"))
    return _raw.Mean(input=x, axis=index(axis_key(x, axis), x), keep_dims=keepdims)


def _count(x: Any, axes: tuple[int, ...]) -> Any:
    """How many elements a reduction over ``axes`` takes in (a tensor if not static)."""
    sizes = [x.shape[a] for a in axes]
    if builtins.all(s is not None for s in sizes):
        return math.prod(sizes)
    return tf.reduce_prod(tf.gather(tf.shape(x), list(axes)))


def var(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    x = floating(native(x, "var"))
    axes = reduced_axes(x, axis)
    key = index(axes, x)
    deviation = x - _raw.Mean(input=x, axis=key, keep_dims=True)
    if x.dtype in COMPLEX:
        squares = _raw.Real(input=deviation * _raw.Conj(input=deviation), Tout=REAL_OF[x.dtype])
    else:
        squares = _raw.Square(x=deviation)
    total = _Sum(input=squares, axis=key, keep_dims=keepdims)
    count = _count(x, axes)
    if isinstance(count, int):
        # N - correction below zero divides by zero, as PyTorch: inf or nan
        return total / tf.constant(count - correction if count > correction else 0, total.dtype)
    return total / tf.maximum(tf.cast(count, total.dtype) - correction, 0)


def std(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    return _raw.Sqrt(x=var(x, axis=axis, correction=correction, keepdims=keepdims))


def _cumulative(
    x: Any, axis: Any, dtype: Any, include_initial: bool, *, raw: Any, initial: int, name: str
) -> Any:
    x = _accumulator(native(x, name), dtype)
    if axis is None:
        if x.shape.rank > 1:
            raise ValueError(f"{name} needs axis= for an array of more than one dimension")
        axis = 0
    if x.shape.rank == 0:
        return x
    axis = normalize_axis(axis, x.shape.rank)
    result = raw(x=x, axis=tf.constant(axis, tf.int32), exclusive=False, reverse=False)
    if not include_initial:
        return result
    shape = tf.tensor_scatter_nd_update(tf.shape(x), [[axis]], [1])
    start = _raw.Fill(dims=shape, value=scalar(initial, x.dtype))
    return _raw.ConcatV2(values=[start, result], axis=axis)


def cumulative_sum(
    x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Any:
    return _cumulative(x, axis, dtype, include_initial, raw=_raw.Cumsum, initial=0, name="cumulative_sum")


def cumulative_prod(
    x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Any:
    return _cumulative(x, axis, dtype, include_initial, raw=_raw.Cumprod, initial=1, name="cumulative_prod")


def _truth(x: Any) -> Any:
    return x if x.dtype == _bool else _raw.NotEqual(x=x, y=tf.zeros((), x.dtype))


def all(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    x = _truth(native(x, "all"))
    return _raw.All(input=x, axis=index(axis_key(x, axis), x), keep_dims=keepdims)


def any(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    x = _truth(native(x, "any"))
    return _raw.Any(input=x, axis=index(axis_key(x, axis), x), keep_dims=keepdims)


def diff(x: Any, /, *, axis: int = -1, n: int = 1, prepend: Any = None, append: Any = None) -> Any:
    x = native(x, "diff")
    parts = [native(p, "diff") for p in (prepend, x, append) if p is not None]
    dtype = common_dtype(parts)
    if len(parts) > 1:
        x = _raw.ConcatV2(values=[cast(p, dtype) for p in parts], axis=axis)
    ndim = x.shape.rank
    before = (slice(None),) * normalize_axis(axis, ndim)
    for _ in range(n):
        later, earlier = x[(*before, slice(1, None))], x[(*before, slice(None, -1))]
        x = _raw.NotEqual(x=later, y=earlier) if dtype == _bool else later - earlier  # bools: as PyTorch
    return x


def logsumexp(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    x = floating(native(x, "logsumexp"))
    key = index(axis_key(x, axis), x)
    largest = _raw.Max(input=x, axis=key, keep_dims=True)
    # shift by the largest finite value: an infinite one would make inf - inf
    shift = tf.stop_gradient(
        _raw.SelectV2(condition=_raw.IsFinite(x=largest), t=largest, e=tf.zeros((), x.dtype))
    )
    total = _Sum(input=_raw.Exp(x=x - shift), axis=key, keep_dims=True)
    result = _raw.Log(x=total) + shift
    axes = reduced_axes(x, axis)
    if not keepdims and axes:
        result = _raw.Squeeze(input=result, axis=list(axes))
    return result
