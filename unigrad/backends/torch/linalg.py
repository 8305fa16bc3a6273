"""Array API linear algebra (main namespace and the ``linalg`` extension) on PyTorch."""

from __future__ import annotations

from typing import Any

import array_api_compat.torch as xp
import torch

from .core import common_dtype, native_dtype

__all__ = [
    "matmul",
    "matrix_transpose",
    "tensordot",
    "vecdot",
    "einsum",
    "linalg_cholesky",
    "linalg_cross",
    "linalg_det",
    "linalg_diagonal",
    "linalg_eigh",
    "linalg_eigvalsh",
    "linalg_inv",
    "linalg_matrix_norm",
    "linalg_matrix_power",
    "linalg_matrix_rank",
    "linalg_outer",
    "linalg_pinv",
    "linalg_qr",
    "linalg_slogdet",
    "linalg_solve",
    "linalg_svd",
    "linalg_svdvals",
    "linalg_trace",
    "linalg_vector_norm",
]

Tensor = torch.Tensor

matmul = torch.matmul
matrix_transpose = xp.matrix_transpose
tensordot = xp.tensordot
vecdot = xp.vecdot


def einsum(subscripts: str, /, *operands: Tensor) -> Tensor:
    dtype = common_dtype(operands)
    return torch.einsum(subscripts, *[o.to(dtype) for o in operands])


_la = xp.linalg  # type: ignore[attr-defined]
linalg_cholesky = _la.cholesky
linalg_cross = _la.cross
linalg_det = _la.det
linalg_diagonal = _la.diagonal
linalg_eigh = _la.eigh
linalg_eigvalsh = _la.eigvalsh
linalg_inv = _la.inv
linalg_matrix_norm = _la.matrix_norm
linalg_matrix_power = _la.matrix_power
linalg_matrix_rank = _la.matrix_rank
linalg_outer = _la.outer
linalg_pinv = _la.pinv
linalg_qr = _la.qr
linalg_slogdet = _la.slogdet
linalg_solve = _la.solve
linalg_svd = _la.svd
linalg_svdvals = _la.svdvals
linalg_vector_norm = _la.vector_norm


def linalg_trace(x: Tensor, /, *, offset: int = 0, dtype: Any = None) -> Tensor:
    return _la.trace(x, offset=offset, dtype=native_dtype(dtype))
