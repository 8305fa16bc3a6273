"""The Array API ``linalg`` extension, as ``ug.linalg``.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.

``matmul``, ``matrix_transpose``, ``tensordot`` and ``vecdot`` are the main
namespace's functions, here as the standard asks.
"""

from __future__ import annotations

from typing import Any

from .ops._dispatch import _scoped_get, _state, failed
from .ops.linalg import matmul, matrix_transpose, tensordot, vecdot
from .types import Array

__all__ = [
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "outer",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "trace",
    "vector_norm",
    "matmul",
    "matrix_transpose",
    "tensordot",
    "vecdot",
]

# the extension proper, which backends carry as linalg_<name>
EXTENSION = (
    "cholesky",
    "cross",
    "det",
    "diagonal",
    "eigh",
    "eigvalsh",
    "inv",
    "matrix_norm",
    "matrix_power",
    "matrix_rank",
    "outer",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "trace",
    "vector_norm",
)


def cholesky(x: Array, /, *, upper: bool = False) -> Array:
    """Cholesky factor of symmetric (Hermitian) positive-definite matrices."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_cholesky(x, upper=upper)
    except Exception as exc:
        return failed(exc, "linalg_cholesky", x, upper=upper)


def cross(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """Cross product of 3-vectors along ``axis``."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.linalg_cross(x1, x2, axis=axis)
    except Exception as exc:
        return failed(exc, "linalg_cross", x1, x2, axis=axis)


def det(x: Array, /) -> Array:
    """Determinant of square matrices."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_det(x)
    except Exception as exc:
        return failed(exc, "linalg_det", x)


def diagonal(x: Array, /, *, offset: int = 0) -> Array:
    """Diagonal of the last two axes."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_diagonal(x, offset=offset)
    except Exception as exc:
        return failed(exc, "linalg_diagonal", x, offset=offset)


def eigh(x: Array, /) -> Any:
    """Eigenvalues and eigenvectors of symmetric (Hermitian) matrices."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_eigh(x)
    except Exception as exc:
        return failed(exc, "linalg_eigh", x)


def eigvalsh(x: Array, /) -> Array:
    """Eigenvalues of symmetric (Hermitian) matrices, ascending."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_eigvalsh(x)
    except Exception as exc:
        return failed(exc, "linalg_eigvalsh", x)


def inv(x: Array, /) -> Array:
    """Inverse of square matrices."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_inv(x)
    except Exception as exc:
        return failed(exc, "linalg_inv", x)


def matrix_norm(x: Array, /, *, keepdims: bool = False, ord: Any = "fro") -> Array:
    """Matrix norm of the last two axes."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_matrix_norm(x, keepdims=keepdims, ord=ord)
    except Exception as exc:
        return failed(exc, "linalg_matrix_norm", x, keepdims=keepdims, ord=ord)


def matrix_power(x: Array, n: int, /) -> Array:
    """``x`` raised to the integer power ``n`` by matrix products."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_matrix_power(x, n)
    except Exception as exc:
        return failed(exc, "linalg_matrix_power", x, n)


def matrix_rank(x: Array, /, *, rtol: float | Array | None = None) -> Array:
    """Rank of matrices (number of singular values above tolerance)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_matrix_rank(x, rtol=rtol)
    except Exception as exc:
        return failed(exc, "linalg_matrix_rank", x, rtol=rtol)


def outer(x1: Array, x2: Array, /) -> Array:
    """Outer product of two vectors."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.linalg_outer(x1, x2)
    except Exception as exc:
        return failed(exc, "linalg_outer", x1, x2)


def pinv(x: Array, /, *, rtol: float | Array | None = None) -> Array:
    """Moore-Penrose pseudo-inverse."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_pinv(x, rtol=rtol)
    except Exception as exc:
        return failed(exc, "linalg_pinv", x, rtol=rtol)


def qr(x: Array, /, *, mode: str = "reduced") -> Any:
    """QR decomposition (a named tuple ``Q, R``)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_qr(x, mode=mode)
    except Exception as exc:
        return failed(exc, "linalg_qr", x, mode=mode)


def slogdet(x: Array, /) -> Any:
    """Sign and natural log of the absolute determinant (a named tuple)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_slogdet(x)
    except Exception as exc:
        return failed(exc, "linalg_slogdet", x)


def solve(x1: Array, x2: Array, /) -> Array:
    """Solution ``X`` of ``x1 @ X = x2``."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.linalg_solve(x1, x2)
    except Exception as exc:
        return failed(exc, "linalg_solve", x1, x2)


def svd(x: Array, /, *, full_matrices: bool = True) -> Any:
    """Singular value decomposition (a named tuple ``U, S, Vh``)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_svd(x, full_matrices=full_matrices)
    except Exception as exc:
        return failed(exc, "linalg_svd", x, full_matrices=full_matrices)


def svdvals(x: Array, /) -> Array:
    """Singular values, descending."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_svdvals(x)
    except Exception as exc:
        return failed(exc, "linalg_svdvals", x)


def trace(x: Array, /, *, offset: int = 0, dtype: Any = None) -> Array:
    """Sum along a diagonal of the last two axes."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_trace(x, offset=offset, dtype=dtype)
    except Exception as exc:
        return failed(exc, "linalg_trace", x, offset=offset, dtype=dtype)


def vector_norm(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ord: float = 2
) -> Array:
    """Vector norm along ``axis`` (of all elements if None)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.linalg_vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    except Exception as exc:
        return failed(exc, "linalg_vector_norm", x, axis=axis, keepdims=keepdims, ord=ord)
