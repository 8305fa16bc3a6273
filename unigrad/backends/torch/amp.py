"""Mixed precision (``ug.autocast``, ``ug.amp``) over torch: ``torch.autocast`` itself."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import torch

from .core import FROM_TORCH, native_dtype

__all__ = ["amp_autocast", "amp_autocast_dtype", "amp_call_if"]

# unigrad's device kinds by torch's name for them
_DEVICE_TYPES = {"gpu": "cuda"}


def _device_type(device_type: str | None) -> str:
    if device_type is None:
        return torch.get_default_device().type
    return _DEVICE_TYPES.get(device_type, device_type)


def amp_autocast(device_type: str | None, dtype: Any, enabled: bool) -> AbstractContextManager[Any]:
    """``torch.autocast`` on ``device_type`` (None: the default device's type) in ``dtype``."""
    return torch.autocast(_device_type(device_type), dtype=native_dtype(dtype), enabled=enabled)


def amp_autocast_dtype(device_type: str | None) -> Any:
    """The compute dtype of torch's autocast on ``device_type`` (a unigrad dtype), or None when it is off.

    With no ``device_type`` (a loss asking whether to compute in float32), the first device kind whose
    autocast is on: no ``torch.get_default_device()``, which ``torch.compile`` cannot trace (it returns
    no tensor) and would break the graph of every compiled step at its loss.
    """
    kinds = _KINDS if device_type is None else (_device_type(device_type),)
    for kind in kinds:
        if torch.is_autocast_enabled(kind):
            return FROM_TORCH[torch.get_autocast_dtype(kind)]
    return None


_KINDS = ("cpu", "cuda")


def amp_call_if(condition: Any, fn: Callable[[], None]) -> None:
    """``fn()`` where the boolean 0-d tensor ``condition`` holds (reading it waits for the device, as
    ``torch.amp.GradScaler.step`` does; torch.compile breaks its graph there)."""
    if bool(condition):
        fn()
