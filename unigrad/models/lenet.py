"""``LeNet``: the LeNet-5 convolutional network, for 28x28 (MNIST) or 32x32 images."""

from __future__ import annotations

from typing import Any

from .. import nn
from ..errors import ArgumentError
from ..ops.manipulation import permute_dims

__all__ = ["LeNet"]


class LeNet(nn.Module):
    """LeNet-5 with ReLU and max pooling, as in the PyTorch tutorials.

    ``features``: ``Conv2d(in, 6, 5, padding=2) -> ReLU -> MaxPool2d(2) ->
    Conv2d(6, 16, 5) -> ReLU -> MaxPool2d(2)``; then ``Flatten`` and
    ``classifier``: ``Linear(16*s*s, 120) -> ReLU -> Linear(120, 84) -> ReLU ->
    Linear(84, num_classes)``, where ``s`` follows from ``image_size``. The names
    (``features.0.weight``, ``classifier.4.bias``, ...) are those of the same
    model written with ``torch.nn.Sequential`` blocks of those names.

    Args:
        in_channels: channels of the input images.
        num_classes: outputs.
        image_size: height (= width) of the input images.
        data_format: ``"channels_first"`` (NCHW, as PyTorch) or ``"channels_last"``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.LeNet()
        >>> tuple(net(ug.zeros((2, 1, 28, 28))).shape)
        (2, 10)
    """

    def __init__(
        self,
        in_channels: int = 1,
        num_classes: int = 10,
        image_size: int = 28,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        size = ((image_size // 2) - 4) // 2  # conv 5 with padding 2 keeps the size; conv 5 takes 4
        if size < 1:
            raise ArgumentError(f"LeNet needs images of at least 12x12 pixels, got image_size={image_size}")
        self.data_format = data_format
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, 5, padding=2, data_format=data_format),
            nn.ReLU(),
            nn.MaxPool2d(2, data_format=data_format),
            nn.Conv2d(6, 16, 5, data_format=data_format),
            nn.ReLU(),
            nn.MaxPool2d(2, data_format=data_format),
        )
        self.flatten = nn.Flatten()
        self.classifier = nn.Sequential(
            nn.Linear(16 * size * size, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: Any) -> Any:
        x = self.features(x)
        if self.data_format == "channels_last":
            # flatten in PyTorch's (C, H, W) order, so that the classifier's weights are the same
            x = permute_dims(x, (0, 3, 1, 2))
        return self.classifier(self.flatten(x))
