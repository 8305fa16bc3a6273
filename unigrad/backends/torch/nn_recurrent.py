"""Fused PyTorch kernels for the recurrent layers.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from unigrad.backends.api import reference

__all__ = ["nn_lstm"]

Tensor = torch.Tensor


def _direction(
    seq: Tensor, h: Tensor, c: Tensor, weights: Sequence[Tensor], reverse: bool
) -> tuple[Tensor, Tensor, Tensor]:
    if reverse:
        seq = seq.flip(0)
    out, h_n, c_n = torch._VF.lstm(
        seq, (h[None], c[None]), list(weights), len(weights) == 4, 1, 0.0, False, False, False
    )
    return (out.flip(0) if reverse else out), h_n[0], c_n[0]


def nn_lstm(
    x: Tensor,
    hx: tuple[Tensor, Tensor],
    weights: Sequence[Tensor],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
) -> tuple[Tensor, Tensor, Tensor]:
    if dropout and training and num_layers > 1:
        # the dropout masks come from ug.random, to be the same on every backend:
        # the layers run one by one, with unigrad's dropout between them
        return reference.recurrent.lstm_layers(
            x, hx, weights, has_biases, num_layers, dropout, training, bidirectional, batch_first, _direction
        )
    output, h_n, c_n = torch._VF.lstm(
        x, hx, list(weights), has_biases, num_layers, 0.0, training, bidirectional, batch_first
    )
    return output, h_n, c_n
