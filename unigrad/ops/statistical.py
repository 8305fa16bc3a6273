"""Array API statistical and utility functions, and ``logsumexp``.

Each function runs on the active backend over its native tensors; its body is
generated from the signature below (see :mod:`unigrad.ops._dispatch`).
"""

from __future__ import annotations

from typing import Any

from ..types import Array
from ._dispatch import op, reduction

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
]


@op
def cumulative_prod(
    x: Array, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Array:
    """Cumulative product along ``axis``."""


@op
def cumulative_sum(
    x: Array, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Array:
    """Cumulative sum along ``axis``."""


@reduction("max")
def max(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Largest element along ``axis`` (all axes if None)."""


@reduction("mean")
def mean(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Arithmetic mean along ``axis``; integer input is averaged in the default float."""


@reduction("min")
def min(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Smallest element along ``axis``."""


@op
def prod(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, dtype: Any = None, keepdims: bool = False
) -> Array:
    """Product along ``axis``; integers accumulate in ``int64``."""


@op
def std(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, correction: float = 0.0, keepdims: bool = False
) -> Array:
    """Standard deviation along ``axis`` with ``N - correction`` degrees of freedom."""


@reduction("sum_all")
def sum(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, dtype: Any = None, keepdims: bool = False
) -> Array:
    """Sum along ``axis``; integers accumulate in ``int64``.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.sum(ug.ones((2, 3)), axis=1))
        array([3., 3.], dtype=float32)
    """


@op
def var(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, correction: float = 0.0, keepdims: bool = False
) -> Array:
    """Variance along ``axis`` with ``N - correction`` degrees of freedom."""


@op
def all(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Whether every element along ``axis`` is true."""


@op
def any(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """Whether any element along ``axis`` is true."""


@op
def diff(
    x: Array, /, *, axis: int = -1, n: int = 1, prepend: Array | None = None, append: Array | None = None
) -> Array:
    """The ``n``-th forward difference along ``axis``."""


@op
def logsumexp(x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Array:
    """``log(sum(exp(x)))`` along ``axis``, computed without overflow."""
