"""Fused TensorFlow kernels for the convolution, pooling and normalization functions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance). What
TensorFlow's CPU kernels cannot do, and how it is worked around:

* NCHW convolution and pooling: not on CPU (without oneDNN); the input is
  transposed to NHWC and the result back.
* PyTorch's symmetric padding: TensorFlow's "SAME" is asymmetric, so
  convolutions get ``EXPLICIT`` pads where ``"SAME"`` would pad otherwise
  (``EXPLICIT`` gradients are slow on CPU), and pools an explicit pad op
  (-inf for max).
* Gradients of dilated and of grouped ``Conv2D``: none on CPU. A dilated
  filter is spread out with zeros (the same sums, a larger kernel); groups
  run as ``DepthwiseConv2dNative`` (one input channel per group, equal
  strides) or as one convolution per group.
* ``FusedBatchNormV3`` takes float32 only; other dtypes use the reference
  definition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from unigrad.backends.api import reference

from .core import native

__all__ = [
    "nn_conv2d",
    "nn_max_pool2d",
    "nn_avg_pool2d",
    "nn_batch_norm",
]

_raw = tf.raw_ops
Pair = reference.windows.Pair
Pads = reference.windows.Pads
_TO_NHWC, _TO_NCHW = (0, 2, 3, 1), (0, 3, 1, 2)


def _nhwc(x: Any, channels_last: bool, op: str) -> Any:
    x = native(x, op)
    return x if channels_last else _raw.Transpose(x=x, perm=_TO_NHWC)


def _restore(y: Any, channels_last: bool) -> Any:
    return y if channels_last else _raw.Transpose(x=y, perm=_TO_NCHW)


# -- convolution ---------------------------------------------------------------


def _spread(filters: Any, dilation: Sequence[int]) -> Any:
    """An HWIO (or DHWIO) filter with ``dilation - 1`` zeros between taps: a dilated kernel as a plain one."""
    for axis, rate in enumerate(dilation):
        if rate == 1:
            continue
        size = int(filters.shape[axis])
        moved = tf.experimental.numpy.moveaxis(filters, axis, 0)
        rest = moved.shape[1:]
        gapped = tf.pad(moved[:, None], [[0, 0], [0, rate - 1]] + [[0, 0]] * len(rest))
        moved = tf.reshape(gapped, [size * rate, *rest])[: (size - 1) * rate + 1]
        filters = tf.experimental.numpy.moveaxis(moved, 0, axis)
    return filters


def nn_conv2d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Pair,
    padding: Pads,
    dilation: Pair,
    groups: int,
    channels_last: bool,
) -> Any:
    x = _nhwc(x, channels_last, "nn.functional.conv2d")
    filters = _spread(_raw.Transpose(x=weight, perm=(2, 3, 1, 0)), dilation)  # (out, in, kH, kW) -> HWIO
    mode, explicit = _padding_mode(x, filters, stride, padding)
    strides = [1, *stride, 1]
    in_channels, out_channels = int(x.shape[-1]), int(weight.shape[0])
    if groups == 1:
        y = _raw.Conv2D(input=x, filter=filters, strides=strides, padding=mode, explicit_paddings=explicit)
    elif groups == in_channels and stride[0] == stride[1]:
        # (kH, kW, 1, out) -> (kH, kW, in, out / in): output channel c * multiplier + m, as PyTorch's
        depthwise = tf.reshape(filters, [*filters.shape[:2], in_channels, out_channels // in_channels])
        y = _raw.DepthwiseConv2dNative(
            input=x, filter=depthwise, strides=strides, padding=mode, explicit_paddings=explicit
        )
    else:
        parts = zip(tf.split(x, groups, axis=3), tf.split(filters, groups, axis=3), strict=True)
        y = tf.concat(
            [
                _raw.Conv2D(input=xs, filter=fs, strides=strides, padding=mode, explicit_paddings=explicit)
                for xs, fs in parts
            ],
            axis=3,
        )
    if bias is not None:
        y = _raw.BiasAdd(value=y, bias=bias)
    return _restore(y, channels_last)


def _padding_mode(x: Any, filters: Any, stride: Pair, padding: Pads) -> tuple[str, list[int]]:
    """``Conv2D``'s ``padding`` and ``explicit_paddings`` for PyTorch's pads.

    ``"VALID"`` without pads, ``"SAME"`` where that pads alike (odd kernels at
    stride 1, PyTorch's ``padding=k // 2``), else ``"EXPLICIT"``, whose CPU
    gradients are much slower (measured: a 3x3 conv of 32x16x16x16 costs 2.8
    ms forward and backward with ``EXPLICIT``, 2.3 ms with ``"SAME"``).
    """
    if not any(padding[0]) and not any(padding[1]):
        return "VALID", []
    for axis in (0, 1):
        size, kernel = x.shape[1 + axis], filters.shape[axis]
        if size is None or kernel is None:  # a dynamic size: no telling what "SAME" pads
            break
        total = max((math.ceil(size / stride[axis]) - 1) * stride[axis] + kernel - size, 0)
        if tuple(padding[axis]) != (total // 2, total - total // 2):
            break
    else:
        return "SAME", []
    return "EXPLICIT", [0, 0, *padding[0], *padding[1], 0, 0]


# -- pooling -------------------------------------------------------------------


def _padded(x: Any, pads: Pads, value: float) -> Any:
    if not any(pads[0]) and not any(pads[1]):
        return x
    return _raw.PadV2(
        input=x,
        paddings=[[0, 0], list(pads[0]), list(pads[1]), [0, 0]],
        constant_values=tf.constant(value, x.dtype),
    )


def nn_max_pool2d(
    x: Any,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    dilation: Pair,
    ceil_mode: bool,
    channels_last: bool,
) -> Any:
    if dilation != (1, 1):  # MaxPool has no dilation
        return reference.max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, channels_last)
    x = _nhwc(x, channels_last, "nn.functional.max_pool2d")
    pads, _ = reference.pooling.pool_pads(
        tuple(x.shape[1:3]), kernel_size, stride, padding, dilation, ceil_mode
    )
    y = _raw.MaxPool(
        input=_padded(x, pads, -math.inf),
        ksize=[1, *kernel_size, 1],
        strides=[1, *stride, 1],
        padding="VALID",
    )
    return _restore(y, channels_last)


def nn_avg_pool2d(
    x: Any,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
    channels_last: bool,
) -> Any:
    x = _nhwc(x, channels_last, "nn.functional.avg_pool2d")
    shape = (int(x.shape[1]), int(x.shape[2]))
    pads, outs = reference.pooling.pool_pads(shape, kernel_size, stride, padding, (1, 1), ceil_mode)
    y = _raw.AvgPool(
        value=_padded(x, pads, 0.0), ksize=[1, *kernel_size, 1], strides=[1, *stride, 1], padding="VALID"
    )
    divisor = reference.pooling.avg_pool_divisor(
        shape, kernel_size, stride, padding, outs, count_include_pad, divisor_override
    )
    area = float(kernel_size[0] * kernel_size[1])
    if isinstance(divisor, float):
        y = y if divisor == area else y * (area / divisor)
    else:  # AvgPool divided by the whole window; PyTorch divides by what it counts
        y = y * tf.constant((area / divisor)[:, :, None], dtype=y.dtype)
    return _restore(y, channels_last)


# -- normalization -------------------------------------------------------------


def nn_batch_norm(
    x: Any,
    running_mean: Any,
    running_var: Any,
    weight: Any,
    bias: Any,
    training: bool,
    momentum: float,
    eps: float,
    channels_last: bool,
) -> tuple[Any, Any, Any]:
    x = native(x, "nn.functional.batch_norm")
    if x.dtype != tf.float32 or x.shape.rank not in (2, 3, 4):
        return reference.batch_norm(
            x, running_mean, running_var, weight, bias, training, momentum, eps, channels_last
        )
    shape = x.shape
    channels = int(shape[-1] if channels_last else shape[1])
    # any rank as a 4-D image the kernel takes: (N, C, ...) -> (N, C, rest, 1), (N, ..., C) -> (N, rest, 1, C)
    # A 4-D input goes in as it is: a Reshape between a Conv2D and its batch norm would keep Grappler
    # from fusing the two (and a following Relu) into one oneDNN convolution, ~1.3x slower inference.
    if x.shape.rank == 4:
        image, data_format = x, ("NHWC" if channels_last else "NCHW")
    elif channels_last or x.shape.rank == 2:
        image, data_format = tf.reshape(x, [shape[0], -1, 1, channels]), "NHWC"
    else:
        image, data_format = tf.reshape(x, [shape[0], channels, -1, 1]), "NCHW"
    scale = weight if weight is not None else tf.ones([channels], tf.float32)
    offset = bias if bias is not None else tf.zeros([channels], tf.float32)
    updates = training and running_mean is not None
    empty = tf.zeros([0], tf.float32)  # training without running statistics
    y, mean, var, *_ = _raw.FusedBatchNormV3(
        x=image,
        scale=scale,
        offset=offset,
        mean=running_mean if running_mean is not None else empty,
        variance=running_var if running_var is not None else empty,
        epsilon=eps,
        is_training=training,
        exponential_avg_factor=momentum if updates else 1.0,
        data_format=data_format,
    )
    y = y if y.shape.rank == shape.rank else tf.reshape(y, shape)
    if not updates:
        return y, None, None
    return y, tf.stop_gradient(mean), tf.stop_gradient(var)
