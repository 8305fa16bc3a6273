"""Array API elementwise functions of one tensor, and ``clip``.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.
"""

from __future__ import annotations

from ..types import Array, ArrayLike
from ._dispatch import _scoped_get, _state, failed

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


def abs(x: Array, /) -> Array:
    """Absolute value, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.abs(x)
    except Exception as exc:
        return failed(exc, "abs", x)


def acos(x: Array, /) -> Array:
    """Inverse cosine, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.acos(x)
    except Exception as exc:
        return failed(exc, "acos", x)


def acosh(x: Array, /) -> Array:
    """Inverse hyperbolic cosine, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.acosh(x)
    except Exception as exc:
        return failed(exc, "acosh", x)


def asin(x: Array, /) -> Array:
    """Inverse sine, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.asin(x)
    except Exception as exc:
        return failed(exc, "asin", x)


def asinh(x: Array, /) -> Array:
    """Inverse hyperbolic sine, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.asinh(x)
    except Exception as exc:
        return failed(exc, "asinh", x)


def atan(x: Array, /) -> Array:
    """Inverse tangent, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.atan(x)
    except Exception as exc:
        return failed(exc, "atan", x)


def atanh(x: Array, /) -> Array:
    """Inverse hyperbolic tangent, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.atanh(x)
    except Exception as exc:
        return failed(exc, "atanh", x)


def bitwise_invert(x: Array, /) -> Array:
    """Bitwise NOT of an integer or boolean tensor."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.bitwise_invert(x)
    except Exception as exc:
        return failed(exc, "bitwise_invert", x)


def ceil(x: Array, /) -> Array:
    """Smallest integer value not below ``x``, elementwise (same dtype)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.ceil(x)
    except Exception as exc:
        return failed(exc, "ceil", x)


def clip(x: Array, /, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Array:
    """``x`` limited to ``[min, max]``; either bound may be ``None``."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.clip(x, min=min, max=max)
    except Exception as exc:
        return failed(exc, "clip", x, min=min, max=max)


def conj(x: Array, /) -> Array:
    """Complex conjugate, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.conj(x)
    except Exception as exc:
        return failed(exc, "conj", x)


def cos(x: Array, /) -> Array:
    """Cosine, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.cos(x)
    except Exception as exc:
        return failed(exc, "cos", x)


def cosh(x: Array, /) -> Array:
    """Hyperbolic cosine, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.cosh(x)
    except Exception as exc:
        return failed(exc, "cosh", x)


def exp(x: Array, /) -> Array:
    """``e ** x``, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.exp(x)
    except Exception as exc:
        return failed(exc, "exp", x)


def expm1(x: Array, /) -> Array:
    """``exp(x) - 1``, accurate near zero."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.expm1(x)
    except Exception as exc:
        return failed(exc, "expm1", x)


def floor(x: Array, /) -> Array:
    """Largest integer value not above ``x``, elementwise (same dtype)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.floor(x)
    except Exception as exc:
        return failed(exc, "floor", x)


def imag(x: Array, /) -> Array:
    """Imaginary part (zeros for a real tensor)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.imag(x)
    except Exception as exc:
        return failed(exc, "imag", x)


def isfinite(x: Array, /) -> Array:
    """Whether each element is finite."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.isfinite(x)
    except Exception as exc:
        return failed(exc, "isfinite", x)


def isinf(x: Array, /) -> Array:
    """Whether each element is positive or negative infinity."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.isinf(x)
    except Exception as exc:
        return failed(exc, "isinf", x)


def isnan(x: Array, /) -> Array:
    """Whether each element is NaN."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.isnan(x)
    except Exception as exc:
        return failed(exc, "isnan", x)


def log(x: Array, /) -> Array:
    """Natural logarithm, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.log(x)
    except Exception as exc:
        return failed(exc, "log", x)


def log1p(x: Array, /) -> Array:
    """``log(1 + x)``, accurate near zero."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.log1p(x)
    except Exception as exc:
        return failed(exc, "log1p", x)


def log2(x: Array, /) -> Array:
    """Base-2 logarithm, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.log2(x)
    except Exception as exc:
        return failed(exc, "log2", x)


def log10(x: Array, /) -> Array:
    """Base-10 logarithm, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.log10(x)
    except Exception as exc:
        return failed(exc, "log10", x)


def logical_not(x: Array, /) -> Array:
    """Logical NOT, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.logical_not(x)
    except Exception as exc:
        return failed(exc, "logical_not", x)


def negative(x: Array, /) -> Array:
    """``-x``, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.negative(x)
    except Exception as exc:
        return failed(exc, "negative", x)


def positive(x: Array, /) -> Array:
    """``+x``, elementwise (a copy)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.positive(x)
    except Exception as exc:
        return failed(exc, "positive", x)


def real(x: Array, /) -> Array:
    """Real part (the tensor itself for a real tensor)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.real(x)
    except Exception as exc:
        return failed(exc, "real", x)


def reciprocal(x: Array, /) -> Array:
    """``1 / x``, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.reciprocal(x)
    except Exception as exc:
        return failed(exc, "reciprocal", x)


def round(x: Array, /) -> Array:
    """Round to the nearest integer value, halves to even."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.round(x)
    except Exception as exc:
        return failed(exc, "round", x)


def sign(x: Array, /) -> Array:
    """Sign of each element: -1, 0 or 1 (NaN stays NaN)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.sign(x)
    except Exception as exc:
        return failed(exc, "sign", x)


def signbit(x: Array, /) -> Array:
    """Whether the sign bit is set (true for ``-0.0``)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.signbit(x)
    except Exception as exc:
        return failed(exc, "signbit", x)


def sin(x: Array, /) -> Array:
    """Sine, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.sin(x)
    except Exception as exc:
        return failed(exc, "sin", x)


def sinh(x: Array, /) -> Array:
    """Hyperbolic sine, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.sinh(x)
    except Exception as exc:
        return failed(exc, "sinh", x)


def square(x: Array, /) -> Array:
    """``x * x``, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.square(x)
    except Exception as exc:
        return failed(exc, "square", x)


def sqrt(x: Array, /) -> Array:
    """Square root, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.sqrt(x)
    except Exception as exc:
        return failed(exc, "sqrt", x)


def tan(x: Array, /) -> Array:
    """Tangent, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.tan(x)
    except Exception as exc:
        return failed(exc, "tan", x)


def tanh(x: Array, /) -> Array:
    """Hyperbolic tangent, elementwise."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.tanh(x)
    except Exception as exc:
        return failed(exc, "tanh", x)


def trunc(x: Array, /) -> Array:
    """Round towards zero, elementwise (same dtype)."""
    try:
        backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
        return backend.trunc(x)
    except Exception as exc:
        return failed(exc, "trunc", x)
