"""Who this process is in a multi-process run: rank, world size, local rank.

Read, in order, from a framework's process group that this process has
joined (``torch.distributed``; each built-in backend's
``process_group_position``), the variables ``torchrun`` and
:func:`unigrad.distribute.launch` set (``RANK``, ``WORLD_SIZE``,
``LOCAL_RANK``), and a framework launcher's own environment (TensorFlow's
``TF_CONFIG``; ``launcher_position``). A plain single process is rank 0 of 1.
Nothing here imports a framework: the backends are asked through their
classes, whose ``runtime`` modules import none.
"""

from __future__ import annotations

import os

from ..config import builtin_classes
from ..errors import ArgumentError

__all__ = [
    "rank",
    "world_size",
    "local_rank",
    "is_main",
    "DEFAULT_TIMEOUT",
    "timeout_seconds",
]

DEFAULT_TIMEOUT = 300.0
"""Seconds a collective may wait for the other replicas before failing (``UNIGRAD_DIST_TIMEOUT``)."""


def timeout_seconds(timeout: float | None) -> float:
    """``timeout``, or ``$UNIGRAD_DIST_TIMEOUT``, or :data:`DEFAULT_TIMEOUT`."""
    if timeout is not None:
        if timeout <= 0:
            raise ArgumentError(f"timeout must be > 0 seconds, got {timeout}")
        return float(timeout)
    return float(os.environ.get("UNIGRAD_DIST_TIMEOUT", DEFAULT_TIMEOUT))


def _position(of: str) -> tuple[int, int] | None:
    """The first (rank, world size) that a built-in backend's ``of`` classmethod finds."""
    for backend in builtin_classes():
        found = getattr(backend, of)()
        if found is not None:
            return found
    return None


def rank() -> int:
    """This process's rank, 0 to ``world_size() - 1``.

    Examples:
        >>> import unigrad as ug
        >>> ug.distribute.rank()  # a plain process
        0
    """
    group = _position("process_group_position")
    if group is not None:
        return group[0]
    if "RANK" in os.environ:
        return int(os.environ["RANK"])
    launcher = _position("launcher_position")
    return 0 if launcher is None else launcher[0]


def world_size() -> int:
    """How many processes take part in the run (1 for a plain process)."""
    group = _position("process_group_position")
    if group is not None:
        return group[1]
    if "WORLD_SIZE" in os.environ:
        return int(os.environ["WORLD_SIZE"])
    launcher = _position("launcher_position")
    return 1 if launcher is None else launcher[1]


def local_rank() -> int:
    """This process's index among those on its machine (picks its GPU)."""
    return int(os.environ.get("LOCAL_RANK", "0"))


def is_main() -> bool:
    """Whether this is rank 0, the process that logs and writes checkpoints.

    Examples:
        >>> import unigrad as ug
        >>> ug.distribute.is_main()
        True
    """
    return rank() == 0
