"""Recurrent layers as functions: ``lstm``, the kernel of :class:`ug.nn.LSTM`.

Not yet public in ``ug.nn.functional`` (torch.nn.functional has no LSTM):
the layer calls it, and recurrent functions to come belong here.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...types import Array
from ._dispatch import current_backend, failed

__all__ = ["lstm"]


def lstm(
    input: Array,
    hx: tuple[Array, Array],
    weights: Sequence[Array],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
) -> tuple[Array, Array, Array]:
    """The LSTM kernel of :class:`ug.nn.LSTM`, as ``torch._VF.lstm``: ``(output, h_n, c_n)``."""
    try:
        return current_backend().nn_lstm(
            input, hx, weights, has_biases, num_layers, dropout, training, bidirectional, batch_first
        )
    except Exception as exc:
        return failed(
            exc,
            "nn_lstm",
            input,
            hx,
            weights,
            has_biases,
            num_layers,
            dropout,
            training,
            bidirectional,
            batch_first,
        )
