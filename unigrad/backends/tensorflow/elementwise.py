"""Array API elementwise functions on TensorFlow.

unigrad's public functions have already cast both operands of a binary op to
their common dtype (see ``core.promote``), so each function's fast path is one
type check and one raw op. Anything else (a Python scalar, a variable, a dtype
TensorFlow has no kernel for) takes the slower path beside it, which gives
what the PyTorch backend gives: integer input to float maths is computed in
float32, integer rounding is the identity, ``remainder`` follows Python's signs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import tensorflow as tf

from unigrad import dtypes as ug_dtypes

from .core import (
    BITS_OF,
    COMPLEX,
    DEFAULT_FLOAT,
    FLOATS,
    FROM_TF,
    INEXACT,
    INTEGERS,
    REAL_OF,
    SIGNED,
    TO_TF,
    UNSIGNED,
    EagerTensor,
    cast,
    is_number,
    native,
    operands,
    scalar,
)

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

_E = EagerTensor
_raw = tf.raw_ops
_bool = tf.bool
_Select = _raw.SelectV2
_SIGNED_OR_REAL = SIGNED | FLOATS
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
remainder = _binary(_raw.FloorMod, "remainder")
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
    return _Select(condition=x2 == zero, t=x1 / x2, e=floored)


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


def _truth(x: Any) -> Any:
    return x if x.dtype == _bool else _raw.NotEqual(x=x, y=tf.zeros((), x.dtype))


def _logical(raw: _Binary, name: str) -> _Binary:
    def function(x1: Any, x2: Any, /) -> Any:
        x1, x2 = operands(x1, x2, name)
        return raw(x=_truth(x1), y=_truth(x2))

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


# --- one argument --------------------------------------------------------------


def _float_unary(raw: Callable[..., Any], name: str) -> Callable[[Any], Any]:
    """A float function: integer and bool input computes in float32, as PyTorch."""

    def function(x: Any, /) -> Any:
        if type(x) is _E and x.dtype in INEXACT:
            return raw(x=x)
        x = native(x, name)
        return raw(x=x if x.dtype in INEXACT else _raw.Cast(x=x, DstT=DEFAULT_FLOAT))

    function.__name__ = function.__qualname__ = name
    return function


acos = _float_unary(_raw.Acos, "acos")
acosh = _float_unary(_raw.Acosh, "acosh")
asin = _float_unary(_raw.Asin, "asin")
asinh = _float_unary(_raw.Asinh, "asinh")
atan = _float_unary(_raw.Atan, "atan")
atanh = _float_unary(_raw.Atanh, "atanh")
cos = _float_unary(_raw.Cos, "cos")
cosh = _float_unary(_raw.Cosh, "cosh")
exp = _float_unary(_raw.Exp, "exp")
expm1 = _float_unary(_raw.Expm1, "expm1")
log = _float_unary(_raw.Log, "log")
log1p = _float_unary(_raw.Log1p, "log1p")
sin = _float_unary(_raw.Sin, "sin")
sinh = _float_unary(_raw.Sinh, "sinh")
sqrt = _float_unary(_raw.Sqrt, "sqrt")
tan = _float_unary(_raw.Tan, "tan")
tanh = _float_unary(_raw.Tanh, "tanh")
reciprocal = _float_unary(_raw.Reciprocal, "reciprocal")


def _log_base(base: float, name: str) -> Callable[[Any], Any]:
    def function(x: Any, /) -> Any:
        x = native(x, name)
        dtype = x.dtype if x.dtype in INEXACT else DEFAULT_FLOAT
        work = tf.complex128 if dtype in COMPLEX else tf.float64
        wide = _raw.Cast(x=x, DstT=work) if x.dtype != work else x
        result = _raw.Log(x=wide) / tf.constant(math.log(base), work)
        if work == tf.float64:
            # exact at exact powers of the base, as the C library's log2/log10
            # (the snap is kept out of the gradient: d/dx stays 1 / (x ln base))
            nearest = _raw.Round(x=result)
            exact = _raw.LogicalAnd(
                x=_raw.Equal(x=_raw.Pow(x=tf.constant(base, work), y=nearest), y=wide),
                y=_raw.IsFinite(x=result),
            )
            result = _Select(condition=exact, t=nearest + (result - tf.stop_gradient(result)), e=result)
        return cast(result, dtype)

    function.__name__ = function.__qualname__ = name
    return function


log2 = _log_base(2.0, "log2")
log10 = _log_base(10.0, "log10")


def abs(x: Any, /) -> Any:
    if type(x) is _E and x.dtype in _SIGNED_OR_REAL:
        return _raw.Abs(x=x)
    x = native(x, "abs")
    if x.dtype in COMPLEX:
        return _raw.ComplexAbs(x=x, Tout=REAL_OF[x.dtype])
    if x.dtype in UNSIGNED:
        return x
    return _raw.Abs(x=x)


def negative(x: Any, /) -> Any:
    if type(x) is _E and x.dtype not in UNSIGNED:
        return _raw.Neg(x=x)
    x = native(x, "negative")
    if x.dtype in UNSIGNED:
        return _raw.Sub(x=tf.zeros((), x.dtype), y=x)  # wraps around, as PyTorch
    return _raw.Neg(x=x)


def positive(x: Any, /) -> Any:
    x = native(x, "positive")
    return x if type(x) is _E else tf.identity(x)


def square(x: Any, /) -> Any:
    if type(x) is _E and x.dtype is not _bool:
        return _raw.Square(x=x)
    x = native(x, "square")
    if x.dtype == _bool:
        x = _raw.Cast(x=x, DstT=tf.int64)  # PyTorch squares bools as integers
    return _raw.Square(x=x)


def sign(x: Any, /) -> Any:
    x = native(x, "sign")
    if x.dtype == _bool:
        return x
    if x.dtype in UNSIGNED:
        return _raw.Cast(x=_raw.Greater(x=x, y=tf.zeros((), x.dtype)), DstT=x.dtype)
    return _raw.Sign(x=x)  # NaN stays NaN; complex gives x / |x|


def signbit(x: Any, /) -> Any:
    x = native(x, "signbit")
    if x.dtype in FLOATS:
        bits = BITS_OF[x.dtype]  # the bit itself: true for -0.0 and negative NaN
        return _raw.Less(x=_raw.Bitcast(input=x, type=bits), y=tf.zeros((), bits))
    if x.dtype in SIGNED:
        return _raw.Less(x=x, y=tf.zeros((), x.dtype))
    return _fill_bool(x, False)


def _fill_bool(x: Any, value: bool) -> Any:
    return _raw.Fill(dims=tf.shape(x), value=tf.constant(value))


def _float_predicate(raw: _Binary, of_parts: _Binary, integral: bool, name: str) -> Callable[[Any], Any]:
    """``raw`` for floats; over both parts of a complex; a constant for integers and bools."""

    def function(x: Any, /) -> Any:
        x = native(x, name)
        if x.dtype in FLOATS:
            return raw(x=x)
        if x.dtype in COMPLEX:
            return of_parts(x=raw(x=real(x)), y=raw(x=imag(x)))
        return _fill_bool(x, integral)

    function.__name__ = function.__qualname__ = name
    return function


isfinite = _float_predicate(_raw.IsFinite, _raw.LogicalAnd, True, "isfinite")
isinf = _float_predicate(_raw.IsInf, _raw.LogicalOr, False, "isinf")
isnan = _float_predicate(_raw.IsNan, _raw.LogicalOr, False, "isnan")


def logical_not(x: Any, /) -> Any:
    x = native(x, "logical_not")
    return _raw.LogicalNot(x=_truth(x))


def bitwise_invert(x: Any, /) -> Any:
    x = native(x, "bitwise_invert")
    return _raw.LogicalNot(x=x) if x.dtype == _bool else _raw.Invert(x=x)


def _rounding(raw: Callable[..., Any], name: str) -> Callable[[Any], Any]:
    def function(x: Any, /) -> Any:
        if type(x) is _E and x.dtype in FLOATS:
            return raw(x)
        x = native(x, name)
        if x.dtype in FLOATS:
            return raw(x)
        if x.dtype in COMPLEX:
            return tf.complex(raw(real(x)), raw(imag(x)))
        return x  # integers and bools are already integral

    function.__name__ = function.__qualname__ = name
    return function


def _trunc(x: Any) -> Any:
    return _Select(condition=x < tf.zeros((), x.dtype), t=_raw.Ceil(x=x), e=_raw.Floor(x=x))


ceil = _rounding(lambda x: _raw.Ceil(x=x), "ceil")
floor = _rounding(lambda x: _raw.Floor(x=x), "floor")
round = _rounding(lambda x: _raw.Round(x=x), "round")  # halves to even
trunc = _rounding(_trunc, "trunc")


def conj(x: Any, /) -> Any:
    x = native(x, "conj")
    return _raw.Conj(input=x) if x.dtype in COMPLEX else x


def real(x: Any, /) -> Any:
    x = native(x, "real")
    return _raw.Real(input=x, Tout=REAL_OF[x.dtype]) if x.dtype in COMPLEX else x


def imag(x: Any, /) -> Any:
    x = native(x, "imag")
    if x.dtype in COMPLEX:
        return _raw.Imag(input=x, Tout=REAL_OF[x.dtype])
    return _raw.ZerosLike(x=x)


def clip(x: Any, /, min: Any = None, max: Any = None) -> Any:
    x = native(x, "clip")
    if x.dtype in INTEGERS:
        # a bound past the dtype's range is no bound (and would not fit in it)
        min = None if type(min) is int and min <= x.dtype.min else min
        max = None if type(max) is int and max >= x.dtype.max else max
    bounds = [b if b is None or is_number(b) else native(b, "clip") for b in (min, max)]
    # as PyTorch's clamp: the bounds take part in the result's dtype
    kinds = [b if is_number(b) else FROM_TF[b.dtype] for b in bounds if b is not None]
    dtype = TO_TF[ug_dtypes.result_type(FROM_TF[x.dtype], *kinds)]
    low, high = (None if b is None else scalar(b, dtype) if is_number(b) else cast(b, dtype) for b in bounds)
    x = cast(x, dtype)
    if low is not None:
        x = maximum(x, low)
    if high is not None:
        x = minimum(x, high)
    return x
