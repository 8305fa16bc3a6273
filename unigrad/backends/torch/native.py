"""``module.to_native()``: a unigrad model as a ``torch.nn.Module`` sharing its registries (PyTorch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["to_native_module", "bridge_record", "bridge_gradients", "bridge_accumulate"]


def to_native_module(module: Any) -> Any:
    """A ``torch.nn.Module`` tree whose registries are ``module``'s own (see adapters/torch_module.py)."""
    from unigrad.adapters.torch_module import native_module

    return native_module(module)


# -- calls across frameworks (adapters/bridge.py): a wrapped torch model called with other tensors --


def bridge_record(run: Callable[[], Any], inputs: list[Any]) -> tuple[Any, Any]:
    """``run()`` recorded for the gradients of its outputs: (outputs, recording).

    ``inputs`` (floating-point tensors made over the caller's buffers) become
    fresh leaves that require gradients; autograd itself is the recording.
    """
    import torch

    for x in inputs:
        x.requires_grad_(True)
    with torch.enable_grad():
        return run(), None


def bridge_gradients(recording: Any, targets: list[Any], sources: list[Any], seeds: list[Any]) -> list[Any]:
    """The gradients of ``targets`` seeded with ``seeds`` for ``sources`` (None where unused)."""
    import torch

    # retain_graph: a caller that keeps its graph may run the backward pass more than once
    return list(torch.autograd.grad(targets, sources, seeds, retain_graph=True, allow_unused=True))


def bridge_accumulate(module: Any, parameters: list[Any], grads: list[Any]) -> None:
    """Add the parameters' gradients to ``.grad``, as ``loss.backward()`` would."""
    for p, g in zip(parameters, grads, strict=True):
        if g is not None:
            p.grad = g if p.grad is None else p.grad + g
