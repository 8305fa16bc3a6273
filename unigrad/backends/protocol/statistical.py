"""The protocol of a backend's ``statistical.py``: :class:`Statistical`.

Part of :mod:`unigrad.backends.protocol`; import it from there.
"""

from __future__ import annotations

from typing import Protocol

from unigrad.types import Array, DTypeLike

__all__ = [
    "Statistical",
]


class Statistical(Protocol):
    """Array API statistical functions, ``all``/``any``/``diff`` and ``logsumexp`` (``statistical.py``)."""

    def cumulative_prod(
        self,
        x: Array,
        /,
        *,
        axis: int | None = None,
        dtype: DTypeLike | None = None,
        include_initial: bool = False,
    ) -> Array:
        """Cumulative product along ``axis``."""

    def cumulative_sum(
        self,
        x: Array,
        /,
        *,
        axis: int | None = None,
        dtype: DTypeLike | None = None,
        include_initial: bool = False,
    ) -> Array:
        """Cumulative sum along ``axis``."""

    def max(self, x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
        """Largest element along ``axis`` (all axes if None)."""

    def mean(
        self, x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Array:
        """Arithmetic mean along ``axis``; integer input is averaged in the default float."""

    def min(self, x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
        """Smallest element along ``axis``."""

    def prod(
        self,
        x: Array,
        /,
        *,
        axis: int | tuple[int, ...] | None = None,
        dtype: DTypeLike | None = None,
        keepdims: bool = False,
    ) -> Array:
        """Product along ``axis``; integers accumulate in ``int64``."""

    def std(
        self,
        x: Array,
        /,
        *,
        axis: int | tuple[int, ...] | None = None,
        correction: float = 0.0,
        keepdims: bool = False,
    ) -> Array:
        """Standard deviation along ``axis`` with ``N - correction`` degrees of freedom."""

    def sum(
        self,
        x: Array,
        /,
        *,
        axis: int | tuple[int, ...] | None = None,
        dtype: DTypeLike | None = None,
        keepdims: bool = False,
    ) -> Array:
        """Sum along ``axis``; integers accumulate in ``int64``."""

    def var(
        self,
        x: Array,
        /,
        *,
        axis: int | tuple[int, ...] | None = None,
        correction: float = 0.0,
        keepdims: bool = False,
    ) -> Array:
        """Variance along ``axis`` with ``N - correction`` degrees of freedom."""

    def all(self, x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
        """Whether every element along ``axis`` is true."""

    def any(self, x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
        """Whether any element along ``axis`` is true."""

    def diff(
        self,
        x: Array,
        /,
        *,
        axis: int = -1,
        n: int = 1,
        prepend: Array | None = None,
        append: Array | None = None,
    ) -> Array:
        """The ``n``-th forward difference along ``axis``."""

    def logsumexp(
        self, x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
    ) -> Array:
        """``log(sum(exp(x)))`` along ``axis``, computed without overflow."""

    def sum_all(self, x: Array, /) -> Array:
        """Optional fast path: ``sum(x)`` over every element, without keyword parsing; defaults to ``sum``."""
