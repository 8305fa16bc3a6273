"""``ug.distribute.ModelParallel``: a model cut into pipeline stages, run with micro-batches.

Two placements, the same numbers as the unsplit model:

* **devices, one process** (``devices=["gpu:0", "gpu:1"]``): stage *i* lives
  on device *i*; each micro-batch's activations move from stage to stage
  (GPipe order: every micro-batch through a stage before the next stage, so
  that devices overlap). PyTorch's autograd runs each backward op beside its
  forward op; TensorFlow's eager tape would run them all where
  ``tape.gradient`` is called, so each stage's backward is placed on its
  device explicitly. A tape around ``pipe(x)`` differentiates it as usual.
* **processes** (PyTorch, under ``launch``/``torchrun`` with one process per
  stage): ``torch.distributed.pipelining``'s ``PipelineStage`` and
  ``ScheduleGPipe``. Each process holds its stage's parameters;
  :meth:`ModelParallel.value_and_grad` runs the schedule.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .. import config
from ..autograd import GradientTape
from ..errors import ArgumentError, ArgumentTypeError, UsageError
from ..nn.container import Sequential
from ..nn.module import Module
from ..ops.conversion import to_device
from ..ops.manipulation import concat
from . import env

__all__ = ["ModelParallel", "balanced_cuts"]


class ModelParallel:
    """Pipeline stages over devices (one process) or over processes (PyTorch), with micro-batches.

    Args:
        model: a ``ug.nn.Sequential`` to cut into stages, or the stages
            themselves: a list of modules, or a dict ``{name: module}``.
        devices: one device per stage, in this process. Without it, a run
            with one process per stage (PyTorch, ``world_size() > 1``) puts
            one stage on each process; otherwise every stage stays where it is.
        split: for a ``Sequential``: the indices of the layers that start
            stages 1, 2, ... (default: cut into equal parameter counts).
        microbatches: how many pieces each batch is cut into (the batch must divide evenly).
        timeout: seconds a transfer between processes may wait.

    Examples:
        >>> import unigrad as ug
        >>> model = ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.ReLU(), ug.nn.Linear(8, 1))
        >>> pipe = ug.distribute.ModelParallel(model, devices=["cpu:0", "cpu:0"], microbatches=2)
        >>> [len(stage) for stage in pipe.stages], tuple(pipe(ug.ones((4, 4))).shape)
        ([1, 2], (4, 1))
    """

    def __init__(
        self,
        model: Any,
        *,
        devices: Sequence[str] | None = None,
        split: Sequence[int] | None = None,
        microbatches: int = 1,
        timeout: float | None = None,
    ) -> None:
        if not isinstance(microbatches, int) or microbatches < 1:
            raise ArgumentError(f"microbatches must be an int >= 1, got {microbatches!r}")
        self.microbatches = microbatches
        engines = config.backend_class(config.get_backend()).distribution()
        pipeline: Any = getattr(engines, "PipelineEngine", None)  # one process per stage, if it can
        self.processes = devices is None and pipeline is not None and env.world_size() > 1
        count = len(devices) if devices is not None else (env.world_size() if self.processes else None)
        self.names, self.stages = _stages(model, count, split)
        self.devices = list(devices) if devices is not None else [None] * len(self.stages)
        if len(self.devices) != len(self.stages):
            raise ArgumentError(
                f"{len(self.stages)} stages need {len(self.stages)} devices, got {len(self.devices)}"
            )
        self._stage_call = getattr(engines, "stage_call", _stage_call)
        self._engine = None
        if self.processes:
            self._engine = pipeline(self.stages, microbatches, env.timeout_seconds(timeout))
        else:
            for stage, device in zip(self.stages, self.devices, strict=True):
                if device is not None:
                    stage.to(device)

    def parameters(self) -> list[Any]:
        """The parameters this process holds: every stage's in one process, its own stage's in a pipeline."""
        if self._engine is not None:
            return list(self._engine.params)
        return [p for stage in self.stages for p in stage.parameters()]

    @property
    def local_stage(self) -> Module | None:
        """This process's stage in a pipeline over processes (None in one process)."""
        return None if self._engine is None else self._engine.module

    def __call__(self, x: Any) -> Any:
        """The model's output for ``x``, through every stage, micro-batch by micro-batch (one process)."""
        if self._engine is not None:
            raise UsageError(
                "a pipeline over processes runs forward and backward together: use value_and_grad(x, y, loss)"
            )
        pieces = _microbatches(x, self.microbatches)
        for stage, device in zip(self.stages, self.devices, strict=True):
            pieces = [self._stage_call(stage, piece, device) for piece in pieces]
        return pieces[0] if len(pieces) == 1 else concat(pieces, axis=0)

    def value_and_grad(self, x: Any, y: Any, loss: Callable[[Any, Any], Any]) -> tuple[Any, list[Any]]:
        """The mean ``loss(model(x), y)`` and its gradients for :meth:`parameters`, in that order.

        Over processes every process passes the same ``x`` and ``y`` (the
        first stage reads ``x``, the last ``y``) and gets the loss; each gets
        the gradients of its own stage's parameters. With a mean loss and
        equal micro-batches, both equal the unsplit model's.
        """
        if self._engine is not None:
            return self._engine.value_and_grad(x, y, loss)
        params = self.parameters()
        with GradientTape() as tape:
            value = loss(self(x), y)
        return value, tape.gradient(value, params)

    def __repr__(self) -> str:
        where = "processes" if self.processes else self.devices
        return f"ModelParallel(stages={self.names}, placement={where}, microbatches={self.microbatches})"


def _stage_call(stage: Any, x: Any, device: str | None) -> Any:
    """One stage on ``device``, for a backend whose autograd runs each backward op beside its forward op."""
    return stage(x if device is None else to_device(x, device))


def _stages(model: Any, count: int | None, split: Sequence[int] | None) -> tuple[list[str], list[Any]]:
    if isinstance(model, Mapping):
        return [str(name) for name in model], list(model.values())
    if isinstance(model, (list, tuple)):
        return [str(i) for i in range(len(model))], list(model)
    if not isinstance(model, Sequential):
        raise ArgumentTypeError(
            f"ModelParallel takes a ug.nn.Sequential or a list / dict of stages, got {type(model).__name__}"
        )
    if split is None:
        split = balanced_cuts([_size(layer) for layer in model], count or 1)
    bounds = [0, *split, len(model)]
    if sorted(set(bounds)) != bounds or bounds[-2] >= len(model):
        raise ArgumentError(f"split {list(split)} does not cut {len(model)} layers into non-empty stages")
    if count is not None and len(bounds) - 1 != count:
        raise ArgumentError(
            f"split {list(split)} makes {len(bounds) - 1} stages for {count} devices or processes"
        )
    stages = [model[start:stop] for start, stop in itertools.pairwise(bounds)]  # keeps the layers' names
    return [str(i) for i in range(len(stages))], stages


def _size(layer: Module) -> int:
    total = 0
    for p in layer.parameters():
        count = 1
        for d in p.shape:
            count *= int(d)
        total += count
    return total


def balanced_cuts(sizes: Sequence[int], count: int) -> list[int]:
    """Where to cut layers of ``sizes`` into ``count`` contiguous, non-empty stages of similar total size.

    Examples:
        >>> from unigrad.distribute.model_parallel import balanced_cuts
        >>> balanced_cuts([10, 0, 10, 0], 2)
        [2]
    """
    if not 1 <= count <= len(sizes):
        raise ArgumentError(f"cannot cut {len(sizes)} layers into {count} non-empty stages")
    cuts: list[int] = []
    remaining = float(sum(sizes))
    total = 0.0
    for index, size in enumerate(sizes):
        stages_left = count - len(cuts)
        layers_left = len(sizes) - index
        must_cut = layers_left == stages_left - 1  # every later stage needs a layer
        if index > 0 and stages_left > 1 and (must_cut or total + size / 2 > remaining / stages_left):
            cuts.append(index)
            remaining -= total
            total = 0.0
        total += size
    return cuts


def _microbatches(x: Any, count: int) -> list[Any]:
    if count == 1:
        return [x]
    size = int(x.shape[0])
    if size % count:
        raise ArgumentError(f"a batch of {size} does not cut into {count} equal micro-batches")
    step = size // count
    return [x[i * step : (i + 1) * step] for i in range(count)]
