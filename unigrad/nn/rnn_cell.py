"""The recurrent cells ``RNNCell``, ``GRUCell`` and ``LSTMCell`` over one base, as torch.nn's."""

from __future__ import annotations

from typing import Any

from ..errors import ArgumentError, ShapeError
from ..ops import manipulation
from .functional._arguments import static_shape
from .functional.recurrent import rnn_cell
from .module import Module
from .reference.recurrent import MODES
from .rnn import as_hx, initial_states, new_parameter, reset_uniform

__all__ = ["RNNCellBase", "RNNCell", "GRUCell", "LSTMCell"]


class RNNCellBase(Module):
    """What ``RNNCell``, ``GRUCell`` and ``LSTMCell`` share, as ``torch.nn.RNNCellBase``.

    One step of the matching layer (see :class:`~unigrad.nn.RNNBase`) over
    input ``(N, input_size)`` or ``(input_size,)`` unbatched; ``forward(input,
    hx=None)`` returns the next ``h`` (``(h, c)`` for ``LSTMCell``), ``hx``
    defaulting to zeros. Parameters ``weight_ih`` ``(num_chunks * hidden_size,
    input_size)``, ``weight_hh``, ``bias_ih`` and ``bias_hh`` (``None`` with
    ``bias=False``), drawn from ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``
    with ``ug.random``.
    """

    mode: str
    bias_ih: Any
    bias_hh: Any
    _state_names: tuple[str, ...] = ("hx",)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        rows = num_chunks * hidden_size
        self.weight_ih = new_parameter((rows, input_size), hidden_size, device, dtype)
        self.weight_hh = new_parameter((rows, hidden_size), hidden_size, device, dtype)
        for name in ("bias_ih", "bias_hh"):
            self.register_parameter(
                name, new_parameter((rows,), hidden_size, device, dtype) if bias else None
            )

    def reset_parameters(self) -> None:
        """Every parameter drawn again from ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``, in place."""
        reset_uniform(self, self.hidden_size)

    def forward(self, input: Any, hx: Any = None) -> Any:
        where, size = type(self).__name__, self.input_size
        shape = static_shape(input, where)
        if shape is None or len(shape) not in (1, 2) or shape[-1] != size:
            raise ShapeError(
                f"{where}(input_size={size}) expects input of shape (N, {size}) or ({size},) unbatched, "
                f"got shape {shape}"
            )
        unbatched = len(shape) == 1
        x = manipulation.expand_dims(input, axis=0) if unbatched else input
        shapes = [(1 if unbatched else shape[0], self.hidden_size)] * len(self._state_names)
        states = initial_states(where, hx, self._state_names, shapes, x, 0 if unbatched else None)
        new = rnn_cell(self.mode, x, states, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        if unbatched:
            new = tuple(manipulation.squeeze(s, axis=0) for s in new)
        return as_hx(new)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            text += f", bias={self.bias}"
        nonlinearity = getattr(self, "nonlinearity", "tanh")
        if nonlinearity != "tanh":
            text += f", nonlinearity={nonlinearity}"
        return text


class RNNCell(RNNCellBase):
    """One step of an Elman network, ``h' = tanh(x W_ih.T + b_ih + h W_hh.T + b_hh)`` (or ReLU),
    as ``torch.nn.RNNCell``; see :class:`RNNCellBase`.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> cell = ug.nn.RNNCell(3, 5, nonlinearity="relu")
        >>> tuple(cell(ug.ones((4, 3))).shape), tuple(cell(ug.ones(3)).shape)
        ((4, 5), (5,))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ArgumentError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, MODES["RNN_TANH"].gates, device, dtype)
        self.nonlinearity = nonlinearity

    @property
    def mode(self) -> str:  # type: ignore[override]
        return f"RNN_{self.nonlinearity.upper()}"


class GRUCell(RNNCellBase):
    """One step of a GRU, as ``torch.nn.GRUCell`` (see :class:`~unigrad.nn.GRU` for the gates).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> tuple(ug.nn.GRUCell(3, 5)(ug.ones((4, 3)), ug.zeros((4, 5))).shape)
        (4, 5)
    """

    mode = "GRU"

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__(input_size, hidden_size, bias, MODES[self.mode].gates, device, dtype)


class LSTMCell(RNNCellBase):
    """One step of an LSTM, as ``torch.nn.LSTMCell``: ``hx = (h_0, c_0)``, returns ``(h_1, c_1)``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> h, c = ug.nn.LSTMCell(3, 5)(ug.ones((4, 3)))
        >>> tuple(h.shape), tuple(c.shape)
        ((4, 5), (4, 5))
    """

    mode = "LSTM"
    _state_names = ("h_0", "c_0")

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__(input_size, hidden_size, bias, MODES[self.mode].gates, device, dtype)
