"""Fused TensorFlow kernels for the recurrent layers.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance).
``BlockLSTM`` (gates reordered from PyTorch's i, f, g, o to its i, g, f, o)
takes float32 only; other dtypes use the reference definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from unigrad.backends.api import reference

from .core import native

__all__ = ["nn_lstm"]

_raw = tf.raw_ops


def _icfo(gates: Any, axis: int) -> Any:
    """PyTorch's gate blocks i, f, g, o in BlockLSTM's order i, g, f, o."""
    i, f, g, o = tf.split(gates, 4, axis=axis)
    return tf.concat([i, g, f, o], axis=axis)


def _block_direction(seq: Any, h: Any, c: Any, weights: Sequence[Any], reverse: bool) -> tuple[Any, Any, Any]:
    if seq.dtype != tf.float32:
        return reference.recurrent.lstm_direction(seq, h, c, weights, reverse)
    w_ih, w_hh, *biases = weights
    hidden = int(w_hh.shape[1])
    stacked = tf.concat([_raw.Transpose(x=w_ih, perm=(1, 0)), _raw.Transpose(x=w_hh, perm=(1, 0))], axis=0)
    w = _icfo(stacked, 1)
    b = _icfo(biases[0] + biases[1], 0) if biases else tf.zeros([4 * hidden], seq.dtype)
    if reverse:
        seq = tf.reverse(seq, [0])
    peephole = tf.zeros([hidden], seq.dtype)
    # BlockLSTM, not BlockLSTMV2: V2 takes PyTorch's gate order, but TensorFlow registers
    # V1's gradient (order i, g, f, o) for it, which gives wrong gradients. cell_clip 0 is no clip.
    _, cs, _, _, _, _, hs = _raw.BlockLSTM(
        seq_len_max=tf.constant(int(seq.shape[0]), tf.int64),
        x=seq,
        cs_prev=c,
        h_prev=h,
        w=w,
        wci=peephole,
        wcf=peephole,
        wco=peephole,
        b=b,
        forget_bias=0.0,
        cell_clip=0.0,
        use_peephole=False,
    )
    return (tf.reverse(hs, [0]) if reverse else hs), hs[-1], cs[-1]


def nn_lstm(
    x: Any,
    hx: tuple[Any, Any],
    weights: Sequence[Any],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
) -> tuple[Any, Any, Any]:
    return reference.recurrent.lstm_layers(
        native(x, "nn.functional.lstm"),
        hx,
        weights,
        has_biases,
        num_layers,
        dropout,
        training,
        bidirectional,
        batch_first,
        _block_direction,
    )
