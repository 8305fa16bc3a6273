"""``LayerNorm``, ``GroupNorm``, ``RMSNorm``, ``LocalResponseNorm`` and the legacy ``CrossMapLRN2d``."""

from __future__ import annotations

from typing import Any

from ..errors import ArgumentError, ShapeError
from ..ops import creation, manipulation
from ..ops.conversion import device_of
from . import functional as F
from . import init
from .functional._arguments import channels_last, channels_of, static_shape
from .functional.normalization import layer_norm_in, rms_norm_in
from .module import Module
from .parameter import Parameter

__all__ = ["LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm", "CrossMapLRN2d"]


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


class CrossMapLRN2d(Module):
    """torch's legacy (Lua Torch) cross-channel LRN of ``(N, C, H, W)`` input, as ``torch.nn.CrossMapLRN2d``.

    ``x * (k + alpha / size * sum of x**2 over a window of channels) ** -beta``.
    The window is ``int((size - 1) / 2)`` channels either side (``size`` wide
    for an odd ``size``, ``size - 1`` for an even one), zero beyond the edges;
    so for odd ``size`` this would be :class:`LocalResponseNorm`, but torch's
    port of the Lua code never takes channel 0's square out of its running
    sum: from channel ``int((size - 1) / 2) + 1`` on, each window also counts
    channel 0. The forward pass here is torch's, that quirk included; the
    gradient is the true gradient of that forward pass (torch's hand-written
    backward is not: its window is shifted by one channel and ignores the
    quirk).

    Examples:
        >>> import unigrad as ug
        >>> y = ug.nn.CrossMapLRN2d(3, alpha=3.0, beta=1.0)(ug.ones((1, 2, 1, 1)))
        >>> ug.to_numpy(y).ravel().tolist()
        [0.3333333432674408, 0.3333333432674408]
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1) -> None:
        super().__init__()
        if int(size) < 1:
            raise ArgumentError(f"CrossMapLRN2d: size must be a positive int, got {size!r}")
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Any) -> Any:
        shape = static_shape(input, "CrossMapLRN2d")
        if shape is None or len(shape) != 4:
            raise ShapeError(
                f"CrossMapLRN2d: expected input to be 4D (N, C, H, W), got {len(shape or ())}D "
                f"(shape {shape}) instead"
            )
        return _cross_map_lrn2d(input, shape, int(self.size), self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def _cross_map_lrn2d(x: Any, shape: tuple[int, ...], size: int, alpha: float, beta: float, k: float) -> Any:
    n, channels, height, width = shape
    half = int((size - 1) / 2)  # (torch's pre_pad - 1)
    squares = x * x

    def zeros(count: int) -> Any:
        return creation.zeros((n, count, height, width), dtype=x.dtype, device=device_of(x))

    padded = manipulation.concat([zeros(half), squares, zeros(half)], axis=1) if half else squares
    total = padded[:, 0:channels]
    for offset in range(1, 2 * half + 1):
        total = total + padded[:, offset : offset + channels]
    if channels > half + 1:  # torch's running sum keeps channel 0 from channel half + 1 on
        first = manipulation.broadcast_to(squares[:, :1], (n, channels - half - 1, height, width))
        total = total + manipulation.concat([zeros(half + 1), first], axis=1)
    return x * (total * (alpha / size) + k) ** (-beta)
