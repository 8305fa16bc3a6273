"""The protocols of a backend's ``linalg.py``: :class:`Linalg` and :class:`LinalgExtension`.

Part of :mod:`unigrad.backends.protocol`; import them from there.
"""

from __future__ import annotations

from typing import Any, Protocol

from unigrad.types import Array, DTypeLike

__all__ = [
    "Linalg",
    "LinalgExtension",
]


class Linalg(Protocol):
    """Linear algebra of the main namespace, and ``einsum`` (``linalg.py``)."""

    def matmul(self, x1: Array, x2: Array, /) -> Array:
        """Matrix product with NumPy's rules for 1-d operands and batch broadcasting."""

    def matrix_transpose(self, x: Array, /) -> Array:
        """Swap the last two axes."""

    def tensordot(self, x1: Array, x2: Array, /, *, axes: int | tuple[Any, Any] = 2) -> Array:
        """Sum of products over the given axes of ``x1`` and ``x2``."""

    def vecdot(self, x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
        """Dot product of vectors along ``axis`` (conjugating ``x1``)."""

    def einsum(self, subscripts: str, /, *operands: Array) -> Array:
        """Einstein summation, e.g. ``einsum("ij,jk->ik", a, b)``."""


class LinalgExtension(Protocol):
    """Optional: the Array API ``linalg`` extension, carried as ``linalg_<name>`` (``linalg.py``).

    ``ug.linalg.<name>`` calls ``linalg_<name>``; a backend without them still
    runs everything else, and the conformance kit checks them only when asked.
    """

    def linalg_cholesky(self, x: Array, /, *, upper: bool = False) -> Array:
        """Cholesky factor of symmetric (Hermitian) positive-definite matrices."""

    def linalg_cross(self, x1: Array, x2: Array, /, *, axis: int = -1) -> Array:
        """Cross product of 3-vectors along ``axis``."""

    def linalg_det(self, x: Array, /) -> Array:
        """Determinant of square matrices."""

    def linalg_diagonal(self, x: Array, /, *, offset: int = 0) -> Array:
        """Diagonal of the last two axes."""

    def linalg_eigh(self, x: Array, /) -> Any:
        """Eigenvalues and eigenvectors of symmetric (Hermitian) matrices."""

    def linalg_eigvalsh(self, x: Array, /) -> Array:
        """Eigenvalues of symmetric (Hermitian) matrices, ascending."""

    def linalg_inv(self, x: Array, /) -> Array:
        """Inverse of square matrices."""

    def linalg_matrix_norm(self, x: Array, /, *, keepdims: bool = False, ord: Any = "fro") -> Array:
        """Matrix norm of the last two axes."""

    def linalg_matrix_power(self, x: Array, n: int, /) -> Array:
        """``x`` raised to the integer power ``n`` by matrix products."""

    def linalg_matrix_rank(self, x: Array, /, *, rtol: float | Array | None = None) -> Array:
        """Rank of matrices (number of singular values above tolerance)."""

    def linalg_outer(self, x1: Array, x2: Array, /) -> Array:
        """Outer product of two vectors."""

    def linalg_pinv(self, x: Array, /, *, rtol: float | Array | None = None) -> Array:
        """Moore-Penrose pseudo-inverse."""

    def linalg_qr(self, x: Array, /, *, mode: str = "reduced") -> Any:
        """QR decomposition (a named tuple ``Q, R``)."""

    def linalg_slogdet(self, x: Array, /) -> Any:
        """Sign and natural log of the absolute determinant (a named tuple)."""

    def linalg_solve(self, x1: Array, x2: Array, /) -> Array:
        """Solution ``X`` of ``x1 @ X = x2``."""

    def linalg_svd(self, x: Array, /, *, full_matrices: bool = True) -> Any:
        """Singular value decomposition (a named tuple ``U, S, Vh``)."""

    def linalg_svdvals(self, x: Array, /) -> Array:
        """Singular values, descending."""

    def linalg_trace(self, x: Array, /, *, offset: int = 0, dtype: DTypeLike | None = None) -> Array:
        """Sum along a diagonal of the last two axes."""

    def linalg_vector_norm(
        self,
        x: Array,
        /,
        *,
        axis: int | tuple[int, ...] | None = None,
        keepdims: bool = False,
        ord: float = 2,
    ) -> Array:
        """Vector norm along ``axis`` (of all elements if None)."""
