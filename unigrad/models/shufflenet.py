"""ShuffleNetV2 (x0.5, x1.0, x1.5, x2.0) with torchvision's architecture and state-dict names.

``conv1.0.weight``, ``stage2.0.branch1.0.weight``, ``stage2.0.branch2.0.weight``,
..., ``conv5.0.weight``, ``fc.weight``: a state dict saved from
``torchvision.models.shufflenet_v2_x1_0()`` loads as it is. Layers keep torch's
default initialisation, as torchvision does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import nn
from ..errors import ArgumentError
from ..nn import functional as F
from ..ops.manipulation import chunk, concat
from .mobilenetv2 import LayerFactory, Weights, build, global_pool_flat

__all__ = [
    "ShuffleNetV2",
    "shufflenet_v2_x0_5",
    "shufflenet_v2_x1_0",
    "shufflenet_v2_x1_5",
    "shufflenet_v2_x2_0",
]


def _depthwise_conv(channels: int, stride: int) -> nn.Conv2d:
    return nn.Conv2d(channels, channels, 3, stride, 1, bias=False, groups=channels)


class InvertedResidual(nn.Module):
    """ShuffleNetV2's unit: split the channels (strided: use all twice), convolve a half, concat, shuffle."""

    def __init__(self, inp: int, oup: int, stride: int) -> None:
        super().__init__()
        if not 1 <= stride <= 3:
            raise ArgumentError(f"ShuffleNetV2 unit: stride has to be 1, 2 or 3, got {stride}")
        self.stride = stride
        branch_features = oup // 2
        if stride == 1 and inp != branch_features << 1:
            raise ArgumentError(
                f"ShuffleNetV2 unit: with stride 1 the input has to have as many channels as the output "
                f"(an even number), got inp={inp}, oup={oup}"
            )
        if stride > 1:
            self.branch1 = nn.Sequential(
                _depthwise_conv(inp, stride),
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
                nn.BatchNorm2d(branch_features),
                nn.ReLU(inplace=True),
            )
        else:
            self.branch1 = nn.Sequential()
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride > 1 else branch_features, branch_features, 1, 1, 0, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.ReLU(inplace=True),
            _depthwise_conv(branch_features, stride),
            nn.BatchNorm2d(branch_features),
            nn.Conv2d(branch_features, branch_features, 1, 1, 0, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: Any) -> Any:
        if self.stride == 1:
            x1, x2 = chunk(x, 2, axis=1)
            out = concat((x1, self.branch2(x2)), axis=1)
        else:
            out = concat((self.branch1(x), self.branch2(x)), axis=1)
        return F.channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    """ShuffleNetV2 (Ma et al., 2018) as ``torchvision.models.ShuffleNetV2``.

    Args:
        stages_repeats: units in stages 2, 3 and 4.
        stages_out_channels: widths of conv1, the three stages and conv5.
        num_classes: outputs of ``fc``.
        inverted_residual: the unit class.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.ShuffleNetV2([1, 1, 1], [8, 16, 32, 64, 128], num_classes=3).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape), list(net.state_dict())[0]
        ((1, 3), 'conv1.0.weight')
    """

    stage2: nn.Sequential
    stage3: nn.Sequential
    stage4: nn.Sequential

    def __init__(
        self,
        stages_repeats: Sequence[int],
        stages_out_channels: Sequence[int],
        num_classes: int = 1000,
        inverted_residual: LayerFactory = InvertedResidual,
    ) -> None:
        super().__init__()
        if len(stages_repeats) != 3:
            raise ArgumentError(
                f"ShuffleNetV2: stages_repeats has to be 3 positive ints, got {stages_repeats}"
            )
        if len(stages_out_channels) != 5:
            raise ArgumentError(
                f"ShuffleNetV2: stages_out_channels has to be 5 positive ints, got {stages_out_channels}"
            )
        self._stage_out_channels = list(stages_out_channels)
        width = stages_out_channels[0]
        self.conv1 = nn.Sequential(
            nn.Conv2d(3, width, 3, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)
        )
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for index, (repeats, out) in enumerate(zip(stages_repeats, stages_out_channels[1:4], strict=True)):
            units = [inverted_residual(width, out, 2)]
            units += [inverted_residual(out, out, 1) for _ in range(repeats - 1)]
            setattr(self, f"stage{index + 2}", nn.Sequential(*units))
            width = out
        last = stages_out_channels[-1]
        self.conv5 = nn.Sequential(
            nn.Conv2d(width, last, 1, 1, 0, bias=False), nn.BatchNorm2d(last), nn.ReLU(inplace=True)
        )
        self.fc = nn.Linear(last, num_classes)

    def forward(self, x: Any) -> Any:
        x = self.maxpool(self.conv1(x))
        x = self.stage4(self.stage3(self.stage2(x)))
        return self.fc(global_pool_flat(self.conv5(x)))


def shufflenet_v2_x0_5(weights: Weights = None, **options: Any) -> ShuffleNetV2:
    """ShuffleNetV2 x0.5; ``weights``: a local torchvision-format state dict or a dict (nothing downloaded).

    ``options`` are :class:`ShuffleNetV2`'s (``num_classes``, ...).

    Examples:
        >>> import math
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.shufflenet_v2_x0_5()
        >>> sum(math.prod(p.shape) for p in net.parameters())
        1366792
    """
    return build(ShuffleNetV2([4, 8, 4], [24, 48, 96, 192, 1024], **options), weights)


def shufflenet_v2_x1_0(weights: Weights = None, **options: Any) -> ShuffleNetV2:
    """ShuffleNetV2 x1.0; arguments as :func:`shufflenet_v2_x0_5`."""
    return build(ShuffleNetV2([4, 8, 4], [24, 116, 232, 464, 1024], **options), weights)


def shufflenet_v2_x1_5(weights: Weights = None, **options: Any) -> ShuffleNetV2:
    """ShuffleNetV2 x1.5; arguments as :func:`shufflenet_v2_x0_5`."""
    return build(ShuffleNetV2([4, 8, 4], [24, 176, 352, 704, 1024], **options), weights)


def shufflenet_v2_x2_0(weights: Weights = None, **options: Any) -> ShuffleNetV2:
    """ShuffleNetV2 x2.0; arguments as :func:`shufflenet_v2_x0_5`."""
    return build(ShuffleNetV2([4, 8, 4], [24, 244, 488, 976, 2048], **options), weights)
