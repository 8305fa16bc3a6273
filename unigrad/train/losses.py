"""Keras' losses, by Keras' names and semantics: ``ug.train.losses``.

``model.compile(loss="sparse_categorical_crossentropy")`` (and ``ug.fit``) look
the name up in :data:`KERAS_LOSSES`; a loss object says more, as in Keras:
``SparseCategoricalCrossentropy(from_logits=True)``.

What the names assume, as Keras: **the model outputs probabilities**
(``from_logits=False``, a softmax or sigmoid last layer). The probabilities
are clipped to ``[1e-7, 1 - 1e-7]`` (Keras' epsilon), and the categorical ones
are first divided by their sum. For a model that outputs logits, pass the
object with ``from_logits=True``, or use unigrad's PyTorch-style names
(``"cross_entropy"``, ``"binary_cross_entropy_with_logits"``), which take logits.

Targets, as Keras: ``categorical_crossentropy`` takes one-hot (or probability)
rows of the prediction's shape, ``sparse_categorical_crossentropy`` class
indices (shape ``(N,)`` or ``(N, 1)``), ``binary_crossentropy`` 0/1 values. The
class axis is the last one. A target one rank off the prediction with a last
axis of 1 (``(N,)`` against ``(N, 1)``) is squeezed or expanded to match, and
targets are cast to the prediction's dtype. Each loss is the mean over the
samples (Keras' ``"sum_over_batch_size"``) of a per-sample value, itself the
mean over the last axis for the elementwise losses.

Examples:
    >>> import unigrad as ug
    >>> from unigrad.train import losses
    >>> probabilities = ug.asarray([[0.9, 0.1], [0.2, 0.8]])
    >>> loss = losses.get("sparse_categorical_crossentropy")
    >>> round(float(ug.to_numpy(loss(probabilities, ug.asarray([0, 1])))), 4)  # mean of -log 0.9, -log 0.8
    0.1643
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..dtypes import as_dtype, int64, isdtype
from ..errors import NotSupportedError
from ..nn import functional as F
from ..ops import binary, creation, manipulation, searching, statistical, unary
from ..types import Array
from .errors import FitArgumentError

__all__ = [
    "EPSILON",
    "Loss",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "Huber",
    "LogCosh",
    "KLDivergence",
    "Poisson",
    "Hinge",
    "SquaredHinge",
    "CategoricalHinge",
    "CosineSimilarity",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "KERAS_LOSSES",
    "get",
]

EPSILON = 1e-7
"""Keras' ``backend.epsilon()``: the clip of probabilities, the floor of divisors."""


def same_rank(target: Array, prediction: Array) -> tuple[Array, Array]:
    """Keras' ``squeeze_or_expand_to_same_rank``: a last axis of 1 on one side only goes away.

    A rank-1 target against an ``(N, 1)`` prediction is expanded to ``(N, 1)``.
    """
    t_rank, p_rank = len(target.shape), len(prediction.shape)
    if p_rank == t_rank + 1 and int(prediction.shape[-1]) == 1:
        if t_rank == 1:
            target = manipulation.expand_dims(target, axis=-1)
        else:
            prediction = manipulation.squeeze(prediction, axis=-1)
    elif t_rank == p_rank + 1 and int(target.shape[-1]) == 1:
        if p_rank == 1:
            prediction = manipulation.expand_dims(prediction, axis=-1)
        else:
            target = manipulation.squeeze(target, axis=-1)
    return target, prediction


def _cast(target: Array, prediction: Array) -> Array:
    return creation.astype(target, prediction.dtype, copy=False)


class Loss:
    """A Keras loss: ``loss(prediction, target)`` is the mean of :meth:`per_sample`.

    Called as unigrad's losses are, prediction first (Keras' functions take
    ``(y_true, y_pred)``). Subclasses define :meth:`per_sample`, which gets the
    target cast to the prediction's dtype and brought to its rank.
    """

    name = "loss"
    from_logits = False

    def __call__(self, prediction: Array, target: Array) -> Array:
        target, prediction = same_rank(_cast(target, prediction), prediction)
        return statistical.mean(self.per_sample(prediction, target))

    def per_sample(self, prediction: Array, target: Array) -> Array:
        raise NotSupportedError

    def __repr__(self) -> str:
        logits = ", from_logits=True" if self.from_logits else ""
        return f"{type(self).__name__}({logits.lstrip(', ')})"


class MeanSquaredError(Loss):
    """``mean(square(target - prediction), axis=-1)``."""

    name = "mean_squared_error"

    def __call__(self, prediction: Array, target: Array) -> Array:
        # the mean of the per-sample means is the mean of all: one reduction, as F.mse_loss
        target, prediction = same_rank(_cast(target, prediction), prediction)
        return F.mse_loss(prediction, target)

    def per_sample(self, prediction: Array, target: Array) -> Array:
        return statistical.mean(unary.square(target - prediction), axis=-1)


class MeanAbsoluteError(Loss):
    """``mean(abs(target - prediction), axis=-1)``."""

    name = "mean_absolute_error"

    def __call__(self, prediction: Array, target: Array) -> Array:
        target, prediction = same_rank(_cast(target, prediction), prediction)
        return F.l1_loss(prediction, target)

    def per_sample(self, prediction: Array, target: Array) -> Array:
        return statistical.mean(unary.abs(target - prediction), axis=-1)


class MeanAbsolutePercentageError(Loss):
    """``100 * mean(abs((target - prediction) / max(abs(target), 1e-7)), axis=-1)``."""

    name = "mean_absolute_percentage_error"

    def per_sample(self, prediction: Array, target: Array) -> Array:
        ratio = unary.abs((target - prediction) / binary.maximum(unary.abs(target), EPSILON))
        return 100.0 * statistical.mean(ratio, axis=-1)


class MeanSquaredLogarithmicError(Loss):
    """``mean(square(log(max(prediction, 1e-7) + 1) - log(max(target, 1e-7) + 1)), axis=-1)``."""

    name = "mean_squared_logarithmic_error"

    def per_sample(self, prediction: Array, target: Array) -> Array:
        first = unary.log1p(binary.maximum(prediction, EPSILON))
        second = unary.log1p(binary.maximum(target, EPSILON))
        return statistical.mean(unary.square(first - second), axis=-1)


class Huber(Loss):
    """``0.5 * e**2`` where ``|e| <= delta``, else ``delta * |e| - 0.5 * delta**2`` (mean, last axis)."""

    name = "huber_loss"

    def __init__(self, delta: float = 1.0) -> None:
        if not delta > 0:
            raise FitArgumentError(f"Huber's delta must be > 0, got {delta}")
        self.delta = float(delta)

    def per_sample(self, prediction: Array, target: Array) -> Array:
        error = unary.abs(prediction - target)
        quadratic = 0.5 * unary.square(error)
        linear = self.delta * error - 0.5 * self.delta * self.delta
        values = searching.where(binary.less_equal(error, self.delta), quadratic, linear)
        return statistical.mean(values, axis=-1)


class LogCosh(Loss):
    """``mean(log(cosh(prediction - target)), axis=-1)``, computed without overflow."""

    name = "log_cosh"

    def per_sample(self, prediction: Array, target: Array) -> Array:
        x = prediction - target
        return statistical.mean(x + F.softplus(-2.0 * x) - math.log(2.0), axis=-1)


class KLDivergence(Loss):
    """``sum(t * log(t / p), axis=-1)``, both clipped to ``[1e-7, 1]``."""

    name = "kl_divergence"

    def per_sample(self, prediction: Array, target: Array) -> Array:
        t = unary.clip(target, EPSILON, 1.0)
        p = unary.clip(prediction, EPSILON, 1.0)
        return statistical.sum(t * unary.log(t / p), axis=-1)


class Poisson(Loss):
    """``mean(prediction - target * log(prediction + 1e-7), axis=-1)``."""

    name = "poisson"

    def per_sample(self, prediction: Array, target: Array) -> Array:
        return statistical.mean(prediction - target * unary.log(prediction + EPSILON), axis=-1)


def _signed(target: Array) -> Array:
    """0/1 labels as -1/1 (Keras converts them when every label is 0 or 1)."""
    binary_labels = statistical.all(binary.logical_or(binary.equal(target, 0.0), binary.equal(target, 1.0)))
    return searching.where(binary_labels, 2.0 * target - 1.0, target)


class Hinge(Loss):
    """``mean(max(1 - t * p, 0), axis=-1)``; targets -1/1 (0/1 ones are converted)."""

    name = "hinge"
    squared = False

    def per_sample(self, prediction: Array, target: Array) -> Array:
        margin = binary.maximum(1.0 - _signed(target) * prediction, 0.0)
        return statistical.mean(unary.square(margin) if self.squared else margin, axis=-1)


class SquaredHinge(Hinge):
    """``mean(square(max(1 - t * p, 0)), axis=-1)``; targets -1/1 (0/1 ones are converted)."""

    name = "squared_hinge"
    squared = True


class CategoricalHinge(Loss):
    """``max(max((1 - t) * p) - sum(t * p) + 1, 0)`` over the last axis; one-hot targets."""

    name = "categorical_hinge"

    def per_sample(self, prediction: Array, target: Array) -> Array:
        positive = statistical.sum(target * prediction, axis=-1)
        negative = statistical.max((1.0 - target) * prediction, axis=-1)
        return binary.maximum(negative - positive + 1.0, 0.0)


class CosineSimilarity(Loss):
    """``-sum(l2_normalize(t) * l2_normalize(p), axis)``: -1 for the same direction."""

    name = "cosine_similarity"

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def per_sample(self, prediction: Array, target: Array) -> Array:
        unit_p, unit_t = F.normalize(prediction, dim=self.axis), F.normalize(target, dim=self.axis)
        return -statistical.sum(unit_t * unit_p, axis=self.axis)


def _smoothing(label_smoothing: float) -> float:
    if not 0.0 <= label_smoothing <= 1.0:
        raise FitArgumentError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    return float(label_smoothing)


class BinaryCrossentropy(Loss):
    """Keras' ``binary_crossentropy``: probabilities (clipped to ``[1e-7, 1 - 1e-7]``) or logits.

    ``label_smoothing`` moves the targets towards 0.5: ``t * (1 - s) + 0.5 * s``.
    """

    name = "binary_crossentropy"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0) -> None:
        self.from_logits = bool(from_logits)
        self.label_smoothing = _smoothing(label_smoothing)

    def __call__(self, prediction: Array, target: Array) -> Array:
        target, prediction = same_rank(_cast(target, prediction), prediction)
        if self.from_logits and not self.label_smoothing:
            return F.binary_cross_entropy_with_logits(prediction, target)  # the stable formula, fused
        return statistical.mean(self.per_sample(prediction, target))

    def per_sample(self, prediction: Array, target: Array) -> Array:
        if self.label_smoothing:
            target = target * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        if self.from_logits:
            terms = F.binary_cross_entropy_with_logits(prediction, target, reduction="none")
        else:
            p = unary.clip(prediction, EPSILON, 1.0 - EPSILON)
            terms = -(target * unary.log(p) + (1.0 - target) * unary.log(1.0 - p))
        return statistical.mean(terms, axis=-1)


def _log_probabilities(prediction: Array, from_logits: bool) -> Array:
    """Log-probabilities along the last axis: of logits, or of probabilities normalised and clipped."""
    if from_logits:
        return F.log_softmax(prediction, dim=-1)
    p = prediction / statistical.sum(prediction, axis=-1, keepdims=True)
    return unary.log(unary.clip(p, EPSILON, 1.0 - EPSILON))


class CategoricalCrossentropy(Loss):
    """Keras' ``categorical_crossentropy``: one-hot (or probability) targets of the prediction's shape.

    ``label_smoothing`` mixes the targets with the uniform distribution.
    """

    name = "categorical_crossentropy"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0) -> None:
        self.from_logits = bool(from_logits)
        self.label_smoothing = _smoothing(label_smoothing)

    def per_sample(self, prediction: Array, target: Array) -> Array:
        if tuple(target.shape) != tuple(prediction.shape):
            raise FitArgumentError(
                f"categorical_crossentropy takes one-hot targets of the prediction's shape "
                f"{tuple(prediction.shape)}, got target shape {tuple(target.shape)}; for class indices "
                "use sparse_categorical_crossentropy"
            )
        if self.label_smoothing:
            classes = int(prediction.shape[-1])
            target = target * (1.0 - self.label_smoothing) + self.label_smoothing / classes
        return -statistical.sum(target * _log_probabilities(prediction, self.from_logits), axis=-1)


class SparseCategoricalCrossentropy(Loss):
    """Keras' ``sparse_categorical_crossentropy``: integer class targets, class axis last.

    A label outside ``[0, C)`` raises :class:`unigrad.LabelError`.
    """

    name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)

    def __call__(self, prediction: Array, target: Array) -> Array:
        if len(target.shape) == len(prediction.shape) and int(target.shape[-1]) == 1:
            target = manipulation.squeeze(target, axis=-1)
        if not isdtype(as_dtype(target.dtype), "integral"):
            target = creation.astype(target, int64)
        scores = prediction if self.from_logits else _log_probabilities(prediction, False)
        if scores.ndim > 2:  # unigrad's losses take the class axis at 1, Keras' is the last
            scores = manipulation.moveaxis(scores, -1, 1)
        if self.from_logits:
            return F.cross_entropy(scores, target)  # one fused kernel where the backend has one
        return F.nll_loss(scores, target)

    def per_sample(self, prediction: Array, target: Array) -> Array:
        raise NotSupportedError("SparseCategoricalCrossentropy computes its mean in __call__")


KERAS_LOSSES: dict[str, Callable[[], Loss]] = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mean_absolute_error": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "huber": Huber,
    "huber_loss": Huber,
    "log_cosh": LogCosh,
    "logcosh": LogCosh,
    "kl_divergence": KLDivergence,
    "kld": KLDivergence,
    "kullback_leibler_divergence": KLDivergence,
    "poisson": Poisson,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
    "cosine_similarity": CosineSimilarity,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}
"""Keras' loss names (and its legacy aliases), each the loss class with Keras' defaults."""


def get(name: str) -> Loss:
    """The loss :data:`KERAS_LOSSES` names, with its defaults (``from_logits=False``)."""
    if name.lower() not in KERAS_LOSSES:
        raise FitArgumentError(f"unknown Keras loss {name!r}; one of {sorted(KERAS_LOSSES)}")
    return KERAS_LOSSES[name.lower()]()
