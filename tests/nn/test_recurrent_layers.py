"""RNN, GRU, LSTM and their cells: what their twin rows (twin_rows_recurrent.py) cannot show.

Packing against torch's own pack/pad functions, packed sequences through the
layers, dropout masks that agree across backends, the fused kernels against
the generic definition, and the errors.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from layer_support import check_layer, check_paths, cotangent, leaves, run_layer
from support import BACKENDS
from torch.nn.utils import rnn as torch_rnn

import unigrad as ug
from unigrad.nn import reference as nn_reference
from unigrad.nn.functional import recurrent as functional_recurrent
from unigrad.nn.utils import rnn as ug_rnn

rng = np.random.default_rng(3)


def seq(*shape, dtype=np.float32, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


# (id, ug.nn / torch.nn class, its options, torch's mode)
KINDS = [
    ("RNN-tanh", "RNN", {}, "RNN_TANH"),
    ("RNN-relu", "RNN", {"nonlinearity": "relu"}, "RNN_RELU"),
    ("GRU", "GRU", {}, "GRU"),
    ("LSTM", "LSTM", {}, "LSTM"),
    ("LSTM-proj", "LSTM", {"proj_size": 2}, "LSTM"),
]
KIND_IDS = [kind[0] for kind in KINDS]


def twins(kind, **options):
    _, name, extra, _ = kind
    return (
        lambda: getattr(ug.nn, name)(**extra, **options),
        lambda: getattr(torch.nn, name)(**extra, **options),
    )


def state_shapes(kind, rows, batch, hidden):
    """The initial states' shapes: h (proj_size features with projections), and c for the LSTM."""
    _, name, extra, _ = kind
    h = (rows, *batch, extra.get("proj_size") or hidden)
    return [h, (rows, *batch, hidden)] if name == "LSTM" else [h]


def as_hx(states):
    return tuple(states) if len(states) == 2 else states[0]


# -- packing, against torch.nn.utils.rnn ----------------------------------------------------------


def assert_same_packing(ours, theirs):
    np.testing.assert_array_equal(ug.to_numpy(ours.data), theirs.data.numpy())
    for name in ("batch_sizes", "sorted_indices", "unsorted_indices"):
        got, want = getattr(ours, name), getattr(theirs, name)
        assert (got is None) == (want is None), name
        if want is not None:
            assert ug.to_numpy(got).dtype == np.int64, name
            np.testing.assert_array_equal(ug.to_numpy(got), want.numpy(), err_msg=name)


@pytest.mark.parametrize("batch_first", [False, True], ids=["time-major", "batch-first"])
def test_packing_round_trips_as_torchs_own(ug_backend, batch_first):
    lengths = [3, 5, 1, 5]  # unsorted, with a tie that a stable sort keeps in order
    x = seq(5, 4, 2)
    x = np.ascontiguousarray(x.transpose(1, 0, 2)) if batch_first else x
    for enforce_sorted, given in ((False, lengths), (True, sorted(lengths, reverse=True))):
        ours = ug_rnn.pack_padded_sequence(ug.asarray(x), given, batch_first, enforce_sorted)
        theirs = torch_rnn.pack_padded_sequence(
            torch.as_tensor(x), torch.tensor(given), batch_first, enforce_sorted
        )
        assert isinstance(ours, ug_rnn.PackedSequence)
        assert_same_packing(ours, theirs)
        for total in (None, 7):
            padded, found = ug_rnn.pad_packed_sequence(ours, batch_first, -1.5, total)
            want, want_lengths = torch_rnn.pad_packed_sequence(theirs, batch_first, -1.5, total)
            np.testing.assert_array_equal(ug.to_numpy(padded), want.numpy())
            np.testing.assert_array_equal(ug.to_numpy(found), want_lengths.numpy())
            assert ug.to_numpy(found).dtype == np.int64
        for got, want in zip(ug_rnn.unpack_sequence(ours), torch_rnn.unpack_sequence(theirs), strict=True):
            np.testing.assert_array_equal(ug.to_numpy(got), want.numpy())
    pieces = [seq(n, 2) for n in lengths]
    for side in ("right", "left"):
        padded = ug_rnn.pad_sequence([ug.asarray(p) for p in pieces], batch_first, 9.0, side)
        want = torch_rnn.pad_sequence([torch.as_tensor(p) for p in pieces], batch_first, 9.0, side)
        np.testing.assert_array_equal(ug.to_numpy(padded), want.numpy())
    for enforce_sorted in (False, True):
        ordered = pieces if not enforce_sorted else sorted(pieces, key=len, reverse=True)
        assert_same_packing(
            ug_rnn.pack_sequence([ug.asarray(p) for p in ordered], enforce_sorted),
            torch_rnn.pack_sequence([torch.as_tensor(p) for p in ordered], enforce_sorted),
        )
    padded = torch_rnn.pad_sequence([torch.as_tensor(p) for p in pieces], batch_first)
    unpadded = ug_rnn.unpad_sequence(ug.asarray(padded.numpy()), ug.asarray(lengths), batch_first)
    for got, want in zip(unpadded, pieces, strict=True):
        np.testing.assert_array_equal(ug.to_numpy(got), want)


def test_packing_passes_gradients_as_torch():
    """Gradients through pack, pad and pad_sequence: the same as torch's on every backend."""
    lengths = [2, 4, 3]
    x = seq(4, 3, 2)

    def ours(x):
        packed = ug_rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        padded, _ = ug_rnn.pad_packed_sequence(packed, batch_first=True, total_length=5)
        return packed.data, padded, ug_rnn.pad_sequence([x[:2, 0], x[:, 1]], padding_side="left")

    def theirs(x):
        packed = torch_rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        padded, _ = torch_rnn.pad_packed_sequence(packed, batch_first=True, total_length=5)
        return packed.data, padded, torch_rnn.pad_sequence([x[:2, 0], x[:, 1]], padding_side="left")

    reference = torch.tensor(x, requires_grad=True)
    outputs = leaves(theirs(reference))
    sum(
        (o * torch.as_tensor(cotangent(o.shape, i, np.float32))).sum() for i, o in enumerate(outputs)
    ).backward()
    for backend in BACKENDS:
        run = run_layer(lambda: ours, [x], backend, call=lambda f, x: f(x))
        for got, want in zip(run.outputs, outputs, strict=True):
            np.testing.assert_array_equal(got, want.detach().numpy(), err_msg=backend)
        np.testing.assert_allclose(run.input_grads[0], reference.grad.numpy(), rtol=1e-6, err_msg=backend)


# -- packed sequences through the layers -------------------------------------------------------------


@pytest.mark.parametrize("enforce_sorted", [True, False], ids=["sorted", "unsorted"])
@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_layers_take_and_return_packed_sequences_as_torch(kind, enforce_sorted):
    """h_n at each sequence's own last step, both directions, given states in the caller's order."""
    lengths = [5, 4, 4, 2] if enforce_sorted else [2, 5, 4, 4]
    x = seq(5, 4, 3)
    states = [seq(*shape) for shape in state_shapes(kind, 4, (4,), 4)]

    def call(pack, pad, packed_type):
        def run(layer, x, *states):
            output, hx = layer(pack(x, lengths, enforce_sorted=enforce_sorted), as_hx(states))
            assert isinstance(output, packed_type)
            return pad(output)[0], hx

        return run

    make, make_torch = twins(kind, input_size=3, hidden_size=4, num_layers=2, bidirectional=True)
    check_layer(
        make,
        make_torch,
        [x, *states],
        call=call(ug_rnn.pack_padded_sequence, ug_rnn.pad_packed_sequence, ug_rnn.PackedSequence),
        torch_call=call(
            torch_rnn.pack_padded_sequence, torch_rnn.pad_packed_sequence, torch_rnn.PackedSequence
        ),
    )


def test_a_packed_batch_without_states_starts_from_zeros(ug_backend):
    ug.random.seed(0)
    gru = ug.nn.GRU(3, 4, batch_first=True)
    x = ug.asarray(seq(3, 5, 3))
    output, h_n = gru(ug_rnn.pack_padded_sequence(x, [5, 2, 3], batch_first=True, enforce_sorted=False))
    padded, _ = ug_rnn.pad_packed_sequence(output, batch_first=True)
    for b, length in enumerate([5, 2, 3]):  # one sequence at a time, unpadded
        alone, h = gru(x[b : b + 1, :length])
        np.testing.assert_allclose(ug.to_numpy(padded[b, :length]), ug.to_numpy(alone[0]), atol=1e-6)
        np.testing.assert_allclose(ug.to_numpy(h_n[:, b]), ug.to_numpy(h[:, 0]), atol=1e-6)
        assert not np.any(ug.to_numpy(padded[b, length:]))


# -- dropout between layers --------------------------------------------------------------------------


@pytest.mark.parametrize("packed", [False, True], ids=["padded", "packed"])
@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_dropout_masks_agree_across_backends(kind, packed):
    options = dict(
        input_size=3, hidden_size=4, num_layers=3, bidirectional=True, batch_first=True, dropout=0.4
    )
    make = twins(kind, **options)[0]
    x = seq(2, 5, 3)

    def call(layer, x):
        if not packed:
            return layer(x)
        output, hx = layer(ug_rnn.pack_padded_sequence(x, [3, 5], batch_first=True, enforce_sorted=False))
        return output.data, hx

    runs = {b: run_layer(make, [x], b, seed=7, call=call) for b in BACKENDS}
    plain = run_layer(twins(kind, **(options | dict(dropout=0.0)))[0], [x], BACKENDS[0], seed=7, call=call)
    first = runs[BACKENDS[0]]
    assert not np.allclose(first.outputs[0], plain.outputs[0]), "dropout changed nothing"
    for backend, result in runs.items():
        for a, e in zip(result.outputs + result.input_grads, first.outputs + first.input_grads, strict=True):
            np.testing.assert_allclose(a, e, rtol=2e-5, atol=2e-5, err_msg=backend)
        for name, grad in result.param_grads.items():
            np.testing.assert_allclose(grad, first.param_grads[name], rtol=2e-5, atol=2e-5, err_msg=name)


# -- the fused kernels against the generic definition -------------------------------------------------


def flat_weights(kind, num_layers, directions, has_biases, hidden, dtype):
    """Random weights in torch's flat order for ``kind`` (input size 3)."""
    _, _, extra, mode = kind
    gates = {"RNN_TANH": 1, "RNN_RELU": 1, "GRU": 3, "LSTM": 4}[mode] * hidden
    out = extra.get("proj_size") or hidden
    weights = []
    for layer in range(num_layers):
        for _ in range(directions):
            weights += [
                seq(gates, 3 if layer == 0 else out * directions, dtype=dtype),
                seq(gates, out, dtype=dtype),
            ]
            weights += [seq(gates, dtype=dtype), seq(gates, dtype=dtype)] if has_biases else []
            weights += [seq(out, hidden, dtype=dtype)] if extra.get("proj_size") else []
    return weights


@pytest.mark.parametrize(
    "layout, has_biases, dropout, dtype",
    [
        ("padded", True, 0.0, np.float32),  # (TensorFlow: BlockLSTM for a float32 LSTM)
        ("batch-first", False, 0.0, np.float64),
        ("packed", True, 0.0, np.float32),
        ("packed", False, 0.3, np.float64),  # dropout between layers, from the same seed
    ],
    ids=["padded", "batch-first-no-bias-float64", "packed", "packed-dropout-float64"],
)
@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_fast_paths_match_the_generic_definition(kind, layout, has_biases, dropout, dtype):
    mode, layers, hidden = kind[3], 2, 4
    weights = flat_weights(kind, layers, 2, has_biases, hidden, dtype)
    states = [seq(*shape, dtype=dtype) for shape in state_shapes(kind, 2 * layers, (3,), hidden)]
    batch_sizes = None
    if layout == "packed":
        x, batch_sizes = seq(9, 3, dtype=dtype), np.array([3, 3, 2, 1], np.int64)  # lengths 4, 3, 2
    else:
        x = seq(3, 5, 3, dtype=dtype) if layout == "batch-first" else seq(5, 3, 3, dtype=dtype)
    options = (has_biases, layers, dropout, True, True, layout == "batch-first")
    split = len(states)
    generic = getattr(nn_reference, mode.lower())
    check_paths(
        lambda x, b, *s: functional_recurrent.rnn(mode, x, s[:split], s[split:], *options, b),
        lambda x, b, *s: generic(x, as_hx(s[:split]), s[split:], *options, b),
        [x, batch_sizes, *states, *weights],
    )


# -- errors ----------------------------------------------------------------------------------------------


def test_layer_and_cell_errors_name_what_was_given(ug_backend):
    lstm = ug.nn.LSTM(3, 4, batch_first=True)
    with pytest.raises(ValueError, match=r"expects input of shape \(N, L, 3\).*got shape \(2, 5, 4\)"):
        lstm(ug.ones((2, 5, 4)))
    with pytest.raises(ug.ShapeError, match=r"got shape \(1, 2, 5, 3\)"):
        lstm(ug.ones((1, 2, 5, 3)))
    with pytest.raises(ug.ShapeError, match=r"LSTM: expected h_0 of shape \(1, 2, 4\), got \(2, 2, 4\)"):
        lstm(ug.ones((2, 5, 3)), (ug.zeros((2, 2, 4)), ug.zeros((1, 2, 4))))
    with pytest.raises(TypeError, match=r"LSTM: hx must be a tuple \(h_0, c_0\)"):
        lstm(ug.ones((2, 5, 3)), ug.zeros((1, 2, 4)))
    projected = ug.nn.LSTM(3, 4, proj_size=2)
    with pytest.raises(ug.ShapeError, match=r"expected c_0 of shape \(1, 4\), got \(1, 2\)"):
        projected(ug.ones((5, 3)), (ug.zeros((1, 2)), ug.zeros((1, 2))))
    gru = ug.nn.GRU(3, 4, num_layers=2)
    with pytest.raises(TypeError, match="GRU: hx must be one tensor, got tuple"):
        gru(ug.ones((5, 2, 3)), (ug.zeros((2, 2, 4)),))
    with pytest.raises(ug.ShapeError, match=r"GRU: expected h_0 of shape \(2, 4\), got \(2, 1, 4\)"):
        gru(ug.ones((5, 3)), ug.zeros((2, 1, 4)))
    packed = ug_rnn.pack_sequence([ug.ones((3, 2))])
    with pytest.raises(ug.ShapeError, match=r"GRU\(input_size=3\) expects packed data of shape \(T, 3\)"):
        gru(packed)
    with pytest.raises(ug.ShapeError, match=r"RNNCell\(input_size=3\) expects input of shape \(N, 3\)"):
        ug.nn.RNNCell(3, 4)(ug.ones((2, 5)))
    with pytest.raises(ug.ShapeError, match=r"LSTMCell: expected c_0 of shape \(2, 4\), got \(4,\)"):
        ug.nn.LSTMCell(3, 4)(ug.ones((2, 3)), (ug.zeros((2, 4)), ug.zeros((4,))))


def test_constructor_arguments_are_checked_as_torch():
    with pytest.raises(ValueError, match=r"LSTM: dropout must be a probability in \[0, 1\], got 1.5"):
        ug.nn.LSTM(3, 4, dropout=1.5)
    with pytest.raises(ValueError, match=r"proj_size must be 0 .* less than hidden_size=4, got 4"):
        ug.nn.LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="RNNBase: proj_size is an LSTM's alone, not GRU's"):
        ug.nn.RNNBase("GRU", 3, 4, proj_size=2)
    with pytest.raises(ValueError, match="nonlinearity must be 'tanh' or 'relu', got 'sigmoid'"):
        ug.nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="GRU: hidden_size must be a positive int, got 0"):
        ug.nn.GRU(3, 0)
    with pytest.warns(UserWarning, match="dropout acts between layers"):
        ug.nn.GRU(3, 4, dropout=0.2)
    assert ug.nn.RNN(3, 4, 2, "relu").mode == torch.nn.RNN(3, 4, 2, "relu").mode == "RNN_RELU"


def test_packing_errors_read_the_same_on_every_backend():
    messages = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            x, found = ug.zeros((5, 3, 2)), []
            calls = [
                (lambda: ug_rnn.pack_padded_sequence(x, [2, 5, 3]), r"lengths \[2, 5, 3\] are not in decreasing "
                 r"order, as enforce_sorted=True requires; .* or pass enforce_sorted=False"),
                (lambda: ug_rnn.pack_padded_sequence(x, [5, 0, 0], enforce_sorted=False), r"\[5, 0, 0\] must lie in"),
                (lambda: ug_rnn.pack_padded_sequence(x, [6, 2, 1]), r"lengths \[6, 2, 1\] must lie in \[1, 5\]"),
                (lambda: ug_rnn.pack_padded_sequence(x, [5, 2]), r"2 lengths for an input of shape \(5, 3, 2\)"),
                (lambda: ug_rnn.pad_packed_sequence(ug_rnn.pack_padded_sequence(x, [5, 2, 1]), total_length=4),
                 r"total_length=4 is shorter than the longest sequence, of 5 steps"),
                (lambda: ug_rnn.pad_sequence([ug.ones((2, 3)), ug.ones((2, 4))]),
                 r"sequence 1 has shape \(2, 4\) and sequence 0 \(2, 3\)"),
            ]  # fmt: skip
            for call, message in calls:
                with pytest.raises(ug.ShapeError, match=message) as caught:
                    call()
                found.append(str(caught.value))
            with pytest.raises(ValueError, match="padding_side must be 'left' or 'right', got 'middle'"):
                ug_rnn.pad_sequence([x], padding_side="middle")
            messages[backend] = found
    assert all(found == messages[BACKENDS[0]] for found in messages.values())


# -- what the layers are made of ---------------------------------------------------------------------


def test_names_shapes_and_reprs_are_torchs():
    layers = [
        ("RNN", (3, 5), {}),
        ("RNN", (3, 5, 2, "relu"), {"bias": False}),
        ("GRU", (3, 5), {"batch_first": True, "dropout": 0.5, "num_layers": 2}),
        ("LSTM", (3, 5), {"bidirectional": True, "proj_size": 2, "num_layers": 2}),
        ("RNNCell", (3, 5), {"nonlinearity": "relu"}),
        ("GRUCell", (3, 5), {"bias": False}),
        ("LSTMCell", (3, 5), {}),
    ]
    for name, args, kwargs in layers:
        ours, theirs = getattr(ug.nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
        assert repr(ours) == repr(theirs)
        assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == [
            (k, tuple(v.shape)) for k, v in theirs.state_dict().items()
        ]
        if name.endswith("Cell"):
            assert (ours.bias_ih is None) == (theirs.bias_ih is None)
            continue
        assert ours._flat_weights_names == theirs._flat_weights_names
        assert [[tuple(w.shape) for w in ws] for ws in ours.all_weights] == [
            [tuple(w.shape) for w in ws] for ws in theirs.all_weights
        ]
        assert isinstance(ours, ug.nn.RNNBase) and ours.mode == theirs.mode


def test_reset_parameters_draws_in_place_within_the_bound(ug_backend):
    for layer in (ug.nn.GRU(3, 16, bidirectional=True), ug.nn.LSTMCell(3, 16)):
        before = {name: p for name, p in layer.named_parameters()}
        values = {name: ug.to_numpy(p).copy() for name, p in before.items()}
        layer.reset_parameters()
        for name, p in layer.named_parameters():
            assert p is before[name]
            assert not np.array_equal(ug.to_numpy(p), values[name])
            assert np.abs(ug.to_numpy(p)).max() <= 0.25
    ug.nn.LSTM(3, 4).flatten_parameters()  # torch code calls it; nothing to do here


def test_lstm_cells_past_tensorflows_clip_are_not_clipped():
    make = lambda: ug.nn.LSTM(3, 4)  # noqa: E731

    def big(layer):
        layer.bias_ih_l0.assign(ug.full((16,), 4.0))

    runs = check_layer(
        make, lambda: torch.nn.LSTM(3, 4), [seq(12, 2, 3, scale=5.0)], prepare=big, rtol=1e-4, atol=1e-4
    )
    assert max(np.abs(r.outputs[2]).max() for r in runs.values()) > 6.0


@pytest.mark.skipif("tensorflow" not in BACKENDS, reason="TensorFlow is not installed")
def test_compiled_steps_give_the_eager_numbers():
    """On TensorFlow the kernels' own compiled loops sit inside the traced step (torch.compile traces
    torch's fused kernels, which is torch's business and slow to test)."""
    with ug.use_backend("tensorflow"):
        ug.random.seed(0)
        run_compiled_and_eager()


def run_compiled_and_eager():
    layers = [ug.nn.GRU(3, 4, num_layers=2, bidirectional=True), ug.nn.LSTM(3, 4, proj_size=2)]
    x = ug.asarray(seq(5, 2, 3))
    for layer in layers:
        eager = layer(x)
        compiled = ug.function(lambda x, layer=layer: layer(x))(x)
        for got, want in zip(leaves(compiled), leaves(eager), strict=True):
            np.testing.assert_allclose(ug.to_numpy(got), ug.to_numpy(want), rtol=1e-5, atol=1e-6)
