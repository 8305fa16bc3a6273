"""Pairing a Keras model's weighted layers with a unigrad model's, in order (``load_keras_weights``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import nn
from ..errors import StateDictError
from ..nn.batchnorm import _BatchNorm

__all__ = ["keras_state_dict"]

# the unigrad modules that hold weights Keras layers have, and the Keras class names for each
_PAIRS: tuple[tuple[type, tuple[str, ...]], ...] = (
    (nn.Linear, ("Dense",)),
    (nn.Conv2d, ("Conv2D",)),
    (nn.Conv1d, ("Conv1D",)),
    (_BatchNorm, ("BatchNormalization",)),
    (nn.LayerNorm, ("LayerNormalization",)),
    (nn.Embedding, ("Embedding",)),
)
_KERAS_KINDS = {name for _, names in _PAIRS for name in names}


def _unigrad_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    kinds = tuple(kind for kind, _ in _PAIRS)
    return [(name, module) for name, module in model.named_modules() if isinstance(module, kinds)]


def _keras_layers(layer: Any) -> Iterator[tuple[Any, tuple[int, ...] | None]]:
    """Weighted Keras layers in order, each with the channels-last shape a ``Flatten`` gave it, if any."""
    flattened: list[tuple[int, ...] | None] = [None]

    def walk(node: Any) -> Iterator[tuple[Any, tuple[int, ...] | None]]:
        for child in node._flatten_layers(include_self=False, recursive=False):
            kind = type(child).__name__
            if kind == "Flatten":
                flattened[0] = _flatten_input(child)
            elif kind in _KERAS_KINDS:
                yield child, flattened[0] if kind == "Dense" else None
                flattened[0] = None
            elif child._flatten_layers(include_self=False, recursive=False):
                yield from walk(child)
            elif child.weights:
                raise StateDictError(
                    f"the Keras layer {child.name!r} ({kind}) has weights but no unigrad counterpart; "
                    f"load_keras_weights pairs {', '.join(sorted(_KERAS_KINDS))}"
                )

    yield from walk(layer)


def _flatten_input(flatten: Any) -> tuple[int, ...] | None:
    """The (spatial..., channels) shape a channels-last ``Flatten`` flattened, or None."""
    if getattr(flatten, "data_format", "channels_last") == "channels_first":
        return None  # already PyTorch's order
    try:
        shape = tuple(flatten.input.shape[1:])
    except (AttributeError, ValueError):
        return None
    return shape if len(shape) >= 2 and None not in shape else None


def _numpy(variable: Any) -> np.ndarray[Any, Any]:
    return np.array(variable.numpy(), copy=True)


def _weights(layer: Any, names: tuple[str, ...]) -> dict[str, np.ndarray[Any, Any]]:
    found = {}
    for name in names:
        variable = getattr(layer, name, None)
        if variable is not None:
            found[name] = _numpy(variable)
    return found


def _check_eps(name: str, module: Any, layer: Any) -> None:
    if abs(float(module.eps) - float(layer.epsilon)) > 1e-12:
        raise StateDictError(
            f"{name}: eps={module.eps}, but the Keras layer {layer.name!r} has epsilon={layer.epsilon}; "
            f"build the unigrad layer with eps={layer.epsilon} to compute the same"
        )


def _pair(name: str, module: Any, layer: Any, flattened: tuple[int, ...] | None) -> dict[str, Any]:
    """The unigrad state entries for one pair."""
    dot = f"{name}." if name else ""
    if isinstance(module, nn.Linear):
        w = _weights(layer, ("kernel", "bias"))
        kernel = w["kernel"]
        if flattened is not None and int(np.prod(flattened)) == kernel.shape[0]:
            # Keras flattened (..., C) images; PyTorch flattens (C, ...): reorder the input rows
            *spatial, channels = flattened
            kernel = kernel.reshape(*spatial, channels, -1)
            kernel = np.moveaxis(kernel, len(spatial), 0).reshape(-1, kernel.shape[-1])
        state = {"weight": kernel.T, "bias": w.get("bias")}
    elif isinstance(module, (nn.Conv2d, nn.Conv1d)):
        w = _weights(layer, ("kernel", "bias"))
        # Keras (*kernel, in, out) -> PyTorch (out, in, *kernel)
        rank = w["kernel"].ndim
        kernel = np.transpose(w["kernel"], (rank - 1, rank - 2, *range(rank - 2)))
        state = {"weight": kernel, "bias": w.get("bias")}
    elif isinstance(module, _BatchNorm):
        _check_eps(name, module, layer)
        w = _weights(layer, ("gamma", "beta", "moving_mean", "moving_variance"))
        state = {
            "weight": w.get("gamma"),
            "bias": w.get("beta"),
            "running_mean": w["moving_mean"],
            "running_var": w["moving_variance"],
        }
    elif isinstance(module, nn.LayerNorm):
        _check_eps(name, module, layer)
        w = _weights(layer, ("gamma", "beta"))
        state = {"weight": w.get("gamma"), "bias": w.get("beta")}
    else:
        state = {"weight": _numpy(layer.embeddings)}
    for key, value in state.items():
        has = getattr(module, key, None) is not None
        if has != (value is not None):
            raise StateDictError(
                f"{dot}{key}: the unigrad layer {'has' if has else 'lacks'} it, the Keras layer "
                f"{layer.name!r} {'lacks' if has else 'has'} it"
            )
    return {dot + key: value for key, value in state.items() if value is not None}


def keras_state_dict(model: nn.Module, keras_model: Any) -> dict[str, Any]:
    """A state dict for ``model`` from ``keras_model``'s weights, pairing layers in order."""
    ours = _unigrad_layers(model)
    theirs = list(_keras_layers(keras_model))
    if len(ours) != len(theirs):
        raise StateDictError(
            f"the unigrad model has {len(ours)} weighted layers "
            f"({', '.join(type(m).__name__ for _, m in ours)}), the Keras model {len(theirs)} "
            f"({', '.join(type(layer).__name__ for layer, _ in theirs)}); the architectures must match"
        )
    state: dict[str, Any] = {}
    for (name, module), (layer, flattened) in zip(ours, theirs, strict=True):
        wanted = next(names for kind, names in _PAIRS if isinstance(module, kind))
        if type(layer).__name__ not in wanted:
            raise StateDictError(
                f"{name or 'the model'} is a {type(module).__name__}, but the Keras layer in its place, "
                f"{layer.name!r}, is a {type(layer).__name__}"
            )
        state.update(_pair(name, module, layer, flattened))
    return state
