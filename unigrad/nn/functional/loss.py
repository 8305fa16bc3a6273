"""Losses: the regressions, ``cross_entropy`` and ``nll_loss``.

The binary cross entropies live in :mod:`.loss_binary`, the margin losses in
:mod:`.loss_margin`, the likelihoods of distributions
(``kl_div``, ``poisson_nll_loss``, ``gaussian_nll_loss``) in :mod:`.loss_distribution`.

Written once over the activations and ug ops, with PyTorch's semantics
(``reduction=``, ``weight=``, ``ignore_index=``, ``label_smoothing=``).
Class labels are checked on every backend: one out of range raises
:class:`unigrad.LabelError`, by the host check here or inside the graph,
unless the backend's kernel checks them itself
(:meth:`unigrad.backends.base.Backend.labels_checked_by_kernel`).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> logits = ug.asarray([[2.0, 0.5, -1.0]])
    >>> round(float(ug.to_numpy(F.cross_entropy(logits, ug.asarray([0])))), 4)
    0.2413
"""

from __future__ import annotations

import math
import warnings

from ... import graph_checks
from ...amp import float32_inputs
from ...dtypes import as_dtype, int64, isdtype
from ...errors import ArgumentError, LabelError, ShapeError
from ...ops import binary, creation, manipulation, searching, statistical, unary
from ...types import Array
from ._dispatch import current_backend, failed
from .activation import log_softmax

__all__ = [
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "cross_entropy",
    "nll_loss",
]


def _reduce(loss: Array, reduction: str) -> Array:
    """``loss`` reduced as torch's ``reduction=`` says: ``"mean"``, ``"sum"`` or ``"none"``."""
    if reduction == "mean":
        return statistical.mean(loss)
    if reduction == "sum":
        return statistical.sum(loss)
    if reduction == "none":
        return loss
    raise ArgumentError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _shape(x: Array) -> tuple[int | None, ...]:
    """``x``'s shape as a tuple of ints (``None`` for a size a traced graph does not know yet)."""
    return tuple(d if d is None else int(d) for d in x.shape)


def _broadcast_target(input: Array, target: Array, where: str) -> None:
    """A target of another shape than the input: torch's warning, or a ShapeError if they do not broadcast."""
    if input.shape == target.shape:  # the common case, without building tuples
        return
    shape, target_shape = _shape(input), _shape(target)
    if shape == target_shape:
        return
    for a, b in zip(reversed(shape), reversed(target_shape), strict=False):
        if None not in (a, b) and 1 not in (a, b) and a != b:
            raise ShapeError(
                f"{where}: target shape {target_shape} does not broadcast with input shape {shape}; "
                "give a target of the input's shape"
            )
    warnings.warn(
        f"{where}: using a target size {target_shape} that is different to the input size {shape}; "
        "this will likely lead to incorrect results due to broadcasting",
        UserWarning,
        stacklevel=3,
    )


def _same_shape(input: Array, target: Array, where: str, what: str = "target") -> None:
    """``target`` of exactly ``input``'s shape, or a ShapeError naming the loss."""
    if _shape(input) != _shape(target):
        raise ShapeError(
            f"{where}: {what} shape {_shape(target)} does not match input shape {_shape(input)}; "
            f"give a {what} of the input's shape"
        )


def mse_loss(input: Array, target: Array, reduction: str = "mean") -> Array:
    """Squared error, ``(input - target) ** 2``, reduced."""
    _broadcast_target(input, target, "ug.nn.functional.mse_loss")
    input, target = float32_inputs(input, target)  # (torch's autocast float32 list: the losses)
    difference = input - target
    return _reduce(difference * difference, reduction)


def l1_loss(input: Array, target: Array, reduction: str = "mean") -> Array:
    """Absolute error, ``|input - target|``, reduced."""
    _broadcast_target(input, target, "ug.nn.functional.l1_loss")
    input, target = float32_inputs(input, target)
    return _reduce(unary.abs(input - target), reduction)


def smooth_l1_loss(input: Array, target: Array, reduction: str = "mean", beta: float = 1.0) -> Array:
    """``0.5 * d**2 / beta`` where ``d = |input - target| < beta``, else ``d - 0.5 * beta`` (as torch)."""
    _broadcast_target(input, target, "ug.nn.functional.smooth_l1_loss")
    if beta < 0:
        raise ArgumentError(f"ug.nn.functional.smooth_l1_loss: beta must be >= 0, got {beta}")
    input, target = float32_inputs(input, target)
    distance = unary.abs(input - target)
    if beta == 0.0:
        return _reduce(distance, reduction)
    loss = searching.where(
        binary.less(distance, beta), 0.5 * distance * distance / beta, distance - 0.5 * beta
    )
    return _reduce(loss, reduction)


def huber_loss(input: Array, target: Array, reduction: str = "mean", delta: float = 1.0) -> Array:
    """``0.5 * d**2`` where ``d = |input - target| < delta``, else ``delta * (d - 0.5 * delta)``."""
    _broadcast_target(input, target, "ug.nn.functional.huber_loss")
    if delta <= 0:
        raise ArgumentError(f"ug.nn.functional.huber_loss: delta must be > 0, got {delta}")
    input, target = float32_inputs(input, target)
    distance = unary.abs(input - target)
    loss = searching.where(
        binary.less(distance, delta), 0.5 * distance * distance, delta * (distance - 0.5 * delta)
    )
    return _reduce(loss, reduction)


def _index_targets(input: Array, target: Array, where: str) -> Array:
    """Class-index ``target`` for ``input`` ``(N, C, d1, ...)``/``(C,)``: checked integers, as int64."""
    if not isdtype(target.dtype, "integral"):
        raise LabelError(
            f"{where}: class-index targets must be integers, got dtype {as_dtype(target.dtype)}; "
            f"give integer labels of shape {_label_shape(input)} (cross_entropy also takes float "
            f"class probabilities of the input's shape {_shape(input)})"
        )
    if _shape(target) != _label_shape(input):
        raise ShapeError(
            f"{where}: target shape {_shape(target)} does not fit input shape {_shape(input)}; expected "
            f"class indices of shape {_label_shape(input)} (the input's without its class axis 1)"
        )
    if as_dtype(target.dtype) is not int64:
        target = creation.astype(target, int64)
    return target


def _labels(target: Array, where: str, low: int, high: int, expected: str) -> Array:
    """Integer ``target`` with every label in ``[low, high)``, as int64; else a LabelError."""
    if not isdtype(target.dtype, "integral"):
        raise LabelError(
            f"{where}: targets must be integer class labels, got dtype {as_dtype(target.dtype)}; {expected}"
        )
    from ...ops.conversion import backend_of, to_numpy

    backend = backend_of(target)
    if backend.in_graph():  # no values while a graph is traced: the check runs inside it
        flat = manipulation.reshape(target, (-1,))
        fine = binary.logical_and(binary.greater_equal(flat, low), binary.less(flat, high))
        target = backend.graph_checked(
            target,
            statistical.all(fine),
            graph_checks.message(LabelError, f"{where}: a label is out of range; {expected}"),
        )
        return target if as_dtype(target.dtype) is int64 else creation.astype(target, int64)
    values = to_numpy(target)
    if values.size and (values.min() < low or values.max() >= high):
        bad = int(values.min()) if values.min() < low else int(values.max())
        raise LabelError(f"{where}: label {bad} is out of range; {expected}")
    return target if as_dtype(target.dtype) is int64 else creation.astype(target, int64)


def _label_shape(input: Array) -> tuple[int | None, ...]:
    shape = _shape(input)
    return shape[:1] + shape[2:] if len(shape) > 1 else ()


def _check_labels(target: Array, n_classes: int, ignore_index: int, where: str) -> Array:
    """``target``, checked: labels outside ``[0, n_classes)`` (but ``ignore_index``) raise."""
    return _checked_labels(target, n_classes, ignore_index, where)[0]


def _checked_labels(target: Array, n_classes: int, ignore_index: int, where: str) -> tuple[Array, bool]:
    """:func:`_check_labels`, and whether a label may equal ``ignore_index`` (False: none does)."""
    from ...ops.conversion import backend_of, to_numpy

    backend = backend_of(target)
    if backend.in_graph():
        # no values while a graph is traced: the check goes into the graph and
        # fails when it runs (as the backend's own assertion error, same message)
        labels = manipulation.reshape(target, (-1,))
        fine = binary.logical_or(
            binary.equal(labels, ignore_index),
            binary.logical_and(binary.greater_equal(labels, 0), binary.less(labels, n_classes)),
        )
        checked = backend.graph_checked(
            target,
            statistical.all(fine),
            graph_checks.message(
                LabelError,
                f"{where}: a label is out of range for {n_classes} classes; labels must be in "
                f"[0, {n_classes - 1}] (or equal ignore_index={ignore_index})",
            ),
        )
        return checked, True
    labels = to_numpy(target)
    valid = labels[labels != ignore_index]
    if valid.size and (valid.min() < 0 or valid.max() >= n_classes):
        bad = int(valid.min()) if valid.min() < 0 else int(valid.max())
        raise LabelError(
            f"{where}: label {bad} is out of range for {n_classes} classes; labels must be in "
            f"[0, {n_classes - 1}] (or equal ignore_index={ignore_index})"
        )
    return target, valid.size != labels.size


def _class_axis_last(x: Array) -> Array:
    """``(N, C, d1, ...)`` as ``(N * d1 * ..., C)``; ``(N, C)`` and ``(C,)`` as they are."""
    if x.ndim <= 2:
        return x
    moved = manipulation.moveaxis(x, 1, -1)
    return manipulation.reshape(moved, (-1, int(x.shape[1])))


def nll_loss(
    input: Array,
    target: Array,
    weight: Array | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Array:
    """Negative log-likelihood of class ``target`` under log-probabilities ``input`` (class axis 1).

    ``input`` is ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``; ``target`` holds class
    indices of any integer dtype, shaped as ``input`` without axis 1.
    """
    return _nll_loss(input, target, weight, ignore_index, reduction, "ug.nn.functional.nll_loss")


def _nll_loss(
    input: Array, target: Array, weight: Array | None, ignore_index: int, reduction: str, where: str
) -> Array:
    """:func:`nll_loss`, whose errors name ``where`` (the loss the user called)."""
    target = _index_targets(input, target, where)
    n_classes = int(input.shape[1] if input.ndim > 1 else input.shape[0])
    target = _check_labels(target, n_classes, ignore_index, where)
    input, weight = float32_inputs(input, weight)
    loss, weights = _picked(input, target, weight, ignore_index)
    if reduction == "mean":
        return statistical.sum(loss) / statistical.sum(weights)
    return _reduce(
        manipulation.reshape(loss, tuple(target.shape)) if reduction == "none" else loss, reduction
    )


def _picked(input: Array, target: Array, weight: Array | None, ignore_index: int) -> tuple[Array, Array]:
    """Per-sample ``-w[t] * input[t]`` (zero where ignored) and the weights ``w[t]`` (zero where ignored)."""
    log_probs = _class_axis_last(input)
    if log_probs.ndim == 1:
        log_probs = manipulation.expand_dims(log_probs, axis=0)
    labels = manipulation.reshape(target, (-1,))
    keep = binary.not_equal(labels, ignore_index)
    safe = searching.where(keep, labels, 0)
    chosen = manipulation.take_along_axis(log_probs, manipulation.expand_dims(safe, axis=1), axis=1)[:, 0]
    keep_f = creation.astype(keep, log_probs.dtype)
    weights = keep_f if weight is None else manipulation.take(weight, safe, axis=0) * keep_f
    return -chosen * weights, weights


def cross_entropy(
    input: Array,
    target: Array,
    weight: Array | None = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Array:
    """Cross entropy of logits ``input`` (class axis 1) against class indices or class probabilities.

    As ``torch.nn.functional.cross_entropy``: ``weight`` per class, ``ignore_index``
    for index targets, and ``label_smoothing`` mixing the target with the uniform
    distribution. A label outside ``[0, C)`` raises :class:`unigrad.LabelError`.
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ArgumentError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    n_classes = int(input.shape[1] if input.ndim > 1 else input.shape[0])
    label_dtype = as_dtype(target.dtype)
    if (
        input.ndim >= 2
        and weight is None
        and label_smoothing == 0.0
        and reduction in ("mean", "sum", "none")
        and _shape(target) == _label_shape(input)
        and isdtype(label_dtype, "integral")
    ):
        # the common case, class indices for a batch of logits (an image's or a sequence's too):
        # one fused kernel where the backend has it (the composite below costs several times
        # more, mostly in its gradient)
        if input.ndim == 2:
            return _fused_cross_entropy(input, target, n_classes, ignore_index, reduction)
        if None not in _shape(input):
            # (N, C, d1, ...) as (N * d1 * ..., C) rows: the same terms, the mean over every kept label
            flat = manipulation.reshape(target, (-1,))
            loss = _fused_cross_entropy(_class_axis_last(input), flat, n_classes, ignore_index, reduction)
            labels_shape = tuple(int(d) for d in target.shape)  # (known: the input's is)
            return manipulation.reshape(loss, labels_shape) if reduction == "none" else loss
    where = "ug.nn.functional.cross_entropy"
    if _shape(target) == _shape(input) and isdtype(label_dtype, "real floating"):
        pass  # class probabilities
    elif _shape(target) == _shape(input):
        raise LabelError(
            f"{where}: class probabilities must be floating point, got dtype {as_dtype(target.dtype)}; give "
            f"float probabilities of shape {_shape(input)} or integer labels of shape {_label_shape(input)}"
        )
    else:
        target = _index_targets(input, target, where)
    input, weight = float32_inputs(input, weight)
    if tuple(target.shape) == tuple(input.shape):
        (target,) = float32_inputs(target)
    log_probs = log_softmax(input, axis=1 if input.ndim > 1 else 0)
    weight_view = None
    if weight is not None:
        weight_view = manipulation.reshape(weight, (n_classes,) + (1,) * max(input.ndim - 2, 0))
    if tuple(target.shape) == tuple(input.shape):  # probabilities
        probs = (
            target if label_smoothing == 0 else target * (1.0 - label_smoothing) + label_smoothing / n_classes
        )
        terms = log_probs * probs if weight_view is None else log_probs * probs * weight_view
        per_sample = -statistical.sum(terms, axis=1 if input.ndim > 1 else 0)
        if reduction == "mean":  # over samples, whatever the weights (as PyTorch)
            return statistical.sum(per_sample) / math.prod(tuple(per_sample.shape))
        return _reduce(per_sample, reduction)
    nll = _nll_loss(log_probs, target, weight, ignore_index, reduction, where)
    if label_smoothing == 0.0:
        return nll
    class_axis = 1 if input.ndim > 1 else 0
    weighted = log_probs if weight_view is None else log_probs * weight_view
    smooth = -statistical.sum(weighted, axis=class_axis)
    keep = binary.not_equal(target, ignore_index)
    smooth = searching.where(keep, smooth, creation.zeros_like(smooth))
    if reduction == "mean":
        if weight is None:
            denominator = statistical.sum(creation.astype(keep, smooth.dtype))
        else:
            safe = searching.where(keep, target, 0)
            picked = manipulation.take(weight, manipulation.reshape(safe, (-1,)), axis=0)
            denominator = statistical.sum(
                picked * creation.astype(manipulation.reshape(keep, (-1,)), picked.dtype)
            )
        smooth_reduced = statistical.sum(smooth) / denominator
    else:
        smooth_reduced = _reduce(smooth, reduction)
    return (1.0 - label_smoothing) * nll + smooth_reduced * (label_smoothing / n_classes)


def _fused_cross_entropy(
    input: Array, target: Array, n_classes: int, ignore_index: int, reduction: str
) -> Array:
    """:func:`cross_entropy` of ``(N, C)`` logits and ``(N,)`` integer labels in the backend's kernel."""
    where = "ug.nn.functional.cross_entropy"
    if as_dtype(target.dtype) is not int64:
        target = creation.astype(target, int64)
    backend = current_backend()
    # a kernel that raises for bad labels itself needs no check first (PyTorch on a CPU)
    by_kernel = not backend.in_graph() and backend.labels_checked_by_kernel(target)
    ignored = True
    if not by_kernel:
        target, ignored = _checked_labels(target, n_classes, ignore_index, where)
    try:
        return backend.nn_sparse_cross_entropy(input, target, ignore_index, reduction, ignored)
    except Exception as exc:
        if by_kernel:  # the kernel refused a label: say which, as everywhere else
            _check_labels(target, n_classes, ignore_index, where)
        return failed(exc, "nn_sparse_cross_entropy", input, target, ignore_index, reduction, ignored)
