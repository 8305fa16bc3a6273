"""Layers, parameters and losses: ``ug.nn``."""

from __future__ import annotations

from . import functional, init
from .activation import GELU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .attention import MultiheadAttention
from .batchnorm import BatchNorm1d, BatchNorm2d
from .container import ModuleList, Sequential
from .conv import Conv1d, Conv2d
from .dropout import Dropout
from .linear import Flatten, Identity, Linear
from .module import IncompatibleKeys, Module
from .normalization import LayerNorm
from .parameter import Parameter
from .pooling import AvgPool2d, MaxPool2d
from .rnn import LSTM
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
    "Conv1d",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "LSTM",
    "MultiheadAttention",
    "functional",
    "init",
]
