"""DenseNet-121/161/169/201 (DenseNet-BC) with torchvision's architecture and state-dict names.

``features`` holds ``conv0``, ``norm0``, ``relu0``, ``pool0``, then ``denseblock1``,
``transition1``, ..., ``denseblock4`` and ``norm5``; each dense layer has
``norm1``, ``relu1``, ``conv1``, ``norm2``, ``relu2``, ``conv2``. A state dict saved
from ``torchvision.models.densenet121()`` loads as it is, and so does a file in
the older naming of torchvision's download links (``denselayer1.norm.1.weight``).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from .. import nn
from ..nn import functional as F
from ..ops.manipulation import concat
from .blocks import flatten
from .weights import Weights, load_weights, read_state_dict

__all__ = ["DenseNet", "densenet121", "densenet161", "densenet169", "densenet201"]


class _DenseLayer(nn.Module):
    """BN-ReLU-1x1 convolution to ``bn_size * growth_rate``, BN-ReLU-3x3 convolution to ``growth_rate``."""

    def __init__(
        self,
        num_input_features: int,
        growth_rate: int,
        bn_size: int,
        drop_rate: float,
        memory_efficient: bool = False,
    ) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(
            bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False
        )
        self.drop_rate = float(drop_rate)
        # torchvision recomputes the bottleneck in the backward pass to save memory; the
        # outputs and gradients are the same without, so the option is accepted and kept only
        self.memory_efficient = memory_efficient

    def forward(self, input: Any) -> Any:
        features = [input] if not isinstance(input, list | tuple) else list(input)
        bottleneck = self.conv1(self.relu1(self.norm1(concat(features, axis=1))))
        new_features = self.conv2(self.relu2(self.norm2(bottleneck)))
        if self.drop_rate > 0:
            new_features = F.dropout(new_features, p=self.drop_rate, training=self.training)
        return new_features


class _DenseBlock(nn.ModuleDict):
    """``num_layers`` dense layers, each fed the block's input and all earlier outputs, concatenated."""

    def __init__(
        self,
        num_layers: int,
        num_input_features: int,
        bn_size: int,
        growth_rate: int,
        drop_rate: float,
        memory_efficient: bool = False,
    ) -> None:
        super().__init__()
        for i in range(num_layers):
            layer = _DenseLayer(
                num_input_features + i * growth_rate,
                growth_rate=growth_rate,
                bn_size=bn_size,
                drop_rate=drop_rate,
                memory_efficient=memory_efficient,
            )
            self.add_module(f"denselayer{i + 1}", layer)

    def forward(self, init_features: Any) -> Any:
        features = [init_features]
        for layer in self.values():
            features.append(layer(features))
        return concat(features, axis=1)


class _Transition(nn.Sequential):
    """BN, ReLU, a 1x1 convolution (halving the channels in DenseNet-BC) and a 2x2 average pool."""

    def __init__(self, num_input_features: int, num_output_features: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """DenseNet-BC as ``torchvision.models.DenseNet``.

    Args:
        growth_rate: channels each dense layer adds (``k`` in the paper).
        block_config: dense layers in each of the four blocks.
        num_init_features: channels of the first convolution.
        bn_size: the bottleneck has ``bn_size * growth_rate`` channels.
        drop_rate: dropout after each dense layer (training only).
        num_classes: outputs of the ``classifier``.
        memory_efficient: torchvision's gradient checkpointing; accepted and ignored
            (the results are the same).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> net = ug.models.DenseNet(8, (1, 1, 1, 1), 8, num_classes=3).eval()
        >>> tuple(net(ug.zeros((1, 3, 32, 32))).shape)
        (1, 3)
    """

    def __init__(
        self,
        growth_rate: int = 32,
        block_config: Sequence[int] = (6, 12, 24, 16),
        num_init_features: int = 64,
        bn_size: int = 4,
        drop_rate: float = 0,
        num_classes: int = 1000,
        memory_efficient: bool = False,
    ) -> None:
        super().__init__()
        self.features = nn.Sequential(
            OrderedDict(
                [
                    (
                        "conv0",
                        nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False),
                    ),
                    ("norm0", nn.BatchNorm2d(num_init_features)),
                    ("relu0", nn.ReLU(inplace=True)),
                    ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
                ]
            )
        )
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = _DenseBlock(num_layers, num_features, bn_size, growth_rate, drop_rate, memory_efficient)
            self.features.add_module(f"denseblock{i + 1}", block)
            num_features += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(num_features, num_features // 2))
                num_features //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)

        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight)
            elif isinstance(module, nn.BatchNorm2d):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Linear):
                nn.init.zeros_(module.bias)

    def forward(self, x: Any) -> Any:
        out = F.adaptive_avg_pool2d(F.relu(self.features(x)), (1, 1))
        return self.classifier(flatten(out))


# torchvision's download links still hold files of before its 0.4: ``norm.1`` for ``norm1``, and
# no BatchNorm ``num_batches_tracked`` (torch's BatchNorm fills that in; so does _renamed)
_OLD_KEY = re.compile(
    r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$"
)


def _renamed(state: Mapping[str, Any], model: DenseNet) -> dict[str, Any]:
    renamed: dict[str, Any] = {}
    for key, value in state.items():
        match = _OLD_KEY.match(key)
        renamed[match.group(1) + match.group(2) if match else key] = value
    if not any(key.endswith("num_batches_tracked") for key in renamed):
        own = model.state_dict()
        renamed.update({key: own[key] for key in own if key.endswith("num_batches_tracked")})
    return renamed


def _densenet(
    growth_rate: int,
    block_config: tuple[int, int, int, int],
    num_init_features: int,
    weights: Weights,
    options: Any,
) -> DenseNet:
    model = DenseNet(growth_rate, block_config, num_init_features, **options)
    if weights is not None:
        state = weights if isinstance(weights, Mapping) else read_state_dict(weights)
        load_weights(model, _renamed(state, model))
    return model


def densenet121(weights: Weights = None, **options: Any) -> DenseNet:
    """DenseNet-121; ``weights``: a local torchvision-format state dict (``.pth``, ``.safetensors``) or dict.

    Nothing is downloaded: to use torchvision's ImageNet weights, save
    ``torchvision.models.densenet121(weights="DEFAULT").state_dict()`` once (or keep the file
    torchvision downloaded), then pass the file. ``options`` are :class:`DenseNet`'s
    (``num_classes``, ``drop_rate``, ``bn_size``, ``memory_efficient``).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> list(ug.models.densenet121(num_classes=10).state_dict())[5:7]
        ['features.norm0.num_batches_tracked', 'features.denseblock1.denselayer1.norm1.weight']
    """
    return _densenet(32, (6, 12, 24, 16), 64, weights, options)


def densenet161(weights: Weights = None, **options: Any) -> DenseNet:
    """DenseNet-161 (growth rate 48, 96 initial features); arguments as :func:`densenet121`."""
    return _densenet(48, (6, 12, 36, 24), 96, weights, options)


def densenet169(weights: Weights = None, **options: Any) -> DenseNet:
    """DenseNet-169; arguments as :func:`densenet121`."""
    return _densenet(32, (6, 12, 32, 32), 64, weights, options)


def densenet201(weights: Weights = None, **options: Any) -> DenseNet:
    """DenseNet-201; arguments as :func:`densenet121`."""
    return _densenet(32, (6, 12, 48, 32), 64, weights, options)
