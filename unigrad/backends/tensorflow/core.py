"""dtypes, promotion and conversion for the TensorFlow backend.

Everything here is shared by the other modules of the backend: the dtype
tables, :func:`native` (the one check that refuses another framework's
tensor), the primitives (:func:`cast`, :func:`scalar`) from which
:mod:`unigrad.ops.promotion` builds ``promote`` and ``common_dtype``, and the
cached index constants that keep the hot reductions at one raw op.
"""

from __future__ import annotations

import cmath
import math
from typing import Any

import numpy as np
import tensorflow as tf

from unigrad.backends.api import (
    BackendMismatchError,
    DTypeError,
    buffer_address,
    common_dtype_finder,
    framework_of,
    is_compact,
    is_number,
    mismatch_message,
    promoter,
)
from unigrad.backends.api import dtypes as ug_dtypes

__all__ = [
    "is_tensor",
    "promote",
    "dtype_of",
    "native_dtype",
    "to_numpy",
    "from_numpy",
    "export_dlpack",
    "import_dlpack",
    "compile_function",
    "in_graph",
    "compile_by_default",
    "static_shape_compile_options",
    "from_host",
    "graph_checked",
]

with tf.init_scope():  # (the backend may first load inside a graph being traced)
    EagerTensor = type(tf.constant(0))
_TENSOR_TYPES = (tf.Tensor, tf.Variable)
_raw = tf.raw_ops

TO_TF: dict[str, tf.DType] = {
    "bool": tf.bool,
    "int8": tf.int8,
    "int16": tf.int16,
    "int32": tf.int32,
    "int64": tf.int64,
    "uint8": tf.uint8,
    "uint16": tf.uint16,
    "uint32": tf.uint32,
    "uint64": tf.uint64,
    "float16": tf.float16,
    "bfloat16": tf.bfloat16,
    "float32": tf.float32,
    "float64": tf.float64,
    "complex64": tf.complex64,
    "complex128": tf.complex128,
}
FROM_TF: dict[tf.DType, ug_dtypes.DType] = {v: ug_dtypes.as_dtype(k) for k, v in TO_TF.items()}

FLOATS = frozenset({tf.float16, tf.bfloat16, tf.float32, tf.float64})
COMPLEX = frozenset({tf.complex64, tf.complex128})
INEXACT = FLOATS | COMPLEX
SIGNED = frozenset({tf.int8, tf.int16, tf.int32, tf.int64})
UNSIGNED = frozenset({tf.uint8, tf.uint16, tf.uint32, tf.uint64})
INTEGERS = SIGNED | UNSIGNED
_NARROW_INTEGERS = frozenset({tf.int8, tf.uint8, tf.int16, tf.uint16})
# Integer, same-width twins of the floats: sort keys and sign bits are read through them.
BITS_OF = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32, tf.float64: tf.int64}
REAL_OF = {tf.complex64: tf.float32, tf.complex128: tf.float64}
DEFAULT_FLOAT = tf.float32


def is_tensor(x: object) -> bool:
    return isinstance(x, _TENSOR_TYPES)


def native_dtype(dtype: Any) -> tf.DType | None:
    """A TensorFlow dtype for any dtype spec; ``None`` stays ``None`` (the default)."""
    if dtype is None or isinstance(dtype, tf.DType):
        return dtype
    found = TO_TF.get(dtype) if isinstance(dtype, str) else None
    return found if found is not None else TO_TF[ug_dtypes.as_dtype(dtype)]


def dtype_of(x: Any) -> ug_dtypes.DType:
    return FROM_TF[x.dtype]


def native(x: Any, op: str) -> Any:
    """``x`` as a TensorFlow tensor: NumPy arrays are converted, other frameworks refused."""
    if type(x) is EagerTensor:
        return x
    if isinstance(x, _TENSOR_TYPES):  # variables and graph tensors
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        return from_numpy(np.asarray(x))
    # A plain TypeError: the public op names itself in the BackendMismatchError
    # it raises from this. It must come before TensorFlow sees the object, which
    # would convert a torch tensor silently through __array__.
    raise TypeError(refusal(x, op))


def refusal(x: object, op: str) -> str:
    if framework_of(x) in (None, "numpy"):
        return f"ug.{op} expects a TensorFlow tensor, got {type(x).__name__}; make one with ug.asarray(...)"
    return mismatch_message(op, x, "tensorflow")


def cast(x: Any, dtype: tf.DType) -> Any:
    if x.dtype == dtype:
        return x
    if x.dtype in COMPLEX and dtype == tf.bool:
        return _raw.NotEqual(x=x, y=tf.zeros((), x.dtype))
    if x.dtype in COMPLEX and dtype not in COMPLEX:
        x = _raw.Real(input=x, Tout=REAL_OF[x.dtype])  # as NumPy and PyTorch: drop the imaginary part
        if x.dtype == dtype:
            return x
    if x.dtype in FLOATS and dtype in _NARROW_INTEGERS:
        # TensorFlow saturates what does not fit in its vectorised loop but wraps
        # in the scalar tail (-1.0 gives 0 or 255 as uint8, by array length);
        # PyTorch always goes through int32 and wraps: do the same
        x = _raw.Cast(x=x, DstT=tf.int32)
    return _raw.Cast(x=x, DstT=dtype)


_SCALAR_CACHE: dict[tuple[type, Any, tf.DType], Any] = {}


def scalar(value: Any, dtype: tf.DType, like: Any = None) -> Any:
    """A 0-d tensor of ``dtype`` holding a Python scalar; refuses integers that do not fit.

    Eagerly the tensor is cached (``x * 0.5`` in a loop makes it once): building
    a constant costs as much as the op that uses it. (``like``, the tensor it
    will meet, is for promotion's sake: TensorFlow places a scalar by itself.)
    """
    if value == 0 and _signed_zero(value):
        return _make_scalar(value, dtype)  # as a key, -0.0 is 0.0
    key = (type(value), value, dtype)
    found = _SCALAR_CACHE.get(key)
    if found is not None:
        return found
    if not tf.executing_eagerly():
        return _make_scalar(value, dtype)
    with tf.init_scope(), tf.device("/CPU:0"):
        found = _make_scalar(value, dtype)
    if len(_SCALAR_CACHE) < 1024 and not (isinstance(value, (float, complex)) and cmath.isnan(value)):
        _SCALAR_CACHE[key] = found  # (a NaN key would never be found again)
    return found


def _signed_zero(value: Any) -> bool:
    if isinstance(value, complex):
        return math.copysign(1.0, value.real) < 0 or math.copysign(1.0, value.imag) < 0
    return isinstance(value, float) and math.copysign(1.0, value) < 0


def _make_scalar(value: Any, dtype: tf.DType) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and dtype in INTEGERS:
        # PyTorch's range check: TensorFlow would wrap any int around silently,
        # PyTorch refuses what does not fit (for unsigned, what -x does not fit)
        low = -dtype.max if dtype in UNSIGNED else dtype.min
        if not low <= value <= dtype.max:
            raise OverflowError(f"the Python int {value} does not fit in {dtype.name}")
        if value < 0 and dtype in UNSIGNED:
            value += dtype.max + 1
    elif isinstance(value, float) and dtype in INTEGERS:
        return _raw.Cast(x=tf.constant(value, tf.float64), DstT=dtype)
    elif isinstance(value, complex) and dtype not in COMPLEX:
        return cast(tf.constant(value, tf.complex128), dtype)
    elif value == 0 and _signed_zero(value):
        # TensorFlow caches scalar constants by value too, where -0.0 would hit +0.0
        return cast(tf.constant(np.array(value)), dtype)
    try:
        return tf.constant(value, dtype)
    except TypeError:  # a bool for a number or the like: convert as a cast would
        return cast(tf.constant(value), dtype)


# The rule is unigrad's (unigrad.ops.promotion); Python numbers become cached
# 0-d tensors (scalar above), as TensorFlow's raw ops take tensors only.
promote = promoter(
    tensor_types=_TENSOR_TYPES,
    from_native=FROM_TF,
    to_native=TO_TF,
    as_tensor=native,
    cast=cast,
    scalar=scalar,
)
common_dtype = common_dtype_finder(from_native=FROM_TF, to_native=TO_TF, as_tensor=native)


def operands(x1: Any, x2: Any, op: str) -> tuple[Any, Any]:
    """Two tensors of one dtype, for a binary function called with anything."""
    if isinstance(x1, _TENSOR_TYPES) and isinstance(x2, _TENSOR_TYPES) and x1.dtype == x2.dtype:
        return x1, x2
    try:
        return promote(x1, x2)
    except TypeError:
        for x in (x1, x2):
            if not is_number(x):
                native(x, op)  # raises the refusal naming this op
        raise


_INDEX_CACHE: dict[Any, Any] = {}


def index(value: Any, x: Any) -> Any:
    """An axis or shape argument for a raw op over ``x``.

    Eagerly, a cached int32 constant: a raw op given a Python tuple converts it
    on a slow path that costs more than the op. Inside a graph, the plain value,
    so that TensorFlow still infers static shapes.
    """
    if type(x) is not EagerTensor:
        return list(value) if isinstance(value, tuple) else value
    try:
        found = _INDEX_CACHE.get(value)
    except TypeError:  # holds a tensor: a dynamic shape
        return value
    if found is None:
        with tf.init_scope(), tf.device("/CPU:0"):
            found = tf.constant(value, tf.int32)
        if len(_INDEX_CACHE) < 4096:
            _INDEX_CACHE[value] = found
    return found


def _eager(x: Any, op: str) -> Any:
    """``x`` as an eager tensor with a value (a variable is read)."""
    if isinstance(x, tf.Variable):
        return x.read_value()
    if type(x) is EagerTensor:
        return x
    if isinstance(x, tf.Tensor):
        raise TypeError(f"ug.{op}: a symbolic tensor inside ug.function / tf.function has no value yet")
    raise BackendMismatchError(mismatch_message(op, x, "tensorflow"))


def to_numpy(x: Any, copy: bool = False) -> np.ndarray[Any, Any]:
    """A NumPy array of ``x``: a read-only view of a CPU tensor, a fresh array if ``copy``."""
    x = _eager(x, "to_numpy")
    try:  # (numpy() and __array__ of a 0-d bfloat16 tensor give an ml_dtypes scalar, not an array)
        return np.asarray(x.numpy() if copy else x)
    except ValueError:
        return np.asarray(x.numpy())


def from_numpy(array: np.ndarray[Any, Any], device: Any = None) -> Any:
    tensor = tf.convert_to_tensor(array)  # always a copy: TensorFlow never aliases NumPy memory
    if device is None:
        return tensor
    from .device import to_device

    return to_device(tensor, device)


def export_dlpack(x: Any) -> Any:
    """``x`` as a DLPack producer (TensorFlow tensors carry ``__dlpack__``)."""
    return _eager(x, "convert")


_ALIGNMENT = 64  # Eigen's alignment; TensorFlow aborts the process on a misaligned buffer


def import_dlpack(obj: Any, *, allow_copy: bool = True) -> Any:
    """A tensor over the memory of a DLPack producer, or over a copy where that is unsafe.

    TensorFlow takes any buffer it is offered, then aborts the whole process on
    the first op over one that is not 64-byte aligned (``torch.from_numpy``
    buffers often are not). So the capsule's address is read first and only an
    aligned, compact buffer is handed over; anything else is copied.
    """
    if isinstance(obj, _TENSOR_TYPES):
        return obj
    capsule = obj if type(obj).__name__ == "PyCapsule" else None
    if capsule is None:
        try:
            capsule = obj.__dlpack__()
        except (AttributeError, TypeError, BufferError, RuntimeError) as exc:
            if not allow_copy:
                raise ValueError(f"cannot share the memory of {type(obj).__name__}: {exc}") from exc
            return _copied(obj, exc)
    try:
        safe = buffer_address(capsule) % _ALIGNMENT == 0 and is_compact(capsule)
    except ValueError:
        safe = False
    if safe:
        try:
            return tf.experimental.dlpack.from_dlpack(capsule)
        except Exception as exc:
            failure: Exception = exc
    else:
        failure = BufferError("the buffer is not 64-byte aligned and compact")
    if not allow_copy:
        raise ValueError(f"TensorFlow cannot share this buffer without a copy: {failure}")
    return _copied(obj, failure)


def _copied(obj: Any, cause: Exception) -> Any:
    if type(obj).__name__ == "PyCapsule":
        raise DTypeError(f"TensorFlow cannot take this DLPack capsule: {cause}") from cause
    try:
        array = np.from_dlpack(obj)
    except Exception as exc:
        raise DTypeError(f"TensorFlow cannot take {type(obj).__name__} through DLPack: {exc}") from exc
    return tf.convert_to_tensor(np.array(array, copy=True))


def normalize_axis(axis: int, ndim: int) -> int:
    """``axis`` counted from the front; out of range is an error, never a wrap-around."""
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {ndim} dimensions")
    return axis % ndim


def compile_function(fn: Any, jit_compile: bool, options: dict[str, Any]) -> Any:
    """``tf.function(fn)``, with XLA under ``jit_compile``.

    Calls whose arguments are all tensors go straight to the concrete function
    traced for their shapes and dtypes: ``tf.function``'s own dispatch (binding
    the arguments, matching its function types) costs ~100 µs a call, as much
    as a small training step's kernels.
    """
    # autograph off by default: unigrad code is written once for both backends,
    # and torch.compile does not rewrite Python control flow either (ug.where
    # is the portable way); tracing is also faster without it
    options = {"reduce_retracing": True, "autograph": False, **options}
    traced = tf.function(fn, jit_compile=jit_compile or None, **options)
    concrete: dict[tuple[Any, ...], Any] = {}
    tensor_types = (tf.Tensor, tf.Variable)

    def call(*args: Any, **kwargs: Any) -> Any:
        if kwargs or not all(isinstance(a, tensor_types) for a in args):
            return traced(*args, **kwargs)
        key = tuple((a.dtype, tuple(a.shape)) for a in args)
        found = concrete.get(key)
        if found is None:
            found = concrete[key] = traced.get_concrete_function(*args)
        return found(*args)

    call.python_function = fn  # type: ignore[attr-defined]
    call.tf_function = traced  # type: ignore[attr-defined]
    return call


def in_graph() -> bool:
    """Whether this code is being traced into a ``tf.function`` graph."""
    return not tf.executing_eagerly()


def compile_by_default() -> bool:
    """True: a ``tf.function`` step runs several times faster than the eager one even for a
    small model, and traces in about a second."""
    return True


def static_shape_compile_options() -> dict[str, Any]:
    """No ``reduce_retracing``: one graph per exact shape, all dimensions known to the layers."""
    return {"reduce_retracing": False}


def from_host(draw: Any, shape: tuple[int, ...], dtype: Any, device: Any = None) -> Any:
    """The array ``draw()`` makes: now when eager; inside a graph, each time the graph runs.

    ``tf.numpy_function`` is stateful, so a traced graph keeps the host calls in
    program order, and draws from a host generator come out as they would eagerly.
    """
    if tf.executing_eagerly():
        from .creation import asarray

        return asarray(draw(), device=device)
    native = native_dtype(dtype)
    values = tf.numpy_function(draw, [], native, stateful=True)
    values.set_shape(shape)
    return values


def graph_checked(value: Any, condition: Any, message: str) -> Any:
    """``value``, once a check of ``condition`` has passed when the graph runs (else ``message``).

    Whatever uses the returned value runs after the check, so the check's
    message comes before any error of the op it guards (an out-of-range gather).
    """
    with tf.control_dependencies([tf.debugging.Assert(condition, [message])]):
        return tf.identity(value)
