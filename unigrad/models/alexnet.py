"""AlexNet with torchvision's architecture and state-dict names (``features.0``, ..., ``classifier.6``).

torchvision's variant (Krizhevsky's "one weird trick" single-tower network):
five convolutions, an adaptive average pool to 6x6 and three fully connected
layers. A state dict saved from ``torchvision.models.alexnet()`` loads as it is.
"""

from __future__ import annotations

from typing import Any

from .. import nn
from .blocks import flatten
from .weights import Weights, load_weights

__all__ = ["AlexNet", "alexnet"]


class AlexNet(nn.Module):
    """AlexNet as ``torchvision.models.AlexNet``: ``features``, ``avgpool``, ``classifier``.

    Args:
        num_classes: outputs of the last linear layer.
        dropout: drop probability of the two dropout layers of the classifier.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.AlexNet(num_classes=5).eval()
        >>> tuple(net(ug.zeros((1, 3, 63, 63))).shape)
        (1, 5)
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Any) -> Any:
        return self.classifier(flatten(self.avgpool(self.features(x))))


def alexnet(weights: Weights = None, **options: Any) -> AlexNet:
    """AlexNet; ``weights``: a local torchvision-format state dict (``.pth``, ``.safetensors``) or a dict.

    Nothing is downloaded: to use torchvision's ImageNet weights, save
    ``torchvision.models.alexnet(weights="DEFAULT").state_dict()`` once, then pass the file.
    ``options`` are :class:`AlexNet`'s (``num_classes``, ``dropout``).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> list(ug.models.alexnet(num_classes=10).state_dict())[-2:]
        ['classifier.6.weight', 'classifier.6.bias']
    """
    model = AlexNet(**options)
    if weights is not None:
        load_weights(model, weights)
    return model
