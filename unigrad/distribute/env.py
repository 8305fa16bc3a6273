"""Who this process is in a multi-process run: rank, world size, local rank.

Read, in order, from an initialised ``torch.distributed`` process group, the
variables ``torchrun`` and :func:`unigrad.distribute.launch` set (``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``), and TensorFlow's ``TF_CONFIG`` (the chief,
if there is one, is rank 0, then the workers). A plain single process is
rank 0 of 1. Nothing here imports a framework.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

__all__ = [
    "rank",
    "world_size",
    "local_rank",
    "is_main",
    "tf_config",
    "tf_cluster_size",
    "DEFAULT_TIMEOUT",
    "timeout_seconds",
]

DEFAULT_TIMEOUT = 300.0
"""Seconds a collective may wait for the other replicas before failing (``UNIGRAD_DIST_TIMEOUT``)."""


def timeout_seconds(timeout: float | None) -> float:
    """``timeout``, or ``$UNIGRAD_DIST_TIMEOUT``, or :data:`DEFAULT_TIMEOUT`."""
    if timeout is not None:
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
        return float(timeout)
    return float(os.environ.get("UNIGRAD_DIST_TIMEOUT", DEFAULT_TIMEOUT))


def _torch_group() -> Any:
    # only when the program already imported torch.distributed: asking must not import torch
    dist = sys.modules.get("torch.distributed")
    if dist is not None and dist.is_available() and dist.is_initialized():
        return dist
    return None


def tf_config() -> dict[str, Any] | None:
    """``$TF_CONFIG`` parsed, or None."""
    text = os.environ.get("TF_CONFIG", "").strip()
    return json.loads(text) if text else None


def _tf_tasks(config: dict[str, Any]) -> list[tuple[str, int]]:
    cluster = config.get("cluster", {})
    return [("chief", i) for i in range(len(cluster.get("chief", [])))] + [
        ("worker", i) for i in range(len(cluster.get("worker", [])))
    ]


def tf_cluster_size() -> int:
    """How many training tasks (chief and workers) ``$TF_CONFIG`` names; 1 without it."""
    config = tf_config()
    return max(1, len(_tf_tasks(config))) if config else 1


def rank() -> int:
    """This process's rank, 0 to ``world_size() - 1``.

    Examples:
        >>> import unigrad as ug
        >>> ug.distribute.rank()  # a plain process
        0
    """
    dist = _torch_group()
    if dist is not None:
        return int(dist.get_rank())
    if "RANK" in os.environ:
        return int(os.environ["RANK"])
    config = tf_config()
    if config and "task" in config:
        task = (config["task"].get("type", "worker"), int(config["task"].get("index", 0)))
        tasks = _tf_tasks(config)
        return tasks.index(task) if task in tasks else 0
    return 0


def world_size() -> int:
    """How many processes take part in the run (1 for a plain process)."""
    dist = _torch_group()
    if dist is not None:
        return int(dist.get_world_size())
    if "WORLD_SIZE" in os.environ:
        return int(os.environ["WORLD_SIZE"])
    return tf_cluster_size()


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
