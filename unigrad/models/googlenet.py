"""GoogLeNet (Inception v1) with torchvision's architecture, options and state-dict names.

``conv1`` ... ``inception5b``, the auxiliary classifiers ``aux1``/``aux2`` and ``fc``,
each convolution a ``BasicConv2d`` (``conv``, ``bn``). In training mode with
``aux_logits`` the model returns :data:`GoogLeNetOutputs` ``(logits, aux_logits2,
aux_logits1)``, in eval mode the logits alone, as torchvision.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

from .. import nn
from ..errors import ArgumentError
from ..nn import functional as F
from ..ops.manipulation import concat
from .blocks import flatten
from .weights import Weights, load_weights

__all__ = ["GoogLeNet", "GoogLeNetOutputs", "googlenet"]

GoogLeNetOutputs = namedtuple("GoogLeNetOutputs", ["logits", "aux_logits2", "aux_logits1"])


def transform_input(x: Any) -> Any:
    """ImageNet-normalised channels re-normalised to ``(x - 0.5) / 0.5``, as the Inception weights expect.

    torchvision's ``transform_input``: each channel ``c`` becomes
    ``x_c * std_c / 0.5 + (mean_c - 0.5) / 0.5``.
    """
    channels = [
        x[:, index : index + 1] * (std / 0.5) + (mean - 0.5) / 0.5
        for index, (mean, std) in enumerate(((0.485, 0.229), (0.456, 0.224), (0.406, 0.225)))
    ]
    return concat(channels, axis=1)


class BasicConv2d(nn.Module):
    """A convolution without bias, BatchNorm (eps 0.001) and ReLU; ``options`` are ``Conv2d``'s."""

    def __init__(self, in_channels: int, out_channels: int, **options: Any) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **options)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x: Any) -> Any:
        return F.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    """Four branches concatenated: 1x1; 1x1, 3x3; 1x1, 3x3 (torchvision's, not 5x5); max pool, 1x1."""

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3red: int,
        ch3x3: int,
        ch5x5red: int,
        ch5x5: int,
        pool_proj: int,
        conv_block: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        conv_block = conv_block or BasicConv2d
        self.branch1 = conv_block(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(
            conv_block(in_channels, ch3x3red, kernel_size=1),
            conv_block(ch3x3red, ch3x3, kernel_size=3, padding=1),
        )
        # kernel_size=3 where the paper has 5: torchvision's known slip (pytorch/vision#906), kept
        # so that its weights load
        self.branch3 = nn.Sequential(
            conv_block(in_channels, ch5x5red, kernel_size=1),
            conv_block(ch5x5red, ch5x5, kernel_size=3, padding=1),
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
            conv_block(in_channels, pool_proj, kernel_size=1),
        )

    def forward(self, x: Any) -> Any:
        return concat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], axis=1)


class InceptionAux(nn.Module):
    """The auxiliary classifier: 4x4 adaptive average pool, 1x1 convolution, two linear layers."""

    def __init__(
        self,
        in_channels: int,
        num_classes: int,
        conv_block: Callable[..., nn.Module] | None = None,
        dropout: float = 0.7,
    ) -> None:
        super().__init__()
        conv_block = conv_block or BasicConv2d
        self.conv = conv_block(in_channels, 128, kernel_size=1)
        self.fc1 = nn.Linear(2048, 1024)
        self.fc2 = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x: Any) -> Any:
        x = flatten(self.conv(F.adaptive_avg_pool2d(x, (4, 4))))
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


class GoogLeNet(nn.Module):
    """GoogLeNet as ``torchvision.models.GoogLeNet``.

    Args:
        num_classes: outputs of ``fc`` (and of the auxiliary classifiers).
        aux_logits: build ``aux1`` and ``aux2``; in training mode the model then returns
            :data:`GoogLeNetOutputs`.
        transform_input: re-normalise ImageNet-normalised input as the original weights expect
            (torchvision's pretrained weights were trained with it on).
        init_weights: truncated-normal (std 0.01) convolutions and linear layers, as torchvision;
            ``None`` means ``True``. ``False`` keeps the layers' default initialisation.
        blocks: ``[conv_block, inception_block, inception_aux_block]`` classes to build with.
        dropout: drop probability before ``fc``.
        dropout_aux: drop probability in the auxiliary classifiers.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.GoogLeNet(num_classes=4, aux_logits=False).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape)
        (1, 4)
    """

    def __init__(
        self,
        num_classes: int = 1000,
        aux_logits: bool = True,
        transform_input: bool = False,
        init_weights: bool | None = None,
        blocks: list[Callable[..., nn.Module]] | None = None,
        dropout: float = 0.2,
        dropout_aux: float = 0.7,
    ) -> None:
        super().__init__()
        blocks = [BasicConv2d, Inception, InceptionAux] if blocks is None else list(blocks)
        if len(blocks) != 3:
            raise ArgumentError(f"blocks length should be 3 instead of {len(blocks)}")
        conv_block, inception_block, inception_aux_block = blocks
        self.aux_logits = aux_logits
        self.transform_input = transform_input

        self.conv1 = conv_block(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = conv_block(64, 64, kernel_size=1)
        self.conv3 = conv_block(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)

        self.inception3a = inception_block(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = inception_block(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)

        self.inception4a = inception_block(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = inception_block(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = inception_block(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = inception_block(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = inception_block(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)

        self.inception5a = inception_block(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = inception_block(832, 384, 192, 384, 48, 128, 128)

        self.aux1: nn.Module | None = None
        self.aux2: nn.Module | None = None
        if aux_logits:
            self.aux1 = inception_aux_block(512, num_classes, dropout=dropout_aux)
            self.aux2 = inception_aux_block(528, num_classes, dropout=dropout_aux)

        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(1024, num_classes)

        if init_weights is None or init_weights:
            for module in self.modules():
                if isinstance(module, nn.Conv2d | nn.Linear):
                    nn.init.trunc_normal_(module.weight, mean=0.0, std=0.01, a=-2, b=2)
                elif isinstance(module, nn.BatchNorm2d):
                    nn.init.ones_(module.weight)
                    nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        if self.transform_input:
            x = transform_input(x)
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        training_aux = self.training and self.aux_logits
        aux1 = self.aux1(x) if training_aux and self.aux1 is not None else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if training_aux and self.aux2 is not None else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = self.fc(self.dropout(flatten(self.avgpool(x))))
        if training_aux:
            return GoogLeNetOutputs(x, aux2, aux1)
        return x


def googlenet(weights: Weights = None, **options: Any) -> GoogLeNet:
    """GoogLeNet; ``weights``: a local torchvision-format state dict (``.pth``, ``.safetensors``) or a dict.

    ``options`` are :class:`GoogLeNet`'s, with its defaults whatever ``weights`` is
    (``aux_logits=True``, ``transform_input=False``): those of
    ``torchvision.models.googlenet(weights=None)``. torchvision's ImageNet weights
    come without the auxiliary classifiers and expect the input transform: save
    ``torchvision.models.googlenet(weights="DEFAULT").state_dict()`` once, then load it with
    ``googlenet(weights=path, aux_logits=False, transform_input=True)``. Nothing is downloaded.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.googlenet(num_classes=10)
        >>> list(net.state_dict())[-4:]
        ['aux2.fc2.weight', 'aux2.fc2.bias', 'fc.weight', 'fc.bias']
    """
    if weights is not None:
        options.setdefault("init_weights", False)  # the loaded weights replace every value
    model = GoogLeNet(**options)
    if weights is not None:
        load_weights(model, weights)
    return model
