"""Losses by name, metrics, and their running means over an epoch: ``ug.train.metrics``.

A metric is a callable ``(prediction, target) -> scalar tensor``, the mean
over the batch. :func:`unigrad.fit` weighs each batch's value by the batch's
size, so an epoch's value is the mean over its samples however the last batch
is cut. Metrics are given by name (``"accuracy"``, ``"mae"``, and Keras' other
names: :data:`~unigrad.train.keras_metrics.KERAS_METRICS`), as a function
(named by its ``__name__``), or as a :class:`Metric`.

Examples:
    >>> import unigrad as ug
    >>> from unigrad.train import metrics
    >>> scores = ug.asarray([[2.0, 0.1], [0.3, 0.9], [1.0, 0.0]])
    >>> round(float(ug.to_numpy(metrics.accuracy(scores, ug.asarray([0, 1, 1])))), 4)
    0.6667
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidKeyError
from ..nn import functional as F
from ..ops import binary, creation, manipulation, searching, statistical
from ..ops.conversion import to_numpy
from ..types import Array
from . import keras_metrics, losses
from .errors import FitArgumentError, FitTypeError

__all__ = ["Metric", "Accuracy", "accuracy", "mse", "mae", "get_metric", "get_loss", "LOSSES"]

LossFn = Callable[[Array, Array], Array]

LOSSES: dict[str, LossFn] = {
    "mse_loss": F.mse_loss,
    "l1": F.l1_loss,
    "l1_loss": F.l1_loss,
    "cross_entropy": F.cross_entropy,
    "nll": F.nll_loss,
    "nll_loss": F.nll_loss,
    "binary_cross_entropy": F.binary_cross_entropy,
    "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits,
    **{name: make() for name, make in losses.KERAS_LOSSES.items()},
}
"""Loss names :func:`unigrad.fit` and ``model.compile`` take.

PyTorch's names (``"cross_entropy"``, ``"nll_loss"``, ``"binary_cross_entropy_with_logits"``,
``"mse_loss"``, ``"l1_loss"``) are the ``ug.nn.functional`` losses with their
defaults: logits, class axis 1. Keras' names (``"mse"``, ``"mae"``,
``"sparse_categorical_crossentropy"``, ``"binary_crossentropy"``, ``"huber"``, ...)
are :mod:`unigrad.train.losses` objects with Keras' defaults: probabilities
(``from_logits=False``), class axis last.
"""


def get_loss(loss: str | LossFn) -> LossFn:
    """The loss function for a name of :data:`LOSSES`, or ``loss`` itself if it is callable."""
    if callable(loss):
        return loss
    if isinstance(loss, str) and loss.lower() in LOSSES:
        return LOSSES[loss.lower()]
    raise FitArgumentError(
        f"unknown loss {loss!r}; give a callable (prediction, target) -> scalar, a "
        f"ug.train.losses object, or one of {sorted(LOSSES)}"
    )


def accuracy(prediction: Array, target: Array, *, from_logits: bool = False) -> Array:
    """The fraction of samples whose predicted class is the target's.

    With several classes (``prediction`` of shape ``(N, C, ...)``, class axis
    1 as in :func:`~unigrad.nn.functional.cross_entropy`) the predicted class
    is the argmax; the target holds class indices, or one-hot rows / class
    probabilities of the prediction's shape (then its argmax counts). With one
    column (``(N,)`` or ``(N, 1)``) the prediction is a probability of class 1,
    predicted when above 0.5, or a logit (``from_logits=True``), predicted when
    above 0; the target is 0 or 1.
    """
    dtype = prediction.dtype
    if prediction.ndim >= 2 and int(prediction.shape[1]) > 1:
        predicted = searching.argmax(prediction, axis=1)
        if tuple(target.shape) == tuple(prediction.shape):
            target = searching.argmax(target, axis=1)
        correct = binary.equal(predicted, creation.astype(target, predicted.dtype))
    else:
        predicted = binary.greater(prediction, 0.0 if from_logits else 0.5)
        truth = binary.greater(creation.astype(target, dtype), 0.5)
        correct = binary.equal(manipulation.reshape(predicted, (-1,)), manipulation.reshape(truth, (-1,)))
    return statistical.mean(creation.astype(correct, dtype))


def mse(prediction: Array, target: Array) -> Array:
    """Mean squared error over the batch (Keras': ``(N,)`` against ``(N, 1)`` is not broadcast)."""
    return losses.MeanSquaredError()(prediction, target)


def mae(prediction: Array, target: Array) -> Array:
    """Mean absolute error over the batch (Keras': ``(N,)`` against ``(N, 1)`` is not broadcast)."""
    return losses.MeanAbsoluteError()(prediction, target)


class Metric:
    """A named batch-mean metric: ``Metric(fn, name)`` calls ``fn(prediction, target)``.

    Examples:
        >>> import unigrad as ug
        >>> from unigrad.train.metrics import Metric
        >>> worst = Metric(lambda p, t: ug.max(ug.abs(p - t)), name="max_error")
        >>> worst.name, float(ug.to_numpy(worst(ug.asarray([1.0, 3.0]), ug.asarray([1.5, 1.0]))))
        ('max_error', 2.0)
    """

    def __init__(self, fn: Callable[[Array, Array], Array], name: str | None = None) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", None) or type(fn).__name__
        if self.name == "<lambda>":
            raise FitArgumentError("a metric made from a lambda needs a name: Metric(fn, name='...')")

    def __call__(self, prediction: Array, target: Array) -> Array:
        return self.fn(prediction, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class Accuracy(Metric):
    """:func:`accuracy` as a metric; ``from_logits=True`` for a single column of logits."""

    def __init__(self, from_logits: bool = False, name: str = "accuracy") -> None:
        self.from_logits = from_logits
        super().__init__(self._accuracy, name)

    def _accuracy(self, prediction: Array, target: Array) -> Array:
        return accuracy(prediction, target, from_logits=self.from_logits)


class KerasAccuracy(Metric):
    """``"accuracy"`` after a Keras loss: binary, sparse or categorical, chosen per call from the shapes.

    See :func:`unigrad.train.keras_metrics.pick_accuracy`.
    """

    def __init__(self, loss: Any = None, name: str = "accuracy") -> None:
        self.loss = loss
        super().__init__(self._accuracy, name)

    def _accuracy(self, prediction: Array, target: Array) -> Array:
        return keras_metrics.pick_accuracy(prediction, target, self.loss)


def get_metric(metric: str | Callable[[Array, Array], Array], loss: LossFn | None = None) -> Metric:
    """A :class:`Metric` for a name or a callable; a name names it as given (``"acc"`` logs ``"acc"``).

    ``"accuracy"`` (or ``"acc"``) follows the loss: after a Keras loss
    (:mod:`unigrad.train.losses`) it is chosen as Keras chooses
    (:func:`~unigrad.train.keras_metrics.pick_accuracy`, class axis last);
    otherwise it is :func:`accuracy` (class axis 1), judging a single column as
    logits when ``loss`` is :func:`~unigrad.nn.functional.binary_cross_entropy_with_logits`.
    The other names are those of :data:`~unigrad.train.keras_metrics.KERAS_METRICS`.
    """
    if isinstance(metric, Metric):
        return metric
    if isinstance(metric, str):
        name = metric.lower()
        if name in ("accuracy", "acc"):
            if isinstance(loss, losses.Loss):
                return KerasAccuracy(loss, name)
            return Accuracy(from_logits=loss is F.binary_cross_entropy_with_logits, name=name)
        if name in keras_metrics.KERAS_METRICS:
            return Metric(keras_metrics.KERAS_METRICS[name](loss), name)
        raise FitArgumentError(
            f"unknown metric {metric!r}; use a callable (prediction, target) -> scalar or one of "
            f"{sorted(['accuracy', 'acc', *keras_metrics.KERAS_METRICS])}"
        )
    if callable(metric):
        return Metric(metric, getattr(metric, "name", None))
    raise FitTypeError(f"a metric is a name or a callable (prediction, target) -> scalar, got {metric!r}")


def get_metrics(metrics: Sequence[Any], loss: LossFn | None) -> list[Metric]:
    """:func:`get_metric` of each; two metrics of one name raise ``ValueError``."""
    resolved = [get_metric(m, loss) for m in metrics]
    names = [m.name for m in resolved]
    if len(set(names)) != len(names) or "loss" in names:
        raise FitArgumentError(f"metric names must be unique and not 'loss', got {names}")
    return resolved


class RunningMeans:
    """Size-weighted means of per-batch values, read from the device only when needed.

    Each batch adds a vector tensor ``(loss, *metrics)``; :meth:`flush` moves
    every pending vector to the host in one transfer (one sync with an
    accelerator), adds it in float64, and notes the first batch whose first
    value (the loss) is not finite.
    """

    def __init__(self, names: Sequence[str], check_first: bool = True) -> None:
        self.names = list(names)
        self.check_first = check_first
        self.batches = 0
        self._pending: list[tuple[Array, int]] = []
        self._sums = np.zeros(len(self.names))
        self._count = 0
        self.nonfinite: tuple[int, float] | None = None
        """``(batch index, value)`` of the first batch with a NaN or infinite loss."""

    def add(self, values: Array, size: int) -> None:
        self._pending.append((values, size))
        self.batches += 1

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> None:
        pending = self._pending
        if not pending:
            return
        first = self.batches - len(pending)
        # one batch (every batch, on a CPU) needs no stack: a kernel launch saved per step
        tensor = pending[0][0] if len(pending) == 1 else manipulation.stack([values for values, _ in pending])
        host = np.asarray(to_numpy(tensor), dtype=np.float64).reshape(len(pending), len(self.names))
        sizes = [size for _, size in pending]
        pending.clear()
        self._sums += np.asarray(sizes, dtype=np.float64) @ host
        self._count += sum(sizes)
        if self.check_first and self.nonfinite is None:
            finite = np.isfinite(host[:, 0])
            if not finite.all():
                bad = int(np.argmin(finite))
                self.nonfinite = (first + bad, float(host[bad, 0]))

    def result(self) -> dict[str, float]:
        """Every name's mean so far, as Python floats."""
        self.flush()
        count = self._count or 1
        return {name: float(total / count) for name, total in zip(self.names, self._sums, strict=True)}

    def view(self) -> RunningLogs:
        return RunningLogs(self)


class RunningLogs(Mapping[str, float]):
    """The batch ``logs`` callbacks get: running means, read from the device only when looked up."""

    def __init__(self, means: RunningMeans) -> None:
        self._means = means

    def __getitem__(self, key: str) -> float:
        if key not in self._means.names:
            raise InvalidKeyError(key)
        return self._means.result()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._means.names)

    def __len__(self) -> int:
        return len(self._means.names)


def prefixed(logs: Mapping[str, float], prefix: str) -> dict[str, float]:
    return {prefix + key: value for key, value in logs.items()}
