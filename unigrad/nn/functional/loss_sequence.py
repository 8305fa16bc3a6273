"""Sequence losses: ``ctc_loss``, as ``torch.nn.functional.ctc_loss``.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> log_probs = F.log_softmax(ug.zeros((5, 1, 3)), dim=2)  # 5 frames, 1 sequence, blank + 2 labels
    >>> loss = F.ctc_loss(log_probs, ug.asarray([[1, 2]]), [5], [2], reduction="sum")
    >>> round(float(ug.to_numpy(loss)), 4)  # -log(35 alignments / 3**5)
    1.9377
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...dtypes import int64, isdtype
from ...errors import DTypeError, ShapeError
from ...ops import binary, creation, manipulation, statistical
from ...ops.conversion import device_of, to_numpy
from ...ops.creation import asarray
from ...types import Array
from ._dispatch import current_backend, failed
from .loss import _reduce

__all__ = ["ctc_loss"]

Lengths = Array | Sequence[int]
WHERE = "ug.nn.functional.ctc_loss"


def _lengths(lengths: Lengths, batch: int, name: str) -> np.ndarray:
    values = np.asarray(lengths if isinstance(lengths, (list, tuple)) else to_numpy(lengths))
    if values.shape != (batch,) or not np.issubdtype(values.dtype, np.integer):
        raise ShapeError(
            f"{WHERE}: {name} must be {batch} integers (one per sequence), got {values.dtype} of shape "
            f"{values.shape}"
        )
    return values.astype(np.int64)


def _padded_targets(targets: Array, target_lengths: np.ndarray, batch: int) -> Array:
    """``(N, S)`` targets as given, or the concatenated 1-D form cut into padded rows."""
    shape = tuple(int(d) for d in targets.shape)
    if len(shape) == 2 and shape[0] == batch:
        longest = int(target_lengths.max(initial=0))
        if longest > shape[1]:
            raise ShapeError(f"{WHERE}: a target length {longest} exceeds the targets' {shape[1]} columns")
        return targets
    if len(shape) == 1:
        if int(target_lengths.sum()) != shape[0]:
            raise ShapeError(
                f"{WHERE}: concatenated targets hold {shape[0]} labels, the target lengths add up to "
                f"{int(target_lengths.sum())}"
            )
        flat = to_numpy(targets)
        rows = np.zeros((batch, max(int(target_lengths.max(initial=0)), 1)), np.int64)
        for i, start in enumerate(np.concatenate([[0], np.cumsum(target_lengths)[:-1]])):
            rows[i, : target_lengths[i]] = flat[start : start + target_lengths[i]]
        return asarray(rows, device=device_of(targets))
    raise ShapeError(
        f"{WHERE}: targets must be (N, S) padded or 1-D concatenated (N={batch}), got shape {shape}"
    )


def ctc_loss(
    log_probs: Array,
    targets: Array,
    input_lengths: Lengths,
    target_lengths: Lengths,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Array:
    """The connectionist temporal classification loss, as ``torch.nn.functional.ctc_loss``.

    ``log_probs`` is ``(T, N, C)`` (or ``(T, C)`` unbatched), log-probabilities
    over ``C`` classes including ``blank``; ``targets`` ``(N, S)`` padded or
    1-D concatenated labels; ``input_lengths`` / ``target_lengths`` one
    integer per sequence (arrays, lists or tuples). ``reduction="mean"``
    divides each sequence's loss by its target length, then averages over the
    batch, as PyTorch. ``zero_infinity`` replaces the infinite loss of an
    impossible alignment (a target longer than its input allows) and its
    gradient by zero. The gradient is PyTorch's, ``exp(log_probs) - posterior``
    (the gradient with respect to the logits when ``log_probs`` comes from a
    ``log_softmax``, as it should).
    """
    shape = tuple(int(d) for d in log_probs.shape)
    unbatched = len(shape) == 2
    if len(shape) not in (2, 3):
        raise ShapeError(f"{WHERE}: log_probs must be (T, N, C) or (T, C), got shape {shape}")
    if not isdtype(log_probs.dtype, "real floating"):
        raise DTypeError(f"{WHERE}: log_probs must be floating point, got {log_probs.dtype}")
    if not 0 <= blank < shape[-1]:
        raise ShapeError(f"{WHERE}: blank {blank} is not one of the {shape[-1]} classes")
    if unbatched:
        log_probs = manipulation.expand_dims(log_probs, axis=1)
        targets = manipulation.expand_dims(targets, axis=0) if len(targets.shape) == 1 else targets
        input_lengths = [int(np.asarray(to_numpy(asarray(input_lengths))).reshape(-1)[0])]
        target_lengths = [int(np.asarray(to_numpy(asarray(target_lengths))).reshape(-1)[0])]
    frames, batch = int(log_probs.shape[0]), int(log_probs.shape[1])
    if not isdtype(targets.dtype, "integral"):
        raise DTypeError(f"{WHERE}: targets must be integer labels, got {targets.dtype}")
    inputs_n = _lengths(input_lengths, batch, "input_lengths")
    targets_n = _lengths(target_lengths, batch, "target_lengths")
    if (inputs_n > frames).any() or (inputs_n < 1).any():
        raise ShapeError(
            f"{WHERE}: input_lengths must be in [1, {frames}] (the frames), got {inputs_n.tolist()}"
        )
    if (targets_n < 0).any():
        raise ShapeError(f"{WHERE}: target_lengths must not be negative, got {targets_n.tolist()}")
    padded = creation.astype(_padded_targets(targets, targets_n, batch), int64)
    device = device_of(log_probs)
    lengths = asarray(inputs_n, device=device), asarray(targets_n, device=device)
    try:
        losses = current_backend().nn_ctc_loss(log_probs, padded, *lengths, blank, zero_infinity)
    except Exception as exc:
        losses = failed(exc, "nn_ctc_loss", log_probs, padded, *lengths, blank, zero_infinity)
    if reduction == "mean":
        per_label = binary.maximum(creation.astype(lengths[1], losses.dtype), 1.0)
        return statistical.mean(losses / per_label)
    if unbatched and reduction == "none":
        return losses[0]
    return _reduce(losses, reduction)
