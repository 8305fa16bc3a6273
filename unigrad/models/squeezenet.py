"""SqueezeNet 1.0 and 1.1 with torchvision's architecture and state-dict names.

``features`` holds the stem and the ``Fire`` modules (``squeeze``, ``expand1x1``,
``expand3x3``); ``classifier`` is dropout, a 1x1 convolution to the classes,
ReLU and a global average pool. A state dict saved from
``torchvision.models.squeezenet1_1()`` loads as it is.
"""

from __future__ import annotations

from typing import Any

from .. import nn
from ..errors import ArgumentError
from ..ops.manipulation import concat
from .blocks import flatten
from .weights import Weights, load_weights

__all__ = ["Fire", "SqueezeNet", "squeezenet1_0", "squeezenet1_1"]


class Fire(nn.Module):
    """A 1x1 squeeze, then 1x1 and 3x3 expansions side by side, their channels concatenated."""

    def __init__(
        self, inplanes: int, squeeze_planes: int, expand1x1_planes: int, expand3x3_planes: int
    ) -> None:
        super().__init__()
        self.inplanes = inplanes
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x: Any) -> Any:
        x = self.squeeze_activation(self.squeeze(x))
        return concat(
            [self.expand1x1_activation(self.expand1x1(x)), self.expand3x3_activation(self.expand3x3(x))],
            axis=1,
        )


def _features(version: str) -> nn.Sequential:
    if version == "1_0":
        return nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=7, stride=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(96, 16, 64, 64),
            Fire(128, 16, 64, 64),
            Fire(128, 32, 128, 128),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(256, 32, 128, 128),
            Fire(256, 48, 192, 192),
            Fire(384, 48, 192, 192),
            Fire(384, 64, 256, 256),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(512, 64, 256, 256),
        )
    if version == "1_1":
        return nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=3, stride=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(64, 16, 64, 64),
            Fire(128, 16, 64, 64),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(128, 32, 128, 128),
            Fire(256, 32, 128, 128),
            nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
            Fire(256, 48, 192, 192),
            Fire(384, 48, 192, 192),
            Fire(384, 64, 256, 256),
            Fire(512, 64, 256, 256),
        )
    raise ArgumentError(f"Unsupported SqueezeNet version {version}: 1_0 or 1_1 expected")


class SqueezeNet(nn.Module):
    """SqueezeNet as ``torchvision.models.SqueezeNet``.

    Args:
        version: ``"1_0"`` (the paper's) or ``"1_1"`` (2.4x less computation, same accuracy).
        num_classes: output channels of the final 1x1 convolution.
        dropout: drop probability before that convolution.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.SqueezeNet("1_1", num_classes=4).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape)
        (1, 4)
    """

    def __init__(self, version: str = "1_0", num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.features = _features(version)
        final_conv = nn.Conv2d(512, self.num_classes, kernel_size=1)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), final_conv, nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((1, 1))
        )
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                if module is final_conv:  # the classifier starts small, as torchvision's
                    nn.init.normal_(module.weight, mean=0.0, std=0.01)
                else:
                    nn.init.kaiming_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        return flatten(self.classifier(self.features(x)))


def _squeezenet(version: str, weights: Weights, options: Any) -> SqueezeNet:
    model = SqueezeNet(version, **options)
    if weights is not None:
        load_weights(model, weights)
    return model


def squeezenet1_0(weights: Weights = None, **options: Any) -> SqueezeNet:
    """SqueezeNet 1.0; ``weights``: torchvision-format state dict (``.pth``, ``.safetensors``) or dict.

    Nothing is downloaded: to use torchvision's ImageNet weights, save
    ``torchvision.models.squeezenet1_0(weights="DEFAULT").state_dict()`` once, then pass the file.
    ``options`` are :class:`SqueezeNet`'s (``num_classes``, ``dropout``).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> list(ug.models.squeezenet1_0(num_classes=10).state_dict())[-2:]
        ['classifier.1.weight', 'classifier.1.bias']
    """
    return _squeezenet("1_0", weights, options)


def squeezenet1_1(weights: Weights = None, **options: Any) -> SqueezeNet:
    """SqueezeNet 1.1 (a smaller stem, earlier pooling); arguments as :func:`squeezenet1_0`."""
    return _squeezenet("1_1", weights, options)
