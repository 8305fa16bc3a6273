"""Ready-made models, written once with ``ug.nn`` so they run on every backend: ``ug.models``.

Each loads PyTorch-format state dicts by name (torchvision's names for the
ResNets) from local files; nothing is downloaded.

Examples:
    >>> import unigrad as ug
    >>> ug.random.seed(0)
    >>> net = ug.models.LeNet(num_classes=10)
    >>> list(net.state_dict())[:2]
    ['features.0.weight', 'features.0.bias']
"""

from __future__ import annotations

from . import _family_classic, _family_mobile, _family_transformer
from ._family_classic import *  # noqa: F403
from ._family_mobile import *  # noqa: F403
from ._family_transformer import *  # noqa: F403
from .lenet import LeNet
from .mlp import MLP
from .resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50, resnet101, resnet152
from .weights import load_keras_weights, load_weights, read_state_dict

__all__ = [
    "MLP",
    "LeNet",
    "ResNet",
    "BasicBlock",
    "Bottleneck",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "load_weights",
    "read_state_dict",
    "load_keras_weights",
]
__all__ += _family_classic.__all__
__all__ += _family_mobile.__all__
__all__ += _family_transformer.__all__
