"""MobileNetV2 with torchvision's architecture and state-dict names, and the helpers the mobile family shares.

``features.0.0.weight`` (the stem), ``features.1.conv.0.0.weight`` (an
``InvertedResidual``), ..., ``classifier.1.weight``: a state dict saved from
``torchvision.models.mobilenet_v2()`` loads as it is (``weights=`` a local file
or a dict), and the model then gives torchvision's outputs on every backend.
With ``data_format="channels_last"`` it takes NHWC input, with the same state dict.
"""

from __future__ import annotations

from typing import Any

from .. import nn
from ..errors import ArgumentError
from ..ops.statistical import mean
from .blocks import Conv2dNormActivation, LayerFactory, in_layout
from .weights import Weights, load_weights

__all__ = ["MobileNetV2", "InvertedResidual", "mobilenet_v2"]


def make_divisible(value: float, divisor: int, min_value: int | None = None) -> int:
    """``value`` rounded to a multiple of ``divisor``, never below 90% of it (torchvision's _make_divisible).

    Examples:
        >>> make_divisible(32 * 0.75, 8), make_divisible(20, 8)
        (24, 24)
    """
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    # torchvision's rule (from the TensorFlow original): rounding down may not lose more than 10%
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def init_mobile_weights(model: nn.Module) -> None:
    """torchvision's initialisation of the mobile networks (MobileNetV2/V3, EfficientNet).

    Convolutions ``kaiming_normal_(fan_out)`` with zero bias, normalisation layers
    ones and zeros, linear layers ``N(0, 0.01)`` with zero bias.
    """
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out")
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d | nn.GroupNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, 0.0, 0.01)
            nn.init.zeros_(module.bias)


def global_pool_flat(x: Any, data_format: str = "channels_first") -> Any:
    """``adaptive_avg_pool2d(x, 1)`` then ``flatten(1)``: the mean over the image axes, ``(N, C)``."""
    return mean(x, axis=(1, 2) if data_format == "channels_last" else (2, 3))


def build(model: nn.Module, weights: Weights) -> Any:
    """``model`` with ``weights`` (a local file or a state dict, torchvision's keys) loaded, if given."""
    if weights is not None:
        load_weights(model, weights)
    return model


class InvertedResidual(nn.Module):
    """MobileNetV2's block: 1x1 expand, 3x3 depthwise, 1x1 linear project, a shortcut when shapes allow.

    ``data_format="channels_last"`` takes NHWC input.
    """

    def __init__(
        self,
        inp: int,
        oup: int,
        stride: int,
        expand_ratio: int,
        norm_layer: LayerFactory | None = None,
        *,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ArgumentError(f"InvertedResidual: stride has to be 1 or 2, got {stride}")
        norm_layer = norm_layer or nn.BatchNorm2d
        self.stride = stride
        hidden_dim = round(inp * expand_ratio)
        self.use_res_connect = stride == 1 and inp == oup
        layers: list[nn.Module] = []
        if expand_ratio != 1:
            layers.append(
                Conv2dNormActivation(
                    inp,
                    hidden_dim,
                    kernel_size=1,
                    norm_layer=norm_layer,
                    activation_layer=nn.ReLU6,
                    data_format=data_format,
                )
            )
        layers += [
            Conv2dNormActivation(
                hidden_dim,
                hidden_dim,
                stride=stride,
                groups=hidden_dim,
                norm_layer=norm_layer,
                activation_layer=nn.ReLU6,
                data_format=data_format,
            ),
            nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False, data_format=data_format),
            in_layout(norm_layer, data_format, "InvertedResidual")(oup),
        ]
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup

    def forward(self, x: Any) -> Any:
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


_V2_SETTING = [
    # expand ratio t, channels c, repeats n, first stride s
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
]


class MobileNetV2(nn.Module):
    """MobileNetV2 (Sandler et al., 2018) as ``torchvision.models.MobileNetV2``.

    Args:
        num_classes: outputs of the last linear layer.
        width_mult: channel multiplier of every layer.
        inverted_residual_setting: ``[t, c, n, s]`` rows; torchvision's table by default.
        round_nearest: channels are rounded to a multiple of this.
        block: the residual block class (:class:`InvertedResidual`).
        norm_layer: the normalisation layer factory (``nn.BatchNorm2d``).
        dropout: dropout before the classifier.
        data_format: ``"channels_first"`` (NCHW, as torchvision) or ``"channels_last"``
            (NHWC: faster on TensorFlow's CPU kernels). The weights are the same either way.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.MobileNetV2(num_classes=3, width_mult=0.25).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape), list(net.state_dict())[0]
        ((1, 3), 'features.0.0.weight')
    """

    def __init__(
        self,
        num_classes: int = 1000,
        width_mult: float = 1.0,
        inverted_residual_setting: list[list[int]] | None = None,
        round_nearest: int = 8,
        block: LayerFactory | None = None,
        norm_layer: LayerFactory | None = None,
        dropout: float = 0.2,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        block = in_layout(block or InvertedResidual, data_format, "MobileNetV2")
        norm_layer = norm_layer or nn.BatchNorm2d
        self.data_format = data_format
        setting = _V2_SETTING if inverted_residual_setting is None else inverted_residual_setting
        if len(setting) == 0 or len(setting[0]) != 4:
            raise ArgumentError(
                f"MobileNetV2: inverted_residual_setting has to be a non-empty list of [t, c, n, s] rows, "
                f"got {setting}"
            )
        input_channel = make_divisible(32 * width_mult, round_nearest)
        self.last_channel = make_divisible(1280 * max(1.0, width_mult), round_nearest)
        features: list[nn.Module] = [
            Conv2dNormActivation(
                3,
                input_channel,
                stride=2,
                norm_layer=norm_layer,
                activation_layer=nn.ReLU6,
                data_format=data_format,
            )
        ]
        for t, c, n, s in setting:
            output_channel = make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                features.append(
                    block(
                        input_channel,
                        output_channel,
                        s if i == 0 else 1,
                        expand_ratio=t,
                        norm_layer=norm_layer,
                    )
                )
                input_channel = output_channel
        features.append(
            Conv2dNormActivation(
                input_channel,
                self.last_channel,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=nn.ReLU6,
                data_format=data_format,
            )
        )
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes))
        init_mobile_weights(self)

    def forward(self, x: Any) -> Any:
        return self.classifier(global_pool_flat(self.features(x), self.data_format))


def mobilenet_v2(weights: Weights = None, **options: Any) -> MobileNetV2:
    """MobileNetV2; ``weights``: a local torchvision-format state dict (``.pth``, ``.safetensors``) or a dict.

    Nothing is downloaded: save ``torchvision.models.mobilenet_v2(weights="DEFAULT").state_dict()``
    once, then pass the file. ``options`` are :class:`MobileNetV2`'s (``num_classes``, ``width_mult``,
    ``data_format``, ...).

    Examples:
        >>> import math
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.mobilenet_v2()
        >>> sum(math.prod(p.shape) for p in net.parameters())
        3504872
    """
    return build(MobileNetV2(**options), weights)
