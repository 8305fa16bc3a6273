"""``LayerNorm``, ``GroupNorm``, ``RMSNorm`` and ``LocalResponseNorm``."""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from . import functional as F
from . import init
from .functional._arguments import channels_last, channels_of, static_shape
from .functional.normalization import layer_norm_in, rms_norm_in
from .module import Module
from .parameter import Parameter

__all__ = ["LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm"]


def affine_parameters(
    shape: tuple[int, ...], dtype: Any, affine: bool, bias: bool
) -> tuple[Parameter | None, Parameter | None]:
    """A normalization layer's ``(weight, bias)``: ones and zeros of ``shape``, or None where absent."""
    weight = Parameter(init.ones(shape, dtype)) if affine else None
    return weight, Parameter(init.zeros(shape, dtype)) if affine and bias else None


def _as_shape(normalized_shape: int | tuple[int, ...]) -> tuple[int, ...]:
    return (int(normalized_shape),) if isinstance(normalized_shape, int) else tuple(normalized_shape)


class LayerNorm(Module):
    """Normalize over the trailing ``normalized_shape`` axes, with a learned scale and shift.

    As ``torch.nn.LayerNorm``: ``elementwise_affine=False`` has no parameters,
    ``bias=False`` only ``weight``.

    Examples:
        >>> import unigrad as ug
        >>> list(ug.nn.LayerNorm(4, bias=False).state_dict())
        ['weight']
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.weight, self.bias = affine_parameters(self.normalized_shape, dtype, elementwise_affine, bias)

    def forward(self, x: Any) -> Any:
        return layer_norm_in(
            x, self.normalized_shape, self.weight, self.bias, self.eps, f"LayerNorm({self.normalized_shape})"
        )

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class RMSNorm(Module):
    """Root-mean-square normalization over the trailing axes, as ``torch.nn.RMSNorm`` (PyTorch >= 2.4).

    ``y = x / sqrt(mean(x**2) + eps) * weight``; ``eps=None`` is the machine
    epsilon of the input's dtype.

    Examples:
        >>> import unigrad as ug
        >>> norm = ug.nn.RMSNorm(2)
        >>> [round(v, 3) for v in ug.to_numpy(norm(ug.asarray([[3.0, 4.0]])))[0].tolist()]
        [0.849, 1.131]
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float | None = None,
        elementwise_affine: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.weight, _ = affine_parameters(self.normalized_shape, dtype, elementwise_affine, bias=False)

    def forward(self, x: Any) -> Any:
        return rms_norm_in(
            x, self.normalized_shape, self.weight, self.eps, f"RMSNorm({self.normalized_shape})"
        )

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    """Group normalization, as ``torch.nn.GroupNorm``: each sample's channels in ``num_groups`` groups,
    each group normalized over its channels and positions, then a per-channel scale and shift.

    Input ``(N, C, *)`` (``(N, *, C)`` with ``data_format="channels_last"``).

    Examples:
        >>> import unigrad as ug
        >>> norm = ug.nn.GroupNorm(2, 4)
        >>> tuple(norm(ug.ones((3, 4, 5, 5))).shape)
        (3, 4, 5, 5)
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        dtype: Any = None,
        data_format: str = "channels_first",
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_groups <= 0 or num_channels % num_groups:
            raise ShapeError(
                f"GroupNorm: num_channels={num_channels} must be divisible by num_groups={num_groups}"
            )
        self.channels_last = channels_last(data_format, "GroupNorm")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        self.data_format = data_format
        self.weight, self.bias = affine_parameters((num_channels,), dtype, affine, bias)

    def forward(self, x: Any) -> Any:
        shape = static_shape(x, "GroupNorm")
        if shape is None or len(shape) < 2 or channels_of(shape, self.channels_last) != self.num_channels:
            layout = f"(N, *, {self.num_channels})" if self.channels_last else f"(N, {self.num_channels}, *)"
            raise ShapeError(
                f"GroupNorm({self.num_groups}, {self.num_channels}) expects input of shape {layout}, "
                f"got shape {shape}"
            )
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps, self.data_format)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )


class LocalResponseNorm(Module):
    """Local response normalization across channels, as ``torch.nn.LocalResponseNorm``.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.LocalResponseNorm(2)(ug.ones((1, 4, 3, 3))).shape)
        (1, 4, 3, 3)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x: Any) -> Any:
        shape = static_shape(x, "LocalResponseNorm")
        if shape is None or len(shape) < 3:
            raise ShapeError(
                f"LocalResponseNorm({self.size}) expects a 3-D or higher input (N, C, *), got shape {shape}"
            )
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
