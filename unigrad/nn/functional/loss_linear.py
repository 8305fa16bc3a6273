"""``linear_cross_entropy``: cross entropy of a linear layer's logits, as ``torch.nn.functional``'s.

``linear_cross_entropy(input, linear_weight, target, ...)`` is
``cross_entropy(linear(input, linear_weight, linear_bias), target, ...)`` with
the logits reshaped to ``(N, C, d1, ..., dK)`` where ``linear_weight`` is
``(C, d1, ..., dK, in_features)``: torch's reference path. torch's ``options``
(a ``LinearCrossEntropyOptions``) pick a batch-chunked kernel that saves
memory but computes the same loss; it is accepted here and the reference path
runs.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> loss = F.linear_cross_entropy(ug.ones((2, 3)), ug.zeros((4, 3)), ug.asarray([0, 3]))
    >>> round(float(ug.to_numpy(loss)), 4)  # four equal logits: log(4)
    1.3863
"""

from __future__ import annotations

import math
from typing import Any

from ...errors import ArgumentError, ShapeError
from ...ops import manipulation
from ...ops._checks import shape_of
from ...types import Array
from .linear import linear
from .loss import cross_entropy

__all__ = ["linear_cross_entropy"]


def linear_cross_entropy(
    input: Array,
    linear_weight: Array,
    target: Array,
    *,
    linear_bias: Array | None = None,
    weight: Array | None = None,
    reduction: str = "mean",
    ignore_index: int | None = None,
    label_smoothing: float = 0.0,
    options: Any = None,
) -> Array:
    """Cross entropy of ``linear(input, linear_weight, linear_bias)`` against ``target``, as torch's.

    Args:
        input: ``(in_features,)`` or ``(N, in_features)``.
        linear_weight: ``(C, in_features)``, or ``(C, d1, ..., dK, in_features)`` for a
            K-dimensional loss (batched input only).
        target: class indices (``()``, ``(N,)`` or ``(N, d1, ..., dK)``) or class
            probabilities of the logits' shape ``(N, C, d1, ..., dK)``.
        linear_bias: ``(C, d1, ..., dK)`` or ``None``.
        weight: a rescaling weight per class, ``(C,)``.
        reduction: ``"none"``, ``"mean"`` or ``"sum"``.
        ignore_index: a class index whose targets are ignored (``None``: -100, as torch);
            not with probability targets.
        label_smoothing: in ``[0, 1]``, as :func:`cross_entropy`'s.
        options: torch's chunking options; the loss is the same without them.
    """
    where = "ug.nn.functional.linear_cross_entropy"
    input_shape, weight_shape = shape_of(input) or (), shape_of(linear_weight) or ()
    if len(input_shape) not in (1, 2):
        raise ShapeError(
            f"{where}: expected input with dimensionality 1 (in_features,) or 2 (N, in_features), "
            f"got shape {input_shape}"
        )
    if len(weight_shape) < 2:
        raise ShapeError(
            f"{where}: expected linear_weight with dimensionality at least 2 (C, ..., in_features), "
            f"got shape {weight_shape}"
        )
    batches, in_features = input_shape[:-1], input_shape[-1]
    if in_features != weight_shape[-1]:
        raise ShapeError(
            f"{where}: expected equal input and linear_weight last dimensions (in_features), got "
            f"{in_features} and {weight_shape[-1]}, respectively (input {input_shape}, "
            f"linear_weight {weight_shape})"
        )
    classes, out_features = weight_shape[0], tuple(weight_shape[1:-1])
    if linear_bias is not None and shape_of(linear_bias) != (classes, *out_features):
        raise ShapeError(
            f"{where}: expected linear_bias shape {(classes, *out_features)}, got {shape_of(linear_bias)}"
        )
    if out_features and not batches:
        raise ShapeError(
            f"{where}: K-dimensional loss defined by linear_weight shape {weight_shape} requires batched "
            f"input, (N, {in_features}), got unbatched input with shape {input_shape}"
        )
    logits_shape = (*batches, classes, *out_features)
    # (as torch: a target of the logits' shape holds probabilities)
    if shape_of(target) == logits_shape and ignore_index is not None:
        raise ArgumentError(f"{where}: ignore_index cannot be specified when target contains probabilities")
    if out_features:
        flat = math.prod(out_features, start=classes)
        linear_weight = manipulation.reshape(linear_weight, (flat, in_features))
        if linear_bias is not None:
            linear_bias = manipulation.reshape(linear_bias, (flat,))
    logits = manipulation.reshape(linear(input, linear_weight, linear_bias), logits_shape)
    return cross_entropy(
        logits,
        target,
        weight=weight,
        reduction=reduction,
        ignore_index=-100 if ignore_index is None else ignore_index,
        label_smoothing=label_smoothing,
    )
