"""The protocol of a backend's ``searching.py``: :class:`Searching`.

Part of :mod:`unigrad.backends.protocol`; import it from there.
"""

from __future__ import annotations

from typing import Any, Protocol

from unigrad.types import Array, ArrayLike

__all__ = [
    "Searching",
]


class Searching(Protocol):
    """Array API searching, sorting and set functions (``searching.py``)."""

    def argmax(self, x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
        """Index of the largest element along ``axis`` (of the flattened tensor if None); first on ties."""

    def argmin(self, x: Array, /, *, axis: int | None = None, keepdims: bool = False) -> Array:
        """Index of the smallest element along ``axis``; first on ties."""

    def count_nonzero(
        self, x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Array:
        """Number of non-zero elements along ``axis``."""

    def nonzero(self, x: Array, /) -> tuple[Array, ...]:
        """Indices of the non-zero elements, one tensor per axis."""

    def searchsorted(
        self, x1: Array, x2: Array, /, *, side: str = "left", sorter: Array | None = None
    ) -> Array:
        """Indices at which to insert ``x2`` into the sorted 1-d ``x1`` to keep it sorted."""

    def where(self, condition: Array, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """Elements of ``x1`` where ``condition`` holds, else of ``x2`` (broadcast, promoted)."""

    def isin(self, x1: Array, x2: Array, /, *, invert: bool = False) -> Array:
        """Whether each element of ``x1`` occurs in ``x2``."""

    def unique_all(self, x: Array, /) -> Any:
        """Unique values, first indices, inverse indices and counts (a named tuple)."""

    def unique_counts(self, x: Array, /) -> Any:
        """Unique values and their counts (a named tuple)."""

    def unique_inverse(self, x: Array, /) -> Any:
        """Unique values and the indices that rebuild ``x`` (a named tuple)."""

    def unique_values(self, x: Array, /) -> Array:
        """The sorted unique values of ``x``."""

    def argsort(self, x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
        """Indices that sort ``x`` along ``axis``; stable by default."""

    def sort(self, x: Array, /, *, axis: int = -1, descending: bool = False, stable: bool = True) -> Array:
        """``x`` sorted along ``axis``; stable by default."""

    def topk(
        self, x: Array, k: int, /, axis: int = -1, largest: bool = True, sorted: bool = True
    ) -> tuple[Array, Array]:
        """The ``k`` largest (or smallest) elements along ``axis`` and their int64 indices, as
        ``torch.topk`` (NaN largest; ``k`` outside ``[0, size]`` raises :class:`unigrad.ShapeError`).
        Optional: :class:`unigrad.backends.base.Backend` has a default over ``argsort``."""
