"""ConvNeXt tiny/small/base/large with torchvision's architecture and state-dict names.

``features.0`` is the 4x4 patchify stem (a convolution and a channel
LayerNorm), ``features.1``, ``features.3``, ... the stages of :class:`CNBlock`
units, ``features.2``, ``features.4``, ... the downsampling layers, and
``classifier`` a LayerNorm, a flatten and the final ``Linear``: a state dict
saved from ``torchvision.models.convnext_tiny()`` loads as it is and gives
torchvision's outputs, on either backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from .. import nn
from ..errors import ArgumentError, ArgumentTypeError
from ..nn import functional as F
from ..ops.creation import ones
from ..ops.manipulation import permute_dims
from .blocks import Conv2dNormActivation, Permute, StochasticDepth
from .weights import Weights, load_weights

__all__ = [
    "ConvNeXt",
    "CNBlock",
    "CNBlockConfig",
    "LayerNorm2d",
    "convnext_tiny",
    "convnext_small",
    "convnext_base",
    "convnext_large",
]


class LayerNorm2d(nn.LayerNorm):
    """A LayerNorm over the channels of an NCHW image: torchvision's ``convnext.LayerNorm2d``.

    Examples:
        >>> import unigrad as ug
        >>> tuple(LayerNorm2d(4)(ug.ones((1, 4, 2, 3))).shape)
        (1, 4, 2, 3)
    """

    def forward(self, x: Any) -> Any:
        x = permute_dims(x, (0, 2, 3, 1))
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return permute_dims(x, (0, 3, 1, 2))


class CNBlock(nn.Module):
    """ConvNeXt's residual unit: depthwise 7x7, LayerNorm, 4x MLP with GELU, layer scale, stochastic depth.

    The norm and the MLP run channels-last (``Permute``), as torchvision's, so
    the LayerNorm and the Linear layers are torch's own layouts.
    """

    def __init__(
        self,
        dim: int,
        layer_scale: float,
        stochastic_depth_prob: float,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            norm_layer(dim),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(ones((dim, 1, 1)) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input: Any) -> Any:
        result = self.stochastic_depth(self.layer_scale * self.block(input))
        return result + input


class CNBlockConfig:
    """One stage: ``num_layers`` blocks of ``input_channels``, then a downsampling to ``out_channels``.

    ``out_channels=None`` for the last stage, which is not downsampled.
    """

    def __init__(self, input_channels: int, out_channels: int | None, num_layers: int) -> None:
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self) -> str:
        return (
            f"CNBlockConfig(input_channels={self.input_channels}, out_channels={self.out_channels}, "
            f"num_layers={self.num_layers})"
        )


class ConvNeXt(nn.Module):
    """ConvNeXt (Liu et al., 2022) as ``torchvision.models.ConvNeXt``.

    Args:
        block_setting: one :class:`CNBlockConfig` per stage.
        stochastic_depth_prob: the drop probability of the last block; it grows linearly from 0.
        layer_scale: the initial value of each block's ``layer_scale``.
        num_classes: outputs of the final ``Linear``.
        block: the residual unit (:class:`CNBlock`).
        norm_layer: the channel norm of the stem, the downsamplings and the head (:class:`LayerNorm2d`).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ConvNeXt([CNBlockConfig(8, 16, 1), CNBlockConfig(16, None, 1)], num_classes=3)
        >>> tuple(net.eval()(ug.zeros((1, 3, 32, 32))).shape), list(net.state_dict())[:2]
        ((1, 3), ['features.0.0.weight', 'features.0.0.bias'])
    """

    def __init__(
        self,
        block_setting: Sequence[CNBlockConfig],
        stochastic_depth_prob: float = 0.0,
        layer_scale: float = 1e-6,
        num_classes: int = 1000,
        block: Callable[..., nn.Module] | None = None,
        norm_layer: Callable[..., nn.Module] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if not block_setting:
            raise ArgumentError("ConvNeXt: block_setting should not be empty, got []")
        if not all(isinstance(setting, CNBlockConfig) for setting in block_setting):
            raise ArgumentTypeError(
                f"ConvNeXt: block_setting should be a list of CNBlockConfig, got {list(block_setting)!r}"
            )
        if block is None:
            block = CNBlock
        if norm_layer is None:
            norm_layer = partial(LayerNorm2d, eps=1e-6)
        first_channels = block_setting[0].input_channels
        layers: list[nn.Module] = [
            Conv2dNormActivation(
                3,
                first_channels,
                kernel_size=4,
                stride=4,
                padding=0,
                norm_layer=norm_layer,
                activation_layer=None,
                bias=True,
            )
        ]
        total_stage_blocks = sum(setting.num_layers for setting in block_setting)
        stage_block_id = 0
        for setting in block_setting:
            stage: list[nn.Module] = []
            for _ in range(setting.num_layers):
                # torchvision's linear rule; a one-block network divides by zero there too
                sd_prob = stochastic_depth_prob * stage_block_id / (total_stage_blocks - 1.0)
                stage.append(block(setting.input_channels, layer_scale, sd_prob))
                stage_block_id += 1
            layers.append(nn.Sequential(*stage))
            if setting.out_channels is not None:
                layers.append(
                    nn.Sequential(
                        norm_layer(setting.input_channels),
                        nn.Conv2d(setting.input_channels, setting.out_channels, kernel_size=2, stride=2),
                    )
                )
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        last_channels = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(
            norm_layer(last_channels), nn.Flatten(1), nn.Linear(last_channels, num_classes)
        )
        for module in self.modules():
            if isinstance(module, nn.Conv2d | nn.Linear):
                nn.init.trunc_normal_(module.weight, std=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        return self.classifier(self.avgpool(self.features(x)))


def _convnext(
    block_setting: list[CNBlockConfig], stochastic_depth_prob: float, weights: Weights, options: Any
) -> ConvNeXt:
    stochastic_depth_prob = options.pop("stochastic_depth_prob", stochastic_depth_prob)
    model = ConvNeXt(block_setting, stochastic_depth_prob=stochastic_depth_prob, **options)
    if weights is not None:
        load_weights(model, weights)
    return model


def convnext_tiny(weights: Weights = None, **options: Any) -> ConvNeXt:
    """ConvNeXt-Tiny; ``weights``: a local torchvision state dict file (``.pth``, ``.safetensors``) or a dict.

    Nothing is downloaded: to use torchvision's ImageNet weights, save
    ``torchvision.models.convnext_tiny(weights="DEFAULT").state_dict()`` once, then pass the file.
    ``options`` are :class:`ConvNeXt`'s (``num_classes``, ``stochastic_depth_prob`` (0.1), ...).

    For example (not run as a doctest: 28M parameters)::

        net = ug.models.convnext_tiny("convnext_tiny.pth").eval()
        logits = net(images)  # (N, 3, H, W) -> (N, 1000)
    """
    settings = [
        CNBlockConfig(96, 192, 3),
        CNBlockConfig(192, 384, 3),
        CNBlockConfig(384, 768, 9),
        CNBlockConfig(768, None, 3),
    ]
    return _convnext(settings, 0.1, weights, options)


def convnext_small(weights: Weights = None, **options: Any) -> ConvNeXt:
    """ConvNeXt-Small (``stochastic_depth_prob`` 0.4); arguments as :func:`convnext_tiny`."""
    settings = [
        CNBlockConfig(96, 192, 3),
        CNBlockConfig(192, 384, 3),
        CNBlockConfig(384, 768, 27),
        CNBlockConfig(768, None, 3),
    ]
    return _convnext(settings, 0.4, weights, options)


def convnext_base(weights: Weights = None, **options: Any) -> ConvNeXt:
    """ConvNeXt-Base (``stochastic_depth_prob`` 0.5); arguments as :func:`convnext_tiny`."""
    settings = [
        CNBlockConfig(128, 256, 3),
        CNBlockConfig(256, 512, 3),
        CNBlockConfig(512, 1024, 27),
        CNBlockConfig(1024, None, 3),
    ]
    return _convnext(settings, 0.5, weights, options)


def convnext_large(weights: Weights = None, **options: Any) -> ConvNeXt:
    """ConvNeXt-Large (``stochastic_depth_prob`` 0.5); arguments as :func:`convnext_tiny`."""
    settings = [
        CNBlockConfig(192, 384, 3),
        CNBlockConfig(384, 768, 3),
        CNBlockConfig(768, 1536, 27),
        CNBlockConfig(1536, None, 3),
    ]
    return _convnext(settings, 0.5, weights, options)
