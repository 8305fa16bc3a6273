"""Hooks into :func:`unigrad.fit`: ``ug.train.callbacks``.

A callback subclasses :class:`Callback` and overrides the hooks it needs.
``fit`` calls them in this order::

    on_train_begin
      on_epoch_begin(epoch)                       epochs count from 0
        on_batch_begin(batch) / on_batch_end(batch, logs)   per batch
      on_epoch_end(epoch, logs)                   logs: loss, metrics, val_*
    on_train_end(logs)

Batch ``logs`` are the running means of the epoch so far, read from the
device only when looked up. Epoch ``logs`` are a plain dict of floats, which a
callback may add to (:class:`LearningRateScheduler` adds ``"lr"``); the
:class:`History` records them. Setting ``self.stop_training = True`` in any
hook ends training after the current batch.

Examples:
    >>> import numpy as np, unigrad as ug
    >>> from unigrad.train.callbacks import Callback
    >>> class Epochs(Callback):
    ...     def on_epoch_end(self, epoch, logs):
    ...         print(epoch, sorted(logs))
    >>> with ug.use_backend("torch"):
    ...     ug.random.seed(0)
    ...     model = ug.nn.Linear(2, 1)
    ...     x = np.ones((4, 2), np.float32)
    ...     _ = ug.fit(model, x, x[:, :1], loss="mse", optimizer=ug.optim.SGD(model.parameters(), lr=0.1),
    ...                epochs=2, callbacks=[Epochs()], verbose=False)
    0 ['loss']
    1 ['loss']
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import ArgumentError, ArgumentTypeError
from ..io import save
from ..ops.conversion import to_numpy

__all__ = [
    "Callback",
    "History",
    "EarlyStopping",
    "ModelCheckpoint",
    "LearningRateScheduler",
    "ProgressBar",
]

Logs = Mapping[str, float]


class Callback:
    """Base class of callbacks: every hook does nothing.

    ``fit`` sets ``model``, ``optimizer`` and ``params`` (``epochs``,
    ``steps`` per epoch or None, ``batch_size``, ``samples``, ``metrics``,
    ``verbose``) before :meth:`on_train_begin`.
    """

    model: Any = None
    optimizer: Any = None
    params: dict[str, Any] = {}  # noqa: RUF012 - replaced per fit by set_context
    stop_training: bool = False

    def set_context(self, model: Any, optimizer: Any, params: dict[str, Any]) -> None:
        self.model, self.optimizer, self.params = model, optimizer, params
        self.stop_training = False

    def on_train_begin(self, logs: Logs | None = None) -> None: ...
    def on_train_end(self, logs: Logs | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None: ...
    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None: ...
    def on_batch_end(self, batch: int, logs: Logs) -> None: ...


class History(Callback):
    """Records the epoch logs: ``history["loss"][i]`` is epoch ``i``'s mean training loss.

    ``fit`` returns it; ``epoch`` lists the epochs run (from 0).
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.history, self.epoch = {}, []

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


class _Monitor:
    """Whether a monitored value improved: ``mode="auto"`` maximises accuracies, minimises the rest."""

    def __init__(self, monitor: str, mode: str, min_delta: float = 0.0) -> None:
        if mode not in ("auto", "min", "max"):
            raise ArgumentError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
        if mode == "auto":
            higher = ("acc", "auc", "precision", "recall", "f1")
            mode = "max" if any(word in monitor for word in higher) else "min"
        self.monitor, self.mode, self.min_delta = monitor, mode, abs(min_delta)
        self.warned = False

    def initial(self) -> float:
        return -math.inf if self.mode == "max" else math.inf

    def improved(self, value: float, best: float) -> bool:
        if self.mode == "max":
            return value > best + self.min_delta
        return value < best - self.min_delta

    def read(self, logs: Logs, owner: str) -> float | None:
        value = logs.get(self.monitor)
        if value is None and not self.warned:
            self.warned = True
            warnings.warn(
                f"{owner} monitors {self.monitor!r}, which the logs do not hold (they hold {sorted(logs)}); "
                "pass validation data for val_* values, or monitor another key",
                RuntimeWarning,
                stacklevel=3,
            )
        return value


def _snapshot(model: Any) -> dict[str, np.ndarray[Any, Any]]:
    return {name: to_numpy(value, copy=True) for name, value in model.state_dict().items()}


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs (at the first with 0), as Keras.

    An improvement beats the best value so far by more than ``min_delta``.
    With ``restore_best_weights`` the model ends training with the parameters
    and buffers of its best epoch. ``stopped_epoch`` and ``best_epoch`` say
    what happened.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 0,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = False,
    ) -> None:
        if patience < 0:
            raise ArgumentError(f"patience must be >= 0, got {patience}")
        self._monitor = _Monitor(monitor, mode, min_delta)
        self.monitor, self.patience, self.restore_best_weights = monitor, patience, restore_best_weights
        self.on_train_begin()

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.wait = 0
        self.best = self._monitor.initial()
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.best_weights: dict[str, np.ndarray[Any, Any]] | None = None

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        value = self._monitor.read(logs, "EarlyStopping")
        if value is None:
            return
        if self._monitor.improved(value, self.best):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = _snapshot(self.model)
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)


class ModelCheckpoint(Callback):
    """Save the model with :func:`unigrad.save` (atomically) at the end of each epoch.

    ``path`` is formatted with ``epoch`` (from 1) and the epoch logs:
    ``"ckpt-{epoch:02d}-{val_loss:.3f}.safetensors"``. With
    ``save_best_only`` it saves only when ``monitor`` improves. With
    ``save_weights_only`` (the default) the file holds ``model.state_dict()``,
    for ``model.load_state_dict(ug.load(path))``; otherwise
    ``{"model": ..., "optimizer": optimizer.state_dict(), "epoch": ...}``, to
    resume. ``saved`` lists the paths written.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        monitor: str = "val_loss",
        save_best_only: bool = False,
        mode: str = "auto",
        save_weights_only: bool = True,
    ) -> None:
        self.path, self.save_best_only, self.save_weights_only = (
            os.fspath(path),
            save_best_only,
            save_weights_only,
        )
        self._monitor = _Monitor(monitor, mode)
        self.monitor = monitor
        self.on_train_begin()

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.best = self._monitor.initial()
        self.saved: list[str] = []

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        if self.save_best_only:
            value = self._monitor.read(logs, "ModelCheckpoint")
            if value is None or not self._monitor.improved(value, self.best):
                return
            self.best = value
        path = self.path.format(epoch=epoch + 1, **logs)
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        state: Any = self.model.state_dict()
        if not self.save_weights_only:
            state = {"model": state, "optimizer": self.optimizer.state_dict(), "epoch": epoch + 1}
        save(state, path)
        self.saved.append(path)


class LearningRateScheduler(Callback):
    """Set the learning rate each epoch (or batch) from a schedule; adds ``"lr"`` to the epoch logs.

    ``schedule`` is a ``ug.optim.schedules`` object made for the optimizer
    that ``fit`` trains with (``StepLR(optimizer, ...)``), which this steps at
    each epoch's end (each batch's with ``step_every="batch"``), or a function
    ``(epoch, lr) -> lr`` that sets every parameter group's ``lr`` at each
    epoch's start, as Keras' ``LearningRateScheduler``. ``"lr"`` in the logs
    is the first group's rate at the epoch's start (its first batch's).
    """

    def __init__(self, schedule: Any, step_every: str = "epoch") -> None:
        if step_every not in ("epoch", "batch"):
            raise ArgumentError(f"step_every must be 'epoch' or 'batch', got {step_every!r}")
        self.schedule: Any = schedule  # an LRScheduler or a function (epoch, lr) -> lr
        self.step_every = step_every
        self._is_object = hasattr(schedule, "step") and hasattr(schedule, "optimizer")
        if not self._is_object and not callable(schedule):
            raise ArgumentTypeError(
                f"schedule must be a ug.optim.schedules object or a function, got {schedule!r}"
            )

    def on_train_begin(self, logs: Logs | None = None) -> None:
        if self._is_object and self.schedule.optimizer is not self.optimizer:
            raise ArgumentError(
                "the schedule was made for another optimizer than the one fit trains with; "
                "make it with the optimizer passed to fit"
            )

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        if not self._is_object:
            for group in self.optimizer.param_groups:
                group["lr"] = float(self.schedule(epoch, float(group["lr"])))
        self._epoch_lr = float(self.optimizer.param_groups[0]["lr"])

    def on_batch_end(self, batch: int, logs: Logs) -> None:
        if self._is_object and self.step_every == "batch":
            self.schedule.step()

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        logs["lr"] = self._epoch_lr
        if self._is_object and self.step_every == "epoch":
            self.schedule.step()


from .progress import ProgressBar  # noqa: E402 - it subclasses Callback
