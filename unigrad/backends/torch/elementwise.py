"""Array API elementwise functions of two tensors on PyTorch (of one: ``unary.py``).

unigrad's public functions have already cast both operands to their common
dtype (see :mod:`unigrad.ops.promotion`), so the fast arithmetic below calls
torch directly; the functions that torch will not give a Python scalar in
some position go through array-api-compat, which converts it.
"""

from __future__ import annotations

import math
from typing import Any

import array_api_compat.torch as xp
import torch

__all__ = [
    "add",
    "atan2",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "copysign",
    "divide",
    "equal",
    "floor_divide",
    "greater",
    "greater_equal",
    "hypot",
    "less",
    "less_equal",
    "logaddexp",
    "logical_and",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "multiply",
    "nextafter",
    "not_equal",
    "pow",
    "remainder",
    "subtract",
]

Tensor = torch.Tensor

# straight to torch: hot, and torch's semantics are the standard's here
add = torch.add
subtract = torch.subtract
multiply = torch.multiply
divide = torch.divide
bitwise_and = torch.bitwise_and
bitwise_or = torch.bitwise_or
bitwise_xor = torch.bitwise_xor
bitwise_left_shift = torch.bitwise_left_shift
bitwise_right_shift = torch.bitwise_right_shift
equal = torch.eq
not_equal = torch.ne
greater = torch.gt
greater_equal = torch.ge
less = torch.lt
less_equal = torch.le
pow = torch.pow

# array-api-compat: scalar operands and edge cases torch gets wrong
copysign = xp.copysign
hypot = xp.hypot
logaddexp = xp.logaddexp
logical_and = xp.logical_and
logical_or = xp.logical_or
logical_xor = xp.logical_xor
nextafter = xp.nextafter


def maximum(x1: Any, x2: Any, /) -> Tensor:
    if isinstance(x2, (int, float)) and isinstance(x1, Tensor) and not math.isnan(x2):
        return torch.clamp_min(x1, x2)  # ug.maximum(x, 0.0) is ReLU: keep it one kernel
    return xp.maximum(x1, x2)


def minimum(x1: Any, x2: Any, /) -> Tensor:
    if isinstance(x2, (int, float)) and isinstance(x1, Tensor) and not math.isnan(x2):
        return torch.clamp_max(x1, x2)
    return xp.minimum(x1, x2)


def atan2(x1: Any, x2: Any, /) -> Tensor:
    if not isinstance(x2, Tensor):  # torch.atan2 takes no scalar
        x2 = torch.asarray(x2, dtype=x1.dtype, device=x1.device)
    return torch.atan2(x1, x2)


def _tensor_like(value: Any, like: Tensor) -> Tensor:
    return (
        value if isinstance(value, Tensor) else torch.as_tensor(value, dtype=like.dtype, device=like.device)
    )


def floor_divide(x1: Any, x2: Any, /) -> Tensor:
    out = torch.floor_divide(x1, x2)
    if not out.dtype.is_floating_point:
        return out
    # torch divides through fmod, which is NaN for inf // finite and -1 for -1 // inf; the
    # standard takes those from the true quotient: +-inf, and a zero with the quotient's sign
    a, b = _tensor_like(x1, out), _tensor_like(x2, out)
    return torch.where(torch.isinf(a) | torch.isinf(b), torch.floor(a / b), out)


def remainder(x1: Any, x2: Any, /) -> Tensor:
    out = torch.remainder(x1, x2)
    if not out.dtype.is_floating_point:
        return out
    # a zero remainder takes the divisor's sign, as every other one does (-0 % 2 = +0)
    b = _tensor_like(x2, out)
    return torch.where(out == 0, torch.copysign(out, b), out)
