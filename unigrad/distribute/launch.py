"""``launch(fn, nprocs=N)``: an N-process run on this machine, as ``torchrun --standalone`` makes one.

Each replica is a fresh (spawned) Python process with the environment the
frameworks' own launchers set (each built-in backend's ``launch_environments``):
``MASTER_ADDR``/``MASTER_PORT``/``RANK``/``WORLD_SIZE``/``LOCAL_RANK`` for
``torch.distributed`` and ``TF_CONFIG`` for TensorFlow's
``MultiWorkerMirroredStrategy``, on loopback ports found free. So
the same ``fn`` runs unchanged under ``torchrun`` or with ``TF_CONFIG`` on
several machines.

Results come back through files, not queues: a queue holding tensors
deadlocks when the process that filled it exits (its feeder thread waits for
the reader), and tensors do not pickle across frameworks anyway. Each
replica's return value, with tensors turned into NumPy arrays, is pickled to
a temporary directory that the parent reads.

A replica that raises ends the run: the parent sees it exit, stops the
others (they may be blocked in a collective that will never complete), and
raises :class:`ReplicaError` with that replica's traceback.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ..errors import ArgumentError, UnigradError

__all__ = ["launch", "ReplicaError", "LaunchTimeoutError", "free_ports"]

_GRACE = 3.0  # seconds a stopped replica gets to exit before it is killed
_LINGER = 30.0  # seconds a finished replica waits for the others before it exits anyway


class ReplicaError(UnigradError, RuntimeError):
    """A replica of a :func:`launch` run failed; ``rank`` says which, ``remote_traceback`` how."""

    def __init__(self, message: str, rank: int, remote_traceback: str) -> None:
        super().__init__(message)
        self.rank, self.remote_traceback = rank, remote_traceback


class LaunchTimeoutError(UnigradError, TimeoutError):
    """A :func:`launch` run took longer than its ``timeout``; every replica was stopped."""


def free_ports(count: int) -> list[int]:
    """``count`` distinct loopback ports that were free a moment ago (the OS picks them)."""
    with _port_pool() as take:
        return take(count)


@contextlib.contextmanager
def _port_pool() -> Iterator[Callable[[int], list[int]]]:
    """``take(n)``: ``n`` free loopback ports, distinct from all others taken before the block ends."""
    held: list[socket.socket] = []

    def take(count: int) -> list[int]:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))  # kept bound until the block ends, so the OS cannot hand it out twice
            held.append(s)
        return [s.getsockname()[1] for s in held[-count:]] if count else []

    try:
        yield take
    finally:
        for s in held:
            s.close()


def _environments(nprocs: int, env: Mapping[str, str] | None) -> list[dict[str, str]]:
    from ..config import builtin_classes, get_backend

    threads = max(1, (os.cpu_count() or 1) // nprocs)
    found = [
        {
            "RANK": str(rank),
            "LOCAL_RANK": str(rank),
            "WORLD_SIZE": str(nprocs),
            "LOCAL_WORLD_SIZE": str(nprocs),
            "GROUP_RANK": "0",
            # the parent's backend, so `ug.set_backend("tf"); launch(fn)` runs fn on TensorFlow
            "UNIGRAD_BACKEND": os.environ.get("UNIGRAD_BACKEND") or get_backend(),
            # as torchrun does: N processes each with all the cores' threads would oversubscribe them
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", str(threads)),
        }
        for rank in range(nprocs)
    ]
    # what each framework's own launcher sets (torchrun's MASTER_ADDR, TensorFlow's TF_CONFIG),
    # so that any backend the replicas use finds its peers
    with _port_pool() as take:
        for backend in builtin_classes():
            for variables, extra in zip(found, backend.launch_environments(nprocs, take), strict=True):
                variables.update(extra)
    for variables in found:
        variables.update(env or {})
    return found


def _host_values(value: Any) -> Any:
    from ..backends import builtin_for_framework
    from ..ops._dispatch import framework_of
    from ..ops.conversion import to_numpy
    from ..tree import map_leaves

    def leaf(x: Any) -> Any:
        return to_numpy(x, copy=True) if builtin_for_framework(framework_of(x)) is not None else x

    return map_leaves(leaf, value)


def _replica(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    env: dict[str, str],
    folder: str,
    rank: int,
    replicas: int,
) -> None:
    """The body of each spawned process: run ``fn``, write its result or traceback, exit.

    A replica that finished stays up until every replica has written its result
    (or one failed): a peer may still be reading the last collective's data from
    it (TensorFlow's workers serve it over gRPC), which its exit would cut off.
    """
    os.environ.update(env)
    code = 0
    try:
        result = _host_values(fn(*args, **kwargs))
        with open(os.path.join(folder, f"{rank}.result"), "wb") as file:
            pickle.dump(result, file)
        _linger(folder, replicas)
    except BaseException:
        code = 1
        with open(os.path.join(folder, f"{rank}.error"), "w") as file:
            file.write(traceback.format_exc())
    finally:
        if code == 0:
            from ..config import builtin_classes

            for backend in builtin_classes():
                backend.end_process_group()
        sys.stdout.flush()
        sys.stderr.flush()
        # skip interpreter teardown: framework threads (TF's collective runtime, a
        # gloo connection to a replica already gone) can hang it
        os._exit(code)


def _linger(folder: str, replicas: int) -> None:
    """Wait until every replica wrote its result or one wrote an error (at most :data:`_LINGER` s)."""
    deadline = time.monotonic() + _LINGER
    while time.monotonic() < deadline:
        names = os.listdir(folder)
        done = sum(name.endswith(".result") for name in names)
        if done >= replicas or any(name.endswith(".error") for name in names):
            return
        time.sleep(0.02)


def _stop(processes: Sequence[Any]) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + _GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def launch(
    fn: Callable[..., Any],
    nprocs: int,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    env: Mapping[str, str] | None = None,
) -> list[Any]:
    """Run ``fn(*args, **kwargs)`` in ``nprocs`` processes on this machine; return their results by rank.

    Args:
        fn: a function importable by name (defined at a module's top level:
            spawned processes import it afresh).
        nprocs: how many replicas (processes).
        args: positional arguments for ``fn`` in every replica (pickled).
        kwargs: keyword arguments for ``fn`` in every replica (pickled).
        timeout: seconds the whole run may take; then every replica is
            stopped and :class:`LaunchTimeoutError` raised. None: no limit.
        env: extra environment variables for the replicas.

    Returns:
        Each replica's return value, tensors as NumPy arrays, in rank order.

    Raises:
        ReplicaError: a replica raised (or died); carries its rank and traceback.
            The others are stopped at once.

    Examples:
        >>> import unigrad as ug
        >>> ug.distribute.launch(ug.distribute.rank, nprocs=2)  # doctest: +SKIP
        [0, 1]
    """
    if not isinstance(nprocs, int) or nprocs < 1:
        raise ArgumentError(f"nprocs must be an int >= 1, got {nprocs!r}")
    context = multiprocessing.get_context("spawn")  # forking a process with framework threads is unsafe
    with tempfile.TemporaryDirectory(prefix="unigrad-launch-") as folder:
        processes = [
            context.Process(
                target=_replica,
                args=(fn, tuple(args), dict(kwargs or {}), variables, folder, rank, nprocs),
                name=f"unigrad-replica-{rank}",
            )
            for rank, variables in enumerate(_environments(nprocs, env))
        ]
        try:
            for process in processes:
                process.start()
            _wait(processes, folder, timeout)
        finally:
            _stop(processes)
        results = []
        for rank in range(nprocs):
            with open(os.path.join(folder, f"{rank}.result"), "rb") as file:
                results.append(pickle.load(file))
    return results


def _wait(processes: list[Any], folder: str, timeout: float | None) -> None:
    """Return when every replica exited cleanly; raise as soon as one fails or time runs out."""
    deadline = None if timeout is None else time.monotonic() + timeout
    running = {process.sentinel: rank for rank, process in enumerate(processes)}
    while running:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise LaunchTimeoutError(
                f"the run took longer than its timeout of {timeout} s; replicas {sorted(running.values())} "
                "were still running and have been stopped"
            )
        for sentinel in multiprocessing.connection.wait(list(running), timeout=left):
            rank = running.pop(sentinel)
            processes[rank].join()  # (exited: this only reaps it, so that exitcode is set)
            code = processes[rank].exitcode
            if code != 0:
                raise _failure(rank, len(processes), code, folder)


def _failure(rank: int, nprocs: int, code: int | None, folder: str) -> ReplicaError:
    path = os.path.join(folder, f"{rank}.error")
    if os.path.exists(path):
        with open(path) as file:
            remote = file.read()
    else:  # killed, or crashed below Python
        remote = f"(no Python traceback: the process exited with code {code})\n"
    return ReplicaError(
        f"replica {rank} of {nprocs} failed; the others were stopped. Its traceback:\n{remote}",
        rank,
        remote,
    )
