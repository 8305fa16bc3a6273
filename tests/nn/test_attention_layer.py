"""MultiheadAttention against torch.nn.MultiheadAttention, across backends, and fast path against generic."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths, run_layer
from support import BACKENDS

import unigrad as ug
from unigrad.nn import reference as nn_reference
from unigrad.nn.functional import attention as functional_attention

rng = np.random.default_rng(4)
E, HEADS, N, L, S = 8, 2, 3, 4, 5


def arr(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def padding_mask():
    mask = np.zeros((N, S), dtype=bool)
    mask[0, -2:] = True
    mask[2, 1] = True
    return mask


def causal_ish(shape):
    mask = np.triu(np.ones((L, S), dtype=bool), k=2)
    return np.broadcast_to(mask, shape).copy()


def call_with(**options):
    masks = [name for name in ("key_padding_mask", "attn_mask") if options.get(name) is not None]
    flags = {k: v for k, v in options.items() if k not in masks}

    def call(module, q, k, v, *given):
        return module(q, k, v, **dict(zip(masks, given)), **flags)

    return call, [options[m] for m in masks]


CASES = [
    ("self", dict(), dict()),
    ("batch-first-cross", dict(batch_first=True), dict()),
    ("no-bias-kdim-vdim", dict(bias=False, kdim=6, vdim=3), dict()),
    ("padding-mask", dict(), dict(key_padding_mask=padding_mask())),
    (
        "float-mask-per-head",
        dict(batch_first=True),
        dict(attn_mask=arr(N * HEADS, L, S), average_attn_weights=False),
    ),
    ("both-bool-masks", dict(), dict(key_padding_mask=padding_mask(), attn_mask=causal_ish((L, S)))),
    ("no-weights", dict(), dict(need_weights=False, attn_mask=arr(L, S))),
]


@pytest.mark.parametrize("name, config, options", CASES, ids=[c[0] for c in CASES])
def test_attention_matches_torch(name, config, options):
    args = dict(embed_dim=E, num_heads=HEADS) | config
    first = config.get("batch_first", False)
    shape = (lambda length, dim: (N, length, dim)) if first else (lambda length, dim: (length, N, dim))
    q = arr(*shape(L, E))
    k, v = arr(*shape(S, config.get("kdim", E))), arr(*shape(S, config.get("vdim", E)))
    call, masks = call_with(**options)
    check_layer(
        lambda: ug.nn.MultiheadAttention(**args),
        lambda: torch.nn.MultiheadAttention(**args),
        [q, k, v, *masks],
        call=call,
    )


def test_attention_unbatched_and_float64():
    x = arr(L, E, dtype=np.float64)
    call, masks = call_with(key_padding_mask=np.array([False, False, True, False]))
    check_layer(
        lambda: ug.nn.MultiheadAttention(E, HEADS, dtype=ug.float64),
        lambda: torch.nn.MultiheadAttention(E, HEADS),
        [x, x, x, *masks],
        call=call,
    )


def test_attention_dropout_agrees_across_backends_and_is_off_in_eval():
    x = arr(L, N, E)
    make = lambda: ug.nn.MultiheadAttention(E, HEADS, dropout=0.5)  # noqa: E731
    runs = [run_layer(make, [x, x, x], b, seed=3, call=lambda m, *xs: m(*xs)) for b in BACKENDS]
    plain = run_layer(lambda: ug.nn.MultiheadAttention(E, HEADS), [x, x, x], BACKENDS[0], seed=3)
    assert not np.allclose(runs[0].outputs[0], plain.outputs[0]), "dropout changed nothing"
    for run in runs[1:]:
        for a, e in zip(run.outputs + run.input_grads, runs[0].outputs + runs[0].input_grads):
            np.testing.assert_allclose(a, e, rtol=2e-5, atol=2e-5)
    check_layer(
        make,
        lambda: torch.nn.MultiheadAttention(E, HEADS, dropout=0.5).eval(),
        [x, x, x],
        prepare=lambda layer: layer.eval(),
    )


@pytest.mark.parametrize("batch_first", [False, True], ids=["seq-first", "batch-first"])
@pytest.mark.parametrize("separate", [False, True], ids=["packed", "separate"])
def test_attention_fast_path_matches_generic(separate, batch_first):
    shape = (N, L, E) if batch_first else (L, N, E)
    q, k, v = arr(*shape), arr(*shape), arr(*shape)
    packed = arr(3 * E, E)
    weights = [arr(E, E), arr(E, E), arr(E, E)] if separate else [packed]
    mask, padding = np.triu(np.ones((L, L), dtype=bool), k=2), np.zeros((N, L), dtype=bool)
    padding[1, 0] = True

    def kernel(function):
        def run(*tensors):
            q, k, v, bias, out_w, out_b, mask, padding, *w = tensors
            split = tuple(w) if separate else None
            return function(
                q,
                k,
                v,
                HEADS,
                None if separate else w[0],
                bias,
                split,
                out_w,
                out_b,
                padding,
                True,
                mask,
                False,
                0.0,
                True,
                batch_first,
            )

        return run

    check_paths(
        kernel(functional_attention.multi_head_attention),
        kernel(nn_reference.multi_head_attention),
        [q, k, v, arr(3 * E), arr(E, E), arr(E), mask, padding, *weights],
    )


def test_attention_errors_name_the_shapes(ug_backend):
    attention = ug.nn.MultiheadAttention(E, HEADS, batch_first=True)
    x = ug.ones((N, L, E))
    with pytest.raises(ValueError, match=r"shapes \(N, L, 8\), \(N, L, 8\), \(N, L, 8\).*got \(3, 4, 6\)"):
        attention(ug.ones((N, L, 6)), x, x)
    with pytest.raises(ug.ShapeError, match=r"key_padding_mask of shape \(3, 4\), got \(3, 5\)"):
        attention(x, x, x, key_padding_mask=ug.zeros((N, 5), dtype=ug.bool))
    with pytest.raises(ug.ShapeError, match=r"attn_mask of shape \(4, 4\) or \(6, 4, 4\), got \(4, 5\)"):
        attention(x, x, x, attn_mask=ug.zeros((L, 5)))
    with pytest.raises(ValueError, match="divide by num_heads"):
        ug.nn.MultiheadAttention(10, 3)
