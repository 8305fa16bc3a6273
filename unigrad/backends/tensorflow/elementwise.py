"""Array API elementwise functions of two tensors on TensorFlow (of one: ``unary.py``).

unigrad's public functions have already cast both operands to their common
dtype (see :mod:`unigrad.ops.promotion`), so each function's fast path is one
type check and one raw op. Anything else (a Python scalar, a variable, a dtype
TensorFlow has no kernel for) takes the slower path beside it, which gives
what the PyTorch backend gives: integer input to float maths is computed in
float32, ``remainder`` follows Python's signs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import tensorflow as tf

from .core import (
    BITS_OF,
    DEFAULT_FLOAT,
    FLOATS,
    INEXACT,
    EagerTensor,
    operands,
    scalar,
)

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

_E = EagerTensor
_raw = tf.raw_ops
_bool = tf.bool
_Select = _raw.SelectV2
_Binary = Callable[..., Any]


def _binary(raw: _Binary, name: str, on_bool: _Binary | None = None) -> _Binary:
    """A binary function whose same-dtype fast path is one raw op."""

    def function(x1: Any, x2: Any, /) -> Any:
        if type(x1) is _E and type(x2) is _E and x1.dtype is not _bool:
            return raw(x=x1, y=x2)
        x1, x2 = operands(x1, x2, name)
        if on_bool is not None and x1.dtype == _bool:
            return on_bool(x=x1, y=x2)
        return raw(x=x1, y=x2)

    function.__name__ = function.__qualname__ = name
    return function


def _as_int8(raw: _Binary) -> _Binary:
    # TensorFlow has no ordering kernels for bool; PyTorch orders False < True.
    return lambda x, y: raw(x=_raw.Cast(x=x, DstT=tf.int8), y=_raw.Cast(x=y, DstT=tf.int8))


add = _binary(_raw.AddV2, "add", _raw.LogicalOr)
subtract = _binary(_raw.Sub, "subtract")
multiply = _binary(_raw.Mul, "multiply", _raw.LogicalAnd)
maximum = _binary(_raw.Maximum, "maximum", _raw.LogicalOr)
minimum = _binary(_raw.Minimum, "minimum", _raw.LogicalAnd)
_floor_mod = _binary(_raw.FloorMod, "remainder")
equal = _binary(_raw.Equal, "equal", _raw.Equal)
not_equal = _binary(_raw.NotEqual, "not_equal", _raw.NotEqual)
greater = _binary(_raw.Greater, "greater", _as_int8(_raw.Greater))
greater_equal = _binary(_raw.GreaterEqual, "greater_equal", _as_int8(_raw.GreaterEqual))
less = _binary(_raw.Less, "less", _as_int8(_raw.Less))
less_equal = _binary(_raw.LessEqual, "less_equal", _as_int8(_raw.LessEqual))
bitwise_and = _binary(_raw.BitwiseAnd, "bitwise_and", _raw.LogicalAnd)
bitwise_or = _binary(_raw.BitwiseOr, "bitwise_or", _raw.LogicalOr)
bitwise_xor = _binary(_raw.BitwiseXor, "bitwise_xor", _raw.NotEqual)


def _floats(x1: Any, x2: Any, name: str) -> tuple[Any, Any]:
    """Operands of one floating dtype: integers and bools compute in float32."""
    x1, x2 = operands(x1, x2, name)
    if x1.dtype not in INEXACT:
        x1, x2 = _raw.Cast(x=x1, DstT=DEFAULT_FLOAT), _raw.Cast(x=x2, DstT=DEFAULT_FLOAT)
    return x1, x2


def divide(x1: Any, x2: Any, /) -> Any:
    if type(x1) is _E and type(x2) is _E and x1.dtype in INEXACT:
        return _raw.RealDiv(x=x1, y=x2)
    x1, x2 = _floats(x1, x2, "divide")
    return _raw.RealDiv(x=x1, y=x2)


def floor_divide(x1: Any, x2: Any, /) -> Any:
    x1, x2 = operands(x1, x2, "floor_divide")
    if x1.dtype not in FLOATS:
        return _raw.FloorDiv(x=x1, y=x2)
    # floor(x1 / x2) rounds the quotient before flooring (1.0 // 0.1 would be 10);
    # this is CPython's and PyTorch's algorithm, exact through fmod.
    zero = tf.zeros((), x1.dtype)
    mod = _raw.TruncateMod(x=x1, y=x2)
    div = (x1 - mod) / x2
    div = _Select(condition=(mod != zero) & ((x2 < zero) != (mod < zero)), t=div - 1, e=div)
    floored = _raw.Floor(x=div)
    floored = _Select(condition=div - floored > 0.5, t=floored + 1, e=floored)
    floored = _Select(condition=div == zero, t=zero * (x1 / x2), e=floored)
    # by zero, or with an infinite operand, the standard takes the true quotient (floored):
    # inf // 2 is inf, not NaN, and -1 // inf is -0, not -1
    true_quotient = _raw.LogicalOr(x=x2 == zero, y=_raw.LogicalOr(x=_raw.IsInf(x=x1), y=_raw.IsInf(x=x2)))
    return _Select(condition=true_quotient, t=_raw.Floor(x=x1 / x2), e=floored)


def remainder(x1: Any, x2: Any, /) -> Any:
    out = _floor_mod(x1, x2)
    if out.dtype not in FLOATS:
        return out
    # a zero remainder takes the divisor's sign, as every other one does (-0 % 2 = +0)
    return _Select(condition=out == tf.zeros((), out.dtype), t=copysign(out, x2), e=out)


def atan2(x1: Any, x2: Any, /) -> Any:
    x1, x2 = _floats(x1, x2, "atan2")
    return _raw.Atan2(y=x1, x=x2)


def bitwise_left_shift(x1: Any, x2: Any, /) -> Any:
    x1, x2 = operands(x1, x2, "bitwise_left_shift")
    # TensorFlow clamps the shift to the width - 1; PyTorch shifts every bit out
    width = scalar(x1.dtype.size * 8, x2.dtype)
    out_of_range = _raw.LogicalOr(x=x2 < scalar(0, x2.dtype), y=x2 >= width)
    return _Select(condition=out_of_range, t=scalar(0, x1.dtype), e=_raw.LeftShift(x=x1, y=x2))


def bitwise_right_shift(x1: Any, x2: Any, /) -> Any:
    x1, x2 = operands(x1, x2, "bitwise_right_shift")
    # past the width TensorFlow fills with the sign, as PyTorch; below zero it would not shift
    sign_fill = _raw.RightShift(x=x1, y=scalar(x1.dtype.size * 8 - 1, x1.dtype))
    shifted = _raw.RightShift(x=x1, y=x2)
    return _Select(condition=x2 < scalar(0, x2.dtype), t=sign_fill, e=shifted)


def copysign(x1: Any, x2: Any, /) -> Any:
    x1, x2 = _floats(x1, x2, "copysign")
    dtype = x1.dtype
    bits = BITS_OF[dtype]
    # Bitwise, so that NaN, -0.0 and infinities take the sign exactly.
    a = _raw.Bitcast(input=x1, type=bits)
    b = _raw.Bitcast(input=x2, type=bits)
    sign_bit = tf.constant(bits.min, bits)
    magnitude = tf.constant(bits.max, bits)
    combined = _raw.BitwiseOr(x=_raw.BitwiseAnd(x=a, y=magnitude), y=_raw.BitwiseAnd(x=b, y=sign_bit))
    return _raw.Bitcast(input=combined, type=dtype)


def hypot(x1: Any, x2: Any, /) -> Any:
    x1, x2 = _floats(x1, x2, "hypot")
    dtype = x1.dtype
    a, b = _raw.Abs(x=x1), _raw.Abs(x=x2)
    if dtype != tf.float64:
        # squares of float32 cannot overflow float64: one rounding, no scaling
        a64, b64 = _raw.Cast(x=a, DstT=tf.float64), _raw.Cast(x=b, DstT=tf.float64)
        result = _raw.Cast(x=_raw.Sqrt(x=a64 * a64 + b64 * b64), DstT=dtype)
    else:
        # scaled by the larger magnitude against overflow; the scale is held out
        # of the gradient (any positive scale gives the same value), so that
        # hypot(x, x) differentiates smoothly instead of through a max/min tie
        scale = tf.stop_gradient(_raw.Maximum(x=a, y=b))
        ra, rb = _raw.DivNoNan(x=a, y=scale), _raw.DivNoNan(x=b, y=scale)
        result = scale * _raw.Sqrt(x=ra * ra + rb * rb)
    infinite = _raw.LogicalOr(x=_raw.IsInf(x=a), y=_raw.IsInf(x=b))
    return _Select(condition=infinite, t=tf.constant(math.inf, dtype), e=result)


def logaddexp(x1: Any, x2: Any, /) -> Any:
    x1, x2 = _floats(x1, x2, "logaddexp")
    # shifted by the larger operand against overflow, the shift held out of the
    # gradient so that it stays exp(x1) / (exp(x1) + exp(x2)), ties included
    larger = _raw.Maximum(x=x1, y=x2)
    shift = tf.stop_gradient(_Select(condition=_raw.IsInf(x=larger), t=tf.zeros((), larger.dtype), e=larger))
    result = shift + _raw.Log(x=_raw.Exp(x=x1 - shift) + _raw.Exp(x=x2 - shift))
    # an infinite operand: +inf wins, and log(e^-inf + e^-inf) is -inf (not NaN)
    return _Select(condition=_raw.IsInf(x=larger), t=larger, e=result)


def truth(x: Any) -> Any:
    """``x`` as a bool tensor: non-zero is true (TensorFlow's logical ops take bool only)."""
    return x if x.dtype == _bool else _raw.NotEqual(x=x, y=tf.zeros((), x.dtype))


def _logical(raw: _Binary, name: str) -> _Binary:
    def function(x1: Any, x2: Any, /) -> Any:
        x1, x2 = operands(x1, x2, name)
        return raw(x=truth(x1), y=truth(x2))

    function.__name__ = function.__qualname__ = name
    return function


logical_and = _logical(_raw.LogicalAnd, "logical_and")
logical_or = _logical(_raw.LogicalOr, "logical_or")
logical_xor = _logical(_raw.NotEqual, "logical_xor")


def nextafter(x1: Any, x2: Any, /) -> Any:
    x1, x2 = operands(x1, x2, "nextafter")
    if x1.dtype in (tf.float32, tf.float64):
        return _raw.NextAfter(x1=x1, x2=x2)
    if x1.dtype not in FLOATS:
        raise TypeError(f"nextafter needs floating-point input, got {x1.dtype.name}")
    # no kernel for the 16-bit floats: step the bit pattern, which is ordered like the values
    bits = tf.int16
    zero = tf.zeros((), x1.dtype)
    pattern = _raw.Bitcast(input=x1, type=bits)
    away_from_zero = _raw.Equal(x=x2 > x1, y=x1 > zero)
    stepped = _Select(condition=away_from_zero, t=pattern + 1, e=pattern - 1)
    toward_sign = _raw.BitwiseAnd(x=_raw.Bitcast(input=x2, type=bits), y=tf.constant(bits.min, bits))
    smallest = _raw.BitwiseOr(x=toward_sign, y=tf.constant(1, bits))  # the least subnormal
    stepped = _Select(condition=x1 == zero, t=smallest, e=stepped)
    result = _raw.Bitcast(input=stepped, type=x1.dtype)
    result = _Select(condition=x1 == x2, t=x2, e=result)
    either_nan = _raw.LogicalOr(x=_raw.IsNan(x=x1), y=_raw.IsNan(x=x2))
    return _Select(condition=either_nan, t=tf.constant(math.nan, x1.dtype), e=result)


def pow(x1: Any, x2: Any, /) -> Any:
    if type(x1) is _E and type(x2) is _E and x1.dtype in INEXACT:
        return _raw.Pow(x=x1, y=x2)
    x1, x2 = operands(x1, x2, "pow")
    if x1.dtype in INEXACT:
        return _raw.Pow(x=x1, y=x2)
    # Integers: TensorFlow refuses negative exponents and has no unsigned kernel.
    # int64 arithmetic wraps to the same low bits as the narrow type would.
    base, exponent = _raw.Cast(x=x1, DstT=tf.int64), _raw.Cast(x=x2, DstT=tf.int64)
    zero, one = scalar(0, tf.int64), scalar(1, tf.int64)
    result = _raw.Pow(x=base, y=_raw.Maximum(x=exponent, y=zero))
    # PyTorch's negative powers: 1 ** -n = 1, (-1) ** -n = +-1, any other ** -n = 0
    odd = _raw.FloorMod(x=exponent, y=scalar(2, tf.int64)) == one
    minus_one = _Select(condition=odd, t=base, e=-base)
    inverse = _Select(condition=base == one, t=one, e=_Select(condition=base == -one, t=minus_one, e=zero))
    result = _Select(condition=exponent < zero, t=inverse, e=result)
    return _raw.Cast(x=result, DstT=x1.dtype) if x1.dtype != _bool else result
