"""Resampling as ``torch.nn.functional``: ``interpolate``, ``pixel_shuffle``, ``pixel_unshuffle``,
``channel_shuffle``.

``interpolate`` checks its arguments and computes the output size as torch
does, then runs the active backend's ``nn_interpolate``: torch's own kernel on
the torch backend, elsewhere the definition in
:mod:`unigrad.nn.reference.vision` (``tf.image.resize`` places its samples
differently from torch for nearest and bicubic, so TensorFlow uses the
reference).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> ug.to_numpy(F.interpolate(ug.asarray([[[1.0, 2.0]]]), scale_factor=2)).tolist()
    [[[1.0, 1.0, 2.0, 2.0]]]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

from ...errors import ArgumentError, NotSupportedError, ShapeError
from ...ops import manipulation
from ...types import Array
from ._dispatch import current_backend, failed
from .padding import known_shape

__all__ = [
    "interpolate",
    "upsample",
    "upsample_nearest",
    "upsample_bilinear",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
    "native_channel_shuffle",
]

MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")
# the interpolating modes and the input rank each takes (batch and channels included)
_RANK = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}


def _as_tuple(value: float | Sequence[float], dims: int, what: str) -> tuple[float, ...]:
    if isinstance(value, (int, float)):
        return (value,) * dims
    value = tuple(value)
    if len(value) != dims:
        raise ShapeError(
            f"interpolate: {what} {value} has {len(value)} values, but the input has {dims} spatial "
            f"dimension(s); give one per spatial dimension or a single number"
        )
    return value


def interpolate(
    x: Array,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Array:
    """Resample the spatial dimensions of ``x`` (``(N, C, *spatial)``), as torch's ``interpolate``.

    Give ``size`` or ``scale_factor`` (not both). ``mode``: ``nearest``,
    ``nearest-exact``, ``linear`` (3-D), ``bilinear``/``bicubic`` (4-D),
    ``trilinear`` (5-D) or ``area``; ``align_corners`` only for the interpolating
    modes (False by default, as torch).
    """
    shape = known_shape(x, "interpolate")
    if mode not in MODES:
        raise ArgumentError(
            f"interpolate: unknown mode {mode!r}; expected one of {', '.join(map(repr, MODES))}"
        )
    if len(shape) not in (3, 4, 5):
        raise ShapeError(f"interpolate: expects a 3-D, 4-D or 5-D (N, C, *spatial) input, got shape {shape}")
    if mode in _RANK and len(shape) != _RANK[mode]:
        fitting = " or ".join(repr(m) for m, rank in _RANK.items() if rank == len(shape))
        raise ShapeError(
            f"interpolate: mode {mode!r} expects a {_RANK[mode]}-D input, got shape {shape}; "
            f"use {fitting} for a {len(shape)}-D input"
        )
    if align_corners is not None and mode not in _RANK:
        raise ArgumentError(
            f"interpolate: align_corners can only be set with the interpolating modes "
            f"(linear, bilinear, bicubic, trilinear), got mode={mode!r}"
        )
    if antialias:
        raise NotSupportedError("interpolate: antialias=True is not supported")
    if (size is None) == (scale_factor is None):
        raise ArgumentError(
            f"interpolate: give exactly one of size and scale_factor, got size={size} and "
            f"scale_factor={scale_factor}"
        )
    spatial = shape[2:]
    if size is not None:
        sizes = tuple(int(s) for s in _as_tuple(size, len(spatial), "size"))
        scales: tuple[float, ...] | None = None
    else:
        assert scale_factor is not None
        factors = tuple(float(f) for f in _as_tuple(scale_factor, len(spatial), "scale_factor"))
        sizes = tuple(math.floor(n * f) for n, f in zip(spatial, factors, strict=True))
        scales = None if recompute_scale_factor else factors
    if any(s <= 0 for s in sizes):
        raise ShapeError(f"interpolate: the output size {sizes} must be positive (input shape {shape})")
    try:
        return current_backend().nn_interpolate(x, sizes, scales, mode, bool(align_corners))
    except Exception as exc:
        return failed(exc, "nn_interpolate", x)


def upsample(
    x: Array,
    size: int | Sequence[int] | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Array:
    """:func:`interpolate`, under torch's older name (deprecated there, and warned of as torch)."""
    _deprecated("upsample")
    return interpolate(x, size, scale_factor, mode, align_corners)


def upsample_nearest(
    x: Array, size: int | Sequence[int] | None = None, scale_factor: float | Sequence[float] | None = None
) -> Array:
    """``interpolate(x, size, scale_factor, mode="nearest")``, torch's deprecated spelling."""
    _deprecated("upsample_nearest")
    return interpolate(x, size, scale_factor, mode="nearest")


def upsample_bilinear(
    x: Array, size: int | Sequence[int] | None = None, scale_factor: float | Sequence[float] | None = None
) -> Array:
    """Bilinear ``interpolate`` with ``align_corners=True``, torch's deprecated spelling."""
    _deprecated("upsample_bilinear")
    return interpolate(x, size, scale_factor, mode="bilinear", align_corners=True)


def _deprecated(name: str) -> None:
    warnings.warn(
        f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` instead.",
        UserWarning,
        stacklevel=3,
    )


def pixel_shuffle(x: Array, upscale_factor: int) -> Array:
    """``(*, C * r**2, H, W)`` to ``(*, C, H * r, W * r)``, as torch's ``pixel_shuffle``."""
    shape = known_shape(x, "pixel_shuffle")
    r = int(upscale_factor)
    if len(shape) < 3 or shape[-3] % (r * r):
        raise ShapeError(
            f"pixel_shuffle: expects an input of at least 3 dimensions whose channels (dim -3) divide by "
            f"upscale_factor**2 = {r * r}, got shape {shape}"
        )
    *batch, channels, height, width = shape
    c = channels // (r * r)
    y = manipulation.reshape(x, (-1, c, r, r, height, width))
    y = manipulation.permute_dims(y, (0, 1, 4, 2, 5, 3))
    return manipulation.reshape(y, (*batch, c, height * r, width * r))


def pixel_unshuffle(x: Array, downscale_factor: int) -> Array:
    """``(*, C, H * r, W * r)`` to ``(*, C * r**2, H, W)``, as torch's ``pixel_unshuffle``."""
    shape = known_shape(x, "pixel_unshuffle")
    r = int(downscale_factor)
    if len(shape) < 3 or shape[-1] % r or shape[-2] % r:
        raise ShapeError(
            f"pixel_unshuffle: expects an input of at least 3 dimensions whose height and width divide by "
            f"downscale_factor = {r}, got shape {shape}"
        )
    *batch, channels, height, width = shape
    y = manipulation.reshape(x, (-1, channels, height // r, r, width // r, r))
    y = manipulation.permute_dims(y, (0, 1, 3, 5, 2, 4))
    return manipulation.reshape(y, (*batch, channels * r * r, height // r, width // r))


def channel_shuffle(x: Array, groups: int) -> Array:
    """Interleave the channels (dim 1) of ``groups`` groups, as torch's ``channel_shuffle``."""
    shape = known_shape(x, "channel_shuffle")
    if len(shape) < 3 or shape[1] % groups:
        raise ShapeError(
            f"channel_shuffle: expects an input of at least 3 dimensions whose channels (dim 1) divide by "
            f"groups = {groups}, got shape {shape}"
        )
    y = manipulation.reshape(x, (shape[0], groups, shape[1] // groups, *shape[2:]))
    y = manipulation.moveaxis(y, 1, 2)
    return manipulation.reshape(y, shape)


def native_channel_shuffle(x: Array, groups: int) -> Array:
    """:func:`channel_shuffle` (torch's name for its kernel without autograd dispatch)."""
    return channel_shuffle(x, groups)
