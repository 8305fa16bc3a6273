"""The reference definition of the connectionist temporal classification loss behind ``F.ctc_loss``.

See :mod:`unigrad.nn.reference` for what a reference definition is. The
forward (alpha) recursion of Graves et al. (2006) in log space, one step per
frame, over the extended label sequence ``blank, l1, blank, l2, ..., blank``.
Its gradient is PyTorch's (and TensorFlow's): not the exact derivative with
respect to ``log_probs``, ``-posterior``, but ``exp(log_probs) - posterior``,
the gradient with respect to the logits before a ``log_softmax`` (through a
``log_softmax`` the two agree). A term whose value is exactly zero,
``exp(lp) - stop_gradient(exp(lp))`` summed over the frames each sequence
has, adds the ``exp(log_probs)`` part.
"""

from __future__ import annotations

import math
from typing import Any

from ...autograd import stop_gradient
from ...ops import binary, creation, manipulation, statistical, unary
from ...ops.conversion import device_of
from ...ops.searching import where

__all__ = ["ctc_loss"]


def _logsumexp(*terms: Any) -> Any:
    """``log(sum(exp(terms)))`` elementwise, ``-inf`` where every term is, with finite gradients."""
    stacked = manipulation.stack(terms, axis=0)
    top = statistical.max(stacked, axis=0)
    finite = unary.isfinite(top)
    shift = where(finite, top, creation.zeros_like(top))
    total = statistical.sum(unary.exp(stacked - shift), axis=0)
    empty = binary.equal(total, 0.0)
    safe = where(empty, creation.ones_like(total), total)
    return where(empty, creation.full_like(total, -math.inf), shift + unary.log(safe))


def _shifted(x: Any, by: int) -> Any:
    """``x`` (N, S) moved ``by`` places to the right along S, ``-inf`` coming in."""
    pad = creation.full((int(x.shape[0]), by), -math.inf, dtype=x.dtype, device=device_of(x))
    return manipulation.concat([pad, x[:, : int(x.shape[1]) - by]], axis=1)


def ctc_loss(
    log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any, blank: int, zero_infinity: bool
) -> Any:
    """``-log p(target | input)`` per sample, ``(N,)``: ``log_probs`` ``(T, N, C)``, ``targets`` ``(N, S)``
    (padded; int64), lengths ``(N,)`` (int64, already checked); 0 where infinite if ``zero_infinity``."""
    frames, batch = int(log_probs.shape[0]), int(log_probs.shape[1])
    labels = int(targets.shape[1])
    width = 2 * labels + 1
    device = device_of(log_probs)
    position = creation.arange(width, dtype=targets.dtype, device=device)
    odd = binary.equal(binary.remainder(position, 2), 1)
    label_at = manipulation.take(
        targets, binary.floor_divide(binary.maximum(position - 1, 0), 2), axis=1
    )  # (N, width): the label an odd position stands for
    extended = where(odd, label_at, creation.full_like(label_at, blank))
    # a skip over a blank, from s - 2 to s: only onto a label that differs from the one before
    before = manipulation.concat([extended[:, :2], extended[:, : width - 2]], axis=1)
    skip = binary.logical_and(odd, binary.not_equal(extended, before))
    skip = binary.logical_and(skip, binary.greater_equal(position, 2))
    minus_inf = creation.full((batch, width), -math.inf, dtype=log_probs.dtype, device=device)
    start = binary.less(position, 2)
    alpha = None
    for t in range(frames):
        emit = manipulation.take_along_axis(log_probs[t], extended, axis=1)  # (N, width)
        if alpha is None:
            alpha = where(start, emit, minus_inf)
            continue
        two_back = where(skip, _shifted(alpha, 2), minus_inf)
        step = _logsumexp(alpha, _shifted(alpha, 1), two_back) + emit
        running = manipulation.expand_dims(binary.less(t, input_lengths), axis=1)
        alpha = where(running, step, alpha)
    assert alpha is not None, "ctc_loss needs at least one frame"
    last = manipulation.expand_dims(2 * target_lengths, axis=1)
    ends = manipulation.concat(
        [
            manipulation.take_along_axis(alpha, last, axis=1),
            manipulation.take_along_axis(alpha, binary.maximum(last - 1, 0), axis=1),
        ],
        axis=1,
    )
    ends = where(
        binary.logical_and(binary.equal(last, 0), binary.equal(position[:2], 1)), minus_inf[:, :2], ends
    )
    loss = unary.negative(_logsumexp(ends[:, 0], ends[:, 1]))
    frame = creation.arange(frames, dtype=input_lengths.dtype, device=device)
    seen = creation.astype(
        binary.less(manipulation.expand_dims(frame, axis=1), input_lengths), log_probs.dtype
    )  # (T, N): the frames each sequence has
    probs = unary.exp(log_probs)
    loss = loss + statistical.sum(statistical.sum(probs - stop_gradient(probs), axis=2) * seen, axis=0)
    if zero_infinity:
        loss = where(unary.isinf(loss), creation.zeros_like(loss), loss)
    return loss
