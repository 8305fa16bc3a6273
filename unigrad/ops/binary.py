"""Array API elementwise functions of two tensors.

Each function runs on the active backend and takes and returns its native
tensors; see :mod:`unigrad.ops._dispatch` for what happens when one fails.

They promote their operands by the Array API table first (Python scalars are
weak: ``int8`` tensor + ``1`` stays ``int8``), the same way on every backend.
"""

from __future__ import annotations

from ..types import Array, ArrayLike
from ._dispatch import _scoped_get, _state, failed

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


def add(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 + x2``, elementwise with broadcasting and Array API promotion.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.add(ug.asarray([1, 2]), 1))
        array([2, 3])
    """
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.add(x1, x2)
    except Exception as exc:
        return failed(exc, "add", x1, x2)


def atan2(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Inverse tangent of ``x1 / x2`` in the right quadrant, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.atan2(x1, x2)
    except Exception as exc:
        return failed(exc, "atan2", x1, x2)


def bitwise_and(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Bitwise AND of integer or boolean tensors."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.bitwise_and(x1, x2)
    except Exception as exc:
        return failed(exc, "bitwise_and", x1, x2)


def bitwise_left_shift(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 << x2`` for integer tensors."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.bitwise_left_shift(x1, x2)
    except Exception as exc:
        return failed(exc, "bitwise_left_shift", x1, x2)


def bitwise_or(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Bitwise OR of integer or boolean tensors."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.bitwise_or(x1, x2)
    except Exception as exc:
        return failed(exc, "bitwise_or", x1, x2)


def bitwise_right_shift(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 >> x2`` for integer tensors."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.bitwise_right_shift(x1, x2)
    except Exception as exc:
        return failed(exc, "bitwise_right_shift", x1, x2)


def bitwise_xor(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Bitwise XOR of integer or boolean tensors."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.bitwise_xor(x1, x2)
    except Exception as exc:
        return failed(exc, "bitwise_xor", x1, x2)


def copysign(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """The magnitude of ``x1`` with the sign of ``x2``."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.copysign(x1, x2)
    except Exception as exc:
        return failed(exc, "copysign", x1, x2)


def divide(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """True division ``x1 / x2`` (integers divide to the default float)."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.divide(x1, x2)
    except Exception as exc:
        return failed(exc, "divide", x1, x2)


def equal(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 == x2``, elementwise, as a boolean tensor."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.equal(x1, x2)
    except Exception as exc:
        return failed(exc, "equal", x1, x2)


def floor_divide(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 // x2``: division rounded towards negative infinity."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.floor_divide(x1, x2)
    except Exception as exc:
        return failed(exc, "floor_divide", x1, x2)


def greater(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 > x2``, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.greater(x1, x2)
    except Exception as exc:
        return failed(exc, "greater", x1, x2)


def greater_equal(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 >= x2``, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.greater_equal(x1, x2)
    except Exception as exc:
        return failed(exc, "greater_equal", x1, x2)


def hypot(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``sqrt(x1**2 + x2**2)`` without overflow in the squares."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.hypot(x1, x2)
    except Exception as exc:
        return failed(exc, "hypot", x1, x2)


def less(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 < x2``, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.less(x1, x2)
    except Exception as exc:
        return failed(exc, "less", x1, x2)


def less_equal(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 <= x2``, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.less_equal(x1, x2)
    except Exception as exc:
        return failed(exc, "less_equal", x1, x2)


def logaddexp(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``log(exp(x1) + exp(x2))`` without overflow."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.logaddexp(x1, x2)
    except Exception as exc:
        return failed(exc, "logaddexp", x1, x2)


def logical_and(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Logical AND, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.logical_and(x1, x2)
    except Exception as exc:
        return failed(exc, "logical_and", x1, x2)


def logical_or(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Logical OR, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.logical_or(x1, x2)
    except Exception as exc:
        return failed(exc, "logical_or", x1, x2)


def logical_xor(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """Logical XOR, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.logical_xor(x1, x2)
    except Exception as exc:
        return failed(exc, "logical_xor", x1, x2)


def maximum(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """The larger of ``x1`` and ``x2``, elementwise (NaN if either is NaN)."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.maximum(x1, x2)
    except Exception as exc:
        return failed(exc, "maximum", x1, x2)


def minimum(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """The smaller of ``x1`` and ``x2``, elementwise (NaN if either is NaN)."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.minimum(x1, x2)
    except Exception as exc:
        return failed(exc, "minimum", x1, x2)


def multiply(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 * x2``, elementwise with broadcasting."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.multiply(x1, x2)
    except Exception as exc:
        return failed(exc, "multiply", x1, x2)


def nextafter(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """The next representable value after ``x1`` towards ``x2``."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.nextafter(x1, x2)
    except Exception as exc:
        return failed(exc, "nextafter", x1, x2)


def not_equal(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 != x2``, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.not_equal(x1, x2)
    except Exception as exc:
        return failed(exc, "not_equal", x1, x2)


def pow(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 ** x2``, elementwise."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.pow(x1, x2)
    except Exception as exc:
        return failed(exc, "pow", x1, x2)


def remainder(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 % x2`` with the sign of ``x2``, as Python's ``%``."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.remainder(x1, x2)
    except Exception as exc:
        return failed(exc, "remainder", x1, x2)


def subtract(x1: ArrayLike, x2: ArrayLike, /) -> Array:
    """``x1 - x2``, elementwise with broadcasting."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
        return backend.subtract(x1, x2)
    except Exception as exc:
        return failed(exc, "subtract", x1, x2)
