# mypy: disable-error-code="empty-body"
"""Array API manipulation and indexing functions.

Each function runs on the active backend over its native tensors; its body is
generated from the signature below (see :mod:`unigrad.ops._dispatch`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ArgumentTypeError, AxisError, ShapeError
from ..types import Array
from ._dispatch import op
from .conversion import backend_of

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


# --- written over the ops above: no backend function of their own ------------------------------
# (not in __all__, which lists what every backend carries; ``unigrad`` exports them by name)


def split(x: Array, split_size_or_sections: int | Sequence[int], axis: int = 0) -> tuple[Array, ...]:
    """``x`` cut along ``axis`` into pieces, as ``torch.split`` (not ``numpy.split``).

    An int is the size of each piece (the last one smaller where the axis does
    not divide evenly); a list gives each piece's size, and must add up to the
    axis' size. The pieces are slices of ``x`` (views where the framework has
    them), so gradients flow through them on every backend. The size of the
    axis must be known (not a traced graph's unknown batch axis).

    Examples:
        >>> import unigrad as ug
        >>> [ug.to_numpy(p).tolist() for p in ug.split(ug.arange(5), 2)]
        [[0, 1], [2, 3], [4]]
        >>> [tuple(p.shape) for p in ug.split(ug.ones((2, 6)), [1, 5], axis=1)]
        [(2, 1), (2, 5)]
    """
    ndim, size = _axis_size("ug.split", x, axis)
    if isinstance(split_size_or_sections, (int, np.integer)) and not isinstance(split_size_or_sections, bool):
        step = int(split_size_or_sections)
        if step < 0 or (step == 0 and size != 0):
            raise ShapeError(
                f"ug.split: split_size must be positive (0 only for an empty axis), got {step} "
                f"for axis {axis} of size {size}"
            )
        sizes = [min(step, size - start) for start in range(0, size, step)] if size else [0]
    elif isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes) or sum(sizes) != size:
            raise ShapeError(
                f"ug.split: section sizes {sizes} must be non-negative and add up to {size}, "
                f"the size of axis {axis} of shape {tuple(x.shape)}"
            )
    else:
        raise ArgumentTypeError(
            "ug.split: split_size_or_sections must be an int or a list of ints, "
            f"got {type(split_size_or_sections).__name__}"
        )
    return _pieces(x, ndim, axis, sizes)


def chunk(x: Array, chunks: int, axis: int = 0) -> tuple[Array, ...]:
    """``x`` cut into ``chunks`` pieces along ``axis``, as ``torch.chunk``.

    Each piece has ``ceil(size / chunks)`` elements along the axis, the last
    one fewer; so there may be fewer than ``chunks`` pieces (``torch.chunk``
    does the same: 6 elements in 4 chunks are 3 pieces of 2). An empty axis
    gives ``chunks`` empty pieces. The pieces are slices, as in :func:`split`.

    Examples:
        >>> import unigrad as ug
        >>> [ug.to_numpy(p).tolist() for p in ug.chunk(ug.arange(5), 3)]
        [[0, 1], [2, 3], [4]]
    """
    if isinstance(chunks, bool) or not isinstance(chunks, (int, np.integer)):
        raise ArgumentTypeError(f"ug.chunk: chunks must be an int, got {type(chunks).__name__}")
    if chunks <= 0:
        raise ShapeError(f"ug.chunk: chunks must be greater than 0, got {chunks}")
    ndim, size = _axis_size("ug.chunk", x, axis)
    if size == 0:
        return _pieces(x, ndim, axis, [0] * int(chunks))
    step = -(-size // int(chunks))
    return _pieces(x, ndim, axis, [min(step, size - start) for start in range(0, size, step)])


def _axis_size(op: str, x: Array, axis: int) -> tuple[int, int]:
    shape = tuple(x.shape)
    ndim = len(shape)
    if not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise AxisError(
            f"{op}: axis {axis} is out of range for an array of {ndim} dimensions (shape {shape}); "
            f"valid axes are {-ndim} to {ndim - 1}"
        )
    size = shape[axis]
    if size is None:
        raise ShapeError(f"{op}: axis {axis} of shape {shape} has no known size (inside a traced graph)")
    return ndim, int(size)


def _pieces(x: Array, ndim: int, axis: int, sizes: Sequence[int]) -> tuple[Array, ...]:
    # one op where the framework has one: its gradient is one concatenation, not a zero-filled
    # copy of x per piece
    return tuple(backend_of(x).split_sizes(x, list(sizes), int(axis) % ndim))
