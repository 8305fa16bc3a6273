"""Sparse layers as functions: ``embedding``, ``embedding_bag``, ``one_hot``.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.embedding(ug.asarray([[0, 2]]), ug.ones((3, 4))).shape)
    (1, 2, 4)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...dtypes import int64
from ...errors import (
    ArgumentError,
    ArgumentTypeError,
    IndexOutOfRangeError,
    NotSupportedError,
    ShapeError,
    UnigradError,
)
from ...ops import binary, creation, manipulation, searching, statistical
from ...types import Array
from ._dispatch import current_backend, failed
from .loss import _labels

__all__ = ["embedding", "embedding_bag", "one_hot"]


class SparseGradientError(UnigradError, NotImplementedError):
    """``sparse=True``: unigrad computes dense gradients only (on every backend)."""


def sparse_gradient_error(where: str) -> SparseGradientError:
    return SparseGradientError(
        f"{where}: sparse=True asks for sparse gradients, which unigrad does not support (its gradients "
        "are dense on every backend); pass sparse=False"
    )


def embedding(
    input: Array,
    weight: Array,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Array:
    """Rows of ``weight`` at the integer indices ``input``: ``(*input.shape, embedding_dim)``, as torch's.

    Indices outside the table raise :class:`unigrad.IndexOutOfRangeError` on
    every backend (negative ones count from the end). ``padding_idx``: that
    row gets no gradient. ``max_norm``: each row looked up whose
    ``norm_type``-norm exceeds it is first scaled to norm ``max_norm`` (as
    torch: ``max_norm / (norm + 1e-7)``), without a gradient; ``weight`` is
    changed in place where it is a :class:`ug.nn.Parameter` (as torch changes
    its tensor), else only the rows returned are scaled. ``scale_grad_by_freq``:
    each looked-up row's gradient is divided by how often its index occurs in
    ``input``. ``sparse=True`` raises: unigrad's gradients are dense.
    """
    where = "ug.nn.functional.embedding"
    if sparse:
        raise sparse_gradient_error(where)
    _check_weight(weight, where)
    padding_idx = _padding_index(padding_idx, int(weight.shape[0]), where)
    if max_norm is not None:
        weight = renorm_rows(input, weight, max_norm, norm_type)
    try:
        rows = current_backend().nn_embedding(input, weight)
    except Exception as exc:
        rows = failed(exc, "nn_embedding", input, weight)
    if padding_idx is None and not scale_grad_by_freq:
        return rows
    return _scaled_gradient(rows, input, int(weight.shape[0]), padding_idx, scale_grad_by_freq)


def _check_weight(weight: Array, where: str) -> None:
    if len(weight.shape) != 2:
        raise ShapeError(f"{where}: weight has to be a 2-d tensor, got shape {tuple(weight.shape)}")


def _padding_index(padding_idx: int | None, num_embeddings: int, where: str) -> int | None:
    """``padding_idx`` as a row in ``[0, num_embeddings)`` (negative ones count from the end)."""
    if padding_idx is None:
        return None
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise IndexOutOfRangeError(
            f"{where}: padding_idx {padding_idx} must be within num_embeddings ({num_embeddings}), "
            f"in [{-num_embeddings}, {num_embeddings - 1}]"
        )
    return int(padding_idx) % num_embeddings


def _flat_rows(indices: Array, num_embeddings: int) -> Array:
    """``indices`` flattened, with negative ones counted from the end."""
    flat = manipulation.reshape(indices, (-1,))
    return searching.where(binary.less(flat, 0), binary.add(flat, num_embeddings), flat)


def renorm_rows(indices: Array, weight: Array, max_norm: float, norm_type: float) -> Array:
    """``weight`` with each row named in ``indices`` scaled down to norm ``max_norm`` where its norm is
    larger, as ``torch.embedding_renorm_``; in place (unrecorded) where ``weight`` is a Parameter."""
    from ...autograd import no_grad, stop_gradient
    from ...linalg import vector_norm
    from ..parameter import Parameter

    num_embeddings = int(weight.shape[0])
    with no_grad():
        flat = _flat_rows(indices, num_embeddings)
        used = searching.isin(creation.arange(num_embeddings, dtype=flat.dtype, device=_device(flat)), flat)
        values = stop_gradient(weight)
        norms = vector_norm(values, axis=-1, ord=norm_type)
        scale = binary.divide(max_norm, binary.add(norms, 1e-7))
        scale = searching.where(binary.logical_and(used, binary.greater(norms, max_norm)), scale, 1.0)
        scaled = binary.multiply(values, manipulation.expand_dims(scale, axis=-1))
        if isinstance(weight, Parameter):
            variable: Any = weight  # (a native variable: Parameter is only the type that recognises one)
            variable.assign(scaled)
            return variable
    return scaled


def _device(x: Array) -> str:
    from ...ops.conversion import device_of

    return device_of(x)


def _scaled_gradient(
    rows: Array, indices: Array, num_embeddings: int, padding_idx: int | None, by_freq: bool
) -> Array:
    """``rows`` unchanged, with the gradient of each row scaled: 0 at ``padding_idx``, and by
    1 / (occurrences of its index in ``indices``) when ``by_freq``."""
    from ...autograd import stop_gradient

    flat = _flat_rows(indices, num_embeddings)
    scale: Any = None
    if by_freq:
        ordered = searching.sort(flat)
        counts = binary.subtract(
            searching.searchsorted(ordered, flat, side="right"), searching.searchsorted(ordered, flat)
        )
        scale = binary.divide(1.0, creation.astype(counts, rows.dtype))
    if padding_idx is not None:
        keep = binary.not_equal(flat, padding_idx)
        scale = creation.astype(keep, rows.dtype) if scale is None else searching.where(keep, scale, 0.0)
    scale = manipulation.reshape(scale, (*tuple(indices.shape), 1))
    held = stop_gradient(rows)
    # the value is rows' own (held + 0); the gradient reaches rows through the second term only
    return binary.add(held, binary.multiply(binary.subtract(rows, held), scale))


def embedding_bag(
    input: Array,
    weight: Array,
    offsets: Array | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Array | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Array:
    """Sums, means or maxima of bags of embeddings: ``(bags, embedding_dim)``, as torch's.

    ``input`` is ``(bags, n)`` (each row a bag of ``n`` indices; ``offsets``
    must be None) or 1-d with ``offsets``, the start of each bag in it (the
    first 0; with ``include_last_offset`` one more, the end of the last bag).
    An empty bag gives zeros. ``per_sample_weights`` (``input``'s shape, only
    for ``mode="sum"``) weighs each looked-up row. ``padding_idx``: those
    entries are left out of their bag (and of a mean's count) and get no
    gradient. ``max_norm``, ``norm_type``, ``scale_grad_by_freq`` are as in
    :func:`embedding`. Written over unigrad ops: the 1-d form reads ``offsets``
    on the host (so it cannot run inside a traced graph; the 2-d form can).
    """
    where = "ug.nn.functional.embedding_bag"
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ShapeError(
            f"{where}: per_sample_weights of shape {tuple(per_sample_weights.shape)} must have the shape "
            f"of the input {tuple(input.shape)}"
        )
    if len(weight.shape) != 2:
        raise ShapeError(f"{where}: weight has to be a 2-d tensor, got shape {tuple(weight.shape)}")
    if mode not in ("sum", "mean", "max"):
        raise ArgumentError(f"{where}: mode has to be one of sum, mean or max, got {mode!r}")
    if mode == "max" and scale_grad_by_freq:
        raise ArgumentError(f"{where}: max mode does not support scaling the gradient by the frequency")
    if sparse:
        raise sparse_gradient_error(where)
    if per_sample_weights is not None and mode != "sum":
        raise NotSupportedError(
            f"{where}: per_sample_weights is only supported for mode='sum' (got mode={mode!r})"
        )
    rank = len(input.shape)
    if rank == 2:
        if offsets is not None:
            raise ShapeError(
                f"{where}: offsets must be None for a 2-d input, which holds one bag per row "
                f"(got offsets of shape {tuple(offsets.shape)})"
            )
        bags, length = (int(d) for d in input.shape)
        positions = valid = None
    elif rank == 1:
        if offsets is None or len(offsets.shape) != 1:
            found = "None" if offsets is None else f"shape {tuple(offsets.shape)}"
            raise ShapeError(f"{where}: a 1-d input needs offsets, a 1-d tensor, got {found}")
        positions, valid = _bag_positions(offsets, int(input.shape[0]), include_last_offset, where)
        bags, length = positions.shape
    else:
        raise ShapeError(f"{where}: input has to be a 1-d or 2-d tensor, got shape {tuple(input.shape)}")
    dim = int(weight.shape[1])
    padding_idx = _padding_index(padding_idx, int(weight.shape[0]), where)
    flat = manipulation.reshape(input, (-1,))
    rows = embedding(flat, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)  # (entries, dim)
    if per_sample_weights is not None:
        weights = manipulation.reshape(per_sample_weights, (-1, 1))
        rows = binary.multiply(rows, creation.astype(weights, rows.dtype))
    keep = (
        None if padding_idx is None else binary.not_equal(_flat_rows(flat, int(weight.shape[0])), padding_idx)
    )
    if length == 0 or (positions is not None and int(flat.shape[0]) == 0):
        return creation.zeros((bags, dim), dtype=rows.dtype, device=_device(rows))
    if positions is None:
        rows = manipulation.reshape(rows, (bags, length, dim))
        mask = None if keep is None else manipulation.reshape(keep, (bags, length))
    else:
        at = creation.asarray(positions.reshape(-1), device=_device(rows))
        rows = manipulation.reshape(manipulation.take(rows, at, axis=0), (bags, length, dim))
        mask = creation.asarray(valid, device=_device(rows))
        if keep is not None:
            kept = manipulation.reshape(manipulation.take(keep, at, axis=0), (bags, length))
            mask = binary.logical_and(mask, kept)
    if mode == "max":
        if mask is None:
            return statistical.max(rows, axis=1)
        expanded = manipulation.expand_dims(mask, axis=-1)
        largest = statistical.max(searching.where(expanded, rows, -math.inf), axis=1)
        return searching.where(statistical.any(mask, axis=1, keepdims=True), largest, 0.0)
    if mask is not None:
        rows = searching.where(manipulation.expand_dims(mask, axis=-1), rows, 0.0)
    total = statistical.sum(rows, axis=1)
    if mode == "sum":
        return total
    if mask is None:
        return binary.divide(total, float(length))
    count = statistical.sum(creation.astype(mask, rows.dtype), axis=1, keepdims=True)
    return binary.divide(total, binary.maximum(count, 1.0))


def _bag_positions(
    offsets: Array, entries: int, include_last_offset: bool, where: str
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Where each bag's entries are in a 1-d input, ``(bags, longest)``, and which of those are real."""
    from ...ops.conversion import to_numpy

    starts = np.asarray(to_numpy(offsets))
    if starts.dtype.kind not in "iu":
        raise ArgumentTypeError(f"{where}: offsets must be an integer tensor, got dtype {starts.dtype}")
    starts = starts.astype(np.int64)
    if include_last_offset:
        if starts.size == 0:
            raise ShapeError(f"{where}: include_last_offset needs at least one offset (the end of the input)")
        starts, ends = starts[:-1], starts[1:]
    else:
        ends = np.append(starts[1:], entries)
    if starts.size and starts[0] != 0:
        raise ShapeError(f"{where}: offsets[0] has to be 0, the start of the first bag, got {starts[0]}")
    if (ends < starts).any() or (ends.size and ends.max() > entries):
        raise ShapeError(
            f"{where}: offsets must be non-decreasing and within the input of {entries} entries, got "
            f"{np.asarray(to_numpy(offsets)).tolist()}"
        )
    sizes = ends - starts
    longest = int(sizes.max()) if sizes.size else 0
    steps = np.arange(longest, dtype=np.int64)
    valid = steps[None, :] < sizes[:, None]
    positions = np.where(valid, starts[:, None] + steps[None, :], 0)
    return positions, valid


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
