# mypy: disable-error-code="empty-body"
"""Array API manipulation and indexing functions.

Each function runs on the active backend over its native tensors; its body is
generated from the signature below (see :mod:`unigrad.ops._dispatch`).
"""

from __future__ import annotations

from ..types import Array
from ._dispatch import op

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


@op
def broadcast_arrays(*arrays: Array) -> list[Array]:
    """The arrays broadcast to one common shape."""


@op
def broadcast_to(x: Array, /, shape: tuple[int, ...]) -> Array:
    """``x`` broadcast to ``shape`` (a view where the framework allows)."""


@op
def concat(arrays: tuple[Array, ...] | list[Array], /, *, axis: int | None = 0) -> Array:
    """Join arrays along an existing axis (flattened first if ``axis`` is None).

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.concat([ug.zeros(1), ug.ones(2)]))
        array([0., 1., 1.], dtype=float32)
    """


@op
def expand_dims(x: Array, /, axis: int = 0) -> Array:
    """``x`` with a new axis of size 1 at ``axis``."""


@op
def flip(x: Array, /, *, axis: int | tuple[int, ...] | None = None) -> Array:
    """``x`` with the order of elements reversed along ``axis`` (all axes if None)."""


@op
def moveaxis(x: Array, source: int | tuple[int, ...], destination: int | tuple[int, ...], /) -> Array:
    """``x`` with axes moved from ``source`` to ``destination``."""


@op
def permute_dims(x: Array, /, axes: tuple[int, ...]) -> Array:
    """``x`` with its axes permuted (a transpose)."""


@op
def repeat(x: Array, repeats: int | Array, /, *, axis: int | None = None) -> Array:
    """Each element of ``x`` repeated ``repeats`` times along ``axis`` (flattened if None)."""


@op
def reshape(x: Array, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Array:
    """``x`` with a new shape of the same size; one size may be -1.

    Examples:
        >>> import unigrad as ug
        >>> ug.reshape(ug.arange(6), (2, -1)).shape == (2, 3)
        True
    """


@op
def roll(x: Array, /, shift: int | tuple[int, ...], *, axis: int | tuple[int, ...] | None = None) -> Array:
    """Elements shifted along ``axis``, wrapping around (flattened if ``axis`` is None)."""


@op
def squeeze(x: Array, /, axis: int | tuple[int, ...]) -> Array:
    """``x`` without the named axes of size 1."""


@op
def stack(arrays: tuple[Array, ...] | list[Array], /, *, axis: int = 0) -> Array:
    """Join arrays of one shape along a new axis."""


@op
def tile(x: Array, repetitions: tuple[int, ...], /) -> Array:
    """``x`` repeated ``repetitions`` times along each axis."""


@op
def unstack(x: Array, /, *, axis: int = 0) -> tuple[Array, ...]:
    """The slices of ``x`` along ``axis``, as a tuple."""


@op
def take(x: Array, indices: Array, /, *, axis: int | None = None) -> Array:
    """Elements of ``x`` at integer ``indices`` along ``axis``; negative indices count from the end.

    Indices are checked on every backend (TensorFlow on GPU would return zeros
    for an index out of range): one outside the axis raises
    :class:`unigrad.IndexOutOfRangeError`."""


@op
def take_along_axis(x: Array, indices: Array, /, *, axis: int = -1) -> Array:
    """Elements of ``x`` at ``indices`` matched along ``axis``, as ``numpy.take_along_axis``.

    Indices are checked as in :func:`take`.
    """
