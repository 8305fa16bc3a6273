"""Array API searching, sorting and set functions on PyTorch."""

from __future__ import annotations

from typing import Any, NamedTuple

import array_api_compat.torch as xp
import torch

from unigrad.backends.api import ShapeError

__all__ = [
    "argmax",
    "argmin",
    "count_nonzero",
    "nonzero",
    "searchsorted",
    "where",
    "isin",
    "unique_all",
    "unique_counts",
    "unique_inverse",
    "unique_values",
    "argsort",
    "sort",
    "topk",
]

argmax = xp.argmax  # type: ignore[attr-defined]  # cloned from torch at import
argmin = xp.argmin  # type: ignore[attr-defined]  # cloned from torch at import
nonzero = xp.nonzero
searchsorted = xp.searchsorted  # type: ignore[attr-defined]  # cloned from torch at import
where = xp.where
isin = xp.isin  # type: ignore[attr-defined]  # cloned from torch at import
unique_counts = xp.unique_counts
unique_inverse = xp.unique_inverse
unique_values = xp.unique_values
argsort = xp.argsort
sort = xp.sort


class UniqueAllResult(NamedTuple):
    values: torch.Tensor
    indices: torch.Tensor
    inverse_indices: torch.Tensor
    counts: torch.Tensor


def unique_all(x: torch.Tensor, /) -> UniqueAllResult:
    # array-api-compat leaves this out: torch.unique has no first-index output.
    values, inverse, counts = torch.unique(
        x.reshape(-1), sorted=True, return_inverse=True, return_counts=True
    )
    positions = torch.arange(inverse.numel(), device=x.device)
    first = torch.full((values.numel(),), inverse.numel(), dtype=torch.int64, device=x.device)
    first = first.scatter_reduce(0, inverse, positions, reduce="amin")
    return UniqueAllResult(values, first, inverse.reshape(x.shape), counts)


def count_nonzero(x: torch.Tensor, /, *, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
    from .statistical import sum as _sum

    return _sum(x != 0, axis=axis, dtype=torch.int64, keepdims=keepdims)


def topk(x: torch.Tensor, k: int, /, axis: int = -1, largest: bool = True, sorted: bool = True) -> Any:
    size = x.shape[axis] if x.ndim else 1
    if not 0 <= k <= size:  # checked here: torch's own message names neither k nor the size
        raise ShapeError(
            f"ug.topk: k={k} is out of range for axis {axis} of size {size}; k must be in [0, {size}]"
        )
    return torch.topk(x, k, dim=axis, largest=largest, sorted=sorted)
