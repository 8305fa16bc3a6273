"""Initializers, drawn from :mod:`unigrad.random` so the same seed gives the same bits everywhere.

Each returns a new tensor of the active backend; the layers wrap them in
:class:`~unigrad.nn.Parameter`. The defaults are PyTorch's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import random
from ..ops import creation

__all__ = ["uniform", "normal", "zeros", "ones", "kaiming_uniform", "xavier_uniform", "fan_in_and_out"]


def fan_in_and_out(shape: Sequence[int]) -> tuple[int, int]:
    """PyTorch's fans: ``(in, out)`` for ``(out, in, *kernel)`` weights."""
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need at least 2 dimensions, got shape {tuple(shape)}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def uniform(shape: Sequence[int], low: float, high: float, dtype: Any = None) -> Any:
    return random.uniform(tuple(shape), low, high, dtype=dtype)


def normal(shape: Sequence[int], mean: float = 0.0, std: float = 1.0, dtype: Any = None) -> Any:
    return random.normal(tuple(shape), mean, std, dtype=dtype)


def zeros(shape: Sequence[int], dtype: Any = None) -> Any:
    return creation.zeros(tuple(shape), dtype=dtype)


def ones(shape: Sequence[int], dtype: Any = None) -> Any:
    return creation.ones(tuple(shape), dtype=dtype)


def kaiming_uniform(shape: Sequence[int], a: float = math.sqrt(5), dtype: Any = None) -> Any:
    """``torch.nn.init.kaiming_uniform_`` (leaky-ReLU gain): PyTorch's default for weights.

    With ``a = sqrt(5)`` the bound is ``1 / sqrt(fan_in)``.
    """
    fan_in, _ = fan_in_and_out(shape)
    gain = math.sqrt(2.0 / (1 + a * a))
    bound = gain * math.sqrt(3.0 / fan_in) if fan_in else 0.0
    return uniform(shape, -bound, bound, dtype)


def xavier_uniform(shape: Sequence[int], gain: float = 1.0, dtype: Any = None) -> Any:
    fan_in, fan_out = fan_in_and_out(shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform(shape, -bound, bound, dtype)
