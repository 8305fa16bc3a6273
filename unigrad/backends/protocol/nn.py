"""The protocol of a backend's ``nn.py`` and ``nn_layers.py``: :class:`NN`.

Part of :mod:`unigrad.backends.protocol`; import it from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from unigrad.types import Array

__all__ = [
    "NN",
]


Pair = tuple[int, int]
"""A size per spatial axis, ``(height, width)``."""
Pads = tuple[Pair, Pair]
"""Explicit convolution padding, ``((top, bottom), (left, right))``."""


class NN(Protocol):
    """Optional: fused neural-network kernels, carried as ``nn_<name>`` (``nn.py``, ``nn_layers.py``).

    Every member has a default: the reference definition of the same name in
    :mod:`unigrad.nn.reference`, written over the namespace, which the base
    class installs where the backend has none. A backend overrides one only
    for speed, and must then agree with the reference to float tolerance
    (the conformance kit checks that when run with ``nn=True``). The kernels
    take arguments that ``ug.nn.functional`` has already checked and
    normalized: batched inputs, 2-tuples of sizes, explicit padding pairs and
    ``channels_last`` as a bool.
    """

    def nn_relu(self, x: Array) -> Array:
        """``max(x, 0)`` with gradient 0 at 0."""

    def nn_gelu(self, x: Array, approximate: str = "none") -> Array:
        """Gaussian error linear unit; ``approximate="tanh"`` for the tanh form (as PyTorch)."""

    def nn_sigmoid(self, x: Array) -> Array:
        """``1 / (1 + exp(-x))``."""

    def nn_tanh(self, x: Array) -> Array:
        """Hyperbolic tangent."""

    def nn_softmax(self, x: Array, axis: int = -1) -> Array:
        """Softmax along ``axis``."""

    def nn_log_softmax(self, x: Array, axis: int = -1) -> Array:
        """Log-softmax along ``axis``."""

    def nn_erf(self, x: Array) -> Array:
        """The error function."""

    def nn_linear(self, x: Array, weight: Array, bias: Array | None = None) -> Array:
        """``x @ weight.T + bias``, with ``weight`` shaped ``(out_features, in_features)`` as PyTorch."""

    def nn_conv2d(
        self,
        x: Array,
        weight: Array,
        bias: Array | None,
        stride: Pair,
        padding: Pads,
        dilation: Pair,
        groups: int,
        channels_last: bool,
    ) -> Array:
        """Cross-correlation as PyTorch's ``conv2d``; ``x`` is NHWC if ``channels_last``."""

    def nn_max_pool2d(
        self,
        x: Array,
        kernel_size: Pair,
        stride: Pair,
        padding: Pair,
        dilation: Pair,
        ceil_mode: bool,
        channels_last: bool,
    ) -> Array:
        """Maximum over each window; padding never wins."""

    def nn_avg_pool2d(
        self,
        x: Array,
        kernel_size: Pair,
        stride: Pair,
        padding: Pair,
        ceil_mode: bool,
        count_include_pad: bool,
        divisor_override: int | None,
        channels_last: bool,
    ) -> Array:
        """Mean over each window, with PyTorch's count of what a window holds."""

    def nn_layer_norm(
        self,
        x: Array,
        normalized_shape: tuple[int, ...],
        weight: Array | None = None,
        bias: Array | None = None,
        eps: float = 1e-5,
    ) -> Array:
        """Normalize over the trailing ``normalized_shape`` axes with the biased variance."""

    def nn_batch_norm(
        self,
        x: Array,
        running_mean: Array | None,
        running_var: Array | None,
        weight: Array | None,
        bias: Array | None,
        training: bool,
        momentum: float,
        eps: float,
        channels_last: bool,
    ) -> tuple[Array, Array | None, Array | None]:
        """Batch normalization: ``(y, new_running_mean, new_running_var)``, the last two None if unchanged."""

    def nn_embedding(self, indices: Array, weight: Array) -> Array:
        """Rows of ``weight`` at ``indices`` (already checked), shaped ``(*indices.shape, dim)``."""

    def nn_sparse_cross_entropy(
        self,
        logits: Array,
        labels: Array,
        ignore_index: int = -100,
        reduction: str = "none",
        ignored: bool = True,
    ) -> Array:
        """``-log_softmax(logits)[i, labels[i]]`` for ``(N, C)`` logits, 0 where ignored, reduced."""

    def nn_multi_head_attention(
        self,
        query: Array,
        key: Array,
        value: Array,
        num_heads: int,
        in_proj_weight: Array | None,
        in_proj_bias: Array | None,
        separate_weights: tuple[Array, Array, Array] | None,
        out_proj_weight: Array,
        out_proj_bias: Array | None,
        key_padding_mask: Array | None,
        need_weights: bool,
        attn_mask: Array | None,
        average_attn_weights: bool,
        dropout_p: float,
        training: bool,
        batch_first: bool,
    ) -> tuple[Array, Array | None]:
        """Multi-head attention as ``torch.nn.functional.multi_head_attention_forward``."""

    def nn_lstm(
        self,
        x: Array,
        hx: tuple[Array, Array],
        weights: Sequence[Array],
        has_biases: bool,
        num_layers: int,
        dropout: float,
        training: bool,
        bidirectional: bool,
        batch_first: bool,
    ) -> tuple[Array, Array, Array]:
        """A multi-layer LSTM as ``torch._VF.lstm``: ``(output, h_n, c_n)``."""

    def labels_checked_by_kernel(self, labels: Array) -> bool:
        """Whether ``nn_sparse_cross_entropy`` raises for ``labels`` out of range; ``False`` by default.

        A capability, not a kernel: where True, ``F.cross_entropy`` skips its own
        host check. Say True only where the kernel raises a catchable error.
        """
