"""The Transformer family, as ``torch.nn``'s: ``TransformerEncoderLayer``, ``TransformerEncoder``,
``TransformerDecoderLayer``, ``TransformerDecoder`` and ``Transformer``.

Written once over :class:`MultiheadAttention`, :class:`Linear`, :class:`LayerNorm`
and :class:`Dropout`, so each runs on every backend with torch's submodule
names: state dicts load from and into torch's unchanged
(``layers.0.self_attn.in_proj_weight``, ...). Stacks deep-copy their layer,
as torch does, so every layer of a new stack starts from the same values.
The two layers are in :mod:`unigrad.nn.transformer_layers`.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from ..dtypes import default_float
from ..errors import ShapeError
from ..ops import creation
from ..ops._checks import shape_of
from . import functional as F
from . import init
from .container import ModuleList
from .module import Module
from .normalization import LayerNorm
from .transformer_layers import Activation, TransformerDecoderLayer, TransformerEncoderLayer

__all__ = [
    "TransformerEncoderLayer",
    "TransformerEncoder",
    "TransformerDecoderLayer",
    "TransformerDecoder",
    "Transformer",
]


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
