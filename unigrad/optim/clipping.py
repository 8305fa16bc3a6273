"""Gradient clipping, functional: unigrad's gradients live apart from the parameters."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..config import active_backend
from ..linalg import vector_norm
from ..ops.binary import add, divide, minimum, multiply
from ..ops.conversion import backend_of
from ..ops.creation import asarray, astype
from ..ops.manipulation import stack
from ..ops.unary import clip
from ..types import Array
from ._checks import OptimizerError, backend_scope

__all__ = ["clip_grad_norm", "clip_grad_value"]


def clip_grad_norm(
    grads: Iterable[Array | None], max_norm: float, norm_type: float = 2.0
) -> tuple[list[Array | None], Array]:
    """The gradients scaled so that their joint norm is at most ``max_norm``, and that norm before.

    The maths of ``torch.nn.utils.clip_grad_norm_``: the total norm is the
    ``norm_type`` norm of the per-gradient norms (``math.inf`` for the largest
    absolute value); each gradient is multiplied by
    ``min(max_norm / (total_norm + 1e-6), 1)``, also when that is 1, so that no
    value has to leave the device. ``None`` gradients pass through.

    Examples:
        >>> import unigrad as ug
        >>> (clipped,), norm = ug.optim.clip_grad_norm([ug.asarray([3.0, 4.0])], max_norm=1.0)
        >>> float(ug.to_numpy(norm)), [round(v, 4) for v in ug.to_numpy(clipped).tolist()]
        (5.0, [0.6, 0.8])
    """
    grads = list(grads)
    present = [g for g in grads if g is not None]
    backend = backend_of(present[0]) if present else active_backend()
    with backend_scope(backend):
        if not present:
            return grads, asarray(0.0)
        norms = [vector_norm(g, ord=norm_type) for g in present]
        if len(norms) == 1:
            total = norms[0]
        else:
            dtype = norms[0].dtype
            total = vector_norm(stack([astype(n, dtype) for n in norms]), ord=norm_type)
        coefficient = minimum(divide(max_norm, add(total, 1e-6)), 1.0)
        clipped = [None if g is None else multiply(g, astype(coefficient, g.dtype)) for g in grads]
        return clipped, total


def clip_grad_value(grads: Iterable[Array | None], clip_value: float) -> list[Array | None]:
    """Each gradient clipped elementwise to ``[-clip_value, clip_value]``, as ``clip_grad_value_``.

    Examples:
        >>> import unigrad as ug
        >>> (clipped,) = ug.optim.clip_grad_value([ug.asarray([-3.0, 0.5])], 1.0)
        >>> ug.to_numpy(clipped).tolist()
        [-1.0, 0.5]
    """
    if not isinstance(clip_value, (int, float)) or math.isnan(clip_value) or clip_value < 0:
        raise OptimizerError(f"clip_value must be a number >= 0, got {clip_value!r}")
    grads = list(grads)
    present = [g for g in grads if g is not None]
    if not present:
        return grads
    with backend_scope(backend_of(present[0])):
        return [None if g is None else clip(g, -clip_value, clip_value) for g in grads]
