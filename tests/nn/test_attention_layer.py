"""Attention and the Transformer family: what the twin rows (``twin_rows_attention.py``) cannot show.

``F.scaled_dot_product_attention`` against torch's through the rows' Module
wrapper, the fused kernels against the reference definitions, dropout that
agrees across backends from one seed, torch's functional form, state dicts,
XLA, and the errors (same text on every backend).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths, run_layer
from support import BACKENDS
from twin_rows_attention import FUNCTION_ROWS
from twin_support import Row, compare

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.nn import reference as nn_reference
from unigrad.nn.functional import attention as functional_attention

rng = np.random.default_rng(4)
E, HEADS, N, L, S = 8, 2, 3, 4, 5


def arr(*shape: int, dtype: Any = np.float32) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("row", FUNCTION_ROWS, ids=[row.id for row in FUNCTION_ROWS])
def test_scaled_dot_product_attention_matches_torch(row: Row, dtype: Any) -> None:
    compare(row, dtype, "train")


@pytest.mark.parametrize(
    "options",
    [{}, {"is_causal": True}, {"mask": "bool"}, {"mask": "float", "scale": 0.2}, {"gqa": True}],
    ids=["plain", "causal", "bool-mask", "float-mask", "gqa"],
)
def test_attention_kernel_fast_path_matches_reference(options: dict[str, Any]) -> None:
    gqa = options.get("gqa", False)
    q, k, v = arr(2, 4 if gqa else 2, L, E), arr(2, 2, S, E), arr(2, 2, S, 6)
    mask = {"bool": rng.random((L, S)) < 0.6, "float": arr(L, S)}.get(options.get("mask", ""))
    scale, causal = options.get("scale", 0.35), options.get("is_causal", False)

    def kernel(function: Any) -> Any:
        return lambda q, k, v, *m: function(q, k, v, m[0] if m else None, 0.0, causal, scale, gqa)

    check_paths(
        kernel(functional_attention.attention_kernel),
        kernel(nn_reference.scaled_dot_product_attention),
        [q, k, v] + ([] if mask is None else [mask]),
    )


@pytest.mark.parametrize("need_weights", [True, False], ids=["weights", "no-weights"])
@pytest.mark.parametrize("batch_first", [False, True], ids=["seq-first", "batch-first"])
@pytest.mark.parametrize("separate", [False, True], ids=["packed", "separate"])
def test_attention_fast_path_matches_generic(separate: bool, batch_first: bool, need_weights: bool) -> None:
    shape = (N, L, E) if batch_first else (L, N, E)
    q, k, v = arr(*shape), arr(*shape), arr(*shape)
    weights = [arr(E, E), arr(E, E), arr(E, E)] if separate else [arr(3 * E, E)]
    mask, padding = np.triu(np.ones((L, L), dtype=bool), k=2), np.zeros((N, L), dtype=bool)
    padding[1, 0] = True

    def kernel(function: Any) -> Any:
        def run(*tensors: Any) -> Any:
            q, k, v, bias, out_w, out_b, mask, padding, bias_k, bias_v, *w = tensors
            split = tuple(w) if separate else None
            return function(
                q, k, v, HEADS, None if separate else w[0], bias, split, out_w, out_b, padding,
                need_weights, mask, False, 0.0, True, batch_first, bias_k, bias_v, True,
            )  # fmt: skip

        return run

    check_paths(
        kernel(functional_attention.multi_head_attention),
        kernel(nn_reference.multi_head_attention),
        [q, k, v, arr(3 * E), arr(E, E), arr(E), mask, padding, arr(1, 1, E), arr(1, 1, E), *weights],
    )


def test_multi_head_attention_forward_is_torchs_static_kv_included() -> None:
    x, memory = arr(L, N, E, dtype=np.float64), arr(S, N, E, dtype=np.float64)
    weights = [arr(3 * E, E, dtype=np.float64), arr(3 * E, dtype=np.float64)]
    out = [arr(E, E, dtype=np.float64), arr(E, dtype=np.float64)]
    static = [arr(N * HEADS, S + 1, E // HEADS, dtype=np.float64) for _ in range(2)]
    padding = np.zeros((N, S + 1), dtype=bool)
    padding[0, 2] = True
    for backend in BACKENDS:
        with ug.use_backend(backend):
            for static_kv in (False, True):
                args = dict(key_padding_mask=padding, static_k=static[0], static_v=static[1])
                if not static_kv:
                    args = dict(key_padding_mask=padding[:, :S])
                ours = F.multi_head_attention_forward(
                    *map(ug.asarray, (x, memory, memory)), E, HEADS, *map(ug.asarray, weights),
                    None, None, False, 0.0, *map(ug.asarray, out),
                    training=False, average_attn_weights=False, **{k: ug.asarray(v) for k, v in args.items()},
                )  # fmt: skip
                theirs = torch.nn.functional.multi_head_attention_forward(
                    *map(torch.as_tensor, (x, memory, memory)), E, HEADS, *map(torch.as_tensor, weights),
                    None, None, False, 0.0, *map(torch.as_tensor, out),
                    training=False, average_attn_weights=False,
                    **{k: torch.as_tensor(v) for k, v in args.items()},
                )  # fmt: skip
                for a, b in zip(ours, theirs):
                    np.testing.assert_allclose(ug.to_numpy(a), b.numpy(), rtol=1e-10, atol=1e-12)
            unbatched = F.multi_head_attention_forward(
                *map(ug.asarray, (x[:, 0], x[:, 0], x[:, 0])), E, HEADS, *map(ug.asarray, weights),
                None, None, False, 0.0, *map(ug.asarray, out), need_weights=False,
            )  # fmt: skip
            assert tuple(unbatched[0].shape) == (L, E) and unbatched[1] is None


def dropout_runs(make: Any, inputs: list[np.ndarray], call: Any = None) -> list[Any]:
    return [run_layer(make, inputs, b, seed=3, call=call or (lambda m, *xs: m(*xs))) for b in BACKENDS]


def assert_runs_agree(runs: list[Any]) -> None:
    for run in runs[1:]:
        for a, e in zip(run.outputs + run.input_grads, runs[0].outputs + runs[0].input_grads):
            np.testing.assert_allclose(a, e, rtol=2e-5, atol=2e-5)
        for name, grad in run.param_grads.items():
            np.testing.assert_allclose(grad, runs[0].param_grads[name], rtol=2e-5, atol=2e-5, err_msg=name)


@pytest.mark.parametrize("need_weights", [True, False], ids=["weights", "no-weights"])
def test_attention_dropout_agrees_across_backends_and_is_off_in_eval(need_weights: bool) -> None:
    x = arr(L, N, E)
    make = lambda: ug.nn.MultiheadAttention(E, HEADS, dropout=0.5)  # noqa: E731
    call = lambda m, *xs: m(*xs, need_weights=need_weights)  # noqa: E731
    runs = dropout_runs(make, [x, x, x], call)
    plain = run_layer(lambda: ug.nn.MultiheadAttention(E, HEADS), [x, x, x], BACKENDS[0], seed=3, call=call)
    assert not np.allclose(runs[0].outputs[0], plain.outputs[0]), "dropout changed nothing"
    assert_runs_agree(runs)
    check_layer(
        make,
        lambda: torch.nn.MultiheadAttention(E, HEADS, dropout=0.5).eval(),
        [x, x, x],
        prepare=lambda layer: layer.eval(),
    )


def test_scaled_dot_product_attention_dropout_agrees_across_backends() -> None:
    q, k, v = arr(2, HEADS, L, E), arr(2, HEADS, S, E), arr(2, HEADS, S, 6)

    def attend(p: float) -> Any:
        return lambda: lambda *xs: F.scaled_dot_product_attention(*xs, dropout_p=p, is_causal=True)

    runs = dropout_runs(attend(0.4), [q, k, v])
    plain = run_layer(attend(0.0), [q, k, v], BACKENDS[0], call=lambda f, *xs: f(*xs))
    assert not np.allclose(runs[0].outputs[0], plain.outputs[0]), "dropout changed nothing"
    assert_runs_agree(runs)


def test_transformer_dropout_agrees_across_backends() -> None:
    src, tgt = arr(S, N, E), arr(L, N, E)
    make = lambda: ug.nn.Transformer(E, HEADS, 1, 1, 16, dropout=0.3)  # noqa: E731
    runs = dropout_runs(make, [src, tgt])
    assert_runs_agree(runs)


def test_torch_inference_fast_path_computes_what_we_compute(ug_backend: str) -> None:
    """torch's encoder takes its fused path without gradients in eval mode; no padding there, same values."""
    ug.random.seed(0)
    ours = ug.nn.TransformerEncoder(
        ug.nn.TransformerEncoderLayer(E, HEADS, 16, batch_first=True), 2, norm=ug.nn.LayerNorm(E)
    ).eval()
    theirs = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(E, HEADS, 16, batch_first=True), 2, norm=torch.nn.LayerNorm(E)
    ).eval()
    theirs.load_state_dict({k: torch.tensor(np.array(ug.to_numpy(v))) for k, v in ours.state_dict().items()})
    x = arr(N, S, E)
    with torch.no_grad():
        expected = theirs(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(ug.to_numpy(ours(ug.asarray(x))), expected, rtol=1e-5, atol=1e-5)


def test_state_dicts_are_torchs_and_stacks_start_from_copies(ug_backend: str) -> None:
    def shapes(module: Any) -> dict[str, tuple[int, ...]]:
        return {k: tuple(v.shape) for k, v in module.state_dict().items()}

    options = dict(d_model=E, nhead=HEADS, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=16)
    for bias in (True, False):
        ours, theirs = ug.nn.Transformer(**options, bias=bias), torch.nn.Transformer(**options, bias=bias)
        assert list(shapes(ours).items()) == list(shapes(theirs).items())
    for add_bias_kv, kdim in ((True, None), (False, 6)):
        ours = ug.nn.MultiheadAttention(E, HEADS, add_bias_kv=add_bias_kv, kdim=kdim, vdim=kdim)
        theirs = torch.nn.MultiheadAttention(E, HEADS, add_bias_kv=add_bias_kv, kdim=kdim, vdim=kdim)
        assert list(shapes(ours).items()) == list(shapes(theirs).items())
    ug.random.seed(0)
    encoder = ug.nn.TransformerEncoder(
        ug.nn.TransformerEncoderLayer(E, HEADS, 16), 3, enable_nested_tensor=False
    )
    first, last = encoder.layers[0].linear1.weight, encoder.layers[2].linear1.weight
    assert first is not last
    np.testing.assert_array_equal(ug.to_numpy(first), ug.to_numpy(last))
    assert isinstance(encoder.layers[1].self_attn, ug.nn.MultiheadAttention)


def test_generate_square_subsequent_mask_is_torchs(ug_backend: str) -> None:
    ours = ug.nn.Transformer.generate_square_subsequent_mask(5)
    assert ug.as_dtype(ours.dtype) == ug.float32
    np.testing.assert_array_equal(
        ug.to_numpy(ours), torch.nn.Transformer.generate_square_subsequent_mask(5).numpy()
    )
    double = ug.nn.Transformer.generate_square_subsequent_mask(2, dtype=ug.float64)
    assert ug.as_dtype(double.dtype) == ug.float64


def test_scaled_dot_product_attention_compiles_with_xla() -> None:
    if "tensorflow" not in BACKENDS:
        pytest.skip("TensorFlow is not installed")
    import tensorflow as tf

    q, k, v = arr(2, 4, L, E), arr(2, 2, S, E), arr(2, 2, S, 6)
    mask = rng.random((L, S)) < 0.6
    expected = torch.nn.functional.scaled_dot_product_attention(
        *map(torch.as_tensor, (q, k, v)), attn_mask=torch.as_tensor(mask), enable_gqa=True
    ).numpy()
    with ug.use_backend("tensorflow"):
        compiled = tf.function(
            lambda *xs: F.scaled_dot_product_attention(*xs, enable_gqa=True), jit_compile=True
        )
        got = compiled(tf.constant(q), tf.constant(k), tf.constant(v), tf.constant(mask)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def errors() -> list[tuple[Any, type[Exception], str]]:
    """Calls that must fail, the error, and the message (the layer, what was given, what it expects)."""
    attention = ug.nn.MultiheadAttention(E, HEADS, batch_first=True)
    x = ug.ones((N, L, E))
    layer = ug.nn.TransformerEncoderLayer(E, HEADS, 16)
    decoder = ug.nn.TransformerDecoderLayer(E, HEADS, 16)
    src, tgt = ug.ones((S, N, E)), ug.ones((L, N, E))
    q, k = ug.ones((2, HEADS, L, E)), ug.ones((2, HEADS, S, E))
    sdpa = F.scaled_dot_product_attention
    return [
        (
            lambda: ug.nn.MultiheadAttention(10, 3),
            ValueError,
            r"embed_dim \(10\) must divide by num_heads \(3\)",
        ),
        (
            lambda: ug.nn.TransformerEncoderLayer(10, 4),
            ValueError,
            r"TransformerEncoderLayer: d_model \(10\) must divide by nhead \(4\)",
        ),
        (
            lambda: attention(ug.ones((N, L, 6)), x, x),
            ug.ShapeError,
            r"MultiheadAttention expects query, key, value of shapes \(N, L, 8\), \(N, L, 8\), \(N, L, 8\)"
            r".*got \(3, 4, 6\)",
        ),
        (
            lambda: attention(x, x, x, key_padding_mask=ug.zeros((N, 5), dtype=ug.bool)),
            ug.ShapeError,
            r"MultiheadAttention: expected key_padding_mask of shape \(3, 4\), got \(3, 5\)",
        ),
        (
            lambda: attention(x, x, x, attn_mask=ug.zeros((L, 5))),
            ug.ShapeError,
            r"MultiheadAttention: expected attn_mask of shape \(4, 4\) or \(6, 4, 4\), got \(4, 5\)",
        ),
        (
            lambda: attention(x, x, x, attn_mask=ug.zeros((L, L), dtype=ug.int64)),
            ug.DTypeError,
            r"MultiheadAttention: attn_mask must be bool or floating point, got dtype int64",
        ),
        (
            lambda: attention(x, x, x, is_causal=True),
            ValueError,
            r"MultiheadAttention: is_causal=True is a hint that needs the causal attn_mask",
        ),
        (
            lambda: layer(src, src_mask=ug.zeros((L, L))),
            ug.ShapeError,
            r"TransformerEncoderLayer: expected src_mask of shape \(5, 5\) or \(6, 5, 5\), got \(4, 4\)",
        ),
        (
            lambda: layer(src, src_key_padding_mask=ug.zeros((N, S), dtype=ug.int32)),
            ug.DTypeError,
            r"TransformerEncoderLayer: src_key_padding_mask must be bool or floating point, got dtype int32",
        ),
        (
            lambda: decoder(tgt, src, memory_mask=ug.zeros((S, L))),
            ug.ShapeError,
            r"TransformerDecoderLayer: expected memory_mask of shape \(4, 5\) or \(6, 4, 5\), got \(5, 4\)",
        ),
        (
            lambda: decoder(tgt, src, memory_key_padding_mask=ug.zeros((N, L), dtype=ug.bool)),
            ug.ShapeError,
            r"TransformerDecoderLayer: expected memory_key_padding_mask of shape \(3, 5\), got \(3, 4\)",
        ),
        (
            lambda: ug.nn.Transformer(E, HEADS, 1, 1, 16)(src, ug.ones((L, 2, E))),
            ug.ShapeError,
            r"Transformer: the batch number of src and tgt must be equal \(axis 1\); got src of shape "
            r"\(5, 3, 8\) and tgt of shape \(4, 2, 8\)",
        ),
        (
            lambda: ug.nn.TransformerEncoderLayer(E, HEADS, activation="tanh"),
            ValueError,
            r"TransformerEncoderLayer: activation should be 'relu', 'gelu' or a callable, not 'tanh'",
        ),
        (
            lambda: sdpa(q, ug.ones((2, HEADS, S, 6)), k),
            ug.ShapeError,
            r"scaled_dot_product_attention: expected query \(..., L, E\), key \(..., S, E\) and value "
            r"\(..., S, Ev\); got query \(2, 2, 4, 8\), key \(2, 2, 5, 6\), value \(2, 2, 5, 8\)",
        ),
        (
            lambda: sdpa(q, k, k, attn_mask=ug.ones((5, 5), dtype=ug.bool)),
            ug.ShapeError,
            r"scaled_dot_product_attention: attn_mask of shape \(5, 5\) does not broadcast to the scores' "
            r"shape \(2, 2, 4, 5\)",
        ),
        (
            lambda: sdpa(q, k, k, attn_mask=ug.ones((L, S), dtype=ug.int64)),
            ug.DTypeError,
            r"scaled_dot_product_attention: attn_mask must be bool or of the query's dtype float32, got int64",
        ),
        (
            lambda: sdpa(q, k, ug.ones((2, HEADS, S, E), dtype=ug.float64)),
            ug.DTypeError,
            r"scaled_dot_product_attention: query, key and value must have one floating-point dtype, "
            r"got float32, float32, float64",
        ),
        (
            lambda: sdpa(ug.ones((2, 3, L, E)), k, k, enable_gqa=True),
            ug.ShapeError,
            r"scaled_dot_product_attention: with enable_gqa, key and value need the same number of heads",
        ),
        (
            lambda: sdpa(q, k, k, attn_mask=ug.ones((L, S), dtype=ug.bool), is_causal=True),
            ValueError,
            r"scaled_dot_product_attention: give attn_mask or is_causal=True, not both",
        ),
    ]


def test_errors_name_the_layer_the_shapes_and_read_alike_on_every_backend() -> None:
    messages: dict[str, list[str]] = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            for call, error, pattern in errors():
                with pytest.raises(error, match=pattern) as info:
                    call()
                assert isinstance(info.value, ug.UnigradError) or error is ValueError, info.value
                messages.setdefault(backend, []).append(str(info.value))
    first = messages[BACKENDS[0]]
    for backend in BACKENDS[1:]:
        assert messages[backend] == first


def test_mismatched_mask_types_warn_as_torch(ug_backend: str) -> None:
    attention = ug.nn.MultiheadAttention(E, HEADS)
    x = ug.ones((L, N, E))
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask is deprecated"):
        attention(x, x, x, key_padding_mask=ug.zeros((N, L), dtype=ug.bool), attn_mask=ug.zeros((L, L)))
