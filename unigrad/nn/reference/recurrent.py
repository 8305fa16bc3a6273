"""Recurrent layers: the reference definition of the LSTM kernel behind ``ug.nn.LSTM``.

See :mod:`unigrad.nn.reference` for what a reference definition is. The
layer loop :func:`lstm_layers` takes the function that runs one direction
of one layer, so that a backend's fast path (a fused cell) reuses the loop,
its state handling and its dropout (from ``ug.random``, the same masks on
every backend).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ...config import active_backend
from ...ops import manipulation, unary
from ...ops.products import matmul
from ..functional.dropout import dropout as drop

__all__ = [
    "lstm",
    "lstm_direction",
    "lstm_layers",
]

Direction = Callable[[Any, Any, Any, Sequence[Any], bool], tuple[Any, Any, Any]]


def lstm_direction(seq: Any, h: Any, c: Any, weights: Sequence[Any], reverse: bool) -> tuple[Any, Any, Any]:
    """One LSTM layer in one direction over ``seq`` (L, N, I): ``(outputs, h_last, c_last)``.

    Gates in PyTorch's order i, f, g, o. The input projection of every step
    is one matmul before the loop; only ``h @ W_hh.T`` is done per step.
    """
    backend = active_backend()
    sigmoid, tanh = backend.nn_sigmoid, unary.tanh
    w_ih, w_hh, *biases = weights
    hidden = int(w_hh.shape[1])
    projected = matmul(seq, manipulation.permute_dims(w_ih, (1, 0)))
    for b in biases:
        projected = projected + b
    recurrent = manipulation.permute_dims(w_hh, (1, 0))
    steps = range(int(seq.shape[0]))
    outputs: list[Any] = [None] * len(steps)
    for t in reversed(steps) if reverse else steps:
        gates = projected[t] + matmul(h, recurrent)
        i, f = sigmoid(gates[:, :hidden]), sigmoid(gates[:, hidden : 2 * hidden])
        g, o = tanh(gates[:, 2 * hidden : 3 * hidden]), sigmoid(gates[:, 3 * hidden :])
        c = f * c + i * g
        h = o * tanh(c)
        outputs[t] = h
    return manipulation.stack(outputs, axis=0), h, c


def lstm_layers(
    x: Any,
    hx: tuple[Any, Any],
    weights: Sequence[Any],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
    direction: Direction = lstm_direction,
) -> tuple[Any, Any, Any]:
    """Stack LSTM layers (and directions), ``direction`` running each; dropout between layers."""
    seq = manipulation.permute_dims(x, (1, 0, 2)) if batch_first else x
    directions = 2 if bidirectional else 1
    per = 4 if has_biases else 2
    h_n, c_n = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            index = layer * directions + d
            out, h, c = direction(
                seq, hx[0][index], hx[1][index], weights[index * per : (index + 1) * per], d == 1
            )
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        seq = outs[0] if directions == 1 else manipulation.concat(outs, axis=-1)
        if dropout and training and layer < num_layers - 1:
            seq = drop(seq, dropout, True)
    output = manipulation.permute_dims(seq, (1, 0, 2)) if batch_first else seq
    return output, manipulation.stack(h_n, axis=0), manipulation.stack(c_n, axis=0)


def lstm(
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
    """A multi-layer LSTM as ``torch._VF.lstm``: ``(output, h_n, c_n)``.

    ``weights`` in PyTorch's flat order: per layer, per direction,
    ``w_ih, w_hh[, b_ih, b_hh]``.
    """
    return lstm_layers(x, hx, weights, has_biases, num_layers, dropout, training, bidirectional, batch_first)
