"""Array API linear algebra (main namespace and the ``linalg`` extension) on TensorFlow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import tensorflow as tf

from .amp import _active as _autocast_dtype
from .amp import lower as _lower
from .core import (
    COMPLEX,
    INEXACT,
    REAL_OF,
    EagerTensor,
    cast,
    common_dtype,
    index,
    native,
    normalize_axis,
    operands,
)
from .statistical import axis_key
from .statistical import sum as _sum

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

_E = EagerTensor
_raw = tf.raw_ops
_MatMul = _raw.MatMul
_BatchMatMul = _raw.BatchMatMulV2


class EighResult(NamedTuple):
    eigenvalues: Any
    eigenvectors: Any


class QRResult(NamedTuple):
    Q: Any
    R: Any


class SlogdetResult(NamedTuple):
    sign: Any
    logabsdet: Any


class SVDResult(NamedTuple):
    U: Any
    S: Any
    Vh: Any


def matmul(x1: Any, x2: Any, /) -> Any:
    if _autocast_dtype() is not None:  # ug.autocast: in its compute dtype, as torch's matmul
        x1, x2 = _lower(x1, x2)
    if type(x1) is _E and type(x2) is _E and x1.dtype is x2.dtype and x1.dtype in INEXACT:
        rank1, rank2 = x1.shape.rank, x2.shape.rank
        if rank1 == 2 and rank2 == 2:
            return _MatMul(a=x1, b=x2)
        if (rank1 > 2 and rank2 >= 2) or (rank1 >= 2 and rank2 > 2):
            return _BatchMatMul(x=x1, y=x2)
    return _matmul(*operands(x1, x2, "matmul"))


def _matmul(x1: Any, x2: Any) -> Any:
    rank1, rank2 = x1.shape.rank, x2.shape.rank
    if rank1 == 0 or rank2 == 0:
        raise ValueError("matmul needs arrays of at least one dimension; use multiply for scalars")
    # vectors as NumPy: a row on the left, a column on the right, dropped after
    a = x1[tf.newaxis, :] if rank1 == 1 else x1
    b = x2[:, tf.newaxis] if rank2 == 1 else x2
    if a.shape[-1] is not None and b.shape[-2] is not None and a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: shapes {tuple(x1.shape)} and {tuple(x2.shape)} do not line up")
    if a.dtype in INEXACT and a.shape.rank == 2 and b.shape.rank == 2:
        result = _MatMul(a=a, b=b)  # (MatMul's kernel and gradient are lighter than BatchMatMul's)
    elif a.dtype in INEXACT or (a.dtype in (tf.int32, tf.int64) and _on_cpu(a)):
        result = _BatchMatMul(x=a, y=b)
    else:
        # no kernel for bool, narrow or (on GPU) any integers: sums of int64
        # products, which wrap to the same low bits as the narrow type would
        products = cast(a, tf.int64)[..., :, :, tf.newaxis] * cast(b, tf.int64)[..., tf.newaxis, :, :]
        result = cast(_raw.Sum(input=products, axis=-2, keep_dims=False), a.dtype)
    if rank2 == 1:
        result = result[..., 0]
    if rank1 == 1:
        result = result[..., 0, :] if rank2 > 1 else result[..., 0]
    return result


def _on_cpu(x: Any) -> bool:
    return "CPU" in (x.device or "CPU")


def matrix_transpose(x: Any, /) -> Any:
    x = native(x, "matrix_transpose")
    ndim = x.shape.rank
    if ndim < 2:
        raise ValueError(f"matrix_transpose needs at least 2 dimensions, got {ndim}")
    return _raw.Transpose(x=x, perm=[*range(ndim - 2), ndim - 1, ndim - 2])


def _axes(axes: Any, ndim: int) -> list[int]:
    found = [axes] if isinstance(axes, int) else list(axes)
    return [normalize_axis(a, ndim) for a in found]


def tensordot(x1: Any, x2: Any, /, *, axes: int | tuple[Sequence[int], Sequence[int]] = 2) -> Any:
    x1, x2 = _lower(*operands(x1, x2, "tensordot"))
    shape1, shape2 = x1.shape.as_list(), x2.shape.as_list()
    if isinstance(axes, int):
        if not 0 <= axes <= min(len(shape1), len(shape2)):
            raise ValueError(f"tensordot cannot contract {axes} axes of shapes {shape1} and {shape2}")
        summed1, summed2 = list(range(len(shape1) - axes, len(shape1))), list(range(axes))
    else:
        summed1, summed2 = _axes(axes[0], len(shape1)), _axes(axes[1], len(shape2))
    if [shape1[a] for a in summed1] != [shape2[a] for a in summed2]:
        raise ValueError(f"tensordot: shapes {shape1} and {shape2} differ on the contracted axes")
    free1 = [a for a in range(len(shape1)) if a not in summed1]
    free2 = [a for a in range(len(shape2)) if a not in summed2]
    # as one matrix product: free axes of x1 by contracted axes, contracted by free axes of x2
    outer1, outer2 = [shape1[d] for d in free1], [shape2[d] for d in free2]
    inner = math.prod(shape1[d] for d in summed1)
    a = _raw.Reshape(tensor=_raw.Transpose(x=x1, perm=free1 + summed1), shape=[math.prod(outer1), inner])
    b = _raw.Reshape(tensor=_raw.Transpose(x=x2, perm=summed2 + free2), shape=[inner, math.prod(outer2)])
    return _raw.Reshape(tensor=_matmul(a, b), shape=outer1 + outer2)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    x1, x2 = _lower(*operands(x1, x2, "vecdot"))
    ndim = max(x1.shape.rank, x2.shape.rank)
    shape1 = [1] * (ndim - x1.shape.rank) + x1.shape.as_list()
    shape2 = [1] * (ndim - x2.shape.rank) + x2.shape.as_list()
    if not -ndim <= axis < ndim or shape1[axis] != shape2[axis]:
        raise ValueError(f"vecdot: shapes {x1.shape} and {x2.shape} differ on axis {axis}")
    if x1.dtype in COMPLEX:
        x1 = _raw.Conj(input=x1)
    return _raw.Sum(input=x1 * x2, axis=axis, keep_dims=False)


def einsum(subscripts: str, /, *operands: Any) -> Any:
    operands = _lower(*(native(o, "einsum") for o in operands))  # as torch's, which runs as bmm
    dtype = common_dtype(operands)
    if dtype in INEXACT:
        return tf.einsum(subscripts, *[cast(o, dtype) for o in operands])
    # integer einsum has no kernels everywhere: sum exact int64 products, wrap back
    wide = tf.einsum(subscripts, *[cast(o, tf.int64) for o in operands])
    return wide if len(operands) == 1 and _sums_an_index(subscripts) else cast(wide, dtype)


def _sums_an_index(subscripts: str) -> bool:
    # PyTorch reduces a single operand with sum, which widens integers to int64
    inputs, arrow, output = subscripts.replace(" ", "").partition("->")
    letters = [c for c in inputs if c.isalpha()]
    if not arrow:
        output = "".join(c for c in letters if letters.count(c) == 1)
    return any(c not in output for c in letters)


# --- the linalg extension ------------------------------------------------------


def _float(x: Any, name: str) -> Any:
    x = native(x, name)
    return x if x.dtype in INEXACT else _raw.Cast(x=x, DstT=tf.float32)


def linalg_cholesky(x: Any, /, *, upper: bool = False) -> Any:
    lower = tf.linalg.cholesky(_float(x, "linalg_cholesky"))
    return tf.linalg.adjoint(lower) if upper else lower


def linalg_cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    x1, x2 = operands(x1, x2, "linalg_cross")
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(f"cross needs 3-vectors along axis {axis}, got shapes {x1.shape} and {x2.shape}")
    a0, a1, a2 = tf.unstack(x1, axis=axis)
    b0, b1, b2 = tf.unstack(x2, axis=axis)
    return tf.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=axis)


def linalg_det(x: Any, /) -> Any:
    return tf.linalg.det(_float(x, "linalg_det"))


def linalg_diagonal(x: Any, /, *, offset: int = 0) -> Any:
    x = native(x, "linalg_diagonal")
    rows, cols = x.shape[-2], x.shape[-1]
    if offset >= cols or -offset >= rows:
        return tf.zeros([*x.shape[:-2], 0], x.dtype)
    return _raw.MatrixDiagPartV3(input=x, k=offset, padding_value=tf.zeros((), x.dtype))


def linalg_eigh(x: Any, /) -> EighResult:
    values, vectors = tf.linalg.eigh(_float(x, "linalg_eigh"))
    return EighResult(values, vectors)


def linalg_eigvalsh(x: Any, /) -> Any:
    return tf.linalg.eigvalsh(_float(x, "linalg_eigvalsh"))


def linalg_inv(x: Any, /) -> Any:
    return tf.linalg.inv(_float(x, "linalg_inv"))


def _svdvals(x: Any) -> Any:
    return tf.linalg.svd(x, compute_uv=False)


def _absolute(x: Any) -> Any:
    return _raw.ComplexAbs(x=x, Tout=REAL_OF[x.dtype]) if x.dtype in COMPLEX else _raw.Abs(x=x)


def linalg_matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    x = _float(x, "linalg_matrix_norm")
    if ord == "fro":
        result = linalg_vector_norm(x, axis=(-2, -1), keepdims=keepdims)
    else:
        if ord == "nuc":
            result = _raw.Sum(input=_svdvals(x), axis=-1, keep_dims=False)
        elif ord in (2, -2):
            result = (_raw.Max if ord == 2 else _raw.Min)(input=_svdvals(x), axis=-1, keep_dims=False)
        elif ord in (1, -1, math.inf, -math.inf):
            # 1: largest column sum of |x|; inf: largest row sum
            sums = _raw.Sum(input=_absolute(x), axis=-2 if ord in (1, -1) else -1, keep_dims=False)
            result = (_raw.Max if ord > 0 else _raw.Min)(input=sums, axis=-1, keep_dims=False)
        else:
            raise ValueError(f"matrix_norm: unknown ord {ord!r}; use 'fro', 'nuc', 1, -1, 2, -2, inf or -inf")
        if keepdims:
            result = result[..., tf.newaxis, tf.newaxis]
    return result


def linalg_matrix_power(x: Any, n: int, /) -> Any:
    x = native(x, "linalg_matrix_power")
    if n < 0:
        x, n = linalg_inv(x), -n
    result = None
    power = x
    while n:  # square-and-multiply
        if n & 1:
            result = power if result is None else _matmul(result, power)
        n >>= 1
        if n:
            power = _matmul(power, power)
    if result is None:
        eye = tf.eye(x.shape[-1], dtype=x.dtype)
        result = tf.broadcast_to(eye, tf.shape(x))
    return result


def _default_rtol(x: Any) -> float:
    eps = float(np.finfo(REAL_OF.get(x.dtype, x.dtype).as_numpy_dtype).eps)
    return max(x.shape[-2], x.shape[-1]) * eps


def _cutoff(x: Any, values: Any, rtol: Any) -> Any:
    rtol = _default_rtol(x) if rtol is None else rtol
    if not isinstance(rtol, (int, float)):
        rtol = cast(native(rtol, "linalg"), values.dtype)[..., tf.newaxis]
    return _raw.Max(input=values, axis=-1, keep_dims=True) * rtol


def linalg_matrix_rank(x: Any, /, *, rtol: Any = None) -> Any:
    x = _float(x, "linalg_matrix_rank")
    values = _svdvals(x)
    return _sum(values > _cutoff(x, values, rtol), axis=-1)


def linalg_outer(x1: Any, x2: Any, /) -> Any:
    x1, x2 = operands(x1, x2, "linalg_outer")
    if x1.shape.rank != 1 or x2.shape.rank != 1:
        raise ValueError("outer needs two 1-d arrays")
    return x1[:, tf.newaxis] * x2[tf.newaxis, :]


def linalg_pinv(x: Any, /, *, rtol: Any = None) -> Any:
    x = _float(x, "linalg_pinv")
    values, u, v = tf.linalg.svd(x, full_matrices=False)
    keep = values > _cutoff(x, values, rtol)
    inverse = tf.where(keep, 1 / tf.where(keep, values, tf.ones_like(values)), tf.zeros_like(values))
    return tf.matmul(v * cast(inverse, v.dtype)[..., tf.newaxis, :], u, adjoint_b=True)


def linalg_qr(x: Any, /, *, mode: str = "reduced") -> QRResult:
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr mode must be 'reduced' or 'complete', got {mode!r}")
    q, r = tf.linalg.qr(_float(x, "linalg_qr"), full_matrices=mode == "complete")
    return QRResult(q, r)


def linalg_slogdet(x: Any, /) -> SlogdetResult:
    sign, logabsdet = tf.linalg.slogdet(_float(x, "linalg_slogdet"))
    return SlogdetResult(sign, logabsdet)


def linalg_solve(x1: Any, x2: Any, /) -> Any:
    x1, x2 = operands(x1, x2, "linalg_solve")
    x1, x2 = _float(x1, "linalg_solve"), _float(x2, "linalg_solve")
    vector = x2.shape.rank == 1  # the standard: only a 1-d x2 is a vector
    b = x2[:, tf.newaxis] if vector else x2
    batch = tf.broadcast_static_shape(x1.shape[:-2], b.shape[:-2])
    a = tf.broadcast_to(x1, batch.concatenate(x1.shape[-2:]))
    b = tf.broadcast_to(b, batch.concatenate(b.shape[-2:]))
    result = tf.linalg.solve(a, b)
    return result[..., 0] if vector else result


def linalg_svd(x: Any, /, *, full_matrices: bool = True) -> SVDResult:
    values, u, v = tf.linalg.svd(_float(x, "linalg_svd"), full_matrices=full_matrices)
    return SVDResult(u, values, tf.linalg.adjoint(v))


def linalg_svdvals(x: Any, /) -> Any:
    return _svdvals(_float(x, "linalg_svdvals"))


def linalg_trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    return _sum(linalg_diagonal(x, offset=offset), axis=-1, dtype=dtype)


def linalg_vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    x = _float(x, "linalg_vector_norm")
    magnitude = _absolute(x)
    reduce = {"axis": index(axis_key(x, axis), x), "keep_dims": keepdims}
    if ord == math.inf:
        return _raw.Max(input=magnitude, **reduce)
    if ord == -math.inf:
        return _raw.Min(input=magnitude, **reduce)
    if ord == 0:
        return _raw.Sum(input=cast(magnitude != 0, magnitude.dtype), **reduce)
    if ord == 1:
        return _raw.Sum(input=magnitude, **reduce)
    if ord == 2:
        return _raw.Sqrt(x=_raw.Sum(input=_raw.Square(x=magnitude), **reduce))
    power = tf.constant(float(ord), magnitude.dtype)
    return _raw.Sum(input=magnitude**power, **reduce) ** (1 / power)
