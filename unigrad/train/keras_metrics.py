"""Keras' metrics by name: the accuracies, top-k, and the losses used as metrics.

Each is a batch mean ``(prediction, target) -> scalar``, class axis last, as
Keras computes it; :func:`unigrad.train.metrics.get_metric` wraps them. Asked
for ``"accuracy"`` (or ``"acc"``), :func:`pick_accuracy` chooses, as Keras:

* **binary** when the loss is ``binary_crossentropy``, or the prediction has one
  column (``(N,)`` or ``(N, 1)``): predicted 1 above 0.5, or above 0 when the loss
  takes logits (``from_logits=True``; Keras keeps 0.5 there, which misreads logits);
* **sparse categorical** when the loss is ``sparse_categorical_crossentropy``, or
  the target has one rank less than the prediction, or a last axis of 1;
* **categorical** (one-hot targets: argmax against argmax) otherwise.

Examples:
    >>> import unigrad as ug
    >>> from unigrad.train import keras_metrics
    >>> probabilities = ug.asarray([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    >>> float(ug.to_numpy(keras_metrics.sparse_categorical_accuracy(probabilities, ug.asarray([0, 1]))))
    0.5
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..dtypes import int32, int64
from ..ops import binary, creation, manipulation, searching, statistical
from ..types import Array
from . import losses

__all__ = [
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "cosine_similarity",
    "pick_accuracy",
    "KERAS_METRICS",
]

MetricFn = Callable[[Array, Array], Array]


def _mean(matches: Array, like: Array) -> Array:
    return statistical.mean(creation.astype(matches, like.dtype))


def binary_accuracy(prediction: Array, target: Array, threshold: float = 0.5) -> Array:
    """The fraction of elements where ``prediction > threshold`` equals the 0/1 target."""
    target, prediction = losses.same_rank(creation.astype(target, prediction.dtype, copy=False), prediction)
    predicted = creation.astype(binary.greater(prediction, threshold), prediction.dtype)
    return _mean(binary.equal(predicted, target), prediction)


def _sparse_target(prediction: Array, target: Array) -> Array:
    """Class indices of the prediction's rank less one (a last axis of 1 squeezed), in its dtype."""
    if len(target.shape) == len(prediction.shape) and int(target.shape[-1]) == 1:
        target = manipulation.squeeze(target, axis=-1)
    return creation.astype(target, prediction.dtype, copy=False)


def categorical_accuracy(prediction: Array, target: Array) -> Array:
    """The fraction of samples whose argmax is the one-hot target's argmax (last axis)."""
    truth = searching.argmax(target, axis=-1)
    return _mean(binary.equal(searching.argmax(prediction, axis=-1), truth), prediction)


def sparse_categorical_accuracy(prediction: Array, target: Array) -> Array:
    """The fraction of samples whose argmax (last axis) is the class index ``target``."""
    predicted = creation.astype(searching.argmax(prediction, axis=-1), prediction.dtype)
    return _mean(binary.equal(predicted, _sparse_target(prediction, target)), prediction)


def _in_top_k(prediction: Array, truth: Array, k: int) -> Array:
    """Whether each class ``truth`` scores among the ``k`` best (ties at the boundary count in, as TF)."""
    index = creation.astype(manipulation.expand_dims(truth, axis=-1), int64)
    score = manipulation.take_along_axis(prediction, index, axis=-1)
    better = statistical.sum(creation.astype(binary.greater(prediction, score), int32), axis=-1)
    return _mean(binary.less(better, k), prediction)


def top_k_categorical_accuracy(prediction: Array, target: Array, k: int = 5) -> Array:
    """The fraction of samples whose one-hot target class is among the ``k`` highest scores."""
    return _in_top_k(prediction, searching.argmax(target, axis=-1), k)


def sparse_top_k_categorical_accuracy(prediction: Array, target: Array, k: int = 5) -> Array:
    """The fraction of samples whose class index ``target`` is among the ``k`` highest scores."""
    return _in_top_k(prediction, _sparse_target(prediction, target), k)


def cosine_similarity(prediction: Array, target: Array) -> Array:
    """The mean cosine similarity along the last axis (the metric: +1 for the same direction)."""
    return -losses.CosineSimilarity()(prediction, target)


def pick_accuracy(prediction: Array, target: Array, loss: Any = None) -> Array:
    """``"accuracy"`` as Keras reads it: binary, sparse or categorical, from ``loss`` and the shapes."""
    logits = bool(getattr(loss, "from_logits", False))
    one_column = len(prediction.shape) <= 1 or int(prediction.shape[-1]) == 1
    if isinstance(loss, losses.BinaryCrossentropy) or one_column:
        return binary_accuracy(prediction, target, 0.0 if logits else 0.5)
    sparse = len(target.shape) < len(prediction.shape) or int(target.shape[-1]) == 1
    if isinstance(loss, losses.SparseCategoricalCrossentropy) or sparse:
        return sparse_categorical_accuracy(prediction, target)
    return categorical_accuracy(prediction, target)


def _loss_metric(name: str) -> Callable[[Any], MetricFn]:
    return lambda loss: losses.get(name)


def _accuracy(kind: Callable[[Array, Array], Array]) -> Callable[[Any], MetricFn]:
    return lambda loss: kind


def _binary(loss: Any) -> MetricFn:
    threshold = 0.0 if getattr(loss, "from_logits", False) else 0.5
    return lambda prediction, target: binary_accuracy(prediction, target, threshold)


KERAS_METRICS: dict[str, Callable[[Any], MetricFn]] = {
    "binary_accuracy": _binary,
    "categorical_accuracy": _accuracy(categorical_accuracy),
    "sparse_categorical_accuracy": _accuracy(sparse_categorical_accuracy),
    "top_k_categorical_accuracy": _accuracy(top_k_categorical_accuracy),
    "sparse_top_k_categorical_accuracy": _accuracy(sparse_top_k_categorical_accuracy),
    "cosine_similarity": _accuracy(cosine_similarity),
    **{name: _loss_metric(name) for name in losses.KERAS_LOSSES if name != "cosine_similarity"},
}
"""Keras' metric names, each a function of the compiled loss giving the metric.

Besides the accuracies: every Keras loss name (``"mse"``, ``"mae"``,
``"binary_crossentropy"``, ...) as a metric, with its defaults (probabilities);
``"cosine_similarity"`` is the similarity itself, not the loss' negative.
"""
