"""Device names for the PyTorch backend: ``"cpu:0"`` and ``"gpu:N"`` (CUDA)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from unigrad.backends.api import DeviceSpec, parse_device, unknown_device

__all__ = ["devices", "device_of", "to_device", "default_device", "native_device", "device_scope"]


def devices() -> list[str]:
    found = ["cpu:0"]
    if torch.cuda.is_available():
        found += [f"gpu:{i}" for i in range(torch.cuda.device_count())]
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        found.append("mps:0")
    return found


def _name(device: torch.device) -> str:
    kind = {"cuda": "gpu"}.get(device.type, device.type)
    return f"{kind}:{device.index or 0}"


def native_device(device: Any) -> torch.device | None:
    """A torch device for a unigrad name, a torch device or ``None`` (the default)."""
    if device is None or isinstance(device, torch.device):
        return device
    spec: DeviceSpec = parse_device(device)
    if spec.kind == "cpu":
        return torch.device("cpu")
    name = f"{spec.kind}:{spec.index}"
    if name not in devices():
        raise unknown_device(device, devices())
    return torch.device("cuda" if spec.kind == "gpu" else spec.kind, spec.index)


def device_of(x: torch.Tensor) -> str:
    return _name(x.device)


def to_device(x: torch.Tensor, device: Any) -> torch.Tensor:
    return x.to(native_device(device))


def default_device() -> str:
    return _name(torch.empty(0).device)


@contextmanager
def device_scope(device: Any) -> Iterator[str]:
    """``with ug.device(...)``: torch's device context; factory calls without ``device=`` land there."""
    if not isinstance(device, torch.device) and str(parse_device(device)) not in devices():
        # (native_device maps any "cpu:N" to the one CPU; a scope should name a real device)
        raise unknown_device(device, devices())
    target = native_device(device)
    assert target is not None
    with target:
        yield _name(target)
