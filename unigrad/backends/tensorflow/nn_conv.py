"""Fused TensorFlow kernels for the transposed and the 3-d convolutions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance). As in
``nn_layers``: channels-first input is transposed to channels-last and back,
a dilated filter is spread out with zeros, and groups run one convolution
each. A transposed convolution is ``Conv2DBackpropInput`` /
``Conv3DBackpropInputV2``, the input gradient of the convolution it
transposes; ``Conv3D`` has no ``EXPLICIT`` padding, so its input is padded
first (and the transposed 3-d output cropped). An ``output_padding`` of
``stride`` or more (allowed under a larger dilation) has no such convolution:
the reference definition runs.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from unigrad.backends.api import reference

from .core import native
from .nn_layers import _nhwc, _restore, _spread

__all__ = ["nn_conv3d", "nn_conv_transpose2d", "nn_conv_transpose3d"]

_raw = tf.raw_ops
Pair = reference.windows.Pair
Triple = tuple[int, int, int]
_TO_NDHWC, _TO_NCDHW = (0, 2, 3, 4, 1), (0, 4, 1, 2, 3)


def _grouped(conv: Any, x: Any, filters: Any, groups: int) -> Any:
    """``conv(x, filters)`` one group at a time (channels last; filters split on their last axis)."""
    if groups == 1:
        return conv(x, filters)
    rank = len(x.shape)
    parts = zip(tf.split(x, groups, axis=rank - 1), tf.split(filters, groups, axis=rank - 1), strict=True)
    return tf.concat([conv(xs, fs) for xs, fs in parts], axis=rank - 1)


def nn_conv_transpose2d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Pair,
    padding: Pair,
    output_padding: Pair,
    dilation: Pair,
    groups: int,
    channels_last: bool,
) -> Any:
    if any(e >= s for e, s in zip(output_padding, stride, strict=True)):
        return reference.conv_transpose2d(
            x, weight, bias, stride, padding, output_padding, dilation, groups, channels_last
        )
    x = _nhwc(x, channels_last, "nn.functional.conv_transpose2d")
    # (in, out / groups, kH, kW) -> (kH, kW, out / groups, in): HWIO of the convolution transposed
    filters = _spread(_raw.Transpose(x=weight, perm=(2, 3, 1, 0)), dilation)
    sizes = [
        (int(n) - 1) * s - 2 * p + int(k) + e
        for n, k, s, p, e in zip(
            x.shape[1:3], filters.shape[:2], stride, padding, output_padding, strict=True
        )
    ]
    explicit = [0, 0, padding[0], padding[0], padding[1], padding[1], 0, 0] if any(padding) else []

    def conv(xs: Any, fs: Any) -> Any:
        return _raw.Conv2DBackpropInput(
            input_sizes=[int(x.shape[0]), *sizes, int(weight.shape[1])],
            filter=fs,
            out_backprop=xs,
            strides=[1, *stride, 1],
            padding="EXPLICIT" if explicit else "VALID",
            explicit_paddings=explicit,
        )

    y = _grouped(conv, x, filters, groups)
    if bias is not None:
        y = _raw.BiasAdd(value=y, bias=bias)
    return _restore(y, channels_last)


def _ndhwc(x: Any, channels_last: bool) -> Any:
    return x if channels_last else _raw.Transpose(x=x, perm=_TO_NDHWC)


def _back(y: Any, bias: Any, channels_last: bool) -> Any:
    if bias is not None:
        y = _raw.BiasAdd(value=y, bias=bias)
    return y if channels_last else _raw.Transpose(x=y, perm=_TO_NCDHW)


def nn_conv3d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Triple,
    padding: tuple[Pair, Pair, Pair],
    dilation: Triple,
    groups: int,
    channels_last: bool,
) -> Any:
    x = _ndhwc(native(x, "nn.functional.conv3d"), channels_last)
    if any(before or after for before, after in padding):
        x = tf.pad(x, [[0, 0], *(list(pair) for pair in padding), [0, 0]])
    # (out, in / groups, kD, kH, kW) -> DHWIO
    filters = _spread(_raw.Transpose(x=weight, perm=(2, 3, 4, 1, 0)), dilation)

    def conv(xs: Any, fs: Any) -> Any:
        return _raw.Conv3D(input=xs, filter=fs, strides=[1, *stride, 1], padding="VALID")

    return _back(_grouped(conv, x, filters, groups), bias, channels_last)


def nn_conv_transpose3d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Triple,
    padding: Triple,
    output_padding: Triple,
    dilation: Triple,
    groups: int,
    channels_last: bool,
) -> Any:
    if any(e >= s for e, s in zip(output_padding, stride, strict=True)):
        return reference.conv_transpose3d(
            x, weight, bias, stride, padding, output_padding, dilation, groups, channels_last
        )
    x = _ndhwc(native(x, "nn.functional.conv_transpose3d"), channels_last)
    # (in, out / groups, kD, kH, kW) -> (kD, kH, kW, out / groups, in): DHWIO of the convolution transposed
    filters = _spread(_raw.Transpose(x=weight, perm=(2, 3, 4, 1, 0)), dilation)
    sizes = [
        (int(n) - 1) * s + int(k) + e
        for n, k, s, e in zip(x.shape[1:4], filters.shape[:3], stride, output_padding, strict=True)
    ]

    def conv(xs: Any, fs: Any) -> Any:
        return _raw.Conv3DBackpropInputV2(
            input_sizes=[int(x.shape[0]), *sizes, int(weight.shape[1])],
            filter=fs,
            out_backprop=xs,
            strides=[1, *stride, 1],
            padding="VALID",
        )

    y = _grouped(conv, x, filters, groups)
    if any(padding):  # the full output, cropped by padding on each side
        (pd, ph, pw), (d, h, w) = padding, sizes
        y = y[:, pd : d - pd, ph : h - ph, pw : w - pw]
    return _back(y, bias, channels_last)
