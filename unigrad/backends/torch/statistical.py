"""Array API statistical and utility functions on PyTorch, plus ``logsumexp``."""

from __future__ import annotations

from typing import Any

import array_api_compat.torch as xp
import torch

from .core import native_dtype

__all__ = [
    "cumulative_prod",
    "cumulative_sum",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
    "all",
    "any",
    "diff",
    "logsumexp",
    "sum_all",
]

Tensor = torch.Tensor
_torch_sum = torch.sum

# torch.sum over the whole tensor already has the standard's dtype rules
# (integers and bool accumulate in int64), so ug.sum(x) can call it directly.
sum_all = torch.sum

max = xp.max
min = xp.min
all = xp.all
any = xp.any
diff = xp.diff


def _over_no_axes(x: Tensor, dtype: Any) -> Tensor:
    # axis=() reduces nothing, but the result still takes the reduction's dtype:
    # integers and bool accumulate in int64 (array-api-compat keeps bool and uint8).
    if dtype is not None:
        return x.to(native_dtype(dtype), copy=True)
    if not x.dtype.is_floating_point and not x.dtype.is_complex:
        return x.to(torch.int64, copy=True)
    return x.clone()


def sum(x: Tensor, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    if axis is None and not keepdims:
        return _torch_sum(x) if dtype is None else _torch_sum(x, dtype=native_dtype(dtype))
    if axis == ():
        return _over_no_axes(x, dtype)
    return xp.sum(x, axis=axis, dtype=native_dtype(dtype), keepdims=keepdims)


def prod(x: Tensor, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    if axis == ():
        return _over_no_axes(x, dtype)
    return xp.prod(x, axis=axis, dtype=native_dtype(dtype), keepdims=keepdims)


def _floating(x: Tensor) -> Tensor:
    # The standard leaves integer input to mean/var/std unspecified; unigrad
    # computes in the default float on every backend rather than fail on one.
    return x if x.dtype.is_floating_point or x.dtype.is_complex else x.to(torch.get_default_dtype())


def mean(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    return xp.mean(_floating(x), axis=axis, keepdims=keepdims)


def _axes(x: Tensor, axis: Any) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(x.ndim))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def var(x: Tensor, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Tensor:
    x = _floating(x)
    axes = _axes(x, axis)
    if not axes:
        # over no axes (or a 0-d tensor) every sample is its own mean: N = 1
        return torch.square(x - x) / (1 - correction)
    return torch.var(x, axes, correction=correction, keepdim=keepdims)


def std(x: Tensor, /, *, axis: Any = None, correction: float = 0.0, keepdims: bool = False) -> Tensor:
    return torch.sqrt(var(x, axis=axis, correction=correction, keepdims=keepdims))


def cumulative_sum(
    x: Tensor, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Tensor:
    return xp.cumulative_sum(x, axis=axis, dtype=native_dtype(dtype), include_initial=include_initial)


def cumulative_prod(
    x: Tensor, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Tensor:
    return xp.cumulative_prod(x, axis=axis, dtype=native_dtype(dtype), include_initial=include_initial)


def logsumexp(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    x = _floating(x)
    axes = _axes(x, axis)
    if not axes:
        return x.clone()
    return torch.logsumexp(x, axes, keepdim=keepdims)
