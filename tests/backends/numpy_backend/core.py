"""dtypes, promotion, conversion and devices of the NumPy backend (the Core and Device protocols)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from unigrad.backends.api import (
    BackendMismatchError,
    DType,
    as_dtype,
    mismatch_message,
    numpy_dtype,
    parse_device,
    result_type,
    unknown_device,
)

__all__ = [
    "is_tensor",
    "promote",
    "dtype_of",
    "native_dtype",
    "to_numpy",
    "from_numpy",
    "export_dlpack",
    "import_dlpack",
    "compile_function",
    "in_graph",
    "from_host",
    "graph_checked",
    "devices",
    "device_of",
    "to_device",
    "default_device",
]

_SCALARS = (bool, int, float, complex)


def is_tensor(x: object) -> bool:
    return isinstance(x, (np.ndarray, np.generic))


def dtype_of(x: Any) -> DType:
    return as_dtype(x.dtype)


def native_dtype(dtype: Any) -> np.dtype[Any] | None:
    return None if dtype is None else numpy_dtype(dtype)


def promote(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Both operands cast to unigrad's result type (NumPy's own rules differ: int32 * 0.5 is float64)."""
    for x in (x1, x2):
        if not isinstance(x, _SCALARS) and not is_tensor(x):
            raise TypeError(mismatch_message("binary op", x, "numpy"))
    specs = [x if isinstance(x, _SCALARS) else dtype_of(x) for x in (x1, x2)]
    dtype = numpy_dtype(result_type(*specs))
    return np.asarray(x1, dtype=dtype), np.asarray(x2, dtype=dtype)


def to_numpy(x: Any, copy: bool = False) -> np.ndarray[Any, Any]:
    if not is_tensor(x):
        raise BackendMismatchError(mismatch_message("to_numpy", x, "numpy"))
    return np.array(x, copy=True) if copy else np.asarray(x)


def from_numpy(array: np.ndarray[Any, Any], device: Any = None) -> np.ndarray[Any, Any]:
    _check_device(device)
    return np.asarray(array)


def export_dlpack(x: Any) -> np.ndarray[Any, Any]:
    return np.ascontiguousarray(x)


def import_dlpack(obj: Any) -> np.ndarray[Any, Any]:
    return np.from_dlpack(obj)


# NumPy runs eagerly: there is no graph to compile to or trace into.


def compile_function(fn: Callable[..., Any], jit_compile: bool, options: dict[str, Any]) -> Any:
    return fn


def in_graph() -> bool:
    return False


def from_host(draw: Callable[[], Any], shape: tuple[int, ...], dtype: Any, device: Any = None) -> Any:
    _check_device(device)
    return np.asarray(draw(), dtype=numpy_dtype(dtype)).reshape(shape)


def graph_checked(value: Any, condition: Any, message: str) -> Any:
    return value


def devices() -> list[str]:
    return ["cpu:0"]


def device_of(x: Any) -> str:
    return "cpu:0"


def to_device(x: Any, device: Any) -> Any:
    _check_device(device)
    return x


def default_device() -> str:
    return "cpu:0"


def _check_device(device: Any) -> None:
    if device is not None and parse_device(device).kind != "cpu":
        raise unknown_device(device, devices())
