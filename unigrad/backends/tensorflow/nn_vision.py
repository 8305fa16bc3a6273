"""Fused TensorFlow kernels for padding: ``tf.pad`` for constant and reflect padding.

torch's ``"reflect"`` is TensorFlow's ``REFLECT`` (the edge not repeated);
``"replicate"`` has no TensorFlow mode, and ``"circular"`` and negative (cropping)
pads none either: those run the reference definition. Resampling runs the
reference too: ``tf.image.resize`` places nearest and bicubic samples
differently from torch. Each agrees with ``unigrad.nn.reference`` (tested).
"""

from __future__ import annotations

from collections.abc import Sequence

import tensorflow as tf

from unigrad.backends.api import reference

__all__ = ["nn_pad"]

_TF_MODES = {"constant": "CONSTANT", "reflect": "REFLECT"}


def nn_pad(x: tf.Tensor, pad: Sequence[int], mode: str, value: float) -> tf.Tensor:
    if mode not in _TF_MODES or min(pad, default=0) < 0:
        return reference.padding.pad(x, pad, mode, value)
    ndim = len(x.shape)
    pairs = [[0, 0]] * (ndim - len(pad) // 2) + [
        [pad[2 * i], pad[2 * i + 1]] for i in reversed(range(len(pad) // 2))
    ]
    if mode == "constant":
        return tf.pad(x, pairs, mode="CONSTANT", constant_values=tf.cast(value, x.dtype))
    return tf.pad(x, pairs, mode="REFLECT")
