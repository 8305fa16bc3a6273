# mypy: disable-error-code="empty-body"
"""Array API creation functions, and ``astype``.

Each function runs on the active backend over its native tensors; its body is
generated from the signature below (see :mod:`unigrad.ops._dispatch`).
"""

from __future__ import annotations

from typing import Any

from ..types import Array
from ._dispatch import op

__all__ = [
    "arange",
    "asarray",
    "empty",
    "empty_like",
    "eye",
    "from_dlpack",
    "full",
    "full_like",
    "linspace",
    "meshgrid",
    "ones",
    "ones_like",
    "tril",
    "triu",
    "zeros",
    "zeros_like",
    "astype",
]


@op
def arange(
    start: float, /, stop: float | None = None, step: float = 1, *, dtype: Any = None, device: Any = None
) -> Array:
    """Evenly spaced values in ``[start, stop)``; integers give ``int64``, floats ``float32``.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.arange(3))
        array([0, 1, 2])
    """


@op
def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None) -> Array:
    """A tensor of the active backend from a tensor, NumPy array, scalar or nested sequence.

    Python floats become ``float32`` and ints ``int64`` (the defaults on every
    backend); a NumPy array keeps its dtype.

    Examples:
        >>> import unigrad as ug
        >>> ug.asarray([1.5, 2.0]).dtype == ug.float32
        True
    """


@op
def empty(shape: int | tuple[int, ...], *, dtype: Any = None, device: Any = None) -> Array:
    """An uninitialised tensor of ``shape`` (zeros where the framework has no such thing)."""


@op
def empty_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    """An uninitialised tensor with the shape (and default dtype/device) of ``x``."""


@op
def eye(
    n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None, device: Any = None
) -> Array:
    """A 2-d tensor with ones on the ``k``-th diagonal and zeros elsewhere."""


@op
def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Array:
    """A tensor sharing the memory of any DLPack producer (copied where it must be)."""


@op
def full(
    shape: int | tuple[int, ...],
    fill_value: bool | int | float | complex,
    *,
    dtype: Any = None,
    device: Any = None,
) -> Array:
    """A tensor of ``shape`` filled with ``fill_value``."""


@op
def full_like(
    x: Array, /, fill_value: bool | int | float | complex, *, dtype: Any = None, device: Any = None
) -> Array:
    """A tensor shaped like ``x`` filled with ``fill_value``."""


@op
def linspace(
    start: float, stop: float, /, num: int, *, dtype: Any = None, device: Any = None, endpoint: bool = True
) -> Array:
    """``num`` evenly spaced values from ``start`` to ``stop``."""


@op
def meshgrid(*arrays: Array, indexing: str = "xy") -> list[Array]:
    """Coordinate grids from 1-d coordinate tensors."""


@op
def ones(shape: int | tuple[int, ...], *, dtype: Any = None, device: Any = None) -> Array:
    """A tensor of ones.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.ones((2,), dtype=ug.int32))
        array([1, 1], dtype=int32)
    """


@op
def ones_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    """Ones shaped like ``x``."""


@op
def tril(x: Array, /, *, k: int = 0) -> Array:
    """The lower triangle of the last two axes; the rest zeroed."""


@op
def triu(x: Array, /, *, k: int = 0) -> Array:
    """The upper triangle of the last two axes; the rest zeroed."""


@op
def zeros(shape: int | tuple[int, ...], *, dtype: Any = None, device: Any = None) -> Array:
    """A tensor of zeros."""


@op
def zeros_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    """Zeros shaped like ``x``."""


@op
def astype(x: Array, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Array:
    """``x`` cast to ``dtype`` (any unigrad, NumPy or framework dtype).

    Examples:
        >>> import unigrad as ug
        >>> ug.astype(ug.asarray([1.7]), ug.int32).dtype == ug.int32
        True
    """
