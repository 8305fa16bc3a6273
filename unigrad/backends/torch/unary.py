"""Array API elementwise functions of one tensor, and ``clip``, on PyTorch.

Most are torch's own; array-api-compat where torch departs from the standard.
"""

from __future__ import annotations

from typing import Any

import array_api_compat.torch as xp
import torch

__all__ = [
    "abs",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "bitwise_invert",
    "ceil",
    "clip",
    "conj",
    "cos",
    "cosh",
    "exp",
    "expm1",
    "floor",
    "imag",
    "isfinite",
    "isinf",
    "isnan",
    "log",
    "log10",
    "log1p",
    "log2",
    "logical_not",
    "negative",
    "positive",
    "real",
    "reciprocal",
    "round",
    "sign",
    "signbit",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "tan",
    "tanh",
    "trunc",
]

Tensor = torch.Tensor

# straight to torch: hot, and torch's semantics are the standard's here
abs = torch.abs
acos = torch.acos
acosh = torch.acosh
asin = torch.asin
asinh = torch.asinh
atan = torch.atan
atanh = torch.atanh
bitwise_invert = torch.bitwise_not
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
sign = xp.sign
round = xp.round
clip = xp.clip


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
