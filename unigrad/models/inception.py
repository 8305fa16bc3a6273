"""Inception v3 with torchvision's architecture, options and state-dict names.

``Conv2d_1a_3x3`` ... ``Mixed_7c``, the auxiliary classifier ``AuxLogits`` (after
``Mixed_6e``) and ``fc``. In training mode with ``aux_logits`` the model returns
:data:`InceptionOutputs` ``(logits, aux_logits)``, in eval mode the logits alone,
as torchvision. The input must be at least 75x75 (299x299 in training mode with
``aux_logits``, and for the ImageNet weights).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

from .. import nn
from ..errors import ArgumentError, ShapeError
from ..nn import functional as F
from ..ops.manipulation import concat
from .blocks import flatten
from .googlenet import BasicConv2d, transform_input
from .weights import Weights, load_weights

__all__ = ["Inception3", "InceptionOutputs", "inception_v3"]

InceptionOutputs = namedtuple("InceptionOutputs", ["logits", "aux_logits"])

Block = Callable[..., nn.Module]


def _pool3x3(x: Any) -> Any:
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)


class InceptionA(nn.Module):
    """35x35 grid: 1x1, 5x5, double 3x3 and pooled branches."""

    def __init__(self, in_channels: int, pool_features: int, conv_block: Block | None = None) -> None:
        super().__init__()
        conv_block = conv_block or BasicConv2d
        self.branch1x1 = conv_block(in_channels, 64, kernel_size=1)
        self.branch5x5_1 = conv_block(in_channels, 48, kernel_size=1)
        self.branch5x5_2 = conv_block(48, 64, kernel_size=5, padding=2)
        self.branch3x3dbl_1 = conv_block(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = conv_block(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = conv_block(96, 96, kernel_size=3, padding=1)
        self.branch_pool = conv_block(in_channels, pool_features, kernel_size=1)

    def forward(self, x: Any) -> Any:
        branch5x5 = self.branch5x5_2(self.branch5x5_1(x))
        branch3x3dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return concat([self.branch1x1(x), branch5x5, branch3x3dbl, self.branch_pool(_pool3x3(x))], axis=1)


class InceptionB(nn.Module):
    """35x35 to 17x17: strided 3x3, strided double 3x3 and max-pool branches."""

    def __init__(self, in_channels: int, conv_block: Block | None = None) -> None:
        super().__init__()
        conv_block = conv_block or BasicConv2d
        self.branch3x3 = conv_block(in_channels, 384, kernel_size=3, stride=2)
        self.branch3x3dbl_1 = conv_block(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = conv_block(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = conv_block(96, 96, kernel_size=3, stride=2)

    def forward(self, x: Any) -> Any:
        branch3x3dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        branch_pool = F.max_pool2d(x, kernel_size=3, stride=2)
        return concat([self.branch3x3(x), branch3x3dbl, branch_pool], axis=1)


class InceptionC(nn.Module):
    """17x17 grid: 1x1, factorised 7x7, double factorised 7x7 and pooled branches."""

    def __init__(self, in_channels: int, channels_7x7: int, conv_block: Block | None = None) -> None:
        super().__init__()
        conv_block = conv_block or BasicConv2d
        c7 = channels_7x7
        self.branch1x1 = conv_block(in_channels, 192, kernel_size=1)
        self.branch7x7_1 = conv_block(in_channels, c7, kernel_size=1)
        self.branch7x7_2 = conv_block(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7_3 = conv_block(c7, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = conv_block(in_channels, c7, kernel_size=1)
        self.branch7x7dbl_2 = conv_block(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = conv_block(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = conv_block(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = conv_block(c7, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch_pool = conv_block(in_channels, 192, kernel_size=1)

    def forward(self, x: Any) -> Any:
        branch7x7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        branch7x7dbl = self.branch7x7dbl_1(x)
        for layer in (self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4, self.branch7x7dbl_5):
            branch7x7dbl = layer(branch7x7dbl)
        return concat([self.branch1x1(x), branch7x7, branch7x7dbl, self.branch_pool(_pool3x3(x))], axis=1)


class InceptionD(nn.Module):
    """17x17 to 8x8: strided 3x3, factorised 7x7 then strided 3x3, and max-pool branches."""

    def __init__(self, in_channels: int, conv_block: Block | None = None) -> None:
        super().__init__()
        conv_block = conv_block or BasicConv2d
        self.branch3x3_1 = conv_block(in_channels, 192, kernel_size=1)
        self.branch3x3_2 = conv_block(192, 320, kernel_size=3, stride=2)
        self.branch7x7x3_1 = conv_block(in_channels, 192, kernel_size=1)
        self.branch7x7x3_2 = conv_block(192, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7x3_3 = conv_block(192, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7x3_4 = conv_block(192, 192, kernel_size=3, stride=2)

    def forward(self, x: Any) -> Any:
        branch3x3 = self.branch3x3_2(self.branch3x3_1(x))
        branch7x7x3 = self.branch7x7x3_1(x)
        for layer in (self.branch7x7x3_2, self.branch7x7x3_3, self.branch7x7x3_4):
            branch7x7x3 = layer(branch7x7x3)
        branch_pool = F.max_pool2d(x, kernel_size=3, stride=2)
        return concat([branch3x3, branch7x7x3, branch_pool], axis=1)


class InceptionE(nn.Module):
    """8x8 grid: 1x1, 3x3 split into 1x3 and 3x1, double 3x3 split likewise, and pooled branches."""

    def __init__(self, in_channels: int, conv_block: Block | None = None) -> None:
        super().__init__()
        conv_block = conv_block or BasicConv2d
        self.branch1x1 = conv_block(in_channels, 320, kernel_size=1)
        self.branch3x3_1 = conv_block(in_channels, 384, kernel_size=1)
        self.branch3x3_2a = conv_block(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3_2b = conv_block(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = conv_block(in_channels, 448, kernel_size=1)
        self.branch3x3dbl_2 = conv_block(448, 384, kernel_size=3, padding=1)
        self.branch3x3dbl_3a = conv_block(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = conv_block(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch_pool = conv_block(in_channels, 192, kernel_size=1)

    def forward(self, x: Any) -> Any:
        branch3x3 = self.branch3x3_1(x)
        branch3x3 = concat([self.branch3x3_2a(branch3x3), self.branch3x3_2b(branch3x3)], axis=1)
        branch3x3dbl = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        branch3x3dbl = concat(
            [self.branch3x3dbl_3a(branch3x3dbl), self.branch3x3dbl_3b(branch3x3dbl)], axis=1
        )
        return concat([self.branch1x1(x), branch3x3, branch3x3dbl, self.branch_pool(_pool3x3(x))], axis=1)


class InceptionAux(nn.Module):
    """The auxiliary classifier on the 17x17 grid: 5x5/3 average pool, 1x1 and 5x5 convolutions, ``fc``."""

    def __init__(self, in_channels: int, num_classes: int, conv_block: Block | None = None) -> None:
        super().__init__()
        conv_block = conv_block or BasicConv2d
        self.conv0 = conv_block(in_channels, 128, kernel_size=1)
        self.conv1 = conv_block(128, 768, kernel_size=5)
        # torchvision's: set on the block, not its Conv2d, so Inception3's init does not see it
        self.conv1.stddev = 0.01
        self.fc = nn.Linear(768, num_classes)
        self.fc.stddev = 0.001

    def forward(self, x: Any) -> Any:
        x = self.conv1(self.conv0(F.avg_pool2d(x, kernel_size=5, stride=3)))
        return self.fc(flatten(F.adaptive_avg_pool2d(x, (1, 1))))


class Inception3(nn.Module):
    """Inception v3 as ``torchvision.models.Inception3``.

    Args:
        num_classes: outputs of ``fc`` (and of the auxiliary classifier).
        aux_logits: build ``AuxLogits``; in training mode the model then returns
            :data:`InceptionOutputs`.
        transform_input: re-normalise ImageNet-normalised input as the original weights expect
            (torchvision's pretrained weights were trained with it on).
        inception_blocks: the seven block classes (``[BasicConv2d, InceptionA, ..., InceptionAux]``).
        init_weights: truncated-normal weights (std 0.1, or a layer's ``stddev``), as torchvision;
            ``None`` means ``True``. ``False`` keeps the layers' default initialisation.
        dropout: drop probability before ``fc``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.Inception3(num_classes=4, aux_logits=False, init_weights=False).eval()
        >>> tuple(net(ug.zeros((1, 3, 75, 75))).shape)
        (1, 4)
    """

    def __init__(
        self,
        num_classes: int = 1000,
        aux_logits: bool = True,
        transform_input: bool = False,
        inception_blocks: list[Block] | None = None,
        init_weights: bool | None = None,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        if inception_blocks is None:
            inception_blocks = [
                BasicConv2d,
                InceptionA,
                InceptionB,
                InceptionC,
                InceptionD,
                InceptionE,
                InceptionAux,
            ]
        if len(inception_blocks) != 7:
            raise ArgumentError(f"length of inception_blocks should be 7 instead of {len(inception_blocks)}")
        conv_block, inception_a, inception_b, inception_c, inception_d, inception_e, inception_aux = (
            inception_blocks
        )

        self.aux_logits = aux_logits
        self.transform_input = transform_input
        self.Conv2d_1a_3x3 = conv_block(3, 32, kernel_size=3, stride=2)
        self.Conv2d_2a_3x3 = conv_block(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = conv_block(32, 64, kernel_size=3, padding=1)
        self.maxpool1 = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Conv2d_3b_1x1 = conv_block(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = conv_block(80, 192, kernel_size=3)
        self.maxpool2 = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Mixed_5b = inception_a(192, pool_features=32)
        self.Mixed_5c = inception_a(256, pool_features=64)
        self.Mixed_5d = inception_a(288, pool_features=64)
        self.Mixed_6a = inception_b(288)
        self.Mixed_6b = inception_c(768, channels_7x7=128)
        self.Mixed_6c = inception_c(768, channels_7x7=160)
        self.Mixed_6d = inception_c(768, channels_7x7=160)
        self.Mixed_6e = inception_c(768, channels_7x7=192)
        self.AuxLogits: nn.Module | None = None
        if aux_logits:
            self.AuxLogits = inception_aux(768, num_classes)
        self.Mixed_7a = inception_d(768)
        self.Mixed_7b = inception_e(1280)
        self.Mixed_7c = inception_e(2048)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(2048, num_classes)
        if init_weights is None or init_weights:
            for module in self.modules():
                if isinstance(module, nn.Conv2d | nn.Linear):
                    stddev = float(getattr(module, "stddev", 0.1))
                    nn.init.trunc_normal_(module.weight, mean=0.0, std=stddev, a=-2, b=2)
                elif isinstance(module, nn.BatchNorm2d):
                    nn.init.ones_(module.weight)
                    nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        training_aux = self.training and self.aux_logits
        # smaller images shrink to nothing before Mixed_7a (before AuxLogits' 5x5 convolution in
        # training): torchvision's error there is a kernel's, far from the cause
        least = 299 if training_aux and self.AuxLogits is not None else 75
        if any(isinstance(side, int) and side < least for side in tuple(x.shape)[-2:]):
            where = " in training mode with aux_logits" if least == 299 else ""
            raise ShapeError(
                f"Inception3 needs images of at least {least}x{least}{where}, "
                f"got input of shape {tuple(x.shape)}"
            )
        if self.transform_input:
            x = transform_input(x)
        x = self.maxpool1(self.Conv2d_2b_3x3(self.Conv2d_2a_3x3(self.Conv2d_1a_3x3(x))))
        x = self.maxpool2(self.Conv2d_4a_3x3(self.Conv2d_3b_1x1(x)))
        for block in (self.Mixed_5b, self.Mixed_5c, self.Mixed_5d, self.Mixed_6a):
            x = block(x)
        for block in (self.Mixed_6b, self.Mixed_6c, self.Mixed_6d, self.Mixed_6e):
            x = block(x)
        aux = self.AuxLogits(x) if training_aux and self.AuxLogits is not None else None
        x = self.Mixed_7c(self.Mixed_7b(self.Mixed_7a(x)))
        x = self.fc(flatten(self.dropout(self.avgpool(x))))
        if training_aux:
            return InceptionOutputs(x, aux)
        return x


def inception_v3(weights: Weights = None, **options: Any) -> Inception3:
    """Inception v3; ``weights``: a local torchvision-format state dict (``.pth``, ``.safetensors``) or dict.

    ``options`` are :class:`Inception3`'s, with its defaults whatever ``weights`` is
    (``aux_logits=True``, ``transform_input=False``): those of
    ``torchvision.models.inception_v3(weights=None)``. torchvision's ImageNet weights were
    trained with ``transform_input=True``: save
    ``torchvision.models.inception_v3(weights="DEFAULT").state_dict()`` once, then load it with
    ``inception_v3(weights=path, transform_input=True)``. Nothing is downloaded.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.inception_v3(num_classes=10, init_weights=False)
        >>> list(net.state_dict())[-2:]
        ['fc.weight', 'fc.bias']
    """
    if weights is not None:
        options.setdefault("init_weights", False)  # the loaded weights replace every value
    model = Inception3(**options)
    if weights is not None:
        load_weights(model, weights)
    return model
