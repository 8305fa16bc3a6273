"""``ug.split``, ``ug.chunk``, ``ug.topk`` and ``ug.random.categorical``/``multinomial``.

split, chunk and topk have torch's meaning (the Array API has none of them):
values and gradients against torch on every backend, the same unigrad error
text on every backend. The samplers draw from ``ug.random``: one seed gives
the same samples on every backend, at the frequencies asked for.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from support import BACKENDS

import unigrad as ug


def _grad(x: np.ndarray, f, cotangents) -> np.ndarray:
    """The gradient of ``sum(out_i * cotangent_i)`` for the outputs ``f(x)``, at ``x``."""
    t = ug.asarray(x)
    with ug.GradientTape() as tape:
        tape.watch(t)
        outs = f(t)
        loss = None
        for out, c in zip(outs, cotangents):
            term = ug.sum(out * ug.asarray(c))
            loss = term if loss is None else loss + term
    return np.asarray(ug.to_numpy(tape.gradient(loss, t)))


def _torch_grad(x: np.ndarray, f, cotangents) -> np.ndarray:
    t = torch.tensor(x, requires_grad=True)
    outs = f(t)
    sum((o * torch.as_tensor(c)).sum() for o, c in zip(outs, cotangents)).backward()
    return t.grad.numpy()


def _cotangents(shapes) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.standard_normal(tuple(s)) for s in shapes]


# -- split and chunk ---------------------------------------------------------------------------------


@given(
    shape=st.lists(st.integers(0, 6), min_size=1, max_size=3).map(tuple),
    data=st.data(),
)
def test_split_by_size_matches_torch(ug_backend, shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = shape[axis]
    step = data.draw(st.integers(1, 7)) if size else data.draw(st.integers(0, 3))
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    expected = torch.split(torch.as_tensor(x), step, dim=axis)
    pieces = ug.split(ug.asarray(x), step, axis=axis)
    assert isinstance(pieces, tuple)
    assert len(pieces) == len(expected)
    for got, want in zip(pieces, expected):
        np.testing.assert_array_equal(ug.to_numpy(got), want.numpy())


@given(data=st.data())
def test_split_into_sections_matches_torch(ug_backend, data):
    sizes = data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=4))
    x = np.random.default_rng(0).standard_normal((2, sum(sizes), 3))
    expected = torch.split(torch.as_tensor(x), sizes, dim=1)
    pieces = ug.split(ug.asarray(x), sizes, axis=1)
    assert [tuple(p.shape) for p in pieces] == [tuple(e.shape) for e in expected]
    for got, want in zip(pieces, expected):
        np.testing.assert_array_equal(ug.to_numpy(got), want.numpy())


@given(size=st.integers(0, 9), chunks=st.integers(1, 6))
def test_chunk_matches_torch(ug_backend, size, chunks):
    x = np.arange(2 * size, dtype=np.float32).reshape(2, size)
    expected = torch.chunk(torch.as_tensor(x), chunks, dim=-1)
    pieces = ug.chunk(ug.asarray(x), chunks, axis=-1)
    assert [tuple(p.shape) for p in pieces] == [tuple(e.shape) for e in expected]
    for got, want in zip(pieces, expected):
        np.testing.assert_array_equal(ug.to_numpy(got), want.numpy())


def test_chunk_may_give_fewer_pieces_as_torch(ug_backend):
    assert [tuple(p.shape) for p in ug.chunk(ug.ones(6), 4)] == [(2,), (2,), (2,)]
    assert [tuple(p.shape) for p in ug.chunk(ug.ones(0), 3)] == [(0,), (0,), (0,)]


@pytest.mark.parametrize(
    "call, axis",
    [
        (lambda x: ug.split(x, 2, axis=1), 1),
        (lambda x: ug.split(x, [1, 4, 0], axis=-1), 1),
        (lambda x: ug.chunk(x, 3, axis=1), 1),
        (lambda x: ug.chunk(x, 2, axis=0), 0),
    ],
    ids=["split-size", "split-sections", "chunk-axis1", "chunk-axis0"],
)
def test_gradients_flow_through_the_pieces(ug_backend, call, axis):
    x = np.random.default_rng(1).standard_normal((3, 5))
    pieces = call(ug.asarray(x))
    cotangents = _cotangents([p.shape for p in pieces])
    # the pieces tile x: the gradient is each piece's cotangent, put back in place
    np.testing.assert_allclose(_grad(x, call, cotangents), np.concatenate(cotangents, axis=axis), rtol=1e-12)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x: ug.split(x, 0), ug.ShapeError, r"ug.split: split_size must be positive .* got 0"),
        (lambda x: ug.split(x, -1), ug.ShapeError, r"ug.split: split_size must be positive"),
        (
            lambda x: ug.split(x, [2, 2]),
            ug.ShapeError,
            r"ug.split: section sizes \[2, 2\] must be non-negative and add up to 3",
        ),
        (lambda x: ug.split(x, 1, axis=2), ug.AxisError, r"ug.split: axis 2 is out of range"),
        (lambda x: ug.split(x, 1.5), TypeError, r"ug.split: split_size_or_sections must be an int"),
        (lambda x: ug.chunk(x, 0), ug.ShapeError, r"ug.chunk: chunks must be greater than 0, got 0"),
        (lambda x: ug.chunk(x, 2, axis=-3), ug.AxisError, r"ug.chunk: axis -3 is out of range"),
    ],
)
def test_split_and_chunk_errors_read_the_same_on_every_backend(call, error, message):
    for backend in BACKENDS:
        with ug.use_backend(backend), pytest.raises(error, match=message):
            call(ug.ones((3, 4)))


# -- topk --------------------------------------------------------------------------------------------


@given(
    shape=st.lists(st.integers(1, 6), min_size=1, max_size=3).map(tuple),
    largest=st.booleans(),
    data=st.data(),
)
def test_topk_matches_torch(ug_backend, shape, largest, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    k = data.draw(st.integers(0, shape[axis]))
    # distinct values: the order is then defined on every backend
    x = np.random.default_rng(len(shape)).permutation(int(np.prod(shape))).reshape(shape).astype(np.float64)
    want = torch.topk(torch.as_tensor(x), k, dim=axis, largest=largest)
    values, indices = ug.topk(ug.asarray(x), k, axis=axis, largest=largest)
    assert ug.to_numpy(indices).dtype == np.int64
    assert ug.to_numpy(values).dtype == np.float64
    np.testing.assert_array_equal(ug.to_numpy(values), want.values.numpy())
    np.testing.assert_array_equal(ug.to_numpy(indices), want.indices.numpy())


def test_topk_unsorted_picks_the_same_elements(ug_backend):
    x = np.random.default_rng(2).standard_normal((4, 9)).astype(np.float32)
    values, indices = ug.topk(ug.asarray(x), 4, sorted=False)
    want = torch.topk(torch.as_tensor(x), 4, sorted=False)
    np.testing.assert_array_equal(np.sort(ug.to_numpy(indices), -1), np.sort(want.indices.numpy(), -1))
    np.testing.assert_array_equal(np.take_along_axis(x, ug.to_numpy(indices), -1), ug.to_numpy(values))


def test_topk_takes_axis_by_position_and_a_0d_tensor_as_torch(ug_backend):
    x = np.array([[1.0, 5.0], [4.0, 2.0]], np.float32)
    values, indices = ug.topk(ug.asarray(x), 1, 0)
    assert ug.to_numpy(values).tolist() == [[4.0, 5.0]]
    assert ug.to_numpy(indices).tolist() == [[1, 0]]
    values, indices = ug.topk(ug.asarray(3.0), 1)
    assert tuple(values.shape) == () and float(ug.to_numpy(values)) == 3.0 and int(ug.to_numpy(indices)) == 0


def test_topk_puts_nan_first_as_torch(ug_backend):
    x = np.array([1.0, np.nan, 3.0, -np.inf, 2.0])
    values, indices = ug.topk(ug.asarray(x), 2)
    assert ug.to_numpy(indices).tolist() == [1, 2]
    assert np.isnan(ug.to_numpy(values)[0])
    _, indices = ug.topk(ug.asarray(x), 2, largest=False)
    assert ug.to_numpy(indices).tolist() == [3, 0]
    want = torch.topk(torch.as_tensor(x), 2, largest=False)
    assert want.indices.tolist() == [3, 0]


def test_topk_ties_go_to_the_lower_index_on_tensorflow_and_the_default(numpy_backend):
    x = np.array([1.0, 3.0, 3.0, 2.0, 3.0])
    for backend in [b for b in BACKENDS if b != "torch"] + [numpy_backend]:
        with ug.use_backend(backend):
            assert ug.to_numpy(ug.topk(ug.asarray(x), 2)[1]).tolist() == [1, 2], backend
            assert ug.to_numpy(ug.topk(ug.asarray(x), 2, largest=False)[1]).tolist() == [0, 3], backend


def test_topk_default_for_a_backend_without_one(numpy_backend):
    x = np.random.default_rng(3).permutation(24).reshape(2, 3, 4).astype(np.float64)
    with ug.use_backend(numpy_backend):
        backend = ug.config.active_backend()
        assert "topk" not in vars(backend)  # the base class's default
        for axis, largest in [(-1, True), (1, False), (0, True)]:
            values, indices = ug.topk(ug.asarray(x), 2, axis=axis, largest=largest)
            want = torch.topk(torch.as_tensor(x), 2, dim=axis, largest=largest)
            np.testing.assert_array_equal(np.asarray(values), want.values.numpy())
            np.testing.assert_array_equal(np.asarray(indices), want.indices.numpy())
            assert np.asarray(indices).dtype == np.int64
        with pytest.raises(ug.ShapeError, match=r"ug.topk: k=5 is out of range for axis 1 of size 3"):
            ug.topk(ug.asarray(x), 5, axis=1)


@pytest.mark.parametrize("axis, largest", [(-1, True), (0, False), (1, True)])
def test_topk_values_carry_the_gradient(ug_backend, axis, largest):
    x = np.random.default_rng(4).standard_normal((3, 5))

    def call(t):
        return (ug.topk(t, 2, axis=axis, largest=largest)[0],)

    shape = list(x.shape)
    shape[axis] = 2
    cotangents = _cotangents([shape])
    want = _torch_grad(x, lambda t: (torch.topk(t, 2, dim=axis, largest=largest).values,), cotangents)
    np.testing.assert_allclose(_grad(x, call, cotangents), want, rtol=1e-12)


@pytest.mark.parametrize(
    "k, axis, error, message",
    [
        (6, -1, ug.ShapeError, r"ug.topk: k=6 is out of range for axis -1 of size 5; k must be in \[0, 5\]"),
        (-1, 0, ug.ShapeError, r"ug.topk: k=-1 is out of range for axis 0 of size 2"),
        (1, 2, ug.AxisError, r"ug.topk: axis 2 is out of range for an array of 2 dimensions"),
    ],
)
def test_topk_errors_read_the_same_on_every_backend(k, axis, error, message):
    for backend in BACKENDS:
        with ug.use_backend(backend), pytest.raises(error, match=message):
            ug.topk(ug.ones((2, 5)), k, axis=axis)


# -- what the brief asked to confirm: tril/triu with k, cumulative_sum -------------------------------


@pytest.mark.parametrize("k", [-1, 0, 2])
def test_tril_and_triu_take_an_offset(ug_backend, k):
    x = np.arange(20.0).reshape(4, 5)
    np.testing.assert_array_equal(ug.to_numpy(ug.tril(ug.asarray(x), k=k)), np.tril(x, k))
    np.testing.assert_array_equal(ug.to_numpy(ug.triu(ug.asarray(x), k=k)), np.triu(x, k))


def test_cumulative_sum_exists(ug_backend):
    assert ug.to_numpy(ug.cumulative_sum(ug.asarray([1, 2, 3]))).tolist() == [1, 3, 6]


# -- sampling ----------------------------------------------------------------------------------------

PROBS = np.array([[0.1, 0.0, 0.6, 0.3], [0.25, 0.25, 0.25, 0.25], [0.0, 0.0, 1.0, 0.0]])


def _draw_on_each_backend(draw) -> dict[str, np.ndarray]:
    found = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            ug.random.seed(11)
            found[backend] = np.asarray(ug.to_numpy(draw()))
    return found


def _assert_same_everywhere(found: dict[str, np.ndarray]) -> np.ndarray:
    first = found[BACKENDS[0]]
    for backend in BACKENDS[1:]:
        np.testing.assert_array_equal(found[backend], first, err_msg=f"{backend} vs {BACKENDS[0]}")
    return first


def _assert_frequencies(samples: np.ndarray, probs: np.ndarray) -> None:
    """A chi-square bound per row (fixed seed: the statistic is far under the 0.1% critical value)."""
    count = samples.shape[-1]
    for row, p in zip(samples, probs):
        observed = np.bincount(row, minlength=p.size)
        assert observed[p == 0].sum() == 0, "a class of zero probability was drawn"
        expected = count * p[p > 0] / p.sum()
        chi2 = (((observed[p > 0] - expected) ** 2) / expected).sum()
        assert chi2 < 16.3, (chi2, observed, expected)  # chi2(3 dof) at 0.1%: 16.27


def test_categorical_draws_the_same_on_every_backend_at_the_right_frequencies():
    with np.errstate(divide="ignore"):
        logits = np.log(PROBS)
    found = _draw_on_each_backend(lambda: ug.random.categorical(ug.asarray(logits), 4000))
    samples = _assert_same_everywhere(found)
    assert samples.shape == (3, 4000) and samples.dtype == np.int64
    _assert_frequencies(samples, PROBS)


def test_categorical_takes_any_leading_axes_and_float32(ug_backend):
    ug.random.seed(0)
    logits = ug.asarray(np.zeros((2, 3, 5), np.float32))
    samples = ug.to_numpy(ug.random.categorical(logits))
    assert samples.shape == (2, 3, 1)
    assert samples.min() >= 0 and samples.max() < 5


def test_multinomial_with_replacement_matches_the_weights():
    weights = PROBS * 3.0  # need not add up to 1
    found = _draw_on_each_backend(lambda: ug.random.multinomial(ug.asarray(weights), 4000, replacement=True))
    _assert_frequencies(_assert_same_everywhere(found), PROBS)


def test_multinomial_without_replacement_draws_each_index_once():
    weights = np.array([0.5, 0.2, 0.1, 0.1, 0.1, 0.0])
    found = _draw_on_each_backend(lambda: ug.random.multinomial(ug.asarray(np.tile(weights, (3000, 1))), 3))
    samples = _assert_same_everywhere(found)
    assert samples.shape == (3000, 3)
    assert all(len(set(row)) == 3 for row in samples.tolist())
    assert (samples != 5).all()
    # the first draw follows the weights; the second, the weights without the first
    _assert_frequencies(samples[:, :1].T, weights[None])
    second_given_first_0 = samples[samples[:, 0] == 0, 1]
    rest = np.array([0.0, 0.2, 0.1, 0.1, 0.1, 0.0])
    _assert_frequencies(second_given_first_0[None], rest[None])


def test_multinomial_of_a_1d_vector_and_a_generator(ug_backend):
    g = ug.random.Generator(5)
    samples = ug.to_numpy(g.multinomial(ug.asarray([0.0, 1.0, 0.0]), 4, replacement=True))
    assert samples.tolist() == [1, 1, 1, 1]
    assert sorted(ug.to_numpy(g.multinomial(ug.asarray([1.0, 1.0, 1.0]), 3)).tolist()) == [0, 1, 2]
    # generator= as torch's; the same seed, the same draws as the generator's own method
    weights = ug.asarray([0.3, 0.3, 0.4])
    first = ug.to_numpy(ug.random.multinomial(weights, 5, True, generator=ug.random.Generator(9)))
    np.testing.assert_array_equal(first, ug.to_numpy(ug.random.Generator(9).multinomial(weights, 5, True)))


def test_categorical_dtype_and_generator(ug_backend):
    logits = ug.zeros((2, 4))
    samples = ug.random.categorical(logits, 3, dtype=ug.int32, generator=ug.random.Generator(2))
    assert samples.dtype == ug.int32
    expected = ug.to_numpy(ug.random.Generator(2).categorical(logits, 3))
    np.testing.assert_array_equal(ug.to_numpy(samples), expected)
    with pytest.raises(ug.DTypeError, match="categorical: dtype must be an integer dtype"):
        ug.random.categorical(logits, dtype=ug.float32)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ug.random.multinomial(ug.asarray([0.5, -0.1]), 1), ValueError, "finite and non-negative"),
        (lambda: ug.random.multinomial(ug.asarray([0.0, 0.0]), 1), ValueError, "positive sum"),
        (
            lambda: ug.random.multinomial(ug.asarray([0.5, 0.0, 0.5]), 3),
            ValueError,
            "cannot draw 3 samples without replacement from 2 classes of non-zero weight",
        ),
        (lambda: ug.random.multinomial(ug.ones((2, 2, 2)), 1), ug.ShapeError, "probs must be 1-d or 2-d"),
        (lambda: ug.random.multinomial(ug.asarray([1, 2]), 1), ug.DTypeError, "floating-point"),
        (lambda: ug.random.categorical(ug.ones((2, 3)), 0), ValueError, "num_samples must be a positive"),
        (lambda: ug.random.categorical(ug.ones((2, 0))), ug.ShapeError, "at least one class"),
    ],
)
def test_sampling_errors(ug_backend, call, error, message):
    with pytest.raises(error, match=message):
        call()


# -- ug.nn lookups and Bilinear: what their twin rows (tests/nn/twin_rows_sparse.py) cannot show -------


def test_embedding_zeroes_the_padding_row_at_init_and_keeps_a_given_table(ug_backend):
    ug.random.seed(0)
    layer = ug.nn.Embedding(6, 3, padding_idx=-2)
    assert layer.padding_idx == 4
    weight = ug.to_numpy(layer.weight)
    assert weight[4].tolist() == [0.0, 0.0, 0.0] and np.abs(weight[:4]).min() > 0
    table = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    given_table = ug.nn.Embedding(4, 3, padding_idx=1, _weight=ug.asarray(table))
    np.testing.assert_array_equal(ug.to_numpy(given_table.weight), table)  # not zeroed, as torch


def test_embedding_from_pretrained_is_frozen_by_default(ug_backend):
    backend = ug.config.active_backend()
    table = ug.asarray(np.eye(3, dtype=np.float32))
    frozen = ug.nn.Embedding.from_pretrained(table)
    assert not backend.is_trainable(frozen.weight)
    assert backend.is_trainable(ug.nn.Embedding.from_pretrained(table, freeze=False).weight)
    assert not backend.is_trainable(ug.nn.EmbeddingBag.from_pretrained(table).weight)
    assert ug.to_numpy(frozen(ug.asarray([2])))[0].tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(
        ug.ShapeError, match=r"Embedding.from_pretrained: embeddings are expected to be 2-dim"
    ):
        ug.nn.Embedding.from_pretrained(ug.ones((2, 2, 2)))


def test_functional_max_norm_scales_rows_of_a_plain_tensor_without_changing_it(ug_backend):
    table = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
    weight = ug.asarray(table)
    out = ug.to_numpy(ug.nn.functional.embedding(ug.asarray([0, 1]), weight, max_norm=1.0))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    np.testing.assert_array_equal(ug.to_numpy(weight), table)
    layer = ug.nn.Embedding(3, 2, max_norm=1.0, _weight=ug.asarray(table))
    layer(ug.asarray([[0, 0]]))
    # in place on the parameter, the looked-up row only (as torch.embedding_renorm_)
    np.testing.assert_allclose(ug.to_numpy(layer.weight), [[0.6, 0.8], [0.3, 0.4], [6.0, 8.0]], rtol=1e-6)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: ug.nn.Embedding(5, 2, sparse=True),
            NotImplementedError,
            "sparse=True asks for sparse gradients",
        ),
        (
            lambda: ug.nn.functional.embedding(ug.asarray([0]), ug.ones((5, 2)), sparse=True),
            NotImplementedError,
            r"ug.nn.functional.embedding: sparse=True",
        ),
        (
            lambda: ug.nn.Embedding(5, 2, padding_idx=5),
            ug.IndexOutOfRangeError,
            r"padding_idx 5 must be within",
        ),
        (lambda: ug.nn.EmbeddingBag(5, 2, padding_idx=-6), ug.IndexOutOfRangeError, "padding_idx -6"),
        (
            lambda: ug.nn.Embedding(5, 2, _weight=ug.ones((4, 2))),
            ug.ShapeError,
            r"_weight of shape \(4, 2\) does not match",
        ),
        (
            lambda: ug.nn.functional.embedding(ug.asarray([0]), ug.ones(5)),
            ug.ShapeError,
            r"weight has to be a 2-d tensor, got shape \(5,\)",
        ),
        (
            lambda: ug.nn.EmbeddingBag(5, 2, mode="mean")(
                ug.asarray([0, 1]), ug.asarray([0]), per_sample_weights=ug.ones(2)
            ),
            NotImplementedError,
            r"per_sample_weights is only supported for mode='sum' \(got mode='mean'\)",
        ),
        (
            lambda: ug.nn.EmbeddingBag(5, 2)(ug.asarray([[0, 1]]), ug.asarray([0])),
            ug.ShapeError,
            "offsets must be None for a 2-d input",
        ),
        (lambda: ug.nn.EmbeddingBag(5, 2)(ug.asarray([0, 1])), ug.ShapeError, "a 1-d input needs offsets"),
        (
            lambda: ug.nn.EmbeddingBag(5, 2)(ug.asarray([0, 1]), ug.asarray([1])),
            ug.ShapeError,
            r"offsets\[0\] has to be 0",
        ),
        (
            lambda: ug.nn.EmbeddingBag(5, 2)(ug.asarray([0, 1]), ug.asarray([0, 3])),
            ug.ShapeError,
            "offsets must be non-decreasing and within the input of 2 entries",
        ),
        (
            lambda: ug.nn.EmbeddingBag(5, 2, mode="min")(ug.asarray([[0]])),
            ValueError,
            "mode has to be one of",
        ),
        (
            lambda: ug.nn.EmbeddingBag(5, 2, mode="max", scale_grad_by_freq=True)(ug.asarray([[0]])),
            ValueError,
            "max mode does not support scaling the gradient",
        ),
        (
            lambda: ug.nn.EmbeddingBag(5, 2, mode="sum")(ug.asarray([[0, 1]]), per_sample_weights=ug.ones(2)),
            ug.ShapeError,
            r"per_sample_weights of shape \(2,\) must have the shape of the input \(1, 2\)",
        ),
        (
            lambda: ug.nn.functional.embedding(ug.asarray([0, 5]), ug.ones((5, 2))),
            ug.IndexOutOfRangeError,
            "index 5 is out of range for axis 0 of size 5",
        ),
        (
            lambda: ug.nn.Bilinear(3, 4, 2)(ug.ones((5, 3)), ug.ones((5, 3))),
            ug.ShapeError,
            r"bilinear: inputs of shapes \(5, 3\) and \(5, 3\) do not fit a weight of shape \(2, 3, 4\)",
        ),
    ],
)
def test_lookup_and_bilinear_errors_read_the_same_on_every_backend(call, error, message):
    for backend in BACKENDS:
        with ug.use_backend(backend), pytest.raises(error, match=message) as caught:
            call()
        if error not in (ValueError, NotImplementedError):  # torch's own kinds, for argument values
            assert isinstance(caught.value, ug.UnigradError)
    with pytest.raises(ug.UnigradError):
        ug.nn.Embedding(5, 2, sparse=True)


@pytest.mark.parametrize(
    "make",
    [
        lambda nn: nn.Embedding(10, 3),
        lambda nn: nn.Embedding(10, 3, padding_idx=2, max_norm=1.0, norm_type=1.0, scale_grad_by_freq=True),
        lambda nn: nn.EmbeddingBag(10, 3),
        lambda nn: nn.EmbeddingBag(10, 3, mode="max", padding_idx=1, max_norm=2.0),
        lambda nn: nn.Bilinear(2, 3, 4, bias=False),
        lambda nn: nn.Identity(1, 2, key="value"),
    ],
)
def test_reprs_and_state_dict_keys_read_like_torch(ug_backend, make):
    layer, twin = make(ug.nn), make(torch.nn)
    assert repr(layer) == repr(twin)
    assert list(layer.state_dict()) == list(twin.state_dict())
    for key, value in layer.state_dict().items():
        assert tuple(value.shape) == tuple(twin.state_dict()[key].shape)


def test_bilinear_init_bounds_follow_in1_features(ug_backend):
    ug.random.seed(0)
    layer = ug.nn.Bilinear(4, 100, 50)
    bound = 1 / np.sqrt(4)
    for value in (ug.to_numpy(layer.weight), ug.to_numpy(layer.bias)):
        assert value.min() >= -bound and value.max() < bound
        assert value.max() > 0.9 * bound  # spread over the whole range (not 1/sqrt(in2))
