"""The one table from torch functions and Tensor methods to unigrad calls.

Each entry is a plain function over native tensors that takes torch's arguments
(``dim=``, ``keepdim=``, sizes given as ``*ints`` or one tuple) and calls ug ops, so a
graph node keeps its arguments as traced. A Tensor method and the torch function of the
same name share an entry (``x.transpose(0, 1)`` is ``torch.transpose(x, 0, 1)``);
``torch.nn.functional`` maps to ``ug.nn.functional`` name for name, since that namespace
already takes torch's arguments. Python's operators are not in the table: the generated
forward writes them as operators (``a + b``, ``x[0]``), which native tensors of every
backend implement.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from ... import dtypes
from ...autograd import stop_gradient
from ...ops import binary, conversion, creation, manipulation, products, searching, statistical, unary
from .. import functional as F
from ..linear import flatten

__all__ = ["METHODS", "function_table", "size", "ug"]

# the tensor namespace ``unigrad`` re-exports (importing the package from inside it would be circular)
_PARTS = (binary, creation, manipulation, products, searching, statistical, unary)
ug = SimpleNamespace(
    **{name: getattr(part, name) for part in _PARTS for name in part.__all__},
    **{name: getattr(dtypes, name) for name in ("bool", "float16", "float32", "float64", "int32", "int64")},
    to_numpy=conversion.to_numpy,
    stop_gradient=stop_gradient,
    chunk=manipulation.chunk,
    split=manipulation.split,
)

Array = Any


def _ints(sizes: Sequence[Any]) -> tuple[Any, ...]:
    """``(2, 3)`` from ``(2, 3)`` or ``((2, 3),)``: torch takes sizes either way."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        return tuple(sizes[0])
    return tuple(sizes)


def _axis(dim: Any) -> Any:
    return tuple(dim) if isinstance(dim, list) else dim


# -- shapes -------------------------------------------------------------------------------------


def size(x: Array, dim: int | None = None) -> Any:
    """``x.size()`` / ``x.shape``: a tuple of ints (``None`` for a dimension a graph leaves unknown)."""
    shape = tuple(x.shape)
    return shape if dim is None else shape[dim]


def dim(x: Array) -> int:
    return len(x.shape)


def numel(x: Array) -> int:
    return math.prod(size(x))


def view(x: Array, *shape: Any) -> Array:
    # one unknown (None) dimension, as a graph with a free batch axis gives, is the one torch infers
    return ug.reshape(x, tuple(-1 if d is None else d for d in _ints(shape)))


def permute(x: Array, *dims: int) -> Array:
    return ug.permute_dims(x, _ints(dims))


def transpose(x: Array, dim0: int, dim1: int) -> Array:
    axes = list(range(len(x.shape)))
    axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    return ug.permute_dims(x, tuple(axes))


def t(x: Array) -> Array:
    return x if len(x.shape) < 2 else transpose(x, 0, 1)


def expand(x: Array, *sizes: Any) -> Array:
    wanted = _ints(sizes)
    have = (None,) * (len(wanted) - len(x.shape)) + size(x)
    return ug.broadcast_to(x, tuple(h if w == -1 else w for w, h in zip(wanted, have, strict=True)))


def repeat(x: Array, *sizes: int) -> Array:
    return ug.tile(x, _ints(sizes))


def unsqueeze(x: Array, dim: int) -> Array:
    return ug.expand_dims(x, axis=dim)


def squeeze(x: Array, dim: Any = None) -> Array:
    shape = size(x)
    dims = range(len(shape)) if dim is None else (dim,) if isinstance(dim, int) else dim
    axes = tuple(d % len(shape) for d in dims if shape[d] == 1)  # torch leaves other sizes alone
    return ug.squeeze(x, axis=axes) if axes else x


def chunk(x: Array, chunks: int, dim: int = 0) -> tuple[Array, ...]:
    return ug.chunk(x, chunks, axis=dim)


def split(x: Array, split_size_or_sections: Any, dim: int = 0) -> tuple[Array, ...]:
    return ug.split(x, split_size_or_sections, axis=dim)


def unbind(x: Array, dim: int = 0) -> tuple[Array, ...]:
    return ug.unstack(x, axis=dim)


def narrow(x: Array, dim: int, start: int, length: int) -> Array:
    index = [slice(None)] * len(x.shape)
    index[dim] = slice(start, start + length)
    return x[tuple(index)]


def cat(tensors: Sequence[Array], dim: int = 0) -> Array:
    return ug.concat(list(tensors), axis=dim)


def stack(tensors: Sequence[Array], dim: int = 0) -> Array:
    return ug.stack(list(tensors), axis=dim)


# -- reductions and maths -----------------------------------------------------------------------


def mean(x: Array, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Array:
    x = x if dtype is None else ug.astype(x, dtype)
    return ug.mean(x, axis=_axis(dim), keepdims=keepdim)


def sum(x: Array, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Array:
    return ug.sum(x, axis=_axis(dim), keepdims=keepdim, dtype=dtype)


def amax(x: Array, dim: Any = None, keepdim: bool = False) -> Array:
    return ug.max(x, axis=_axis(dim), keepdims=keepdim)


def amin(x: Array, dim: Any = None, keepdim: bool = False) -> Array:
    return ug.min(x, axis=_axis(dim), keepdims=keepdim)


def var(
    x: Array, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *, correction: Any = None
) -> Array:
    correction = (1 if unbiased else 0) if correction is None else correction
    return ug.var(x, axis=_axis(dim), correction=correction, keepdims=keepdim)


def std(
    x: Array, dim: Any = None, unbiased: bool = True, keepdim: bool = False, *, correction: Any = None
) -> Array:
    correction = (1 if unbiased else 0) if correction is None else correction
    return ug.std(x, axis=_axis(dim), correction=correction, keepdims=keepdim)


def softmax(x: Array, dim: int, dtype: Any = None) -> Array:
    return F.softmax(x, dim, dtype=dtype)


def log_softmax(x: Array, dim: int, dtype: Any = None) -> Array:
    return F.log_softmax(x, dim, dtype=dtype)


def add(x: Any, other: Any, *, alpha: Any = 1) -> Array:
    return x + other if alpha == 1 else x + alpha * other


def sub(x: Any, other: Any, *, alpha: Any = 1) -> Array:
    return x - other if alpha == 1 else x - alpha * other


def mul(x: Any, other: Any) -> Array:
    return x * other


def div(x: Any, other: Any, *, rounding_mode: str | None = None) -> Array:
    quotient = x / other
    if rounding_mode == "floor":
        return ug.floor(quotient)
    return ug.trunc(quotient) if rounding_mode == "trunc" else quotient


def rsqrt(x: Array) -> Array:
    return 1.0 / ug.sqrt(x)


def clamp(x: Array, min: Any = None, max: Any = None) -> Array:
    return ug.clip(x, min, max)


def masked_fill(x: Array, mask: Array, value: Any) -> Array:
    return ug.where(mask, ug.astype(ug.asarray(value), x.dtype) if hasattr(value, "shape") else value, x)


def einsum(equation: str, *operands: Any) -> Array:
    return ug.einsum(equation, *_ints(operands))


def where(condition: Array, x: Any, other: Any) -> Array:
    return ug.where(condition, x, other)


# -- dtypes -------------------------------------------------------------------------------------


def to(x: Array, *args: Any, **kwargs: Any) -> Array:
    """``x.to(dtype)``, ``x.to(other)``, ``x.to(device, dtype)``: the dtype is kept, devices are not."""
    dtype = kwargs.get("dtype")
    for arg in args:
        if hasattr(arg, "shape"):
            dtype = arg.dtype
        elif arg is not None and not isinstance(arg, str):
            dtype = arg
    return x if dtype is None or dtype == x.dtype else ug.astype(x, dtype)


def type_as(x: Array, other: Array) -> Array:
    return to(x, other)


def _cast(dtype_name: str) -> Callable[[Array], Array]:
    def cast(x: Array, memory_format: Any = None) -> Array:
        return to(x, getattr(ug, dtype_name))

    cast.__name__ = f"to_{dtype_name}"
    return cast


def identity(x: Array, *args: Any, **kwargs: Any) -> Array:
    """``contiguous()``, ``clone()``: a copy is not needed where tensors are not changed in place."""
    return x


def assert_(condition: Any, message: Any = "") -> None:
    """``torch._assert``: shape checks the model made when it was traced hold for the shapes it takes."""


def attribute(x: Any, name: str) -> Any:
    """``getattr(x, name)`` of a traced value: ``shape`` as ints on every backend."""
    if name == "shape":
        return size(x)
    if name == "ndim":
        return len(x.shape)
    if name == "T":
        return ug.permute_dims(x, tuple(reversed(range(len(x.shape)))))
    if name == "device":
        return None
    return getattr(x, name)


def _creation(make: Callable[..., Array]) -> Callable[..., Array]:
    def create(*shape: Any, dtype: Any = None, **ignored: Any) -> Array:  # device=, requires_grad=, ...
        return make(_ints(shape), dtype=dtype or ug.float32)

    create.__name__ = make.__name__
    return create


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: Any = None, **ignored: Any) -> Array:
    return ug.arange(start, end, step, dtype=dtype)


def full(shape: Any, fill_value: Any, *, dtype: Any = None, **ignored: Any) -> Array:
    return ug.full(tuple(shape), fill_value, dtype=dtype)


# Tensor methods by name; a torch function of the same name is the same entry.
METHODS: dict[str, Callable[..., Any]] = {
    "size": size,
    "dim": dim,
    "numel": numel,
    "view": view,
    "reshape": view,
    "flatten": flatten,
    "permute": permute,
    "transpose": transpose,
    "t": t,
    "expand": expand,
    "repeat": repeat,
    "unsqueeze": unsqueeze,
    "squeeze": squeeze,
    "chunk": chunk,
    "split": split,
    "unbind": unbind,
    "narrow": narrow,
    "mean": mean,
    "sum": sum,
    "amax": amax,
    "amin": amin,
    "var": var,
    "std": std,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "add": add,
    "sub": sub,
    "mul": mul,
    "div": div,
    "matmul": ug.matmul,
    "bmm": ug.matmul,
    "pow": ug.pow,
    "neg": ug.negative,
    "abs": ug.abs,
    "exp": ug.exp,
    "log": ug.log,
    "sqrt": ug.sqrt,
    "rsqrt": rsqrt,
    "sin": ug.sin,
    "cos": ug.cos,
    "tanh": F.tanh,
    "sigmoid": F.sigmoid,
    "relu": F.relu,
    "clamp": clamp,
    "clip": clamp,
    "masked_fill": masked_fill,
    "to": to,
    "type_as": type_as,
    "float": _cast("float32"),
    "double": _cast("float64"),
    "half": _cast("float16"),
    "long": _cast("int64"),
    "int": _cast("int32"),
    "bool": _cast("bool"),
    "contiguous": identity,
    "clone": identity,
    "detach": ug.stop_gradient,
    "where": where,
}


def function_table() -> dict[Any, Callable[..., Any]]:
    """torch's functions (``torch.cat``, ``F.relu``, ``torch._assert``, ...) -> the unigrad call."""
    import torch
    import torch.nn.functional as torch_functional

    table: dict[Any, Callable[..., Any]] = {}
    for name in dir(torch_functional):
        target = getattr(torch_functional, name)
        if not name.startswith("_") and callable(target) and callable(getattr(F, name, None)):
            table[target] = getattr(F, name)
    for name, call in METHODS.items():
        if callable(getattr(torch, name, None)) and name not in ("float", "int", "bool"):
            table[getattr(torch, name)] = call
    table.update(
        {
            torch.cat: cat,
            torch.concat: cat,
            torch.stack: stack,
            torch.einsum: einsum,
            torch._assert: assert_,
            torch.zeros: _creation(ug.zeros),
            torch.ones: _creation(ug.ones),
            torch.arange: arange,
            torch.full: full,
            builtins.getattr: attribute,
        }
    )
    return table
