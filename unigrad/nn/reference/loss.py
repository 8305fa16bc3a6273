"""The reference definition of the fused cross entropy behind ``F.cross_entropy``.

See :mod:`unigrad.nn.reference` for what a reference definition is.
"""

from __future__ import annotations

from typing import Any

from ...ops import binary, creation, manipulation, statistical, unary
from ...ops.searching import where
from .activation import log_softmax

__all__ = ["sparse_cross_entropy"]


def sparse_cross_entropy(
    logits: Any, labels: Any, ignore_index: int = -100, reduction: str = "none", ignored: bool = True
) -> Any:
    """``-log_softmax(logits)[i, labels[i]]`` for ``(N, C)`` logits, 0 where ignored, reduced.

    ``reduction``: ``"none"`` (per sample), ``"sum"``, or ``"mean"`` over the
    samples not ignored (as PyTorch). Labels are known to be in range (or
    ``ignore_index``): the caller checked them; ``ignored=False`` says that
    it also saw that none equals ``ignore_index``.
    """
    keep = binary.not_equal(labels, ignore_index)
    safe = where(keep, labels, creation.zeros_like(labels))
    log_probs = log_softmax(logits, axis=1)
    picked = manipulation.take_along_axis(log_probs, manipulation.expand_dims(safe, axis=1), axis=1)[:, 0]
    per_sample = where(keep, unary.negative(picked), creation.zeros_like(picked))
    if reduction == "none":
        return per_sample
    total = statistical.sum(per_sample)
    if reduction == "sum":
        return total
    return binary.divide(total, statistical.sum(creation.astype(keep, per_sample.dtype)))
