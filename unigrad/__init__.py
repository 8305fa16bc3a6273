"""unigrad: write a model once, run it on PyTorch or TensorFlow.

``import unigrad as ug`` gives the Array API namespace over the active
backend's own tensors (``ug.matmul(a, b)`` takes and returns ``torch.Tensor``
or ``tf.Tensor``), plus backend selection, seeded random numbers and
conversions. Importing unigrad imports no framework; each is imported on its
backend's first use.

Examples:
    >>> import unigrad as ug
    >>> with ug.use_backend("torch"):
    ...     x = ug.ones((2, 3))
    ...     ug.to_numpy(ug.sum(x, axis=0))
    array([2., 2., 2.], dtype=float32)
"""

from __future__ import annotations

import math as _math

from . import amp, autograd, distribute, fft, linalg, models, nn, optim, random, train, tree
from .amp import autocast
from .autograd import (
    GradientTape,
    custom_gradient,
    grad,
    hessian,
    jacobian,
    no_grad,
    stop_gradient,
    value_and_grad,
)
from .config import available_backends, get_backend, set_backend, use_backend
from .device import device, devices
from .dtypes import (
    DType,
    as_dtype,
    bfloat16,
    bool,
    complex64,
    complex128,
    finfo,
    float16,
    float32,
    float64,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    isdtype,
    uint8,
    uint16,
    uint32,
    uint64,
)
from .errors import (
    ArgumentError,
    ArgumentTypeError,
    AxisError,
    BackendError,
    BackendMismatchError,
    BackendNotInstalledError,
    CheckpointError,
    CheckpointNotFoundError,
    ConversionError,
    DependencyError,
    DeviceError,
    DTypeError,
    IndexOutOfRangeError,
    InvalidKeyError,
    LabelError,
    MissingAttributeError,
    NotSupportedError,
    PathIsADirectoryError,
    PathNotFoundError,
    ShapeError,
    StateDictError,
    UnigradError,
    UnknownBackendError,
    UsageError,
)
from .io import load, save
from .ops import binary as _binary
from .ops import creation as _creation
from .ops import manipulation as _manipulation
from .ops import products as _products
from .ops import searching as _searching
from .ops import statistical as _statistical
from .ops import unary as _unary
from .ops.binary import *  # noqa: F403 - the tensor namespace: each module's __all__ (listed below)
from .ops.conversion import convert, device_of, to_device, to_numpy
from .ops.creation import *  # noqa: F403
from .ops.info import __array_namespace_info__
from .ops.manipulation import *  # noqa: F403
from .ops.manipulation import chunk, split
from .ops.products import *  # noqa: F403
from .ops.promotion import can_cast, result_type
from .ops.searching import *  # noqa: F403
from .ops.shapes import broadcast_shapes
from .ops.statistical import *  # noqa: F403
from .ops.unary import *  # noqa: F403
from .train import evaluate, export, fit, function, predict

__version__ = "0.1.0"
__array_api_version__ = "2024.12"

e = _math.e
inf = _math.inf
nan = _math.nan
pi = _math.pi
newaxis = None

__all__ = [
    # backends
    "set_backend",
    "get_backend",
    "use_backend",
    "available_backends",
    "devices",
    "device",
    # errors
    "UnigradError",
    "BackendError",
    "UnknownBackendError",
    "BackendNotInstalledError",
    "BackendMismatchError",
    "ShapeError",
    "DTypeError",
    "AxisError",
    "IndexOutOfRangeError",
    "LabelError",
    "ConversionError",
    "DeviceError",
    "StateDictError",
    "CheckpointError",
    "CheckpointNotFoundError",
    "ArgumentError",
    "ArgumentTypeError",
    "NotSupportedError",
    "UsageError",
    "InvalidKeyError",
    "MissingAttributeError",
    "DependencyError",
    "PathNotFoundError",
    "PathIsADirectoryError",
    # dtypes
    "DType",
    "as_dtype",
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "result_type",
    "can_cast",
    "isdtype",
    "finfo",
    "iinfo",
    # constants
    "e",
    "inf",
    "nan",
    "pi",
    "newaxis",
    # the tensor namespace beyond the modules added below
    "broadcast_shapes",
    "__array_namespace_info__",
    "split",
    "chunk",
    # conversion
    "to_numpy",
    "convert",
    "device_of",
    "to_device",
    # autograd
    "GradientTape",
    "grad",
    "value_and_grad",
    "custom_gradient",
    "stop_gradient",
    "no_grad",
    "jacobian",
    "hessian",
    # training
    "function",
    "export",
    "fit",
    "evaluate",
    "predict",
    "autocast",
    # checkpoints
    "save",
    "load",
    # sub-namespaces
    "amp",
    "autograd",
    "distribute",
    "fft",
    "linalg",
    "models",
    "nn",
    "optim",
    "random",
    "train",
    "tree",
]
# The tensor namespace: the functions of each module, as its __all__ lists them.
__all__ += _creation.__all__
__all__ += _unary.__all__
__all__ += _binary.__all__
__all__ += _manipulation.__all__
__all__ += _statistical.__all__
__all__ += _searching.__all__
__all__ += _products.__all__
