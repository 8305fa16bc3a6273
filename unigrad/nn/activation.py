"""Activation layers, as ``torch.nn``'s: same names, arguments, defaults and state-dict keys.

Each layer calls its function in :mod:`unigrad.nn.functional.activation`.
``inplace=True`` is accepted wherever torch accepts it (``ReLU(True)``) and
computes out of place: unigrad tensors may be immutable (TensorFlow's are), so
the layer returns a new tensor and leaves its input unchanged.

Examples:
    >>> import unigrad as ug
    >>> layer = ug.nn.LeakyReLU(0.5, inplace=True)
    >>> layer
    LeakyReLU(negative_slope=0.5, inplace=True)
    >>> ug.to_numpy(layer(ug.asarray([-1.0, 2.0]))).tolist()
    [-0.5, 2.0]
"""

from __future__ import annotations

from typing import Any

from ..errors import ArgumentError, ShapeError
from ..ops.creation import full
from ..types import DTypeLike
from . import functional as F
from . import init as nn_init
from .functional.activation import implicit_softmax_dim
from .module import Module
from .parameter import Parameter

__all__ = [
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "ELU",
    "SELU",
    "CELU",
    "GELU",
    "SiLU",
    "Mish",
    "Hardswish",
    "Hardsigmoid",
    "Hardtanh",
    "Sigmoid",
    "Tanh",
    "Softplus",
    "Softsign",
    "Softshrink",
    "Hardshrink",
    "Tanhshrink",
    "Threshold",
    "PReLU",
    "RReLU",
    "GLU",
    "LogSigmoid",
    "Softmax",
    "LogSoftmax",
    "Softmin",
    "Softmax2d",
]


def _inplace(inplace: bool) -> str:
    return ", inplace=True" if inplace else ""


class _Elementwise(Module):
    """An activation whose only argument is torch's ``inplace`` flag."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return _inplace(self.inplace).removeprefix(", ")


class ReLU(_Elementwise):
    """``max(x, 0)``; ``inplace=True`` writes into the input on PyTorch, as torch's (see ``F.relu``)."""

    def forward(self, x: Any) -> Any:
        return F.relu(x, self.inplace)


class SELU(_Elementwise):
    """Scaled ELU with the self-normalizing constants."""

    def forward(self, x: Any) -> Any:
        return F.selu(x)


class SiLU(_Elementwise):
    """``x * sigmoid(x)``."""

    def forward(self, x: Any) -> Any:
        return F.silu(x)


class Mish(_Elementwise):
    """``x * tanh(softplus(x))``."""

    def forward(self, x: Any) -> Any:
        return F.mish(x)


class Hardswish(_Elementwise):
    """``x * relu6(x + 3) / 6``, exactly piecewise."""

    def forward(self, x: Any) -> Any:
        return F.hardswish(x)


class Hardsigmoid(_Elementwise):
    """``relu6(x + 3) / 6``, exactly piecewise."""

    def forward(self, x: Any) -> Any:
        return F.hardsigmoid(x)


class Hardtanh(Module):
    """``x`` clipped to ``[min_val, max_val]``."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if min_val > max_val:
            raise ArgumentError(f"Hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, x: Any) -> Any:
        return F.hardtanh(x, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace(self.inplace)}"


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace(self.inplace).removeprefix(", ")


class LeakyReLU(Module):
    """``x`` where positive, else ``negative_slope * x``."""

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x: Any) -> Any:
        return F.leaky_relu(x, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_inplace(self.inplace)}"


class ELU(Module):
    """``x`` where positive, else ``alpha * (exp(x) - 1)``."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x: Any) -> Any:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_inplace(self.inplace)}"


class CELU(ELU):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""

    def forward(self, x: Any) -> Any:
        return F.celu(x, self.alpha)


class GELU(Module):
    """Gaussian error linear unit (``approximate="tanh"`` for the tanh form)."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ArgumentError(f"GELU's approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Any:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``."""

    def forward(self, x: Any) -> Any:
        return F.sigmoid(x)


class Tanh(Module):
    """Hyperbolic tangent."""

    def forward(self, x: Any) -> Any:
        return F.tanh(x)


class Softsign(Module):
    """``x / (1 + |x|)``."""

    def forward(self, x: Any) -> Any:
        return F.softsign(x)


class Tanhshrink(Module):
    """``x - tanh(x)``."""

    def forward(self, x: Any) -> Any:
        return F.tanhshrink(x)


class LogSigmoid(Module):
    """``log(sigmoid(x))``, without overflow."""

    def forward(self, x: Any) -> Any:
        return F.logsigmoid(x)


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Any) -> Any:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softshrink(Module):
    """``x ∓ lambd`` outside ``[-lambd, lambd]``, else 0."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, x: Any) -> Any:
        return F.softshrink(x, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Softshrink):
    """``x`` outside ``[-lambd, lambd]``, else 0."""

    def forward(self, x: Any) -> Any:
        return F.hardshrink(x, self.lambd)


class Threshold(Module):
    """``x`` where ``x > threshold``, else ``value``."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, x: Any) -> Any:
        return F.threshold(x, self.threshold, self.value)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_inplace(self.inplace)}"


class PReLU(Module):
    """Leaky ReLU with learned slopes: one (``num_parameters=1``) or one per channel (dim 1).

    The slopes are the Parameter ``weight``, filled with ``init``, as torch's.
    """

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: DTypeLike = None
    ) -> None:
        super().__init__()
        if num_parameters < 1:
            raise ArgumentError(f"PReLU: num_parameters must be at least 1, got {num_parameters}")
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(full((num_parameters,), init, dtype=dtype, device=device))

    def reset_parameters(self) -> None:
        """Every slope back to ``init``, in place."""
        nn_init.constant_(self.weight, self.init)

    def forward(self, x: Any) -> Any:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(Module):
    """Randomized leaky ReLU: random slopes in ``[lower, upper]`` in training, their mean in evaluation.

    Training slopes come from :mod:`unigrad.random`, so a seed fixes them on every backend.
    """

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__()
        if not 0 <= lower <= upper:
            raise ArgumentError(f"RReLU: needs 0 <= lower <= upper, got lower={lower}, upper={upper}")
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, x: Any) -> Any:
        return F.rrelu(x, self.lower, self.upper, self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_inplace(self.inplace)}"


class GLU(Module):
    """Gated linear unit: ``a * sigmoid(b)``, ``a`` and ``b`` the halves of the input along ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Any:
        return F.glu(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(Module):
    """Softmax along ``dim``; ``dim=None`` makes torch's implicit choice (and warns as torch does)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def _dim(self, x: Any) -> int:
        if self.dim is not None:
            return self.dim
        return implicit_softmax_dim(type(self).__name__.lower(), len(x.shape), stacklevel=4)

    def forward(self, x: Any) -> Any:
        return F.softmax(x, self._dim(x))

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log-softmax along ``dim``."""

    def forward(self, x: Any) -> Any:
        return F.log_softmax(x, self._dim(x))


class Softmin(Softmax):
    """``softmax(-x)`` along ``dim``."""

    def forward(self, x: Any) -> Any:
        return F.softmin(x, self._dim(x))


class Softmax2d(Module):
    """Softmax over the channels at every position of a ``(N, C, H, W)`` or ``(C, H, W)`` input."""

    def forward(self, x: Any) -> Any:
        if len(x.shape) not in (3, 4):
            raise ShapeError(
                f"Softmax2d expects a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {tuple(x.shape)}"
            )
        return F.softmax(x, -3)
