"""Activations as ``torch.nn.functional``: ``relu``, ``elu``, ``softplus``, ``glu``, ``softmax``, ...

``relu``, ``gelu``, ``sigmoid``, ``tanh``, ``softmax`` and ``log_softmax`` run
the active backend's ``nn_<name>``: its fused kernel where it has one that
agrees with :mod:`unigrad.nn.reference.activation`, else that definition. The
rest are written here once over ``ug`` ops, in the numerically stable forms
PyTorch computes (``softplus`` linear above ``threshold``, ``logsigmoid``
without overflow, ``hardswish``/``hardsigmoid`` exactly piecewise).

Arguments, defaults and names are PyTorch's. ``inplace=True`` is accepted
wherever torch accepts it, but the result is always computed out of place:
unigrad tensors may be immutable (TensorFlow's are), so the input is left as
it was and the result is returned, which is all that ``x = F.relu(x,
inplace=True)`` needs. (torch's ``relu_``-style functions, which exist only to
mutate, are therefore not provided.)

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> ug.to_numpy(F.relu(ug.asarray([-1.0, 2.0]))).tolist()
    [0.0, 2.0]
    >>> ug.to_numpy(F.hardtanh(ug.asarray([-3.0, 0.5, 3.0]))).tolist()
    [-1.0, 0.5, 1.0]
"""

from __future__ import annotations

import math
import warnings

from ... import random
from ...errors import ArgumentError, ShapeError
from ...ops import binary, creation, manipulation, unary
from ...ops._checks import shape_of
from ...ops.conversion import device_of
from ...ops.searching import where
from ...types import Array, DTypeLike
from ._dispatch import current_backend, failed

__all__ = [
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "celu",
    "gelu",
    "silu",
    "mish",
    "hardswish",
    "hardsigmoid",
    "hardtanh",
    "sigmoid",
    "tanh",
    "softplus",
    "softsign",
    "softshrink",
    "hardshrink",
    "tanhshrink",
    "threshold",
    "prelu",
    "rrelu",
    "glu",
    "logsigmoid",
    "softmax",
    "log_softmax",
    "softmin",
]

# SELU's constants, as PyTorch (Klambauer et al. 2017) spells them
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def relu(x: Array, inplace: bool = False) -> Array:
    """``max(x, 0)``; the gradient at 0 is 0.

    ``inplace=True`` writes into ``x`` where the framework can (PyTorch, with its rules: not a leaf
    that requires a gradient, nor a tensor a backward still needs), as ``torch.relu_``; on TensorFlow,
    whose tensors are immutable, it computes out of place. Use the result either way.
    """
    try:
        return current_backend().nn_relu(x, inplace)
    except Exception as exc:
        return failed(exc, "nn_relu", x, inplace)


def _known_shape(x: Array, where: str) -> tuple[int, ...]:
    # (not _arguments.static_shape: importing it here would be circular, through nn.reference)
    shape = shape_of(x)
    if shape is None:
        raise ShapeError(f"{where} needs an input of known shape, got {getattr(x, 'shape', None)}")
    return shape


def _fill(x: Array, value: float) -> Array:
    return creation.full_like(x, value)


def hardtanh(x: Array, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Array:
    """``x`` clipped to ``[min_val, max_val]``; the gradient is 0 at and beyond the bounds, as torch's.

    ``hardtanh(x, 0, 6)`` is :func:`relu6`, the backend's one kernel (``inplace`` as :func:`relu`'s);
    other bounds are computed out of place.
    """
    if min_val > max_val:
        raise ArgumentError(f"hardtanh: min_val ({min_val}) must not exceed max_val ({max_val})")
    if min_val == 0.0 and max_val == 6.0:
        return relu6(x, inplace)
    return where(
        binary.less_equal(x, min_val),
        _fill(x, min_val),
        where(binary.greater_equal(x, max_val), _fill(x, max_val), x),
    )


def relu6(x: Array, inplace: bool = False) -> Array:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``, in one backend kernel; ``inplace`` as :func:`relu`'s."""
    try:
        return current_backend().nn_relu6(x, inplace)
    except Exception as exc:
        return failed(exc, "nn_relu6", x, inplace)


def leaky_relu(x: Array, negative_slope: float = 0.01, inplace: bool = False) -> Array:
    """``x`` where ``x > 0``, else ``negative_slope * x``; ``inplace`` as :func:`relu`'s."""
    try:
        return current_backend().nn_leaky_relu(x, negative_slope, inplace)
    except Exception as exc:
        return failed(exc, "nn_leaky_relu", x, negative_slope, inplace)


def _expm1_of_negative_part(x: Array) -> Array:
    # expm1 of min(x, 0): the branch where() discards must stay finite, or its
    # gradient (0 * inf) would be nan for large positive x
    return unary.expm1(binary.minimum(x, 0.0))


def elu(x: Array, alpha: float = 1.0, inplace: bool = False) -> Array:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return where(binary.greater(x, 0), x, alpha * _expm1_of_negative_part(x))


def selu(x: Array, inplace: bool = False) -> Array:
    """``scale * elu(x, alpha)`` with the self-normalizing constants."""
    return _SELU_SCALE * elu(x, _SELU_ALPHA)


def celu(x: Array, alpha: float = 1.0, inplace: bool = False) -> Array:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    if alpha == 0:
        raise ArgumentError("celu: alpha must not be 0 (it divides x)")
    return where(binary.greater(x, 0), x, alpha * _expm1_of_negative_part(x * (1.0 / alpha)))


def gelu(x: Array, approximate: str = "none") -> Array:
    """``x * Φ(x)`` with the exact normal CDF, or its tanh approximation (``approximate="tanh"``)."""
    if approximate not in ("none", "tanh"):
        raise ArgumentError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    try:
        return current_backend().nn_gelu(x, approximate)
    except Exception as exc:
        return failed(exc, "nn_gelu", x, approximate)


def sigmoid(x: Array) -> Array:
    """``1 / (1 + exp(-x))``."""
    try:
        return current_backend().nn_sigmoid(x)
    except Exception as exc:
        return failed(exc, "nn_sigmoid", x)


def tanh(x: Array) -> Array:
    """Hyperbolic tangent."""
    try:
        return current_backend().nn_tanh(x)
    except Exception as exc:
        return failed(exc, "nn_tanh", x)


def silu(x: Array, inplace: bool = False) -> Array:
    """``x * sigmoid(x)`` (swish)."""
    return x * sigmoid(x)


def softplus(x: Array, beta: float = 1.0, threshold: float = 20.0) -> Array:
    """``log(1 + exp(beta * x)) / beta``, and ``x`` itself where ``beta * x > threshold`` (as torch)."""
    scaled = x * beta
    # exp of at most threshold: the discarded branch stays finite, and so does its gradient
    smooth = unary.log1p(unary.exp(binary.minimum(scaled, threshold))) * (1.0 / beta)
    return where(binary.greater(scaled, threshold), x, smooth)


def mish(x: Array, inplace: bool = False) -> Array:
    """``x * tanh(softplus(x))``."""
    return x * unary.tanh(softplus(x))


def hardswish(x: Array, inplace: bool = False) -> Array:
    """``0`` for ``x <= -3``, ``x`` for ``x >= 3``, ``x * (x + 3) / 6`` between."""
    return where(
        binary.less_equal(x, -3.0),
        creation.zeros_like(x),
        where(binary.greater_equal(x, 3.0), x, x * (x + 3.0) * (1.0 / 6.0)),
    )


def hardsigmoid(x: Array, inplace: bool = False) -> Array:
    """``0`` for ``x <= -3``, ``1`` for ``x >= 3``, ``x / 6 + 1/2`` between."""
    return where(
        binary.less_equal(x, -3.0),
        creation.zeros_like(x),
        where(binary.greater_equal(x, 3.0), creation.ones_like(x), x * (1.0 / 6.0) + 0.5),
    )


def softsign(x: Array) -> Array:
    """``x / (1 + |x|)``."""
    return x / (1.0 + unary.abs(x))


def softshrink(x: Array, lambd: float = 0.5) -> Array:
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    if lambd < 0:
        raise ArgumentError(f"softshrink: lambd must be non-negative, got {lambd}")
    return where(
        binary.greater(x, lambd),
        x - lambd,
        where(binary.less(x, -lambd), x + lambd, creation.zeros_like(x)),
    )


def hardshrink(x: Array, lambd: float = 0.5) -> Array:
    """``x`` where ``|x| > lambd``, else 0."""
    inside = binary.logical_and(binary.greater_equal(x, -lambd), binary.less_equal(x, lambd))
    return where(inside, creation.zeros_like(x), x)


def tanhshrink(x: Array) -> Array:
    """``x - tanh(x)``."""
    return x - unary.tanh(x)


def threshold(x: Array, threshold: float, value: float, inplace: bool = False) -> Array:
    """``x`` where ``x > threshold``, else ``value``."""
    return where(binary.greater(x, threshold), x, _fill(x, value))


def prelu(x: Array, weight: Array) -> Array:
    """``x`` where ``x > 0``, else ``weight * x``; ``weight`` holds 1 slope or one per channel (dim 1)."""
    shape = _known_shape(x, "PReLU (F.prelu)")
    slopes = int(math.prod(_known_shape(weight, "PReLU (F.prelu)")))
    if slopes != 1:
        channels = shape[1] if len(shape) >= 2 else 1
        if channels != slopes:
            raise ShapeError(
                f"PReLU (F.prelu) with {slopes} parameters expects an input with {slopes} channels on "
                f"dim 1, got input of shape {shape}; use num_parameters=1 or {channels}"
            )
    if len(shape) >= 2:
        weight = manipulation.reshape(weight, (slopes,) + (1,) * (len(shape) - 2))
    else:
        weight = manipulation.reshape(weight, ())
    return where(binary.greater(x, 0), x, weight * x)


def rrelu(
    x: Array, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, inplace: bool = False
) -> Array:
    """Randomized leaky ReLU: in training each negative element gets a slope drawn from
    ``uniform(lower, upper)`` (from :mod:`unigrad.random`), in evaluation the mean slope."""
    if not 0 <= lower <= upper:
        raise ArgumentError(f"rrelu: needs 0 <= lower <= upper, got lower={lower}, upper={upper}")
    if not training:
        return leaky_relu(x, (lower + upper) / 2)
    shape = _known_shape(x, "RReLU (F.rrelu)")
    slopes = random.uniform(shape, lower, upper, dtype=x.dtype, device=device_of(x))
    return where(binary.greater_equal(x, 0), x, x * slopes)


def glu(x: Array, dim: int = -1) -> Array:
    """Gated linear unit: ``a * sigmoid(b)`` for ``a, b``, the two halves of ``x`` along ``dim``."""
    shape = _known_shape(x, "GLU (F.glu)")
    if not shape:
        raise ShapeError(f"GLU (F.glu) needs an input of at least 1 dimension, got shape {shape}")
    if not -len(shape) <= dim < len(shape):
        raise ShapeError(f"GLU (F.glu): dim {dim} is out of range for input of shape {shape}")
    size = shape[dim]
    if size % 2:
        raise ShapeError(
            f"GLU (F.glu) halves dim {dim}, which must have an even size; got input of shape {shape} "
            f"(size {size} on dim {dim})"
        )
    half = size // 2
    first = manipulation.take(x, creation.arange(0, half, device=device_of(x)), axis=dim)
    second = manipulation.take(x, creation.arange(half, size, device=device_of(x)), axis=dim)
    return first * sigmoid(second)


def logsigmoid(x: Array) -> Array:
    """``log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|))``, which never overflows."""
    negative = binary.less(x, 0)
    # -|x| as a where, so that the gradient at 0 follows one branch (abs's would be 0 there)
    minus_abs = where(negative, x, unary.negative(x))
    return where(negative, x, creation.zeros_like(x)) - unary.log1p(unary.exp(minus_abs))


def _softmax_dim(name: str, dim: int | None, axis: int | None) -> int:
    """``dim`` (or unigrad's ``axis``), else the last axis.

    (torch's functions, given neither, make an implicit, deprecated choice: 0 for
    0-, 1- and 3-D input, else 1. unigrad's have always taken the last axis, and
    keep it; the layers, built with ``dim=None``, make torch's choice:
    :func:`implicit_softmax_dim`.)
    """
    if dim is not None and axis is not None and dim != axis:
        raise ArgumentError(f"{name}: got both dim={dim} and axis={axis}; pass one")
    chosen = dim if dim is not None else axis
    return -1 if chosen is None else chosen


def implicit_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """torch's choice of axis for ``Softmax(dim=None)`` and its kin, with torch's warning."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
        "as an argument.",
        UserWarning,
        stacklevel=stacklevel + 1,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _normalized(
    name: str, x: Array, dim: int | None, axis: int | None, dtype: DTypeLike, negate: bool = False
) -> Array:
    """Run the backend's ``nn_<name>`` along the chosen axis of ``x`` (cast to ``dtype``, negated)."""
    chosen = _softmax_dim(name, dim, axis)
    x = x if dtype is None else creation.astype(x, dtype)
    if negate:  # softmin
        x, name = unary.negative(x), "softmax"
    try:
        return getattr(current_backend(), f"nn_{name}")(x, chosen)
    except Exception as exc:
        return failed(exc, f"nn_{name}", x, axis=chosen)


def softmax(
    x: Array,
    dim: int | None = None,
    _stacklevel: int = 3,
    dtype: DTypeLike = None,
    *,
    axis: int | None = None,
) -> Array:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed without overflow.

    ``axis=`` is accepted as another name for ``dim``; without either, the last
    axis. ``dtype`` casts the input first. (``_stacklevel`` is torch's, accepted
    so that torch's positional ``dtype`` lands in place.)
    """
    return _normalized("softmax", x, dim, axis, dtype)


def log_softmax(
    x: Array,
    dim: int | None = None,
    _stacklevel: int = 3,
    dtype: DTypeLike = None,
    *,
    axis: int | None = None,
) -> Array:
    """``x - logsumexp(x)`` along ``dim``; arguments as :func:`softmax`."""
    return _normalized("log_softmax", x, dim, axis, dtype)


def softmin(
    x: Array,
    dim: int | None = None,
    _stacklevel: int = 3,
    dtype: DTypeLike = None,
    *,
    axis: int | None = None,
) -> Array:
    """``softmax(-x)`` along ``dim``; arguments as :func:`softmax`."""
    return _normalized("softmin", x, dim, axis, dtype, negate=True)
