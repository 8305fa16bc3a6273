"""Data parallelism and pipeline stages on TensorFlow: ``tf.distribute`` strategies and ``tf.device``.

``DataParallel`` is ``MirroredStrategy`` (this process's devices) or
``MultiWorkerMirroredStrategy`` (the workers of ``TF_CONFIG``). A prepared
model's variables become the strategy's mirrored variables; the user's step
runs in ``strategy.run``, each replica slicing its share of the global batch
inside the graph. Inside a replica the optimizer cannot update a mirrored
variable on its own, so :func:`replica_update` (installed as the optimizer's
hook) does what Keras' optimizers do: average the gradients with
``ReplicaContext.all_reduce``, then in ``merge_call`` apply the same update to
each device's copy with ``strategy.extended.update``, where every mirrored
variable (parameters, optimizer state) reads and writes its local copy.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import tensorflow as tf

from unigrad.backends.api import ArgumentTypeError, BackendError, tree, use_backend
from unigrad.backends.api import distribute_env as env
from unigrad.backends.api import distribute_hooks as _hooks

from .device import native_device
from .runtime import tf_cluster_size

__all__ = ["DataParallelEngine", "replica_sum", "replica_update", "stage_call"]

_MEAN = tf.distribute.ReduceOp.MEAN


def replica_sum(x: Any, group: Any = None) -> Any:
    """``x`` summed over the replicas in sync (differentiable), or None outside a multi-replica step."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context.all_reduce(tf.distribute.ReduceOp.SUM, x)


def _local_devices(devices: Sequence[str] | None) -> list[str]:
    if devices is not None:
        return [str(native_device(d)) for d in devices]
    gpus = tf.config.list_logical_devices("GPU")
    return [d.name for d in gpus or tf.config.list_logical_devices("CPU")]


# One strategy per configuration and process: strategies made later over the same
# devices would reuse the collective keys of the first, and collide with them.
_strategies: dict[tuple[Any, ...], Any] = {}


def _strategy(key: tuple[Any, ...], timeout: float) -> Any:
    name, devices = key
    if name == "mirrored":
        return tf.distribute.MirroredStrategy(list(devices))
    communication = tf.distribute.experimental.CommunicationOptions(timeout_seconds=timeout)
    try:
        return tf.distribute.MultiWorkerMirroredStrategy(communication_options=communication)
    except RuntimeError as exc:  # "Collective ops must be configured at program startup"
        raise BackendError(
            "TensorFlow's MultiWorkerMirroredStrategy must be made before TensorFlow runs its first op: "
            "make ug.distribute.DataParallel() first thing in each worker (before building models or "
            "calling ug ops on the TensorFlow backend)"
        ) from exc


class DataParallelEngine:
    """A Mirrored (one process) or MultiWorkerMirrored (``TF_CONFIG``) strategy and the steps run under it."""

    def __init__(
        self, devices: Sequence[str] | None = None, timeout: float = env.DEFAULT_TIMEOUT, **options: Any
    ):
        if options:
            raise ArgumentTypeError(f"unexpected options for TensorFlow's DataParallel: {sorted(options)}")
        self.name = "multi_worker_mirrored" if tf_cluster_size() > 1 else "mirrored"
        key = (self.name, None if self.name == "multi_worker_mirrored" else tuple(_local_devices(devices)))
        self.strategy: Any = _strategies.get(key)
        if self.strategy is None:
            self.strategy = _strategies[key] = _strategy(key, timeout)
        self.num_replicas = int(self.strategy.num_replicas_in_sync)
        self._runners: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()
        _hooks.replica_update = replica_update

    def prepare(self, model: Any) -> Any:
        made: dict[int, Any] = {}  # a variable shared by two modules stays shared

        def mirrored(value: Any, buffer: bool) -> Any:
            if isinstance(value, tf.distribute.DistributedValues):  # made under dp.scope() already
                return value
            if id(value) not in made:
                # buffers: per-replica running statistics, as DDP keeps them; saved from replica 0
                options = {
                    "synchronization": tf.VariableSynchronization.ON_READ,
                    "aggregation": tf.VariableAggregation.ONLY_FIRST_REPLICA,
                }
                made[id(value)] = tf.Variable(value, trainable=value.trainable, **(options if buffer else {}))
            return made[id(value)]

        with self.strategy.scope():
            for module in model.modules():
                for name, p in list(module._parameters.items()):
                    if p is not None:
                        setattr(module, name, mirrored(p, False))
                for name, b in list(module._buffers.items()):
                    if b is not None:
                        local = mirrored(b, True)
                        module._buffers[name] = local  # (setattr would assign into the old variable)
                        object.__setattr__(module, name, local)
        return model

    def run(
        self, step: Callable[..., Any], batch: tuple[Any, ...], reduce: str | None, compiled: bool
    ) -> Any:
        runners = self._runners.setdefault(step, {})
        runner = runners.get((reduce, compiled))
        if runner is None:
            runner = runners[(reduce, compiled)] = self._runner(step, reduce, compiled)
        batch = tree.map_leaves(_tensor, batch)
        with self.strategy.scope():  # (variables the optimizer makes on its first step are mirrored)
            return runner(*batch)

    def _runner(self, step: Callable[..., Any], reduce: str | None, compiled: bool) -> Callable[..., Any]:
        strategy, replicas = self.strategy, self.num_replicas

        def replica(*batch: Any) -> Any:
            index = tf.distribute.get_replica_context().replica_id_in_sync_group
            # MirroredStrategy runs each replica in a thread of its own, which starts
            # without the caller's context variables: name the backend again
            with use_backend("tensorflow"):
                return step(*tree.map_leaves(lambda leaf: _share(leaf, index, replicas), batch))

        def distributed(*batch: Any) -> Any:
            out = strategy.run(replica, args=batch)
            if reduce == "mean":
                return tree.map_leaves(
                    lambda v: v if v is None else strategy.reduce(_MEAN, v, axis=None), out
                )
            return _local_results(strategy, out)

        from .core import compile_function  # (not at import: core runs an op, which would start TF)

        # exact shapes: a replica's share of the batch is cut with static sizes
        return compile_function(distributed, False, {"reduce_retracing": False}) if compiled else distributed

    def scope(self) -> AbstractContextManager[Any]:
        return self.strategy.scope()

    def barrier(self) -> None:
        if self.name == "multi_worker_mirrored":
            self._all_sum(0)

    def agree(self, value: int) -> int:
        if self.name != "multi_worker_mirrored":
            return value
        return self._all_sum(value if env.rank() == 0 else 0)

    def _all_sum(self, value: int) -> int:
        per_replica = self.strategy.run(lambda: tf.constant(value, tf.int64))
        return int(self.strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None))


def _local_results(strategy: Any, out: Any) -> list[Any]:
    """This process's replicas' outputs, one structure each (a value every replica shares, repeated)."""
    leaves, spec = tree.flatten(out)
    count = len(strategy.extended.worker_devices)
    found = []
    for leaf in leaves:
        values = tuple(strategy.experimental_local_results(leaf)) if leaf is not None else (None,)
        found.append(values if len(values) == count else values[:1] * count)
    return [tree.unflatten(spec, [values[k] for values in found]) for k in range(count)]


def _tensor(leaf: Any) -> Any:
    if leaf is None or isinstance(leaf, (tf.Tensor, tf.Variable)) or not hasattr(leaf, "shape"):
        return leaf
    from .creation import asarray

    return asarray(leaf)


def _share(leaf: Any, index: Any, replicas: int) -> Any:
    """This replica's rows of a global-batch tensor (static shape: a graph keeps its exact shapes)."""
    if not isinstance(leaf, (tf.Tensor, tf.Variable)) or leaf.shape.rank == 0 or replicas == 1:
        return leaf
    rows = int(leaf.shape[0]) // replicas
    grouped = tf.reshape(leaf, [replicas, rows, *leaf.shape[1:]])
    return tf.gather(grouped, index)


def replica_update(optimizer: Any, work: list[tuple[Any, list[Any], list[Any]]]) -> bool:
    """The optimizer's step inside ``strategy.run``: all-reduce the gradients, update every copy."""
    if optimizer._backend.name != "tensorflow" or not work:
        return False
    if not tf.distribute.has_strategy() or tf.distribute.in_cross_replica_context():
        return False
    mirrored = tf.distribute.DistributedValues
    foreign = [p for _, params, _ in work for p in params if not isinstance(p, mirrored)]
    if foreign:
        raise BackendError(
            f"the optimizer updates {len(foreign)} variable(s) that are not the strategy's inside "
            "DataParallel.run: make the optimizer after dp.prepare(model), from model.parameters()"
        )
    context = tf.distribute.get_replica_context()
    grads = context.all_reduce(_MEAN, [g for _, _, group_grads in work for g in group_grads])

    def per_device(_anchor: Any, *local: Any) -> None:
        remaining = iter(local)
        optimizer._step_groups(
            [(group, params, [next(remaining) for _ in params]) for group, params, _ in work]
        )

    def merge(strategy: Any, reduced: list[Any]) -> None:
        # (cross-replica: state variables made now are mirrored, one copy per device)
        optimizer._make_state_variables(work)
        strategy.extended.update(work[0][1][0], per_device, args=tuple(reduced), group=True)

    context.merge_call(merge, args=(grads,))
    return True


def stage_call(stage: Any, x: Any, device: str | None) -> Any:
    """One pipeline stage on ``device``, its backward ops placed there too.

    In a graph TensorFlow puts gradients beside their forward ops; an eager
    tape runs them wherever ``tape.gradient`` is called, so here each stage
    records on its own tape and hands the backward to it, under ``tf.device``.
    """
    name = native_device(device)
    with _placed(name):
        if not tf.executing_eagerly():
            return stage(x)

        @tf.custom_gradient
        def run(inputs: Any) -> Any:
            with tf.GradientTape() as inner:
                inner.watch(inputs)
                out = stage(inputs)

            def backward(upstream: Any, variables: Sequence[Any] | None = None) -> Any:
                with _placed(name):
                    found = inner.gradient(out, [inputs, *(variables or ())], output_gradients=upstream)
                return found[0], found[1:]

            return out, backward

        return run(x)


@contextmanager
def _placed(name: str | None) -> Iterator[None]:
    if name is None:
        yield
    else:
        with tf.device(name):
            yield
