"""Twin rows: attention and the Transformer family (dropout 0: torch's masks are not ug.random's).

Inputs to differentiate are the queries, keys, values, sources and targets;
masks are fixed targets, bool (True may not attend, in torch.nn's layers) or
float in the row's dtype. ``FUNCTION_ROWS`` compare
``F.scaled_dot_product_attention`` through a small Module wrapper; they run in
``test_attention_layer.py``, as the twin table counts only ``torch.nn`` classes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import torch
from twin_support import Row, twin

import unigrad as ug

E, HEADS, N, L, S, FF = 8, 2, 3, 4, 5, 16

Mask = Callable[[np.random.Generator, Any], np.ndarray]


def inputs(*shapes: tuple[int, ...], masks: Sequence[Mask] = ()) -> Callable[..., Any]:
    """Inputs of ``shapes`` (differentiated) and the fixed ``masks``."""

    def draw(rng: np.random.Generator, dtype: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
        xs = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
        return xs, [mask(rng, dtype) for mask in masks]

    return draw


def padding(n: int, length: int) -> Mask:
    """``(n, length)`` True at some keys of each row, never at all of them (torch's weights would be NaN)."""

    def draw(rng: np.random.Generator, dtype: Any) -> np.ndarray:
        mask = rng.random((n, length)) < 0.3
        mask[:, 0] = False
        return mask

    return draw


def causal(target: int, source: int) -> Mask:
    """True above the diagonal: the keys a query may not attend."""
    return lambda rng, dtype: np.triu(np.ones((target, source), dtype=bool), k=1)


def additive(*shape: int) -> Mask:
    """A float mask to add to the scores, with some ``-inf``, never a whole row."""

    def draw(rng: np.random.Generator, dtype: Any) -> np.ndarray:
        mask = rng.standard_normal(shape)
        mask[..., 1:][rng.random(mask[..., 1:].shape) < 0.2] = -np.inf
        return mask.astype(dtype)

    return draw


def subsequent(size: int) -> Mask:
    """torch's ``generate_square_subsequent_mask``: -inf above the diagonal."""
    return lambda rng, dtype: np.triu(np.full((size, size), -np.inf), k=1).astype(dtype)


def with_masks(*names: str, self_attention: bool = False, **flags: Any) -> Callable[..., Any]:
    """``layer(*inputs, name=mask, ..., **flags)``; ``self_attention`` gives the one input as q, k and v."""

    def call(layer: Any, xs: Sequence[Any], ts: Sequence[Any]) -> Any:
        given = [xs[0]] * 3 if self_attention else list(xs)
        return layer(*given, **dict(zip(names, ts)), **flags)

    return call


def seq(length: int, dim: int = E, batch_first: bool = False) -> tuple[int, ...]:
    return (N, length, dim) if batch_first else (length, N, dim)


def attention(id: str, data: Callable[..., Any], call: Callable[..., Any], **options: Any) -> Row:
    return twin("MultiheadAttention", E, HEADS, id=f"MultiheadAttention-{id}", data=data, call=call,
                layer_dtype=True, **options)  # fmt: skip


ATTENTION = [
    attention("self", inputs(seq(L), seq(S), seq(S)), with_masks()),
    attention(
        "batch-first-heads",
        inputs(seq(L, batch_first=True), seq(S, batch_first=True), seq(S, batch_first=True)),
        with_masks(average_attn_weights=False),
        batch_first=True,
    ),
    attention(
        "kdim-vdim-no-bias",
        inputs(seq(L), seq(S, 6), seq(S, 3)),
        with_masks(),
        kdim=6,
        vdim=3,
        bias=False,
    ),
    attention(
        "bool-masks",
        inputs(seq(L), seq(S), seq(S), masks=[padding(N, S), causal(L, S)]),
        with_masks("key_padding_mask", "attn_mask"),
    ),
    attention(
        "float-masks-per-head",
        inputs(seq(L), seq(S), seq(S), masks=[additive(N, S), additive(N * HEADS, L, S)]),
        with_masks("key_padding_mask", "attn_mask", average_attn_weights=False),
    ),
    attention(
        "no-weights-masks",
        inputs(seq(L), seq(S), seq(S), masks=[padding(N, S), additive(L, S)]),
        with_masks("key_padding_mask", "attn_mask", need_weights=False),
    ),
    attention(
        "bool-head-masks-no-weights",
        inputs(seq(L), seq(S), seq(S), masks=[lambda rng, dtype: rng.random((N * HEADS, L, S)) < 0.3]),
        with_masks("attn_mask", need_weights=False),
        batch_first=False,
    ),
    attention(
        "causal-hint",
        inputs(seq(L), masks=[causal(L, L)]),
        with_masks("attn_mask", self_attention=True, need_weights=False, is_causal=True),
    ),
    attention(
        "bias-kv",
        inputs(seq(L), seq(S), seq(S), masks=[padding(N, S), causal(L, S)]),
        with_masks("key_padding_mask", "attn_mask"),
        add_bias_kv=True,
    ),
    attention(
        "zero-attn",
        inputs(seq(L), seq(S), seq(S), masks=[additive(N, S)]),
        with_masks("key_padding_mask", need_weights=False),
        add_zero_attn=True,
    ),
    attention(
        "bias-kv-zero-attn-batch-first",
        inputs(
            seq(L, batch_first=True),
            seq(S, batch_first=True),
            seq(S, batch_first=True),
            masks=[additive(N * HEADS, L, S)],
        ),
        with_masks("attn_mask", average_attn_weights=False),
        add_bias_kv=True,
        add_zero_attn=True,
        batch_first=True,
    ),
    attention(
        "unbatched",
        inputs((L, E), (S, E), (S, E), masks=[lambda rng, dtype: padding(1, S)(rng, dtype)[0], causal(L, S)]),
        with_masks("key_padding_mask", "attn_mask"),
    ),
    attention(
        "unbatched-head-masks",
        inputs((L, E), (S, E), (S, E), masks=[additive(HEADS, L, S)]),
        with_masks("attn_mask", average_attn_weights=False),
    ),
]


def transformer(
    name: str,
    id: str,
    data: Callable[..., Any],
    call: Callable[..., Any],
    make_ug: Callable[..., Any] | None = None,
    make_torch: Callable[..., Any] | None = None,
    **options: Any,
) -> Row:
    """A row of ``name`` with dropout 0 and small sizes, unless its factories say otherwise."""
    if make_ug is None or make_torch is None:
        options = dict(d_model=E, nhead=HEADS, dim_feedforward=FF, dropout=0.0) | options
        return twin(name, id=f"{name}-{id}", data=data, call=call, layer_dtype=True, **options)
    return Row(
        id=f"{name}-{id}", make_ug=make_ug, make_torch=make_torch, data=data, call=call, layer_dtype=True
    )


def encoder_layer(library: Any, dtype: Any = None, **options: Any) -> Any:
    extra = {} if dtype is None else {"dtype": dtype}
    return library.TransformerEncoderLayer(E, HEADS, FF, 0.0, **options, **extra)


def decoder_layer(library: Any, dtype: Any = None, **options: Any) -> Any:
    extra = {} if dtype is None else {"dtype": dtype}
    return library.TransformerDecoderLayer(E, HEADS, FF, 0.0, **options, **extra)


def layer_norm(library: Any, dtype: Any = None) -> Any:
    return library.LayerNorm(E) if dtype is None else library.LayerNorm(E, dtype=dtype)


def stack(kind: str, library: Any, dtype: Any = None, norm: bool = True, **options: Any) -> Any:
    """``TransformerEncoder`` / ``TransformerDecoder`` of two layers, with a final LayerNorm if ``norm``."""
    layer = (encoder_layer if kind == "Encoder" else decoder_layer)(library, dtype, **options)
    final = layer_norm(library, dtype) if norm else None
    return getattr(library, f"Transformer{kind}")(layer, 2, norm=final)


def gelu(row: Row) -> list[Row]:
    """A GELU row twice: float32 as any, float64 to about GELU's own float64 tolerance (TensorFlow's erf
    is good to 1.2e-7; its error grows a little through the layers)."""
    return [
        replace(row, dtypes=(np.float32,)),
        replace(row, id=f"{row.id}-f64", dtypes=(np.float64,), rtol=1e-6, atol=1e-7),
    ]


SOURCE, TARGET = S, L

TRANSFORMERS = [
    transformer(
        "TransformerEncoderLayer",
        "masks",
        inputs(seq(SOURCE), masks=[causal(SOURCE, SOURCE), padding(N, SOURCE)]),
        with_masks("src_mask", "src_key_padding_mask"),
    ),
    *gelu(
        transformer(
            "TransformerEncoderLayer",
            "norm-first-gelu-batch-first",
            inputs(
                seq(SOURCE, batch_first=True),
                masks=[additive(N * HEADS, SOURCE, SOURCE), additive(N, SOURCE)],
            ),
            with_masks("src_mask", "src_key_padding_mask"),
            norm_first=True,
            activation="gelu",
            batch_first=True,
        )
    ),
    transformer(
        "TransformerEncoderLayer",
        "causal-hint",
        inputs(seq(SOURCE), masks=[subsequent(SOURCE)]),
        with_masks("src_mask", is_causal=True),
    ),
    *gelu(
        transformer(
            "TransformerEncoderLayer",
            "module-activation-no-bias-unbatched",
            inputs((SOURCE, E)),
            with_masks(),
            make_ug=lambda dtype=None: encoder_layer(ug.nn, dtype, activation=ug.nn.GELU("tanh"), bias=False),
            make_torch=lambda: encoder_layer(torch.nn, activation=torch.nn.GELU("tanh"), bias=False),
        )
    ),
    transformer(
        "TransformerEncoder",
        "norm-masks",
        inputs(seq(SOURCE), masks=[subsequent(SOURCE), padding(N, SOURCE)]),
        with_masks("mask", "src_key_padding_mask"),
        make_ug=lambda dtype=None: stack("Encoder", ug.nn, dtype),
        make_torch=lambda: stack("Encoder", torch.nn),
    ),
    transformer(
        "TransformerEncoder",
        "norm-first-batch-first-causal",
        inputs(seq(SOURCE, batch_first=True), masks=[subsequent(SOURCE)]),
        with_masks("mask", is_causal=True),
        make_ug=lambda dtype=None: stack("Encoder", ug.nn, dtype, False, norm_first=True, batch_first=True),
        make_torch=lambda: stack("Encoder", torch.nn, None, False, norm_first=True, batch_first=True),
    ),
    transformer(
        "TransformerDecoderLayer",
        "masks",
        inputs(
            seq(TARGET),
            seq(SOURCE),
            masks=[causal(TARGET, TARGET), additive(TARGET, SOURCE), padding(N, TARGET), padding(N, SOURCE)],
        ),
        with_masks("tgt_mask", "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask"),
    ),
    *gelu(
        transformer(
            "TransformerDecoderLayer",
            "norm-first-gelu-batch-first",
            inputs(seq(TARGET, batch_first=True), seq(SOURCE, batch_first=True), masks=[subsequent(TARGET)]),
            with_masks("tgt_mask", tgt_is_causal=True),
            norm_first=True,
            activation="gelu",
            batch_first=True,
        )
    ),
    transformer(
        "TransformerDecoder",
        "norm-masks",
        inputs(seq(TARGET), seq(SOURCE), masks=[subsequent(TARGET), padding(N, SOURCE)]),
        with_masks("tgt_mask", "memory_key_padding_mask"),
        make_ug=lambda dtype=None: stack("Decoder", ug.nn, dtype),
        make_torch=lambda: stack("Decoder", torch.nn),
    ),
    transformer(
        "TransformerDecoder",
        "norm-first-batch-first-memory-masks",
        inputs(
            seq(TARGET, batch_first=True),
            seq(SOURCE, batch_first=True),
            masks=[additive(N * HEADS, TARGET, SOURCE), additive(N, SOURCE)],
        ),
        with_masks("memory_mask", "memory_key_padding_mask"),
        make_ug=lambda dtype=None: stack("Decoder", ug.nn, dtype, False, norm_first=True, batch_first=True),
        make_torch=lambda: stack("Decoder", torch.nn, None, False, norm_first=True, batch_first=True),
    ),
    transformer(
        "Transformer",
        "masks",
        inputs(
            seq(SOURCE),
            seq(TARGET),
            masks=[padding(N, SOURCE), subsequent(TARGET), padding(N, TARGET), padding(N, SOURCE)],
        ),
        with_masks("src_key_padding_mask", "tgt_mask", "tgt_key_padding_mask", "memory_key_padding_mask"),
        num_encoder_layers=2,
        num_decoder_layers=1,
    ),
    *gelu(
        transformer(
            "Transformer",
            "norm-first-gelu-batch-first",
            inputs(
                seq(SOURCE, batch_first=True),
                seq(TARGET, batch_first=True),
                masks=[causal(SOURCE, SOURCE), additive(TARGET, SOURCE)],
            ),
            with_masks("src_mask", "memory_mask"),
            num_encoder_layers=1,
            num_decoder_layers=2,
            norm_first=True,
            activation="gelu",
            batch_first=True,
        )
    ),
]

ROWS = [*ATTENTION, *TRANSFORMERS]


# -- scaled_dot_product_attention, through a Module on each side ----------------------------------


class Attention(ug.nn.Module):
    """``F.scaled_dot_product_attention(query, key, value, attn_mask, **options)`` as a layer."""

    def __init__(self, **options: Any) -> None:
        super().__init__()
        self.options = options

    def forward(self, query: Any, key: Any, value: Any, attn_mask: Any = None) -> Any:
        return ug.nn.functional.scaled_dot_product_attention(query, key, value, attn_mask, **self.options)


class TorchAttention(torch.nn.Module):
    def __init__(self, **options: Any) -> None:
        super().__init__()
        self.options = options

    def forward(self, query: Any, key: Any, value: Any, attn_mask: Any = None) -> Any:
        return torch.nn.functional.scaled_dot_product_attention(query, key, value, attn_mask, **self.options)


def keep(*shape: int) -> Mask:
    """A boolean mask (True takes part) with one query row masked out entirely (output 0, as torch's)."""

    def draw(rng: np.random.Generator, dtype: Any) -> np.ndarray:
        mask = rng.random(shape) < 0.7
        mask[..., 1, :] = False
        return mask

    return draw


def function(id: str, data: Callable[..., Any], **options: Any) -> Row:
    return Row(
        id=f"scaled_dot_product_attention-{id}",
        make_ug=lambda: Attention(**options),
        make_torch=lambda: TorchAttention(**options),
        data=data,
        modes=("train",),
    )


Q, K, V = (2, HEADS, L, E), (2, HEADS, S, E), (2, HEADS, S, 6)

FUNCTION_ROWS = [
    function("plain", inputs(Q, K, V)),
    function("bool-mask", inputs(Q, K, V, masks=[keep(L, S)])),
    function("float-mask-broadcast", inputs(Q, K, V, masks=[additive(2, 1, L, S)])),
    function("causal-scale", inputs(Q, K, V), is_causal=True, scale=0.3),
    function("causal-square", inputs(Q, (2, HEADS, L, E), (2, HEADS, L, 6)), is_causal=True),
    function("gqa", inputs((2, 4, L, E), K, V, masks=[keep(2, 4, L, S)]), enable_gqa=True),
    function("batch-dims-broadcast", inputs((2, 3, HEADS, L, E), (1, 3, HEADS, S, E), (1, 3, HEADS, S, 6))),
    function("unbatched", inputs((L, E), (S, E), (S, 6), masks=[keep(L, S)])),
]
