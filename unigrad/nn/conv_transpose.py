"""``ConvTranspose1d``, ``ConvTranspose2d`` and ``ConvTranspose3d``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ArgumentError
from .conv import _ConvBase
from .functional._arguments import as_tuple, spatial
from .functional.conv_transpose import (
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    transpose_output_padding,
)

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


class _ConvTransposeNd(_ConvBase):
    """What the transposed convolutions share: PyTorch's arguments, parameters and initialisation."""

    padding: tuple[int, ...]

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: int | Sequence[int] = 0,
        output_padding: int | Sequence[int] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | Sequence[int] = 1,
        padding_mode: str = "zeros",
        dtype: Any = None,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        name = self._setup(
            in_channels, out_channels, groups, kernel_size, stride, dilation, padding_mode, data_format
        )
        self.padding = as_tuple(padding, self.dims, "padding", name)
        self.output_padding = as_tuple(output_padding, self.dims, "output_padding", name)
        if any(
            e >= s and e >= d for e, s, d in zip(self.output_padding, self.stride, self.dilation, strict=True)
        ):
            raise ArgumentError(
                f"{name}: output_padding {self.output_padding} must be smaller than either stride "
                f"{self.stride} or dilation {self.dilation}"
            )
        self._init_parameters((in_channels, out_channels // groups), bias, dtype)

    def _check_padding_mode(self, padding_mode: str, name: str) -> None:
        if padding_mode != "zeros":
            raise ArgumentError(
                f"{name}: only padding_mode='zeros' is supported (as PyTorch), got {padding_mode!r}"
            )

    def forward(self, x: Any, output_size: Sequence[int] | None = None) -> Any:
        extra = self.output_padding
        if output_size is not None:
            last = self.data_format == "channels_last"
            shape = tuple(int(s) for s in x.shape)
            sizes = spatial(shape if len(shape) == self.dims + 2 else (1, *shape), last)
            extra = transpose_output_padding(
                sizes,
                output_size,
                self.kernel_size,
                self.stride,
                self.padding,
                self.dilation,
                type(self).__name__,
            )
        return type(self).function(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            extra,
            self.groups,
            self.dilation,
            self.data_format,
        )


class ConvTranspose1d(_ConvTransposeNd):
    """1-d transposed convolution over ``(N, C, L)`` input (``(N, L, C)`` if ``data_format="channels_last"``).

    As ``torch.nn.ConvTranspose1d``: weight ``(in_channels, out_channels / groups, kernel_size)``,
    PyTorch's default initialisation drawn from ``ug.random``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> up = ug.nn.ConvTranspose1d(4, 2, kernel_size=4, stride=2, padding=1)
        >>> tuple(up.weight.shape), tuple(up(ug.ones((3, 4, 10))).shape)
        ((4, 2, 4), (3, 2, 20))
    """

    dims = 1
    function = staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """2-d transposed convolution (the gradient of ``Conv2d``) over NCHW input (NHWC with
    ``data_format="channels_last"``).

    As ``torch.nn.ConvTranspose2d``: ``stride``, ``padding``, ``output_padding``,
    ``groups``, ``dilation``; ``forward(x, output_size=None)``; weight
    ``(in_channels, out_channels / groups, kH, kW)``, bias ``(out_channels,)``,
    initialised as PyTorch does, from ``ug.random``. Only zero padding (as PyTorch).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> up = ug.nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1)
        >>> tuple(up.weight.shape), tuple(up(ug.ones((2, 16, 8, 8))).shape)
        ((16, 8, 4, 4), (2, 8, 16, 16))
    """

    dims = 2
    function = staticmethod(conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """3-d transposed convolution over NCDHW input (NDHWC with ``data_format="channels_last"``).

    As ``torch.nn.ConvTranspose3d``: weight ``(in_channels, out_channels / groups, kD, kH, kW)``,
    PyTorch's arguments and default initialisation, from ``ug.random``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> up = ug.nn.ConvTranspose3d(4, 2, kernel_size=2, stride=2)
        >>> tuple(up.weight.shape), tuple(up(ug.ones((1, 4, 2, 3, 3))).shape)
        ((4, 2, 2, 2, 2), (1, 2, 4, 6, 6))
    """

    dims = 3
    function = staticmethod(conv_transpose3d)
