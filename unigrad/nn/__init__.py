"""Layers, parameters and losses: ``ug.nn``."""

from __future__ import annotations

from . import functional, init
from .activation import GELU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .container import ModuleList, Sequential
from .dropout import Dropout
from .linear import Flatten, Identity, Linear
from .module import IncompatibleKeys, Module
from .normalization import LayerNorm
from .parameter import Parameter
from .sparse import Embedding

__all__ = [
    "Module",
    "Parameter",
    "IncompatibleKeys",
    "Linear",
    "Identity",
    "Flatten",
    "ReLU",
    "GELU",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "Sequential",
    "ModuleList",
    "Dropout",
    "Embedding",
    "LayerNorm",
    "functional",
    "init",
]
