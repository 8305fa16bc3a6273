"""Array API creation functions, and ``astype``.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.
"""

from __future__ import annotations

from typing import Any

from ..types import Array
from ._dispatch import _scoped_get, _state, failed

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


def arange(
    start: float, /, stop: float | None = None, step: float = 1, *, dtype: Any = None, device: Any = None
) -> Array:
    """Evenly spaced values in ``[start, stop)``; integers give ``int64``, floats ``float32``.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.arange(3))
        array([0, 1, 2])
    """
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.arange(start, stop=stop, step=step, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "arange", start, stop=stop, step=step, dtype=dtype, device=device)


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None) -> Array:
    """A tensor of the active backend from a tensor, NumPy array, scalar or nested sequence.

    Python floats become ``float32`` and ints ``int64`` (the defaults on every
    backend); a NumPy array keeps its dtype.

    Examples:
        >>> import unigrad as ug
        >>> ug.asarray([1.5, 2.0]).dtype == ug.float32
        True
    """
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.asarray(obj, dtype=dtype, device=device, copy=copy)
    except Exception as exc:
        return failed(exc, "asarray", obj, dtype=dtype, device=device, copy=copy)


def empty(shape: int | tuple[int, ...], *, dtype: Any = None, device: Any = None) -> Array:
    """An uninitialised tensor of ``shape`` (zeros where the framework has no such thing)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.empty(shape, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "empty", shape, dtype=dtype, device=device)


def empty_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    """An uninitialised tensor with the shape (and default dtype/device) of ``x``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.empty_like(x, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "empty_like", x, dtype=dtype, device=device)


def eye(
    n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None, device: Any = None
) -> Array:
    """A 2-d tensor with ones on the ``k``-th diagonal and zeros elsewhere."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.eye(n_rows, n_cols, k=k, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "eye", n_rows, n_cols, k=k, dtype=dtype, device=device)


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Array:
    """A tensor sharing the memory of any DLPack producer (copied where it must be)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.from_dlpack(x, device=device, copy=copy)
    except Exception as exc:
        return failed(exc, "from_dlpack", x, device=device, copy=copy)


def full(
    shape: int | tuple[int, ...],
    fill_value: bool | int | float | complex,
    *,
    dtype: Any = None,
    device: Any = None,
) -> Array:
    """A tensor of ``shape`` filled with ``fill_value``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.full(shape, fill_value, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "full", shape, fill_value, dtype=dtype, device=device)


def full_like(
    x: Array, /, fill_value: bool | int | float | complex, *, dtype: Any = None, device: Any = None
) -> Array:
    """A tensor shaped like ``x`` filled with ``fill_value``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.full_like(x, fill_value=fill_value, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "full_like", x, fill_value=fill_value, dtype=dtype, device=device)


def linspace(
    start: float, stop: float, /, num: int, *, dtype: Any = None, device: Any = None, endpoint: bool = True
) -> Array:
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linspace(start, stop, num=num, dtype=dtype, device=device, endpoint=endpoint)
    except Exception as exc:
        return failed(exc, "linspace", start, stop, num=num, dtype=dtype, device=device, endpoint=endpoint)


def meshgrid(*arrays: Array, indexing: str = "xy") -> list[Array]:
    """Coordinate grids from 1-d coordinate tensors."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.meshgrid(*arrays, indexing=indexing)
    except Exception as exc:
        return failed(exc, "meshgrid", *arrays, indexing=indexing)


def ones(shape: int | tuple[int, ...], *, dtype: Any = None, device: Any = None) -> Array:
    """A tensor of ones.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.ones((2,), dtype=ug.int32))
        array([1, 1], dtype=int32)
    """
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.ones(shape, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "ones", shape, dtype=dtype, device=device)


def ones_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    """Ones shaped like ``x``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.ones_like(x, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "ones_like", x, dtype=dtype, device=device)


def tril(x: Array, /, *, k: int = 0) -> Array:
    """The lower triangle of the last two axes; the rest zeroed."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.tril(x, k=k)
    except Exception as exc:
        return failed(exc, "tril", x, k=k)


def triu(x: Array, /, *, k: int = 0) -> Array:
    """The upper triangle of the last two axes; the rest zeroed."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.triu(x, k=k)
    except Exception as exc:
        return failed(exc, "triu", x, k=k)


def zeros(shape: int | tuple[int, ...], *, dtype: Any = None, device: Any = None) -> Array:
    """A tensor of zeros."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.zeros(shape, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "zeros", shape, dtype=dtype, device=device)


def zeros_like(x: Array, /, *, dtype: Any = None, device: Any = None) -> Array:
    """Zeros shaped like ``x``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.zeros_like(x, dtype=dtype, device=device)
    except Exception as exc:
        return failed(exc, "zeros_like", x, dtype=dtype, device=device)


def astype(x: Array, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Array:
    """``x`` cast to ``dtype`` (any unigrad, NumPy or framework dtype).

    Examples:
        >>> import unigrad as ug
        >>> ug.astype(ug.asarray([1.7]), ug.int32).dtype == ug.int32
        True
    """
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.astype(x, dtype, copy=copy, device=device)
    except Exception as exc:
        return failed(exc, "astype", x, dtype, copy=copy, device=device)
