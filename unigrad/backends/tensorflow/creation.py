"""Array API creation functions and ``astype`` on TensorFlow.

Python numbers take unigrad's defaults, not TensorFlow's: ints are int64
(TensorFlow says int32), floats float32, complex numbers complex64. A NumPy
array or a tensor keeps its dtype.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import tensorflow as tf

from unigrad.backends.api import dtypes as ug_dtypes
from unigrad.backends.api import framework_of, result_type

from .core import (
    DEFAULT_FLOAT,
    FROM_TF,
    INEXACT,
    TO_TF,
    EagerTensor,
    cast,
    common_dtype,
    import_dlpack,
    is_tensor,
    native,
    native_dtype,
    refusal,
    scalar,
)
from .device import native_device, to_device

__all__ = [
    "arange",
    "asarray",
    "astype",
    "empty",
    "empty_like",
    "eye",
    "from_dlpack",
    "full",
    "full_like",
    "linspace",
    "meshgrid",
    "ones",
    "ones_like",
    "tril",
    "triu",
    "zeros",
    "zeros_like",
]

_raw = tf.raw_ops
_SCALAR_DEFAULTS = {bool: tf.bool, int: tf.int64, float: DEFAULT_FLOAT, complex: tf.complex64}


@contextlib.contextmanager
def _placed(device: Any) -> Iterator[None]:
    name = native_device(device)
    if name is None:
        yield
    else:
        with tf.device(name):
            yield


def _shape(shape: Any) -> list[int]:
    return [int(shape)] if isinstance(shape, (int, np.integer)) else list(shape)


def _default_for(value: Any) -> tf.DType:
    if isinstance(value, np.generic):
        return TO_TF[ug_dtypes.as_dtype(value.dtype)]
    for kind in (bool, int, float, complex):  # bool first: it is an int too
        if isinstance(value, kind):
            return _SCALAR_DEFAULTS[kind]
    raise TypeError(f"expected a Python or NumPy number, got {type(value).__name__}")


def arange(start: Any, /, stop: Any = None, step: Any = 1, *, dtype: Any = None, device: Any = None) -> Any:
    if stop is None:
        start, stop = 0, start
    integral = all(isinstance(v, (int, np.integer)) for v in (start, stop, step))
    target = native_dtype(dtype) or (tf.int64 if integral else DEFAULT_FLOAT)
    if step == 0:
        raise ValueError("arange needs a non-zero step")
    count = max(0, math.ceil((stop - start) / step))  # the length in exact arithmetic, as NumPy
    with _placed(device):
        if target not in INEXACT:
            # as PyTorch: an integer range truncates start and step, whatever the length says
            first, stride = int(start), int(step)
            if stride == 0:
                raise ValueError(f"arange: step {step} truncates to 0 for an integer dtype")
            return cast(tf.range(count, dtype=tf.int64) * stride + first, target)
        # each value as start + i * step in float64 (as PyTorch), not a running sum
        return cast(tf.range(count, dtype=tf.float64) * float(step) + float(start), target)


def _leaf_dtypes(obj: Any) -> Iterator[ug_dtypes.DType]:
    if isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _leaf_dtypes(item)
    elif isinstance(obj, (np.ndarray, np.generic)) or is_tensor(obj):
        yield ug_dtypes.as_dtype(obj.dtype)
    elif isinstance(obj, (bool, int, float, complex)):
        yield FROM_TF[_default_for(obj)]


def _sequence_dtype(obj: Any, array: np.ndarray[Any, Any]) -> tf.DType:
    """The dtype PyTorch would give a nested sequence: Python floats are float32."""
    if array.dtype.kind not in "fc":
        return TO_TF[ug_dtypes.as_dtype(array.dtype)]
    found = None
    for leaf in _leaf_dtypes(obj):
        found = leaf if found is None else result_type(found, leaf)
    return TO_TF[found] if found is not None else DEFAULT_FLOAT


def asarray(obj: Any, /, *, dtype: Any = None, device: Any = None, copy: bool | None = None) -> Any:
    target = native_dtype(dtype)
    if is_tensor(obj):
        result = obj
        if target is not None and obj.dtype != target:
            if copy is False:
                raise ValueError(
                    f"asarray(copy=False) cannot cast {obj.dtype.name} to {target.name} without a copy"
                )
            result = cast(obj, target)
        elif copy:
            result = _raw.DeepCopy(x=obj)
        return to_device(result, device)
    if isinstance(obj, (np.ndarray, np.generic)):
        array = np.asarray(obj)
        # TensorFlow copies NumPy input; DLPack shares it, where that is safe
        result = import_dlpack(array, allow_copy=False) if copy is False else tf.convert_to_tensor(array)
        return to_device(cast(result, target) if target is not None else result, device)
    if isinstance(obj, (bool, int, float, complex)):
        if copy is False:
            raise ValueError("asarray(copy=False) cannot make a tensor from a Python scalar without a copy")
        return to_device(scalar(obj, target or _default_for(obj)), device)
    if framework_of(obj) not in (None, "numpy", "tensorflow") and hasattr(obj, "__dlpack__"):
        # an explicit conversion from another framework: through host memory, always safe
        from unigrad.backends.api import backend_of

        array = backend_of(obj).to_numpy(obj, copy=True)
        return asarray(array, dtype=dtype, device=device)
    if copy is False:
        raise ValueError(
            f"asarray(copy=False) cannot make a tensor from a {type(obj).__name__} without a copy"
        )
    try:
        array = np.asarray(obj)
    except (TypeError, ValueError) as exc:
        raise TypeError(refusal(obj, "asarray")) from exc
    if array.dtype == object:
        raise TypeError(f"cannot make a tensor from {type(obj).__name__} holding mixed or ragged data")
    result = tf.convert_to_tensor(array)
    result = cast(result, target or _sequence_dtype(obj, array))
    return to_device(result, device)


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    x = native(x, "astype")
    target = native_dtype(dtype)
    if x.dtype != target:
        return to_device(cast(x, target), device)
    # TensorFlow tensors are immutable, so a "copy" of the same dtype is an
    # Identity, which (unlike DeepCopy) has a gradient
    return to_device(_raw.Identity(input=x) if copy else x, device)


def _filled(shape: Any, value: Any, dtype: tf.DType, device: Any) -> Any:
    with _placed(device):
        return _raw.Fill(dims=_shape(shape), value=scalar(value, dtype))


def empty(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    return zeros(shape, dtype=dtype, device=device)  # TensorFlow has no uninitialised tensors


def zeros(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    with _placed(device):
        return tf.zeros(_shape(shape), native_dtype(dtype) or DEFAULT_FLOAT)


def ones(shape: Any, *, dtype: Any = None, device: Any = None) -> Any:
    with _placed(device):
        return tf.ones(_shape(shape), native_dtype(dtype) or DEFAULT_FLOAT)


def full(shape: Any, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Any:
    return _filled(shape, fill_value, native_dtype(dtype) or _default_for(fill_value), device)


def _like(x: Any, fill_value: Any, dtype: Any, device: Any, name: str) -> Any:
    x = native(x, name)
    target = native_dtype(dtype) or x.dtype
    # like PyTorch, the new tensor sits where x does unless told otherwise
    where = native_device(device) if device is not None else (x.device or None)
    with tf.device(where):
        return _raw.Fill(dims=tf.shape(x), value=scalar(fill_value, target))


def empty_like(x: Any, /, *, dtype: Any = None, device: Any = None) -> Any:
    return zeros_like(x, dtype=dtype, device=device)


def zeros_like(x: Any, /, *, dtype: Any = None, device: Any = None) -> Any:
    if type(x) is EagerTensor and dtype is None and device is None:
        return _raw.ZerosLike(x=x)
    return _like(x, 0, dtype, device, "zeros_like")


def ones_like(x: Any, /, *, dtype: Any = None, device: Any = None) -> Any:
    if type(x) is EagerTensor and dtype is None and device is None:
        return _raw.OnesLike(x=x)
    return _like(x, 1, dtype, device, "ones_like")


def full_like(x: Any, /, fill_value: Any, *, dtype: Any = None, device: Any = None) -> Any:
    return _like(x, fill_value, dtype, device, "full_like")


def eye(
    n_rows: int, n_cols: int | None = None, /, *, k: int = 0, dtype: Any = None, device: Any = None
) -> Any:
    n_cols = n_rows if n_cols is None else n_cols
    with _placed(device):
        rows = tf.range(n_rows, dtype=tf.int64)[:, tf.newaxis]
        cols = tf.range(n_cols, dtype=tf.int64)[tf.newaxis, :]
        return _raw.Cast(
            x=_raw.Equal(x=cols - rows, y=tf.constant(k, tf.int64)), DstT=native_dtype(dtype) or DEFAULT_FLOAT
        )


def linspace(
    start: Any, stop: Any, /, num: int, *, dtype: Any = None, device: Any = None, endpoint: bool = True
) -> Any:
    complex_input = isinstance(start, complex) or isinstance(stop, complex)
    target = native_dtype(dtype) or (tf.complex64 if complex_input else DEFAULT_FLOAT)
    if target in INEXACT:
        work = target
    else:  # as PyTorch: integer ends truncated, the step in float64
        work, start, stop = tf.float64, int(start), int(stop)
    points = num + (0 if endpoint else 1)
    with _placed(device):
        if num <= 0:
            return tf.zeros((0,), target)
        first, last = scalar(start, work), scalar(stop, work)
        if points == 1:
            return cast(tf.reshape(first, (1,)), target)
        # PyTorch's algorithm in the target dtype: the first half counted from the
        # start, the rest from the end, so that both ends are exact
        step = (last - first) / tf.constant(points - 1, work)
        i = tf.range(num, dtype=tf.int64)
        forward = first + step * cast(i, work)
        backward = last - step * cast(points - 1 - i, work)
        return cast(tf.where(i < points // 2, forward, backward), target)


def meshgrid(*arrays: Any, indexing: str = "xy") -> list[Any]:
    if indexing not in ("xy", "ij"):
        raise ValueError(f"indexing must be 'xy' or 'ij', got {indexing!r}")
    if not arrays:
        return []
    arrays = tuple(native(a, "meshgrid") for a in arrays)
    dtype = common_dtype(arrays)
    return list(tf.meshgrid(*[cast(a, dtype) for a in arrays], indexing=indexing))


def _triangle(x: Any, k: int, lower: bool, name: str) -> Any:
    x = native(x, name)
    if x.shape.rank < 2:
        raise ValueError(f"{name} needs an array of at least 2 dimensions, got {x.shape.rank}")
    shape = tf.shape(x, out_type=tf.int64)
    offset = tf.range(shape[-1])[tf.newaxis, :] - tf.range(shape[-2])[:, tf.newaxis]
    keep = offset <= k if lower else offset >= k
    return _raw.SelectV2(condition=keep, t=x, e=tf.zeros((), x.dtype))


def tril(x: Any, /, *, k: int = 0) -> Any:
    return _triangle(x, k, True, "tril")


def triu(x: Any, /, *, k: int = 0) -> Any:
    return _triangle(x, k, False, "triu")


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Any:
    tensor = import_dlpack(x, allow_copy=copy is not False)
    if copy:
        tensor = _raw.DeepCopy(x=tensor)
    return to_device(tensor, device)
