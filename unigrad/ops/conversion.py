"""Moving tensors between frameworks, NumPy and devices.

These look at the tensor they are given, not at the active backend, so
``ug.to_numpy`` works on a TensorFlow tensor while PyTorch is active.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..backends import builtin_for_framework
from ..config import _instances, backend_instance
from ..errors import BackendMismatchError
from ..types import Array, DeviceLike
from ._dispatch import framework_of

__all__ = ["to_numpy", "convert", "device_of", "to_device", "backend_of"]


def backend_of(x: Any) -> Any:
    """The backend whose framework made the tensor ``x``."""
    framework = framework_of(x)
    for backend in list(_instances.values()):
        if backend.is_tensor(x):
            return backend
    if (builtin := builtin_for_framework(framework)) is not None:
        return backend_instance(builtin)
    raise BackendMismatchError(
        f"expected a tensor of an installed backend (torch or tensorflow), got {type(x).__name__}"
    )


def to_numpy(x: Any, *, copy: bool = False) -> np.ndarray[Any, Any]:
    """``x`` as a NumPy array, sharing memory where the framework allows unless ``copy``.

    A CPU torch tensor shares its buffer (as ``Tensor.numpy()``); a TensorFlow
    tensor gives a read-only view. Pass ``copy=True`` for an array you may write to.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.asarray([1, 2]))
        array([1, 2])
    """
    if isinstance(x, (np.ndarray, np.generic, bool, int, float, complex)):
        return np.array(x, copy=True) if copy else np.asarray(x)
    return backend_of(x).to_numpy(x, copy=copy)


def convert(x: Any, backend: str) -> Any:
    """``x`` as a tensor of ``backend``, sharing memory through DLPack where it can.

    Works on a tensor or on lists, tuples and dicts of tensors (a state dict).
    Buffers that TensorFlow cannot take safely (misaligned, strided) are copied.

    Examples:
        >>> import unigrad as ug
        >>> t = ug.convert(ug.asarray([1.0, 2.0]), "torch")
        >>> type(t).__module__
        'torch'
    """
    target = backend_instance(backend)
    if isinstance(x, Mapping):
        return type(x)({k: convert(v, backend) for k, v in x.items()})  # type: ignore[call-arg]
    if isinstance(x, (list, tuple)):
        return type(x)(convert(v, backend) for v in x)
    if target.is_tensor(x):
        return x
    if isinstance(x, (np.ndarray, np.generic, bool, int, float, complex)):
        return target.asarray(x)
    source = backend_of(x)
    try:
        return target.import_dlpack(source.export_dlpack(x))
    except (TypeError, ValueError, RuntimeError, BufferError):
        # a dtype or device DLPack cannot carry between these two: go through host memory
        return target.from_numpy(source.to_numpy(x, copy=True))


def device_of(x: Array) -> str:
    """The unigrad name of the device holding ``x``, e.g. ``"cpu:0"`` or ``"gpu:1"``."""
    return backend_of(x).device_of(x)


def to_device(x: Array, device: DeviceLike) -> Array:
    """``x`` on ``device`` (a copy unless it is there already)."""
    return backend_of(x).to_device(x, device)
