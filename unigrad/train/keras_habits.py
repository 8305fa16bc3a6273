"""Keras habits on any ``ug.nn.Module``: ``model.compile``, then ``fit``, ``evaluate``, ``predict``.

``model.compile(optimizer=, loss=, metrics=)`` keeps what :func:`unigrad.fit`
needs; ``model.fit(x, y, ...)`` and ``model.evaluate(x, y)`` then use it, with
Keras' signatures and results. The names are Keras' (see
:mod:`unigrad.train.losses` for what the loss names assume: probabilities,
``from_logits=False``), and unigrad's own (``"cross_entropy"`` takes logits).

* ``compile`` makes an optimizer given by name at once, with Keras' default
  hyper-parameters (``"adam"``: lr 0.001), so its state lasts across ``fit``
  calls, as in Keras; an instance is used as it is. ``jit_compile`` is
  ``ug.fit``'s ``compile`` (``"auto"``: a ``tf.function`` step on TensorFlow,
  eager on PyTorch), and ``run_eagerly=True`` turns it off.
* ``fit`` returns the :class:`~unigrad.train.callbacks.History`; keyword
  arguments Keras' ``fit`` lacks (``seed=``, ``on_nan=``, ``strategy=``) are
  ``ug.fit``'s. ``validation_split`` holds out the last fraction, unshuffled.
* ``evaluate`` returns the loss alone, ``[loss, *metrics]`` with metrics, or a
  dict with ``return_dict=True``, as Keras. Given ``loss=`` or ``metrics=`` of its
  own, it is :func:`unigrad.evaluate` and returns its dict, compiled or not.
* ``predict`` returns NumPy arrays (in the model's output structure), batch by batch.

Without ``compile``, ``fit`` takes ``loss=`` and ``optimizer=`` itself (as ``ug.fit``);
with neither it raises :class:`~unigrad.train.errors.NotCompiledError`.

Examples:
    >>> import numpy as np, unigrad as ug
    >>> with ug.use_backend("torch"):
    ...     ug.random.seed(0)
    ...     model = ug.nn.Sequential(ug.nn.Linear(2, 3), ug.nn.Softmax(dim=-1))
    ...     model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    ...     x, y = np.eye(2, dtype=np.float32).repeat(8, 0), np.array([0, 2]).repeat(8)
    ...     history = model.fit(x, y, epochs=3, verbose=0)
    ...     loss, accuracy = model.evaluate(x, y, verbose=0)
    >>> sorted(history.history), model.predict(x, verbose=0).shape
    (['accuracy', 'loss'], (16, 3))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import tree
from ..ops.conversion import to_numpy
from .callbacks import History
from .errors import NotCompiledError
from .fit import evaluate as ug_evaluate
from .fit import fit as ug_fit
from .fit import predict as ug_predict
from .metrics import get_loss, get_metrics
from .step import get_optimizer

__all__ = ["CompileConfig", "compile", "compiled", "fit", "evaluate", "predict"]

_ATTRIBUTE = "_keras_compiled"


@dataclass
class CompileConfig:
    """What ``model.compile`` kept: the optimizer (made once), the loss and metrics as given."""

    optimizer: Any
    loss: Any
    metrics: tuple[Any, ...]
    jit_compile: bool | str
    optimizer_name: str | None = None
    """The name the optimizer was made from: made again if the model's parameters are replaced."""


def compiled(model: Any) -> CompileConfig | None:
    """What ``model.compile`` set, or None before it."""
    config = model.__dict__.get(_ATTRIBUTE)
    return config if isinstance(config, CompileConfig) else None


def compile(
    model: Any,
    optimizer: Any = "rmsprop",
    loss: Any = None,
    metrics: Sequence[Any] | None = None,
    *,
    run_eagerly: bool = False,
    jit_compile: bool | str = "auto",
) -> None:
    """Keep the optimizer, loss and metrics for ``model.fit`` and ``model.evaluate``, as Keras' ``compile``.

    Names are checked here: an unknown loss, metric or optimizer raises at once.
    """
    loss_fn = None if loss is None else get_loss(loss)
    metrics = tuple(metrics or ())
    get_metrics(metrics, loss_fn)
    name = optimizer.lower() if isinstance(optimizer, str) else None
    config = CompileConfig(
        get_optimizer(optimizer, model), loss, metrics, False if run_eagerly else jit_compile, name
    )
    object.__setattr__(model, _ATTRIBUTE, config)  # not a registered attribute: no state_dict entry


def _optimizer(model: Any, config: CompileConfig) -> Any:
    """The compiled optimizer; one made by name is made again for parameters replaced since."""
    held = [id(p) for group in config.optimizer.param_groups for p in group["params"]]
    if config.optimizer_name is not None and held != [id(p) for p in model.parameters()]:
        config.optimizer = get_optimizer(config.optimizer_name, model)
    return config.optimizer


def _verbose(verbose: Any) -> Any:
    return 1 if verbose == "auto" else verbose


def fit(
    model: Any,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    epochs: int = 1,
    verbose: Any = "auto",
    callbacks: Sequence[Any] | None = None,
    validation_split: float = 0.0,
    validation_data: Any = None,
    shuffle: bool = True,
    **options: Any,
) -> History:
    """``model.fit``: Keras' signature over :func:`unigrad.fit`, with what ``compile`` set."""
    config = compiled(model)
    if config is not None:
        options.setdefault("compile", config.jit_compile)
        options.setdefault("metrics", config.metrics)
        if "optimizer" not in options:
            options["optimizer"] = _optimizer(model, config)
        if "loss" not in options and config.loss is not None:
            options["loss"] = config.loss
    missing = [name for name in ("loss", "optimizer") if name not in options]
    if missing:
        said = "model.compile was given no loss" if config is not None else "the model is not compiled"
        raise NotCompiledError(
            f"model.fit needs a loss and an optimizer, and {said}: call model.compile(optimizer=..., "
            "loss=...) first, e.g. model.compile(optimizer='adam', loss='mse'), "
            f"or pass {' and '.join(f'{name}=' for name in missing)} to fit"
        )
    return ug_fit(
        model,
        x,
        y,
        batch_size=32 if batch_size is None else batch_size,
        epochs=epochs,
        verbose=_verbose(verbose),
        callbacks=list(callbacks or ()),
        validation_split=validation_split,
        validation_data=validation_data,
        shuffle=shuffle,
        **options,
    )


def evaluate(
    model: Any,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    verbose: Any = "auto",
    return_dict: bool = False,
    **options: Any,
) -> Any:
    """``model.evaluate``: the compiled loss and metrics; a float, ``[loss, *metrics]`` or a dict."""
    batch_size = 32 if batch_size is None else batch_size
    config = compiled(model)
    if "loss" in options or "metrics" in options:  # ug.evaluate's own form: its dict
        if config is not None:
            options.setdefault("compile", config.jit_compile)
        return ug_evaluate(model, x, y, batch_size=batch_size, verbose=_verbose(verbose), **options)
    if config is None or (config.loss is None and not config.metrics):
        said = "model.compile was given no loss or metrics" if config is not None else "it is not compiled"
        raise NotCompiledError(
            f"model.evaluate uses the loss and metrics that model.compile sets, and {said}: call "
            "model.compile(optimizer=..., loss=..., metrics=[...]) first, "
            "or pass loss= / metrics= to evaluate"
        )
    options.setdefault("compile", config.jit_compile)
    logs = ug_evaluate(
        model,
        x,
        y,
        loss=config.loss,
        metrics=config.metrics,
        batch_size=batch_size,
        verbose=_verbose(verbose),
        **options,
    )
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def predict(model: Any, x: Any, batch_size: int | None = None, verbose: Any = "auto", **options: Any) -> Any:
    """``model.predict``: the outputs as NumPy arrays (``verbose`` is taken for Keras' signature, unused)."""
    config = compiled(model)
    if config is not None:
        options.setdefault("compile", config.jit_compile)
    outputs = ug_predict(model, x, batch_size=32 if batch_size is None else batch_size, **options)
    return tree.map_leaves(to_numpy, outputs)
