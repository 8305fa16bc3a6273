"""The protocol of a backend's ``unary.py`` and ``elementwise.py``: :class:`Elementwise`.

Part of :mod:`unigrad.backends.protocol`; import it from there.
"""

from __future__ import annotations

from typing import Protocol

from unigrad.types import Array, ArrayLike

__all__ = [
    "Elementwise",
]


class Elementwise(Protocol):
    """Array API elementwise functions and ``clip`` (``unary.py`` and ``elementwise.py``).

    The binary ones receive operands already cast by :meth:`Core.promote`
    (see the module docstring) and broadcast them as the standard says.
    """

    def abs(self, x: Array, /) -> Array:
        """Absolute value, elementwise."""

    def acos(self, x: Array, /) -> Array:
        """Inverse cosine, elementwise."""

    def acosh(self, x: Array, /) -> Array:
        """Inverse hyperbolic cosine, elementwise."""

    def asin(self, x: Array, /) -> Array:
        """Inverse sine, elementwise."""

    def asinh(self, x: Array, /) -> Array:
        """Inverse hyperbolic sine, elementwise."""

    def atan(self, x: Array, /) -> Array:
        """Inverse tangent, elementwise."""

    def atanh(self, x: Array, /) -> Array:
        """Inverse hyperbolic tangent, elementwise."""

    def bitwise_invert(self, x: Array, /) -> Array:
        """Bitwise NOT of an integer or boolean tensor."""

    def ceil(self, x: Array, /) -> Array:
        """Smallest integer value not below ``x``, elementwise (same dtype)."""

    def clip(self, x: Array, /, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Array:
        """``x`` limited to ``[min, max]``; either bound may be ``None``."""

    def conj(self, x: Array, /) -> Array:
        """Complex conjugate, elementwise."""

    def cos(self, x: Array, /) -> Array:
        """Cosine, elementwise."""

    def cosh(self, x: Array, /) -> Array:
        """Hyperbolic cosine, elementwise."""

    def exp(self, x: Array, /) -> Array:
        """``e ** x``, elementwise."""

    def expm1(self, x: Array, /) -> Array:
        """``exp(x) - 1``, accurate near zero."""

    def floor(self, x: Array, /) -> Array:
        """Largest integer value not above ``x``, elementwise (same dtype)."""

    def imag(self, x: Array, /) -> Array:
        """Imaginary part (zeros for a real tensor)."""

    def isfinite(self, x: Array, /) -> Array:
        """Whether each element is finite."""

    def isinf(self, x: Array, /) -> Array:
        """Whether each element is positive or negative infinity."""

    def isnan(self, x: Array, /) -> Array:
        """Whether each element is NaN."""

    def log(self, x: Array, /) -> Array:
        """Natural logarithm, elementwise."""

    def log1p(self, x: Array, /) -> Array:
        """``log(1 + x)``, accurate near zero."""

    def log2(self, x: Array, /) -> Array:
        """Base-2 logarithm, elementwise."""

    def log10(self, x: Array, /) -> Array:
        """Base-10 logarithm, elementwise."""

    def logical_not(self, x: Array, /) -> Array:
        """Logical NOT, elementwise."""

    def negative(self, x: Array, /) -> Array:
        """``-x``, elementwise."""

    def positive(self, x: Array, /) -> Array:
        """``+x``, elementwise (a copy)."""

    def real(self, x: Array, /) -> Array:
        """Real part (the tensor itself for a real tensor)."""

    def reciprocal(self, x: Array, /) -> Array:
        """``1 / x``, elementwise."""

    def round(self, x: Array, /) -> Array:
        """Round to the nearest integer value, halves to even."""

    def sign(self, x: Array, /) -> Array:
        """Sign of each element: -1, 0 or 1 (NaN stays NaN)."""

    def signbit(self, x: Array, /) -> Array:
        """Whether the sign bit is set (true for ``-0.0``)."""

    def sin(self, x: Array, /) -> Array:
        """Sine, elementwise."""

    def sinh(self, x: Array, /) -> Array:
        """Hyperbolic sine, elementwise."""

    def square(self, x: Array, /) -> Array:
        """``x * x``, elementwise."""

    def sqrt(self, x: Array, /) -> Array:
        """Square root, elementwise."""

    def tan(self, x: Array, /) -> Array:
        """Tangent, elementwise."""

    def tanh(self, x: Array, /) -> Array:
        """Hyperbolic tangent, elementwise."""

    def trunc(self, x: Array, /) -> Array:
        """Round towards zero, elementwise (same dtype)."""

    def add(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 + x2``, elementwise with broadcasting and Array API promotion."""

    def atan2(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """Inverse tangent of ``x1 / x2`` in the right quadrant, elementwise."""

    def bitwise_and(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """Bitwise AND of integer or boolean tensors."""

    def bitwise_left_shift(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 << x2`` for integer tensors."""

    def bitwise_or(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """Bitwise OR of integer or boolean tensors."""

    def bitwise_right_shift(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 >> x2`` for integer tensors."""

    def bitwise_xor(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """Bitwise XOR of integer or boolean tensors."""

    def copysign(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """The magnitude of ``x1`` with the sign of ``x2``."""

    def divide(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """True division ``x1 / x2`` (integers divide to the default float)."""

    def equal(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 == x2``, elementwise, as a boolean tensor."""

    def floor_divide(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 // x2``: division rounded towards negative infinity."""

    def greater(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 > x2``, elementwise."""

    def greater_equal(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 >= x2``, elementwise."""

    def hypot(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``sqrt(x1**2 + x2**2)`` without overflow in the squares."""

    def less(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 < x2``, elementwise."""

    def less_equal(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 <= x2``, elementwise."""

    def logaddexp(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``log(exp(x1) + exp(x2))`` without overflow."""

    def logical_and(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """Logical AND, elementwise."""

    def logical_or(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """Logical OR, elementwise."""

    def logical_xor(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """Logical XOR, elementwise."""

    def maximum(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """The larger of ``x1`` and ``x2``, elementwise (NaN if either is NaN)."""

    def minimum(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """The smaller of ``x1`` and ``x2``, elementwise (NaN if either is NaN)."""

    def multiply(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 * x2``, elementwise with broadcasting."""

    def nextafter(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """The next representable value after ``x1`` towards ``x2``."""

    def not_equal(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 != x2``, elementwise."""

    def pow(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 ** x2``, elementwise."""

    def remainder(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 % x2`` with the sign of ``x2``, as Python's ``%``."""

    def subtract(self, x1: ArrayLike, x2: ArrayLike, /) -> Array:
        """``x1 - x2``, elementwise with broadcasting."""
