"""The table for graphs torch.export writes: ATen ops (``aten.linear.default``) to unigrad calls.

torch.export is the fallback where torch.fx cannot trace a model (Hugging Face models since
transformers 5 removed ``transformers.utils.fx``). Its graph is made of ATen ops, which take
their arguments in ATen's order (``embedding(weight, indices)``); each entry here reorders them
for the ``ug.nn.functional`` call or reuses the torch-convention entries of
:mod:`unigrad.nn.convert.functions`. An op is found by its packet name (``aten.add``), so every
overload of it (``.Tensor``, ``.Scalar``) shares the entry.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

from ...errors import NotSupportedError
from .. import functional as F
from . import functions as fn
from .functions import ug

__all__ = ["ATEN", "aten_lookup"]

Array = Any


def _embedding(weight: Array, indices: Array, padding_idx: int = -1, *unused: Any) -> Array:
    return F.embedding(indices, weight, None if padding_idx < 0 else padding_idx)


def _layer_norm(
    x: Array, shape: Any, weight: Any = None, bias: Any = None, eps: float = 1e-5, *_: Any
) -> Array:
    return F.layer_norm(x, shape, weight, bias, eps)


def _slice(x: Array, dim: int = 0, start: Any = None, end: Any = None, step: int = 1) -> Array:
    index = [slice(None)] * len(x.shape)
    index[dim] = slice(start, end, step)
    return x[tuple(index)]


def _select(x: Array, dim: int, index: int) -> Array:
    return x[(slice(None),) * (dim % len(x.shape)) + (index,)]


def _gather(x: Array, dim: int, index: Array, *, sparse_grad: bool = False) -> Array:
    return ug.take_along_axis(x, index, axis=dim)


def _rsub(x: Any, other: Any, alpha: Any = 1) -> Array:
    return other - x if alpha == 1 else other - alpha * x


def _arange(*args: Any, dtype: Any = None, **ignored: Any) -> Array:
    return ug.arange(*args, dtype=dtype)


def _dropout(x: Array, p: float, train: bool) -> Array:
    return F.dropout(x, p, train)


def _softmax(x: Array, dim: int, dtype_or_half: Any = None) -> Array:
    return F.softmax(x, dim)


def _reduce(reduce: Callable[..., Array]) -> Callable[..., Array]:
    def reduction(x: Array, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Array:
        return reduce(x, dim, keepdim, dtype=dtype)

    reduction.__name__ = reduce.__name__
    return reduction


def _to_copy(x: Array, *, dtype: Any = None, **ignored: Any) -> Array:
    return fn.to(x, dtype)


def _compare(compare: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    def comparison(x: Any, other: Any) -> Any:
        return compare(x, other)

    comparison.__name__ = compare.__name__
    return comparison


def _full(size: Any, fill_value: Any, *, dtype: Any = None, **ignored: Any) -> Array:
    return ug.full(tuple(size), fill_value, dtype=dtype)


def _new_ones(x: Array, size: Any, *, dtype: Any = None, **ignored: Any) -> Array:
    return ug.ones(tuple(size), dtype=dtype or x.dtype)


def _index(x: Array, indices: list[Any]) -> Array:
    """``x[i, j]`` for index tensors of the leading axes (broadcast together), as ATen's ``index``.

    The indexed axes are flattened into one, so that one ``take`` gathers on every backend.
    """
    count = len(indices)
    if any(index is None for index in indices):
        raise NotSupportedError(f"aten.index with a None among its indices is not supported, got {indices}")
    shape = fn.size(x)
    strides = [math.prod(shape[k + 1 : count]) for k in range(count)]
    flat = sum(ug.astype(index, ug.int64) * stride for index, stride in zip(indices, strides, strict=True))
    broadcast = fn.size(flat)
    rows = ug.reshape(x, (math.prod(shape[:count]), *shape[count:]))
    taken = ug.take(rows, ug.reshape(flat, (-1,)), axis=0)
    return ug.reshape(taken, (*broadcast, *shape[count:]))


ATEN: dict[str, Callable[..., Any]] = {
    "aten.linear": F.linear,
    "aten.embedding": _embedding,
    "aten.layer_norm": _layer_norm,
    "aten.add": fn.add,
    "aten.sub": fn.sub,
    "aten.rsub": _rsub,
    "aten.mul": fn.mul,
    "aten.div": fn.div,
    "aten.neg": ug.negative,
    "aten.pow": ug.pow,
    "aten.sqrt": ug.sqrt,
    "aten.rsqrt": fn.rsqrt,
    "aten.exp": ug.exp,
    "aten.matmul": ug.matmul,
    "aten.bmm": ug.matmul,
    "aten.mm": ug.matmul,
    "aten.view": fn.view,
    "aten.reshape": fn.view,
    "aten._unsafe_view": fn.view,
    "aten.flatten": fn.flatten,
    "aten.unsqueeze": fn.unsqueeze,
    "aten.squeeze": fn.squeeze,
    "aten.transpose": fn.transpose,
    "aten.permute": fn.permute,
    "aten.t": fn.t,
    "aten.expand": fn.expand,
    "aten.slice": _slice,
    "aten.select": _select,
    "aten.gather": _gather,
    "aten.cat": fn.cat,
    "aten.stack": fn.stack,
    "aten.split": fn.split,
    "aten.chunk": fn.chunk,
    "aten.unbind": fn.unbind,
    "aten.mean": _reduce(fn.mean),
    "aten.sum": _reduce(fn.sum),
    "aten.arange": _arange,
    "aten.full": _full,
    "aten.dropout": _dropout,
    "aten.scaled_dot_product_attention": F.scaled_dot_product_attention,
    "aten.gelu": F.gelu,
    "aten.relu": F.relu,
    "aten.silu": F.silu,
    "aten.tanh": F.tanh,
    "aten.sigmoid": F.sigmoid,
    "aten.softmax": _softmax,
    "aten._softmax": _softmax,
    "aten.conv2d": F.conv2d,
    "aten.adaptive_avg_pool2d": F.adaptive_avg_pool2d,
    "aten.max_pool2d": F.max_pool2d,
    "aten.masked_fill": fn.masked_fill,
    "aten.where": fn.where,
    "aten._to_copy": _to_copy,
    "aten.to": fn.to,
    "aten.type_as": fn.type_as,
    "aten.clone": fn.identity,
    "aten.contiguous": fn.identity,
    "aten.alias": fn.identity,
    "aten.detach": ug.stop_gradient,
    "aten.lift_fresh_copy": fn.identity,
    "aten.new_ones": _new_ones,
    "aten.index": _index,
    "aten.__and__": _compare(operator.and_),
    "aten.__or__": _compare(operator.or_),
    "aten.logical_not": ug.logical_not,
    "aten.eq": _compare(operator.eq),
    "aten.ne": _compare(operator.ne),
    "aten.lt": _compare(operator.lt),
    "aten.le": _compare(operator.le),
    "aten.gt": _compare(operator.gt),
    "aten.ge": _compare(operator.ge),
}


def aten_lookup(node: Any) -> tuple[str, Callable[..., Any]] | None:
    """A torch.export graph's call node -> (name in the code, unigrad function), or ``None``."""
    if node.op != "call_function":
        return None
    if node.target is operator.getitem:  # (ops of several outputs)
        return None
    packet = str(getattr(node.target, "_overloadpacket", node.target))
    function = ATEN.get(packet)
    return None if function is None else (packet.rsplit(".", maxsplit=1)[-1].lstrip("_"), function)
