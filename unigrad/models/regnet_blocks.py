"""RegNet's building blocks (:mod:`unigrad.models.regnet` re-exports them): the ImageNet stem
``SimpleStemIN``, the bottleneck ``BottleneckTransform`` (with squeeze-excitation in RegNetY) and its
residual ``ResBottleneckBlock``, the stage ``AnyStage`` of such blocks, and ``BlockParams``, the
per-stage widths and depths from the RegNet design space's quantised linear rule, computed in float32
as torchvision does.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import nn
from ..errors import ArgumentError
from .blocks import Conv2dNormActivation, SqueezeExcitation
from .mobilenetv2 import LayerFactory, make_divisible

__all__ = [
    "SimpleStemIN",
    "BottleneckTransform",
    "ResBottleneckBlock",
    "AnyStage",
    "BlockParams",
]


class SimpleStemIN(Conv2dNormActivation):
    """The ImageNet stem: a strided 3x3 convolution, BatchNorm, ReLU."""

    def __init__(
        self, width_in: int, width_out: int, norm_layer: LayerFactory, activation_layer: LayerFactory
    ) -> None:
        super().__init__(
            width_in,
            width_out,
            kernel_size=3,
            stride=2,
            norm_layer=norm_layer,
            activation_layer=activation_layer,
        )


class BottleneckTransform(nn.Sequential):
    """1x1 (``a``), grouped 3x3 (``b``), squeeze-excitation (``se``, RegNetY), 1x1 (``c``)."""

    def __init__(
        self,
        width_in: int,
        width_out: int,
        stride: int,
        norm_layer: LayerFactory,
        activation_layer: LayerFactory,
        group_width: int,
        bottleneck_multiplier: float,
        se_ratio: float | None,
    ) -> None:
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        w_b = round(width_out * bottleneck_multiplier)
        layers["a"] = Conv2dNormActivation(
            width_in, w_b, kernel_size=1, stride=1, norm_layer=norm_layer, activation_layer=activation_layer
        )
        layers["b"] = Conv2dNormActivation(
            w_b,
            w_b,
            kernel_size=3,
            stride=stride,
            groups=w_b // group_width,
            norm_layer=norm_layer,
            activation_layer=activation_layer,
        )
        if se_ratio:
            # the squeeze width follows the block's input width (pycls' rule, kept by torchvision)
            layers["se"] = SqueezeExcitation(w_b, round(se_ratio * width_in), activation=activation_layer)
        layers["c"] = Conv2dNormActivation(
            w_b, width_out, kernel_size=1, stride=1, norm_layer=norm_layer, activation_layer=None
        )
        super().__init__(layers)


class ResBottleneckBlock(nn.Module):
    """``activation(x + f(x))``, ``x`` projected (``proj``) when width or resolution changes."""

    def __init__(
        self,
        width_in: int,
        width_out: int,
        stride: int,
        norm_layer: LayerFactory,
        activation_layer: LayerFactory,
        group_width: int = 1,
        bottleneck_multiplier: float = 1.0,
        se_ratio: float | None = None,
    ) -> None:
        super().__init__()
        self.proj: nn.Module | None = None
        if width_in != width_out or stride != 1:
            self.proj = Conv2dNormActivation(
                width_in,
                width_out,
                kernel_size=1,
                stride=stride,
                norm_layer=norm_layer,
                activation_layer=None,
            )
        self.f = BottleneckTransform(
            width_in,
            width_out,
            stride,
            norm_layer,
            activation_layer,
            group_width,
            bottleneck_multiplier,
            se_ratio,
        )
        self.activation = activation_layer(inplace=True)

    def forward(self, x: Any) -> Any:
        shortcut = x if self.proj is None else self.proj(x)
        return self.activation(shortcut + self.f(x))


class AnyStage(nn.Sequential):
    """A stage of ``depth`` blocks named ``block{stage_index}-{i}``; only the first one strides."""

    def __init__(
        self,
        width_in: int,
        width_out: int,
        stride: int,
        depth: int,
        block_constructor: LayerFactory,
        norm_layer: LayerFactory,
        activation_layer: LayerFactory,
        group_width: int,
        bottleneck_multiplier: float,
        se_ratio: float | None = None,
        stage_index: int = 0,
    ) -> None:
        super().__init__()
        for i in range(depth):
            block = block_constructor(
                width_in if i == 0 else width_out,
                width_out,
                stride if i == 0 else 1,
                norm_layer,
                activation_layer,
                group_width,
                bottleneck_multiplier,
                se_ratio,
            )
            self.add_module(f"block{stage_index}-{i}", block)


class BlockParams:
    """Per-stage depths, widths, group widths, bottleneck multipliers and strides of a RegNet.

    Examples:
        >>> import unigrad as ug
        >>> design = {"depth": 16, "w_0": 48, "w_a": 27.89, "w_m": 2.09, "group_width": 8}
        >>> params = ug.models.BlockParams.from_init_params(**design)
        >>> params.depths, params.widths
        ([1, 3, 6, 6], [48, 104, 208, 440])
    """

    def __init__(
        self,
        depths: list[int],
        widths: list[int],
        group_widths: list[int],
        bottleneck_multipliers: list[float],
        strides: list[int],
        se_ratio: float | None = None,
    ) -> None:
        self.depths = depths
        self.widths = widths
        self.group_widths = group_widths
        self.bottleneck_multipliers = bottleneck_multipliers
        self.strides = strides
        self.se_ratio = se_ratio

    @classmethod
    def from_init_params(
        cls,
        depth: int,
        w_0: int,
        w_a: float,
        w_m: float,
        group_width: int,
        bottleneck_multiplier: float = 1.0,
        se_ratio: float | None = None,
        **_: Any,  # the builders' model options, as torchvision passes them here too
    ) -> BlockParams:
        """The stages of a RegNet with ``depth`` blocks whose widths grow as ``w_0 + w_a * i``.

        Each block's width is snapped to ``w_0 * w_m ** k`` (integer ``k``) and to a
        multiple of 8; consecutive blocks of equal width form a stage.
        """
        if w_a < 0 or w_0 <= 0 or w_m <= 1 or w_0 % 8 != 0:
            raise ArgumentError(
                "RegNet: need w_a >= 0, w_0 > 0 and a multiple of 8, w_m > 1; "
                f"got w_0={w_0}, w_a={w_a}, w_m={w_m}"
            )
        quant, stride = 8, 2
        # float32 throughout, as torchvision computes it with torch's default dtype: a rounding
        # in float64 could snap a block to another width and change the architecture
        f32 = np.float32
        widths_cont = np.arange(depth).astype(f32) * f32(w_a) + f32(w_0)
        block_capacity = np.round(np.log(widths_cont / f32(w_0)) / f32(math.log(w_m)))
        block_widths = (np.round(f32(w_0) * np.power(f32(w_m), block_capacity) / f32(quant)) * quant).astype(
            int
        )
        widths_list = block_widths.tolist()
        starts = [i for i in range(depth + 1) if i in (0, depth) or widths_list[i] != widths_list[i - 1]]
        stage_widths = [widths_list[i] for i in starts[:-1]]
        stage_depths = np.diff(starts).tolist()
        num_stages = len(stage_widths)
        bottleneck_multipliers = [bottleneck_multiplier] * num_stages
        stage_widths, group_widths = cls._adjust_widths_groups_compatibilty(
            stage_widths, bottleneck_multipliers, [group_width] * num_stages
        )
        return cls(
            stage_depths, stage_widths, group_widths, bottleneck_multipliers, [stride] * num_stages, se_ratio
        )

    def _get_expanded_params(self) -> Any:
        return zip(
            self.widths,
            self.strides,
            self.depths,
            self.group_widths,
            self.bottleneck_multipliers,
            strict=True,
        )

    @staticmethod
    def _adjust_widths_groups_compatibilty(
        stage_widths: Sequence[int], bottleneck_ratios: Sequence[float], group_widths: Sequence[int]
    ) -> tuple[list[int], list[int]]:
        """Widths whose bottleneck is a multiple of its (possibly reduced) group width."""
        widths = [int(w * b) for w, b in zip(stage_widths, bottleneck_ratios, strict=True)]
        group_widths_min = [min(g, w_bot) for g, w_bot in zip(group_widths, widths, strict=True)]
        ws_bot = [make_divisible(w_bot, g) for w_bot, g in zip(widths, group_widths_min, strict=True)]
        return [int(w_bot / b) for w_bot, b in zip(ws_bot, bottleneck_ratios, strict=True)], group_widths_min
