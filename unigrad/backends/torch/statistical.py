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


max = xp.max
min = xp.min
all = xp.all
any = xp.any
diff = xp.diff


def _over_no_axes(x: Tensor, dtype: Any) -> Tensor:
    # axis=() reduces nothing, but the result still takes the reduction's dtype:
    # integers and bool accumulate in int64, unsigned ones in uint64 (array-api-compat keeps
    # bool and uint8).
    if dtype is not None:
        return x.to(native_dtype(dtype), copy=True)
    if x.dtype in _UNSIGNED:
        return x.to(torch.uint64, copy=True)
    if not x.dtype.is_floating_point and not x.dtype.is_complex:
        return x.to(torch.int64, copy=True)
    return x.clone()


# torch has no sum or product kernels for uint16/32/64 and accumulates unsigned input in int64;
# the standard's default for unsigned input is uint64. int64 arithmetic wraps to the same bits.
_UNSIGNED = (torch.uint8, torch.uint16, torch.uint32, torch.uint64)
_WIDE_UNSIGNED = (torch.uint16, torch.uint32, torch.uint64)


def _accumulated(x: Tensor, dtype: Any) -> tuple[Tensor, Any, torch.dtype | None]:
    """``x`` and ``dtype`` for torch's reduction, and the dtype to cast its result to (None: as it is)."""
    target = native_dtype(dtype)
    if target is None and x.dtype in _UNSIGNED:
        target = torch.uint64
    if target in _WIDE_UNSIGNED or (target is None and x.dtype in _WIDE_UNSIGNED):
        return x.to(torch.int64), None, target or torch.uint64
    return x, target, None


def _cast(result: Tensor, target: torch.dtype | None) -> Tensor:
    return result if target is None else result.to(target)


def sum_all(x: Tensor, /) -> Tensor:
    # torch.sum over the whole tensor has the standard's dtype rules for all but unsigned
    # input (signed integers and bool accumulate in int64), so ug.sum(x) mostly calls it directly
    return _torch_sum(x) if x.dtype not in _UNSIGNED else sum(x, axis=None)


def sum(x: Tensor, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    if axis is None and not keepdims and x.dtype not in _UNSIGNED and dtype is None:
        return _torch_sum(x)
    if axis == ():
        return _over_no_axes(x, dtype)
    x, accumulate, target = _accumulated(x, dtype)
    return _cast(xp.sum(x, axis=axis, dtype=accumulate, keepdims=keepdims), target)


def prod(x: Tensor, /, *, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Tensor:
    if axis == ():
        return _over_no_axes(x, dtype)
    x, accumulate, target = _accumulated(x, dtype)
    return _cast(xp.prod(x, axis=axis, dtype=accumulate, keepdims=keepdims), target)


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
    x, accumulate, target = _accumulated(x, dtype)
    return _cast(xp.cumulative_sum(x, axis=axis, dtype=accumulate, include_initial=include_initial), target)


def cumulative_prod(
    x: Tensor, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False
) -> Tensor:
    x, accumulate, target = _accumulated(x, dtype)
    return _cast(xp.cumulative_prod(x, axis=axis, dtype=accumulate, include_initial=include_initial), target)


def logsumexp(x: Tensor, /, *, axis: Any = None, keepdims: bool = False) -> Tensor:
    x = _floating(x)
    axes = _axes(x, axis)
    if not axes:
        return x.clone()
    return torch.logsumexp(x, axes, keepdim=keepdims)
