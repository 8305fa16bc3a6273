"""``LSTM``."""

from __future__ import annotations

import math
import warnings
from typing import Any

from ..errors import ShapeError
from ..ops import creation, manipulation
from ..ops._checks import shape_of
from ..ops.conversion import device_of
from . import init
from .functional._arguments import static_shape
from .functional.recurrent import lstm
from .module import Module
from .parameter import Parameter

__all__ = ["LSTM"]


class LSTM(Module):
    """A multi-layer long short-term memory network, as ``torch.nn.LSTM``.

    Input is ``(L, N, input_size)``, or ``(N, L, input_size)`` with
    ``batch_first=True``, or ``(L, input_size)`` unbatched. ``forward(input, hx=None)``
    returns ``output, (h_n, c_n)``: ``output`` holds the last layer's hidden
    state at every step (both directions concatenated), ``h_n`` and ``c_n``
    are ``(num_layers * directions, N, hidden_size)``. ``hx = (h_0, c_0)``
    defaults to zeros.

    Parameters carry PyTorch's names and layouts (``weight_ih_l0``,
    ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, ``..._reverse``; gates in
    the order i, f, g, o) and initialisation, ``U(-1/sqrt(hidden), 1/sqrt(hidden))``
    drawn from ``ug.random``. ``dropout`` between layers draws its masks from
    ``ug.random`` too. ``proj_size`` is not supported.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> lstm = ug.nn.LSTM(input_size=3, hidden_size=5, num_layers=2, batch_first=True)
        >>> output, (h_n, c_n) = lstm(ug.ones((4, 7, 3)))
        >>> tuple(output.shape), tuple(h_n.shape)
        ((4, 7, 5), (2, 4, 5))
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
        proj_size: int = 0,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if proj_size:
            raise NotImplementedError("LSTM: proj_size is not supported")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"LSTM: dropout must be in [0, 1], got {dropout}")
        if hidden_size < 1 or num_layers < 1:
            raise ValueError(
                f"LSTM: hidden_size and num_layers must be positive, got {hidden_size}, {num_layers}"
            )
        if dropout and num_layers == 1:
            warnings.warn(
                "LSTM: dropout acts between layers, so it does nothing with num_layers=1", stacklevel=2
            )
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first = bias, batch_first
        self.dropout, self.bidirectional = dropout, bidirectional
        directions = 2 if bidirectional else 1
        bound = 1.0 / math.sqrt(hidden_size)
        self._flat_names: list[str] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for suffix in ("", "_reverse")[:directions]:
                shapes: dict[str, tuple[int, ...]] = {
                    "weight_ih": (4 * hidden_size, layer_input),
                    "weight_hh": (4 * hidden_size, hidden_size),
                }
                if bias:
                    shapes.update(bias_ih=(4 * hidden_size,), bias_hh=(4 * hidden_size,))
                for kind, shape in shapes.items():
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, Parameter(init.uniform(shape, -bound, bound, dtype)))
                    self._flat_names.append(name)

    @property
    def all_weights(self) -> list[list[Any]]:
        """The parameters per layer and direction, ``[w_ih, w_hh, b_ih, b_hh]`` each, as PyTorch's."""
        per = 4 if self.bias else 2
        flat = self._flat_weights()
        return [flat[i : i + per] for i in range(0, len(flat), per)]

    def _flat_weights(self) -> list[Any]:
        return [getattr(self, name) for name in self._flat_names]

    def forward(self, input: Any, hx: tuple[Any, Any] | None = None) -> tuple[Any, tuple[Any, Any]]:
        shape = static_shape(input, "LSTM")
        layout = "(N, L, input_size)" if self.batch_first else "(L, N, input_size)"
        if shape is None or len(shape) not in (2, 3) or shape[-1] != self.input_size:
            raise ShapeError(
                f"LSTM(input_size={self.input_size}) expects input of shape "
                f"{layout.replace('input_size', str(self.input_size))} (or (L, {self.input_size}) "
                f"unbatched), got shape {shape}"
            )
        unbatched = len(shape) == 2
        batch_axis = 0 if self.batch_first else 1
        x = manipulation.expand_dims(input, axis=batch_axis) if unbatched else input
        batch = 1 if unbatched else shape[batch_axis]
        states = (2 if self.bidirectional else 1) * self.num_layers
        want = (states, batch, self.hidden_size)
        if hx is None:
            zeros = creation.zeros(want, dtype=x.dtype, device=device_of(x))
            h0, c0 = zeros, zeros
        else:
            given = want[::2] if unbatched else want
            for name, state in zip(("h_0", "c_0"), hx, strict=True):
                if shape_of(state) != given:
                    raise ShapeError(f"LSTM: expected {name} of shape {given}, got {shape_of(state)}")
            h0, c0 = (manipulation.expand_dims(s, axis=1) if unbatched else s for s in hx)
        output, h_n, c_n = lstm(
            x,
            (h0, c0),
            self._flat_weights(),
            self.bias,
            self.num_layers,
            self.dropout,
            self.training,
            self.bidirectional,
            self.batch_first,
        )
        if unbatched:
            output = manipulation.squeeze(output, axis=batch_axis)
            h_n, c_n = manipulation.squeeze(h_n, axis=1), manipulation.squeeze(c_n, axis=1)
        return output, (h_n, c_n)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        defaults = {"bias": True, "batch_first": False, "dropout": 0.0, "bidirectional": False}
        for name, default in defaults.items():
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text
