"""The Transformer's two layers, as ``torch.nn``'s: ``TransformerEncoderLayer`` and
``TransformerDecoderLayer`` (:mod:`unigrad.nn.transformer` re-exports them, next to the stacks
built from them), with the helpers they share: the ``Activation`` type, torch's activation lookup,
and the checks of the head count and of the attention masks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ArgumentError
from ..ops._checks import shape_of
from . import functional as F
from .attention import MultiheadAttention
from .dropout import Dropout
from .functional.attention import check_masks
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = [
    "TransformerEncoderLayer",
    "TransformerDecoderLayer",
]

Activation = str | Callable[[Any], Any]


def _activation(activation: Activation, where: str) -> Callable[[Any], Any]:
    """torch's ``_get_activation_fn``: "relu" and "gelu" by name, any callable as it is."""
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    if isinstance(activation, str) or not callable(activation):
        raise ArgumentError(f"{where}: activation should be 'relu', 'gelu' or a callable, not {activation!r}")
    return activation


def _heads(where: str, d_model: int, nhead: int) -> None:
    if nhead <= 0 or d_model % nhead:
        raise ArgumentError(f"{where}: d_model ({d_model}) must divide by nhead ({nhead})")


def _check(
    where: str,
    x: Any,
    other: Any,
    batch_first: bool,
    nhead: int,
    masks: tuple[tuple[str, Any], tuple[str, Any]],
) -> None:
    """The masks of attention from ``x`` to ``other`` (the same for self-attention), checked as torch's.

    ``masks`` are ``(name, value)`` of the key-padding mask and the attention mask.
    """
    if masks[0][1] is None and masks[1][1] is None:
        return
    shapes = [shape_of(t) or () for t in (x, other)]
    batched = len(shapes[0]) == 3
    if len(shapes[0]) not in (2, 3) or len(shapes[1]) != len(shapes[0]):
        return  # MultiheadAttention names the bad input
    seq_first = [s[:-1][::-1] if batched and batch_first else s[:-1] for s in shapes]
    (padding_name, padding), (mask_name, mask) = masks
    pair = (seq_first[0], seq_first[1])
    check_masks(where, pair, nhead, padding, mask, batched, names=(padding_name, mask_name), warn=False)


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward block, each with a residual and layer norm, as torch's.

    Inputs ``(S, N, E)``, ``(N, S, E)`` with ``batch_first=True``, or ``(S, E)``
    unbatched. ``norm_first`` normalizes before each block (pre-norm) instead of
    after (post-norm). ``activation`` is ``"relu"``, ``"gelu"`` or a callable (a
    Module is a child, as in torch). ``src_mask`` ``(S, S)`` or ``(N * nhead, S, S)``
    and ``src_key_padding_mask`` ``(N, S)`` as :class:`MultiheadAttention`'s
    (boolean True may not attend, float is added); ``is_causal=True`` is a hint
    that ``src_mask`` is the causal mask. torch's inference fast path computes
    the same values; there is none here.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> layer = ug.nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, batch_first=True)
        >>> tuple(layer(ug.ones((3, 5, 8))).shape)
        (3, 5, 8)
        >>> list(layer.state_dict())[:3]
        ['self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight']
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _heads(type(self).__name__, d_model, nhead)
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation, type(self).__name__)

    def forward(
        self, src: Any, src_mask: Any = None, src_key_padding_mask: Any = None, is_causal: bool = False
    ) -> Any:
        masks = (("src_key_padding_mask", src_key_padding_mask), ("src_mask", src_mask))
        _check(type(self).__name__, src, src, self.self_attn.batch_first, self.self_attn.num_heads, masks)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x: Any, attn_mask: Any, key_padding_mask: Any, is_causal: bool) -> Any:
        x = self.self_attn(
            x,
            x,
            x,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            need_weights=False,
            is_causal=is_causal,
        )[0]
        return self.dropout1(x)

    def _ff_block(self, x: Any) -> Any:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's ``memory`` and a feed-forward block, as torch's.

    Arguments as :class:`TransformerEncoderLayer`'s; ``forward`` takes
    ``tgt`` ``(T, N, E)`` and ``memory`` ``(S, N, E)`` (batch first with
    ``batch_first=True``), ``tgt_mask`` ``(T, T)`` / ``memory_mask`` ``(T, S)``
    (or per head, ``(N * nhead, ...)``), the key-padding masks ``(N, T)`` /
    ``(N, S)``, and the ``tgt_is_causal`` / ``memory_is_causal`` hints.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> layer = ug.nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, norm_first=True)
        >>> tuple(layer(ug.ones((4, 3, 8)), ug.ones((6, 3, 8))).shape)
        (4, 3, 8)
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _heads(type(self).__name__, d_model, nhead)
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self.multihead_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, dtype=dtype
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = _activation(activation, type(self).__name__)

    def forward(
        self,
        tgt: Any,
        memory: Any,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Any:
        where, first, heads = type(self).__name__, self.self_attn.batch_first, self.self_attn.num_heads
        _check(
            where,
            tgt,
            tgt,
            first,
            heads,
            (("tgt_key_padding_mask", tgt_key_padding_mask), ("tgt_mask", tgt_mask)),
        )
        memory_masks = (("memory_key_padding_mask", memory_key_padding_mask), ("memory_mask", memory_mask))
        _check(where, tgt, memory, first, heads, memory_masks)
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(
                self.norm2(x), memory, memory_mask, memory_key_padding_mask, memory_is_causal
            )
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask, memory_is_causal))
        return self.norm3(x + self._ff_block(x))

    def _sa_block(self, x: Any, attn_mask: Any, key_padding_mask: Any, is_causal: bool) -> Any:
        x = self.self_attn(
            x,
            x,
            x,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=False,
        )[0]
        return self.dropout1(x)

    def _mha_block(self, x: Any, mem: Any, attn_mask: Any, key_padding_mask: Any, is_causal: bool) -> Any:
        x = self.multihead_attn(
            x,
            mem,
            mem,
            attn_mask=attn_mask,
            key_padding_mask=key_padding_mask,
            is_causal=is_causal,
            need_weights=False,
        )[0]
        return self.dropout2(x)

    def _ff_block(self, x: Any) -> Any:
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))
