"""The protocol of a backend's ``manipulation.py``: :class:`Manipulation`.

Part of :mod:`unigrad.backends.protocol`; import it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from unigrad.types import Array

__all__ = [
    "Manipulation",
]


class Manipulation(Protocol):
    """Array API manipulation and indexing functions (``manipulation.py``)."""

    def broadcast_arrays(self, *arrays: Array) -> list[Array]:
        """The arrays broadcast to one common shape."""

    def broadcast_to(self, x: Array, /, shape: tuple[int, ...]) -> Array:
        """``x`` broadcast to ``shape`` (a view where the framework allows)."""

    def concat(self, arrays: tuple[Array, ...] | list[Array], /, *, axis: int | None = 0) -> Array:
        """Join arrays along an existing axis (flattened first if ``axis`` is None)."""

    def expand_dims(self, x: Array, /, axis: int = 0) -> Array:
        """``x`` with a new axis of size 1 at ``axis``."""

    def flip(self, x: Array, /, *, axis: int | tuple[int, ...] | None = None) -> Array:
        """``x`` with the order of elements reversed along ``axis`` (all axes if None)."""

    def moveaxis(
        self, x: Array, source: int | tuple[int, ...], destination: int | tuple[int, ...], /
    ) -> Array:
        """``x`` with axes moved from ``source`` to ``destination``."""

    def permute_dims(self, x: Array, /, axes: tuple[int, ...]) -> Array:
        """``x`` with its axes permuted (a transpose)."""

    def repeat(self, x: Array, repeats: int | Array, /, *, axis: int | None = None) -> Array:
        """Each element of ``x`` repeated ``repeats`` times along ``axis`` (flattened if None)."""

    def reshape(self, x: Array, /, shape: tuple[int, ...], *, copy: bool | None = None) -> Array:
        """``x`` with a new shape of the same size; one size may be -1."""

    def roll(
        self, x: Array, /, shift: int | tuple[int, ...], *, axis: int | tuple[int, ...] | None = None
    ) -> Array:
        """Elements shifted along ``axis``, wrapping around (flattened if ``axis`` is None)."""

    def squeeze(self, x: Array, /, axis: int | tuple[int, ...]) -> Array:
        """``x`` without the named axes of size 1."""

    def stack(self, arrays: tuple[Array, ...] | list[Array], /, *, axis: int = 0) -> Array:
        """Join arrays of one shape along a new axis."""

    def tile(self, x: Array, repetitions: tuple[int, ...], /) -> Array:
        """``x`` repeated ``repetitions`` times along each axis."""

    def unstack(self, x: Array, /, *, axis: int = 0) -> tuple[Array, ...]:
        """The slices of ``x`` along ``axis``, as a tuple."""

    def take(self, x: Array, indices: Array, /, *, axis: int | None = None) -> Array:
        """Elements of ``x`` at integer ``indices`` along ``axis``; negative indices count from the end."""

    def take_along_axis(self, x: Array, indices: Array, /, *, axis: int = -1) -> Array:
        """Elements of ``x`` at ``indices`` matched along ``axis``, as ``numpy.take_along_axis``."""

    def split_sizes(self, x: Array, sizes: Sequence[int], /, axis: int = 0) -> Sequence[Array]:
        """``x`` cut along ``axis`` into consecutive pieces of ``sizes`` (adding up to its size), in one
        op where the framework has one (``torch.split``, ``tf.split``: one gradient node, not one slice
        each). Optional: :class:`unigrad.backends.base.Backend` has a default over slicing."""
