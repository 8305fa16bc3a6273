"""The steps :func:`unigrad.fit` runs per batch: train, evaluate, predict; eager or compiled.

A step returns one vector tensor ``(loss, *metrics)`` (the scalar loss alone
when there are no metrics), so the loop keeps it on the device and reads many
batches' values to the host in one transfer.

Compiling (``ug.function``: ``tf.function`` / ``torch.compile``) traces each
step once and reuses it for every batch of the same shapes. The last batch of
an epoch is usually smaller, and is traced once more: a backend that can keep
one graph per batch shape, all dimensions known, does
(``Backend.static_shape_compile_options``: TensorFlow's ``reduce_retracing=False``,
so that layers and losses which need static shapes, such as BatchNorm and the
label gather, see them; with array inputs that is two graphs per step), and
``torch.compile`` recompiles once with a dynamic batch axis. Training and
evaluation batches are neither padded nor dropped, so compiled and eager runs
see the same batches; ``predict`` pads its last batch (and cuts the outputs
back), so that one graph serves inputs of any length. Compiled steps are kept
per model for the next call (see :func:`_compiled`).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .. import dtypes, optim
from ..amp import GradScaler, autocast
from ..autograd import GradientTape, no_grad, stop_gradient
from ..ops.creation import astype
from ..ops.manipulation import stack
from ..types import Array
from .errors import FitArgumentError, FitTypeError
from .function import function
from .metrics import LossFn, Metric

__all__ = [
    "call_model",
    "get_optimizer",
    "PRECISIONS",
    "check_precision",
    "modes_kept",
    "should_compile",
    "train_step",
    "eval_step",
    "predict_step",
]

Step = Callable[..., Any]


def call_model(model: Any, x: Any) -> Any:
    """``model(*x)`` for a tuple or list of inputs, ``model(**x)`` for a dict, else ``model(x)``."""
    if isinstance(x, (tuple, list)):
        return model(*x)
    if isinstance(x, dict):
        return model(**x)
    return model(x)


@contextlib.contextmanager
def modes_kept(model: Any) -> Iterator[None]:
    """Restore every submodule's train/eval flag afterwards (parents first, so children win)."""
    modes = [(module, module.training) for module in model.modules()]
    try:
        yield
    finally:
        for module, training in modes:
            module.train(training)


_OPTIMIZERS: dict[str, tuple[str, dict[str, Any]]] = {
    "sgd": ("SGD", {"lr": 0.01}),
    "adam": ("Adam", {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-7}),
    "adamw": ("AdamW", {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-7, "weight_decay": 0.004}),
    "rmsprop": ("RMSprop", {"lr": 1e-3, "alpha": 0.9, "eps": 1e-7}),
    "adagrad": ("Adagrad", {"lr": 1e-3, "initial_accumulator_value": 0.1, "eps": 1e-7}),
}
"""Optimizer names, each with Keras' default hyper-parameters (``learning_rate``, ``rho`` as
``alpha``, ``epsilon`` as ``eps``, AdamW's ``weight_decay``); the update rules are ``ug.optim``'s
(PyTorch's), which put ``eps`` outside the square root where Keras' RMSprop and Adagrad put it inside."""


def get_optimizer(optimizer: Any, model: Any) -> Any:
    """An optimizer instance, or one made by name (:data:`_OPTIMIZERS`) with Keras' defaults."""
    if isinstance(optimizer, str):
        if optimizer.lower() not in _OPTIMIZERS:
            raise FitArgumentError(
                f"unknown optimizer {optimizer!r}; pass a ug.optim optimizer or one of {sorted(_OPTIMIZERS)}"
            )
        name, options = _OPTIMIZERS[optimizer.lower()]
        return getattr(optim, name)(model.parameters(), **options)
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "param_groups"):
        raise FitTypeError(
            f"optimizer must be a ug.optim optimizer (or its name), got {type(optimizer).__name__}"
        )
    return optimizer


PRECISIONS: dict[str | int, Any] = {
    "32": None,
    "32-true": None,
    32: None,
    "bf16-mixed": dtypes.bfloat16,
    "16-mixed": dtypes.float16,
}
"""``fit``'s ``precision`` (Lightning's spelling) and the compute dtype of its ``ug.autocast`` (None:
off). Parameters stay float32; ``"16-mixed"`` also scales the loss (:class:`~unigrad.amp.GradScaler`)."""

_scalers: weakref.WeakKeyDictionary[Any, GradScaler] = weakref.WeakKeyDictionary()


def check_precision(precision: Any) -> Any:
    """The compute dtype of ``precision`` (None for full precision); raises for an unknown one."""
    try:
        return PRECISIONS[precision]
    except (KeyError, TypeError):
        accepted = ", ".join(repr(p) for p in PRECISIONS if isinstance(p, str))
        raise FitArgumentError(f"unknown precision {precision!r}; use one of {accepted}") from None


def _precision_scope(compute: Any) -> contextlib.AbstractContextManager[Any]:
    return contextlib.nullcontext() if compute is None else autocast(dtype=compute)


def _scaler(optimizer: Any) -> GradScaler:
    """The optimizer's loss scaler for ``"16-mixed"``, kept across ``fit`` calls (its scale adapts)."""
    if optimizer not in _scalers:
        _scalers[optimizer] = GradScaler()
    return _scalers[optimizer]


def should_compile(compile: bool | str, backend: str) -> bool:
    """``compile="auto"`` compiles where the backend says it pays (``Backend.compile_by_default``).

    On TensorFlow it does: a ``tf.function`` step runs several times faster
    than the eager one even for a small model, and traces in about a second.
    PyTorch's eager mode is already fast for small models, and ``torch.compile``
    costs some ten seconds cold, so there ``compile=True`` is for models large
    enough to repay it.
    """
    if compile == "auto":
        from .. import config

        return bool(config.backend_instance(backend).compile_by_default())
    if isinstance(compile, bool):
        return compile
    raise FitArgumentError(f"compile must be True, False or 'auto', got {compile!r}")


_made: weakref.WeakKeyDictionary[Any, dict[Any, Step]] = weakref.WeakKeyDictionary()
KEPT_PER_MODEL = 8


def _compiled(make: Callable[[], Step], compiled: bool, model: Any, key: Any) -> Step:
    """The step ``make`` builds, compiled, and kept for the next call with the same model and ``key``.

    A compiled step is traced on its first batches; keeping it lets the next
    ``fit`` / ``evaluate`` / ``predict`` (an inference loop, ``fit`` one epoch
    at a time) reuse the graphs. The key holds the ids of the model's modules,
    so a model whose layers were replaced is traced anew. Steps hold the model
    weakly, so keeping them keeps no model alive.
    """
    if not compiled:
        return make()
    from .. import config

    # one exact-shape graph per batch size where the backend can (see the module docstring)
    options = config.active_backend().static_shape_compile_options()
    full_key = (key, config.get_backend(), tuple(id(module) for module in model.modules()))
    try:
        hash(full_key)
    except TypeError:  # an unhashable loss or metric: compile afresh
        return function(make(), **options)
    steps = _made.setdefault(model, {})
    if full_key not in steps:
        if len(steps) >= KEPT_PER_MODEL:
            del steps[next(iter(steps))]
        steps[full_key] = function(make(), **options)
    return steps[full_key]


def _values(loss: Array | None, prediction: Any, y: Any, metrics: Sequence[Metric]) -> Array:
    """``(loss, *metrics)`` stacked, without gradients; the scalar loss alone when there are no metrics."""
    if not metrics and loss is not None:
        return stop_gradient(loss)  # the common case, kept short: no stack, no no_grad block
    with no_grad():
        prediction = stop_gradient(prediction)
        values = [] if loss is None else [stop_gradient(loss)]
        values += [metric(prediction, y) for metric in metrics]
        dtype = values[0].dtype
        return stack([astype(v, dtype, copy=False) for v in values])


def _check_scalar(loss: Array) -> None:
    if len(loss.shape) != 0:
        raise FitArgumentError(
            f"the loss must be a scalar, got shape {tuple(loss.shape)}; reduce it (reduction='mean')"
        )


def train_step(
    model: Any,
    loss_fn: LossFn,
    metrics: Sequence[Metric],
    optimizer: Any,
    compiled: bool,
    key: Any = None,
    precision: str | int = "32",
) -> Step:
    """Forward, loss, gradients of the optimizer's parameters, ``optimizer.step``; returns the values.

    Under a mixed ``precision`` (:data:`PRECISIONS`) the forward and the loss run
    in ``ug.autocast``; with ``"16-mixed"`` the loss is scaled and the step skipped
    where the gradients overflow (:class:`~unigrad.amp.GradScaler`).
    """
    model_ref = weakref.ref(model)
    # the optimizer's parameters, in its order: it may train only part of the model
    params = [p for group in optimizer.param_groups for p in group["params"]]
    compute = check_precision(precision)
    scaler = _scaler(optimizer) if compute == dtypes.float16 else None

    def make() -> Step:
        def step(x: Any, y: Any) -> Array:
            with GradientTape() as tape:
                with _precision_scope(compute):
                    prediction = call_model(model_ref(), x)
                    loss = loss_fn(prediction, y)
                target = loss if scaler is None else scaler.scale(loss)
            _check_scalar(loss)
            grads = tape.gradient(target, params)
            if scaler is None:
                optimizer.step(grads)
            else:
                scaler.step(optimizer, grads)
                scaler.update()
            return _values(loss, prediction, y, metrics)

        return step

    key = ("train", optimizer, tuple(map(id, params)), key, precision)
    return _compiled(make, compiled, model, key)


def eval_step(
    model: Any,
    loss_fn: LossFn | None,
    metrics: Sequence[Metric],
    compiled: bool,
    key: Any = None,
    precision: str | int = "32",
) -> Step:
    """Forward without gradients (under ``ug.autocast`` for a mixed ``precision``); returns
    ``(loss, *metrics)`` (no loss without ``loss_fn``)."""
    model_ref = weakref.ref(model)
    compute = check_precision(precision)

    def make() -> Step:
        def step(x: Any, y: Any) -> Array:
            with no_grad(), _precision_scope(compute):
                prediction = call_model(model_ref(), x)
                loss = None if loss_fn is None else loss_fn(prediction, y)
                if loss is not None:
                    _check_scalar(loss)
                return _values(loss, prediction, y, metrics)

        return step

    return _compiled(make, compiled, model, ("eval", key, precision))


def predict_step(model: Any, compiled: bool) -> Step:
    """The model's output without gradients."""
    model_ref = weakref.ref(model)

    def make() -> Step:
        def step(x: Any) -> Any:
            with no_grad():
                return call_model(model_ref(), x)

        return step

    return _compiled(make, compiled, model, ("predict",))
