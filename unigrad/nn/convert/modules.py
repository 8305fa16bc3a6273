"""The converted model's module tree: torch.nn submodules as their ug.nn twins, with their state.

A torch submodule of a class ug.nn mirrors becomes that class, built from the torch
module's own attributes (torch modules keep their constructor arguments under the same
names) and loaded with its state dict. Every other module (a container, torchvision's
``BasicBlock``, a user's block) becomes a :class:`TracedModule` that holds its children
and its own parameters and buffers under the same names, so the converted model's
``state_dict`` has the torch module's keys.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ...errors import ConversionError
from ..module import Module
from ..parameter import Parameter
from .functions import ug
from .trace import has_twin

__all__ = ["TracedModule", "build_tree", "make_twin", "to_array"]

# constructor arguments that describe placement or layout, not the layer: left at ug's defaults
_SKIPPED = {"device", "dtype", "data_format", "_weight", "_freeze"}


class TracedModule(Module):
    """A torch module without a ug.nn twin: its children, parameters and buffers, under their names.

    Its code is part of the converted model's generated forward, so it has no ``forward`` of
    its own; ``repr`` names the torch class it came from.

    Example:
        >>> TracedModule("BasicBlock")
        BasicBlock()
    """

    def __init__(self, source: str) -> None:
        super().__init__()
        self._source = source

    def __repr__(self) -> str:
        return super().__repr__().replace(type(self).__name__, self._source, 1)


def to_array(value: Any) -> Any:
    """A torch tensor as a tensor of the active backend (through NumPy, detached)."""
    return ug.asarray(np.array(value.detach().cpu().numpy(), copy=True))


def _activation(activation: Any) -> Any:
    """A transformer layer's activation: torch's ``F.relu``/``F.gelu`` by name, a module as its twin."""
    if callable(activation) and not hasattr(activation, "state_dict"):
        name = getattr(activation, "__name__", "")
        if name in ("relu", "gelu"):
            return name
        raise ConversionError(
            f"cannot convert a transformer layer's activation {activation!r}: "
            "expected F.relu, F.gelu or a module"
        )
    return make_twin(activation)


def _transformer_layer(module: Any) -> dict[str, Any]:
    # torch's layers keep their sizes only inside their children
    return {
        "d_model": module.self_attn.embed_dim,
        "nhead": module.self_attn.num_heads,
        "dim_feedforward": module.linear1.out_features,
        "dropout": module.dropout.p,
        "activation": _activation(module.activation),
        "layer_norm_eps": module.norm1.eps,
        "batch_first": module.self_attn.batch_first,
        "bias": module.linear1.bias is not None,
    }


def _stack(module: Any, layer: str) -> dict[str, Any]:
    norm = None if module.norm is None else make_twin(module.norm)
    return {layer: make_twin(module.layers[0]), "num_layers": len(module.layers), "norm": norm}


# torch modules that do not keep every constructor argument under its own name
_SPECIAL: dict[str, Callable[[Any], dict[str, Any]]] = {
    "MultiheadAttention": lambda m: {"bias": m.in_proj_bias is not None, "add_bias_kv": m.bias_k is not None},
    "TransformerEncoderLayer": _transformer_layer,
    "TransformerDecoderLayer": _transformer_layer,
    "TransformerEncoder": lambda m: _stack(m, "encoder_layer"),
    "TransformerDecoder": lambda m: _stack(m, "decoder_layer"),
    "Transformer": lambda m: {
        "custom_encoder": make_twin(m.encoder),
        "custom_decoder": make_twin(m.decoder),
        "d_model": m.d_model,
        "nhead": m.nhead,
    },
}


def _arguments(module: Any, cls: type) -> dict[str, Any]:
    """The ug constructor's arguments, read from the torch module's attributes."""
    import torch

    special = _SPECIAL.get(type(module).__name__, lambda m: {})(module)
    arguments = {}
    for name, parameter in inspect.signature(cls).parameters.items():
        if name in _SKIPPED or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in special:
            arguments[name] = special[name]
        elif hasattr(module, name):
            value = getattr(module, name)
            if name == "bias" and (value is None or isinstance(value, torch.Tensor)):
                value = value is not None  # the bias tensor's presence is the flag
            elif isinstance(value, torch.Tensor):
                continue
            arguments[name] = value
        elif parameter.default is parameter.empty:
            raise ConversionError(
                f"cannot build ug.nn.{cls.__name__} from {type(module).__name__}: the torch module has "
                f"no attribute {name!r} for the argument of that name"
            )
    return arguments


def make_twin(module: Any) -> Module:
    """The ug.nn twin of a torch.nn module, with its parameters, buffers and mode."""
    from ... import nn

    cls = getattr(nn, type(module).__name__)
    twin = cls(**_arguments(module, cls))
    state = {name: to_array(value) for name, value in module.state_dict().items()}
    try:
        twin.load_state_dict(state)
    except Exception as error:  # a twin whose state differs from torch's: say which module
        raise ConversionError(
            f"cannot load {type(module).__name__}'s state into ug.nn.{cls.__name__}: {error}"
        ) from error
    twin.train(module.training)
    return twin


def build_tree(module: Any, memo: dict[int, Any] | None = None, root: TracedModule | None = None) -> Module:
    """``module`` as a ug module tree (filled into ``root`` where given); a module or tensor
    shared in torch is shared here too."""
    memo = {} if memo is None else memo
    if id(module) in memo:
        found: Module = memo[id(module)]
        return found
    if has_twin(module) and root is None:
        result = memo[id(module)] = make_twin(module)
        return result
    tree = memo[id(module)] = TracedModule(type(module).__name__) if root is None else root
    for name, value in module._parameters.items():
        if value is None:
            tree.register_parameter(name, None)
        else:
            if id(value) not in memo:
                memo[id(value)] = Parameter(to_array(value), trainable=value.requires_grad)
            tree.register_parameter(name, memo[id(value)])
    for name, value in module._buffers.items():
        persistent = name not in module._non_persistent_buffers_set
        tree.register_buffer(name, None if value is None else to_array(value), persistent=persistent)
    for name, child in module._modules.items():
        tree.add_module(name, None if child is None else build_tree(child, memo))
    tree.train(module.training)
    return tree
