"""Fused TensorFlow kernels for the recurrent layers.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance). The
reference's layer stacking, state handling, packing and dropout are reused;
what runs one direction of one layer is TensorFlow's own:

* the float32 LSTM without projection: ``BlockLSTM``, the whole sequence in
  one op (its gates reordered from PyTorch's i, f, g, o to its i, g, f, o);
* everything else: the reference's step inside ``tf.scan`` in a
  ``tf.function``, a compiled loop rather than a Python one per step.
  (TensorFlow's ``GRUBlockCell`` applies the reset gate before ``W_hn``, not
  after it as PyTorch does, so it computes another GRU.)

The cells (one step, no loop) use the reference definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import tensorflow as tf

from unigrad.backends.api import reference

from .core import native

__all__ = ["nn_rnn_tanh", "nn_rnn_relu", "nn_gru", "nn_lstm"]

_raw = tf.raw_ops
recurrent = reference.recurrent


def _icfo(gates: Any, axis: int) -> Any:
    """PyTorch's gate blocks i, f, g, o in BlockLSTM's order i, g, f, o."""
    i, f, g, o = tf.split(gates, 4, axis=axis)
    return tf.concat([i, g, f, o], axis=axis)


def _block_lstm(seq: Any, state: tuple[Any, Any], weights: Any) -> tuple[Any, Any]:
    h, c = state
    hidden = int(weights.w_hh.shape[1])
    stacked = tf.concat([tf.transpose(weights.w_ih), tf.transpose(weights.w_hh)], axis=0)
    has_biases = weights.b_ih is not None
    b = _icfo(weights.b_ih + weights.b_hh, 0) if has_biases else tf.zeros([4 * hidden], seq.dtype)
    peephole = tf.zeros([hidden], seq.dtype)
    # BlockLSTM, not BlockLSTMV2: V2 takes PyTorch's gate order, but TensorFlow registers
    # V1's gradient (order i, g, f, o) for it, which gives wrong gradients. cell_clip 0 is no clip.
    _, cs, _, _, _, _, hs = _raw.BlockLSTM(
        seq_len_max=tf.constant(int(seq.shape[0]), tf.int64),
        x=seq,
        cs_prev=c,
        h_prev=h,
        w=_icfo(stacked, 1),
        wci=peephole,
        wcf=peephole,
        wco=peephole,
        b=b,
        forget_bias=0.0,
        cell_clip=0.0,
        use_peephole=False,
    )
    return hs, cs


# reduce_retracing: a new sequence length or batch size reuses the trace, whose shapes it
# relaxes; the features of the input's projection and of each state stay known (`widths`,
# part of the trace's key), since the cells cut the gates apart by them
@tf.function(reduce_retracing=True)
def _scan(
    mode_name: str,
    widths: tuple[int, ...],
    projected: Any,
    state: tuple[Any, ...],
    recurrent_weights: tuple[Any, ...],
) -> Any:
    mode = recurrent.MODES[mode_name]
    projected = _with_width(projected, widths[0])
    state = tuple(_with_width(s, width) for s, width in zip(state, widths[1:], strict=True))
    return tf.scan(
        lambda carry, gi: recurrent.step(mode, gi, carry, *recurrent_weights), projected, initializer=state
    )


def _with_width(x: Any, width: int) -> Any:
    return tf.ensure_shape(x, [*[None] * (x.shape.rank - 1), width])


def _run(mode: Any, seq: Any, state: tuple[Any, ...], weights: Any) -> tuple[Any, ...]:
    """One direction forward over ``(L, N, I)``: every step's state."""
    if mode.name == "LSTM" and weights.w_hr is None and seq.dtype == tf.float32:
        return _block_lstm(seq, state, weights)
    # tensors, not variables: a trace must not capture the variables it was first called with
    recurrent_weights = tuple(None if w is None else tf.convert_to_tensor(w) for w in weights.transposed())
    projected, state = weights.project(seq), tuple(tf.convert_to_tensor(s) for s in state)
    widths = tuple(int(x.shape[-1]) for x in (projected, *state))
    return tuple(_scan(mode.name, widths, projected, state, recurrent_weights))


_layer = recurrent.directions_layer(_run)


def _stack(
    mode: Any,
    x: Any,
    hx: tuple[Any, ...],
    weights: Sequence[Any],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
    batch_sizes: Any,
) -> tuple[Any, tuple[Any, ...]]:
    return recurrent.recurrent_layers(
        mode, native(x, f"nn.{mode.name}"), hx, weights, has_biases, num_layers, dropout, training,
        bidirectional, batch_first, batch_sizes, _layer,
    )  # fmt: skip


nn_rnn_tanh = recurrent.kernel("RNN_TANH", _stack)
nn_rnn_relu = recurrent.kernel("RNN_RELU", _stack)
nn_gru = recurrent.kernel("GRU", _stack)
nn_lstm = recurrent.kernel("LSTM", _stack)
