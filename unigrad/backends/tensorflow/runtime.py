"""The process around TensorFlow: its launcher's environment (``TF_CONFIG``) and process-wide settings.

Nothing here imports tensorflow: the registry reaches these functions through
the backend class before the backend is constructed, and a plain process that
never imported TensorFlow must not pay for asking.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

__all__ = [
    "set_functions_eagerly",
    "launch_environments",
    "process_group_position",
    "launcher_position",
    "end_process_group",
]


def set_functions_eagerly(enabled: bool) -> None:
    """Also ``tf.config.run_functions_eagerly``, so native ``tf.function`` code follows along."""
    tensorflow = sys.modules.get("tensorflow")
    if tensorflow is not None:
        tensorflow.config.run_functions_eagerly(bool(enabled))


def launch_environments(nprocs: int, take_ports: Callable[[int], list[int]]) -> list[dict[str, str]]:
    """``TF_CONFIG`` for each of ``nprocs`` workers on this machine (``MultiWorkerMirroredStrategy``)."""
    cluster = {"worker": [f"localhost:{port}" for port in take_ports(nprocs)]}
    return [
        {"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": rank}})}
        for rank in range(nprocs)
    ]


def tf_config() -> dict[str, Any] | None:
    """``$TF_CONFIG`` parsed, or None."""
    text = os.environ.get("TF_CONFIG", "").strip()
    return json.loads(text) if text else None


def _tasks(config: dict[str, Any]) -> list[tuple[str, int]]:
    cluster = config.get("cluster", {})
    return [("chief", i) for i in range(len(cluster.get("chief", [])))] + [
        ("worker", i) for i in range(len(cluster.get("worker", [])))
    ]


def tf_cluster_size() -> int:
    """How many training tasks (chief and workers) ``$TF_CONFIG`` names; 1 without it."""
    config = tf_config()
    return max(1, len(_tasks(config))) if config else 1


def process_group_position() -> tuple[int, int] | None:
    """None: TensorFlow's collectives keep no process group that a process could ask."""
    return None


def launcher_position() -> tuple[int, int] | None:
    """(rank, world size) from ``$TF_CONFIG`` (the chief, if there is one, is rank 0), or None without it."""
    config = tf_config()
    if not config:
        return None
    rank = 0
    if "task" in config:
        task = (config["task"].get("type", "worker"), int(config["task"].get("index", 0)))
        tasks = _tasks(config)
        rank = tasks.index(task) if task in tasks else 0
    return rank, tf_cluster_size()


def end_process_group() -> None:
    """Nothing to leave: a strategy's collectives end with the process."""
