"""Array API creation functions and ``astype`` on PyTorch."""

from __future__ import annotations

from typing import Any

import array_api_compat.torch as xp
import numpy as np
import torch

from .core import from_numpy, native_dtype
from .device import native_device

__all__ = [
    "arange",
    "asarray",
    "astype",
    "empty",
    "empty_like",
    "eye",
    "from_dlpack",
    "full",
    "full_like",
    "linspace",
    "meshgrid",
    "ones",
    "ones_like",
    "tril",
    "triu",
    "zeros",
    "zeros_like",
]

tril = xp.tril
triu = xp.triu


def arange(
    start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None
) -> torch.Tensor:
    return xp.arange(start, stop, step, dtype=native_dtype(dtype), device=native_device(device))


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None) -> torch.Tensor:
    if isinstance(obj, torch.Tensor) and dtype is None and device is None and not copy:
        return obj  # already what was asked for (and torch.asarray would warn about requires_grad)
    dtype, device = native_dtype(dtype), native_device(device)
    if isinstance(obj, np.ndarray) and obj.dtype.name == "bfloat16":
        obj = from_numpy(obj)
    elif isinstance(obj, np.ndarray) and not obj.flags.writeable and copy is not False:
        obj = obj.copy()  # torch warns about read-only buffers it cannot honour
        copy = None
    return xp.asarray(obj, dtype=dtype, device=device, copy=copy)


def astype(x: torch.Tensor, dtype: Any, /, *, copy: bool = True, device: Any = None) -> torch.Tensor:
    return xp.astype(x, native_dtype(dtype), copy=copy, device=native_device(device))  # type: ignore[arg-type]


def empty(shape: Any, *, dtype: Any = None, device: Any = None) -> torch.Tensor:
    return torch.empty(shape, dtype=native_dtype(dtype), device=native_device(device))


def zeros(shape: Any, *, dtype: Any = None, device: Any = None) -> torch.Tensor:
    return torch.zeros(shape, dtype=native_dtype(dtype), device=native_device(device))


def ones(shape: Any, *, dtype: Any = None, device: Any = None) -> torch.Tensor:
    return torch.ones(shape, dtype=native_dtype(dtype), device=native_device(device))


def full(shape: Any, fill_value: Any, *, dtype: Any = None, device: Any = None) -> torch.Tensor:
    return xp.full(shape, fill_value, dtype=native_dtype(dtype), device=native_device(device))


def empty_like(x: torch.Tensor, /, *, dtype: Any = None, device: Any = None) -> torch.Tensor:
    return torch.empty_like(x, dtype=native_dtype(dtype), device=native_device(device))


def zeros_like(x: torch.Tensor, /, *, dtype: Any = None, device: Any = None) -> torch.Tensor:
    return torch.zeros_like(x, dtype=native_dtype(dtype), device=native_device(device))


def ones_like(x: torch.Tensor, /, *, dtype: Any = None, device: Any = None) -> torch.Tensor:
    return torch.ones_like(x, dtype=native_dtype(dtype), device=native_device(device))


def full_like(x: torch.Tensor, /, fill_value: Any, *, dtype: Any = None, device: Any = None) -> torch.Tensor:
    return torch.full_like(x, fill_value, dtype=native_dtype(dtype), device=native_device(device))


def eye(
    n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None, device: Any = None
) -> torch.Tensor:
    return xp.eye(n_rows, n_cols, k=k, dtype=native_dtype(dtype), device=native_device(device))


def linspace(
    start: Any, stop: Any, /, num: int, *, dtype: Any = None, device: Any = None, endpoint: bool = True
) -> torch.Tensor:
    return xp.linspace(
        start, stop, num, dtype=native_dtype(dtype), device=native_device(device), endpoint=endpoint
    )


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> torch.Tensor:
    tensor = torch.from_dlpack(x)
    if copy:
        tensor = tensor.clone()
    return tensor if device is None else tensor.to(native_device(device))


def meshgrid(*arrays: torch.Tensor, indexing: Any = "xy") -> list[torch.Tensor]:
    return list(xp.meshgrid(*arrays, indexing=indexing))
