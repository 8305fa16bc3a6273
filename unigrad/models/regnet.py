"""RegNetX and RegNetY (400MF ... 128GF) with torchvision's architecture and state-dict names.

``stem.0.weight``, ``trunk_output.block1.block1-0.proj.0.weight``,
``trunk_output.block1.block1-0.f.a.0.weight``, ``...f.se.fc1.weight`` (RegNetY),
..., ``fc.weight``: a state dict saved from ``torchvision.models.regnet_y_400mf()``
loads as it is. The stage widths and depths come from the RegNet design space's
quantised linear rule (Radosavovic et al., 2020), computed in float32 as torchvision does.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

from .. import nn
from ..errors import ArgumentError
from .blocks import Conv2dNormActivation, SqueezeExcitation, flatten
from .mobilenetv2 import LayerFactory, Weights, build, make_divisible

__all__ = [
    "RegNet",
    "BlockParams",
    "regnet_x_400mf",
    "regnet_x_800mf",
    "regnet_x_1_6gf",
    "regnet_x_3_2gf",
    "regnet_x_8gf",
    "regnet_x_16gf",
    "regnet_x_32gf",
    "regnet_y_400mf",
    "regnet_y_800mf",
    "regnet_y_1_6gf",
    "regnet_y_3_2gf",
    "regnet_y_8gf",
    "regnet_y_16gf",
    "regnet_y_32gf",
    "regnet_y_128gf",
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


class RegNet(nn.Module):
    """RegNet (Radosavovic et al., 2020) as ``torchvision.models.RegNet``.

    Args:
        block_params: the stages (:meth:`BlockParams.from_init_params`).
        num_classes: outputs of ``fc``.
        stem_width: channels after the stem.
        stem_type: the stem class (:class:`SimpleStemIN`).
        block_type: the block class (:class:`ResBottleneckBlock`).
        norm_layer: the normalisation factory (``nn.BatchNorm2d``).
        activation: the activation factory (``nn.ReLU``).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> params = ug.models.BlockParams.from_init_params(depth=2, w_0=16, w_a=8.0, w_m=2.0, group_width=8)
        >>> net = ug.models.RegNet(params, num_classes=3).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape), list(net.state_dict())[6]
        ((1, 3), 'trunk_output.block1.block1-0.proj.0.weight')
    """

    def __init__(
        self,
        block_params: BlockParams,
        num_classes: int = 1000,
        stem_width: int = 32,
        stem_type: LayerFactory | None = None,
        block_type: LayerFactory | None = None,
        norm_layer: LayerFactory | None = None,
        activation: LayerFactory | None = None,
    ) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        activation = activation or nn.ReLU
        self.stem = (stem_type or SimpleStemIN)(3, stem_width, norm_layer, activation)
        width = stem_width
        stages: list[tuple[str, nn.Module]] = []
        for i, (width_out, stride, depth, group_width, multiplier) in enumerate(
            block_params._get_expanded_params()
        ):
            stage = AnyStage(
                width,
                width_out,
                stride,
                depth,
                block_type or ResBottleneckBlock,
                norm_layer,
                activation,
                group_width,
                multiplier,
                block_params.se_ratio,
                stage_index=i + 1,
            )
            stages.append((f"block{i + 1}", stage))
            width = width_out
        self.trunk_output = nn.Sequential(OrderedDict(stages))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=width, out_features=num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                fan_out = module.kernel_size[0] * module.kernel_size[1] * module.out_channels
                nn.init.normal_(module.weight, mean=0.0, std=math.sqrt(2.0 / fan_out))
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, mean=0.0, std=0.01)
                nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        return self.fc(flatten(self.avgpool(self.trunk_output(self.stem(x)))))


def _regnet(design: tuple[int, int, float, float, int], se: bool, weights: Weights, options: Any) -> RegNet:
    """A RegNet at torchvision's (pycls') design point ``(depth, w_0, w_a, w_m, group_width)``."""
    depth, w_0, w_a, w_m, group_width = design
    se_ratio = 0.25 if se else None  # RegNetY: squeeze-excitation in every block
    params = BlockParams.from_init_params(depth, w_0, w_a, w_m, group_width, se_ratio=se_ratio, **options)
    options.setdefault("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
    return build(RegNet(params, **options), weights)


def regnet_x_400mf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-400MF; ``weights``: a local torchvision-format state dict or a dict (nothing is downloaded).

    ``options`` are :class:`RegNet`'s (``num_classes``, ``norm_layer``, ``activation``, ...).

    Examples:
        >>> import math
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.regnet_x_400mf()
        >>> sum(math.prod(p.shape) for p in net.parameters())
        5495976
    """
    return _regnet((22, 24, 24.48, 2.54, 16), False, weights, options)


def regnet_x_800mf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-800MF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((16, 56, 35.73, 2.28, 16), False, weights, options)


def regnet_x_1_6gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-1.6GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((18, 80, 34.01, 2.25, 24), False, weights, options)


def regnet_x_3_2gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-3.2GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((25, 88, 26.31, 2.25, 48), False, weights, options)


def regnet_x_8gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-8GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((23, 80, 49.56, 2.88, 120), False, weights, options)


def regnet_x_16gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-16GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((22, 216, 55.59, 2.1, 128), False, weights, options)


def regnet_x_32gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-32GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((23, 320, 69.86, 2.0, 168), False, weights, options)


def regnet_y_400mf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-400MF (squeeze-excitation in every block); arguments as :func:`regnet_x_400mf`."""
    return _regnet((16, 48, 27.89, 2.09, 8), True, weights, options)


def regnet_y_800mf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-800MF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((14, 56, 38.84, 2.4, 16), True, weights, options)


def regnet_y_1_6gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-1.6GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((27, 48, 20.71, 2.65, 24), True, weights, options)


def regnet_y_3_2gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-3.2GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((21, 80, 42.63, 2.66, 24), True, weights, options)


def regnet_y_8gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-8GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((17, 192, 76.82, 2.19, 56), True, weights, options)


def regnet_y_16gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-16GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((18, 200, 106.23, 2.48, 112), True, weights, options)


def regnet_y_32gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-32GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((20, 232, 115.89, 2.53, 232), True, weights, options)


def regnet_y_128gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-128GF (644M parameters); arguments as :func:`regnet_x_400mf`."""
    return _regnet((27, 456, 160.83, 2.52, 264), True, weights, options)
