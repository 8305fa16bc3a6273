"""The Array API namespace of the NumPy backend, mostly array-api-compat's.

array-api-compat already gives NumPy the standard's signatures; what is left
is unigrad's defaults (Python floats become ``float32``, as on every backend,
where NumPy makes ``float64``), dtype arguments given as unigrad dtypes, and
``einsum`` and ``logsumexp``, which the standard lacks.
"""

from __future__ import annotations

from typing import Any

import array_api_compat.numpy as xp
import numpy as np

from unigrad.backends.api import dtypes, numpy_dtype, parse_device, result_type, unknown_device

_DEFAULT_FLOAT = numpy_dtype(dtypes.default_float)

# Functions taken from array-api-compat as they are (a word list: 100 names read better so).
_AS_IS = """
    broadcast_arrays broadcast_to flip meshgrid moveaxis permute_dims repeat reshape roll
    squeeze take take_along_axis tile tril triu unstack
    abs acos acosh add asin asinh atan atan2 atanh bitwise_and bitwise_invert bitwise_left_shift
    bitwise_or bitwise_right_shift bitwise_xor ceil clip conj copysign cos cosh divide equal exp expm1
    floor floor_divide greater greater_equal hypot imag isfinite isinf isnan less less_equal log log1p
    log2 log10 logaddexp logical_and logical_not logical_or logical_xor maximum minimum multiply
    negative nextafter not_equal positive pow real reciprocal remainder round sign signbit sin sinh
    square sqrt subtract tan tanh trunc
    all any diff max min argmax argmin count_nonzero nonzero searchsorted where
    unique_all unique_counts unique_inverse unique_values argsort sort
    matmul matrix_transpose tensordot vecdot
    empty_like zeros_like ones_like full_like from_dlpack
""".split()  # noqa: SIM905
# The linalg extension, carried as linalg_<name>.
_LINALG = """
    cholesky cross det diagonal eigh eigvalsh inv matrix_norm matrix_power matrix_rank outer pinv qr
    slogdet solve svd svdvals vector_norm
""".split()  # noqa: SIM905

__all__ = [  # noqa: PLE0604 - the names above, then those defined below
    *_AS_IS,
    *(f"linalg_{name}" for name in _LINALG),
    "asarray",
    "astype",
    "arange",
    "linspace",
    "empty",
    "zeros",
    "ones",
    "full",
    "eye",
    "concat",
    "stack",
    "expand_dims",
    "sum",
    "prod",
    "cumulative_sum",
    "cumulative_prod",
    "mean",
    "var",
    "std",
    "logsumexp",
    "isin",
    "einsum",
    "linalg_trace",
]

globals().update({name: getattr(xp, name) for name in _AS_IS})
globals().update({f"linalg_{name}": getattr(xp.linalg, name) for name in _LINALG})


def _dtype(dtype: Any) -> np.dtype[Any] | None:
    return None if dtype is None else numpy_dtype(dtype)


def _cpu(device: Any) -> None:
    if device is not None and parse_device(device).kind != "cpu":
        raise unknown_device(device, ["cpu:0"])


def _default_float(values: Any, dtype: Any) -> Any:
    """The default dtype for ``values`` when none was asked: NumPy's, but float32 for Python floats."""
    if dtype is not None:
        return numpy_dtype(dtype)
    if isinstance(values, float) or (isinstance(values, np.ndarray) and values.dtype == np.float64):
        return _DEFAULT_FLOAT
    return None


# -- creation ------------------------------------------------------------------


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None) -> Any:
    _cpu(device)
    if dtype is None and not isinstance(obj, (np.ndarray, np.generic)):
        found = np.asarray(obj)
        dtype = {np.float64: _DEFAULT_FLOAT, np.complex128: np.complex64}.get(found.dtype.type)
    return xp.asarray(obj, dtype=_dtype(dtype), copy=copy)


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    _cpu(device)
    return xp.astype(x, numpy_dtype(dtype), copy=copy)


def arange(start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None) -> Any:
    _cpu(device)
    # (not any(...): this module's ``any`` is the Array API one)
    is_float = isinstance(start, float) or isinstance(stop, float) or isinstance(step, float)
    return xp.arange(start, stop, step, dtype=_dtype(dtype) or (_DEFAULT_FLOAT if is_float else None))


def linspace(
    start: Any, stop: Any, /, num: int, *, dtype: Any = None, device: Any = None, endpoint: bool = True
) -> Any:
    _cpu(device)
    return xp.linspace(start, stop, num, dtype=_dtype(dtype) or _DEFAULT_FLOAT, endpoint=endpoint)


def empty(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    _cpu(device)
    return np.empty(shape, dtype=_dtype(dtype) or _DEFAULT_FLOAT)


def zeros(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    _cpu(device)
    return np.zeros(shape, dtype=_dtype(dtype) or _DEFAULT_FLOAT)


def ones(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    _cpu(device)
    return np.ones(shape, dtype=_dtype(dtype) or _DEFAULT_FLOAT)


def full(shape: Any, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Any:
    _cpu(device)
    return xp.full(shape, fill_value, dtype=_default_float(fill_value, dtype))


def eye(
    n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None, device: Any = None
) -> Any:
    _cpu(device)
    return xp.eye(n_rows, n_cols, k=k, dtype=_dtype(dtype) or _DEFAULT_FLOAT)


# -- manipulation: several arrays are promoted by unigrad's table, not NumPy's ---


def _common(arrays: Any) -> list[Any]:
    found = result_type(*(dtypes.as_dtype(a.dtype) for a in arrays))
    return [np.asarray(a, dtype=numpy_dtype(found)) for a in arrays]


def expand_dims(x: Any, /, axis: int = 0) -> Any:
    return np.expand_dims(x, axis)  # array-api-compat passes NumPy's own, which needs axis


def concat(arrays: Any, /, *, axis: int | None = 0) -> Any:
    return xp.concat(_common(arrays), axis=axis)


def stack(arrays: Any, /, *, axis: int = 0) -> Any:
    return xp.stack(_common(arrays), axis=axis)


# -- statistics: dtype arguments as unigrad dtypes, integer means in float32 --


def sum(x: Any, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    return xp.sum(x, axis=axis, dtype=_dtype(dtype), keepdims=keepdims)


def prod(x: Any, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    return xp.prod(x, axis=axis, dtype=_dtype(dtype), keepdims=keepdims)


def cumulative_sum(
    x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Any:
    return xp.cumulative_sum(x, axis=axis, dtype=_dtype(dtype), include_initial=include_initial)


def cumulative_prod(
    x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Any:
    return xp.cumulative_prod(x, axis=axis, dtype=_dtype(dtype), include_initial=include_initial)


def _floating(x: Any) -> Any:
    # unigrad averages integers in the default float on every backend
    return x if xp.isdtype(x.dtype, ("real floating", "complex floating")) else x.astype(_DEFAULT_FLOAT)


def mean(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    return xp.mean(_floating(x), axis=axis, keepdims=keepdims)


def var(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    return xp.var(_floating(x), axis=axis, correction=correction, keepdims=keepdims)


def std(x: Any, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Any:
    return xp.std(_floating(x), axis=axis, correction=correction, keepdims=keepdims)


def logsumexp(x: Any, /, *, axis: Any = None, keepdims: bool = False) -> Any:
    x = _floating(x)
    axes = tuple(range(x.ndim)) if axis is None else axis
    if axes == ():
        return x.copy()
    peak = np.max(x, axis=axes, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0)  # all -inf (or inf) along an axis: no shift
    out = np.log(np.sum(np.exp(x - peak), axis=axes, keepdims=True)) + peak
    return out if keepdims else np.squeeze(out, axis=axes)


def isin(x1: Any, x2: Any, /, *, invert: bool = False) -> Any:
    return np.isin(x1, x2, invert=invert)


def einsum(subscripts: str, /, *operands: Any) -> Any:
    return np.einsum(subscripts, *_common(operands))


def linalg_trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    return xp.linalg.trace(x, offset=offset, dtype=_dtype(dtype))
