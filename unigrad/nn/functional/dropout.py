"""Dropout as ``torch.nn.functional``: ``dropout``, ``dropout1d/2d/3d``, ``alpha_dropout``,
``feature_alpha_dropout``, with masks from :mod:`unigrad.random`.

The mask is drawn on the host from :mod:`unigrad.random`, so the same seed drops
the same elements (or channels) on every backend. Out of training each is the
identity. ``inplace`` is accepted, as torch's, and computes out of place.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> ug.to_numpy(F.dropout(ug.ones((3,)), p=0.5, training=False)).tolist()
    [1.0, 1.0, 1.0]
"""

from __future__ import annotations

import math
import warnings

from ...errors import ArgumentError, ShapeError
from ...ops import creation
from ...ops.conversion import device_of
from ...types import Array
from .padding import known_shape

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

# SELU's negative saturation, -scale * alpha: alpha dropout drops to it (Klambauer et al. 2017)
_ALPHA = 1.7580993408473766


def check_probability(name: str, p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ArgumentError(f"{name}: dropout probability must be in [0, 1], got {p}")


def _drops(name: str, p: float, training: bool) -> bool:
    """Whether dropout ``name`` drops anything (``p`` checked first): not in eval mode, nor at ``p == 0``."""
    check_probability(name, p)
    return training and p != 0.0


def _deprecated_rank(name: str, shape: tuple[int, ...], batched: int) -> None:
    """torch's warning for an input of neither ``batched - 1`` nor ``batched`` dimensions."""
    warnings.warn(
        f"{name}: Received a {len(shape)}-D input to {name}, which is deprecated; "
        f"expected a {batched - 1}-D or {batched}-D input",
        UserWarning,
        stacklevel=4,  # (the caller of the public function, past ug.nn.functional's boundary wrapper)
    )


def _drop(x: Array, p: float, mask_shape: tuple[int, ...], alpha: bool) -> Array:
    """``x`` times a keep mask of ``mask_shape`` (broadcast), scaled as torch's ``_dropout_impl``."""
    if p == 1.0:
        return creation.zeros_like(x)
    from ... import random

    keep = random.bernoulli(1.0 - p, mask_shape, dtype=x.dtype, device=device_of(x))
    if not alpha:
        return x * keep * (1.0 / (1.0 - p))
    # the dropped units go to -_ALPHA, then a and b restore zero mean and unit variance
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1.0) * (1.0 - p))
    return x * (keep * a) + ((keep - 1.0) * (_ALPHA * a) + _ALPHA * a * p)


def _feature_mask(shape: tuple[int, ...]) -> tuple[int, ...]:
    """One draw per (sample, channel): the first two dimensions, the rest broadcast."""
    return shape[:2] + (1,) * (len(shape) - 2)


def dropout(x: Array, p: float = 0.5, training: bool = True, inplace: bool = False) -> Array:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``."""
    if not _drops("dropout", p, training):
        return x
    return _drop(x, p, known_shape(x, "dropout"), alpha=False)


def alpha_dropout(x: Array, p: float = 0.5, training: bool = False, inplace: bool = False) -> Array:
    """Dropout that keeps SELU's self-normalization: dropped elements go to SELU's saturation value,
    then an affine map restores the mean and variance."""
    if not _drops("alpha_dropout", p, training):
        return x
    return _drop(x, p, known_shape(x, "alpha_dropout"), alpha=True)


def _channels(name: str, x: Array, shape: tuple[int, ...], p: float, training: bool, dims: int) -> Array:
    """Drop whole channels of a ``(N, C, *spatial)`` input, or of an unbatched ``(C, *spatial)`` one."""
    if not _drops(name, p, training):
        return x
    if len(shape) != dims + 2:  # unbatched, as torch reads anything but (N, C, *spatial)
        return _drop(x, p, shape[:1] + (1,) * (len(shape) - 1), alpha=False)
    return _drop(x, p, _feature_mask(shape), alpha=False)


def dropout1d(x: Array, p: float = 0.5, training: bool = True, inplace: bool = False) -> Array:
    """Zero whole channels of an ``(N, C, L)`` or ``(C, L)`` input with probability ``p``."""
    shape = known_shape(x, "dropout1d")
    if len(shape) not in (2, 3):
        raise ShapeError(f"dropout1d: expects a 2-D (C, L) or 3-D (N, C, L) input, got shape {shape}")
    return _channels("dropout1d", x, shape, p, training, 1)


def dropout2d(x: Array, p: float = 0.5, training: bool = True, inplace: bool = False) -> Array:
    """Zero whole channels of an ``(N, C, H, W)`` or ``(C, H, W)`` input with probability ``p``.

    As torch, a 3-D input is read as ``(N, C, L)`` (channel-wise 1-D dropout),
    with a warning.
    """
    shape = known_shape(x, "dropout2d")
    if len(shape) == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
            "behavior is desired - input is interpreted as shape (N, C, L); use dropout1d for that",
            UserWarning,
            stacklevel=3,  # (past ug.nn.functional's boundary wrapper)
        )
    elif len(shape) != 4:
        _deprecated_rank("dropout2d", shape, 4)
    if not _drops("dropout2d", p, training):
        return x
    return _drop(x, p, _feature_mask(shape), alpha=False)


def dropout3d(x: Array, p: float = 0.5, training: bool = True, inplace: bool = False) -> Array:
    """Zero whole channels of an ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input with probability ``p``."""
    shape = known_shape(x, "dropout3d")
    if len(shape) not in (4, 5):
        _deprecated_rank("dropout3d", shape, 5)
    return _channels("dropout3d", x, shape, p, training, 3)


def feature_alpha_dropout(x: Array, p: float = 0.5, training: bool = False, inplace: bool = False) -> Array:
    """:func:`alpha_dropout` of whole channels (dim 1): one draw per sample and channel."""
    if not _drops("feature_alpha_dropout", p, training):
        return x
    return _drop(x, p, _feature_mask(known_shape(x, "feature_alpha_dropout")), alpha=True)
