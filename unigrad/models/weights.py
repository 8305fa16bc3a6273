"""Pretrained weights from local files: torchvision-format state dicts and Keras models.

Nothing here downloads. A state dict saved by PyTorch (``torch.save(model.state_dict(), path)``,
read with ``weights_only=True``) or written as safetensors loads by name into a
``ug.models`` network of the same architecture, on either backend. Keras
weights files (``.weights.h5``) hold no architecture and list layers by name,
not in order, so they are read through the Keras model they belong to: see
:func:`load_keras_weights`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..config import builtin_classes
from ..errors import PathNotFoundError, StateDictError
from ..io import _METADATA_KEY, load
from ..nn.module import IncompatibleKeys, Module

__all__ = ["read_state_dict", "load_weights", "load_keras_weights", "Weights"]

PathLike = str | os.PathLike[str]
Weights = PathLike | Mapping[str, Any] | None
"""What a builder's ``weights=`` takes: a local file, a state dict, or None (the builder's own init)."""
_WRAPPERS = ("state_dict", "model_state_dict", "model")  # checkpoints that nest the state dict


def read_state_dict(path: PathLike) -> dict[str, Any]:
    """The state dict stored in ``path``: ``.safetensors``, or a PyTorch ``.pth``/``.pt``/``.bin``.

    PyTorch files are read with ``torch.load(weights_only=True)`` (tensors and
    plain containers only, never arbitrary pickled code) onto the CPU; a
    checkpoint that nests the state dict under ``"state_dict"`` or ``"model"``
    is unwrapped, and the ``"module."`` prefix that ``DataParallel`` adds is
    dropped. safetensors files are read as NumPy arrays, without PyTorch.

    Examples:
        >>> import os, tempfile
        >>> import unigrad as ug
        >>> path = os.path.join(tempfile.mkdtemp(), "mlp.safetensors")
        >>> ug.save(ug.models.MLP(2, [], 1).state_dict(), path)
        >>> sorted(ug.models.read_state_dict(path))
        ['0.bias', '0.weight']
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise PathNotFoundError(
            f"no weights file at {path!r} (unigrad reads local files; it downloads nothing)"
        )
    if path.endswith(".h5"):
        raise StateDictError(
            f"{path!r} is a Keras weights file, which lists layers by name and holds no architecture; "
            "load it into its Keras model and use ug.models.load_keras_weights(model, keras_model)"
        )
    if path.endswith(".safetensors"):
        return _read_safetensors(path)
    state = _read_framework_file(path)
    while isinstance(state, Mapping) and not _is_state(state):
        nested = next((state[key] for key in _WRAPPERS if isinstance(state.get(key), Mapping)), None)
        if nested is None:
            raise StateDictError(f"{path!r} holds no state dict (its keys: {', '.join(map(str, state))})")
        state = nested
    if not isinstance(state, Mapping):
        raise StateDictError(f"{path!r} holds a {type(state).__name__}, not a state dict")
    if state and all(key.startswith("module.") for key in state):
        state = {key.removeprefix("module."): value for key, value in state.items()}
    return dict(state)


def _read_framework_file(path: str) -> Any:
    """What a framework's own saving wrote to ``path``, read by the built-in backend whose format it is.

    The backends are asked through their classes (``read_state_file``), so no
    framework is imported beyond the one that reads the file (PyTorch's
    ``torch.save`` files, whatever their suffix).
    """
    for backend in builtin_classes():
        state = backend.read_state_file(path)
        if state is not NotImplemented:
            return state
    raise StateDictError(f"no backend reads {path!r}; save it as .safetensors with ug.save")


def _read_safetensors(path: str) -> dict[str, Any]:
    from safetensors import safe_open
    from safetensors.numpy import load_file

    with safe_open(path, "np") as handle:
        written_by_unigrad = _METADATA_KEY in (handle.metadata() or {})
    if not written_by_unigrad:
        return dict(load_file(path))
    state = load(path)  # ug.save's file: its own structure (bfloat16 restored)
    if not isinstance(state, Mapping) or not _is_state(state):
        raise StateDictError(f"{path!r} is a unigrad checkpoint but not a state dict of tensors")
    return dict(state)


def _is_state(state: Mapping[str, Any]) -> bool:
    return bool(state) and all(hasattr(value, "shape") for value in state.values())


def load_weights(
    model: Module, weights: PathLike | Mapping[str, Any], strict: bool = True
) -> IncompatibleKeys:
    """Load a state dict, or the file holding one (see :func:`read_state_dict`), into ``model``.

    Returns the missing and unexpected keys, as ``load_state_dict``; with
    ``strict=True`` any of those, or a shape that differs, raises
    :class:`unigrad.StateDictError`.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> source, target = ug.models.MLP(3, [4], 2), ug.models.MLP(3, [4], 2)
        >>> ug.models.load_weights(target, source.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
    """
    state = weights if isinstance(weights, Mapping) else read_state_dict(weights)
    return model.load_state_dict(state, strict=strict)


def load_keras_weights(model: Module, keras_model: Any, path: PathLike | None = None) -> IncompatibleKeys:
    """Copy the weights of a Keras model into ``model``, layer by layer, where the architectures match.

    A ``.weights.h5`` file names its layers but not their order, and Keras
    itself reads it only into the model that wrote it: pass that Keras model
    (with ``path``, it first runs ``keras_model.load_weights(path)``). Its
    weighted layers, in order (``Dense``, ``Conv2D``, ``BatchNormalization``,
    ``LayerNormalization``, ``Embedding``), must pair up with ``model``'s
    ``Linear``, ``Conv2d``, ``BatchNorm``, ``LayerNorm`` and ``Embedding``
    modules in order; kernels are transposed to PyTorch's layouts, and the rows
    of a ``Dense`` that follows a ``Flatten`` of a channels-last image are put
    in PyTorch's (C, H, W) flattening order. Anything else (a layer kind without
    a counterpart, another epsilon, different shapes) raises
    :class:`unigrad.StateDictError` naming the pair.

    Returns what ``load_state_dict(strict=False)`` skipped (buffers that Keras
    has no counterpart for, such as ``num_batches_tracked``).
    """
    from ._keras_weights import keras_state_dict

    if path is not None:
        keras_model.load_weights(os.fspath(path))
    result = model.load_state_dict(keras_state_dict(model, keras_model), strict=False)
    if result.unexpected_keys:  # (cannot happen: the names come from the model)
        raise StateDictError(f"unexpected keys: {result.unexpected_keys}")
    return result
