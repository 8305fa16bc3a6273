"""Array API elementwise functions of one tensor, and ``clip``.

Each function runs on the active backend over its native tensors; its body is
generated from the signature below (see :mod:`unigrad.ops._dispatch`).
"""

from __future__ import annotations

from ..types import Array, ArrayLike
from ._dispatch import op

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
    "log1p",
    "log2",
    "log10",
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
    "square",
    "sqrt",
    "tan",
    "tanh",
    "trunc",
]


@op
def abs(x: Array, /) -> Array:
    """Absolute value, elementwise."""


@op
def acos(x: Array, /) -> Array:
    """Inverse cosine, elementwise."""


@op
def acosh(x: Array, /) -> Array:
    """Inverse hyperbolic cosine, elementwise."""


@op
def asin(x: Array, /) -> Array:
    """Inverse sine, elementwise."""


@op
def asinh(x: Array, /) -> Array:
    """Inverse hyperbolic sine, elementwise."""


@op
def atan(x: Array, /) -> Array:
    """Inverse tangent, elementwise."""


@op
def atanh(x: Array, /) -> Array:
    """Inverse hyperbolic tangent, elementwise."""


@op
def bitwise_invert(x: Array, /) -> Array:
    """Bitwise NOT of an integer or boolean tensor."""


@op
def ceil(x: Array, /) -> Array:
    """Smallest integer value not below ``x``, elementwise (same dtype)."""


@op
def clip(x: Array, /, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Array:
    """``x`` limited to ``[min, max]``; either bound may be ``None``."""


@op
def conj(x: Array, /) -> Array:
    """Complex conjugate, elementwise."""


@op
def cos(x: Array, /) -> Array:
    """Cosine, elementwise."""


@op
def cosh(x: Array, /) -> Array:
    """Hyperbolic cosine, elementwise."""


@op
def exp(x: Array, /) -> Array:
    """``e ** x``, elementwise."""


@op
def expm1(x: Array, /) -> Array:
    """``exp(x) - 1``, accurate near zero."""


@op
def floor(x: Array, /) -> Array:
    """Largest integer value not above ``x``, elementwise (same dtype)."""


@op
def imag(x: Array, /) -> Array:
    """Imaginary part (zeros for a real tensor)."""


@op
def isfinite(x: Array, /) -> Array:
    """Whether each element is finite."""


@op
def isinf(x: Array, /) -> Array:
    """Whether each element is positive or negative infinity."""


@op
def isnan(x: Array, /) -> Array:
    """Whether each element is NaN."""


@op
def log(x: Array, /) -> Array:
    """Natural logarithm, elementwise."""


@op
def log1p(x: Array, /) -> Array:
    """``log(1 + x)``, accurate near zero."""


@op
def log2(x: Array, /) -> Array:
    """Base-2 logarithm, elementwise."""


@op
def log10(x: Array, /) -> Array:
    """Base-10 logarithm, elementwise."""


@op
def logical_not(x: Array, /) -> Array:
    """Logical NOT, elementwise."""


@op
def negative(x: Array, /) -> Array:
    """``-x``, elementwise."""


@op
def positive(x: Array, /) -> Array:
    """``+x``, elementwise (a copy)."""


@op
def real(x: Array, /) -> Array:
    """Real part (the tensor itself for a real tensor)."""


@op
def reciprocal(x: Array, /) -> Array:
    """``1 / x``, elementwise."""


@op
def round(x: Array, /) -> Array:
    """Round to the nearest integer value, halves to even."""


@op
def sign(x: Array, /) -> Array:
    """Sign of each element: -1, 0 or 1 (NaN stays NaN)."""


@op
def signbit(x: Array, /) -> Array:
    """Whether the sign bit is set (true for ``-0.0``)."""


@op
def sin(x: Array, /) -> Array:
    """Sine, elementwise."""


@op
def sinh(x: Array, /) -> Array:
    """Hyperbolic sine, elementwise."""


@op
def square(x: Array, /) -> Array:
    """``x * x``, elementwise."""


@op
def sqrt(x: Array, /) -> Array:
    """Square root, elementwise."""


@op
def tan(x: Array, /) -> Array:
    """Tangent, elementwise."""


@op
def tanh(x: Array, /) -> Array:
    """Hyperbolic tangent, elementwise."""


@op
def trunc(x: Array, /) -> Array:
    """Round towards zero, elementwise (same dtype)."""
