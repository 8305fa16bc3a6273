"""Losses that are likelihoods of distributions: ``kl_div``, ``poisson_nll_loss``, ``gaussian_nll_loss``.

As ``torch.nn.functional``'s, written once over ug ops.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> float(ug.to_numpy(F.poisson_nll_loss(ug.asarray([0.0]), ug.asarray([1.0]))))
    1.0
"""

from __future__ import annotations

import math
import warnings

from ... import graph_checks
from ...errors import ArgumentError, ShapeError
from ...ops import binary, creation, manipulation, searching, statistical, unary
from ...ops.conversion import backend_of, to_numpy
from ...types import Array
from .distance import _clamped_below
from .loss import _broadcast_target, _reduce, _shape

__all__ = ["kl_div", "poisson_nll_loss", "gaussian_nll_loss"]


def _xlogy(x: Array, y: Array) -> Array:
    """``x * log(y)``, and 0 where ``x == 0`` (as ``torch.xlogy``); a gradient without NaNs there."""
    zero = binary.equal(x, 0)
    safe = searching.where(zero, creation.ones_like(y), y)
    return searching.where(zero, creation.zeros_like(x), x * unary.log(safe))


def kl_div(input: Array, target: Array, reduction: str = "mean", log_target: bool = False) -> Array:
    """Kullback-Leibler divergence of ``target`` from log-probabilities ``input``, pointwise.

    ``target * (log(target) - input)`` (``exp(target) * (target - input)`` with
    ``log_target=True``). ``reduction="batchmean"`` divides the sum by the batch
    size, the mathematically right mean; ``"mean"`` averages over every element, as torch.
    """
    _broadcast_target(input, target, "ug.nn.functional.kl_div")
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            UserWarning,
            stacklevel=2,
        )
    loss = unary.exp(target) * (target - input) if log_target else _xlogy(target, target) - target * input
    if reduction == "batchmean":
        total = statistical.sum(loss)
        return total / int(input.shape[0]) if input.ndim else total
    return _reduce(loss, reduction)


def poisson_nll_loss(
    input: Array,
    target: Array,
    log_input: bool = True,
    full: bool = False,
    reduction: str = "mean",
    eps: float = 1e-8,
) -> Array:
    """Negative log-likelihood of ``target`` under a Poisson distribution of rate ``input``.

    ``exp(input) - target * input`` for ``log_input=True`` (``input`` is the log
    rate), else ``input - target * log(input + eps)``; ``full`` adds Stirling's
    approximation of ``log(target!)`` where ``target > 1``.
    """
    _broadcast_target(input, target, "ug.nn.functional.poisson_nll_loss")
    loss = unary.exp(input) - target * input if log_input else input - target * unary.log(input + eps)
    if full:
        big = binary.greater(target, 1)
        safe = searching.where(big, target, creation.ones_like(target))
        stirling = safe * unary.log(safe) - safe + 0.5 * unary.log(2 * math.pi * safe)
        loss = loss + searching.where(big, stirling, creation.zeros_like(stirling))
    return _reduce(loss, reduction)


def gaussian_nll_loss(
    input: Array,
    target: Array,
    var: Array | float,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Array:
    """Negative log-likelihood of ``target`` under a Gaussian of mean ``input`` and variance ``var``.

    ``0.5 * (log(var) + (input - target)**2 / var)`` (plus ``0.5 * log(2 pi)`` with
    ``full``). ``var`` has the input's shape, or one dimension less or of size 1
    (one variance shared along it); it is clamped at ``eps`` for the value only,
    as torch does, so its gradient passes the clamp unchanged.
    """
    where = "ug.nn.functional.gaussian_nll_loss"
    if isinstance(var, (int, float)):
        if var < 0:
            raise ArgumentError(f"{where}: var has a negative entry ({var}); variances must be >= 0")
        var = creation.full_like(input, float(var))
    elif backend_of(var).in_graph():  # no values while a graph is traced: the check runs inside it
        var = backend_of(var).graph_checked(
            var,
            statistical.all(binary.greater_equal(var, 0)),
            graph_checks.message(ArgumentError, f"{where}: var has negative entries; variances must be >= 0"),
        )
    elif bool((to_numpy(var) < 0).any()):
        raise ArgumentError(f"{where}: var has negative entries; variances must be >= 0")
    shape, var_shape = _shape(input), _shape(var)
    if var_shape != shape:
        if shape[:-1] == var_shape:
            var = manipulation.expand_dims(var, axis=-1)
        elif not (  # one variance shared along one axis: size 1 there, the input's elsewhere
            len(var_shape) == len(shape)
            and [b for a, b in zip(shape, var_shape, strict=True) if a != b] == [1]
        ):
            raise ShapeError(
                f"{where}: var shape {var_shape} does not fit input shape {shape}; expected the "
                "input's shape, its shape without the last dimension, or one dimension of size 1"
            )
    _broadcast_target(input, target, where)
    if reduction not in ("none", "mean", "sum"):
        raise ArgumentError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    clamped = _clamped_below(var, eps)  # as torch, which clamps a copy under no_grad
    difference = input - target
    loss = 0.5 * (unary.log(clamped) + difference * difference / clamped)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)
