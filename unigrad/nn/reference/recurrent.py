"""Recurrent layers: the reference definitions of the RNN, GRU and LSTM kernels and their cells.

See :mod:`unigrad.nn.reference` for what a reference definition is. Each mode
(torch's ``RNNBase.mode``: ``RNN_TANH``, ``RNN_RELU``, ``GRU``, ``LSTM``) is one
cell function, how a state moves by one step; the rest is shared by all four:

* :func:`recurrent_layers` stacks the layers (and directions), with dropout
  between them from ``ug.random`` (the same masks on every backend), over
  padded or packed sequences. It takes the function that runs one layer, so
  that a backend's fused kernel reuses the stacking, the states and the dropout.
* :func:`directions_layer` makes such a layer out of a function that runs one
  recurrence forward over a padded ``(L, N, I)`` sequence (:func:`run_steps`
  here; a compiled loop or a fused op in a backend): it reverses the sequences
  of the backward direction and, for packed input, reads each sequence's final
  state at its own last step.

Packed sequences (``batch_sizes`` given, as torch's packed kernels take them)
are padded by one gather per direction; steps past a sequence's end are
computed on zeros and never read, which leaves every step within it exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from ...config import active_backend
from ...ops import creation, manipulation, unary
from ...ops.conversion import device_of, to_numpy
from ...ops.products import matmul
from ..functional.dropout import dropout as drop

__all__ = [
    "rnn_tanh",
    "rnn_relu",
    "gru",
    "lstm",
    "rnn_tanh_cell",
    "rnn_relu_cell",
    "gru_cell",
    "lstm_cell",
]

State = tuple[Any, ...]


def _tanh_cell(gi: Any, gh: Any, state: State) -> State:
    return (unary.tanh(gi + gh),)


def _relu_cell(gi: Any, gh: Any, state: State) -> State:
    return (active_backend().nn_relu(gi + gh),)


def _gru_cell(gi: Any, gh: Any, state: State) -> State:
    """Gates r, z, n; the reset gate scales ``W_hn h + b_hn`` (PyTorch's GRU, not TensorFlow's)."""
    sigmoid, (h,) = active_backend().nn_sigmoid, state
    size = int(h.shape[-1])
    r = sigmoid(gi[..., :size] + gh[..., :size])
    z = sigmoid(gi[..., size : 2 * size] + gh[..., size : 2 * size])
    n = unary.tanh(gi[..., 2 * size :] + r * gh[..., 2 * size :])
    return ((h - n) * z + n,)  # (1 - z) * n + z * h, in torch's order of operations


def _lstm_cell(gi: Any, gh: Any, state: State) -> State:
    """Gates in PyTorch's order i, f, g, o; the state is ``(h, c)``."""
    sigmoid, c = active_backend().nn_sigmoid, state[1]
    size = int(c.shape[-1])
    gates = gi + gh
    i, f = sigmoid(gates[..., :size]), sigmoid(gates[..., size : 2 * size])
    g, o = unary.tanh(gates[..., 2 * size : 3 * size]), sigmoid(gates[..., 3 * size :])
    c = f * c + i * g
    return (o * unary.tanh(c), c)


@dataclass(frozen=True)
class Mode:
    """One kind of recurrence, named as torch's ``RNNBase.mode``."""

    name: str
    gates: int
    """Blocks of ``hidden_size`` rows in ``weight_ih``."""
    states: int
    """1 (``h``) or 2 (``h, c``)."""
    cell: Callable[[Any, Any, State], State]
    """``(x @ W_ih.T + b_ih, h @ W_hh.T + b_hh, state)`` to the next state."""


MODES = {
    mode.name: mode
    for mode in (
        Mode("RNN_TANH", 1, 1, _tanh_cell),
        Mode("RNN_RELU", 1, 1, _relu_cell),
        Mode("GRU", 3, 1, _gru_cell),
        Mode("LSTM", 4, 2, _lstm_cell),
    )
}


class Weights(NamedTuple):
    """One direction of one layer, as torch lays it out; the absent ones ``None``."""

    w_ih: Any
    w_hh: Any
    b_ih: Any = None
    b_hh: Any = None
    w_hr: Any = None

    @classmethod
    def of(cls, flat: Sequence[Any], has_biases: bool) -> Weights:
        """From torch's flat ``w_ih, w_hh[, b_ih, b_hh][, w_hr]`` (a fifth or third one projects)."""
        w_ih, w_hh, *rest = flat
        biases, projection = (rest[:2], rest[2:]) if has_biases else ([None, None], rest)
        return cls(w_ih, w_hh, *biases, *(projection or [None]))

    def project(self, seq: Any) -> Any:
        """The input's part of the gates at every step, ``seq @ W_ih.T + b_ih``: one matmul."""
        return _affine(seq, _t(self.w_ih), self.b_ih)

    def transposed(self) -> tuple[Any, Any, Any]:
        """What every step needs: ``W_hh.T``, ``b_hh`` and ``W_hr.T`` (or None)."""
        w_hr = None if self.w_hr is None else _t(self.w_hr)
        return _t(self.w_hh), self.b_hh, w_hr


def _t(w: Any) -> Any:
    return manipulation.permute_dims(w, (1, 0))


def _affine(x: Any, w_t: Any, b: Any) -> Any:
    y = matmul(x, w_t)
    return y if b is None else y + b


def step(mode: Mode, gi: Any, state: State, w_hh_t: Any, b_hh: Any, w_hr_t: Any) -> State:
    """One step of ``mode`` from the input's part ``gi``: the next state (``h`` projected by ``W_hr``)."""
    new = mode.cell(gi, _affine(state[0], w_hh_t, b_hh), state)
    return new if w_hr_t is None else (matmul(new[0], w_hr_t), *new[1:])


Runner = Callable[[Mode, Any, State, Weights], State]
"""Runs one recurrence forward over ``(L, N, I)`` from a state: every step's state, stacked."""


def run_steps(mode: Mode, seq: Any, state: State, weights: Weights) -> State:
    """The reference runner: a Python loop over the steps (the input projection is one matmul)."""
    projected, recurrent = weights.project(seq), weights.transposed()
    history = []
    for t in range(int(seq.shape[0])):
        state = step(mode, projected[t], state, *recurrent)
        history.append(state)
    return tuple(manipulation.stack(list(steps), axis=0) for steps in zip(*history, strict=True))


def packed_positions(batch_sizes: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The time step and the batch entry of each row of packed data, in order (NumPy)."""
    sizes = np.asarray(batch_sizes, dtype=np.int64)
    steps = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.cumsum(sizes) - sizes
    return steps, np.arange(int(sizes.sum())) - np.repeat(starts, sizes)


class Packing:
    """Where packed sequences' steps sit in a padded ``(L, N, ...)`` batch, for one kernel call.

    ``batch_sizes`` is the kernel's argument as given (a fused kernel takes it
    as such); the indices are worked out on first use, once per call.
    """

    def __init__(self, batch_sizes: Any) -> None:
        self.batch_sizes = batch_sizes
        self._tensors: dict[tuple[str, bool], Any] = {}

    @cached_property
    def _layout(self) -> tuple[int, int, dict[tuple[str, bool], np.ndarray[Any, Any]]]:
        given = self.batch_sizes
        sizes = np.asarray(given if isinstance(given, (list, tuple)) else to_numpy(given), dtype=np.int64)
        steps, entries = packed_positions(sizes)
        batch, rows = int(sizes[0]), len(steps)
        lengths = np.bincount(entries, minlength=batch)
        indices = {("last", False): (lengths - 1) * batch + np.arange(batch)}
        for reverse in (False, True):
            # each packed row's place among the padded (L * N) rows; backwards, each sequence reversed
            at = (lengths[entries] - 1 - steps if reverse else steps) * batch + entries
            source = np.full(len(sizes) * batch, rows)  # (past a sequence's end: the zero row)
            source[at] = np.arange(rows)
            indices["packed", reverse], indices["padded", reverse] = at, source
        return len(sizes), batch, indices

    def _indices(self, kind: str, reverse: bool, like: Any) -> Any:
        if (kind, reverse) not in self._tensors:
            values = self._layout[2][kind, reverse]
            self._tensors[kind, reverse] = creation.asarray(values, device=device_of(like))
        return self._tensors[kind, reverse]

    def padded(self, data: Any, reverse: bool) -> Any:
        """Packed ``(T, F)`` rows as ``(L, N, F)``, zeros past each sequence's end."""
        steps, batch, _ = self._layout
        width = int(data.shape[-1])
        zero = creation.zeros((1, width), dtype=data.dtype, device=device_of(data))
        rows = manipulation.take(
            manipulation.concat([data, zero]), self._indices("padded", reverse, data), axis=0
        )
        return manipulation.reshape(rows, (steps, batch, width))

    def packed(self, padded: Any, reverse: bool) -> Any:
        """``(L, N, F)`` back to packed ``(T, F)`` rows."""
        return manipulation.take(self._flat(padded), self._indices("packed", reverse, padded), axis=0)

    def last(self, history: State) -> State:
        """Each sequence's state at its own last step, from every step's ``(L, N, F)``."""
        return tuple(
            manipulation.take(self._flat(h), self._indices("last", False, h), axis=0) for h in history
        )

    def _flat(self, padded: Any) -> Any:
        steps, batch, _ = self._layout
        return manipulation.reshape(padded, (steps * batch, int(padded.shape[-1])))


Layer = Callable[[Mode, Any, State, Sequence[Any], bool, bool, bool, Packing | None], tuple[Any, State]]
"""Runs one layer, every direction: ``(mode, seq, hx, weights, has_biases, bidirectional, training,
packing)`` to ``(output, final states)``; ``hx`` and the finals ``(directions, N, F)`` each."""


def directions_layer(run: Runner) -> Layer:
    """A layer from a runner: the backward direction reversed, packed sequences padded and read back."""

    def layer(
        mode: Mode,
        seq: Any,
        hx: State,
        weights: Sequence[Any],
        has_biases: bool,
        bidirectional: bool,
        training: bool,
        packing: Packing | None,
    ) -> tuple[Any, State]:
        directions = 2 if bidirectional else 1
        per = len(weights) // directions
        outputs, finals = [], []
        for d in range(directions):
            reverse, state = d == 1, tuple(s[d] for s in hx)
            own = Weights.of(weights[d * per : (d + 1) * per], has_biases)
            if packing is None:
                history = run(mode, manipulation.flip(seq, axis=0) if reverse else seq, state, own)
                outputs.append(manipulation.flip(history[0], axis=0) if reverse else history[0])
                finals.append(tuple(h[-1] for h in history))
            else:
                history = run(mode, packing.padded(seq, reverse), state, own)
                outputs.append(packing.packed(history[0], reverse))
                finals.append(packing.last(history))
        output = outputs[0] if directions == 1 else manipulation.concat(outputs, axis=-1)
        return output, tuple(manipulation.stack(list(f), axis=0) for f in zip(*finals, strict=True))

    return layer


def recurrent_layers(
    mode: Mode,
    x: Any,
    hx: State,
    weights: Sequence[Any],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
    batch_sizes: Any = None,
    layer: Layer | None = None,
) -> tuple[Any, State]:
    """Stack ``num_layers`` layers, ``layer`` running each (the reference's by default), dropout
    between them; ``hx`` and the returned finals are tuples of ``(layers * directions, N, F)``."""
    layer = layer or directions_layer(run_steps)
    packing = None if batch_sizes is None else Packing(batch_sizes)
    transpose = batch_first and packing is None  # the layers run time-major
    seq = manipulation.permute_dims(x, (1, 0, 2)) if transpose else x
    directions = 2 if bidirectional else 1
    per = len(weights) // num_layers
    finals = []
    for index in range(num_layers):
        rows = slice(index * directions, (index + 1) * directions)
        own = weights[index * per : (index + 1) * per]
        seq, final = layer(
            mode, seq, tuple(s[rows] for s in hx), own, has_biases, bidirectional, training, packing
        )
        finals.append(final)
        if dropout and training and index < num_layers - 1:
            seq = drop(seq, dropout, True)
    output = manipulation.permute_dims(seq, (1, 0, 2)) if transpose else seq
    return output, tuple(manipulation.concat(list(f), axis=0) for f in zip(*finals, strict=True))


Stack = Callable[..., tuple[Any, State]]
""":func:`recurrent_layers`' signature without ``layer``: what a backend's kernels run."""


def kernel(mode_name: str, stack: Stack = recurrent_layers) -> Callable[..., Any]:
    """The kernel of ``mode_name`` in ``torch._VF``'s form (``hx`` a tensor, or ``(h, c)`` for the
    LSTM; ``output`` then the finals), over ``stack``: how a backend makes its four kernels."""
    mode = MODES[mode_name]

    def run(
        x: Any,
        hx: Any,
        weights: Sequence[Any],
        has_biases: bool,
        num_layers: int,
        dropout: float,
        training: bool,
        bidirectional: bool,
        batch_first: bool,
        batch_sizes: Any = None,
    ) -> tuple[Any, ...]:
        states = tuple(hx) if mode.states == 2 else (hx,)
        output, finals = stack(
            mode, x, states, weights, has_biases, num_layers, dropout, training, bidirectional,
            batch_first, batch_sizes,
        )  # fmt: skip
        return (output, *finals)

    run.__name__ = run.__qualname__ = mode_name.lower()
    run.__doc__ = (
        f"A multi-layer {mode_name} as ``torch._VF.{mode_name.lower()}``: ``(output, *final states)``.\n\n"
        "``weights`` in PyTorch's flat order: per layer, per direction, ``w_ih, w_hh[, b_ih, b_hh]``"
        "``[, w_hr]``. With ``batch_sizes`` (packed sequences), ``x`` is the packed data and so is "
        "the output, and the finals are each sequence's state at its own last step."
    )
    return run


def cell_kernel(mode_name: str) -> Callable[..., Any]:
    """The cell of ``mode_name`` as ``torch._VF.<mode>_cell``: one step of a batch ``(N, I)``."""
    mode = MODES[mode_name]

    def cell(x: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None) -> Any:
        states = tuple(hx) if mode.states == 2 else (hx,)
        weights = Weights(w_ih, w_hh, b_ih, b_hh)
        new = step(mode, weights.project(x), states, *weights.transposed())
        return new if mode.states == 2 else new[0]

    cell.__name__ = cell.__qualname__ = f"{mode_name.lower()}_cell"
    cell.__doc__ = f"One step of a {mode_name} cell as ``torch._VF.{cell.__name__}``: ``h'`` (``(h', c')``)."
    return cell


rnn_tanh = kernel("RNN_TANH")
rnn_relu = kernel("RNN_RELU")
gru = kernel("GRU")
lstm = kernel("LSTM")
rnn_tanh_cell = cell_kernel("RNN_TANH")
rnn_relu_cell = cell_kernel("RNN_RELU")
gru_cell = cell_kernel("GRU")
lstm_cell = cell_kernel("LSTM")
