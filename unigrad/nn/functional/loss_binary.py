"""The binary cross entropies: of probabilities and, computed stably, of logits (as PyTorch's)."""

from __future__ import annotations

from ...amp import float32_inputs
from ...ops import binary, unary
from ...types import Array
from .loss import _reduce, _same_shape

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits"]


def binary_cross_entropy(
    input: Array, target: Array, weight: Array | None = None, reduction: str = "mean"
) -> Array:
    """Binary cross entropy of probabilities ``input``; each log is clamped at -100, as PyTorch."""
    _same_shape(input, target, "ug.nn.functional.binary_cross_entropy")
    input, target, weight = float32_inputs(input, target, weight)
    log_p = binary.maximum(unary.log(input), -100.0)
    log_not_p = binary.maximum(unary.log(1.0 - input), -100.0)
    loss = -(target * log_p + (1.0 - target) * log_not_p)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _softplus(x: Array) -> Array:
    """``log(1 + exp(x))`` without overflow: ``max(x, 0) + log1p(exp(-|x|))``."""
    return binary.maximum(x, 0.0) + unary.log1p(unary.exp(-unary.abs(x)))


def binary_cross_entropy_with_logits(
    input: Array,
    target: Array,
    weight: Array | None = None,
    reduction: str = "mean",
    pos_weight: Array | None = None,
) -> Array:
    """Binary cross entropy of logits, computed stably; ``pos_weight`` weighs the positive term."""
    _same_shape(input, target, "ug.nn.functional.binary_cross_entropy_with_logits")
    input, target, weight, pos_weight = float32_inputs(input, target, weight, pos_weight)
    softplus_neg = _softplus(-input)  # -log(sigmoid(x))
    if pos_weight is None:
        loss = (1.0 - target) * input + softplus_neg
    else:
        loss = (1.0 - target) * input + ((pos_weight - 1.0) * target + 1.0) * softplus_neg
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)
