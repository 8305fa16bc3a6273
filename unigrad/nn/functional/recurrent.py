"""Recurrent layers as functions: the kernels of ``ug.nn.RNN``, ``GRU``, ``LSTM`` and their cells.

``torch.nn.functional`` has no recurrent functions (torch's layers call
``torch._VF`` directly), so these are not exported from ``ug.nn.functional``:
the layers call them. ``mode`` is torch's ``RNNBase.mode`` (``"RNN_TANH"``,
``"RNN_RELU"``, ``"GRU"``, ``"LSTM"``) and picks the backend's kernel
``nn_<mode>`` / ``nn_<mode>_cell``; states go in and come out as tuples,
``(h,)`` or ``(h, c)``, whatever the mode.

Examples:
    >>> import unigrad as ug
    >>> from unigrad.nn.functional.recurrent import rnn_cell
    >>> h = rnn_cell("RNN_RELU", ug.ones((1, 2)), (ug.zeros((1, 1)),), ug.ones((1, 2)), ug.ones((1, 1)))
    >>> ug.to_numpy(h[0]).tolist()
    [[2.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...types import Array
from ..reference.recurrent import MODES
from ._dispatch import current_backend, failed

__all__ = ["rnn", "rnn_cell"]


def _call(kernel: str, *args: Any) -> Any:
    try:
        return getattr(current_backend(), kernel)(*args)
    except Exception as exc:
        return failed(exc, kernel, *args)


def rnn(
    mode: str,
    input: Array,
    hx: tuple[Array, ...],
    weights: Sequence[Array],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
    batch_sizes: Array | None = None,
) -> tuple[Array, tuple[Array, ...]]:
    """A multi-layer recurrent network of ``mode``, as ``torch._VF.<mode>``: ``(output, final states)``.

    ``weights`` in PyTorch's flat order (per layer, per direction, ``w_ih, w_hh[, b_ih,
    b_hh][, w_hr]``). With ``batch_sizes``, ``input`` and the output are packed data.
    """
    state = tuple(hx) if MODES[mode].states == 2 else hx[0]
    output, *finals = _call(
        f"nn_{mode.lower()}",
        input,
        state,
        list(weights),
        has_biases,
        num_layers,
        dropout,
        training,
        bidirectional,
        batch_first,
        batch_sizes,
    )
    return output, tuple(finals)


def rnn_cell(
    mode: str,
    input: Array,
    hx: tuple[Array, ...],
    w_ih: Array,
    w_hh: Array,
    b_ih: Array | None = None,
    b_hh: Array | None = None,
) -> tuple[Array, ...]:
    """One step of a ``mode`` cell over ``(N, input_size)``, as ``torch._VF.<mode>_cell``: the next states."""
    pair = MODES[mode].states == 2
    new = _call(f"nn_{mode.lower()}_cell", input, tuple(hx) if pair else hx[0], w_ih, w_hh, b_ih, b_hh)
    return tuple(new) if pair else (new,)
