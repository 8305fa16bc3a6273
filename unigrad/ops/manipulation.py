"""Array API manipulation and indexing functions.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.
"""

from __future__ import annotations

from ..types import Array
from ._dispatch import _scoped_get, _state, failed

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
]


def broadcast_arrays(*arrays: Array) -> list[Array]:
    """The arrays broadcast to one common shape."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.broadcast_arrays(*arrays)
    except Exception as exc:
        return failed(exc, "broadcast_arrays", *arrays)


def broadcast_to(x: Array, /, shape: tuple[int, ...]) -> Array:
    """``x`` broadcast to ``shape`` (a view where the framework allows)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.broadcast_to(x, shape=shape)
    except Exception as exc:
        return failed(exc, "broadcast_to", x, shape=shape)


def concat(arrays: tuple[Array, ...] | list[Array], /, *, axis: int | None = 0) -> Array:
    """Join arrays along an existing axis (flattened first if ``axis`` is None).

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.concat([ug.zeros(1), ug.ones(2)]))
        array([0., 1., 1.], dtype=float32)
    """
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.concat(arrays, axis=axis)
    except Exception as exc:
        return failed(exc, "concat", arrays, axis=axis)


def expand_dims(x: Array, /, axis: int = 0) -> Array:
    """``x`` with a new axis of size 1 at ``axis``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.expand_dims(x, axis=axis)
    except Exception as exc:
        return failed(exc, "expand_dims", x, axis=axis)


def flip(x: Array, /, *, axis: int | tuple[int, ...] | None = None) -> Array:
    """``x`` with the order of elements reversed along ``axis`` (all axes if None)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.flip(x, axis=axis)
    except Exception as exc:
        return failed(exc, "flip", x, axis=axis)


def moveaxis(x: Array, source: int | tuple[int, ...], destination: int | tuple[int, ...], /) -> Array:
    """``x`` with axes moved from ``source`` to ``destination``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.moveaxis(x, source, destination)
    except Exception as exc:
        return failed(exc, "moveaxis", x, source, destination)


def permute_dims(x: Array, /, axes: tuple[int, ...]) -> Array:
    """``x`` with its axes permuted (a transpose)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.permute_dims(x, axes=axes)
    except Exception as exc:
        return failed(exc, "permute_dims", x, axes=axes)


def repeat(x: Array, repeats: int | Array, /, *, axis: int | None = None) -> Array:
    """Each element of ``x`` repeated ``repeats`` times along ``axis`` (flattened if None)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.repeat(x, repeats, axis=axis)
    except Exception as exc:
        return failed(exc, "repeat", x, repeats, axis=axis)


def reshape(x: Array, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Array:
    """``x`` with a new shape of the same size; one size may be -1.

    Examples:
        >>> import unigrad as ug
        >>> ug.reshape(ug.arange(6), (2, -1)).shape == (2, 3)
        True
    """
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.reshape(x, shape=shape, copy=copy)
    except Exception as exc:
        return failed(exc, "reshape", x, shape=shape, copy=copy)


def roll(x: Array, /, shift: int | tuple[int, ...], *, axis: int | tuple[int, ...] | None = None) -> Array:
    """Elements shifted along ``axis``, wrapping around (flattened if ``axis`` is None)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.roll(x, shift=shift, axis=axis)
    except Exception as exc:
        return failed(exc, "roll", x, shift=shift, axis=axis)


def squeeze(x: Array, /, axis: int | tuple[int, ...]) -> Array:
    """``x`` without the named axes of size 1."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.squeeze(x, axis=axis)
    except Exception as exc:
        return failed(exc, "squeeze", x, axis=axis)


def stack(arrays: tuple[Array, ...] | list[Array], /, *, axis: int = 0) -> Array:
    """Join arrays of one shape along a new axis."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.stack(arrays, axis=axis)
    except Exception as exc:
        return failed(exc, "stack", arrays, axis=axis)


def tile(x: Array, repetitions: tuple[int, ...], /) -> Array:
    """``x`` repeated ``repetitions`` times along each axis."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.tile(x, repetitions)
    except Exception as exc:
        return failed(exc, "tile", x, repetitions)


def unstack(x: Array, /, *, axis: int = 0) -> tuple[Array, ...]:
    """The slices of ``x`` along ``axis``, as a tuple."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.unstack(x, axis=axis)
    except Exception as exc:
        return failed(exc, "unstack", x, axis=axis)


def take(x: Array, indices: Array, /, *, axis: int | None = None) -> Array:
    """Elements of ``x`` at integer ``indices`` along ``axis``; negative indices count from the end.

    Indices are checked on every backend (TensorFlow on GPU would return zeros
    for an index out of range): one outside the axis raises
    :class:`unigrad.IndexOutOfRangeError`."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.take(x, indices, axis=axis)
    except Exception as exc:
        return failed(exc, "take", x, indices, axis=axis)


def take_along_axis(x: Array, indices: Array, /, *, axis: int = -1) -> Array:
    """Elements of ``x`` at ``indices`` matched along ``axis``, as ``numpy.take_along_axis``.

    Indices are checked as in :func:`take`.
    """
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.take_along_axis(x, indices, axis=axis)
    except Exception as exc:
        return failed(exc, "take_along_axis", x, indices, axis=axis)
