"""MobileNetV3 small and large with torchvision's architecture and state-dict names.

``features.0.0.weight`` (the stem), ``features.1.block.0.0.weight`` (an
``InvertedResidual``), ``features.1.block.1.fc1.weight`` (its squeeze-excitation),
..., ``classifier.3.weight``: a state dict saved from
``torchvision.models.mobilenet_v3_large()`` loads as it is. With
``data_format="channels_last"`` the model takes NHWC input, with the same state dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from .. import nn
from ..errors import ArgumentError
from .blocks import Conv2dNormActivation, SqueezeExcitation, flatten, in_layout
from .mobilenetv2 import LayerFactory, Weights, build, init_mobile_weights, make_divisible

__all__ = [
    "MobileNetV3",
    "InvertedResidualConfig",
    "InvertedResidual",
    "mobilenet_v3_large",
    "mobilenet_v3_small",
]


# MobileNetV3 gates its squeeze-excitation with a hard sigmoid
_HARD_SE = partial(SqueezeExcitation, scale_activation=nn.Hardsigmoid)


class InvertedResidualConfig:
    """One row of the MobileNetV3 paper's tables 1 and 2, channels scaled by ``width_mult``."""

    def __init__(
        self,
        input_channels: int,
        kernel: int,
        expanded_channels: int,
        out_channels: int,
        use_se: bool,
        activation: str,
        stride: int,
        dilation: int,
        width_mult: float,
    ) -> None:
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels: int, width_mult: float) -> int:
        return make_divisible(channels * width_mult, 8)


class InvertedResidual(nn.Module):
    """MobileNetV3's block : expand, depthwise, SE, project.

    ``data_format="channels_last"`` takes NHWC input.
    """

    def __init__(
        self,
        cnf: InvertedResidualConfig,
        norm_layer: LayerFactory,
        se_layer: LayerFactory = _HARD_SE,
        *,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        if not 1 <= cnf.stride <= 2:
            raise ArgumentError(f"InvertedResidual: stride has to be 1 or 2, got {cnf.stride}")
        se_layer = in_layout(se_layer, data_format, "InvertedResidual")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        activation_layer = nn.Hardswish if cnf.use_hs else nn.ReLU
        layers: list[nn.Module] = []
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(
                Conv2dNormActivation(
                    cnf.input_channels,
                    cnf.expanded_channels,
                    kernel_size=1,
                    norm_layer=norm_layer,
                    activation_layer=activation_layer,
                    data_format=data_format,
                )
            )
        layers.append(
            Conv2dNormActivation(
                cnf.expanded_channels,
                cnf.expanded_channels,
                kernel_size=cnf.kernel,
                # a dilated block keeps its resolution: the dilation replaces the stride
                stride=1 if cnf.dilation > 1 else cnf.stride,
                dilation=cnf.dilation,
                groups=cnf.expanded_channels,
                norm_layer=norm_layer,
                activation_layer=activation_layer,
                data_format=data_format,
            )
        )
        if cnf.use_se:
            layers.append(se_layer(cnf.expanded_channels, make_divisible(cnf.expanded_channels // 4, 8)))
        layers.append(
            Conv2dNormActivation(
                cnf.expanded_channels,
                cnf.out_channels,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=None,
                data_format=data_format,
            )
        )
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels

    def forward(self, input: Any) -> Any:
        result = self.block(input)
        return result + input if self.use_res_connect else result


class MobileNetV3(nn.Module):
    """MobileNetV3 (Howard et al., 2019) as ``torchvision.models.MobileNetV3``.

    Args:
        inverted_residual_setting: the blocks, as :class:`InvertedResidualConfig` rows.
        last_channel: width of the classifier's hidden layer.
        num_classes: outputs of the last linear layer.
        block: the block class (:class:`InvertedResidual`).
        norm_layer: the normalisation factory; torchvision's ``BatchNorm2d(eps=0.001, momentum=0.01)``.
        dropout: dropout in the classifier.
        data_format: ``"channels_first"`` (NCHW, as torchvision) or ``"channels_last"``
            (NHWC: faster on TensorFlow's CPU kernels). The weights are the same either way.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> setting = [ug.models.InvertedResidualConfig(16, 3, 16, 16, True, "RE", 2, 1, 1.0)]
        >>> net = ug.models.MobileNetV3(setting, last_channel=32, num_classes=2).eval()
        >>> tuple(net(ug.zeros((1, 3, 16, 16))).shape)
        (1, 2)
    """

    def __init__(
        self,
        inverted_residual_setting: Sequence[InvertedResidualConfig],
        last_channel: int,
        num_classes: int = 1000,
        block: LayerFactory | None = None,
        norm_layer: LayerFactory | None = None,
        dropout: float = 0.2,
        data_format: str = "channels_first",
        **_: Any,  # the builders' width_mult, reduced_tail, dilated: already in the setting
    ) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ArgumentError("MobileNetV3: inverted_residual_setting is empty; it needs at least one row")
        if not all(isinstance(row, InvertedResidualConfig) for row in inverted_residual_setting):
            raise ArgumentError(
                "MobileNetV3: inverted_residual_setting has to be a list of InvertedResidualConfig, got "
                f"{[type(row).__name__ for row in inverted_residual_setting]}"
            )
        block = in_layout(block or InvertedResidual, data_format, "MobileNetV3")
        norm_layer = norm_layer or partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)
        first = inverted_residual_setting[0].input_channels
        layers: list[nn.Module] = [
            Conv2dNormActivation(
                3,
                first,
                kernel_size=3,
                stride=2,
                norm_layer=norm_layer,
                activation_layer=nn.Hardswish,
                data_format=data_format,
            )
        ]
        layers += [block(cnf, norm_layer) for cnf in inverted_residual_setting]
        last_in = inverted_residual_setting[-1].out_channels
        last_out = 6 * last_in
        layers.append(
            Conv2dNormActivation(
                last_in,
                last_out,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=nn.Hardswish,
                data_format=data_format,
            )
        )
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1, data_format=data_format)
        self.classifier = nn.Sequential(
            nn.Linear(last_out, last_channel),
            nn.Hardswish(inplace=True),
            nn.Dropout(p=dropout, inplace=True),
            nn.Linear(last_channel, num_classes),
        )
        init_mobile_weights(self)

    def forward(self, x: Any) -> Any:
        return self.classifier(flatten(self.avgpool(self.features(x))))


def _mobilenet_v3_conf(
    arch: str, width_mult: float = 1.0, reduced_tail: bool = False, dilated: bool = False, **_: Any
) -> tuple[list[InvertedResidualConfig], int]:
    """torchvision's block tables for ``"mobilenet_v3_large"`` / ``"mobilenet_v3_small"``."""
    div = 2 if reduced_tail else 1
    dil = 2 if dilated else 1
    row = partial(InvertedResidualConfig, width_mult=width_mult)
    if arch == "mobilenet_v3_large":
        setting = [
            row(16, 3, 16, 16, False, "RE", 1, 1),
            row(16, 3, 64, 24, False, "RE", 2, 1),
            row(24, 3, 72, 24, False, "RE", 1, 1),
            row(24, 5, 72, 40, True, "RE", 2, 1),
            row(40, 5, 120, 40, True, "RE", 1, 1),
            row(40, 5, 120, 40, True, "RE", 1, 1),
            row(40, 3, 240, 80, False, "HS", 2, 1),
            row(80, 3, 200, 80, False, "HS", 1, 1),
            row(80, 3, 184, 80, False, "HS", 1, 1),
            row(80, 3, 184, 80, False, "HS", 1, 1),
            row(80, 3, 480, 112, True, "HS", 1, 1),
            row(112, 3, 672, 112, True, "HS", 1, 1),
            row(112, 5, 672, 160 // div, True, "HS", 2, dil),
            row(160 // div, 5, 960 // div, 160 // div, True, "HS", 1, dil),
            row(160 // div, 5, 960 // div, 160 // div, True, "HS", 1, dil),
        ]
        return setting, InvertedResidualConfig.adjust_channels(1280 // div, width_mult)
    setting = [
        row(16, 3, 16, 16, True, "RE", 2, 1),
        row(16, 3, 72, 24, False, "RE", 2, 1),
        row(24, 3, 88, 24, False, "RE", 1, 1),
        row(24, 5, 96, 40, True, "HS", 2, 1),
        row(40, 5, 240, 40, True, "HS", 1, 1),
        row(40, 5, 240, 40, True, "HS", 1, 1),
        row(40, 5, 120, 48, True, "HS", 1, 1),
        row(48, 5, 144, 48, True, "HS", 1, 1),
        row(48, 5, 288, 96 // div, True, "HS", 2, dil),
        row(96 // div, 5, 576 // div, 96 // div, True, "HS", 1, dil),
        row(96 // div, 5, 576 // div, 96 // div, True, "HS", 1, dil),
    ]
    return setting, InvertedResidualConfig.adjust_channels(1024 // div, width_mult)


def mobilenet_v3_large(weights: Weights = None, **options: Any) -> MobileNetV3:
    """MobileNetV3-Large; ``weights``: a local torchvision-format state dict or a dict (nothing downloaded).

    ``options``: ``width_mult``, ``reduced_tail``, ``dilated`` (torchvision's table options)
    and :class:`MobileNetV3`'s (``num_classes``, ``dropout``, ``norm_layer``, ``data_format``, ...).

    Examples:
        >>> import math
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.mobilenet_v3_large()
        >>> sum(math.prod(p.shape) for p in net.parameters())
        5483032
    """
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_large", **options)
    return build(MobileNetV3(setting, last_channel, **options), weights)


def mobilenet_v3_small(weights: Weights = None, **options: Any) -> MobileNetV3:
    """MobileNetV3-Small; arguments as :func:`mobilenet_v3_large`."""
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_small", **options)
    return build(MobileNetV3(setting, last_channel, **options), weights)
