"""Sparse layers as functions: ``embedding``.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.embedding(ug.asarray([[0, 2]]), ug.ones((3, 4))).shape)
    (1, 2, 4)
"""

from __future__ import annotations

from ...dtypes import int64
from ...ops import binary, creation, manipulation
from ...types import Array
from ._dispatch import current_backend, failed
from .loss import _labels

__all__ = ["embedding", "one_hot"]


def embedding(indices: Array, weight: Array) -> Array:
    """Rows of ``weight`` at integer ``indices``; indices outside the table raise
    :class:`unigrad.IndexOutOfRangeError` on every backend."""
    try:
        return current_backend().nn_embedding(indices, weight)
    except Exception as exc:
        return failed(exc, "nn_embedding", indices, weight)


def one_hot(tensor: Array, num_classes: int = -1) -> Array:
    """``(*, num_classes)`` int64, 1 at each class index of ``tensor`` (``-1``: the largest index + 1).

    As ``torch.nn.functional.one_hot``; a float ``tensor`` or an index outside
    ``[0, num_classes)`` raises :class:`unigrad.LabelError`.
    """
    from ...ops.conversion import to_numpy

    where = "ug.nn.functional.one_hot"
    if num_classes == -1:  # the classes are the values': read them (no graph can)
        _labels(tensor, where, 0, 2**63 - 1, "class indices must be >= 0")
        values = to_numpy(tensor)
        num_classes = int(values.max()) + 1 if values.size else 0
    expected = f"class indices must be in [0, {num_classes - 1}] for num_classes={num_classes}"
    return _one_hot(_labels(tensor, where, 0, num_classes, expected), num_classes)


def _one_hot(labels: Array, n_classes: int) -> Array:
    """``(..., n_classes)`` int64 with 1 at each label, unchecked."""
    from ...ops.conversion import device_of

    classes = creation.arange(n_classes, dtype=int64, device=device_of(labels))
    return creation.astype(binary.equal(manipulation.expand_dims(labels, axis=-1), classes), int64)
