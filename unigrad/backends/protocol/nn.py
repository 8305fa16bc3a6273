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
Triple = tuple[int, int, int]
"""A size per spatial axis of a volume, ``(depth, height, width)``."""


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

    def nn_relu(self, x: Array, inplace: bool = False) -> Array:
        """``max(x, 0)`` with gradient 0 at 0; ``inplace``: in ``x`` itself where the framework can
        (torch's ``relu_``, which saves a tensor's allocation and memory traffic), else out of place."""

    def nn_leaky_relu(self, x: Array, negative_slope: float = 0.01, inplace: bool = False) -> Array:
        """``x`` where ``x > 0``, else ``negative_slope * x``; the gradient at 0 is the slope;
        ``inplace`` as :meth:`nn_relu`'s."""

    def nn_relu6(self, x: Array, inplace: bool = False) -> Array:
        """``min(max(x, 0), 6)`` with gradient 0 at and beyond both bounds (torch's ``relu6``);
        ``inplace`` as :meth:`nn_relu`'s."""

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

    def nn_conv_transpose2d(
        self,
        x: Array,
        weight: Array,
        bias: Array | None,
        stride: Pair,
        padding: Pair,
        output_padding: Pair,
        dilation: Pair,
        groups: int,
        channels_last: bool,
    ) -> Array:
        """PyTorch's ``conv_transpose2d``; ``weight`` is ``(in, out / groups, kH, kW)``."""

    def nn_conv3d(
        self,
        x: Array,
        weight: Array,
        bias: Array | None,
        stride: Triple,
        padding: tuple[Pair, Pair, Pair],
        dilation: Triple,
        groups: int,
        channels_last: bool,
    ) -> Array:
        """Cross-correlation as PyTorch's ``conv3d``; ``x`` is NDHWC if ``channels_last``."""

    def nn_conv_transpose3d(
        self,
        x: Array,
        weight: Array,
        bias: Array | None,
        stride: Triple,
        padding: Triple,
        output_padding: Triple,
        dilation: Triple,
        groups: int,
        channels_last: bool,
    ) -> Array:
        """PyTorch's ``conv_transpose3d``; ``weight`` is ``(in, out / groups, kD, kH, kW)``."""

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

    def nn_max_pool3d(
        self,
        x: Array,
        kernel_size: Sequence[int],
        stride: Sequence[int],
        padding: Sequence[int],
        dilation: Sequence[int],
        ceil_mode: bool,
    ) -> Array:
        """Maximum over each window of ``(N, C, D, H, W)`` input; padding never wins."""

    def nn_avg_pool3d(
        self,
        x: Array,
        kernel_size: Sequence[int],
        stride: Sequence[int],
        padding: Sequence[int],
        ceil_mode: bool,
        count_include_pad: bool,
        divisor_override: int | None,
    ) -> Array:
        """Mean over each window of ``(N, C, D, H, W)`` input, with PyTorch's count."""

    def nn_adaptive_avg_pool(self, x: Array, output_size: Sequence[int]) -> Array:
        """Mean over PyTorch's adaptive windows of the ``len(output_size)`` axes after ``(N, C)``."""

    def nn_adaptive_max_pool(self, x: Array, output_size: Sequence[int]) -> Array:
        """Maximum over PyTorch's adaptive windows of the ``len(output_size)`` axes after ``(N, C)``."""

    def nn_max_pool2d_with_indices(
        self,
        x: Array,
        kernel_size: Pair,
        stride: Pair,
        padding: Pair,
        dilation: Pair,
        ceil_mode: bool,
        channels_last: bool,
    ) -> tuple[Array, Array]:
        """``nn_max_pool2d`` and PyTorch's int64 flat ``h * W + w`` index of each maximum."""

    def nn_max_pool3d_with_indices(
        self,
        x: Array,
        kernel_size: Sequence[int],
        stride: Sequence[int],
        padding: Sequence[int],
        dilation: Sequence[int],
        ceil_mode: bool,
    ) -> tuple[Array, Array]:
        """``nn_max_pool3d`` and PyTorch's int64 flat ``(d * H + h) * W + w`` index of each maximum."""

    def nn_adaptive_max_pool_with_indices(self, x: Array, output_size: Sequence[int]) -> tuple[Array, Array]:
        """``nn_adaptive_max_pool`` and PyTorch's int64 index of each maximum, flat in the spatial plane."""

    def nn_max_unpool2d(self, x: Array, indices: Array, output_size: Pair) -> Array:
        """Each value of ``(N, C, h, w)`` ``x`` at its flat index in a zero ``(N, C, *output_size)``."""

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

    def nn_group_norm(
        self,
        x: Array,
        num_groups: int,
        weight: Array | None,
        bias: Array | None,
        eps: float,
        channels_last: bool,
    ) -> Array:
        """Each sample's channel groups normalized over their channels and positions (biased variance)."""

    def nn_instance_norm(
        self,
        x: Array,
        running_mean: Array | None,
        running_var: Array | None,
        weight: Array | None,
        bias: Array | None,
        use_input_stats: bool,
        momentum: float,
        eps: float,
        channels_last: bool,
    ) -> tuple[Array, Array | None, Array | None]:
        """Instance normalization: ``(y, new_running_mean, new_running_var)``, None if not updated."""

    def nn_rms_norm(
        self, x: Array, normalized_shape: tuple[int, ...], weight: Array | None, eps: float
    ) -> Array:
        """``x / sqrt(mean(x**2) + eps) * weight`` over the trailing ``normalized_shape`` axes."""

    def nn_local_response_norm(self, x: Array, size: int, alpha: float, beta: float, k: float) -> Array:
        """``x / (k + alpha * mean of x**2 over size zero-padded neighbouring channels) ** beta``."""

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

    def nn_ctc_loss(
        self,
        log_probs: Array,
        targets: Array,
        input_lengths: Array,
        target_lengths: Array,
        blank: int,
        zero_infinity: bool,
    ) -> Array:
        """The CTC loss per sequence, ``(N,)``: ``(T, N, C)`` log-probabilities, ``(N, S)`` padded int64
        targets, int64 lengths; its gradient PyTorch's (``exp(log_probs) - posterior``) or the exact one."""

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
        bias_k: Array | None = None,
        bias_v: Array | None = None,
        add_zero_attn: bool = False,
        static_k: Array | None = None,
        static_v: Array | None = None,
        is_causal: bool = False,
    ) -> tuple[Array, Array | None]:
        """Multi-head attention as ``torch.nn.functional.multi_head_attention_forward``."""

    def nn_scaled_dot_product_attention(
        self,
        query: Array,
        key: Array,
        value: Array,
        attn_mask: Array | None,
        dropout_p: float,
        is_causal: bool,
        scale: float,
        enable_gqa: bool,
    ) -> Array:
        """``softmax(query @ key^T * scale + mask) @ value`` as ``torch.nn.functional``'s (mask checked;
        dropout masks from ``ug.random``)."""

    def nn_rnn_tanh(
        self,
        x: Array,
        hx: Array,
        weights: Sequence[Array],
        has_biases: bool,
        num_layers: int,
        dropout: float,
        training: bool,
        bidirectional: bool,
        batch_first: bool,
        batch_sizes: Array | None = None,
    ) -> tuple[Array, Array]:
        """A multi-layer Elman RNN, ``h' = tanh(x W_ih.T + b_ih + h W_hh.T + b_hh)``, as
        ``torch._VF.rnn_tanh``: ``(output, h_n)``. ``weights`` in PyTorch's flat order (per layer,
        per direction, ``w_ih, w_hh[, b_ih, b_hh]``); dropout between layers from ``ug.random``.
        With ``batch_sizes`` (packed sequences) ``x`` and the output are packed data, and ``h_n``
        holds each sequence's state at its own last step."""

    def nn_rnn_relu(
        self,
        x: Array,
        hx: Array,
        weights: Sequence[Array],
        has_biases: bool,
        num_layers: int,
        dropout: float,
        training: bool,
        bidirectional: bool,
        batch_first: bool,
        batch_sizes: Array | None = None,
    ) -> tuple[Array, Array]:
        """``nn_rnn_tanh`` with ReLU for tanh, as ``torch._VF.rnn_relu``: ``(output, h_n)``."""

    def nn_gru(
        self,
        x: Array,
        hx: Array,
        weights: Sequence[Array],
        has_biases: bool,
        num_layers: int,
        dropout: float,
        training: bool,
        bidirectional: bool,
        batch_first: bool,
        batch_sizes: Array | None = None,
    ) -> tuple[Array, Array]:
        """A multi-layer GRU as ``torch._VF.gru`` (gates r, z, n; ``r`` scales ``W_hn h + b_hn``):
        ``(output, h_n)``; arguments as ``nn_rnn_tanh``'s."""

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
        batch_sizes: Array | None = None,
    ) -> tuple[Array, Array, Array]:
        """A multi-layer LSTM as ``torch._VF.lstm`` (gates i, f, g, o): ``(output, h_n, c_n)``;
        arguments as ``nn_rnn_tanh``'s, ``hx = (h_0, c_0)``, and a fifth (or, without biases, a
        third) weight per direction, ``w_hr``, projects ``h`` (``proj_size``)."""

    def nn_rnn_tanh_cell(
        self,
        x: Array,
        hx: Array,
        w_ih: Array,
        w_hh: Array,
        b_ih: Array | None = None,
        b_hh: Array | None = None,
    ) -> Array:
        """One step of ``nn_rnn_tanh`` over ``(N, input_size)``, as ``torch._VF.rnn_tanh_cell``: ``h'``."""

    def nn_rnn_relu_cell(
        self,
        x: Array,
        hx: Array,
        w_ih: Array,
        w_hh: Array,
        b_ih: Array | None = None,
        b_hh: Array | None = None,
    ) -> Array:
        """One step of ``nn_rnn_relu``, as ``torch._VF.rnn_relu_cell``: ``h'``."""

    def nn_gru_cell(
        self,
        x: Array,
        hx: Array,
        w_ih: Array,
        w_hh: Array,
        b_ih: Array | None = None,
        b_hh: Array | None = None,
    ) -> Array:
        """One step of ``nn_gru``, as ``torch._VF.gru_cell``: ``h'``."""

    def nn_lstm_cell(
        self,
        x: Array,
        hx: tuple[Array, Array],
        w_ih: Array,
        w_hh: Array,
        b_ih: Array | None = None,
        b_hh: Array | None = None,
    ) -> tuple[Array, Array]:
        """One step of ``nn_lstm``, as ``torch._VF.lstm_cell``: ``(h', c')``."""

    def nn_pad(self, x: Array, pad: Sequence[int], mode: str, value: float) -> Array:
        """``x`` padded by torch's ``pad`` tuple (last dimension first): constant, reflect, replicate
        or circular (negative constant or circular pads crop)."""

    def nn_interpolate(
        self, x: Array, size: Sequence[int], scales: Sequence[float] | None, mode: str, align_corners: bool
    ) -> Array:
        """``(N, C, *spatial)`` resampled to ``size`` as torch's ``interpolate``; ``scales`` are the
        caller's scale factors (stepped by their inverse) or ``None`` (stepped by ``in / out``)."""

    def nn_grid_sample(
        self, input: Array, grid: Array, mode: str, padding_mode: str, align_corners: bool
    ) -> Array:
        """``(N, C, H, W)`` sampled at the normalized ``(N, Ho, Wo, 2)`` grid as torch's ``grid_sample``
        (``bilinear``/``nearest``; ``zeros``/``border``/``reflection`` padding)."""

    def nn_unfold(self, x: Array, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair) -> Array:
        """``(N, C, H, W)`` to ``(N, C * kH * kW, L)``: every sliding block as a column (im2col)."""

    def nn_fold(
        self, x: Array, output_size: Pair, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair
    ) -> Array:
        """``(N, C * kH * kW, L)`` to ``(N, C, *output_size)``, summing overlapping blocks (col2im)."""

    def labels_checked_by_kernel(self, labels: Array) -> bool:
        """Whether ``nn_sparse_cross_entropy`` raises for ``labels`` out of range; ``False`` by default.

        A capability, not a kernel: where True, ``F.cross_entropy`` skips its own
        host check. Say True only where the kernel raises a catchable error.
        """
