"""Array API elementwise functions of one tensor, and ``clip``, on TensorFlow.

Integer input to float maths is computed in float32 and integer rounding is
the identity, as the PyTorch backend gives; the fast path of each function is
one type check and one raw op.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import tensorflow as tf

from unigrad.backends.api import is_number, result_type

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
    native,
    scalar,
)
from .elementwise import maximum, minimum, truth

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

_E = EagerTensor
_raw = tf.raw_ops
_bool = tf.bool
_Select = _raw.SelectV2
_Binary = Callable[..., Any]
_SIGNED_OR_REAL = SIGNED | FLOATS


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
_expm1 = _float_unary(_raw.Expm1, "expm1")
log = _float_unary(_raw.Log, "log")
_log1p = _float_unary(_raw.Log1p, "log1p")
sin = _float_unary(_raw.Sin, "sin")
sinh = _float_unary(_raw.Sinh, "sinh")
sqrt = _float_unary(_raw.Sqrt, "sqrt")
tan = _float_unary(_raw.Tan, "tan")
_tanh = _float_unary(_raw.Tanh, "tanh")
reciprocal = _float_unary(_raw.Reciprocal, "reciprocal")


# Complex special cases of the standard that TensorFlow's kernels miss (NaN where a limit
# exists); real input takes the kernel as it is.


def expm1(x: Any, /) -> Any:
    out = _expm1(x)
    if out.dtype not in COMPLEX:
        return out
    re, im = real(x), imag(x)
    zeros = _raw.ZerosLike(x=re)
    inf, nan = zeros + math.inf, zeros + math.nan
    finite_im = _raw.IsFinite(x=im)
    # exp(+inf + bj) - 1 = inf * cis(b): +inf + 0j for b = 0, inf + NaN j for b not finite
    at_inf = tf.complex(
        _Select(condition=finite_im, t=inf * _raw.Cos(x=im), e=inf),
        _Select(condition=im == 0, t=im, e=_Select(condition=finite_im, t=inf * _raw.Sin(x=im), e=nan)),
    )
    at_nan = tf.complex(nan, _Select(condition=im == 0, t=im, e=nan))  # NaN + 0j keeps its zero
    out = _Select(condition=re == inf, t=at_inf, e=out)
    out = _Select(condition=re == -inf, t=tf.complex(zeros - 1, zeros), e=out)
    at_zero = _raw.LogicalAnd(x=re == 0, y=im == 0)
    out = _Select(condition=at_zero, t=tf.complex(zeros, im), e=out)  # -0 + 0j gives +0 + 0j
    return _Select(condition=_raw.IsNan(x=re), t=at_nan, e=out)


def log1p(x: Any, /) -> Any:
    out = _log1p(x)
    if out.dtype not in COMPLEX:
        return out
    re, im = real(x), imag(x)
    zeros = _raw.ZerosLike(x=re)
    # an infinite part: log|1 + z| is +inf and the angle is atan2's (pi/2, 3pi/4, NaN, ...);
    # at z = -1 the log is -inf, at that same angle
    angle = _raw.Atan2(y=im, x=re + 1)
    infinite = _raw.LogicalOr(x=_raw.IsInf(x=re), y=_raw.IsInf(x=im))
    out = _Select(condition=infinite, t=tf.complex(zeros + math.inf, angle), e=out)
    at_minus_one = _raw.LogicalAnd(x=re == -1, y=im == 0)
    return _Select(condition=at_minus_one, t=tf.complex(zeros - math.inf, angle), e=out)


def tanh(x: Any, /) -> Any:
    out = _tanh(x)
    if out.dtype not in COMPLEX:
        return out
    re, im = real(x), imag(x)
    # tanh(+-inf + yj) = +-1 + 0j with the sign of y (TensorFlow's sin(2y) * 0 may be -0)
    limit = tf.complex(_raw.Sign(x=re), _raw.Mul(x=_raw.ZerosLike(x=im), y=_raw.Sign(x=im)))
    return _Select(condition=_raw.LogicalAnd(x=_raw.IsInf(x=re), y=_raw.IsFinite(x=im)), t=limit, e=out)


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
    return _raw.LogicalNot(x=truth(x))


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
    dtype = TO_TF[result_type(FROM_TF[x.dtype], *kinds)]
    low, high = (None if b is None else scalar(b, dtype) if is_number(b) else cast(b, dtype) for b in bounds)
    x = cast(x, dtype)
    if low is not None:
        x = maximum(x, low)
    if high is not None:
        x = minimum(x, high)
    return x
