"""Distances and norms of vectors: ``pairwise_distance``, ``cosine_similarity``, ``pdist``, ``normalize``.

As ``torch.nn.functional``'s, written once over ug ops. A norm of a zero
vector has gradient 0 here, as in torch (``sqrt``'s would be infinite).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> ug.to_numpy(F.normalize(ug.asarray([[3.0, 4.0]]))).tolist()
    [[0.6000000238418579, 0.800000011920929]]
"""

from __future__ import annotations

import math

import numpy as np

from ...autograd import stop_gradient
from ...errors import ShapeError
from ...ops import binary, creation, manipulation, searching, statistical, unary
from ...ops.conversion import device_of
from ...types import Array

__all__ = ["pairwise_distance", "cosine_similarity", "pdist", "normalize"]


def _vector_norm(x: Array, p: float = 2.0, axis: int = -1, keepdims: bool = False) -> Array:
    """The ``p``-norm of ``x`` along ``axis`` (``p`` > 0 or ``inf``), with gradient 0 at a zero vector."""
    magnitude = unary.abs(x)
    if p == 1:
        return statistical.sum(magnitude, axis=axis, keepdims=keepdims)
    if math.isinf(p):
        return statistical.max(magnitude, axis=axis, keepdims=keepdims)
    powered = x * x if p == 2 else magnitude**p
    total = statistical.sum(powered, axis=axis, keepdims=keepdims)
    # the root of 0 has an infinite slope: take it of 1 there, and give 0 back
    zero = binary.equal(total, 0)
    safe = searching.where(zero, creation.ones_like(total), total)
    root = unary.sqrt(safe) if p == 2 else safe ** (1.0 / p)
    return searching.where(zero, creation.zeros_like(total), root)


def pairwise_distance(
    x1: Array, x2: Array, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Array:
    """``||x1 - x2 + eps||_p`` over the last axis, as ``torch.nn.functional.pairwise_distance``."""
    return _vector_norm(x1 - x2 + eps, p, axis=-1, keepdims=keepdim)


def _clamped_below(x: Array, low: float) -> Array:
    """``max(x, low)`` in value, ``x`` in gradient: torch clamps such norms in place under ``no_grad``."""
    return x + stop_gradient(binary.maximum(x, low) - x)


def cosine_similarity(x1: Array, x2: Array, dim: int = 1, eps: float = 1e-8) -> Array:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``; each norm is at least ``eps``."""
    x1, x2 = manipulation.broadcast_arrays(x1, x2)
    norm1 = _clamped_below(_vector_norm(x1, 2.0, axis=dim, keepdims=True), eps)
    norm2 = _clamped_below(_vector_norm(x2, 2.0, axis=dim, keepdims=True), eps)
    return statistical.sum((x1 / norm1) * (x2 / norm2), axis=dim)


def pdist(input: Array, p: float = 2.0) -> Array:
    """The ``p``-norm distance of every pair of rows ``i < j`` of ``(N, M)`` ``input``, in row order."""
    if input.ndim != 2:
        shape = tuple(int(d) for d in input.shape)
        raise ShapeError(f"ug.nn.functional.pdist: input must be 2-D (N, M), got shape {shape}")
    first, second = np.triu_indices(int(input.shape[0]), k=1)
    device = device_of(input)
    rows = manipulation.take(input, creation.asarray(first, device=device), axis=0)
    others = manipulation.take(input, creation.asarray(second, device=device), axis=0)
    return _vector_norm(rows - others, p, axis=-1)


def normalize(input: Array, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Array:
    """``input`` divided by its ``p``-norm along ``dim``, the norm clamped at ``eps`` (as torch)."""
    return input / binary.maximum(_vector_norm(input, p, axis=dim, keepdims=True), eps)
