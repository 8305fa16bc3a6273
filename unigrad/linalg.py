"""The Array API ``linalg`` extension, as ``ug.linalg``.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for how they are built and what
happens when one fails.

``matmul``, ``matrix_transpose``, ``tensordot`` and ``vecdot`` are the main
namespace's functions, here as the standard asks.
"""

from __future__ import annotations

from typing import Any

from .ops._dispatch import extension_op
from .ops.products import matmul, matrix_transpose, tensordot, vecdot
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

# the extension proper, which backends carry as linalg_<name>; the rest are the main namespace's
_MAIN = {"matmul", "matrix_transpose", "tensordot", "vecdot"}
EXTENSION = tuple(name for name in __all__ if name not in _MAIN)

# the extension's ops, built as the main namespace's are (see unigrad.ops._dispatch)
_linalg_op = extension_op("linalg_")
_linalg_binary_op = extension_op("linalg_", promote=True)


@_linalg_op
def cholesky(x: Array, /, *, upper: bool = False) -> Array:
    """Cholesky factor of symmetric (Hermitian) positive-definite matrices."""


@_linalg_binary_op
def cross(x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
    """Cross product of 3-vectors along ``axis``."""


@_linalg_op
def det(x: Array, /) -> Array:
    """Determinant of square matrices."""


@_linalg_op
def diagonal(x: Array, /, *, offset: int = 0) -> Array:
    """Diagonal of the last two axes."""


@_linalg_op
def eigh(x: Array, /) -> Any:
    """Eigenvalues and eigenvectors of symmetric (Hermitian) matrices."""


@_linalg_op
def eigvalsh(x: Array, /) -> Array:
    """Eigenvalues of symmetric (Hermitian) matrices, ascending."""


@_linalg_op
def inv(x: Array, /) -> Array:
    """Inverse of square matrices."""


@_linalg_op
def matrix_norm(x: Array, /, *, keepdims: bool = False, ord: Any = "fro") -> Array:
    """Matrix norm of the last two axes."""


@_linalg_op
def matrix_power(x: Array, n: int, /) -> Array:
    """``x`` raised to the integer power ``n`` by matrix products."""


@_linalg_op
def matrix_rank(x: Array, /, *, rtol: float | Array | None = None) -> Array:
    """Rank of matrices (number of singular values above tolerance)."""


@_linalg_binary_op
def outer(x1: Array, x2: Array, /) -> Array:
    """Outer product of two vectors."""


@_linalg_op
def pinv(x: Array, /, *, rtol: float | Array | None = None) -> Array:
    """Moore-Penrose pseudo-inverse."""


@_linalg_op
def qr(x: Array, /, *, mode: str = "reduced") -> Any:
    """QR decomposition (a named tuple ``Q, R``)."""


@_linalg_op
def slogdet(x: Array, /) -> Any:
    """Sign and natural log of the absolute determinant (a named tuple)."""


@_linalg_binary_op
def solve(x1: Array, x2: Array, /) -> Array:
    """Solution ``X`` of ``x1 @ X = x2``."""


@_linalg_op
def svd(x: Array, /, *, full_matrices: bool = True) -> Any:
    """Singular value decomposition (a named tuple ``U, S, Vh``)."""


@_linalg_op
def svdvals(x: Array, /) -> Array:
    """Singular values, descending."""


@_linalg_op
def trace(x: Array, /, *, offset: int = 0, dtype: Any = None) -> Array:
    """Sum along a diagonal of the last two axes."""


@_linalg_op
def vector_norm(
    x: Array, /, *, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, ord: float = 2
) -> Array:
    """Vector norm along ``axis`` (of all elements if None)."""
