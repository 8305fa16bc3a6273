"""ResNet-18/34/50/101/152, ResNeXt and wide ResNets with torchvision's architecture and state-dict names.

``conv1``, ``bn1``, ``layer1.0.conv1``, ..., ``layer4.2.downsample.0``,
``layer4.2.downsample.1``, ``fc``: a state dict saved from
``torchvision.models.resnet50()`` loads as it is (``weights=`` a local file),
and the model then gives torchvision's outputs, on either backend. The
bottleneck strides on its 3x3 convolution (ResNet v1.5), as torchvision does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import nn
from ..errors import ArgumentError
from ..ops.statistical import mean
from .weights import Weights, load_weights

__all__ = [
    "ResNet",
    "BasicBlock",
    "Bottleneck",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnext50_32x4d",
    "resnext101_32x8d",
    "resnext101_64x4d",
    "wide_resnet50_2",
    "wide_resnet101_2",
]


def _conv(
    in_planes: int, out_planes: int, kernel: int, stride: int, data_format: str, groups: int = 1
) -> nn.Conv2d:
    conv = nn.Conv2d(
        in_planes,
        out_planes,
        kernel,
        stride=stride,
        padding=kernel // 2,
        groups=groups,
        bias=False,
        data_format=data_format,
    )
    # torchvision's kaiming_normal_(mode="fan_out", nonlinearity="relu"), drawn from ug.random
    fan_out = out_planes * kernel * kernel
    conv.weight.assign(nn.init.normal(tuple(conv.weight.shape), 0.0, math.sqrt(2.0 / fan_out)))
    return conv


class BasicBlock(nn.Module):
    """Two 3x3 convolutions and a shortcut (ResNet-18/34)."""

    expansion = 1

    def __init__(
        self,
        in_planes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        data_format: str = "channels_first",
        groups: int = 1,
        base_width: int = 64,
    ) -> None:
        super().__init__()
        if groups != 1 or base_width != 64:
            raise ArgumentError("BasicBlock supports only groups=1 and base_width=64, as torchvision")
        self.conv1 = _conv(in_planes, planes, 3, stride, data_format)
        self.bn1 = nn.BatchNorm2d(planes, data_format=data_format)
        self.relu = nn.ReLU(inplace=True)  # (as torchvision: on PyTorch no new tensor per activation)
        self.conv2 = _conv(planes, planes, 3, 1, data_format)
        self.bn2 = nn.BatchNorm2d(planes, data_format=data_format)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Any) -> Any:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += x if self.downsample is None else self.downsample(x)  # in place on PyTorch, as torchvision
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (strided), 1x1 expand by 4, and a shortcut (ResNet-50/101/152)."""

    expansion = 4

    def __init__(
        self,
        in_planes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        data_format: str = "channels_first",
        groups: int = 1,
        base_width: int = 64,
    ) -> None:
        super().__init__()
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = _conv(in_planes, width, 1, 1, data_format)
        self.bn1 = nn.BatchNorm2d(width, data_format=data_format)
        self.conv2 = _conv(width, width, 3, stride, data_format, groups)
        self.bn2 = nn.BatchNorm2d(width, data_format=data_format)
        self.conv3 = _conv(width, planes * self.expansion, 1, 1, data_format)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion, data_format=data_format)
        self.relu = nn.ReLU(inplace=True)  # (as torchvision: on PyTorch no new tensor per activation)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Any) -> Any:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += x if self.downsample is None else self.downsample(x)  # in place on PyTorch, as torchvision
        return self.relu(out)


class _GlobalAvgPool(nn.Module):
    """torchvision's ``AdaptiveAvgPool2d((1, 1))`` followed by ``flatten(1)``."""

    def __init__(self, data_format: str) -> None:
        super().__init__()
        self.axes = (1, 2) if data_format == "channels_last" else (2, 3)

    def forward(self, x: Any) -> Any:
        return mean(x, axis=self.axes)


class ResNet(nn.Module):
    """A residual network of ``block`` units, ``layers[i]`` of them in stage ``i``.

    Args:
        block: :class:`BasicBlock` or :class:`Bottleneck`.
        layers: blocks per stage, e.g. ``[3, 4, 6, 3]`` for ResNet-50.
        num_classes: outputs of the final ``fc`` layer.
        in_channels: channels of the input images (3 in torchvision).
        zero_init_residual: start each block's last BatchNorm at zero scale, as torchvision's option.
        groups, width_per_group: ResNeXt and wide-ResNet widths, as torchvision.
        data_format: ``"channels_first"`` (NCHW, as torchvision) or ``"channels_last"``
            (NHWC: faster on TensorFlow's CPU kernels). The weights are the same either way.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.ResNet(ug.models.BasicBlock, [1, 1, 1, 1], num_classes=5)
        >>> tuple(net.eval()(ug.zeros((1, 3, 32, 32))).shape), list(net.state_dict())[:2]
        ((1, 5), ['conv1.weight', 'bn1.weight'])
    """

    def __init__(
        self,
        block: type[BasicBlock] | type[Bottleneck],
        layers: Sequence[int],
        num_classes: int = 1000,
        in_channels: int = 3,
        zero_init_residual: bool = False,
        groups: int = 1,
        width_per_group: int = 64,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        if len(layers) != 4:
            raise ArgumentError(f"ResNet takes 4 stages, got layers={list(layers)}")
        self._settings = (block, data_format, groups, width_per_group)
        self.in_planes = 64
        self.conv1 = _conv(in_channels, 64, 7, 2, data_format)
        self.bn1 = nn.BatchNorm2d(64, data_format=data_format)
        self.relu = nn.ReLU(inplace=True)  # (as torchvision: on PyTorch no new tensor per activation)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1, data_format=data_format)
        self.layer1 = self._make_layer(64, layers[0], 1)
        self.layer2 = self._make_layer(128, layers[1], 2)
        self.layer3 = self._make_layer(256, layers[2], 2)
        self.layer4 = self._make_layer(512, layers[3], 2)
        self.avgpool = _GlobalAvgPool(data_format)
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        if zero_init_residual:
            for module in self.modules():
                last = getattr(module, "bn3", None) if isinstance(module, Bottleneck) else None
                last = getattr(module, "bn2", None) if isinstance(module, BasicBlock) else last
                if last is not None:
                    last.weight.assign(nn.init.zeros(tuple(last.weight.shape)))

    def _make_layer(self, planes: int, blocks: int, stride: int) -> nn.Sequential:
        block, data_format, groups, base_width = self._settings
        out_planes = planes * block.expansion
        downsample = None
        if stride != 1 or self.in_planes != out_planes:
            downsample = nn.Sequential(
                _conv(self.in_planes, out_planes, 1, stride, data_format),
                nn.BatchNorm2d(out_planes, data_format=data_format),
            )
        units = [block(self.in_planes, planes, stride, downsample, data_format, groups, base_width)]
        self.in_planes = out_planes
        units += [
            block(self.in_planes, planes, 1, None, data_format, groups, base_width) for _ in range(1, blocks)
        ]
        return nn.Sequential(*units)

    def forward(self, x: Any) -> Any:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x))


def _resnet(
    block: type[BasicBlock] | type[Bottleneck], layers: list[int], weights: Weights, options: Any
) -> ResNet:
    model = ResNet(block, layers, **options)
    if weights is not None:
        load_weights(model, weights)
    return model


def resnet18(weights: Weights = None, **options: Any) -> ResNet:
    """ResNet-18; ``weights``: a local torchvision-format state dict (``.pth``, ``.safetensors``) or a dict.

    Nothing is downloaded: to use torchvision's ImageNet weights, save
    ``torchvision.models.resnet18(weights="DEFAULT").state_dict()`` once, then pass the file.
    ``options`` are :class:`ResNet`'s (``num_classes``, ``data_format``, ...).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> sum(int(ug.to_numpy(ug.sum(ug.ones_like(p)))) for p in ug.models.resnet18().parameters())
        11689512
    """
    return _resnet(BasicBlock, [2, 2, 2, 2], weights, options)


def resnet34(weights: Weights = None, **options: Any) -> ResNet:
    """ResNet-34; arguments as :func:`resnet18`."""
    return _resnet(BasicBlock, [3, 4, 6, 3], weights, options)


def resnet50(weights: Weights = None, **options: Any) -> ResNet:
    """ResNet-50 (v1.5, as torchvision); arguments as :func:`resnet18`."""
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, options)


def resnet101(weights: Weights = None, **options: Any) -> ResNet:
    """ResNet-101 (v1.5, as torchvision); arguments as :func:`resnet18`."""
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, options)


def resnet152(weights: Weights = None, **options: Any) -> ResNet:
    """ResNet-152 (v1.5, as torchvision); arguments as :func:`resnet18`."""
    return _resnet(Bottleneck, [3, 8, 36, 3], weights, options)


def _widths(options: dict[str, Any], **fixed: int) -> dict[str, Any]:
    """``options`` with the ResNeXt/wide widths set, as torchvision; another value given is an error."""
    for name, value in fixed.items():
        if options.setdefault(name, value) != value:
            raise ArgumentError(f"this architecture has {name}={value}, got {name}={options[name]}")
    return options


def resnext50_32x4d(weights: Weights = None, **options: Any) -> ResNet:
    """ResNeXt-50 32x4d: ResNet-50 with 32 groups of width 4 in each 3x3; arguments as :func:`resnet18`.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> tuple(ug.models.resnext50_32x4d().state_dict()["layer1.0.conv2.weight"].shape)
        (128, 4, 3, 3)
    """
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, _widths(options, groups=32, width_per_group=4))


def resnext101_32x8d(weights: Weights = None, **options: Any) -> ResNet:
    """ResNeXt-101 32x8d; arguments as :func:`resnet18`."""
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, _widths(options, groups=32, width_per_group=8))


def resnext101_64x4d(weights: Weights = None, **options: Any) -> ResNet:
    """ResNeXt-101 64x4d; arguments as :func:`resnet18`."""
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, _widths(options, groups=64, width_per_group=4))


def wide_resnet50_2(weights: Weights = None, **options: Any) -> ResNet:
    """Wide ResNet-50-2: ResNet-50 with bottlenecks twice as wide; arguments as :func:`resnet18`."""
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, _widths(options, width_per_group=128))


def wide_resnet101_2(weights: Weights = None, **options: Any) -> ResNet:
    """Wide ResNet-101-2: ResNet-101 with bottlenecks twice as wide; arguments as :func:`resnet18`."""
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, _widths(options, width_per_group=128))
