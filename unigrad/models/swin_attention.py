"""Swin Transformer's shifted-window attention (v1 and v2), as torchvision's ``swin_transformer``.

:func:`shifted_window_attention` pads an ``(N, H, W, C)`` map to whole
windows, rolls it by the shift, attends within each window with a relative
position bias (and v2's cosine attention), then undoes the roll and the
padding. The modules keep torchvision's names: ``qkv``, ``proj``,
``relative_position_bias_table`` (v1), ``logit_scale`` and ``cpb_mlp`` (v2),
and the ``relative_position_index`` (and v2's ``relative_coords_table``) buffers.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import nn
from ..errors import ArgumentError
from ..nn import functional as F
from ..ops.conversion import device_of
from ..ops.creation import asarray, zeros_like
from ..ops.manipulation import concat, expand_dims, permute_dims, reshape, roll, take
from ..ops.products import matmul, matrix_transpose
from ..ops.unary import clip, exp

__all__ = ["shifted_window_attention", "ShiftedWindowAttention", "ShiftedWindowAttentionV2"]


@functools.lru_cache(maxsize=64)
def _shift_mask(
    pad_h: int, pad_w: int, window_size: tuple[int, int], shift_size: tuple[int, int]
) -> np.ndarray[Any, Any]:
    """``(windows, tokens, tokens)``: -100 between tokens that the roll brought from different regions.

    It depends on shapes only, so it is built once per shape in NumPy.
    """
    (wh, ww), (sh, sw) = window_size, shift_size
    regions = np.zeros((pad_h, pad_w), np.float32)
    count = 0
    for h0, h1 in ((0, -wh), (-wh, -sh), (-sh, None)):
        for w0, w1 in ((0, -ww), (-ww, -sw), (-sw, None)):
            regions[h0:h1, w0:w1] = count
            count += 1
    regions = regions.reshape(pad_h // wh, wh, pad_w // ww, ww).transpose(0, 2, 1, 3).reshape(-1, wh * ww)
    differ = regions[:, None, :] - regions[:, :, None]
    return np.where(differ != 0, -100.0, 0.0).astype(np.float32)


def _relative_position_index(window_size: Sequence[int]) -> np.ndarray[Any, Any]:
    """The index into the bias table of each pair of tokens in a window, flattened (torchvision's)."""
    wh, ww = window_size
    coords = np.stack(np.meshgrid(np.arange(wh), np.arange(ww), indexing="ij")).reshape(2, -1)
    relative = (coords[:, :, None] - coords[:, None, :]).transpose(1, 2, 0)
    relative[:, :, 0] += wh - 1
    relative[:, :, 1] += ww - 1
    relative[:, :, 0] *= 2 * ww - 1
    return relative.sum(-1).reshape(-1).astype(np.int64)


def _relative_coords_table(window_size: Sequence[int]) -> np.ndarray[Any, Any]:
    """v2's log-spaced relative coordinates, ``(1, 2 * wh - 1, 2 * ww - 1, 2)`` (torchvision's)."""
    wh, ww = window_size
    grid = np.meshgrid(
        np.arange(-(wh - 1), wh, dtype=np.float32), np.arange(-(ww - 1), ww, dtype=np.float32), indexing="ij"
    )
    table = np.stack(grid).transpose(1, 2, 0)[None].copy()
    table[..., 0] /= wh - 1
    table[..., 1] /= ww - 1
    table *= 8  # to [-8, 8]
    return (np.sign(table) * np.log2(np.abs(table) + 1.0) / 3.0).astype(np.float32)


def _get_relative_position_bias(table: Any, index: Any, window_size: Sequence[int]) -> Any:
    """``(1, heads, tokens, tokens)``: the bias of each pair of tokens, read from ``table``."""
    tokens = window_size[0] * window_size[1]
    bias = reshape(take(table, index, axis=0), (tokens, tokens, -1))
    return expand_dims(permute_dims(bias, (2, 0, 1)), axis=0)


def shifted_window_attention(
    input: Any,
    qkv_weight: Any,
    proj_weight: Any,
    relative_position_bias: Any,
    window_size: Sequence[int],
    num_heads: int,
    shift_size: Sequence[int],
    attention_dropout: float = 0.0,
    dropout: float = 0.0,
    qkv_bias: Any = None,
    proj_bias: Any = None,
    logit_scale: Any = None,
    training: bool = True,
) -> Any:
    """Window multi-head self-attention with relative position bias, shifted or not (torchvision's).

    Args:
        input: ``(N, H, W, C)``.
        qkv_weight, qkv_bias: the ``(3C, C)`` query-key-value projection.
        proj_weight, proj_bias: the ``(C, C)`` output projection.
        relative_position_bias: ``(1, heads, tokens, tokens)``.
        window_size, shift_size: ``[h, w]`` each; no shift along a side whose window covers the map.
        logit_scale: ``(heads, 1, 1)`` for v2's cosine attention, else scaled dot products.

    Returns:
        ``(N, H, W, C)``.

    Examples:
        >>> import unigrad as ug
        >>> x, w = ug.ones((1, 4, 4, 4)), ug.ones((12, 4)) / 4
        >>> bias = ug.zeros((1, 2, 4, 4))
        >>> y = shifted_window_attention(x, w, ug.eye(4), bias, [2, 2], 2, [1, 1], training=False)
        >>> tuple(y.shape), float(ug.to_numpy(y)[0, 0, 0, 0])
        ((1, 4, 4, 4), 1.0)
    """
    batch, height, width, channels = (int(size) for size in input.shape)
    wh, ww = window_size
    pad_r, pad_b = (ww - width % ww) % ww, (wh - height % wh) % wh
    x = F.pad(input, (0, 0, 0, pad_r, 0, pad_b)) if pad_r or pad_b else input
    pad_h, pad_w = height + pad_b, width + pad_r
    # a window as large as the map: nothing to shift
    shift = (0 if wh >= pad_h else shift_size[0], 0 if ww >= pad_w else shift_size[1])
    if sum(shift) > 0:
        x = roll(x, shift=(-shift[0], -shift[1]), axis=(1, 2))
    num_windows = (pad_h // wh) * (pad_w // ww)
    tokens = wh * ww
    x = reshape(x, (batch, pad_h // wh, wh, pad_w // ww, ww, channels))
    x = reshape(permute_dims(x, (0, 1, 3, 2, 4, 5)), (batch * num_windows, tokens, channels))
    if logit_scale is not None and qkv_bias is not None:
        length = int(qkv_bias.shape[0]) // 3  # v2 has no key bias
        qkv_bias = concat(
            [qkv_bias[:length], zeros_like(qkv_bias[length : 2 * length]), qkv_bias[2 * length :]]
        )
    qkv = reshape(F.linear(x, qkv_weight, qkv_bias), (-1, tokens, 3, num_heads, channels // num_heads))
    qkv = permute_dims(qkv, (2, 0, 3, 1, 4))
    q, k, v = qkv[0], qkv[1], qkv[2]
    if logit_scale is not None:
        attn = matmul(F.normalize(q, dim=-1), matrix_transpose(F.normalize(k, dim=-1)))
        attn = attn * exp(clip(logit_scale, max=math.log(100.0)))
    else:
        attn = matmul(q * (channels // num_heads) ** -0.5, matrix_transpose(k))
    attn = attn + relative_position_bias
    if sum(shift) > 0:
        mask = _shift_mask(pad_h, pad_w, (wh, ww), shift)
        mask = asarray(mask, dtype=attn.dtype, device=device_of(attn))
        attn = reshape(attn, (-1, num_windows, num_heads, tokens, tokens))
        attn = reshape(attn + mask[None, :, None], (-1, num_heads, tokens, tokens))
    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = reshape(permute_dims(matmul(attn, v), (0, 2, 1, 3)), (-1, tokens, channels))
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)
    x = reshape(x, (batch, pad_h // wh, pad_w // ww, wh, ww, channels))
    x = reshape(permute_dims(x, (0, 1, 3, 2, 4, 5)), (batch, pad_h, pad_w, channels))
    if sum(shift) > 0:
        x = roll(x, shift=shift, axis=(1, 2))
    return x[:, :height, :width, :] if pad_r or pad_b else x


class ShiftedWindowAttention(nn.Module):
    """:func:`shifted_window_attention` with a learned bias table per relative position (Swin v1).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> attention = ShiftedWindowAttention(8, [2, 2], [1, 1], num_heads=2)
        >>> list(attention.state_dict())[:3]
        ['relative_position_bias_table', 'relative_position_index', 'qkv.weight']
    """

    relative_position_index: Any  # buffers, registered by name
    relative_coords_table: Any  # (v2)

    def __init__(
        self,
        dim: int,
        window_size: Sequence[int],
        shift_size: Sequence[int],
        num_heads: int,
        qkv_bias: bool = True,
        proj_bias: bool = True,
        attention_dropout: float = 0.0,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if len(window_size) != 2 or len(shift_size) != 2:
            raise ArgumentError(
                f"{type(self).__name__}: window_size and shift_size must have 2 entries, got "
                f"{list(window_size)} and {list(shift_size)}"
            )
        self.window_size, self.shift_size = list(window_size), list(shift_size)
        self.num_heads = num_heads
        self.attention_dropout, self.dropout = attention_dropout, dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self) -> None:
        wh, ww = self.window_size
        self.relative_position_bias_table = nn.Parameter(
            nn.init.zeros(((2 * wh - 1) * (2 * ww - 1), self.num_heads))
        )
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self) -> None:
        self.register_buffer("relative_position_index", asarray(_relative_position_index(self.window_size)))

    def get_relative_position_bias(self) -> Any:
        return _get_relative_position_bias(
            self.relative_position_bias_table, self.relative_position_index, self.window_size
        )

    def _attend(self, x: Any, logit_scale: Any) -> Any:
        return shifted_window_attention(
            x,
            self.qkv.weight,
            self.proj.weight,
            self.get_relative_position_bias(),
            self.window_size,
            self.num_heads,
            shift_size=self.shift_size,
            attention_dropout=self.attention_dropout,
            dropout=self.dropout,
            qkv_bias=self.qkv.bias,
            proj_bias=self.proj.bias,
            logit_scale=logit_scale,
            training=self.training,
        )

    def forward(self, x: Any) -> Any:
        """``(B, H, W, C)`` to ``(B, H, W, C)``."""
        return self._attend(x, None)


class ShiftedWindowAttentionV2(ShiftedWindowAttention):
    """Swin v2's window attention: cosine similarity with a learned scale, bias from a small MLP."""

    def __init__(
        self,
        dim: int,
        window_size: Sequence[int],
        shift_size: Sequence[int],
        num_heads: int,
        qkv_bias: bool = True,
        proj_bias: bool = True,
        attention_dropout: float = 0.0,
        dropout: float = 0.0,
    ) -> None:
        super().__init__(
            dim,
            window_size,
            shift_size,
            num_heads,
            qkv_bias=qkv_bias,
            proj_bias=proj_bias,
            attention_dropout=attention_dropout,
            dropout=dropout,
        )
        self.logit_scale = nn.Parameter(nn.init.ones((num_heads, 1, 1)) * math.log(10.0))
        self.cpb_mlp = nn.Sequential(
            nn.Linear(2, 512, bias=True), nn.ReLU(inplace=True), nn.Linear(512, num_heads, bias=False)
        )
        bias = self.qkv.bias
        if bias is not None:  # v2 has no key bias
            bias.assign(concat([bias[:dim], zeros_like(bias[dim : 2 * dim]), bias[2 * dim :]]))

    def define_relative_position_bias_table(self) -> None:
        self.register_buffer("relative_coords_table", asarray(_relative_coords_table(self.window_size)))

    def get_relative_position_bias(self) -> Any:
        table = reshape(self.cpb_mlp(self.relative_coords_table), (-1, self.num_heads))
        bias = _get_relative_position_bias(table, self.relative_position_index, self.window_size)
        return 16 * F.sigmoid(bias)

    def forward(self, x: Any) -> Any:
        """``(B, H, W, C)`` to ``(B, H, W, C)``."""
        return self._attend(x, self.logit_scale)
