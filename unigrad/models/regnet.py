"""RegNetX and RegNetY (400MF ... 128GF) with torchvision's architecture and state-dict names.

``stem.0.weight``, ``trunk_output.block1.block1-0.proj.0.weight``,
``trunk_output.block1.block1-0.f.a.0.weight``, ``...f.se.fc1.weight`` (RegNetY),
..., ``fc.weight``: a state dict saved from ``torchvision.models.regnet_y_400mf()``
loads as it is. The stage widths and depths come from the RegNet design space's
quantised linear rule (Radosavovic et al., 2020), computed in float32 as torchvision does.
The blocks and :class:`BlockParams` are in :mod:`unigrad.models.regnet_blocks`.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from functools import partial
from typing import Any

from .. import nn
from .blocks import flatten
from .mobilenetv2 import LayerFactory, Weights, build
from .regnet_blocks import (  # noqa: F401 - BottleneckTransform: importable from here, as before
    AnyStage,
    BlockParams,
    BottleneckTransform,
    ResBottleneckBlock,
    SimpleStemIN,
)

__all__ = [
    "RegNet",
    "BlockParams",
    "regnet_x_400mf",
    "regnet_x_800mf",
    "regnet_x_1_6gf",
    "regnet_x_3_2gf",
    "regnet_x_8gf",
    "regnet_x_16gf",
    "regnet_x_32gf",
    "regnet_y_400mf",
    "regnet_y_800mf",
    "regnet_y_1_6gf",
    "regnet_y_3_2gf",
    "regnet_y_8gf",
    "regnet_y_16gf",
    "regnet_y_32gf",
    "regnet_y_128gf",
]


class RegNet(nn.Module):
    """RegNet (Radosavovic et al., 2020) as ``torchvision.models.RegNet``.

    Args:
        block_params: the stages (:meth:`BlockParams.from_init_params`).
        num_classes: outputs of ``fc``.
        stem_width: channels after the stem.
        stem_type: the stem class (:class:`SimpleStemIN`).
        block_type: the block class (:class:`ResBottleneckBlock`).
        norm_layer: the normalisation factory (``nn.BatchNorm2d``).
        activation: the activation factory (``nn.ReLU``).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> params = ug.models.BlockParams.from_init_params(depth=2, w_0=16, w_a=8.0, w_m=2.0, group_width=8)
        >>> net = ug.models.RegNet(params, num_classes=3).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape), list(net.state_dict())[6]
        ((1, 3), 'trunk_output.block1.block1-0.proj.0.weight')
    """

    def __init__(
        self,
        block_params: BlockParams,
        num_classes: int = 1000,
        stem_width: int = 32,
        stem_type: LayerFactory | None = None,
        block_type: LayerFactory | None = None,
        norm_layer: LayerFactory | None = None,
        activation: LayerFactory | None = None,
    ) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        activation = activation or nn.ReLU
        self.stem = (stem_type or SimpleStemIN)(3, stem_width, norm_layer, activation)
        width = stem_width
        stages: list[tuple[str, nn.Module]] = []
        for i, (width_out, stride, depth, group_width, multiplier) in enumerate(
            block_params._get_expanded_params()
        ):
            stage = AnyStage(
                width,
                width_out,
                stride,
                depth,
                block_type or ResBottleneckBlock,
                norm_layer,
                activation,
                group_width,
                multiplier,
                block_params.se_ratio,
                stage_index=i + 1,
            )
            stages.append((f"block{i + 1}", stage))
            width = width_out
        self.trunk_output = nn.Sequential(OrderedDict(stages))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=width, out_features=num_classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                fan_out = module.kernel_size[0] * module.kernel_size[1] * module.out_channels
                nn.init.normal_(module.weight, mean=0.0, std=math.sqrt(2.0 / fan_out))
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, mean=0.0, std=0.01)
                nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        return self.fc(flatten(self.avgpool(self.trunk_output(self.stem(x)))))


def _regnet(design: tuple[int, int, float, float, int], se: bool, weights: Weights, options: Any) -> RegNet:
    """A RegNet at torchvision's (pycls') design point ``(depth, w_0, w_a, w_m, group_width)``."""
    depth, w_0, w_a, w_m, group_width = design
    se_ratio = 0.25 if se else None  # RegNetY: squeeze-excitation in every block
    params = BlockParams.from_init_params(depth, w_0, w_a, w_m, group_width, se_ratio=se_ratio, **options)
    options.setdefault("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
    return build(RegNet(params, **options), weights)


def regnet_x_400mf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-400MF; ``weights``: a local torchvision-format state dict or a dict (nothing is downloaded).

    ``options`` are :class:`RegNet`'s (``num_classes``, ``norm_layer``, ``activation``, ...).

    Examples:
        >>> import math
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.regnet_x_400mf()
        >>> sum(math.prod(p.shape) for p in net.parameters())
        5495976
    """
    return _regnet((22, 24, 24.48, 2.54, 16), False, weights, options)


def regnet_x_800mf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-800MF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((16, 56, 35.73, 2.28, 16), False, weights, options)


def regnet_x_1_6gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-1.6GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((18, 80, 34.01, 2.25, 24), False, weights, options)


def regnet_x_3_2gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-3.2GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((25, 88, 26.31, 2.25, 48), False, weights, options)


def regnet_x_8gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-8GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((23, 80, 49.56, 2.88, 120), False, weights, options)


def regnet_x_16gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-16GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((22, 216, 55.59, 2.1, 128), False, weights, options)


def regnet_x_32gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetX-32GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((23, 320, 69.86, 2.0, 168), False, weights, options)


def regnet_y_400mf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-400MF (squeeze-excitation in every block); arguments as :func:`regnet_x_400mf`."""
    return _regnet((16, 48, 27.89, 2.09, 8), True, weights, options)


def regnet_y_800mf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-800MF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((14, 56, 38.84, 2.4, 16), True, weights, options)


def regnet_y_1_6gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-1.6GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((27, 48, 20.71, 2.65, 24), True, weights, options)


def regnet_y_3_2gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-3.2GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((21, 80, 42.63, 2.66, 24), True, weights, options)


def regnet_y_8gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-8GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((17, 192, 76.82, 2.19, 56), True, weights, options)


def regnet_y_16gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-16GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((18, 200, 106.23, 2.48, 112), True, weights, options)


def regnet_y_32gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-32GF; arguments as :func:`regnet_x_400mf`."""
    return _regnet((20, 232, 115.89, 2.53, 232), True, weights, options)


def regnet_y_128gf(weights: Weights = None, **options: Any) -> RegNet:
    """RegNetY-128GF (644M parameters); arguments as :func:`regnet_x_400mf`."""
    return _regnet((27, 456, 160.83, 2.52, 264), True, weights, options)
