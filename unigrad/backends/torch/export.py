"""Export formats: the graphs ug.export writes (PyTorch): ``torch.export``, TorchScript and ONNX.

:func:`export` is the backend's writer for :func:`unigrad.export`, which has
already checked the format and the path, moved the model here and put it in
eval mode; the tracing fallbacks, the restoring of the model's attributes
and the atomic write are the core's (``unigrad.train.export``), shared with
the other backends' writers.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import torch

__all__ = ["export"]


def export(module: Any, inputs: tuple[Any, ...], destination: str, format: str, dynamic: bool) -> None:
    """Write ``module`` traced on ``inputs`` to ``destination`` as ``format`` (a torch format or ONNX)."""
    # looked up at each call: the core's helpers are one module, which tests may patch
    core = importlib.import_module("unigrad.train.export")
    links: list[tuple[Any, str, Any]] = []

    class Exported(torch.nn.Module):
        # Tracers swap a module's registered weights for their own tensors while they
        # trace; pointing the unigrad model at them on every call lets them reach it.
        def forward(self, *args: Any) -> Any:
            for owner, attr, holder in links:
                object.__setattr__(owner, attr, getattr(holder, attr))
            return module(*args)

    # A torch module tree with the unigrad model's names, holding plain tensors, so
    # that no artifact can pickle unigrad's Parameter (a torch.nn.Parameter subclass).
    holders: dict[str, torch.nn.Module] = {"": Exported()}
    natives: dict[int, Any] = {}  # id -> plain tensor, so that tied weights stay tied

    def holder(name: str) -> torch.nn.Module:
        # (its parents too: a container without tensors of its own has no slot of its own)
        if name not in holders:
            parent, _, leaf = name.rpartition(".")
            holders[name] = torch.nn.Module()
            holder(parent).add_module(leaf, holders[name])
        return holders[name]

    for name, owner, attr, value, is_parameter in core._slots(module):
        holder(name)
        plain = torch.nn.Parameter(value.detach(), requires_grad=False) if is_parameter else value
        native = natives.setdefault(id(value), plain)
        if is_parameter:
            holders[name].register_parameter(attr, native)
        else:
            holders[name].register_buffer(attr, native, persistent=attr not in owner._non_persistent)
        links.append((owner, attr, holders[name]))

    def trace(dynamic_batch: bool) -> Any:
        batch = torch.export.Dim("batch") if dynamic_batch else None
        # forward takes *args: its spec is one tuple, with an entry per input
        shapes = (tuple({0: batch} if x.ndim else None for x in inputs),) if batch is not None else None
        program = torch.export.export(holders[""], inputs, dynamic_shapes=shapes)
        if format != "torchscript":
            return program
        # torch.jit.trace only warns where Python reads a tensor's values, and bakes in
        # one branch; torch.export, just run, refuses such models. Its warnings about
        # shapes say what the module docstring does: TorchScript fixes them.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            return torch.jit.trace(holders[""], inputs, check_trace=False)

    with core._restored(links):
        graph = core._traced(trace, dynamic and format != "torchscript", format, inputs)
    if format == "torchscript":
        core._write_atomically(destination, lambda file: torch.jit.save(graph, file), format)
    elif format == "torch.export":
        core._write_atomically(destination, lambda file: torch.export.save(graph, file), format)
    else:
        try:
            program: Any = torch.onnx.export(graph, inputs, dynamo=True, external_data=False, verbose=False)
        except Exception as exc:
            raise core.ExportError(
                f"torch.onnx.export could not convert the model ({core._summary(exc)}); an op without an "
                "ONNX translation is the usual cause: export with format='torch.export' instead"
            ) from exc
        core._write_atomically(destination, lambda file: program.save(file, external_data=False), format)
