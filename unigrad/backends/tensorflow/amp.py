"""Mixed precision (``ug.autocast``, ``ug.amp``) over tensorflow: a compute-dtype policy in the kernels.

TensorFlow has no autocast of its own (Keras' mixed precision is a policy its
layers apply), so unigrad applies one in its kernels, mirroring the lists of
``torch.autocast`` on a CPU (``torch/amp/autocast_mode.py``; the "CPU Ops that
can autocast" tables of PyTorch's AMP page):

* :data:`LOWER` (linear, matmul and the products, convolutions, attention):
  floating inputs other than float64, weights included, are cast to the compute
  dtype, so the result is in it. The cast's gradient brings the gradient of a
  float32 parameter back in float32: parameters stay the float32 master copy.
* :data:`FLOAT32` (losses torch lists, 3-d pooling, unpooling): float16 and
  bfloat16 inputs are cast to float32, so the result is float32.
* :data:`KEEP` (the normalizations): torch's CPU kernels take a bfloat16 input
  with float32 weights and answer in the input's dtype; here the input is
  computed in float32 and the result cast back.

A product's bfloat16 result then meets float32 tensors (a residual ``x + f(x)``,
``prediction - target`` in a loss), which torch promotes to float32 and TensorFlow's
operators refuse: while any autocast is open, TensorFlow's "safe" dtype conversion is on
(process-wide: TensorFlow keeps the mode in one global), so they promote as torch does.

The kernels are wrapped here, once, by name (this module comes last among the
backend's modules, so its members replace the plain kernels): one table to read
against torch's lists. With no autocast active a wrapped kernel costs a Python call
and a context-variable read over the plain one (~0.3 µs, against tens of µs for
the kernel); ``matmul``, ``tensordot``, ``vecdot`` and ``einsum``, whose dispatch
cost is measured, read it inline in ``linalg.py`` instead (~40 ns). The policy is
read when a graph is traced: a ``tf.function`` traced inside ``ug.autocast`` keeps
its casts.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable, Iterator
from typing import Any

import tensorflow as tf
from tensorflow.python.framework import ops as _tf_ops  # the dtype conversion mode

from unigrad.backends.api import reference

from . import nn, nn_attention, nn_conv, nn_layers, nn_normalization, nn_pooling, nn_recurrent
from .core import FROM_TF, native_dtype

__all__ = [
    "amp_autocast",
    "amp_autocast_dtype",
    "amp_call_if",
    # the wrapped kernels (see the module docstring)
    "nn_linear",
    "nn_conv2d",
    "nn_conv3d",
    "nn_conv_transpose2d",
    "nn_conv_transpose3d",
    "nn_scaled_dot_product_attention",
    "nn_sparse_cross_entropy",
    "nn_ctc_loss",
    "nn_max_pool3d",
    "nn_avg_pool3d",
    "nn_max_unpool2d",
    "nn_batch_norm",
    "nn_layer_norm",
    "nn_group_norm",
    "nn_instance_norm",
    "nn_rms_norm",
    "nn_rnn_tanh",
    "nn_rnn_relu",
    "nn_gru",
    "nn_lstm",
]

# The compute dtype of the innermost ``ug.autocast`` (None: off), per thread and task.
_compute_dtype: contextvars.ContextVar[tf.DType | None] = contextvars.ContextVar(
    "unigrad_tf_autocast", default=None
)
_active = _compute_dtype.get  # bound once: the read every wrapped kernel makes
_LOWER_PRECISION = (tf.float16, tf.bfloat16)


class _Promotion:
    """How many autocasts are open (in any thread), and the conversion mode the first one found."""

    lock = threading.Lock()
    users = 0
    found: Any = None


def _promote(opening: bool) -> None:
    """Turn TensorFlow's "safe" dtype conversion on with the first open autocast, back with the last."""
    with _Promotion.lock:
        if opening:
            if _Promotion.users == 0:
                _Promotion.found = _tf_ops.get_dtype_conversion_mode()
                if _Promotion.found == _tf_ops.PromoMode.OFF:
                    _tf_ops.set_dtype_conversion_mode("safe")
            _Promotion.users += 1
        else:
            _Promotion.users -= 1
            if _Promotion.users == 0 and _Promotion.found == _tf_ops.PromoMode.OFF:
                _tf_ops.set_dtype_conversion_mode("off")


@contextlib.contextmanager
def amp_autocast(device_type: str | None, dtype: Any, enabled: bool) -> Iterator[None]:
    """Run the kernels of :data:`LOWER` in ``dtype`` inside the block (none is cast unless ``enabled``)."""
    target = native_dtype(dtype) if enabled else None
    token = _compute_dtype.set(target)
    _promote(True)
    try:
        yield
    finally:
        _promote(False)
        _compute_dtype.reset(token)


def amp_autocast_dtype(device_type: str | None) -> Any:
    """The compute dtype of the active ``ug.autocast`` (a unigrad dtype), or None outside one."""
    dtype = _compute_dtype.get()
    return None if dtype is None else FROM_TF[dtype]


def amp_call_if(condition: Any, fn: Callable[[], None]) -> None:
    """``fn()`` where the boolean 0-d tensor ``condition`` holds; a ``tf.cond`` while a graph is traced."""
    if tf.executing_eagerly():
        if bool(condition):
            fn()
        return

    def run() -> Any:
        fn()
        return tf.constant(True)

    tf.cond(condition, run, lambda: tf.constant(False))


def _cast(value: Any, dtype: tf.DType, eligible: tuple[tf.DType, ...]) -> Any:
    if isinstance(value, (tf.Tensor, tf.Variable)) and value.dtype in eligible and value.dtype != dtype:
        return tf.cast(value, dtype)
    return value


def _cast_all(args: tuple[Any, ...], kwargs: dict[str, Any], dtype: tf.DType, eligible: Any) -> Any:
    cast_kwargs = {k: _cast(v, dtype, eligible) for k, v in kwargs.items()}
    return tuple(_cast(a, dtype, eligible) for a in args), cast_kwargs


def lower(*values: Any) -> tuple[Any, ...]:
    """``values`` in the compute dtype of the active autocast (float16, bfloat16 and float32 ones)."""
    dtype = _active()
    if dtype is None:
        return values
    return tuple(_cast(v, dtype, (tf.float32, *_LOWER_PRECISION)) for v in values)


def _lowered(kernel: Callable[..., Any]) -> Callable[..., Any]:
    """``kernel`` run in the compute dtype: float16, bfloat16 and float32 inputs are cast to it."""

    def lowered(*args: Any, **kwargs: Any) -> Any:
        dtype = _active()
        if dtype is not None:
            args, kwargs = _cast_all(args, kwargs, dtype, (tf.float32, *_LOWER_PRECISION))
        return kernel(*args, **kwargs)

    return _named(lowered, kernel)


def _in_float32(kernel: Callable[..., Any]) -> Callable[..., Any]:
    """``kernel`` run in float32 under autocast: float16 and bfloat16 inputs are cast up."""

    def in_float32(*args: Any, **kwargs: Any) -> Any:
        if _active() is not None:
            args, kwargs = _cast_all(args, kwargs, tf.float32, _LOWER_PRECISION)
        return kernel(*args, **kwargs)

    return _named(in_float32, kernel)


def _input_dtype(kernel: Callable[..., Any]) -> Callable[..., Any]:
    """``kernel`` of a low-precision input and float32 weights: computed in float32, answered in x's dtype."""

    def input_dtype(x: Any, *args: Any, **kwargs: Any) -> Any:
        if _active() is None or getattr(x, "dtype", None) not in _LOWER_PRECISION:
            return kernel(x, *args, **kwargs)
        low = x.dtype
        args, kwargs = _cast_all(args, kwargs, tf.float32, _LOWER_PRECISION)
        result = kernel(tf.cast(x, tf.float32), *args, **kwargs)
        if isinstance(result, tuple):  # batch_norm's (y, batch mean, batch variance): statistics stay float32
            return (tf.cast(result[0], low), *result[1:])
        return tf.cast(result, low)

    return _named(input_dtype, kernel)


def _recurrent(kernel: Callable[..., Any], in_compute_dtype: bool) -> Callable[..., Any]:
    """A recurrent ``kernel`` as torch's CPU runs it under autocast: in float32 inside (its products not
    cast one by one), answering in the compute dtype (``in_compute_dtype``) or in the input's."""

    def recurrent(x: Any, hx: Any, weights: Any, *args: Any, **kwargs: Any) -> Any:
        dtype = _active()
        if dtype is None:
            return kernel(x, hx, weights, *args, **kwargs)
        target = dtype if in_compute_dtype else x.dtype

        def up(t: Any) -> Any:
            return _cast(t, tf.float32, _LOWER_PRECISION)

        hx = tuple(map(up, hx)) if isinstance(hx, (tuple, list)) else up(hx)
        token = _compute_dtype.set(None)
        try:
            results = kernel(up(x), hx, [up(w) for w in weights], *args, **kwargs)
        finally:
            _compute_dtype.reset(token)
        return tuple(_cast(r, target, (tf.float32,)) for r in results)

    return _named(recurrent, kernel)


def _named(wrapper: Callable[..., Any], kernel: Callable[..., Any]) -> Callable[..., Any]:
    wrapper.__name__ = wrapper.__qualname__ = getattr(kernel, "__name__", wrapper.__name__)
    wrapper.__doc__ = kernel.__doc__
    wrapper.__wrapped__ = kernel  # type: ignore[attr-defined]
    return wrapper


# torch's "CPU ops that can autocast to bfloat16" that unigrad has kernels for (and matmul,
# tensordot, vecdot and einsum, torch's einsum running as bmm: linalg.py calls lower() itself,
# on the hot path of every product, where this wrapper's call would cost more than the read)
nn_linear = _lowered(nn.nn_linear)
nn_conv2d = _lowered(nn_layers.nn_conv2d)  # conv1d runs as conv2d
nn_conv3d = _lowered(nn_conv.nn_conv3d)
nn_conv_transpose2d = _lowered(nn_conv.nn_conv_transpose2d)
nn_conv_transpose3d = _lowered(nn_conv.nn_conv_transpose3d)
nn_scaled_dot_product_attention = _lowered(nn_attention.nn_scaled_dot_product_attention)

# torch's "CPU ops that can autocast to float32"
nn_sparse_cross_entropy = _in_float32(nn.nn_sparse_cross_entropy)
nn_ctc_loss = _in_float32(nn.nn_ctc_loss)
nn_max_pool3d = _in_float32(nn_pooling.nn_max_pool3d)
nn_avg_pool3d = _in_float32(nn_pooling.nn_avg_pool3d)
nn_max_unpool2d = _in_float32(nn_pooling.nn_max_unpool2d)

# neither list: torch's CPU kernels take mixed dtypes and answer in the input's
nn_batch_norm = _input_dtype(nn_layers.nn_batch_norm)
# (the reference definitions, unless nn_normalization.py has grown a kernel of its own)
nn_layer_norm = _input_dtype(getattr(nn_normalization, "nn_layer_norm", reference.layer_norm))
nn_group_norm = _input_dtype(getattr(nn_normalization, "nn_group_norm", reference.group_norm))
nn_instance_norm = _input_dtype(getattr(nn_normalization, "nn_instance_norm", reference.instance_norm))
nn_rms_norm = _input_dtype(getattr(nn_normalization, "nn_rms_norm", reference.rms_norm))

# torch's CPU LSTM (mkldnn_rnn) and RNN autocast; its GRU answers in the input's dtype
nn_lstm = _recurrent(nn_recurrent.nn_lstm, in_compute_dtype=True)
nn_rnn_tanh = _recurrent(nn_recurrent.nn_rnn_tanh, in_compute_dtype=True)
nn_rnn_relu = _recurrent(nn_recurrent.nn_rnn_relu, in_compute_dtype=True)
nn_gru = _recurrent(nn_recurrent.nn_gru, in_compute_dtype=False)

LOWER = ("matmul", "tensordot", "vecdot", "einsum", "nn_linear", "nn_conv2d", "nn_conv3d",
         "nn_conv_transpose2d", "nn_conv_transpose3d", "nn_scaled_dot_product_attention")  # fmt: skip
FLOAT32 = ("nn_sparse_cross_entropy", "nn_ctc_loss", "nn_max_pool3d", "nn_avg_pool3d", "nn_max_unpool2d")
KEEP = ("nn_batch_norm", "nn_layer_norm", "nn_group_norm", "nn_instance_norm", "nn_rms_norm")
