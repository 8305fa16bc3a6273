"""``ug.fit``, ``ug.evaluate`` and ``ug.predict``: the training loop, written once for every backend.

``fit`` runs the step a hand-written loop would (forward, loss,
``ug.GradientTape``, ``optimizer.step``) over shuffled batches, with metrics,
validation, callbacks and a progress display. With the same ``seed`` the
batches come in the same order on every backend, so the same model trains to
the same numbers, to float tolerance.

Reading a loss from an accelerator makes the host wait for it. ``fit`` keeps
the per-batch values on the device and reads them together: whenever the
progress bar shows them (at most ten times a second), every
:data:`SYNC_EVERY` batches, and at each epoch's end (on a CPU a read costs
no sync, but its numpy work is still a tenth of a small step). A NaN or infinite
loss is caught at the read: the error names the first bad batch.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .. import config
from .. import random as ug_random
from ..errors import UnigradError
from ..ops.conversion import to_numpy
from ..ops.manipulation import concat
from ..tree import flatten, unflatten
from .callbacks import Callback, History, ModelCheckpoint, ProgressBar
from .data import ArrayData, Batch, LoaderData, as_data, split
from .errors import FitArgumentError
from .hooks import CallbackList
from .metrics import LossFn, Metric, RunningMeans, get_loss, get_metrics, prefixed
from .step import (
    check_precision,
    eval_step,
    get_optimizer,
    modes_kept,
    predict_step,
    should_compile,
    train_step,
)

__all__ = ["fit", "evaluate", "predict", "NonFiniteLossError", "SYNC_EVERY"]

SYNC_EVERY = 32
"""On an accelerator, read the batches' losses (and check them) at least this often."""


class NonFiniteLossError(UnigradError, FloatingPointError):
    """The training loss became NaN or infinite; ``epoch`` and ``batch`` (from 0) say where."""

    def __init__(self, message: str, epoch: int, batch: int, value: float) -> None:
        super().__init__(message)
        self.epoch, self.batch, self.value = epoch, batch, value


def _model_backend(model: Any) -> str:
    return str(getattr(model, "_backend", None) or config.get_backend())


def _fresh_seed() -> int:
    # drawn from ug.random's generator, so that ug.random.seed(s) also fixes the batch order
    return int(to_numpy(ug_random.randint(0, 2**62, ())))


def _run_eval(
    step: Any, data: ArrayData | LoaderData, batch_size: int, names: Sequence[str]
) -> dict[str, float]:
    means = RunningMeans(names, check_first=False)
    for x, y, size in data.batches(batch_size):
        means.add(step(x, y), size)
        if means.pending >= 256:
            means.flush()
    return means.result()


def _train_epoch(
    step: Any,
    batches: Iterator[Batch],
    hooks: CallbackList,
    names: list[str],
    sync_every: int,
    nan_stops: bool,
) -> RunningMeans:
    """Run the step on every batch (until a callback or, if ``nan_stops``, a bad loss stops it)."""
    means = RunningMeans(names)
    logs = means.view()
    for batch, (x, y, size) in enumerate(batches):
        hooks.on_batch_begin(batch)
        means.add(step(x, y), size)
        if means.pending >= sync_every:
            means.flush()
        hooks.on_batch_end(batch, logs)
        if (nan_stops and means.nonfinite is not None) or hooks.stop_training:
            break
    return means


def _nan_message(epoch: int, epochs: int, batch: int, value: float, read_at: int, optimizer: Any) -> str:
    late = f" (it was read at batch {read_at + 1}, training ran on to there)" if read_at != batch else ""
    return (
        f"the training loss is {value} at epoch {epoch + 1}/{epochs}, batch {batch + 1}{late}. Try a lower "
        f"learning rate (the first group's lr is {optimizer.param_groups[0]['lr']}), gradient clipping "
        "(ug.optim.clip_grad_norm), or checking the inputs and targets for NaN and inf; "
        "on_nan='continue' trains on regardless"
    )


def fit(
    model: Any,
    x: Any = None,
    y: Any = None,
    *,
    loss: str | LossFn,
    optimizer: Any,
    epochs: int = 1,
    batch_size: int = 32,
    validation_data: Any = None,
    validation_split: float = 0.0,
    shuffle: bool = True,
    seed: int | None = None,
    metrics: Sequence[str | Metric | Any] = (),
    callbacks: Sequence[Callback] = (),
    verbose: bool | int = True,
    compile: bool | str = "auto",
    on_nan: str = "stop",
    strategy: Any = None,
    precision: str | int = "32",
) -> History:
    """Train ``model`` on ``x`` and ``y`` and return the :class:`~unigrad.train.callbacks.History`.

    Args:
        model: a ``ug.nn.Module``; it is in training mode during the steps and
            in eval mode for validation, and every submodule's mode is restored after.
        x, y: arrays or tensors (see :mod:`unigrad.train.data`), or a loader
            yielding ``(x, y)`` batches as ``x`` (``y`` None; ``batch_size`` and
            ``shuffle`` are then the loader's).
        loss: ``(prediction, target) -> scalar``, or a name of
            :data:`~unigrad.train.metrics.LOSSES`: PyTorch's (``"cross_entropy"``,
            logits) or Keras' (``"sparse_categorical_crossentropy"``, probabilities;
            see :mod:`unigrad.train.losses`).
        optimizer: a ``ug.optim`` optimizer (it trains the parameters it holds),
            or a name (``"adam"``, ``"sgd"``, ...) for one with Keras' defaults.
        epochs, batch_size: passes over the data, samples per batch (the last may be smaller).
        validation_data: ``(x_val, y_val)`` or a loader, evaluated after each epoch as ``val_*``.
        validation_split: the fraction of the samples held out for validation:
            the last ``n - floor(n * (1 - validation_split))``, before shuffling (as Keras).
        shuffle, seed: reshuffle the samples each epoch from ``seed`` (None:
            drawn from ``ug.random``, so ``ug.random.seed`` fixes it too).
        metrics: names (``"accuracy"``, ``"mae"``, Keras' names) or callables; see :mod:`.metrics`.
        callbacks: :class:`~unigrad.train.callbacks.Callback` objects.
        verbose: False, True or 2; see :mod:`unigrad.train.progress`.
        compile: compile the step with ``ug.function``; ``"auto"`` does where the
            backend says it pays: on TensorFlow, not on PyTorch (see
            :func:`~unigrad.train.step.should_compile`).
        on_nan: on a NaN or infinite loss, ``"stop"`` raises
            :class:`NonFiniteLossError` (a ``FloatingPointError``), ``"warn"``
            warns and ends training, ``"continue"`` trains on.
        strategy: a :class:`unigrad.distribute.DataParallel` to train under
            (default: the one ``model`` was prepared with, if any). ``batch_size``
            is then the global batch, split over the replicas; every replica
            shuffles alike (``seed`` agreed with rank 0), and only the main
            process shows progress and runs ``ModelCheckpoint``.
        precision: ``"32"`` (full precision), ``"bf16-mixed"`` (the forward pass and
            the loss under ``ug.autocast(dtype=ug.bfloat16)``, float32 parameters) or
            ``"16-mixed"`` (float16 autocast, and a :class:`~unigrad.amp.GradScaler`
            that scales the loss and skips steps whose gradients overflow); Lightning's names.

    Examples:
        >>> import numpy as np, unigrad as ug
        >>> with ug.use_backend("torch"):
        ...     ug.random.seed(0)
        ...     model = ug.nn.Linear(1, 1)
        ...     x = np.linspace(-1, 1, 64, dtype=np.float32)[:, None]
        ...     sgd = ug.optim.SGD(model.parameters(), lr=0.5)
        ...     history = ug.fit(model, x, 3 * x, loss="mse", optimizer=sgd, epochs=20, verbose=False)
        >>> history.history["loss"][-1] < 1e-4
        True
    """
    if not isinstance(epochs, int) or epochs < 0 or not isinstance(batch_size, int) or batch_size < 1:
        raise FitArgumentError(
            f"epochs must be an int >= 0 and batch_size an int >= 1, got {epochs} and {batch_size}"
        )
    if not 0.0 <= validation_split < 1.0:
        raise FitArgumentError(f"validation_split must be in [0, 1), got {validation_split}")
    if on_nan not in ("stop", "warn", "continue"):
        raise FitArgumentError(f"on_nan must be 'stop', 'warn' or 'continue', got {on_nan!r}")
    check_precision(precision)  # an unknown one fails before any work
    backend = _model_backend(model)
    strategy = strategy if strategy is not None else getattr(model, "_data_parallel", None)
    if strategy is not None and precision == "16-mixed":
        raise FitArgumentError(
            f"fit(precision='16-mixed') does not run under a strategy yet (got {type(strategy).__name__}); "
            "use precision='bf16-mixed', which needs no loss scaling"
        )
    if strategy is not None and getattr(model, "_data_parallel", None) is not strategy:
        raise FitArgumentError(
            "fit(strategy=dp) needs a model prepared by it: model = dp.prepare(model), "
            "then make the optimizer from model.parameters()"
        )
    if strategy is not None and not strategy.is_main:  # one process logs and writes
        verbose = False
        callbacks = [c for c in callbacks if not isinstance(c, ModelCheckpoint)]
    with config.use_backend(backend):
        loss_fn = get_loss(loss)
        metric_list = get_metrics(metrics, loss_fn)
        optimizer = get_optimizer(optimizer, model)
        train, validation = split(x, y, validation_data, validation_split, backend, model)
        compiled = should_compile(compile, backend)
        # (torch.compile guards on a view's offset: there a compiled step gets gathered batches)
        fresh_batches = compiled and config.active_backend().fresh_batches_when_compiled()
        key = (loss, tuple(metrics))  # what the user gave: the same again reuses a compiled step
        if strategy is None:
            step = train_step(model, loss_fn, metric_list, optimizer, compiled, key, precision)
        else:  # the strategy compiles (and replicates) the whole step itself
            uncompiled = train_step(model, loss_fn, metric_list, optimizer, False, key, precision)
            step = strategy.fit_step(uncompiled, compiled)
            seed = strategy.agree(_fresh_seed() if seed is None else seed)
        val_step = (
            None if validation is None else eval_step(model, loss_fn, metric_list, compiled, key, precision)
        )
        names = ["loss", *(metric.name for metric in metric_list)]
        history = History()
        shown = (
            [ProgressBar(verbose)]
            if verbose and not any(isinstance(c, ProgressBar) for c in callbacks)
            else []
        )
        params = {
            "epochs": epochs,
            "steps": train.steps(batch_size),
            "batch_size": batch_size,
            "samples": train.num_samples,
            "metrics": names + ([] if validation is None else [f"val_{n}" for n in names]),
            "verbose": int(verbose),
        }
        hooks = CallbackList([*callbacks, history, *shown], model, optimizer, params)
        # reading the losses costs a device sync on an accelerator and a few numpy calls
        # anywhere (~20 µs, a tenth of a small step on a CPU): every SYNC_EVERY batches
        sync_every = SYNC_EVERY
        rng = np.random.default_rng(_fresh_seed() if seed is None else seed)
        with modes_kept(model):
            try:
                hooks.on_train_begin()
                logs: dict[str, float] = {}
                stop = False
                for epoch in range(epochs):
                    model.train()
                    hooks.on_epoch_begin(epoch)
                    order = None
                    if shuffle and isinstance(train, ArrayData):  # a loader shuffles itself
                        order = rng.permutation(train.num_samples)
                    batches = train.batches(batch_size, order, fresh=fresh_batches)
                    means = _train_epoch(step, batches, hooks, names, sync_every, on_nan != "continue")
                    logs = means.result()
                    if means.nonfinite is not None and on_nan != "continue":
                        bad, value = means.nonfinite
                        message = _nan_message(epoch, epochs, bad, value, means.batches - 1, optimizer)
                        if on_nan == "stop":
                            raise NonFiniteLossError(message, epoch, bad, value)
                        warnings.warn(message + "; training stopped", RuntimeWarning, stacklevel=2)
                        stop = True
                    if val_step is not None and validation is not None:
                        model.eval()
                        logs.update(prefixed(_run_eval(val_step, validation, batch_size, names), "val_"))
                    hooks.on_epoch_end(epoch, logs)
                    if stop or hooks.stop_training:
                        break
                hooks.on_train_end(logs)
            finally:
                hooks.close()
    return history


def evaluate(
    model: Any,
    x: Any,
    y: Any = None,
    *,
    loss: str | LossFn | None = None,
    metrics: Sequence[str | Metric | Any] = (),
    batch_size: int = 32,
    verbose: bool | int = False,
    compile: bool | str = "auto",
) -> dict[str, float]:
    """The mean ``loss`` and ``metrics`` of ``model`` (in eval mode, no gradients) over the data.

    Examples:
        >>> import numpy as np, unigrad as ug
        >>> with ug.use_backend("torch"):
        ...     model = ug.nn.Identity()
        ...     ug.evaluate(model, np.array([[0.2], [0.9]]), np.array([0, 1]), metrics=["accuracy"])
        {'accuracy': 1.0}
    """
    backend = _model_backend(model)
    with config.use_backend(backend), modes_kept(model):
        loss_fn = None if loss is None else get_loss(loss)
        metric_list = get_metrics(metrics, loss_fn)
        if loss_fn is None and not metric_list:
            raise FitArgumentError("evaluate needs a loss or metrics to compute")
        data = as_data(x, y, backend, model, where="evaluate")
        names = ([] if loss_fn is None else ["loss"]) + [metric.name for metric in metric_list]
        step = eval_step(
            model, loss_fn, metric_list, should_compile(compile, backend), (loss, tuple(metrics))
        )
        bar = ProgressBar(verbose)
        bar.set_context(model, None, {"epochs": 1, "steps": data.steps(batch_size), "title": "evaluate"})
        model.eval()
        bar.on_train_begin()
        bar.on_epoch_begin(0)
        try:
            logs = _run_eval(step, data, batch_size, names)
        finally:
            bar.close()
        bar.on_epoch_end(0, logs)
    return logs


def predict(model: Any, x: Any, *, batch_size: int = 32, compile: bool | str = "auto") -> Any:
    """The model's outputs for ``x`` (eval mode, no gradients), batch by batch, concatenated.

    ``x`` is as for :func:`fit`; a loader may yield ``x`` or ``(x, y)`` (``y``
    is ignored). A model with several outputs gives them in the same structure.

    Examples:
        >>> import numpy as np, unigrad as ug
        >>> with ug.use_backend("torch"):
        ...     out = ug.predict(ug.nn.Identity(), np.arange(5.0)[:, None], batch_size=2)
        >>> ug.to_numpy(out).ravel().tolist()
        [0.0, 1.0, 2.0, 3.0, 4.0]
    """
    backend = _model_backend(model)
    with config.use_backend(backend), modes_kept(model):
        data = as_data(x, None, backend, model, where="predict")
        compiled = should_compile(compile, backend)
        step = predict_step(model, compiled)
        model.eval()
        outputs = []
        # compiled, the last batch is padded to the others' size, so that one graph serves every call
        for bx, _, size in data.batches(batch_size, pad=compiled):
            leaves, spec = flatten(step(bx))
            outputs.append([leaf if int(leaf.shape[0]) == size else leaf[:size] for leaf in leaves])
        if not outputs:
            raise FitArgumentError("predict got no samples")
        # one batch is returned as it is (TensorFlow's ConcatV2 refuses a single input)
        leaves = [
            concat(parts, axis=0) if len(parts) > 1 else parts[0] for parts in zip(*outputs, strict=True)
        ]
    return unflatten(spec, leaves)
