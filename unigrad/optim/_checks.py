"""What the optimizer modules share: their error, option checks, running on the parameters' backend."""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Mapping
from typing import Any

from ..config import active_backend, use_backend
from ..errors import UnigradError

__all__ = ["OptimizerError", "non_negative", "in_unit_interval", "backend_scope", "is_tensor_like"]


class OptimizerError(UnigradError, ValueError):
    """Options, gradients or a state dict that do not fit the optimizer."""


def backend_scope(backend: Any) -> contextlib.AbstractContextManager[Any]:
    """Run ``ug`` ops on ``backend`` (the parameters' one), whichever backend is active."""
    if active_backend() is backend:
        return contextlib.nullcontext()
    return use_backend(backend.name)


def is_tensor_like(x: Any) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype")


def non_negative(group: Mapping[str, Any], *names: str) -> None:
    """Raise :class:`OptimizerError` unless each named option is a number >= 0."""
    for name in names:
        value = group[name]
        if not isinstance(value, numbers.Real) or not float(value) >= 0:
            raise OptimizerError(f"{name} must be a number >= 0, got {value!r}")


def in_unit_interval(name: str, value: Any) -> None:
    """Raise :class:`OptimizerError` unless ``0 <= value < 1``."""
    if not isinstance(value, numbers.Real) or not 0.0 <= float(value) < 1.0:
        raise OptimizerError(f"{name} must be in [0, 1), got {value!r}")
