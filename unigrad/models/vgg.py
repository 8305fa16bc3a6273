"""VGG-11/13/16/19, with and without batch normalisation, as torchvision builds them.

``features`` numbers convolutions, (BatchNorm,) ReLUs and max pools in one
``Sequential``, as ``torchvision.models.vgg.make_layers``; then ``avgpool`` (an
adaptive pool to 7x7) and ``classifier``. A state dict saved from
``torchvision.models.vgg16_bn()`` loads as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import nn
from ..errors import ArgumentError
from .blocks import flatten
from .weights import Weights, load_weights

__all__ = [
    "VGG",
    "make_layers",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "vgg19_bn",
]

# torchvision's configurations, by the paper's column letters: output channels, "M" a max pool
cfgs: dict[str, list[str | int]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [
        64,
        64,
        "M",
        128,
        128,
        "M",
        256,
        256,
        256,
        256,
        "M",
        512,
        512,
        512,
        512,
        "M",
        512,
        512,
        512,
        512,
        "M",
    ],
}


def make_layers(cfg: Sequence[str | int], batch_norm: bool = False) -> nn.Sequential:
    """The ``features`` of a VGG: 3x3 convolutions (then BatchNorm) and ReLUs, ``"M"`` a 2x2 max pool."""
    layers: list[nn.Module] = []
    in_channels = 3
    for entry in cfg:
        if entry == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        if not isinstance(entry, int):
            raise ArgumentError(
                f"make_layers: a VGG configuration holds channel counts and 'M', got {entry!r}"
            )
        layers.append(nn.Conv2d(in_channels, entry, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(entry))
        layers.append(nn.ReLU(inplace=True))
        in_channels = entry
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """A VGG network over ``features`` (see :func:`make_layers`), as ``torchvision.models.VGG``.

    Args:
        features: the convolutional part, ending with 512 channels.
        num_classes: outputs of the last linear layer.
        init_weights: initialise as torchvision (Kaiming-normal convolutions, N(0, 0.01) linear
            layers, zero biases); ``False`` keeps the layers' default initialisation.
        dropout: drop probability of the classifier's two dropout layers.

    Examples:
        >>> import unigrad as ug
        >>> from unigrad.models.vgg import make_layers
        >>> ug.random.seed(0)
        >>> net = ug.models.VGG(make_layers([8, "M"]), num_classes=3)
        >>> [type(layer).__name__ for layer in net.features]
        ['Conv2d', 'ReLU', 'MaxPool2d']
    """

    def __init__(
        self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True, dropout: float = 0.5
    ) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for module in self.modules():
                if isinstance(module, nn.Conv2d):
                    nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                    if module.bias is not None:
                        nn.init.zeros_(module.bias)
                elif isinstance(module, nn.BatchNorm2d):
                    nn.init.ones_(module.weight)
                    nn.init.zeros_(module.bias)
                elif isinstance(module, nn.Linear):
                    nn.init.normal_(module.weight, 0.0, 0.01)
                    nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        return self.classifier(flatten(self.avgpool(self.features(x))))


def _vgg(cfg: str, batch_norm: bool, weights: Weights, options: Any) -> VGG:
    if weights is not None:
        # as torchvision: the loaded weights replace every value, so skip the initialisation
        options.setdefault("init_weights", False)
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **options)
    if weights is not None:
        load_weights(model, weights)
    return model


def vgg11(weights: Weights = None, **options: Any) -> VGG:
    """VGG-11 (configuration "A"); ``weights``: a local torchvision-format state dict or a dict.

    Nothing is downloaded: to use torchvision's ImageNet weights, save
    ``torchvision.models.vgg11(weights="DEFAULT").state_dict()`` once, then pass the file.
    ``options`` are :class:`VGG`'s (``num_classes``, ``init_weights``, ``dropout``).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> len(ug.models.vgg11(num_classes=10).features)
        21
    """
    return _vgg("A", False, weights, options)


def vgg11_bn(weights: Weights = None, **options: Any) -> VGG:
    """VGG-11 with batch normalisation; arguments as :func:`vgg11`."""
    return _vgg("A", True, weights, options)


def vgg13(weights: Weights = None, **options: Any) -> VGG:
    """VGG-13 (configuration "B"); arguments as :func:`vgg11`."""
    return _vgg("B", False, weights, options)


def vgg13_bn(weights: Weights = None, **options: Any) -> VGG:
    """VGG-13 with batch normalisation; arguments as :func:`vgg11`."""
    return _vgg("B", True, weights, options)


def vgg16(weights: Weights = None, **options: Any) -> VGG:
    """VGG-16 (configuration "D"); arguments as :func:`vgg11`."""
    return _vgg("D", False, weights, options)


def vgg16_bn(weights: Weights = None, **options: Any) -> VGG:
    """VGG-16 with batch normalisation; arguments as :func:`vgg11`."""
    return _vgg("D", True, weights, options)


def vgg19(weights: Weights = None, **options: Any) -> VGG:
    """VGG-19 (configuration "E"); arguments as :func:`vgg11`."""
    return _vgg("E", False, weights, options)


def vgg19_bn(weights: Weights = None, **options: Any) -> VGG:
    """VGG-19 with batch normalisation; arguments as :func:`vgg11`."""
    return _vgg("E", True, weights, options)
