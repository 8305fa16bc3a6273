"""Sampling grids as ``torch.nn.functional``: ``affine_grid`` and ``grid_sample`` (spatial transformers).

``affine_grid`` is written here over ``ug`` ops: torch's base grid of
normalized coordinates mapped through ``theta``. ``grid_sample`` checks its
arguments, then runs the active backend's ``nn_grid_sample``: torch's own
kernel on the torch backend, elsewhere the definition in
:mod:`unigrad.nn.reference.vision` (pixel gathers with torch's formulas).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> theta = ug.asarray([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    >>> tuple(F.affine_grid(theta, (1, 3, 4, 5), align_corners=False).shape)
    (1, 4, 5, 2)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from ...errors import ArgumentError, NotSupportedError, ShapeError
from ...ops import creation, manipulation, products
from ...ops.conversion import device_of
from ...types import Array
from ._dispatch import current_backend, failed
from .padding import known_shape

__all__ = ["affine_grid", "grid_sample"]

_MODES = ("bilinear", "nearest")
_PADDING_MODES = ("zeros", "border", "reflection")


def _corners(align_corners: bool | None, where_: str) -> bool:
    if align_corners is None:
        warnings.warn(
            f"{where_}: the default is align_corners=False (as torch's since 1.3.0); give align_corners=True "
            "for the old behavior",
            UserWarning,
            stacklevel=4,  # (past ug.nn.functional's boundary wrapper)
        )
        return False
    return bool(align_corners)


def _steps(count: int, align_corners: bool) -> np.ndarray:
    """torch's normalized coordinates of ``count`` pixel centres in [-1, 1]."""
    if count <= 1:
        return np.zeros(max(count, 0))
    steps = np.linspace(-1.0, 1.0, count)
    return steps if align_corners else steps * (count - 1) / count


def affine_grid(theta: Array, size: Sequence[int], align_corners: bool | None = None) -> Array:
    """The ``(N, H, W, 2)`` (or ``(N, D, H, W, 3)``) sampling grid of the affine maps ``theta``."""
    corners = _corners(align_corners, "affine_grid")
    size = tuple(int(n) for n in size)
    shape = known_shape(theta, "affine_grid")
    if len(size) not in (4, 5):
        raise ArgumentError(f"affine_grid: size must be 4-D (N, C, H, W) or 5-D (N, C, D, H, W), got {size}")
    dims = len(size) - 2
    if shape != (size[0], dims, dims + 1):
        raise ShapeError(
            f"affine_grid: for a {len(size)}-D size {size}, theta must have shape "
            f"({size[0]}, {dims}, {dims + 1}), got shape {shape}"
        )
    if min(size) <= 0:
        raise ArgumentError(f"affine_grid: size must be positive, got {size}")
    if corners and min(size[2:]) == 1:
        warnings.warn(
            "affine_grid: Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
            "align_corners=True (as torch's): the points of a unit dimension are all at 0",
            UserWarning,
            stacklevel=2,
        )
    spatial = size[2:]
    # base coordinates (x, y[, z], 1), x along the last axis as torch
    axes = [_steps(n, corners) for n in reversed(spatial)]
    mesh = np.meshgrid(*axes, indexing="ij")  # indexed (x, y, z)
    base = np.stack([*mesh, np.ones_like(mesh[0])], axis=-1)
    base = base.transpose(*reversed(range(dims)), dims).reshape(-1, dims + 1)  # to (D, H, W) order
    points = creation.asarray(base, dtype=theta.dtype, device=device_of(theta))
    grid = products.matmul(points, manipulation.permute_dims(theta, (0, 2, 1)))
    return manipulation.reshape(grid, (size[0], *spatial, dims))


def grid_sample(
    input: Array,
    grid: Array,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Array:
    """Sample ``input`` ``(N, C, H, W)`` at ``grid`` ``(N, Ho, Wo, 2)`` (x, y in [-1, 1]), as torch's.

    ``mode``: ``bilinear`` or ``nearest`` (``bicubic`` and 5-D input are not
    supported); ``padding_mode``: ``zeros``, ``border`` or ``reflection``.
    """
    if mode not in _MODES:
        if mode == "bicubic":
            raise NotSupportedError(
                "grid_sample: mode='bicubic' is not supported; use 'bilinear' or 'nearest'"
            )
        raise ArgumentError(f"grid_sample: mode must be 'bilinear' or 'nearest', got {mode!r}")
    if padding_mode not in _PADDING_MODES:
        raise ArgumentError(
            f"grid_sample: padding_mode must be 'zeros', 'border' or 'reflection', got {padding_mode!r}"
        )
    corners = _corners(align_corners, "grid_sample")
    shape, grid_shape = known_shape(input, "grid_sample"), known_shape(grid, "grid_sample")
    if len(shape) == 5:
        raise NotSupportedError("grid_sample: 5-D (volumetric) input is not supported")
    if len(shape) != 4 or len(grid_shape) != 4 or grid_shape[0] != shape[0] or grid_shape[3] != 2:
        raise ShapeError(
            f"grid_sample: expects input (N, C, H, W) and grid (N, H_out, W_out, 2) with the same N, "
            f"got input shape {shape} and grid shape {grid_shape}"
        )
    try:
        return current_backend().nn_grid_sample(input, grid, mode, padding_mode, corners)
    except Exception as exc:
        return failed(exc, "nn_grid_sample", input)
