"""EfficientNet B0-B7 and V2 S/M/L with torchvision's architecture and state-dict names.

``features.0.0.weight`` (the stem), ``features.1.0.block.0.0.weight`` (stage 1,
block 0: an ``MBConv`` or ``FusedMBConv``), ..., ``classifier.1.weight``: a state
dict saved from ``torchvision.models.efficientnet_b0()`` loads as it is. Residual
branches are dropped per sample in training (``StochasticDepth``, mode ``"row"``),
with a drop probability that grows linearly with depth, as torchvision does.
With ``data_format="channels_last"`` the model takes NHWC input, with the same state dict.
The blocks and stage configurations are in :mod:`unigrad.models.efficientnet_blocks`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from functools import partial
from typing import Any

from .. import nn
from ..errors import ArgumentError
from ..nn.functional._arguments import channels_last
from .blocks import Conv2dNormActivation, flatten, in_layout
from .efficientnet_blocks import FusedMBConv, FusedMBConvConfig, MBConv, MBConvConfig, _StageConfig
from .mobilenetv2 import LayerFactory, Weights, build, init_mobile_weights

__all__ = [
    "EfficientNet",
    "MBConv",
    "FusedMBConv",
    "MBConvConfig",
    "FusedMBConvConfig",
    "efficientnet_b0",
    "efficientnet_b1",
    "efficientnet_b2",
    "efficientnet_b3",
    "efficientnet_b4",
    "efficientnet_b5",
    "efficientnet_b6",
    "efficientnet_b7",
    "efficientnet_v2_s",
    "efficientnet_v2_m",
    "efficientnet_v2_l",
]


class EfficientNet(nn.Module):
    """EfficientNet V1 (Tan & Le, 2019) and V2 (2021) as ``torchvision.models.EfficientNet``.

    Args:
        inverted_residual_setting: the stages, :class:`MBConvConfig` / :class:`FusedMBConvConfig`.
        dropout: dropout before the classifier.
        stochastic_depth_prob: drop probability of the last block's branch; block ``i`` of
            ``n`` drops with ``stochastic_depth_prob * i / n``.
        num_classes: outputs of the classifier.
        norm_layer: the normalisation factory (``nn.BatchNorm2d``).
        last_channel: width of the last convolution (4x the last stage's by default).
        data_format: ``"channels_first"`` (NCHW, as torchvision) or ``"channels_last"``
            (NHWC: faster on TensorFlow's CPU kernels). The weights are the same either way.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> setting = [ug.models.MBConvConfig(1, 3, 1, 32, 16, 1), ug.models.MBConvConfig(6, 3, 2, 16, 24, 2)]
        >>> net = ug.models.EfficientNet(setting, dropout=0.2, num_classes=4).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape), list(net.state_dict())[6]
        ((1, 4), 'features.1.0.block.0.0.weight')
    """

    def __init__(
        self,
        inverted_residual_setting: Sequence[_StageConfig],
        dropout: float,
        stochastic_depth_prob: float = 0.2,
        num_classes: int = 1000,
        norm_layer: LayerFactory | None = None,
        last_channel: int | None = None,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ArgumentError(
                "EfficientNet: inverted_residual_setting is empty; it needs at least one stage"
            )
        if not all(isinstance(cnf, _StageConfig) for cnf in inverted_residual_setting):
            raise ArgumentError(
                "EfficientNet: inverted_residual_setting has to hold MBConvConfig / FusedMBConvConfig, got "
                f"{[type(cnf).__name__ for cnf in inverted_residual_setting]}"
            )
        channels_last(data_format, "EfficientNet")
        norm_layer = norm_layer or nn.BatchNorm2d
        layers: list[nn.Module] = [
            Conv2dNormActivation(
                3,
                inverted_residual_setting[0].input_channels,
                kernel_size=3,
                stride=2,
                norm_layer=norm_layer,
                activation_layer=nn.SiLU,
                data_format=data_format,
            )
        ]
        total_blocks = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage: list[nn.Module] = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:  # later blocks of a stage keep its width and resolution
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                drop = stochastic_depth_prob * float(block_id) / total_blocks
                block = in_layout(block_cnf.block, data_format, "EfficientNet")
                stage.append(block(block_cnf, drop, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(
            Conv2dNormActivation(
                last_in,
                last_out,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=nn.SiLU,
                data_format=data_format,
            )
        )
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1, data_format=data_format)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        init_mobile_weights(self)
        for module in self.modules():
            if isinstance(module, nn.Linear):  # EfficientNet's own: U(+-1/sqrt(out_features))
                init_range = 1.0 / math.sqrt(module.out_features)
                nn.init.uniform_(module.weight, -init_range, init_range)

    def forward(self, x: Any) -> Any:
        return self.classifier(flatten(self.avgpool(self.features(x))))


def _v1_setting(width_mult: float, depth_mult: float) -> list[_StageConfig]:
    row = partial(MBConvConfig, width_mult=width_mult, depth_mult=depth_mult)
    return [
        row(1, 3, 1, 32, 16, 1),
        row(6, 3, 2, 16, 24, 2),
        row(6, 5, 2, 24, 40, 2),
        row(6, 3, 2, 40, 80, 3),
        row(6, 5, 1, 80, 112, 3),
        row(6, 5, 2, 112, 192, 4),
        row(6, 3, 1, 192, 320, 1),
    ]


# (fused stages, MBConv stages): expand ratio, kernel, stride, in, out, layers
_Row = tuple[int, int, int, int, int, int]
_V2_SETTINGS: dict[str, tuple[list[_Row], list[_Row]]] = {
    "s": (
        [(1, 3, 1, 24, 24, 2), (4, 3, 2, 24, 48, 4), (4, 3, 2, 48, 64, 4)],
        [(4, 3, 2, 64, 128, 6), (6, 3, 1, 128, 160, 9), (6, 3, 2, 160, 256, 15)],
    ),
    "m": (
        [(1, 3, 1, 24, 24, 3), (4, 3, 2, 24, 48, 5), (4, 3, 2, 48, 80, 5)],
        [(4, 3, 2, 80, 160, 7), (6, 3, 1, 160, 176, 14), (6, 3, 2, 176, 304, 18), (6, 3, 1, 304, 512, 5)],
    ),
    "l": (
        [(1, 3, 1, 32, 32, 4), (4, 3, 2, 32, 64, 7), (4, 3, 2, 64, 96, 7)],
        [(4, 3, 2, 96, 192, 10), (6, 3, 1, 192, 224, 19), (6, 3, 2, 224, 384, 25), (6, 3, 1, 384, 640, 7)],
    ),
}


def _efficientnet_v1(
    width_mult: float,
    depth_mult: float,
    dropout: float,
    weights: Weights,
    options: dict[str, Any],
    tf_batchnorm: bool = False,
) -> EfficientNet:
    if tf_batchnorm:  # B5-B7's weights were ported from TensorFlow, with its BatchNorm settings
        options.setdefault("norm_layer", partial(nn.BatchNorm2d, eps=0.001, momentum=0.01))
    setting = _v1_setting(width_mult, depth_mult)
    return build(EfficientNet(setting, options.pop("dropout", dropout), **options), weights)


def _efficientnet_v2(size: str, dropout: float, weights: Weights, options: dict[str, Any]) -> EfficientNet:
    fused, plain = _V2_SETTINGS[size]
    setting: list[_StageConfig] = [FusedMBConvConfig(*row) for row in fused]
    setting += [MBConvConfig(*row) for row in plain]
    options.setdefault("norm_layer", partial(nn.BatchNorm2d, eps=1e-03))
    return build(
        EfficientNet(setting, options.pop("dropout", dropout), last_channel=1280, **options), weights
    )


def efficientnet_b0(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNet-B0; ``weights``: a local torchvision-format state dict or a dict (nothing is downloaded).

    ``options`` are :class:`EfficientNet`'s (``num_classes``, ``dropout``, ``stochastic_depth_prob``,
    ``norm_layer``, ``data_format``); the default dropout is torchvision's for each size.

    Examples:
        >>> import math
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.efficientnet_b0()
        >>> sum(math.prod(p.shape) for p in net.parameters())
        5288548
    """
    return _efficientnet_v1(1.0, 1.0, 0.2, weights, options)


def efficientnet_b1(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNet-B1; arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v1(1.0, 1.1, 0.2, weights, options)


def efficientnet_b2(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNet-B2; arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v1(1.1, 1.2, 0.3, weights, options)


def efficientnet_b3(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNet-B3; arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v1(1.2, 1.4, 0.3, weights, options)


def efficientnet_b4(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNet-B4; arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v1(1.4, 1.8, 0.4, weights, options)


def efficientnet_b5(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNet-B5 (BatchNorm eps 1e-3, momentum 0.01); arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v1(1.6, 2.2, 0.4, weights, options, tf_batchnorm=True)


def efficientnet_b6(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNet-B6 (BatchNorm eps 1e-3, momentum 0.01); arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v1(1.8, 2.6, 0.5, weights, options, tf_batchnorm=True)


def efficientnet_b7(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNet-B7 (BatchNorm eps 1e-3, momentum 0.01); arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v1(2.0, 3.1, 0.5, weights, options, tf_batchnorm=True)


def efficientnet_v2_s(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNetV2-S (BatchNorm eps 1e-3); arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v2("s", 0.2, weights, options)


def efficientnet_v2_m(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNetV2-M (BatchNorm eps 1e-3); arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v2("m", 0.3, weights, options)


def efficientnet_v2_l(weights: Weights = None, **options: Any) -> EfficientNet:
    """EfficientNetV2-L (BatchNorm eps 1e-3); arguments as :func:`efficientnet_b0`."""
    return _efficientnet_v2("l", 0.4, weights, options)
