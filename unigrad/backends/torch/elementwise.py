"""Array API elementwise functions on PyTorch.

unigrad's public functions have already cast both operands of a binary op to
their common dtype (see ``core.promote``), so the fast arithmetic below calls
torch directly; the functions that torch will not give a Python scalar in
some position go through array-api-compat, which converts it.
"""

from __future__ import annotations

import math
from typing import Any

import array_api_compat.torch as xp
import torch

__all__ = [
    "abs",
    "acos",
    "acosh",
    "add",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "bitwise_and",
    "bitwise_left_shift",
    "bitwise_invert",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "ceil",
    "clip",
    "conj",
    "copysign",
    "cos",
    "cosh",
    "divide",
    "equal",
    "exp",
    "expm1",
    "floor",
    "floor_divide",
    "greater",
    "greater_equal",
    "hypot",
    "imag",
    "isfinite",
    "isinf",
    "isnan",
    "less",
    "less_equal",
    "log",
    "log1p",
    "log2",
    "log10",
    "logaddexp",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "nextafter",
    "not_equal",
    "positive",
    "pow",
    "real",
    "reciprocal",
    "remainder",
    "round",
    "sign",
    "signbit",
    "sin",
    "sinh",
    "square",
    "sqrt",
    "subtract",
    "tan",
    "tanh",
    "trunc",
]

Tensor = torch.Tensor

# straight to torch: hot, and torch's semantics are the standard's here
add = torch.add
subtract = torch.subtract
multiply = torch.multiply
divide = torch.divide
remainder = torch.remainder
floor_divide = torch.floor_divide
bitwise_and = torch.bitwise_and
bitwise_or = torch.bitwise_or
bitwise_xor = torch.bitwise_xor
bitwise_left_shift = torch.bitwise_left_shift
bitwise_right_shift = torch.bitwise_right_shift
bitwise_invert = torch.bitwise_not
equal = torch.eq
not_equal = torch.ne
greater = torch.gt
greater_equal = torch.ge
less = torch.lt
less_equal = torch.le
pow = torch.pow

abs = torch.abs
acos = torch.acos
acosh = torch.acosh
asin = torch.asin
asinh = torch.asinh
atan = torch.atan
atanh = torch.atanh
cos = torch.cos
cosh = torch.cosh
exp = torch.exp
expm1 = torch.expm1
isfinite = torch.isfinite
isinf = torch.isinf
isnan = torch.isnan
log = torch.log
log1p = torch.log1p
log2 = torch.log2
log10 = torch.log10
logical_not = torch.logical_not
negative = torch.negative
sin = torch.sin
sinh = torch.sinh
sqrt = torch.sqrt
square = torch.square
tan = torch.tan
tanh = torch.tanh
signbit = torch.signbit
real = torch.real
conj = xp.conj  # conj_physical: a conjugation bit breaks DLPack and numpy export

# array-api-compat: scalar operands and edge cases torch gets wrong
copysign = xp.copysign
hypot = xp.hypot
logaddexp = xp.logaddexp
logical_and = xp.logical_and
logical_or = xp.logical_or
logical_xor = xp.logical_xor
nextafter = xp.nextafter
sign = xp.sign
round = xp.round
clip = xp.clip


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


def positive(x: Tensor, /) -> Tensor:
    return torch.positive(x) if x.dtype is not torch.bool else x.clone()


def imag(x: Tensor, /) -> Tensor:
    if not x.dtype.is_complex:
        return torch.zeros_like(x)
    return torch.imag(x)


def reciprocal(x: Tensor, /) -> Tensor:
    return torch.reciprocal(x)


def _integer_identity(function: Any) -> Any:
    def rounded(x: Tensor, /) -> Tensor:
        if not x.dtype.is_floating_point and not x.dtype.is_complex:
            return x.clone()  # already integral; torch has no integer kernels for some
        return function(x)

    rounded.__name__ = function.__name__
    return rounded


ceil = _integer_identity(torch.ceil)
floor = _integer_identity(torch.floor)
trunc = _integer_identity(torch.trunc)
