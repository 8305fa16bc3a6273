"""Margin and embedding losses, as ``torch.nn.functional``'s.

``soft_margin_loss``, ``multilabel_soft_margin_loss``, ``multilabel_margin_loss``,
``multi_margin_loss``, ``hinge_embedding_loss``, ``margin_ranking_loss``,
``cosine_embedding_loss``, ``triplet_margin_loss`` and
``triplet_margin_with_distance_loss``, written once over ug ops.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> x1, x2 = ug.asarray([1.0, 0.0]), ug.asarray([0.5, 0.5])
    >>> ug.to_numpy(F.margin_ranking_loss(x1, x2, ug.asarray([1.0, 1.0]), reduction="none")).tolist()
    [0.0, 0.5]
"""

from __future__ import annotations

from collections.abc import Callable

from ...dtypes import int64
from ...errors import ArgumentError, ShapeError
from ...ops import binary, creation, manipulation, searching, statistical, unary
from ...types import Array
from .activation import logsigmoid
from .distance import pairwise_distance
from .loss import _broadcast_target, _labels, _reduce, _same_shape, _shape
from .loss_binary import _softplus
from .sparse import _one_hot

__all__ = [
    "soft_margin_loss",
    "multilabel_soft_margin_loss",
    "multilabel_margin_loss",
    "multi_margin_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "cosine_embedding_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]


def _batched(input: Array, where: str, what: str = "input") -> None:
    if input.ndim not in (1, 2):
        raise ShapeError(f"{where}: {what} must be 1-D (C,) or 2-D (N, C), got shape {_shape(input)}")


def soft_margin_loss(input: Array, target: Array, reduction: str = "mean") -> Array:
    """``log(1 + exp(-target * input))`` for targets of +1/-1, computed without overflow."""
    _same_shape(input, target, "ug.nn.functional.soft_margin_loss")
    return _reduce(_softplus(-target * input), reduction)


def multilabel_soft_margin_loss(
    input: Array, target: Array, weight: Array | None = None, reduction: str = "mean"
) -> Array:
    """One-versus-all logistic loss over the classes (last axis) of ``input``, averaged over them."""
    where = "ug.nn.functional.multilabel_soft_margin_loss"
    _same_shape(input, target, where)
    target = creation.astype(target, input.dtype)
    loss = -(target * logsigmoid(input) + (1.0 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    n_classes = int(input.shape[-1]) if input.ndim else 1
    loss = statistical.sum(loss, axis=-1) / n_classes if input.ndim else loss
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Array, target: Array, reduction: str = "mean") -> Array:
    """Hinge loss of every target class against every other class, as ``torch``'s.

    ``target`` holds each sample's class indices, ended by the first ``-1``
    (``[3, 0, -1, 1]`` names classes 3 and 0). The loss of a sample is
    ``sum over targets j and non-targets k of max(0, 1 - (x[j] - x[k])) / C``.
    """
    where = "ug.nn.functional.multilabel_margin_loss"
    _batched(input, where)
    if _shape(target) != _shape(input):
        raise ShapeError(
            f"{where}: target shape {_shape(target)} does not match input shape {_shape(input)}; "
            "expected class indices (ended by -1) of the input's shape"
        )
    n_classes = int(input.shape[-1])
    labels = _labels(
        target, where, -1, n_classes, f"labels must be in [0, {n_classes - 1}], or -1 to end the list"
    )
    x = input if input.ndim == 2 else manipulation.expand_dims(input, axis=0)
    labels = labels if labels.ndim == 2 else manipulation.expand_dims(labels, axis=0)
    # a label counts while no -1 came before it
    valid = statistical.cumulative_prod(creation.astype(binary.not_equal(labels, -1), int64), axis=1)
    safe = searching.where(binary.equal(valid, 1), labels, creation.zeros_like(labels))
    valid_f = creation.astype(valid, x.dtype)
    named = creation.astype(_one_hot(safe, n_classes), x.dtype) * manipulation.expand_dims(valid_f, axis=-1)
    is_target = statistical.max(named, axis=1)  # (N, C): 1 for each class a valid label names
    picked = manipulation.take_along_axis(x, safe, axis=1)  # (N, C): x[target j]
    hinge = binary.maximum(
        1.0 - manipulation.expand_dims(picked, axis=2) + manipulation.expand_dims(x, axis=1), 0.0
    )  # (N, j, k)
    pairs = manipulation.expand_dims(valid_f, axis=2) * manipulation.expand_dims(1.0 - is_target, axis=1)
    loss = statistical.sum(hinge * pairs, axis=(1, 2)) / n_classes
    if input.ndim == 1:
        loss = loss[0]
    return _reduce(loss, reduction)


def multi_margin_loss(
    input: Array,
    target: Array,
    p: int = 1,
    margin: float = 1.0,
    weight: Array | None = None,
    reduction: str = "mean",
) -> Array:
    """Multi-class hinge loss: ``sum over j != y of max(0, margin - x[y] + x[j]) ** p / C``."""
    where = "ug.nn.functional.multi_margin_loss"
    if p not in (1, 2):
        raise ArgumentError(f"{where}: p must be 1 or 2, got {p}")
    _batched(input, where)
    n_classes = int(input.shape[-1])
    expected_shape = _shape(input)[:-1]
    if _shape(target) != expected_shape:
        raise ShapeError(
            f"{where}: target shape {_shape(target)} does not fit input shape {_shape(input)}; "
            f"expected class indices of shape {expected_shape}"
        )
    labels = _labels(target, where, 0, n_classes, f"labels must be in [0, {n_classes - 1}]")
    x = input if input.ndim == 2 else manipulation.expand_dims(input, axis=0)
    labels = manipulation.reshape(labels, (-1,))
    picked = manipulation.take_along_axis(x, manipulation.expand_dims(labels, axis=1), axis=1)
    hinge = binary.maximum(margin - picked + x, 0.0)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * manipulation.expand_dims(manipulation.take(weight, labels, axis=0), axis=1)
    others = 1.0 - creation.astype(_one_hot(labels, n_classes), x.dtype)
    loss = statistical.sum(hinge * others, axis=1) / n_classes
    if input.ndim == 1:
        loss = loss[0]
    return _reduce(loss, reduction)


def hinge_embedding_loss(input: Array, target: Array, margin: float = 1.0, reduction: str = "mean") -> Array:
    """``input`` where ``target == 1``, ``max(0, margin - input)`` where ``target == -1``."""
    _broadcast_target(input, target, "ug.nn.functional.hinge_embedding_loss")
    zeros = creation.zeros_like(input)
    below = searching.where(binary.not_equal(target, 1), binary.maximum(margin - input, 0.0), zeros)
    own = searching.where(binary.not_equal(target, -1), input, zeros)
    return _reduce(below + own, reduction)


def margin_ranking_loss(
    input1: Array, input2: Array, target: Array, margin: float = 0.0, reduction: str = "mean"
) -> Array:
    """``max(0, -target * (input1 - input2) + margin)``: ``target`` 1 ranks ``input1`` higher."""
    where = "ug.nn.functional.margin_ranking_loss"
    _same_shape(input1, input2, where, "input2")
    _same_shape(input1, target, where)
    return _reduce(binary.maximum(-target * (input1 - input2) + margin, 0.0), reduction)


def cosine_embedding_loss(
    input1: Array, input2: Array, target: Array, margin: float = 0.0, reduction: str = "mean"
) -> Array:
    """``1 - cos(x1, x2)`` where ``target == 1``, ``max(0, cos(x1, x2) - margin)`` where it is -1."""
    where = "ug.nn.functional.cosine_embedding_loss"
    _batched(input1, where, "input1")
    _same_shape(input1, input2, where, "input2")
    if _shape(target) != _shape(input1)[:-1]:
        raise ShapeError(
            f"{where}: target shape {_shape(target)} does not fit input shape {_shape(input1)}; "
            f"expected one +1/-1 per sample, shape {_shape(input1)[:-1]}"
        )
    eps = 1e-12  # torch's, added to each squared magnitude
    axis = input1.ndim - 1
    dot = statistical.sum(input1 * input2, axis=axis)
    magnitudes = (statistical.sum(input1 * input1, axis=axis) + eps) * (
        statistical.sum(input2 * input2, axis=axis) + eps
    )
    cosine = dot / unary.sqrt(magnitudes)
    zeros = creation.zeros_like(cosine)
    similar = searching.where(binary.equal(target, 1), 1.0 - cosine, zeros)
    dissimilar = searching.where(binary.equal(target, -1), binary.maximum(cosine - margin, 0.0), zeros)
    return _reduce(similar + dissimilar, reduction)


def triplet_margin_loss(
    anchor: Array,
    positive: Array,
    negative: Array,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: str = "mean",
) -> Array:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with the ``p``-norm distance.

    ``swap=True`` takes the smaller of ``d(anchor, negative)`` and ``d(positive, negative)``.
    """
    where = "ug.nn.functional.triplet_margin_loss"
    _batched(anchor, where, "anchor")
    _same_shape(anchor, positive, where, "positive")
    _same_shape(anchor, negative, where, "negative")

    def distance(x1: Array, x2: Array) -> Array:
        return pairwise_distance(x1, x2, p, eps)

    return _triplet(anchor, positive, negative, distance, margin, swap, reduction, where)


def triplet_margin_with_distance_loss(
    anchor: Array,
    positive: Array,
    negative: Array,
    *,
    distance_function: Callable[[Array, Array], Array] | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Array:
    """:func:`triplet_margin_loss` with any ``distance_function`` (:func:`pairwise_distance` by default)."""
    where = "ug.nn.functional.triplet_margin_with_distance_loss"
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise ShapeError(
            f"{where}: anchor, positive and negative must have the same number of dimensions, got "
            f"anchor {anchor.ndim}-D, positive {positive.ndim}-D and negative {negative.ndim}-D"
        )
    distance = distance_function if distance_function is not None else pairwise_distance
    return _triplet(anchor, positive, negative, distance, margin, swap, reduction, where)


def _triplet(
    anchor: Array,
    positive: Array,
    negative: Array,
    distance: Callable[[Array, Array], Array],
    margin: float,
    swap: bool,
    reduction: str,
    where: str,
) -> Array:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))``, ``swap`` as torch's."""
    if margin <= 0:
        raise ArgumentError(f"{where}: margin must be > 0, got {margin}")
    to_positive = distance(anchor, positive)
    to_negative = distance(anchor, negative)
    if swap:
        to_negative = binary.minimum(to_negative, distance(positive, negative))
    return _reduce(binary.maximum(margin + to_positive - to_negative, 0.0), reduction)
