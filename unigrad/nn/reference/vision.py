"""The reference definitions of ``interpolate`` and ``grid_sample``.

``grid_sample`` turns normalized coordinates into pixel ones with torch's
formulas, applies the padding mode, and gathers the neighbouring pixels
(``take_along_axis``), so the gradient reaches both the input and the grid.

Resampling is separable: along each spatial axis the output is a fixed
``(out, in)`` weight matrix times the input, the weights computed on the host
with torch's source-index formulas (nearest and nearest-exact in float32 as
torch's kernels, linear and cubic in the input's precision), so every backend
computes torch's values and the gradient is the transposed matrix.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...ops import binary, creation, manipulation, products, unary
from ...ops.conversion import device_of
from ...ops.searching import where
from ...types import Array

__all__ = ["interpolate", "grid_sample"]

_CUBIC_A = -0.75


def _cubic(t: np.ndarray) -> list[np.ndarray]:
    """Keys' cubic convolution weights (A = -0.75, as torch) for the four taps around ``t``."""
    a = _CUBIC_A

    def near(x: np.ndarray) -> np.ndarray:
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x: np.ndarray) -> np.ndarray:
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    one = np.ones_like(t)
    return [far(t + one), near(t), near(one - t), far(2 * one - t)]


def _weights(
    size_in: int, size_out: int, mode: str, align_corners: bool, scale: float | None, dtype: np.dtype
) -> np.ndarray:
    """The ``(out, in)`` matrix that resamples one axis as torch's kernel does."""
    weights = np.zeros((size_out, size_in), dtype)
    rows = np.arange(size_out)
    if mode in ("nearest", "nearest-exact"):
        f32 = np.float32
        step = f32(1.0 / scale) if scale else f32(size_in) / f32(size_out)
        shift = f32(0.5) if mode == "nearest-exact" else f32(0.0)
        source = np.floor((rows.astype(f32) + shift) * step).astype(np.int64)
        weights[rows, np.minimum(source, size_in - 1)] = 1
        return weights
    if mode == "area":  # adaptive average pooling
        for i in range(size_out):
            start = (i * size_in) // size_out
            end = -(-((i + 1) * size_in) // size_out)
            weights[i, start:end] = 1.0 / (end - start)
        return weights
    if align_corners:
        step = dtype.type((size_in - 1) / (size_out - 1)) if size_out > 1 else dtype.type(0)
        source = rows.astype(dtype) * step
    else:
        step = dtype.type(1.0 / scale) if scale else dtype.type(size_in) / dtype.type(size_out)
        source = (rows.astype(dtype) + dtype.type(0.5)) * step - dtype.type(0.5)
        if mode != "bicubic":
            source = np.maximum(source, dtype.type(0))
    if mode == "bicubic":
        base = np.floor(source).astype(np.int64)
        for offset, weight in zip(range(-1, 3), _cubic((source - base).astype(dtype)), strict=True):
            np.add.at(weights, (rows, np.clip(base + offset, 0, size_in - 1)), weight)
        return weights
    low = source.astype(np.int64)
    high = np.minimum(low + 1, size_in - 1)
    fraction = (source - low).astype(dtype)
    np.add.at(weights, (rows, low), 1 - fraction)
    np.add.at(weights, (rows, high), fraction)
    return weights


def interpolate(
    x: Array, size: Sequence[int], scales: Sequence[float] | None, mode: str, align_corners: bool
) -> Array:
    """``x`` (``(N, C, *spatial)``) resampled to ``size`` in ``mode``, as torch's ``interpolate``.

    ``scales``: the scale factors the caller gave (torch then steps by their
    inverse), or ``None`` to step by ``in / out``.
    """
    spatial = tuple(int(n) for n in x.shape[2:])
    factors: Sequence[float | None] = scales if scales is not None else (None,) * len(spatial)
    dtype = np.dtype(np.float64 if "float64" in str(x.dtype) else np.float32)
    for axis, (size_in, size_out, scale) in enumerate(zip(spatial, size, factors, strict=True), start=2):
        if size_in == size_out and scale in (None, 1.0) and mode != "bicubic":
            continue  # the identity (nearest, linear and area weights are the unit matrix)
        weights = _weights(size_in, size_out, mode, bool(align_corners), scale, dtype)
        matrix = creation.asarray(weights.T, dtype=x.dtype, device=device_of(x))
        moved = manipulation.moveaxis(x, axis, -1)
        x = manipulation.moveaxis(products.matmul(moved, matrix), -1, axis)
    return x


def _reflect(coord: Array, twice_low: int, twice_high: int) -> Array:
    """torch's ``reflect_coordinates``: fold ``coord`` into ``[twice_low / 2, twice_high / 2]``."""
    if twice_low == twice_high:
        return creation.zeros_like(coord)
    low, span = twice_low / 2, (twice_high - twice_low) / 2
    distance = unary.abs(coord - low)
    flips = unary.floor(distance / span)
    extra = distance - flips * span
    even = binary.equal(flips - 2.0 * unary.floor(flips / 2.0), 0.0)
    return where(even, extra + low, span - extra + low)


def _source(coord: Array, size: int, padding_mode: str, align_corners: bool) -> Array:
    """Normalized coordinates to pixel ones, with the padding mode applied (as torch's)."""
    coord = (coord + 1.0) / 2.0 * (size - 1) if align_corners else ((coord + 1.0) * size - 1.0) / 2.0
    if padding_mode == "reflection":
        coord = _reflect(coord, 0, 2 * (size - 1)) if align_corners else _reflect(coord, -1, 2 * size - 1)
    if padding_mode in ("border", "reflection"):
        coord = unary.clip(coord, 0.0, float(size - 1))
    return coord


def grid_sample(input: Array, grid: Array, mode: str, padding_mode: str, align_corners: bool) -> Array:
    """``input`` ``(N, C, H, W)`` sampled at ``grid`` ``(N, Ho, Wo, 2)``: bilinear or nearest, with
    zeros, border or reflection padding (as torch's)."""
    n, c, height, width = (int(d) for d in input.shape)
    grid_shape = tuple(int(d) for d in grid.shape)
    x = _source(grid[..., 0], width, padding_mode, align_corners)
    y = _source(grid[..., 1], height, padding_mode, align_corners)
    flat = manipulation.reshape(input, (n, c, height * width))
    out_shape = (n, c, grid_shape[1], grid_shape[2])

    def gather(xi: Array, yi: Array) -> Array:
        """``input`` at integer pixels ``(xi, yi)``, 0 where they fall outside."""
        inside = binary.logical_and(
            binary.logical_and(binary.greater_equal(xi, 0.0), binary.less_equal(xi, float(width - 1))),
            binary.logical_and(binary.greater_equal(yi, 0.0), binary.less_equal(yi, float(height - 1))),
        )
        column = creation.astype(unary.clip(xi, 0.0, float(width - 1)), "int64")
        row = creation.astype(unary.clip(yi, 0.0, float(height - 1)), "int64")
        index = manipulation.reshape(row * width + column, (n, 1, -1))
        index = manipulation.broadcast_to(index, (n, c, grid_shape[1] * grid_shape[2]))
        values = manipulation.reshape(manipulation.take_along_axis(flat, index, axis=2), out_shape)
        return values * manipulation.expand_dims(creation.astype(inside, input.dtype), axis=1)

    def weight(w: Array) -> Array:
        return manipulation.expand_dims(w, axis=1)

    if mode == "nearest":
        # (+ 0 * grid: torch gives the grid a zero gradient here, not none)
        return gather(unary.round(x), unary.round(y)) + weight(0.0 * (x + y))
    x0, y0 = unary.floor(x), unary.floor(y)
    x1, y1 = x0 + 1.0, y0 + 1.0

    return (
        gather(x0, y0) * weight((x1 - x) * (y1 - y))
        + gather(x1, y0) * weight((x - x0) * (y1 - y))
        + gather(x0, y1) * weight((x1 - x) * (y - y0))
        + gather(x1, y1) * weight((x - x0) * (y - y0))
    )
