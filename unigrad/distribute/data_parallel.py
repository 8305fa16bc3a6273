"""``ug.distribute.DataParallel``: one training step, replicated, on each framework's own engine.

* PyTorch: ``DistributedDataParallel`` over ``torch.distributed`` (gloo on
  CPU, NCCL on GPU), one process per replica, started by
  :func:`~unigrad.distribute.launch` or ``torchrun``.
* TensorFlow: ``MirroredStrategy`` over this process's devices (GPUs, or the
  logical CPUs of :func:`~unigrad.distribute.split_cpu`), or
  ``MultiWorkerMirroredStrategy`` when ``TF_CONFIG`` names several workers
  (set by ``launch`` or by you, one process per machine).

Each replica takes its slice of the global batch; the gradients are averaged
by the framework's collectives (DDP's bucketed all-reduce; the strategy's
``all_reduce``), so every replica ends each step with the same parameters.
The user's step (tape and optimizer) is unchanged, and ``ug.fit`` runs under
it (``fit(..., strategy=dp)``, or simply on a prepared model).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from .. import config
from ..errors import ArgumentError, NotSupportedError, ShapeError
from . import env

__all__ = ["DataParallel"]


class DataParallel:
    """Data parallelism: DDP on PyTorch, ``(MultiWorker)MirroredStrategy`` on TensorFlow.

    Make one at the start of the program (on TensorFlow, before any op when
    several workers take part: the strategy configures TensorFlow's runtime),
    prepare the model with :meth:`prepare`, make the optimizer from the
    prepared model's parameters, and run each step through :meth:`run` with
    the global batch.

    Args:
        devices: TensorFlow, one process: the devices to mirror over (default:
            every GPU, else every logical CPU). PyTorch: ignored (one device
            per process: ``gpu:<LOCAL_RANK>`` or the CPU).
        timeout: seconds a collective may wait for the other replicas before
            it fails (default :data:`~unigrad.distribute.env.DEFAULT_TIMEOUT`).
        **options: passed to ``DistributedDataParallel`` (``find_unused_parameters=``,
            ``bucket_cap_mb=``, ...) on PyTorch.

    Examples:
        >>> import numpy as np, unigrad as ug
        >>> def train():  # run with ug.distribute.launch(train, nprocs=2), or torchrun
        ...     dp = ug.distribute.DataParallel()
        ...     model = dp.prepare(ug.nn.Linear(4, 1))
        ...     opt = ug.optim.SGD(model.parameters(), lr=0.1)
        ...     def step(x, y):
        ...         with ug.GradientTape() as tape:
        ...             loss = ug.nn.functional.mse_loss(model(x), y)
        ...         opt.step(tape.gradient(loss, model.parameters()))
        ...         return loss
        ...     x, y = np.ones((8, 4), np.float32), np.zeros((8, 1), np.float32)
        ...     return float(ug.to_numpy(dp.run(step, x, y)))  # each replica takes 8 / N rows
        >>> with ug.use_backend("torch"):
        ...     train() > 0
        True
    """

    def __init__(self, *, devices: list[str] | None = None, timeout: float | None = None, **options: Any):
        self.backend = config.get_backend()
        # the backend's class, not the backend: a strategy may need the framework not yet started
        engine = getattr(config.backend_class(self.backend).distribution(), "DataParallelEngine", None)
        if engine is None:
            raise NotSupportedError(f"the {self.backend!r} backend has no data-parallel engine")
        self.timeout = env.timeout_seconds(timeout)
        self._engine = engine(devices=devices, timeout=self.timeout, **options)

    # -- who is who ------------------------------------------------------------------------

    @property
    def rank(self) -> int:
        """This process's rank (0 for the main one)."""
        return env.rank()

    @property
    def world_size(self) -> int:
        """How many processes take part."""
        return env.world_size()

    @property
    def is_main(self) -> bool:
        """Whether this process logs and writes checkpoints (rank 0)."""
        return self.rank == 0

    @property
    def num_replicas(self) -> int:
        """How many replicas the global batch is split over (all processes, all their devices)."""
        return int(self._engine.num_replicas)

    @property
    def engine(self) -> str:
        """The framework's engine: ``"ddp"``, ``"mirrored"`` or ``"multi_worker_mirrored"``."""
        return str(self._engine.name)

    # -- the run ---------------------------------------------------------------------------

    def prepare(self, model: Any) -> Any:
        """Make ``model`` (a ``ug.nn.Module``) a replica; returns the same object.

        PyTorch: moves it to this process's device and wraps its forward in
        ``DistributedDataParallel`` (which copies rank 0's parameters to every
        replica). TensorFlow: its variables become the strategy's mirrored
        variables (on several workers, with worker 0's values). Make the
        optimizer afterwards, from ``model.parameters()``. State-dict names
        are unchanged, so a checkpoint loads into an unprepared model.
        """
        prepared = self._engine.prepare(model)
        object.__setattr__(prepared, "_data_parallel", self)
        return prepared

    def run(
        self, step: Callable[..., Any], *batch: Any, reduce: str | None = "mean", compile: Any = "auto"
    ) -> Any:
        """Run ``step(*slice)`` on every replica, each on its slice of the global ``batch``.

        Args:
            step: the user's step (forward, ``ug.GradientTape``, ``optimizer.step``).
            *batch: arrays or tensors (or structures of them) whose first axis
                is the global batch; it must divide evenly by :attr:`num_replicas`.
            reduce: ``"mean"`` returns the step's outputs averaged over the
                replicas (one small collective on PyTorch); ``None`` returns a
                list of this process's replicas' outputs.
            compile: TensorFlow: trace ``strategy.run(step)`` into one
                ``tf.function`` (``"auto"``/True; an eager strategy is slow). PyTorch
                runs the step eagerly (DDP's hooks run in eager autograd).
        """
        if reduce not in ("mean", None):
            raise ArgumentError(f"reduce must be 'mean' or None, got {reduce!r}")
        self._check_divisible(batch)
        return self._engine.run(step, batch, reduce, compile in ("auto", True))

    def scope(self) -> contextlib.AbstractContextManager[Any]:
        """TensorFlow: the strategy's scope (variables made in it are mirrored). PyTorch: nothing."""
        return self._engine.scope()

    def barrier(self) -> None:
        """Wait until every process reaches this point."""
        self._engine.barrier()

    def agree(self, value: int) -> int:
        """Rank 0's ``value`` on every process (a shuffling seed, say)."""
        return int(self._engine.agree(int(value)))

    # -- ug.fit ----------------------------------------------------------------------------

    def fit_step(self, step: Callable[..., Any], compiled: bool) -> Callable[..., Any]:
        """``ug.fit``'s train step over the replicas: values averaged, an uneven last batch trimmed.

        A batch whose size does not divide by :attr:`num_replicas` loses its
        last few (fewer than :attr:`num_replicas`) samples, as each replica
        must take as many as the others.
        """
        replicas = self.num_replicas

        def distributed(x: Any, y: Any) -> Any:
            size = _batch_size((x, y)) or 0
            if size % replicas:
                keep = size - size % replicas
                if keep == 0:
                    raise ShapeError(
                        f"a batch of {size} samples cannot be split over {replicas} replicas; "
                        "use a batch_size of at least the replica count"
                    )
                x, y = _take_rows(x, keep), _take_rows(y, keep)
            return self._engine.run(step, (x, y), "mean", compiled)

        return distributed

    def _check_divisible(self, batch: tuple[Any, ...]) -> None:
        size = _batch_size(batch)
        if size is not None and size % self.num_replicas:
            raise ShapeError(
                f"a global batch of {size} samples does not split evenly over {self.num_replicas} "
                "replicas; give each step a batch whose size is a multiple of the replica count"
            )

    def __repr__(self) -> str:
        return f"DataParallel(engine={self.engine!r}, replicas={self.num_replicas}, rank={self.rank})"


def _leaves(value: Any) -> Iterator[Any]:
    from ..tree import flatten

    for leaf in flatten(value)[0]:
        if hasattr(leaf, "shape") and len(leaf.shape) > 0:
            yield leaf


def _batch_size(batch: Any) -> int | None:
    sizes = {int(leaf.shape[0]) for leaf in _leaves(batch)}
    if len(sizes) > 1:
        raise ShapeError(f"the batch's arrays have different first dimensions {sorted(sizes)}")
    return sizes.pop() if sizes else None


def _take_rows(value: Any, count: int) -> Any:
    from ..tree import map_leaves

    return map_leaves(
        lambda leaf: leaf[:count] if hasattr(leaf, "shape") and len(leaf.shape) else leaf, value
    )
