"""The process around PyTorch: its launcher's environment and its process group (PyTorch).

Nothing here imports torch: the registry reaches these functions through the
backend class before the backend is constructed, and a plain process that
never imported torch must not pay for asking.
"""

from __future__ import annotations

import contextlib
import os
import socket
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
    """``torch.compile`` has no process-wide eager switch: ``ug.function`` checks unigrad's own."""


def launch_environments(nprocs: int, take_ports: Callable[[int], list[int]]) -> list[dict[str, str]]:
    """What ``torchrun --standalone`` gives each of ``nprocs`` processes (besides ``RANK`` and the like)."""
    (master,) = take_ports(1)
    variables = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(master)}
    # gloo picks its network interface from the host name, which need not be loopback
    loopback = os.environ.get("GLOO_SOCKET_IFNAME") or _loopback_interface()
    if loopback:
        variables["GLOO_SOCKET_IFNAME"] = loopback
    return [dict(variables) for _ in range(nprocs)]


def _loopback_interface() -> str | None:
    try:
        names = {name for _, name in socket.if_nameindex()}
    except (OSError, AttributeError):  # a platform without if_nameindex
        return None
    return next((name for name in ("lo", "lo0") if name in names), None)


def _group() -> Any:
    # only when the program already imported torch.distributed: asking must not import torch
    dist = sys.modules.get("torch.distributed")
    if dist is not None and dist.is_available() and dist.is_initialized():
        return dist
    return None


def process_group_position() -> tuple[int, int] | None:
    """(rank, world size) in an initialised ``torch.distributed`` process group, or None."""
    dist = _group()
    if dist is None:
        return None
    return int(dist.get_rank()), int(dist.get_world_size())


def launcher_position() -> tuple[int, int] | None:
    """None: torchrun's variables (``RANK``, ``WORLD_SIZE``) are unigrad's own, read by the core."""
    return None


def end_process_group() -> None:
    """Leave the process group, if this process joined one (at the end of a launched replica)."""
    dist = _group()
    if dist is not None:
        with contextlib.suppress(Exception):
            dist.destroy_process_group()
