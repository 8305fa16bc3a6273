"""Array API manipulation and indexing functions.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.
"""

from __future__ import annotations

from typing import Any

from ..types import Array, ArrayLike
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
        return (_scoped_get() or _state.default).broadcast_arrays(*arrays)
    except Exception as exc:
        return failed(exc, "broadcast_arrays", *arrays)


def broadcast_to(x: Array, /, shape: tuple[int, ...]) -> Array:
    """``x`` broadcast to ``shape`` (a view where the framework allows)."""
    try:
        return (_scoped_get() or _state.default).broadcast_to(x, shape)
    except Exception as exc:
        return failed(exc, "broadcast_to", x, shape)


def concat(arrays: tuple[Array, ...] | list[Array], /, *, axis: int | None = 0) -> Array:
    """Join arrays along an existing axis (flattened first if ``axis`` is None).

    Example:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.concat([ug.zeros(1), ug.ones(2)]))
        array([0., 1., 1.], dtype=float32)
    """
    try:
        return (_scoped_get() or _state.default).concat(arrays, axis=axis)
    except Exception as exc:
        return failed(exc, "concat", arrays, axis=axis)


def expand_dims(x: Array, /, axis: int = 0) -> Array:
    """``x`` with a new axis of size 1 at ``axis``."""
    try:
        return (_scoped_get() or _state.default).expand_dims(x, axis)
    except Exception as exc:
        return failed(exc, "expand_dims", x, axis)


def flip(x: Array, /, *, axis: int | tuple[int, ...] | None = None) -> Array:
    """``x`` with the order of elements reversed along ``axis`` (all axes if None)."""
    try:
        return (_scoped_get() or _state.default).flip(x, axis=axis)
    except Exception as exc:
        return failed(exc, "flip", x, axis=axis)


def moveaxis(x: Array, source: int | tuple[int, ...], destination: int | tuple[int, ...], /) -> Array:
    """``x`` with axes moved from ``source`` to ``destination``."""
    try:
        return (_scoped_get() or _state.default).moveaxis(x, source, destination)
    except Exception as exc:
        return failed(exc, "moveaxis", x, source, destination)


def permute_dims(x: Array, /, axes: tuple[int, ...]) -> Array:
    """``x`` with its axes permuted (a transpose)."""
    try:
        return (_scoped_get() or _state.default).permute_dims(x, axes)
    except Exception as exc:
        return failed(exc, "permute_dims", x, axes)


def repeat(x: Array, repeats: int | Array, /, *, axis: int | None = None) -> Array:
    """Each element of ``x`` repeated ``repeats`` times along ``axis`` (flattened if None)."""
    try:
        return (_scoped_get() or _state.default).repeat(x, repeats, axis=axis)
    except Exception as exc:
        return failed(exc, "repeat", x, repeats, axis=axis)


def reshape(x: Array, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Array:
    """``x`` with a new shape of the same size; one size may be -1.

    Example:
        >>> import unigrad as ug
        >>> ug.reshape(ug.arange(6), (2, -1)).shape == (2, 3)
        True
    """
    try:
        return (_scoped_get() or _state.default).reshape(x, shape, copy=copy)
    except Exception as exc:
        return failed(exc, "reshape", x, shape, copy=copy)


def roll(x: Array, /, shift: int | tuple[int, ...], *, axis: int | tuple[int, ...] | None = None) -> Array:
    """Elements shifted along ``axis``, wrapping around (flattened if ``axis`` is None)."""
    try:
        return (_scoped_get() or _state.default).roll(x, shift, axis=axis)
    except Exception as exc:
        return failed(exc, "roll", x, shift, axis=axis)


def squeeze(x: Array, /, axis: int | tuple[int, ...]) -> Array:
    """``x`` without the named axes of size 1."""
    try:
        return (_scoped_get() or _state.default).squeeze(x, axis)
    except Exception as exc:
        return failed(exc, "squeeze", x, axis)


def stack(arrays: tuple[Array, ...] | list[Array], /, *, axis: int = 0) -> Array:
    """Join arrays of one shape along a new axis."""
    try:
        return (_scoped_get() or _state.default).stack(arrays, axis=axis)
    except Exception as exc:
        return failed(exc, "stack", arrays, axis=axis)


def tile(x: Array, repetitions: tuple[int, ...], /) -> Array:
    """``x`` repeated ``repetitions`` times along each axis."""
    try:
        return (_scoped_get() or _state.default).tile(x, repetitions)
    except Exception as exc:
        return failed(exc, "tile", x, repetitions)


def unstack(x: Array, /, *, axis: int = 0) -> tuple[Array, ...]:
    """The slices of ``x`` along ``axis``, as a tuple."""
    try:
        return (_scoped_get() or _state.default).unstack(x, axis=axis)
    except Exception as exc:
        return failed(exc, "unstack", x, axis=axis)


def take(x: Array, indices: Array, /, *, axis: int | None = None) -> Array:
    """Elements of ``x`` at integer ``indices`` along ``axis``; negative indices count from the end.

    Indices are checked on every backend (TensorFlow on GPU would return zeros
    for an index out of range): one outside the axis raises
    :class:`unigrad.IndexOutOfRangeError`."""
    try:
        return (_scoped_get() or _state.default).take(x, indices, axis=axis)
    except Exception as exc:
        return failed(exc, "take", x, indices, axis=axis)


def take_along_axis(x: Array, indices: Array, /, *, axis: int = -1) -> Array:
    """Elements of ``x`` at ``indices`` matched along ``axis`` (``numpy.take_along_axis``); indices are checked."""
    try:
        return (_scoped_get() or _state.default).take_along_axis(x, indices, axis=axis)
    except Exception as exc:
        return failed(exc, "take_along_axis", x, indices, axis=axis)
