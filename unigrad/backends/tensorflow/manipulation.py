"""Array API manipulation and indexing functions on TensorFlow."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from unigrad.backends.api import check_indices

from .core import INTEGERS, EagerTensor, cast, common_dtype, graph_checked, index, native, normalize_axis

__all__ = [
    "broadcast_arrays",
    "broadcast_to",
    "concat",
    "expand_dims",
    "flip",
    "moveaxis",
    "permute_dims",
    "repeat",
    "reshape",
    "roll",
    "squeeze",
    "stack",
    "tile",
    "unstack",
    "take",
    "take_along_axis",
    "split_sizes",
]

_E = EagerTensor
_raw = tf.raw_ops
_Reshape = _raw.Reshape
# TensorFlow lacks some data-movement kernels for unsigned types (Tile on
# uint16, ...); their signed twins move the same bits.
_SIGNED_TWIN = {tf.uint8: tf.int8, tf.uint16: tf.int16, tf.uint32: tf.int32, tf.uint64: tf.int64}


def reshape(x: Any, /, shape: Sequence[int], *, copy: bool | None = None) -> Any:
    if type(shape) is not tuple:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if type(x) is _E and copy is None:
        return _Reshape(tensor=x, shape=index(shape, x))
    x = native(x, "reshape")
    result = _Reshape(tensor=x, shape=index(shape, x))
    # A TensorFlow reshape never copies, so copy=False always holds; copy=True
    # is an Identity (tensors are immutable, and Identity has a gradient)
    return _raw.Identity(input=result) if copy else result


def _flat(x: Any) -> Any:
    return _Reshape(tensor=x, shape=index((-1,), x))


def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> Any:
    arrays = [native(a, "concat") for a in arrays]
    dtype = common_dtype(arrays)
    arrays = [cast(a, dtype) for a in arrays]
    if axis is None:
        arrays, axis = [_flat(a) for a in arrays], 0
    if len(arrays) == 1:  # ConcatV2 wants at least two
        return _raw.Identity(input=arrays[0])
    return _raw.ConcatV2(values=arrays, axis=axis)


def stack(arrays: Sequence[Any], /, *, axis: int = 0) -> Any:
    arrays = [native(a, "stack") for a in arrays]
    dtype = common_dtype(arrays)
    return _raw.Pack(values=[cast(a, dtype) for a in arrays], axis=axis)


def expand_dims(x: Any, /, axis: int | tuple[int, ...] = 0) -> Any:
    x = native(x, "expand_dims")
    if isinstance(axis, int):
        return _raw.ExpandDims(input=x, axis=axis)
    ndim = x.shape.rank + len(axis)
    axes = [a % ndim if -ndim <= a < ndim else ndim for a in axis]
    if len(set(axes)) != len(axes) or ndim in axes:
        raise ValueError(f"axis {axis} does not fit an array of {x.shape.rank} dimensions plus {len(axis)}")
    sizes = iter(tf.unstack(tf.shape(x)) if x.shape.rank else ())
    return _Reshape(tensor=x, shape=tf.stack([1 if a in axes else next(sizes) for a in range(ndim)]))


def _axes_list(x: Any, axis: Any) -> list[int]:
    ndim = x.shape.rank
    if axis is None:
        return list(range(ndim))
    # checked here: TensorFlow lets an axis out of range pass on an empty tensor
    return [normalize_axis(a, ndim) for a in ([axis] if isinstance(axis, int) else axis)]


def flip(x: Any, /, *, axis: int | tuple[int, ...] | None = None) -> Any:
    x = native(x, "flip")
    return _raw.ReverseV2(tensor=x, axis=_axes_list(x, axis))


def permute_dims(x: Any, /, axes: Sequence[int]) -> Any:
    x = native(x, "permute_dims")
    return _raw.Transpose(x=x, perm=index(tuple(axes), x))


def moveaxis(x: Any, source: int | Sequence[int], destination: int | Sequence[int], /) -> Any:
    x = native(x, "moveaxis")
    ndim = x.shape.rank
    sources = [source] if isinstance(source, int) else list(source)
    destinations = [destination] if isinstance(destination, int) else list(destination)
    if len(sources) != len(destinations):
        raise ValueError("moveaxis needs as many destinations as sources")
    sources = [normalize_axis(a, ndim) for a in sources]
    destinations = [normalize_axis(a, ndim) for a in destinations]
    order = [a for a in range(ndim) if a not in sources]
    for target, moved in sorted(zip(destinations, sources, strict=True)):
        order.insert(target, moved)
    return _raw.Transpose(x=x, perm=order)


def repeat(x: Any, repeats: Any, /, *, axis: int | None = None) -> Any:
    x = native(x, "repeat")
    if axis is None:
        x, axis = _flat(x), 0
    axis = normalize_axis(axis, x.shape.rank)
    positions = tf.range(tf.shape(x, out_type=tf.int64)[axis])
    if isinstance(repeats, int):
        if repeats < 0:
            raise ValueError(f"repeats must not be negative, got {repeats}")
        chosen = _flat(_raw.Tile(input=positions[:, tf.newaxis], multiples=[1, repeats]))
    else:
        repeats = native(repeats, "repeat")
        if repeats.dtype not in INTEGERS:
            raise TypeError(f"repeats must be an int or an integer tensor, got {repeats.dtype.name}")
        chosen = tf.repeat(positions, cast(repeats, tf.int64))
    # gathering the repeated positions: tf.repeat itself mishandles empty axes
    return _raw.GatherV2(params=x, indices=chosen, axis=axis)


def roll(x: Any, /, shift: int | tuple[int, ...], *, axis: int | tuple[int, ...] | None = None) -> Any:
    x = native(x, "roll")
    if axis is None:
        total = shift if isinstance(shift, int) else sum(shift)
        rolled = _raw.Roll(input=_flat(x), shift=total, axis=0)
        return _Reshape(tensor=rolled, shape=tf.shape(x))
    axes = [axis] if isinstance(axis, int) else list(axis)
    shifts = [shift] * len(axes) if isinstance(shift, int) else list(shift)
    if len(shifts) != len(axes):
        raise ValueError("roll needs one shift per axis, or one shift for all")
    return _raw.Roll(input=x, shift=shifts, axis=axes)


def squeeze(x: Any, /, axis: int | tuple[int, ...]) -> Any:
    x = native(x, "squeeze")
    axes = [axis] if isinstance(axis, int) else list(axis)
    if not axes:
        return x  # Squeeze with no axes would squeeze every axis of size 1
    return _raw.Squeeze(input=x, axis=axes)


def tile(x: Any, repetitions: Sequence[int], /) -> Any:
    x = native(x, "tile")
    reps = tuple(repetitions)
    ndim = x.shape.rank
    if len(reps) < ndim:
        reps = (1,) * (ndim - len(reps)) + reps
    elif len(reps) > ndim:
        x = _Reshape(tensor=x, shape=tf.concat([tf.ones((len(reps) - ndim,), tf.int32), tf.shape(x)], 0))
    twin = _SIGNED_TWIN.get(x.dtype)
    if twin is None:
        return _raw.Tile(input=x, multiples=list(reps))
    tiled = _raw.Tile(input=_raw.Bitcast(input=x, type=twin), multiples=list(reps))
    return _raw.Bitcast(input=tiled, type=x.dtype)


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    x = native(x, "unstack")
    return tuple(_raw.Unpack(value=x, num=x.shape[axis], axis=axis))


def broadcast_to(x: Any, /, shape: Sequence[int]) -> Any:
    x = native(x, "broadcast_to")
    return _raw.BroadcastTo(input=x, shape=index(tuple(shape), x))


def broadcast_arrays(*arrays: Any) -> list[Any]:
    arrays = tuple(native(a, "broadcast_arrays") for a in arrays)
    shape = tf.TensorShape([])
    for a in arrays:
        shape = tf.broadcast_static_shape(shape, a.shape)
    if shape.is_fully_defined():
        target = tuple(shape.as_list())
        return [a if a.shape == shape else broadcast_to(a, target) for a in arrays]
    dynamic = tf.constant([], tf.int32)
    for a in arrays:
        dynamic = tf.broadcast_dynamic_shape(dynamic, tf.shape(a))
    return [_raw.BroadcastTo(input=a, shape=dynamic) for a in arrays]


def _extrema(indices: Any) -> tuple[int, int] | None:
    if indices.dtype not in INTEGERS:
        raise TypeError(f"indices must be an integer tensor, got dtype {indices.dtype.name}")
    if type(indices) is not _E or indices.shape.num_elements() == 0:
        return None  # nothing to check, or no values yet inside a graph
    flat = _flat(indices)
    both = tf.stack([_raw.Min(input=flat, axis=0), _raw.Max(input=flat, axis=0)]).numpy()  # one sync
    return int(both[0]), int(both[1])


def _wrapped(indices: Any, size: int) -> Any:
    if indices.dtype not in (tf.int32, tf.int64):
        indices = _raw.Cast(x=indices, DstT=tf.int64)
    return _raw.SelectV2(condition=indices < tf.zeros((), indices.dtype), t=indices + size, e=indices)


def take(x: Any, indices: Any, /, *, axis: int | None = None) -> Any:
    x, indices = native(x, "take"), native(indices, "take")
    if axis is None:
        if x.shape.rank != 1:
            raise ValueError(
                f"take needs axis= for a {x.shape.rank}-d array; axis may be omitted only for 1-d input"
            )
        axis = 0
    size = x.shape[axis]
    # TensorFlow on GPU returns zeros for an index out of range: check first
    check_indices("take", indices, size, axis, _extrema(indices))
    indices = _checked_in_graph("take", indices, size, axis)
    return _raw.GatherV2(params=x, indices=_wrapped(indices, size), axis=axis)


def _checked_in_graph(op: str, indices: Any, size: Any, axis: int) -> Any:
    """Inside a traced graph the indices have no values yet: the check goes into the graph."""
    if type(indices) is _E or size is None:
        return indices
    bound = tf.cast(size, indices.dtype)
    inside = tf.reduce_all((indices >= -bound) & (indices < bound))
    return graph_checked(indices, inside, f"ug.{op}: an index is out of range for axis {axis} of size {size}")


def take_along_axis(x: Any, indices: Any, /, *, axis: int = -1) -> Any:
    x, indices = native(x, "take_along_axis"), native(indices, "take_along_axis")
    ndim = x.shape.rank
    if indices.shape.rank != ndim:
        raise ValueError(f"indices must have as many dimensions as x ({ndim}), got {indices.shape.rank}")
    size = x.shape[axis]
    check_indices("take_along_axis", indices, size, axis, _extrema(indices))
    indices = _checked_in_graph("take_along_axis", indices, size, axis)
    axis = normalize_axis(axis, ndim)
    indices = _wrapped(indices, size if size is not None else tf.shape(x, out_type=indices.dtype)[axis])
    # the other axes broadcast, as numpy and PyTorch let them
    batch = tf.broadcast_static_shape(
        tf.TensorShape(_with(x.shape, axis, 1)), tf.TensorShape(_with(indices.shape, axis, 1))
    ).as_list()
    if None in batch or x.shape[axis] is None or indices.shape[axis] is None:
        # unknown sizes inside a graph (a batch axis left open): broadcast by the runtime shapes
        x_shape, i_shape = tf.shape(x), tf.shape(indices)
        common = tf.broadcast_dynamic_shape(_set(x_shape, axis, 1), _set(i_shape, axis, 1))
        x = _raw.BroadcastTo(input=x, shape=_set(common, axis, x_shape[axis]))
        indices = _raw.BroadcastTo(input=indices, shape=_set(common, axis, i_shape[axis]))
    else:
        x_target, i_target = _with(batch, axis, x.shape[axis]), _with(batch, axis, indices.shape[axis])
        if x.shape.as_list() != x_target:
            x = _raw.BroadcastTo(input=x, shape=x_target)
        if indices.shape.as_list() != i_target:
            indices = _raw.BroadcastTo(input=indices, shape=i_target)
    if axis == ndim - 1:  # the gather's own axis: no transposes
        return _raw.GatherV2(params=x, indices=indices, axis=axis, batch_dims=ndim - 1)
    perm = list(range(ndim))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    moved = _raw.GatherV2(
        params=_raw.Transpose(x=x, perm=perm),
        indices=_raw.Transpose(x=indices, perm=perm),
        axis=ndim - 1,
        batch_dims=ndim - 1,
    )
    return _raw.Transpose(x=moved, perm=perm)


def _set(shape: Any, axis: int, size: Any) -> Any:
    """A runtime shape (a 1-d int tensor) with entry ``axis`` replaced by ``size``."""
    return tf.tensor_scatter_nd_update(shape, [[axis]], tf.reshape(tf.cast(size, shape.dtype), [1]))


def _with(shape: Any, axis: int, size: int) -> list[int]:
    found = list(tf.TensorShape(shape).as_list())
    found[axis] = size
    return found


def split_sizes(x: Any, sizes: list[int], /, axis: int = 0) -> list[Any]:
    return tf.split(native(x, "split"), list(sizes), axis=axis)
