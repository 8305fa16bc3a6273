"""EfficientNet's blocks and stage configurations (:mod:`unigrad.models.efficientnet` re-exports them).

``MBConv`` (EfficientNet V1 and V2's later stages) and ``FusedMBConv`` (V2's early
stages) have torchvision's ``block.<i>`` names; each drops its residual branch per
sample in training (``StochasticDepth``, mode ``"row"``). Both take NHWC input with
``data_format="channels_last"``, with the same parameters.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

from .. import nn
from ..errors import ArgumentError
from .blocks import Conv2dNormActivation, SqueezeExcitation, StochasticDepth, in_layout
from .mobilenetv2 import LayerFactory, make_divisible

__all__ = ["MBConv", "FusedMBConv", "MBConvConfig", "FusedMBConvConfig"]


class _StageConfig:
    """A stage: ``num_layers`` blocks of ``block``, the first with ``stride`` and ``input_channels``."""

    def __init__(
        self,
        expand_ratio: float,
        kernel: int,
        stride: int,
        input_channels: int,
        out_channels: int,
        num_layers: int,
        block: LayerFactory,
    ) -> None:
        self.expand_ratio = expand_ratio
        self.kernel = kernel
        self.stride = stride
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers
        self.block = block

    @staticmethod
    def adjust_channels(channels: float, width_mult: float, min_value: int | None = None) -> int:
        return make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_StageConfig):
    """An :class:`MBConv` stage, its widths scaled by ``width_mult`` and its depth by ``depth_mult``."""

    def __init__(
        self,
        expand_ratio: float,
        kernel: int,
        stride: int,
        input_channels: int,
        out_channels: int,
        num_layers: int,
        width_mult: float = 1.0,
        depth_mult: float = 1.0,
        block: LayerFactory | None = None,
    ) -> None:
        super().__init__(
            expand_ratio,
            kernel,
            stride,
            self.adjust_channels(input_channels, width_mult),
            self.adjust_channels(out_channels, width_mult),
            math.ceil(num_layers * depth_mult),
            block or MBConv,
        )


class FusedMBConvConfig(_StageConfig):
    """A :class:`FusedMBConv` stage (EfficientNetV2's early stages), unscaled."""

    def __init__(
        self,
        expand_ratio: float,
        kernel: int,
        stride: int,
        input_channels: int,
        out_channels: int,
        num_layers: int,
        block: LayerFactory | None = None,
    ) -> None:
        super().__init__(
            expand_ratio, kernel, stride, input_channels, out_channels, num_layers, block or FusedMBConv
        )


def _check_stride(stride: int, where: str) -> None:
    if not 1 <= stride <= 2:
        raise ArgumentError(f"{where}: stride has to be 1 or 2, got {stride}")


class MBConv(nn.Module):
    """1x1 expand, depthwise kxk, squeeze-excitation, 1x1 project; SiLU; a stochastic-depth shortcut.

    ``data_format="channels_last"`` takes NHWC input.
    """

    def __init__(
        self,
        cnf: _StageConfig,
        stochastic_depth_prob: float,
        norm_layer: LayerFactory,
        se_layer: LayerFactory = SqueezeExcitation,
        *,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        _check_stride(cnf.stride, "MBConv")
        se_layer = in_layout(se_layer, data_format, "MBConv")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers: list[nn.Module] = []
        if expanded != cnf.input_channels:
            layers.append(
                Conv2dNormActivation(
                    cnf.input_channels,
                    expanded,
                    kernel_size=1,
                    norm_layer=norm_layer,
                    activation_layer=nn.SiLU,
                    data_format=data_format,
                )
            )
        layers.append(
            Conv2dNormActivation(
                expanded,
                expanded,
                kernel_size=cnf.kernel,
                stride=cnf.stride,
                groups=expanded,
                norm_layer=norm_layer,
                activation_layer=nn.SiLU,
                data_format=data_format,
            )
        )
        # the squeeze width follows the block's input, not its expansion (as the paper and torchvision)
        layers.append(
            se_layer(expanded, max(1, cnf.input_channels // 4), activation=partial(nn.SiLU, inplace=True))
        )
        layers.append(
            Conv2dNormActivation(
                expanded,
                cnf.out_channels,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=None,
                data_format=data_format,
            )
        )
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input: Any) -> Any:
        result = self.block(input)
        return self.stochastic_depth(result) + input if self.use_res_connect else result


class FusedMBConv(nn.Module):
    """A full kxk expand convolution and a 1x1 project (EfficientNetV2); a stochastic-depth shortcut.

    ``data_format="channels_last"`` takes NHWC input.
    """

    def __init__(
        self,
        cnf: _StageConfig,
        stochastic_depth_prob: float,
        norm_layer: LayerFactory,
        *,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        _check_stride(cnf.stride, "FusedMBConv")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers: list[nn.Module] = []
        if expanded != cnf.input_channels:
            layers += [
                Conv2dNormActivation(
                    cnf.input_channels,
                    expanded,
                    kernel_size=cnf.kernel,
                    stride=cnf.stride,
                    norm_layer=norm_layer,
                    activation_layer=nn.SiLU,
                    data_format=data_format,
                ),
                Conv2dNormActivation(
                    expanded,
                    cnf.out_channels,
                    kernel_size=1,
                    norm_layer=norm_layer,
                    activation_layer=None,
                    data_format=data_format,
                ),
            ]
        else:
            layers.append(
                Conv2dNormActivation(
                    cnf.input_channels,
                    cnf.out_channels,
                    kernel_size=cnf.kernel,
                    stride=cnf.stride,
                    norm_layer=norm_layer,
                    activation_layer=nn.SiLU,
                    data_format=data_format,
                )
            )
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input: Any) -> Any:
        result = self.block(input)
        return self.stochastic_depth(result) + input if self.use_res_connect else result
