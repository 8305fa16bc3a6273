"""Array API elementwise functions of two tensors.

Each function runs on the active backend over its native tensors; its body is
generated from the signature below (see :mod:`unigrad.ops._dispatch`).

They promote their operands by the Array API table first (Python scalars are
weak: ``int8`` tensor + ``1`` stays ``int8``), the same way on every backend.
"""

from __future__ import annotations

from ..types import Array, ArrayLike
from ._dispatch import binary_op

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


@binary_op
def add(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 + x2``, elementwise with broadcasting and Array API promotion.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.add(ug.asarray([1, 2]), 1))
        array([2, 3])
    """


@binary_op
def atan2(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Inverse tangent of ``x1 / x2`` in the right quadrant, elementwise."""


@binary_op
def bitwise_and(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Bitwise AND of integer or boolean tensors."""


@binary_op
def bitwise_left_shift(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 << x2`` for integer tensors."""


@binary_op
def bitwise_or(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Bitwise OR of integer or boolean tensors."""


@binary_op
def bitwise_right_shift(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 >> x2`` for integer tensors."""


@binary_op
def bitwise_xor(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Bitwise XOR of integer or boolean tensors."""


@binary_op
def copysign(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """The magnitude of ``x1`` with the sign of ``x2``."""


@binary_op
def divide(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """True division ``x1 / x2`` (integers divide to the default float)."""


@binary_op
def equal(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 == x2``, elementwise, as a boolean tensor."""


@binary_op
def floor_divide(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 // x2``: division rounded towards negative infinity."""


@binary_op
def greater(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 > x2``, elementwise."""


@binary_op
def greater_equal(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 >= x2``, elementwise."""


@binary_op
def hypot(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``sqrt(x1**2 + x2**2)`` without overflow in the squares."""


@binary_op
def less(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 < x2``, elementwise."""


@binary_op
def less_equal(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 <= x2``, elementwise."""


@binary_op
def logaddexp(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``log(exp(x1) + exp(x2))`` without overflow."""


@binary_op
def logical_and(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Logical AND, elementwise."""


@binary_op
def logical_or(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Logical OR, elementwise."""


@binary_op
def logical_xor(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Logical XOR, elementwise."""


@binary_op
def maximum(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """The larger of ``x1`` and ``x2``, elementwise (NaN if either is NaN)."""


@binary_op
def minimum(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """The smaller of ``x1`` and ``x2``, elementwise (NaN if either is NaN)."""


@binary_op
def multiply(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 * x2``, elementwise with broadcasting."""


@binary_op
def nextafter(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """The next representable value after ``x1`` towards ``x2``."""


@binary_op
def not_equal(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 != x2``, elementwise."""


@binary_op
def pow(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 ** x2``, elementwise."""


@binary_op
def remainder(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 % x2`` with the sign of ``x2``, as Python's ``%``."""


@binary_op
def subtract(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 - x2``, elementwise with broadcasting."""
