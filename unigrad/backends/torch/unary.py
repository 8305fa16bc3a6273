"""Array API elementwise functions of one tensor, and ``clip``, on PyTorch.

Most are torch's own; array-api-compat where torch departs from the standard.
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
acosh = torch.acosh
asin = torch.asin
asinh = torch.asinh
atan = torch.atan
atanh = torch.atanh
bitwise_invert = torch.bitwise_not
cos = torch.cos
cosh = torch.cosh
exp = torch.exp
isfinite = torch.isfinite
isinf = torch.isinf
isnan = torch.isnan
log = torch.log
log2 = torch.log2
log10 = torch.log10
logical_not = torch.logical_not
negative = torch.negative
sin = torch.sin
sinh = torch.sinh
sqrt = torch.sqrt
square = torch.square
tan = torch.tan
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


# Complex special cases of the standard that torch's kernels miss (NaN where a
# limit exists, or the wrong sign of a zero); real input takes the kernel as it is.


def acos(x: Tensor, /) -> Tensor:
    out = torch.acos(x)
    if not out.dtype.is_complex:
        return out
    # a zero imaginary part of the result has the opposite sign to the input's (acos(0+0j) = pi/2-0j)
    imag = torch.where(out.imag == 0, torch.copysign(torch.zeros_like(out.imag), -x.imag), out.imag)
    return torch.complex(out.real, imag)


def expm1(x: Tensor, /) -> Tensor:
    out = torch.expm1(x)
    if not out.dtype.is_complex:
        return out
    re, im = x.real, x.imag
    inf, nan = torch.full_like(re, math.inf), torch.full_like(re, math.nan)
    # exp(+inf + bj) - 1 = inf * cis(b): +inf + 0j for b = 0, inf + NaN j for b not finite
    at_inf = torch.complex(
        torch.where(torch.isfinite(im), inf * torch.cos(im), inf),
        torch.where(im == 0, im, torch.where(torch.isfinite(im), inf * torch.sin(im), nan)),
    )
    at_nan = torch.complex(nan, torch.where(im == 0, im, nan))  # NaN + 0j keeps its zero
    out = torch.where(re == math.inf, at_inf, out)
    out = torch.where(re == -math.inf, torch.complex(-torch.ones_like(re), torch.zeros_like(re)), out)
    out = torch.where((re == 0) & (im == 0), torch.complex(torch.zeros_like(re), im), out)  # -0+0j: +0+0j
    return torch.where(torch.isnan(re), at_nan, out)


def log1p(x: Tensor, /) -> Tensor:
    out = torch.log1p(x)
    if not out.dtype.is_complex:
        return out
    re, im = x.real, x.imag
    # an infinite part: log|1 + z| is +inf and the angle is atan2's (pi/2, 3pi/4, NaN, ...)
    infinite = torch.isinf(re) | torch.isinf(im)
    at_inf = torch.complex(torch.full_like(re, math.inf), torch.atan2(im, re + 1))
    return torch.where(infinite, at_inf, out)


def tanh(x: Tensor, /) -> Tensor:
    out = torch.tanh(x)
    if not out.dtype.is_complex:
        return out
    re, im = x.real, x.imag
    # tanh(+-inf + yj) = +-1 + 0j with the sign of y (torch's sin(2y) * 0 may be -0)
    limit = torch.complex(torch.sign(re), torch.zeros_like(im) * torch.sign(im))
    return torch.where(torch.isinf(re) & torch.isfinite(im), limit, out)
