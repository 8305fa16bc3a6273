"""Array API linear algebra (main namespace and the ``linalg`` extension) on PyTorch."""

from __future__ import annotations

from typing import Any

import array_api_compat.torch as xp
import torch

from . import statistical
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

matrix_transpose = xp.matrix_transpose

# torch has no matmul, dot or bmm kernels for uint16/32/64 ("addmm_impl_cpu_" not implemented for
# 'UInt16'): such products run in int64, whose wrapping sums and products have the same low bits,
# and are cast back to the operands' common dtype (as statistical.py does for sums).
_UNSIGNED, _WIDE_UNSIGNED = statistical._UNSIGNED, statistical._WIDE_UNSIGNED


def _wide_unsigned(*operands: Tensor) -> bool:
    return any(o.dtype in _WIDE_UNSIGNED for o in operands)


def _in_int64(operands: tuple[Tensor, ...]) -> tuple[list[Tensor], torch.dtype]:
    dtype = common_dtype(operands)
    return [o.to(torch.int64) for o in operands], dtype


def matmul(x1: Tensor, x2: Tensor, /) -> Tensor:
    try:  # (the hot path: no dtype read before the kernel, which refuses the wide unsigned ones)
        return torch.matmul(x1, x2)
    except RuntimeError:
        if not _wide_unsigned(x1, x2):
            raise
    (a, b), dtype = _in_int64((x1, x2))
    return torch.matmul(a, b).to(dtype)


def tensordot(x1: Tensor, x2: Tensor, /, *, axes: Any = 2) -> Tensor:
    if _wide_unsigned(x1, x2):
        (a, b), dtype = _in_int64((x1, x2))
        return xp.tensordot(a, b, axes=axes).to(dtype)
    return xp.tensordot(x1, x2, axes=axes)


def vecdot(x1: Tensor, x2: Tensor, /, *, axis: int = -1) -> Tensor:
    if _wide_unsigned(x1, x2):
        (a, b), dtype = _in_int64((x1, x2))
        return xp.vecdot(a, b, axis=axis).to(dtype)
    return xp.vecdot(x1, x2, axis=axis)


def einsum(subscripts: str, /, *operands: Tensor) -> Tensor:
    if _wide_unsigned(*operands):
        wide, dtype = _in_int64(operands)
        return torch.einsum(subscripts, *wide).to(dtype)
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
    if x.dtype in _UNSIGNED or native_dtype(dtype) in _UNSIGNED:
        # torch accumulates unsigned input in int64; the standard (as ug.sum) in uint64
        return statistical.sum(torch.diagonal(x, offset, -2, -1), axis=-1, dtype=dtype)
    return _la.trace(x, offset=offset, dtype=native_dtype(dtype))
