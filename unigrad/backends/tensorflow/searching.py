"""Array API searching, sorting and set functions on TensorFlow.

Sorting goes through ``top_k``, which orders ties by index, over an integer
key that orders like the values (NaN last, ``-0.0`` equal to ``0.0``). So
every sort is stable in both directions and NaNs sort as PyTorch sorts them,
which ``tf.sort`` does not promise for floats. Searching, set functions and
``argmax``/``argmin`` compare the same keys, because TensorFlow's CPU kernels
flush subnormal floats to zero in comparisons.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import tensorflow as tf

from unigrad.backends.api import ShapeError

from .core import BITS_OF, COMPLEX, FLOATS, EagerTensor, native, normalize_axis, operands
from .statistical import reduced_axes
from .statistical import sum as _sum

__all__ = [
    "argmax",
    "argmin",
    "count_nonzero",
    "nonzero",
    "searchsorted",
    "where",
    "isin",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
    "argsort",
    "sort",
    "topk",
]

_E = EagerTensor
_raw = tf.raw_ops
_bool = tf.bool


class UniqueAllResult(NamedTuple):
    values: Any
    indices: Any
    inverse_indices: Any
    counts: Any


class UniqueCountsResult(NamedTuple):
    values: Any
    counts: Any


class UniqueInverseResult(NamedTuple):
    values: Any
    inverse_indices: Any


def sort_key(x: Any) -> Any:
    """An int32/int64 tensor ordered as ``x`` is (NaN greatest, ``-0.0 == 0.0``)."""
    dtype = x.dtype
    if dtype in FLOATS:
        # All in integers: TensorFlow flushes subnormals to zero in float arithmetic
        # and comparisons, so -1e-45 would sort as 0.
        bits = BITS_OF[dtype]
        pattern = _raw.Bitcast(input=x, type=bits)
        all_but_sign = tf.constant(bits.max, bits)
        magnitude = _raw.BitwiseAnd(x=pattern, y=all_but_sign)
        infinity = _raw.Bitcast(input=tf.constant(float("inf"), dtype), type=bits)
        pattern = _raw.SelectV2(condition=magnitude > infinity, t=all_but_sign, e=pattern)  # NaN: above all
        zero = tf.zeros((), bits)
        pattern = _raw.SelectV2(condition=magnitude == zero, t=zero, e=pattern)  # -0.0 is 0.0
        # negative floats order backwards as integers: flip all but the sign bit
        flipped = _raw.BitwiseXor(x=pattern, y=all_but_sign)
        key = _raw.SelectV2(condition=pattern < zero, t=flipped, e=pattern)
        return key if bits != tf.int16 else _raw.Cast(x=key, DstT=tf.int32)
    if dtype in (tf.int32, tf.int64):
        return x
    if dtype == tf.uint64:
        flipped = _raw.BitwiseXor(x=x, y=tf.constant(1 << 63, tf.uint64))  # shifts the order into int64
        return _raw.Bitcast(input=flipped, type=tf.int64)
    if dtype in COMPLEX:
        raise TypeError("complex values have no order; sort their real or imaginary parts")
    return _raw.Cast(x=x, DstT=tf.int64 if dtype == tf.uint32 else tf.int32)


def _order(x: Any, axis: int, descending: bool, key: Any = None) -> tuple[Any, list[int] | None]:
    """Stable sorting indices along ``axis`` (moved last), and the transposition used."""
    ndim = x.shape.rank
    axis = normalize_axis(axis, ndim)
    key = sort_key(x) if key is None else key
    if not descending:
        key = _raw.Invert(x=key)  # ~k reverses the order without overflow
    perm = None
    if axis != ndim - 1:
        perm = list(range(ndim))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        key = _raw.Transpose(x=key, perm=perm)
    _, order = _raw.TopKV2(input=key, k=tf.shape(key)[-1], sorted=True)
    return order, perm


def argsort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    x = native(x, "argsort")
    if x.shape.rank == 0:
        return tf.zeros((), tf.int64)
    order, perm = _order(x, axis, descending)
    if perm is not None:
        order = _raw.Transpose(x=order, perm=perm)
    return _raw.Cast(x=order, DstT=tf.int64)


def sort(x: Any, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Any:
    x = native(x, "sort")
    if x.shape.rank == 0:
        return x
    order, perm = _order(x, axis, descending)
    moved = x if perm is None else _raw.Transpose(x=x, perm=perm)
    # gathering the values (not sorting the keys) keeps -0.0 and NaN payloads
    result = tf.gather(moved, order, axis=-1, batch_dims=x.shape.rank - 1)
    return result if perm is None else _raw.Transpose(x=result, perm=perm)


def _arg_extremum(x: Any, axis: Any, keepdims: bool, largest: bool, name: str) -> Any:
    x = native(x, name)
    ndim = x.shape.rank
    if axis is None:
        result = _arg_extremum(_raw.Reshape(tensor=x, shape=[-1]), 0, False, largest, name)
        return _raw.Reshape(tensor=result, shape=[1] * ndim) if keepdims else result
    axis = reduced_axes(x, axis)[0]
    if x.shape[axis] == 0:
        raise ValueError(f"{name} of an empty axis is undefined")
    # Over sort keys, not values: TensorFlow's float comparisons flush subnormals
    # to zero, and its ArgMax skips NaN (which PyTorch reports as the extremum
    # either way) and does not promise the first index on ties (on GPU).
    key = sort_key(x)
    if not largest:
        key = _raw.Invert(x=key)
        if x.dtype in FLOATS:
            key = _raw.SelectV2(condition=_raw.IsNan(x=x), t=tf.constant(key.dtype.max, key.dtype), e=key)
    hit = _raw.Equal(x=key, y=_raw.Max(input=key, axis=axis, keep_dims=True))
    size = tf.shape(x, out_type=tf.int64)[axis]
    shape = [1] * ndim
    shape[axis] = -1
    positions = _raw.Reshape(tensor=tf.range(size), shape=shape)
    return _raw.Min(input=_raw.SelectV2(condition=hit, t=positions, e=size), axis=axis, keep_dims=keepdims)


def argmax(x: Any, /, *, axis: int | None = None, keepdims: bool = False) -> Any:
    return _arg_extremum(x, axis, keepdims, True, "argmax")


def argmin(x: Any, /, *, axis: int | None = None, keepdims: bool = False) -> Any:
    return _arg_extremum(x, axis, keepdims, False, "argmin")


def count_nonzero(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    x = native(x, "count_nonzero")
    return _sum(_raw.NotEqual(x=x, y=tf.zeros((), x.dtype)), axis=axis, keepdims=keepdims)


def nonzero(x: Any, /) -> tuple[Any, ...]:
    x = native(x, "nonzero")
    ndim = x.shape.rank
    if ndim == 0:
        raise ValueError("nonzero needs an array of at least one dimension")
    found = _raw.Where(condition=_raw.NotEqual(x=x, y=tf.zeros((), x.dtype)))  # (count, ndim) int64
    return tuple(_raw.Unpack(value=found, num=ndim, axis=1))


def searchsorted(x1: Any, x2: Any, /, *, side: str = "left", sorter: Any = None) -> Any:
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")
    x1, x2 = operands(x1, x2, "searchsorted")
    if x1.shape.rank != 1:
        raise ValueError(f"searchsorted needs a 1-d sorted array, got {x1.shape.rank} dimensions")
    if sorter is not None:
        x1 = tf.gather(x1, native(sorter, "searchsorted"))
    search = _raw.LowerBound if side == "left" else _raw.UpperBound
    # searching the sort keys puts NaN where sort puts it
    found = search(
        sorted_inputs=_raw.Reshape(tensor=sort_key(x1), shape=[1, -1]),
        values=_raw.Reshape(tensor=sort_key(x2), shape=[1, -1]),
        out_type=tf.int64,
    )
    return _raw.Reshape(tensor=found, shape=tf.shape(x2))


def where(condition: Any, x1: Any, x2: Any, /) -> Any:
    if (
        type(condition) is _E
        and type(x1) is _E
        and type(x2) is _E
        and x1.dtype is x2.dtype
        and condition.dtype is _bool
    ):
        return _raw.SelectV2(condition=condition, t=x1, e=x2)
    condition = native(condition, "where")
    if condition.dtype != _bool:
        condition = _raw.NotEqual(x=condition, y=tf.zeros((), condition.dtype))
    x1, x2 = operands(x1, x2, "where")
    return _raw.SelectV2(condition=condition, t=x1, e=x2)


def isin(x1: Any, x2: Any, /, *, invert: bool = False) -> Any:
    x1, x2 = operands(x1, x2, "isin")
    keys = sort_key(x1)
    pool = _raw.Reshape(tensor=sort_key(x2), shape=[-1])
    count = tf.size(pool)
    pool = _raw.Invert(x=_raw.TopKV2(input=_raw.Invert(x=pool), k=count, sorted=True).values)  # ascending
    flat_keys = _raw.Reshape(tensor=keys, shape=[1, -1])
    position = _raw.LowerBound(sorted_inputs=pool[tf.newaxis], values=flat_keys, out_type=tf.int32)[0]
    position = tf.minimum(position, tf.maximum(count - 1, 0))
    padded = tf.concat([pool, tf.zeros((1,), pool.dtype)], 0)  # a gather target when x2 is empty
    found = (tf.gather(padded, position) == _raw.Reshape(tensor=keys, shape=[-1])) & (count > 0)
    found = _raw.Reshape(tensor=found, shape=tf.shape(x1))
    if x1.dtype in FLOATS:
        found = found & ~_raw.IsNan(x=x1)  # NaN equals nothing, itself included
    return ~found if invert else found


def _unique(x: Any, name: str) -> tuple[Any, Any, Any, Any, Any]:
    """Sorted unique values, first indices, inverse indices (flat) and counts."""
    x = native(x, name)
    flat = _raw.Reshape(tensor=x, shape=[-1])
    key = sort_key(flat)  # compared as keys: TensorFlow would call a subnormal equal to 0
    order, _ = _order(flat, 0, descending=False, key=key)
    order = _raw.Cast(x=order, DstT=tf.int64)
    ordered, ordered_key = tf.gather(flat, order), tf.gather(key, order)
    new = _raw.NotEqual(x=ordered_key[1:], y=ordered_key[:-1])
    if x.dtype in FLOATS:  # NaN != NaN: each NaN is its own value, as the standard asks
        new = _raw.LogicalOr(x=new, y=_raw.IsNan(x=ordered[1:]))
    starts_mask = tf.concat([tf.ones((tf.minimum(tf.size(flat), 1),), _bool), new], 0)
    starts = _raw.Reshape(tensor=_raw.Where(condition=starts_mask), shape=[-1])
    group = tf.cumsum(_raw.Cast(x=starts_mask, DstT=tf.int64)) - 1
    inverse = tf.gather(group, _raw.InvertPermutation(x=order))
    ends = tf.concat([starts[1:], tf.size(flat, out_type=tf.int64)[tf.newaxis]], 0)
    return x, tf.gather(ordered, starts), tf.gather(order, starts), inverse, ends - starts


def unique_all(x: Any, /) -> UniqueAllResult:
    x, values, first, inverse, counts = _unique(x, "unique_all")
    return UniqueAllResult(values, first, _raw.Reshape(tensor=inverse, shape=tf.shape(x)), counts)


def unique_counts(x: Any, /) -> UniqueCountsResult:
    _, values, _, _, counts = _unique(x, "unique_counts")
    return UniqueCountsResult(values, counts)


def unique_inverse(x: Any, /) -> UniqueInverseResult:
    x, values, _, inverse, _ = _unique(x, "unique_inverse")
    return UniqueInverseResult(values, _raw.Reshape(tensor=inverse, shape=tf.shape(x)))


def unique_values(x: Any, /) -> Any:
    return _unique(x, "unique_values")[1]


class TopKResult(NamedTuple):
    values: Any
    indices: Any


def topk(x: Any, k: int, /, axis: int = -1, largest: bool = True, sorted: bool = True) -> TopKResult:
    x = native(x, "topk")
    ndim = x.shape.rank
    if ndim == 0:  # one element along its only "axis", as PyTorch has it
        normalize_axis(axis, 1)
        values, indices = topk(_raw.Reshape(tensor=x, shape=[1]), k, 0, largest, sorted)
        return TopKResult(_raw.Reshape(tensor=values, shape=[]), _raw.Reshape(tensor=indices, shape=[]))
    position = normalize_axis(axis, ndim)
    size = x.shape[position]
    if size is not None and not 0 <= k <= size:
        raise ShapeError(
            f"ug.topk: k={k} is out of range for axis {axis} of size {size}; k must be in [0, {size}]"
        )
    # TopKV2 over the sort keys (NaN largest, as PyTorch; ties to the lower index), along the
    # last axis; the values are gathered from x, so that the gradient goes to the elements picked
    key = sort_key(x)
    if not largest:
        key = _raw.Invert(x=key)
    perm = None
    if position != ndim - 1:
        perm = list(range(ndim))
        perm[position], perm[-1] = perm[-1], perm[position]
        key, x = _raw.Transpose(x=key, perm=perm), _raw.Transpose(x=x, perm=perm)
    _, order = _raw.TopKV2(input=key, k=k, sorted=True)
    values = tf.gather(x, order, axis=-1, batch_dims=ndim - 1)
    order = _raw.Cast(x=order, DstT=tf.int64)
    if perm is not None:
        values, order = _raw.Transpose(x=values, perm=perm), _raw.Transpose(x=order, perm=perm)
    return TopKResult(values, order)
