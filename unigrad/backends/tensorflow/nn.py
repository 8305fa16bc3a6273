"""Fused TensorFlow kernels for ``ug.nn.functional``, each agreeing with its ``unigrad.nn.reference``."""

from __future__ import annotations

from typing import Any

import tensorflow as tf
from tensorflow.python.eager import record as _record  # which tensors a tape watches

from unigrad.backends.api import reference

from .core import EagerTensor, index, native

__all__ = [
    "nn_linear",
    "nn_relu",
    "nn_leaky_relu",
    "nn_relu6",
    "nn_gelu",
    "nn_sigmoid",
    "nn_tanh",
    "nn_softmax",
    "nn_log_softmax",
    "nn_erf",
    "nn_sparse_cross_entropy",
    "nn_ctc_loss",
]

_raw = tf.raw_ops


# Above this many multiply-adds, a 2-D linear runs as BatchMatMulV2(adj_y) rather than MatMul(transpose_b):
# on CPU the oneDNN kernel behind BatchMatMulV2 reads a transposed (out, in) weight at full speed, where
# MatMul's is ~50% slower (19 vs 29 ms for 256x4096 @ 4096x4096). Below it, MatMul wins: BatchMatMulV2's
# eager gradient costs ~90 us more per layer (broadcast bookkeeping), which dominates small layers.
_BATCH_MATMUL_FROM = 1 << 26


def nn_linear(x: Any, weight: Any, bias: Any = None) -> Any:
    x = native(x, "nn.functional.linear")
    shape = x.shape
    if shape.rank == 2:
        out_features, in_features = weight.shape
        rows = shape[0] if shape[0] is not None else 1
        if rows * in_features * out_features < _BATCH_MATMUL_FROM:
            y = _raw.MatMul(a=x, b=weight, transpose_b=True)  # no transposed copy of the weight
        elif type(x) is EagerTensor and _record.could_possibly_record() and not _watched(x):
            y = _weight_only_product(x, weight)
        else:
            y = _raw.BatchMatMulV2(x=x, y=weight, adj_y=True)
    elif shape.rank == 1:  # one sample without a batch axis, as torch takes it
        y = tf.linalg.matvec(weight, x)
        return y if bias is None else y + bias
    else:
        y = tf.linalg.matmul(x, weight, transpose_b=True)
    return y if bias is None else _raw.BiasAdd(value=y, bias=bias)


def _watched(x: Any) -> bool:
    return bool(_record.should_record_backprop([x]))


def _weight_only_product(x: Any, weight: Any) -> Any:
    """``x @ weight.T`` for an ``x`` no tape watches (a first layer's input), differentiated for ``weight``.

    BatchMatMulV2's gradient function computes the gradients of both operands
    (MatMul's skips the ones no tape needs): on a large first layer the unused
    ``d x`` is a whole extra product, a sixth of the work of a 3-layer MLP step.
    Eagerly only: a graph prunes what nothing reads.
    """

    @tf.custom_gradient
    def product(w: Any) -> Any:
        def grad(dy: Any) -> Any:
            return _raw.BatchMatMulV2(x=dy, y=x, adj_x=True)  # (out, N) @ (N, in), as the op's own

        return _raw.BatchMatMulV2(x=x, y=w, adj_y=True), grad

    return product(tf.convert_to_tensor(weight))


# (``inplace``: TensorFlow's tensors are immutable; computed out of place, as the reference)
def nn_relu(x: Any, inplace: bool = False) -> Any:
    return _raw.Relu(features=x if type(x) is EagerTensor else native(x, "nn.functional.relu"))


def nn_leaky_relu(x: Any, negative_slope: float = 0.01, inplace: bool = False) -> Any:
    x = native(x, "nn.functional.leaky_relu")
    if x.dtype == tf.float64:  # LeakyRelu's alpha is a float32 attribute: the slope itself would round
        return _raw.SelectV2(condition=x > 0, t=x, e=x * tf.constant(negative_slope, x.dtype))
    return _raw.LeakyRelu(features=x, alpha=negative_slope)


def nn_relu6(x: Any, inplace: bool = False) -> Any:
    # one Relu6 op (its gradient is 0 at and beyond 0 and 6, as torch's), which Grappler fuses
    # into the convolution before it, as it does Relu
    return _raw.Relu6(features=native(x, "nn.functional.relu6"))


def nn_gelu(x: Any, approximate: str = "none") -> Any:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu's approximate must be 'none' or 'tanh', got {approximate!r}")
    return tf.nn.gelu(native(x, "nn.functional.gelu"), approximate=approximate == "tanh")


def nn_sigmoid(x: Any) -> Any:
    return _raw.Sigmoid(x=native(x, "nn.functional.sigmoid"))


def nn_tanh(x: Any) -> Any:
    return _raw.Tanh(x=native(x, "nn.functional.tanh"))


def _last_axis(op: Any, x: Any, axis: int) -> Any:
    ndim = x.shape.rank
    axis = axis % ndim
    if axis == ndim - 1:
        return op(logits=x)
    perm = [*range(axis), *range(axis + 1, ndim), axis]  # the kernel works on the last axis only
    inverse = [perm.index(i) for i in range(ndim)]
    return _raw.Transpose(x=op(logits=_raw.Transpose(x=x, perm=perm)), perm=inverse)


def nn_softmax(x: Any, axis: int = -1) -> Any:
    return _last_axis(_raw.Softmax, native(x, "nn.functional.softmax"), axis)


def nn_log_softmax(x: Any, axis: int = -1) -> Any:
    return _last_axis(_raw.LogSoftmax, native(x, "nn.functional.log_softmax"), axis)


def nn_erf(x: Any) -> Any:
    return _raw.Erf(x=native(x, "nn.functional.erf"))


def nn_sparse_cross_entropy(
    logits: Any, labels: Any, ignore_index: int = -100, reduction: str = "none", ignored: bool = True
) -> Any:
    logits, labels = (
        native(logits, "nn.functional.cross_entropy"),
        native(labels, "nn.functional.cross_entropy"),
    )
    if not ignored:  # no label equals ignore_index (the caller looked): the kernel alone
        losses, _ = _raw.SparseSoftmaxCrossEntropyWithLogits(features=logits, labels=labels)
        if reduction == "none":
            return losses
        reduce = _raw.Mean if reduction == "mean" else _raw.Sum
        return reduce(input=losses, axis=index(0, losses))
    keep = _raw.NotEqual(x=labels, y=tf.constant(ignore_index, labels.dtype))
    safe = _raw.SelectV2(condition=keep, t=labels, e=tf.zeros((), labels.dtype))
    losses, _ = _raw.SparseSoftmaxCrossEntropyWithLogits(features=logits, labels=safe)
    per_sample = _raw.SelectV2(condition=keep, t=losses, e=tf.zeros((), losses.dtype))
    if reduction == "none":
        return per_sample
    total = _raw.Sum(input=per_sample, axis=index(0, losses))
    if reduction == "sum":
        return total
    return _raw.RealDiv(x=total, y=_raw.Sum(input=_raw.Cast(x=keep, DstT=total.dtype), axis=index(0, losses)))


def nn_ctc_loss(
    log_probs: Any, targets: Any, input_lengths: Any, target_lengths: Any, blank: int, zero_infinity: bool
) -> Any:
    log_probs = native(log_probs, "nn.functional.ctc_loss")
    if log_probs.dtype != tf.float32:  # TensorFlow's CTC is float32 only
        return reference.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)
    # TensorFlow's loss takes logits: a log_softmax of log-probabilities is themselves, and its
    # gradient with respect to them, softmax - posterior, is PyTorch's exp(log_probs) - posterior
    losses = tf.nn.ctc_loss(
        labels=_raw.Cast(x=targets, DstT=tf.int32),
        logits=log_probs,
        label_length=_raw.Cast(x=target_lengths, DstT=tf.int32),
        logit_length=_raw.Cast(x=input_lengths, DstT=tf.int32),
        logits_time_major=True,
        blank_index=blank,
    )
    # an impossible alignment (fewer frames than labels plus the blanks between repeats) is a large
    # finite loss there, PyTorch's inf here (or 0 with zero_infinity)
    within = tf.range(1, tf.shape(targets, out_type=tf.int64)[1]) < target_lengths[:, None]
    repeats = tf.reduce_sum(tf.cast((targets[:, 1:] == targets[:, :-1]) & within, tf.int64), axis=1)
    possible = input_lengths >= target_lengths + repeats
    instead = tf.zeros((), losses.dtype) if zero_infinity else tf.constant(float("inf"), losses.dtype)
    return _raw.SelectV2(condition=possible, t=losses, e=instead)
