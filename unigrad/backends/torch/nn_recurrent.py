"""Fused PyTorch kernels for the recurrent layers and cells: torch's own ``torch._VF`` ones.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from unigrad.backends.api import reference

__all__ = [
    "nn_rnn_tanh",
    "nn_rnn_relu",
    "nn_gru",
    "nn_lstm",
    "nn_rnn_tanh_cell",
    "nn_rnn_relu_cell",
    "nn_gru_cell",
    "nn_lstm_cell",
]

Tensor = torch.Tensor
recurrent = reference.recurrent


def _fused(
    mode: Any,
    x: Tensor,
    hx: tuple[Tensor, ...],
    weights: Sequence[Tensor],
    has_biases: bool,
    num_layers: int,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
    batch_sizes: Tensor | None,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """``torch._VF.<mode>``, its padded or its packed form, without dropout."""
    kernel = getattr(torch._VF, mode.name.lower())
    state = hx if mode.states == 2 else hx[0]
    options = (list(weights), has_biases, num_layers, 0.0, training, bidirectional)
    if batch_sizes is None:
        output, *finals = kernel(x, state, *options, batch_first)
    else:
        output, *finals = kernel(x, batch_sizes, state, *options)
    return output, tuple(finals)


def _layer(
    mode: Any,
    seq: Tensor,
    hx: tuple[Tensor, ...],
    weights: Sequence[Tensor],
    has_biases: bool,
    bidirectional: bool,
    training: bool,
    packing: Any,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    batch_sizes = None if packing is None else packing.batch_sizes
    return _fused(mode, seq, hx, weights, has_biases, 1, training, bidirectional, False, batch_sizes)


def _stack(
    mode: Any,
    x: Tensor,
    hx: tuple[Tensor, ...],
    weights: Sequence[Tensor],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
    batch_sizes: Tensor | None,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    if dropout and training and num_layers > 1:
        # the dropout masks come from ug.random, to be the same on every backend:
        # the layers run one by one (one fused call each), with unigrad's dropout between them
        return recurrent.recurrent_layers(
            mode, x, hx, weights, has_biases, num_layers, dropout, training, bidirectional,
            batch_first, batch_sizes, _layer,
        )  # fmt: skip
    return _fused(
        mode, x, hx, weights, has_biases, num_layers, training, bidirectional, batch_first, batch_sizes
    )


nn_rnn_tanh = recurrent.kernel("RNN_TANH", _stack)
nn_rnn_relu = recurrent.kernel("RNN_RELU", _stack)
nn_gru = recurrent.kernel("GRU", _stack)
nn_lstm = recurrent.kernel("LSTM", _stack)
nn_rnn_tanh_cell = torch._VF.rnn_tanh_cell
nn_rnn_relu_cell = torch._VF.rnn_relu_cell
nn_gru_cell = torch._VF.gru_cell
nn_lstm_cell = torch._VF.lstm_cell
