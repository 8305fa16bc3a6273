"""Array API manipulation and indexing functions on PyTorch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import array_api_compat.torch as xp
import torch

from unigrad.backends.api import check_indices

from .core import common_dtype

__all__ = [
    "broadcast_arrays",
    "broadcast_to",
    "concat",
    "expand_dims",
    "flip",
    "moveaxis",
    "permute_dims",
    "repeat",
    "reshape",
    "roll",
    "squeeze",
    "stack",
    "tile",
    "unstack",
    "take",
    "take_along_axis",
    "split_sizes",
]

Tensor = torch.Tensor

broadcast_to = xp.broadcast_to


def expand_dims(x: Tensor, /, axis: int = 0) -> Tensor:
    # array-api-compat's expand_dims has no default axis; the standard's (and ug's) is 0
    return torch.unsqueeze(x, axis)


flip = xp.flip
moveaxis = torch.moveaxis
permute_dims = xp.permute_dims
roll = xp.roll
squeeze = xp.squeeze
unstack = xp.unstack


def reshape(x: Tensor, /, shape: Sequence[int], *, copy: bool | None = None) -> Tensor:
    if copy is None:
        return torch.reshape(x, shape)
    return xp.reshape(x, tuple(shape), copy=copy)


def concat(arrays: Sequence[Tensor], /, *, axis: int | None = 0) -> Tensor:
    dtype = common_dtype(arrays)
    if axis is None:
        return torch.cat([torch.flatten(a).to(dtype) for a in arrays])
    return torch.cat([a.to(dtype) for a in arrays], dim=axis)


def stack(arrays: Sequence[Tensor], /, *, axis: int = 0) -> Tensor:
    dtype = common_dtype(arrays)
    return torch.stack([a.to(dtype) for a in arrays], dim=axis)


def repeat(x: Tensor, repeats: Any, /, *, axis: int | None = None) -> Tensor:
    if axis is None:
        x, axis = torch.flatten(x), 0
    if isinstance(repeats, Tensor) and repeats.dtype is not torch.int64:
        repeats = repeats.to(torch.int64)  # torch's kernel takes int64 counts only
    if x.dtype in (torch.uint16, torch.uint32, torch.uint64):
        # no kernel for the wide unsigned types: their bits, repeated as int64, cast back
        return torch.repeat_interleave(x.to(torch.int64), repeats, dim=axis).to(x.dtype)
    return torch.repeat_interleave(x, repeats, dim=axis)


def broadcast_arrays(*arrays: Tensor) -> list[Tensor]:
    return list(xp.broadcast_arrays(*arrays))


def tile(x: Tensor, repetitions: Sequence[int], /) -> Tensor:
    return torch.tile(x, tuple(repetitions))


def take(x: Tensor, indices: Tensor, /, *, axis: int | None = None) -> Tensor:
    if axis is None:
        if x.ndim != 1:
            raise ValueError(
                f"take needs axis= for a {x.ndim}-d array; axis may be omitted only for 1-d input"
            )
        axis = 0
    size = x.shape[axis]
    check_indices("take", indices, size, axis, _extrema(indices))
    return torch.index_select(x, axis, torch.where(indices < 0, indices + size, indices))


def take_along_axis(x: Tensor, indices: Tensor, /, *, axis: int = -1) -> Tensor:
    size = x.shape[axis]
    check_indices("take_along_axis", indices, size, axis, _extrema(indices))
    return torch.take_along_dim(x, torch.where(indices < 0, indices + size, indices), dim=axis)


def _extrema(indices: Tensor) -> tuple[int, int] | None:
    if not isinstance(indices, Tensor) or indices.dtype.is_floating_point or indices.dtype is torch.bool:
        raise TypeError(
            f"indices must be an integer tensor, got {type(indices).__name__} "
            f"of dtype {getattr(indices, 'dtype', None)}"
        )
    if indices.numel() == 0:
        return None
    both = torch.aminmax(indices)  # one pass, one device sync
    return int(both.min), int(both.max)


def split_sizes(x: Tensor, sizes: list[int], /, axis: int = 0) -> tuple[Tensor, ...]:
    return torch.split(x, list(sizes), dim=axis)
