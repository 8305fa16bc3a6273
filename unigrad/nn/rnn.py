"""The recurrent layers ``RNN``, ``GRU`` and ``LSTM`` over one base, ``RNNBase``, as torch.nn's."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

from ..errors import ArgumentError, ArgumentTypeError, ShapeError
from ..ops import creation, manipulation
from ..ops._checks import shape_of
from ..ops.conversion import device_of, to_device, to_numpy
from . import init
from .functional._arguments import static_shape
from .functional.recurrent import rnn
from .module import Module
from .parameter import Parameter
from .reference.recurrent import MODES
from .utils.rnn import PackedSequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU"]


def new_parameter(shape: tuple[int, ...], hidden_size: int, device: Any, dtype: Any) -> Parameter:
    """A recurrent weight drawn from ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``, as torch's."""
    bound = 1.0 / math.sqrt(hidden_size)
    value = init.uniform(shape, -bound, bound, dtype)
    return Parameter(value if device is None else to_device(value, device))


def reset_uniform(module: Module, hidden_size: int) -> None:
    """Every parameter of ``module`` drawn again in place, as torch's ``reset_parameters``."""
    bound = 1.0 / math.sqrt(hidden_size)
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


def initial_states(
    where: str,
    hx: Any,
    names: Sequence[str],
    shapes: Sequence[tuple[int, ...]],
    like: Any,
    batch_axis: int | None,
) -> tuple[Any, ...]:
    """The states a recurrent module starts from, one per name: zeros of ``shapes`` without ``hx``,
    else ``hx`` (a tensor, or a tuple for two states) checked against them. ``batch_axis`` is
    where an unbatched input's states lack theirs (``None`` for batched input)."""
    if hx is None:
        zeros = {s: creation.zeros(s, dtype=like.dtype, device=device_of(like)) for s in shapes}
        return tuple(zeros[s] for s in shapes)
    pair = len(names) == 2
    if pair != isinstance(hx, (tuple, list)) or (pair and len(hx) != 2):
        wanted = f"a tuple ({', '.join(names)})" if pair else "one tensor"
        raise ArgumentTypeError(f"{where}: hx must be {wanted}, got {type(hx).__name__}")
    given = tuple(hx) if pair else (hx,)
    for name, state, shape in zip(names, given, shapes, strict=True):
        expected = shape if batch_axis is None else shape[:batch_axis] + shape[batch_axis + 1 :]
        if shape_of(state) != expected:
            raise ShapeError(f"{where}: expected {name} of shape {expected}, got {shape_of(state)}")
    if batch_axis is None:
        return given
    return tuple(manipulation.expand_dims(s, axis=batch_axis) for s in given)


def as_hx(states: tuple[Any, ...]) -> Any:
    """States as torch returns them: ``h``, or ``(h, c)``."""
    return states if len(states) == 2 else states[0]


class RNNBase(Module):
    """What ``RNN``, ``GRU`` and ``LSTM`` share, as ``torch.nn.RNNBase``; ``mode`` is one of
    ``"RNN_TANH"``, ``"RNN_RELU"``, ``"GRU"``, ``"LSTM"``.

    Input is ``(L, N, input_size)``, or ``(N, L, input_size)`` with
    ``batch_first=True``, or ``(L, input_size)`` unbatched, or a
    :class:`~unigrad.nn.utils.rnn.PackedSequence`. ``forward(input, hx=None)``
    returns ``output, h_n`` (``output, (h_n, c_n)`` for the LSTM): ``output``
    holds the last layer's ``h`` at every step (both directions concatenated;
    packed when the input is), ``h_n`` every layer's and direction's last ``h``,
    ``(num_layers * directions, N, proj_size or hidden_size)``, at each
    sequence's own last step for packed input. ``hx`` defaults to zeros.

    Parameters carry PyTorch's names, layouts and order (``weight_ih_l0``,
    ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0`` with
    ``proj_size``, then ``..._reverse``) and initialisation,
    ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))`` drawn from ``ug.random``.
    ``dropout`` between layers draws its masks from ``ug.random`` too, so a seed
    drops the same units on every backend.
    """

    _state_names: tuple[str, ...] = ("h_0",)

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        where = type(self).__name__
        if mode not in MODES:
            raise ArgumentError(f"{where}: mode must be one of {', '.join(MODES)}, got {mode!r}")
        if isinstance(dropout, bool) or not 0.0 <= dropout <= 1.0:
            raise ArgumentError(f"{where}: dropout must be a probability in [0, 1], got {dropout!r}")
        for name, value in (
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("num_layers", num_layers),
        ):
            if not isinstance(value, int) or value < 1:
                raise ArgumentError(f"{where}: {name} must be a positive int, got {value!r}")
        if proj_size and mode != "LSTM":
            raise ArgumentError(f"{where}: proj_size is an LSTM's alone, not {mode}'s; leave it 0")
        if not 0 <= proj_size < hidden_size:
            raise ArgumentError(
                f"{where}: proj_size must be 0 (no projection) or less than hidden_size={hidden_size}, "
                f"got {proj_size}"
            )
        if dropout and num_layers == 1:
            warnings.warn(
                f"{where}: dropout acts between layers, so dropout={dropout} does nothing with num_layers=1",
                stacklevel=3,
            )
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        gates, output_size = MODES[mode].gates * hidden_size, proj_size or hidden_size
        shapes: dict[str, tuple[int, ...]] = {"weight_ih": (), "weight_hh": (gates, output_size)}
        if bias:
            shapes.update(bias_ih=(gates,), bias_hh=(gates,))
        if proj_size:
            shapes.update(weight_hr=(proj_size, hidden_size))
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            shapes["weight_ih"] = (gates, input_size if layer == 0 else output_size * self._directions)
            for suffix in ("", "_reverse")[: self._directions]:
                names = [f"{kind}_l{layer}{suffix}" for kind in shapes]
                for name, shape in zip(names, shapes.values(), strict=True):
                    setattr(self, name, new_parameter(shape, hidden_size, device, dtype))
                self._flat_weights_names += names
                self._all_weights.append(names)

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _flat_weights(self) -> list[Any]:
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Any]]:
        """The parameters per layer and direction, ``[w_ih, w_hh, b_ih, b_hh, w_hr]`` (those there)."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def reset_parameters(self) -> None:
        """Every parameter drawn again from ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``, in place."""
        reset_uniform(self, self.hidden_size)

    def flatten_parameters(self) -> None:
        """Nothing to do: kept so that torch code calling it runs (torch packs cuDNN's weights here)."""

    def _state_shapes(self, batch: int) -> tuple[tuple[int, ...], ...]:
        rows = self.num_layers * self._directions
        sizes = (self.proj_size or self.hidden_size, self.hidden_size)[: len(self._state_names)]
        return tuple((rows, batch, size) for size in sizes)

    def _input_shape(self, input: Any, packed: bool) -> tuple[int, ...]:
        """``input``'s shape, checked: ``(T, input_size)`` packed, else 3-D (2-D unbatched)."""
        shape = static_shape(input, type(self).__name__)
        size = self.input_size
        if shape is None or len(shape) not in ((2,) if packed else (2, 3)) or shape[-1] != size:
            layout = f"(N, L, {size})" if self.batch_first else f"(L, N, {size})"
            expected = (
                f"packed data of shape (T, {size})"
                if packed
                else f"input of shape {layout} (or (L, {size}) unbatched)"
            )
            raise ShapeError(
                f"{type(self).__name__}(input_size={size}) expects {expected}, got shape {shape}"
            )
        return shape

    def _run(self, x: Any, states: tuple[Any, ...], batch_sizes: Any = None) -> tuple[Any, tuple[Any, ...]]:
        return rnn(
            self.mode,
            x,
            states,
            self._flat_weights,
            self.bias,
            self.num_layers,
            self.dropout,
            self.training,
            self.bidirectional,
            self.batch_first,
            batch_sizes,
        )

    def _forward_packed(self, input: Any, hx: Any) -> tuple[PackedSequence, Any]:
        data, batch_sizes, sorted_indices, unsorted_indices = input
        self._input_shape(data, packed=True)
        batch = int(to_numpy(batch_sizes).reshape(-1)[0])
        where, shapes = type(self).__name__, self._state_shapes(batch)
        states = initial_states(where, hx, self._state_names, shapes, data, None)
        if hx is not None and sorted_indices is not None:  # the states, given in the caller's order
            states = tuple(manipulation.take(s, sorted_indices, axis=1) for s in states)
        output, finals = self._run(data, states, batch_sizes)
        if unsorted_indices is not None:
            finals = tuple(manipulation.take(s, unsorted_indices, axis=1) for s in finals)
        return PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices), as_hx(finals)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:
        if isinstance(input, tuple) and hasattr(input, "batch_sizes"):  # ug's or torch's PackedSequence
            return self._forward_packed(input, hx)
        shape = self._input_shape(input, packed=False)
        unbatched = len(shape) == 2
        batch_axis = 0 if self.batch_first else 1
        x = manipulation.expand_dims(input, axis=batch_axis) if unbatched else input
        shapes = self._state_shapes(1 if unbatched else shape[batch_axis])
        states = initial_states(
            type(self).__name__, hx, self._state_names, shapes, x, 1 if unbatched else None
        )
        output, finals = self._run(x, states)
        if unbatched:
            output = manipulation.squeeze(output, axis=batch_axis)
            finals = tuple(manipulation.squeeze(s, axis=1) for s in finals)
        return output, as_hx(finals)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            text += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        for name, default in (
            ("bias", True),
            ("batch_first", False),
            ("dropout", 0),
            ("bidirectional", False),
        ):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text


class RNN(RNNBase):
    """An Elman network, ``h' = tanh(x W_ih.T + b_ih + h W_hh.T + b_hh)`` (or ReLU), as ``torch.nn.RNN``.

    Everything else as :class:`RNNBase` says.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> rnn = ug.nn.RNN(3, 5, num_layers=2, nonlinearity="relu", bidirectional=True)
        >>> output, h_n = rnn(ug.ones((7, 4, 3)))
        >>> tuple(output.shape), tuple(h_n.shape)
        ((7, 4, 10), (4, 4, 5))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ArgumentError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(
            f"RNN_{nonlinearity.upper()}", input_size, hidden_size, num_layers, bias, batch_first,
            dropout, bidirectional, 0, device, dtype,
        )  # fmt: skip
        self.nonlinearity = nonlinearity


class GRU(RNNBase):
    """A gated recurrent unit network, as ``torch.nn.GRU`` (gates r, z, n, in that order)::

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h

    Everything else as :class:`RNNBase` says.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> gru = ug.nn.GRU(3, 5, batch_first=True)
        >>> output, h_n = gru(ug.ones((4, 7, 3)))
        >>> tuple(output.shape), tuple(h_n.shape)
        ((4, 7, 5), (1, 4, 5))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            "GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, 0,
            device, dtype,
        )  # fmt: skip


class LSTM(RNNBase):
    """A multi-layer long short-term memory network, as ``torch.nn.LSTM`` (gates i, f, g, o).

    ``hx = (h_0, c_0)`` and it returns ``output, (h_n, c_n)``; ``c`` has
    ``hidden_size`` features. With ``proj_size > 0`` each layer's ``h`` is
    projected to ``proj_size`` features by ``weight_hr_l{k}`` after every step,
    so ``output`` and ``h_n`` have ``proj_size`` (times the directions).
    Everything else as :class:`RNNBase` says.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> lstm = ug.nn.LSTM(input_size=3, hidden_size=5, num_layers=2, batch_first=True)
        >>> output, (h_n, c_n) = lstm(ug.ones((4, 7, 3)))
        >>> tuple(output.shape), tuple(h_n.shape)
        ((4, 7, 5), (2, 4, 5))
    """

    _state_names = ("h_0", "c_0")

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            "LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
            proj_size, device, dtype,
        )  # fmt: skip
