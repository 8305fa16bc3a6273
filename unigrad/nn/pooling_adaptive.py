"""Adaptive pools (``AdaptiveAvgPool1d``..``3d``, ``AdaptiveMaxPool1d``..``3d``) and ``LPPool1d``..``3d``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from . import functional as F
from .functional._arguments import channels_last
from .module import Module

__all__ = [
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
]

Size = int | Sequence[int]
OutputSize = int | None | Sequence[int | None]


class _AdaptivePool(Module):
    """A pool to a given ``output_size``, as ``torch.nn.Adaptive<Avg|Max>Pool<n>d``.

    Output index ``i`` of an axis of size ``L`` pools
    ``[floor(i*L/out), ceil((i+1)*L/out))``; a ``None`` entry keeps the size.
    """

    _pool: ClassVar[Callable[..., Any]]

    def __init__(self, output_size: OutputSize, data_format: str = "channels_first") -> None:
        super().__init__()
        channels_last(data_format, type(self).__name__)
        self.output_size, self.data_format = output_size, data_format

    def forward(self, x: Any) -> Any:
        return type(self)._pool(x, self.output_size, data_format=self.data_format)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class _AdaptiveMaxPool(_AdaptivePool):
    """With ``return_indices=True``, ``(output, indices)``: PyTorch's int64 flat index of each maximum."""

    def __init__(
        self, output_size: OutputSize, return_indices: bool = False, data_format: str = "channels_first"
    ) -> None:
        super().__init__(output_size, data_format)
        self.return_indices = return_indices

    def forward(self, x: Any) -> Any:
        return type(self)._pool(x, self.output_size, self.return_indices, data_format=self.data_format)


class AdaptiveAvgPool1d(_AdaptivePool):
    """Mean over adaptive windows of ``(N, C, L)`` input, as ``torch.nn.AdaptiveAvgPool1d``."""

    _pool = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptivePool):
    """Mean over adaptive windows of ``(N, C, H, W)`` input, as ``torch.nn.AdaptiveAvgPool2d``.

    Where the output divides the input evenly (``(1, 1)``: global average
    pooling) this is a reshape and one mean.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.AdaptiveAvgPool2d((1, 1))(ug.ones((2, 8, 7, 7))).shape)
        (2, 8, 1, 1)
    """

    _pool = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptivePool):
    """Mean over adaptive windows of ``(N, C, D, H, W)`` input, as ``torch.nn.AdaptiveAvgPool3d``."""

    _pool = staticmethod(F.adaptive_avg_pool3d)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Maximum over adaptive windows of ``(N, C, L)`` input, as ``torch.nn.AdaptiveMaxPool1d``."""

    _pool = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Maximum over adaptive windows of ``(N, C, H, W)`` input, as ``torch.nn.AdaptiveMaxPool2d``.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.AdaptiveMaxPool2d((2, None))(ug.ones((1, 3, 5, 4))).shape)
        (1, 3, 2, 4)
    """

    _pool = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    """Maximum over adaptive windows of ``(N, C, D, H, W)`` input, as ``torch.nn.AdaptiveMaxPool3d``."""

    _pool = staticmethod(F.adaptive_max_pool3d)


class _LPPool(Module):
    """``(sum of x**p over each window) ** (1/p)``, as ``torch.nn.LPPool<n>d`` (no padding)."""

    _pool: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        norm_type: float,
        kernel_size: Size,
        stride: Size | None = None,
        ceil_mode: bool = False,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        channels_last(data_format, type(self).__name__)
        self.norm_type, self.kernel_size, self.stride = norm_type, kernel_size, stride
        self.ceil_mode, self.data_format = ceil_mode, data_format

    def forward(self, x: Any) -> Any:
        return type(self)._pool(
            x, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode, self.data_format
        )

    def extra_repr(self) -> str:
        return (
            f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, ceil_mode={self.ceil_mode}"
        )


class LPPool1d(_LPPool):
    """Power-average pooling of ``(N, C, L)`` input, as ``torch.nn.LPPool1d``."""

    _pool = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPool):
    """Power-average pooling of ``(N, C, H, W)`` input, as ``torch.nn.LPPool2d``.

    Examples:
        >>> import unigrad as ug
        >>> ug.to_numpy(ug.nn.LPPool2d(2, 2)(ug.ones((1, 1, 2, 2)))).ravel().tolist()
        [2.0]
    """

    _pool = staticmethod(F.lp_pool2d)


class LPPool3d(_LPPool):
    """Power-average pooling of ``(N, C, D, H, W)`` input, as ``torch.nn.LPPool3d``."""

    _pool = staticmethod(F.lp_pool3d)
