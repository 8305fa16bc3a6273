"""``gumbel_softmax``: differentiable samples of a categorical distribution, as torch's.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> ug.random.seed(0)
    >>> sample = F.gumbel_softmax(ug.zeros((2, 3)), tau=0.5, hard=True)
    >>> ug.to_numpy(ug.sum(sample, axis=-1)).tolist()
    [1.0, 1.0]
"""

from __future__ import annotations

from ... import random
from ...autograd import stop_gradient
from ...dtypes import finfo
from ...errors import ArgumentError
from ...ops import binary, creation, searching, unary
from ...ops.conversion import device_of
from ...ops.manipulation import moveaxis
from ...types import Array
from .activation import softmax
from .padding import known_shape
from .sparse import one_hot

__all__ = ["gumbel_softmax"]


def gumbel_softmax(
    logits: Array, tau: float = 1.0, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Array:
    """``softmax((logits + g) / tau)`` along ``dim``, ``g`` Gumbel(0, 1) noise, as torch's ``gumbel_softmax``.

    The noise, ``-log(E)`` with ``E`` exponential, comes from ``ug.random``: one
    seed gives the same samples on every backend. ``hard=True`` returns the
    one-hot vector of each sample's largest entry, whose gradient is the soft
    sample's (the straight-through estimator). ``eps`` is accepted and unused, as
    in torch.
    """
    if tau <= 0:
        raise ArgumentError(f"ug.nn.functional.gumbel_softmax: tau must be positive, got {tau}")
    shape = known_shape(logits, "ug.nn.functional.gumbel_softmax")
    uniform = random.uniform(shape, dtype=logits.dtype, device=device_of(logits))
    # 1 - U lies in (0, 1]: its -log is an exponential sample (kept above 0, where -log would be inf)
    exponential = unary.negative(unary.log(binary.subtract(1.0, uniform)))
    exponential = binary.maximum(exponential, finfo(logits.dtype).smallest_normal)
    gumbels = unary.negative(unary.log(exponential))
    y_soft = softmax(binary.divide(binary.add(logits, gumbels), tau), dim=dim)
    if not hard:
        return y_soft
    axis = dim % len(shape)
    index = searching.argmax(y_soft, axis=axis)
    y_hard = creation.astype(one_hot(index, shape[axis]), y_soft.dtype)
    if axis != len(shape) - 1:
        y_hard = moveaxis(y_hard, -1, axis)
    return binary.add(binary.subtract(y_hard, stop_gradient(y_soft)), y_soft)
