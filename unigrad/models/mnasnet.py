"""MNASNet (B1; depth multipliers 0.5, 0.75, 1.0, 1.3) with torchvision's architecture and state-dict names.

``layers.0.weight`` (the stem), ``layers.8.0.layers.0.weight`` (the first
inverted-residual stack), ..., ``classifier.1.weight``: a state dict saved from
``torchvision.models.mnasnet1_0()`` loads as it is. torchvision's version-1
checkpoints of a multiplier other than 1.0 (an older stem) are not converted.
"""

from __future__ import annotations

from typing import Any

from .. import nn
from ..errors import ArgumentError
from .mobilenetv2 import Weights, build, global_pool_flat

__all__ = ["MNASNet", "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3"]

# the TensorFlow original's BatchNorm decay 0.9997, as a PyTorch momentum
_BN_MOMENTUM = 1 - 0.9997


class _InvertedResidual(nn.Module):
    """1x1 expand, kxk depthwise, 1x1 linear project; a shortcut when shapes allow."""

    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        kernel_size: int,
        stride: int,
        expansion_factor: int,
        bn_momentum: float = 0.1,
    ) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ArgumentError(f"MNASNet block: stride has to be 1 or 2, got {stride}")
        if kernel_size not in (3, 5):
            raise ArgumentError(f"MNASNet block: kernel_size has to be 3 or 5, got {kernel_size}")
        mid_ch = in_ch * expansion_factor
        self.apply_residual = in_ch == out_ch and stride == 1
        self.layers = nn.Sequential(
            nn.Conv2d(in_ch, mid_ch, 1, bias=False),
            nn.BatchNorm2d(mid_ch, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(
                mid_ch,
                mid_ch,
                kernel_size,
                padding=kernel_size // 2,
                stride=stride,
                groups=mid_ch,
                bias=False,
            ),
            nn.BatchNorm2d(mid_ch, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_ch, out_ch, 1, bias=False),
            nn.BatchNorm2d(out_ch, momentum=bn_momentum),
        )

    def forward(self, input: Any) -> Any:
        return self.layers(input) + input if self.apply_residual else self.layers(input)


def _stack(
    in_ch: int, out_ch: int, kernel_size: int, stride: int, exp_factor: int, repeats: int, bn_momentum: float
) -> nn.Sequential:
    """``repeats`` inverted residuals; only the first changes width and resolution."""
    if repeats < 1:
        raise ArgumentError(f"MNASNet stack: repeats has to be at least 1, got {repeats}")
    first = _InvertedResidual(in_ch, out_ch, kernel_size, stride, exp_factor, bn_momentum=bn_momentum)
    rest = [
        _InvertedResidual(out_ch, out_ch, kernel_size, 1, exp_factor, bn_momentum=bn_momentum)
        for _ in range(1, repeats)
    ]
    return nn.Sequential(first, *rest)


def _round_to_multiple_of(val: float, divisor: int, round_up_bias: float = 0.9) -> int:
    """``val`` rounded to a multiple of ``divisor``: up unless that adds over 10% (83 -> 80, 84 -> 88)."""
    if not 0.0 < round_up_bias < 1.0:
        raise ArgumentError(f"round_up_bias has to be between 0 and 1 (exclusive), got {round_up_bias}")
    new_val = max(divisor, int(val + divisor / 2) // divisor * divisor)
    return new_val if new_val >= round_up_bias * val else new_val + divisor


def _get_depths(alpha: float) -> list[int]:
    return [_round_to_multiple_of(depth * alpha, 8) for depth in (32, 16, 24, 40, 80, 96, 192, 320)]


class MNASNet(nn.Module):
    """MNASNet-B1 (Tan et al., 2018) as ``torchvision.models.MNASNet``.

    Args:
        alpha: depth multiplier of every layer's width.
        num_classes: outputs of the classifier.
        dropout: dropout before the classifier.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.MNASNet(0.5, num_classes=3).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape), list(net.state_dict())[0]
        ((1, 3), 'layers.0.weight')
    """

    def __init__(self, alpha: float, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        if alpha <= 0.0:
            raise ArgumentError(f"MNASNet: alpha has to be positive, got {alpha}")
        self.alpha = alpha
        self.num_classes = num_classes
        depths = _get_depths(alpha)
        momentum = _BN_MOMENTUM
        self.layers = nn.Sequential(
            nn.Conv2d(3, depths[0], 3, padding=1, stride=2, bias=False),
            nn.BatchNorm2d(depths[0], momentum=momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(depths[0], depths[0], 3, padding=1, stride=1, groups=depths[0], bias=False),
            nn.BatchNorm2d(depths[0], momentum=momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(depths[0], depths[1], 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(depths[1], momentum=momentum),
            _stack(depths[1], depths[2], 3, 2, 3, 3, momentum),
            _stack(depths[2], depths[3], 5, 2, 3, 3, momentum),
            _stack(depths[3], depths[4], 5, 2, 6, 3, momentum),
            _stack(depths[4], depths[5], 3, 1, 6, 2, momentum),
            _stack(depths[5], depths[6], 5, 2, 6, 4, momentum),
            _stack(depths[6], depths[7], 3, 1, 6, 1, momentum),
            nn.Conv2d(depths[7], 1280, 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(1280, momentum=momentum),
            nn.ReLU(inplace=True),
        )
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(1280, num_classes))
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Linear):
                nn.init.kaiming_uniform_(module.weight, mode="fan_out", nonlinearity="sigmoid")
                nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        return self.classifier(global_pool_flat(self.layers(x)))


def mnasnet0_5(weights: Weights = None, **options: Any) -> MNASNet:
    """MNASNet, depth 0.5; ``weights``: a local torchvision-format state dict or a dict (nothing downloaded).

    ``options`` are :class:`MNASNet`'s (``num_classes``, ``dropout``).

    Examples:
        >>> import math
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.mnasnet0_5()
        >>> sum(math.prod(p.shape) for p in net.parameters())
        2218512
    """
    return build(MNASNet(0.5, **options), weights)


def mnasnet0_75(weights: Weights = None, **options: Any) -> MNASNet:
    """MNASNet, depth 0.75; arguments as :func:`mnasnet0_5`."""
    return build(MNASNet(0.75, **options), weights)


def mnasnet1_0(weights: Weights = None, **options: Any) -> MNASNet:
    """MNASNet, depth 1.0; arguments as :func:`mnasnet0_5`."""
    return build(MNASNet(1.0, **options), weights)


def mnasnet1_3(weights: Weights = None, **options: Any) -> MNASNet:
    """MNASNet, depth 1.3; arguments as :func:`mnasnet0_5`."""
    return build(MNASNet(1.3, **options), weights)
