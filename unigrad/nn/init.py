"""Initializers, drawn from :mod:`unigrad.random` so the same seed gives the same bits everywhere.

Two forms:

* torch's in-place API, ``uniform_ normal_ trunc_normal_ constant_ zeros_ ones_
  eye_ dirac_ xavier_uniform_ xavier_normal_ kaiming_uniform_ kaiming_normal_
  orthogonal_ sparse_``, with ``calculate_gain`` and torch's fan computation
  (``_calculate_fan_in_and_fan_out``): each writes into a Parameter (or a torch
  tensor, such as ``param.data``) in place and returns it, so PyTorch code such
  as ``model.apply(weights_init)`` runs unchanged;
* functions of a shape, ``uniform normal zeros ones kaiming_uniform
  xavier_uniform``, which return a new tensor of the active backend; the
  layers wrap them in :class:`~unigrad.nn.Parameter`.

Defaults are PyTorch's. Values are drawn on the host (``generator``, a
:class:`unigrad.random.Generator`, or the default one) and then written, so
a seed gives bit-identical values on every backend; they follow torch's
distributions, not torch's random stream.

Examples:
    >>> import unigrad as ug
    >>> w = ug.nn.Parameter(ug.zeros((2, 3)))
    >>> ug.nn.init.constant_(w, 0.5) is w
    True
    >>> ug.to_numpy(ug.nn.init.eye_(w)).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import dtypes as _dtypes
from .. import random
from ..autograd import no_grad
from ..config import use_backend
from ..errors import ArgumentError, BackendError, DTypeError
from ..ops import creation
from ..ops.conversion import backend_of, device_of, to_numpy

__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "trunc_normal_",
    "constant_",
    "ones_",
    "zeros_",
    "eye_",
    "dirac_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
    "sparse_",
    "uniform",
    "normal",
    "zeros",
    "ones",
    "kaiming_uniform",
    "xavier_uniform",
    "fan_in_and_out",
]

Tensor = Any
Generator = random.Generator


# -- functions of a shape, for the layers --------------------------------------------------------


def fan_in_and_out(shape: Sequence[int]) -> tuple[int, int]:
    """PyTorch's fans: ``(in, out)`` for ``(out, in, *kernel)`` weights."""
    if len(shape) < 2:
        raise ArgumentError(
            f"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, "
            f"got shape {tuple(shape)}"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def uniform(shape: Sequence[int], low: float, high: float, dtype: Any = None) -> Any:
    return random.uniform(tuple(shape), low, high, dtype=dtype)


def normal(shape: Sequence[int], mean: float = 0.0, std: float = 1.0, dtype: Any = None) -> Any:
    return random.normal(tuple(shape), mean, std, dtype=dtype)


def zeros(shape: Sequence[int], dtype: Any = None) -> Any:
    return creation.zeros(tuple(shape), dtype=dtype)


def ones(shape: Sequence[int], dtype: Any = None) -> Any:
    return creation.ones(tuple(shape), dtype=dtype)


def kaiming_uniform(shape: Sequence[int], a: float = math.sqrt(5), dtype: Any = None) -> Any:
    """``torch.nn.init.kaiming_uniform_`` (leaky-ReLU gain): PyTorch's default for weights.

    With ``a = sqrt(5)`` the bound is ``1 / sqrt(fan_in)``.
    """
    fan_in, _ = fan_in_and_out(shape)
    bound = _uniform_bound(calculate_gain("leaky_relu", a), fan_in)
    return uniform(shape, -bound, bound, dtype)


def xavier_uniform(shape: Sequence[int], gain: float = 1.0, dtype: Any = None) -> Any:
    fan_in, fan_out = fan_in_and_out(shape)
    bound = _uniform_bound(gain, (fan_in + fan_out) / 2)
    return uniform(shape, -bound, bound, dtype)


def _uniform_bound(gain: float, fan: float) -> float:
    """The bound of the uniform distribution with the variance ``gain² / fan`` (0 for no fan)."""
    return gain * math.sqrt(3.0 / fan) if fan else 0.0


# -- torch's in-place API ------------------------------------------------------------------------

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    ``param`` is leaky ReLU's negative slope (0.01 if None).
    """
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            slope = param
        else:
            raise ArgumentError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ArgumentError(
        f"Unsupported nonlinearity {nonlinearity}; expected one of {', '.join(_LINEAR)}, sigmoid, tanh, "
        "relu, leaky_relu, selu"
    )


def _shape(tensor: Tensor) -> tuple[int, ...]:
    return tuple(int(d) for d in tensor.shape)


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """torch's ``(fan_in, fan_out)`` of a weight shaped ``(out, in, *kernel)``."""
    return fan_in_and_out(_shape(tensor))


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ArgumentError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _write(tensor: Tensor, values: Callable[[Generator], Any], generator: Generator | None) -> Tensor:
    """``values(generator)`` (NumPy or a tensor, made on ``tensor``'s backend) written into ``tensor``.

    A Parameter takes it with ``assign`` (outside autograd on every backend); a
    plain mutable tensor (torch's ``param.data``) with ``copy_`` under ``no_grad``.
    """
    if not (hasattr(tensor, "assign") or hasattr(tensor, "copy_")):
        raise BackendError(
            f"ug.nn.init writes in place, and a {type(tensor).__name__} cannot be written to; pass a "
            "ug.nn.Parameter (or its .data), or use the functions of a shape (ug.nn.init.normal(shape), ...)"
        )
    backend = backend_of(tensor)
    with use_backend(backend.name):
        found = values(generator or random.default_generator)
        if isinstance(found, np.ndarray):
            found = creation.asarray(found, dtype=tensor.dtype, device=device_of(tensor))
        if hasattr(tensor, "assign"):
            tensor.assign(found)
        else:
            with no_grad():
                tensor.copy_(found)
    return tensor


def _float_dtype(tensor: Tensor, where: str) -> Any:
    dtype = _dtypes.as_dtype(tensor.dtype)
    if dtype.kind != "float":
        raise DTypeError(f"nn.init.{where} draws floating-point values, got a tensor of dtype {dtype}")
    return dtype


def _numpy_dtype(tensor: Tensor) -> np.dtype[Any]:
    return _dtypes.numpy_dtype(_dtypes.as_dtype(tensor.dtype))


def _is_empty(tensor: Tensor) -> bool:
    if 0 in _shape(tensor):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill ``tensor`` with draws from ``U(a, b)``."""
    dtype, shape = _float_dtype(tensor, "uniform_"), _shape(tensor)
    device = device_of(tensor)
    return _write(tensor, lambda g: g.uniform(shape, a, b, dtype=dtype, device=device), generator)


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None
) -> Tensor:
    """Fill ``tensor`` with draws from ``N(mean, std²)``."""
    dtype, shape = _float_dtype(tensor, "normal_"), _shape(tensor)
    return _write(
        tensor, lambda g: g.normal(shape, mean, std, dtype=dtype, device=device_of(tensor)), generator
    )


def _truncated_normal(
    g: Generator, count: int, mean: float, std: float, a: float, b: float
) -> np.ndarray[Any, Any]:
    """``count`` draws of ``N(mean, std²)`` restricted to ``[a, b]``."""
    normal = statistics.NormalDist(mean, std)
    low, high = normal.cdf(a), normal.cdf(b)
    if high - low > 0.05:  # rejection: exact, and cheap unless the window is narrow
        kept = np.empty(0)
        while kept.size < count:
            want = int((count - kept.size) / (high - low) * 1.1) + 16
            draws = to_numpy(g.normal(want, mean, std, dtype=_dtypes.float64))
            kept = np.concatenate([kept, draws[(draws >= a) & (draws <= b)]])
        return kept[:count]
    # a narrow window: the inverse CDF of uniform draws between the window's CDF values
    uniforms = to_numpy(g.uniform(count, low, high, dtype=_dtypes.float64))
    return np.clip(np.vectorize(normal.inv_cdf, otypes=[np.float64])(uniforms), a, b)


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: Generator | None = None,
) -> Tensor:
    """Fill ``tensor`` with draws from ``N(mean, std²)`` truncated to ``[a, b]`` (absolute bounds)."""
    _float_dtype(tensor, "trunc_normal_")
    if not a < b:
        raise ArgumentError(f"trunc_normal_ needs a < b, got a={a}, b={b}")
    shape, dtype = _shape(tensor), _numpy_dtype(tensor)

    def values(g: Generator) -> np.ndarray[Any, Any]:
        return _truncated_normal(g, math.prod(shape), mean, std, a, b).reshape(shape).astype(dtype)

    return _write(tensor, values, generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill ``tensor`` with ``val``."""
    shape, dtype = _shape(tensor), _numpy_dtype(tensor)
    return _write(tensor, lambda g: np.full(shape, val, dtype), None)


def ones_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with 1."""
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill ``tensor`` with 0."""
    return constant_(tensor, 0.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D ``tensor`` with the identity (ones on the diagonal of a rectangle too)."""
    shape = _shape(tensor)
    if len(shape) != 2:
        raise ArgumentError(f"Only tensors with 2 dimensions are supported, got shape {shape}")
    dtype = _numpy_dtype(tensor)
    return _write(tensor, lambda g: np.eye(*shape, dtype=dtype), None)


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta: the convolution is the identity
    on as many channels as it can keep (per group)."""
    shape = _shape(tensor)
    if len(shape) not in (3, 4, 5):
        raise ArgumentError(f"Only tensors with 3, 4, or 5 dimensions are supported, got shape {shape}")
    if shape[0] % groups != 0:
        raise ArgumentError(f"dim 0 must be divisible by groups, got shape {shape} and groups={groups}")
    per_group = shape[0] // groups
    kept = min(per_group, shape[1])
    centre = tuple(size // 2 for size in shape[2:])

    def values(g: Generator) -> np.ndarray[Any, Any]:
        weight = np.zeros(shape, _numpy_dtype(tensor))
        for group in range(groups):
            for channel in range(kept):
                weight[(group * per_group + channel, channel, *centre)] = 1
        return weight

    return _write(tensor, values, None)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """``U(-bound, bound)`` with ``bound = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = _uniform_bound(gain, (fan_in + fan_out) / 2)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """``N(0, std²)`` with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """``U(-bound, bound)`` with ``bound = gain * sqrt(3 / fan)`` (He et al.)."""
    if _is_empty(tensor):
        return tensor
    bound = _uniform_bound(calculate_gain(nonlinearity, a), _calculate_correct_fan(tensor, mode))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """``N(0, std²)`` with ``std = gain / sqrt(fan)`` (He et al.)."""
    if _is_empty(tensor):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Generator | None = None) -> Tensor:
    """A (semi-)orthogonal matrix, times ``gain``; dimensions after the first are flattened (Saxe et al.)."""
    shape = _shape(tensor)
    if len(shape) < 2:
        raise ArgumentError(f"Only tensors with 2 or more dimensions are supported, got shape {shape}")
    if 0 in shape:
        return tensor
    rows = shape[0]
    cols = math.prod(shape) // rows

    def values(g: Generator) -> np.ndarray[Any, Any]:
        # QR on the host, in float64: the same bits on every backend
        flat = to_numpy(g.normal((rows, cols), dtype=_dtypes.float64))
        if rows < cols:
            flat = flat.T
        q, r = np.linalg.qr(flat)
        q = q * np.sign(np.diag(r))  # the sign convention that makes the result uniformly distributed
        if rows < cols:
            q = q.T
        return (q * gain).reshape(shape).astype(_numpy_dtype(tensor))

    return _write(tensor, values, generator)


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator: Generator | None = None) -> Tensor:
    """A 2-D ``tensor`` of ``N(0, std²)`` draws with a fraction ``sparsity`` of each column zeroed."""
    shape = _shape(tensor)
    if len(shape) != 2:
        raise ArgumentError(f"Only tensors with 2 dimensions are supported, got shape {shape}")
    rows, cols = shape
    zeroed = math.ceil(sparsity * rows)

    def values(g: Generator) -> np.ndarray[Any, Any]:
        weight = to_numpy(g.normal(shape, 0.0, std, dtype=_dtypes.float64)).copy()
        for column in range(cols):
            weight[to_numpy(g.permutation(rows))[:zeroed], column] = 0
        return weight.astype(_numpy_dtype(tensor))

    return _write(tensor, values, generator)
