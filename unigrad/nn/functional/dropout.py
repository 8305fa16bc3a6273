"""Dropout: ``dropout``, with masks from :mod:`unigrad.random`.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> ug.to_numpy(F.dropout(ug.ones((3,)), p=0.5, training=False)).tolist()
    [1.0, 1.0, 1.0]
"""

from __future__ import annotations

from ...ops import creation
from ...ops.conversion import device_of
from ...types import Array

__all__ = ["dropout"]


def dropout(x: Array, p: float = 0.5, training: bool = True) -> Array:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    The mask comes from :mod:`unigrad.random`, so the same seed drops the same
    elements on every backend (it is drawn on the host, a copy per call on a GPU).
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return creation.zeros_like(x)
    from ... import random

    keep = random.bernoulli(1.0 - p, tuple(x.shape), dtype=x.dtype, device=device_of(x))
    return x * keep * (1.0 / (1.0 - p))
