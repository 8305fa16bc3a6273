"""An optimizer's state dict: ``torch.optim``'s layout, tensors of any backend or NumPy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..ops.conversion import backend_of, convert, device_of, to_numpy
from ..ops.creation import asarray
from ._checks import OptimizerError, is_tensor_like

if TYPE_CHECKING:
    from .optimizer import Optimizer

__all__ = ["state_dict", "load_state_dict"]


def state_dict(optimizer: Optimizer) -> dict[str, Any]:
    """What :meth:`Optimizer.state_dict` returns."""
    groups, state = [], {}
    index = 0
    with optimizer._on_backend():
        for group in optimizer.param_groups:
            indices = list(range(index, index + len(group["params"])))
            for i, p in zip(indices, group["params"], strict=True):
                found = optimizer._state.get(id(p))
                if found:  # (torch leaves out parameters without state, e.g. SGD's without momentum)
                    state[i] = {k: _snapshot(k, v, optimizer.scalar_state) for k, v in found.items()}
            index += len(indices)
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": indices})
    return {"state": state, "param_groups": groups}


def load_state_dict(optimizer: Optimizer, state_dict: Mapping[str, Any]) -> None:
    """What :meth:`Optimizer.load_state_dict` does: check everything, convert, then commit."""
    if not isinstance(state_dict, Mapping) or not {"state", "param_groups"} <= set(state_dict):
        raise OptimizerError("an optimizer state dict needs the keys 'state' and 'param_groups'")
    saved_groups = list(state_dict["param_groups"])
    if len(saved_groups) != len(optimizer.param_groups):
        raise OptimizerError(
            f"the state dict has {len(saved_groups)} parameter groups, "
            f"this {type(optimizer).__name__} {len(optimizer.param_groups)}"
        )
    by_index: dict[int, Any] = {}
    options = []
    for i, (saved, group) in enumerate(zip(saved_groups, optimizer.param_groups, strict=True)):
        if len(saved["params"]) != len(group["params"]):
            raise OptimizerError(
                f"parameter group {i} has {len(saved['params'])} parameters in the state dict, "
                f"{len(group['params'])} in this {type(optimizer).__name__}"
            )
        by_index.update(zip((int(k) for k in saved["params"]), group["params"], strict=True))
        merged = {**group, **{k: v for k, v in saved.items() if k != "params"}}
        optimizer.check(merged)
        options.append(merged)
    state = {}
    with optimizer._on_backend():
        for key, entries in state_dict["state"].items():
            p = by_index.get(int(key))
            if p is None:
                raise OptimizerError(f"the state dict has state for parameter {key}, which no group has")
            state[id(p)] = {
                name: _loaded(name, value, p, int(key), optimizer.scalar_state)
                for name, value in entries.items()
            }
    is_variable = optimizer._backend.optim_is_state_variable
    for key, entries in state.items():
        # a compiled step holds on to the variables it was traced with: fill them
        current = optimizer._state.get(key, {})
        for name, value in list(entries.items()):
            if is_variable(current.get(name)):
                current[name].assign(
                    asarray(value, dtype=current[name].dtype) if is_tensor_like(value) else float(value)
                )
                entries[name] = current[name]
    optimizer._state = state
    for group, merged in zip(optimizer.param_groups, options, strict=True):
        group.update(merged)


def _snapshot(name: str, value: Any, scalars: tuple[str, ...]) -> Any:
    if name == "step" and is_tensor_like(value):  # a compiled step keeps it in a variable
        return int(float(to_numpy(value)))
    if name in scalars and is_tensor_like(value):  # (so does it scalar state)
        return float(to_numpy(value))
    return asarray(value, copy=True) if is_tensor_like(value) else value


def _loaded(name: str, value: Any, p: Any, index: int, scalars: tuple[str, ...]) -> Any:
    if name == "step":
        return int(float(value))  # torch.optim keeps it as a 0-d tensor; unigrad as an int
    if name in scalars:
        return float(to_numpy(value)) if is_tensor_like(value) else float(value)
    if not is_tensor_like(value):
        return value
    if tuple(value.shape) != tuple(p.shape):
        raise OptimizerError(
            f"the state dict's {name!r} for parameter {index} has shape {tuple(value.shape)}, "
            f"the parameter {tuple(p.shape)}"
        )
    backend = backend_of(p)
    return asarray(convert(value, backend.name), dtype=p.dtype, device=device_of(p), copy=True)
