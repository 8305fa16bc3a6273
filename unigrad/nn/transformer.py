"""The Transformer family, as ``torch.nn``'s: ``TransformerEncoderLayer``, ``TransformerEncoder``,
``TransformerDecoderLayer``, ``TransformerDecoder`` and ``Transformer``.

Written once over :class:`MultiheadAttention`, :class:`Linear`, :class:`LayerNorm`
and :class:`Dropout`, so each runs on every backend with torch's submodule
names: state dicts load from and into torch's unchanged
(``layers.0.self_attn.in_proj_weight``, ...). Stacks deep-copy their layer,
as torch does, so every layer of a new stack starts from the same values.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..dtypes import default_float
from ..errors import ArgumentError, ShapeError
from ..ops import creation
from ..ops._checks import shape_of
from . import functional as F
from . import init
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .functional.attention import check_masks
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = [
    "TransformerEncoderLayer",
    "TransformerEncoder",
    "TransformerDecoderLayer",
    "TransformerDecoder",
    "Transformer",
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


def _clones(layer: Module, num_layers: int) -> ModuleList:
    """``num_layers`` deep copies of ``layer``, as torch's ``_get_clones``."""
    return ModuleList([copy.deepcopy(layer) for _ in range(num_layers)])


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer``, then ``norm`` if given, as torch's.

    The layers are deep copies (``layers.0``, ``layers.1``, ...), so they start
    equal, as in torch. ``enable_nested_tensor`` and ``mask_check`` are accepted
    and ignored: there are no nested tensors here, and every position is
    computed as torch's regular path computes it. (torch's nested-tensor
    inference path, taken without gradients, returns 0 at the positions that
    ``src_key_padding_mask`` pads; the values elsewhere are identical.)

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> layer = ug.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
        >>> encoder = ug.nn.TransformerEncoder(layer, num_layers=2)
        >>> tuple(encoder(ug.ones((5, 3, 8))).shape), list(encoder.state_dict())[0]
        ((5, 3, 8), 'layers.0.self_attn.in_proj_weight')
    """

    def __init__(
        self,
        encoder_layer: TransformerEncoderLayer,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(
        self,
        src: Any,
        mask: Any = None,
        src_key_padding_mask: Any = None,
        is_causal: bool | None = None,
    ) -> Any:
        # (torch compares ``mask`` with the causal mask when ``is_causal`` is None: only a hint, which
        # changes no value, so the mask is used as given)
        output = src
        for layer in self.layers:
            output = layer(
                output, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=bool(is_causal)
            )
        return output if self.norm is None else self.norm(output)


class TransformerDecoder(Module):
    """A stack of ``num_layers`` copies of ``decoder_layer``, then ``norm`` if given, as torch's.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> decoder = ug.nn.TransformerDecoder(ug.nn.TransformerDecoderLayer(8, 2, 16), num_layers=2)
        >>> tuple(decoder(ug.ones((4, 3, 8)), ug.ones((6, 3, 8))).shape)
        (4, 3, 8)
    """

    def __init__(
        self, decoder_layer: TransformerDecoderLayer, num_layers: int, norm: Module | None = None
    ) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: Any,
        memory: Any,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Any:
        output = tgt
        for layer in self.layers:
            output = layer(
                output,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=bool(tgt_is_causal),
                memory_is_causal=memory_is_causal,
            )
        return output if self.norm is None else self.norm(output)


class Transformer(Module):
    """An encoder-decoder Transformer (Vaswani et al. 2017), as ``torch.nn.Transformer``.

    ``encoder`` is a :class:`TransformerEncoder` of ``num_encoder_layers`` and a
    final :class:`LayerNorm`, ``decoder`` a :class:`TransformerDecoder` likewise
    (or ``custom_encoder`` / ``custom_decoder``); every parameter of two or more
    dimensions is then drawn again Xavier-uniform, as torch's. ``forward(src,
    tgt, ...)`` takes ``src`` ``(S, N, E)`` and ``tgt`` ``(T, N, E)`` (batch first
    with ``batch_first=True``) and the masks of both layer kinds.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> model = ug.nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
        ...                           dim_feedforward=16)
        >>> mask = ug.nn.Transformer.generate_square_subsequent_mask(4)
        >>> tuple(model(ug.ones((6, 3, 8)), ug.ones((4, 3, 8)), tgt_mask=mask).shape)
        (4, 3, 8)
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        options = dict(
            dim_feedforward=dim_feedforward,
            dropout=dropout,
            activation=activation,
            layer_norm_eps=layer_norm_eps,
            batch_first=batch_first,
            norm_first=norm_first,
            bias=bias,
            dtype=dtype,
        )
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            encoder_layer = TransformerEncoderLayer(d_model, nhead, **options)
            encoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.encoder = TransformerEncoder(encoder_layer, num_encoder_layers, encoder_norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            decoder_layer = TransformerDecoderLayer(d_model, nhead, **options)
            decoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.decoder = TransformerDecoder(decoder_layer, num_decoder_layers, decoder_norm)
        self._reset_parameters()
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def _reset_parameters(self) -> None:
        for parameter in self.parameters():
            if len(tuple(parameter.shape)) > 1:
                init.xavier_uniform_(parameter)

    def forward(
        self,
        src: Any,
        tgt: Any,
        src_mask: Any = None,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        src_key_padding_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Any:
        shapes = (shape_of(src) or (), shape_of(tgt) or ())
        batch_axis = 0 if self.batch_first else 1
        if len(shapes[0]) == 3 and (len(shapes[1]) != 3 or shapes[0][batch_axis] != shapes[1][batch_axis]):
            raise ShapeError(
                f"Transformer: the batch number of src and tgt must be equal (axis {batch_axis}); got src "
                f"of shape {shapes[0]} and tgt of shape {shapes[1]}"
            )
        if not shapes[0] or not shapes[1] or shapes[0][-1] != self.d_model or shapes[1][-1] != self.d_model:
            raise ShapeError(
                f"Transformer: the feature number of src and tgt must be equal to d_model={self.d_model}; "
                f"got src of shape {shapes[0]} and tgt of shape {shapes[1]}"
            )
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Any:
        """The ``(sz, sz)`` causal mask: ``-inf`` above the diagonal, 0 elsewhere, as torch's.

        Examples:
            >>> import unigrad as ug
            >>> ug.to_numpy(ug.nn.Transformer.generate_square_subsequent_mask(3)).tolist()
            [[0.0, -inf, -inf], [0.0, 0.0, -inf], [0.0, 0.0, 0.0]]
        """
        mask = np.triu(np.full((sz, sz), -math.inf), k=1)
        return creation.asarray(mask, dtype=dtype if dtype is not None else default_float, device=device)
