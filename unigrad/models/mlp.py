"""``MLP``: a stack of fully connected layers, named as the ``torch.nn.Sequential`` it mirrors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import nn
from ..errors import ArgumentError

__all__ = ["MLP"]

_ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


class MLP(nn.Sequential):
    """``Linear -> activation [-> Dropout]`` for each hidden width, then a last ``Linear``.

    The layers are numbered as in ``torch.nn.Sequential(Linear, ReLU, Linear, ...)``,
    so the state dict of that PyTorch model (``"0.weight"``, ``"2.weight"``, ...)
    loads as it is. A dropout layer, where ``dropout > 0``, takes a number too.

    Args:
        in_features: width of the input.
        hidden_features: width of each hidden layer, in order (may be empty).
        out_features: width of the output.
        activation: ``"relu"``, ``"gelu"``, ``"tanh"`` or ``"sigmoid"``.
        dropout: dropout probability after each hidden activation.
        dtype: the parameters' dtype (float32 by default).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> mlp = ug.models.MLP(4, [8, 8], 2)
        >>> list(mlp.state_dict())[:4], tuple(mlp(ug.ones((3, 4))).shape)
        (['0.weight', '0.bias', '2.weight', '2.bias'], (3, 2))
    """

    def __init__(
        self,
        in_features: int,
        hidden_features: Sequence[int],
        out_features: int,
        activation: str = "relu",
        dropout: float = 0.0,
        dtype: Any = None,
    ) -> None:
        if activation not in _ACTIVATIONS:
            raise ArgumentError(f"MLP: activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
        layers: list[nn.Module] = []
        width = in_features
        for hidden in hidden_features:
            layers += [nn.Linear(width, hidden, dtype=dtype), _ACTIVATIONS[activation]()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = hidden
        layers.append(nn.Linear(width, out_features, dtype=dtype))
        super().__init__(*layers)
