"""Data and pipeline parallelism on PyTorch: ``DistributedDataParallel`` and ``torch.distributed.pipelining``.

Both engines take ``torch.nn.Module``s; a unigrad module's parameters already
are ``torch.nn.Parameter``s, so :class:`NativeReplica` only registers them
(the same objects) in a ``torch.nn.Module`` whose forward calls the unigrad
module's. The engines then work on unigrad's parameters directly.

DDP averages gradients in hooks that fire as ``backward()`` accumulates
``.grad``; ``torch.autograd.grad``, which a unigrad tape normally uses, does
not fire them. So a DDP forward leaves its parameters in
``autograd.ddp_waiting``, and the tape's next ``gradient()`` runs
:func:`backward_for_ddp` instead: ``torch.autograd.backward`` into ``.grad``,
read back (averaged) and cleared, as ``optimizer.zero_grad(set_to_none=True)``.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import torch
import torch.distributed as dist

from unigrad.backends.api import ArgumentError, tree
from unigrad.backends.api import distribute_env as env

from . import autograd
from .device import native_device

__all__ = [
    "NativeReplica",
    "DataParallelEngine",
    "PipelineEngine",
    "backward_for_ddp",
    "process_group",
    "replica_sum",
    "stage_call",
]

Tensor = torch.Tensor


# Buffers stay per replica (unigrad's BatchNorm replaces its statistics each step, which
# DDP's buffer broadcast would not see); torch 2.13 renamed the switch.
_NO_BUFFER_SYNC = (
    "forward_sync_buffers"
    if "forward_sync_buffers" in inspect.signature(torch.nn.parallel.DistributedDataParallel).parameters
    else "broadcast_buffers"
)


def process_group(timeout: float) -> bool:
    """Join the run's process group from the environment (torchrun / launch); False for a lone process."""
    if dist.is_initialized():
        return dist.get_world_size() > 1
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(env.local_rank())
    dist.init_process_group(backend, init_method="env://", timeout=datetime.timedelta(seconds=timeout))
    return True


def local_device() -> torch.device:
    return torch.device("cuda", env.local_rank()) if torch.cuda.is_available() else torch.device("cpu")


class NativeReplica(torch.nn.Module):
    """A ``torch.nn.Module`` holding a unigrad module's own parameters and buffers; forward is its forward."""

    model: Any
    _forward: Callable[..., Any]

    def __init__(self, model: Any, forward: Callable[..., Any]) -> None:
        super().__init__()
        object.__setattr__(self, "model", model)  # not a torch submodule: a unigrad Module
        object.__setattr__(self, "_forward", forward)
        for name, p in model.named_parameters():
            self.register_parameter(name.replace(".", "__"), p)  # torch names cannot hold "."
        for name, b in model.named_buffers():
            self.register_buffer(name.replace(".", "__"), b)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._forward(*args, **kwargs)


def backward_for_ddp(
    targets: Sequence[Tensor],
    sources: Sequence[Any],
    output_gradients: Sequence[Any] | None,
    retain: bool,
    create_graph: bool,
) -> list[Tensor | None]:
    """``tape.gradient`` after a DDP forward: backward() (DDP's hooks all-reduce), then read ``.grad``."""
    waiting = list(autograd.ddp_waiting)
    autograd.ddp_waiting.clear()
    live = {id(s): s for s in sources if isinstance(s, Tensor) and s.requires_grad}
    # DDP's reducer waits for every parameter the forward used: include them all
    inputs = list({**live, **{id(p): p for p in waiting if p.requires_grad}}.values())
    pairs = [
        (t, None if output_gradients is None else output_gradients[i])
        for i, t in enumerate(targets)
        if isinstance(t, Tensor) and t.requires_grad
    ]
    if not pairs or not inputs:
        return [None] * len(sources)
    saved = [x.grad for x in inputs]  # a user's own .grad survives the tape's use of the slot
    for x in inputs:
        x.grad = None
    try:
        torch.autograd.backward(
            [t for t, _ in pairs],
            # (a target with no seed given is seeded with ones, as tape.gradient does)
            grad_tensors=[g if g is not None or t.numel() == 1 else torch.ones_like(t) for t, g in pairs],
            retain_graph=retain,
            create_graph=create_graph,
            inputs=inputs,
        )
        return [s.grad if id(s) in live else None for s in sources]
    finally:
        for x, g in zip(inputs, saved, strict=True):
            x.grad = g


def replica_sum(x: Tensor, group: Any = None) -> Tensor | None:
    """``x`` summed over the replicas of the process group (differentiable), or None for a lone process."""
    if not dist.is_initialized() or dist.get_world_size(group) == 1:
        return None
    from torch.distributed.nn.functional import all_reduce

    return all_reduce(x, group=group or dist.group.WORLD)


class DataParallelEngine:
    """DDP over the process group, one replica per process; a lone process runs the step as it is."""

    def __init__(self, devices: Any = None, timeout: float = env.DEFAULT_TIMEOUT, **options: Any) -> None:
        self.distributed = process_group(timeout)
        self.world = dist.get_world_size() if self.distributed else 1
        self.rank = dist.get_rank() if self.distributed else 0
        self.device = local_device()
        self.options = {_NO_BUFFER_SYNC: False, **options}
        self.name = "ddp"
        self.num_replicas = self.world

    def prepare(self, model: Any) -> Any:
        if self.device.type != "cpu":
            model.to(self.device)
        if not self.distributed:
            return model
        native_forward = type(model).forward.__get__(model)
        replica = NativeReplica(model, native_forward)
        device_ids = [self.device.index] if self.device.type == "cuda" else None
        ddp = torch.nn.parallel.DistributedDataParallel(replica, device_ids=device_ids, **self.options)
        params = [p for p in model.parameters() if p.requires_grad]

        @functools.wraps(native_forward)
        def forward(*args: Any, **kwargs: Any) -> Any:
            out = ddp(*args, **kwargs)
            if torch.is_grad_enabled():  # DDP now waits for this forward's backward
                autograd.ddp_waiting[:] = params
            return out

        # the module stays itself (its state_dict names too); only its forward goes through DDP
        object.__setattr__(model, "forward", forward)
        object.__setattr__(model, "_ddp", ddp)
        return model

    def _local(self, leaf: Any) -> Any:
        if leaf is None or not hasattr(leaf, "shape") or len(leaf.shape) == 0:
            return leaf
        if not isinstance(leaf, Tensor):
            from .creation import asarray

            leaf = asarray(leaf)
        share = leaf.shape[0] // self.world
        part = leaf[self.rank * share : (self.rank + 1) * share] if self.world > 1 else leaf
        return part.to(self.device, non_blocking=True) if part.device != self.device else part

    def run(
        self, step: Callable[..., Any], batch: tuple[Any, ...], reduce: str | None, compiled: bool
    ) -> Any:
        out = step(*tree.map_leaves(self._local, batch))
        if reduce is None:
            return [out]
        if not self.distributed:
            return out
        return tree.map_leaves(self._mean, out)

    def _mean(self, leaf: Any) -> Any:
        if not isinstance(leaf, Tensor):
            return leaf
        total = leaf.detach().clone()
        dist.all_reduce(total)  # (gloo has no AVG: sum, then divide)
        return total / self.world

    def scope(self) -> AbstractContextManager[Any]:
        return nullcontext()

    def barrier(self) -> None:
        if self.distributed:
            dist.barrier()

    def agree(self, value: int) -> int:
        if not self.distributed:
            return value
        box = [value]
        dist.broadcast_object_list(box, src=0)
        return int(box[0])


class PipelineEngine:
    """One pipeline stage per process on ``torch.distributed.pipelining`` (GPipe schedule)."""

    def __init__(self, stages: Sequence[Any], microbatches: int, timeout: float) -> None:
        from torch.distributed.pipelining import PipelineStage

        if not process_group(timeout) or dist.get_world_size() != len(stages):
            raise ArgumentError(
                f"a pipeline over processes needs one process per stage: {len(stages)} stages, "
                f"{dist.get_world_size() if dist.is_initialized() else 1} processes"
            )
        self.rank, self.count, self.microbatches = dist.get_rank(), len(stages), microbatches
        self.device = local_device()
        self.module = stages[self.rank]
        if self.device.type != "cpu":
            self.module.to(self.device)
        native = NativeReplica(self.module, self.module.forward)
        self.stage = PipelineStage(native, self.rank, self.count, self.device)
        self.schedules: dict[Any, Any] = {}
        self.params = [p for p in self.module.parameters() if p.requires_grad]

    def value_and_grad(self, x: Any, y: Any, loss: Callable[..., Any]) -> tuple[Tensor, list[Tensor | None]]:
        from torch.distributed.pipelining import ScheduleGPipe

        schedule = self.schedules.get(loss)
        if schedule is None:
            schedule = self.schedules[loss] = ScheduleGPipe(self.stage, self.microbatches, loss_fn=loss)
        last = self.count - 1
        losses: list[Tensor] = []
        for p in self.params:
            p.grad = None
        if self.rank == 0:
            schedule.step(_on(x, self.device))
        elif self.rank == last:
            schedule.step(target=_on(y, self.device), losses=losses)
        else:
            schedule.step()
        # GPipe scales each micro-batch's gradient by 1 / microbatches: the mean loss's gradient
        value = torch.stack(losses).mean().double() if losses else torch.zeros((), dtype=torch.float64)
        dist.broadcast(value, src=last)  # every stage reports the loss (float64: no rank knows its dtype)
        grads = [p.grad for p in self.params]
        for p in self.params:
            p.grad = None
        return value.to(self.params[0].dtype if self.params else torch.float32), grads


def stage_call(stage: Any, x: Tensor, device: str | None) -> Tensor:
    """One pipeline stage in this process: autograd already runs its backward beside its forward."""
    return stage(x if device is None else x.to(native_device(device)))


def _on(value: Any, device: torch.device) -> Tensor:
    tensor = value if isinstance(value, Tensor) else torch.as_tensor(value)
    return tensor.to(device)
