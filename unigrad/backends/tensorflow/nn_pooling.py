"""Fused TensorFlow kernels for the 3-d pools.

Each takes the normalized arguments of the kernel of the same name in
``unigrad.nn.reference`` (batched channels-first input) and agrees with its
definition there (tests hold the two to tolerance). As for the 2-d pools
(``nn_layers.py``): TensorFlow's CPU pools take channels-last input only, so
NCDHW is transposed to NDHWC and back, and PyTorch's symmetric padding is an
explicit pad op (-inf for max) before a ``"VALID"`` pool. ``MaxPool3D`` has no
dilation, neither pool takes float64, and TensorFlow has no adaptive pools:
those use the reference definitions (the adaptive ones a reshape and one
reduction where the sizes divide evenly).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from unigrad.backends.api import reference

from .core import native

__all__ = [
    "nn_max_pool3d",
    "nn_avg_pool3d",
    "nn_max_unpool2d",
]

_raw = tf.raw_ops
_TO_NDHWC, _TO_NCDHW = (0, 2, 3, 4, 1), (0, 4, 1, 2, 3)
_POOL3D_DTYPES = (tf.float32, tf.float16, tf.bfloat16)  # MaxPool3D/AvgPool3D take no float64


def _ndhwc_padded(x: Any, pads: Sequence[tuple[int, int]], value: float, op: str) -> Any:
    x = _raw.Transpose(x=native(x, op), perm=_TO_NDHWC)
    if not any(p for pair in pads for p in pair):
        return x
    paddings = [[0, 0], *(list(p) for p in pads), [0, 0]]
    return _raw.PadV2(input=x, paddings=paddings, constant_values=tf.constant(value, x.dtype))


def nn_max_pool3d(
    x: Any,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    ceil_mode: bool,
) -> Any:
    if tuple(dilation) != (1, 1, 1) or x.dtype not in _POOL3D_DTYPES:
        return reference.max_pool3d(x, kernel_size, stride, padding, dilation, ceil_mode)
    shape = tuple(int(s) for s in x.shape[2:])
    pads, _ = reference.pooling_nd.pool_pads_nd(shape, kernel_size, stride, padding, dilation, ceil_mode)
    y = _raw.MaxPool3D(
        input=_ndhwc_padded(x, pads, -math.inf, "nn.functional.max_pool3d"),
        ksize=[1, *kernel_size, 1],
        strides=[1, *stride, 1],
        padding="VALID",
    )
    return _raw.Transpose(x=y, perm=_TO_NCDHW)


def nn_avg_pool3d(
    x: Any,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Any:
    if x.dtype not in _POOL3D_DTYPES:
        return reference.avg_pool3d(
            x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
        )
    shape = tuple(int(s) for s in x.shape[2:])
    pads, outs = reference.pooling_nd.pool_pads_nd(shape, kernel_size, stride, padding, (1, 1, 1), ceil_mode)
    y = _raw.AvgPool3D(
        input=_ndhwc_padded(x, pads, 0.0, "nn.functional.avg_pool3d"),
        ksize=[1, *kernel_size, 1],
        strides=[1, *stride, 1],
        padding="VALID",
    )
    y = _raw.Transpose(x=y, perm=_TO_NCDHW)
    divisor = reference.pooling.avg_pool_divisor(
        shape, kernel_size, stride, padding, outs, count_include_pad, divisor_override
    )
    # AvgPool3D divides by the whole kernel's volume; PyTorch by its own count
    scale = float(math.prod(kernel_size)) / divisor
    return y if isinstance(scale, float) and scale == 1.0 else y * tf.constant(scale, y.dtype)


def nn_max_unpool2d(x: Any, indices: Any, output_size: tuple[int, int]) -> Any:
    # an update (not a sum, which scatter_nd is) of each (N, C) plane at its indices: where windows
    # overlap and share a maximum, its index repeats with the same value; the gradient gathers,
    # as PyTorch's, so each repeat gets the whole gradient
    x = native(x, "nn.functional.max_unpool2d")
    n, c = int(x.shape[0]), int(x.shape[1])
    plane = output_size[0] * output_size[1]
    planes = tf.range(n * c, dtype=tf.int64)[:, None] * plane
    flat = tf.reshape(tf.cast(indices, tf.int64), (n * c, -1)) + planes
    zeros = tf.zeros((n * c * plane,), x.dtype)
    y = tf.tensor_scatter_nd_update(zeros, tf.reshape(flat, (-1, 1)), tf.reshape(x, (-1,)))
    return tf.reshape(y, (n, c, *output_size))
