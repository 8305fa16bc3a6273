"""Keras habits on any ug.nn.Module: compile / fit / evaluate / predict, Keras' loss, metric and
optimizer names against NumPy written from Keras' formulas, validation_split as Keras cuts it."""

from __future__ import annotations

import numpy as np
import pytest
from fit_support import BOTH, Recorder, assert_history_close, blobs, id_data, mlp, regression

import unigrad as ug
from unigrad.train import keras_metrics, losses
from unigrad.train.metrics import get_loss, get_metric

EPS = 1e-7
RNG = np.random.default_rng(0)
N, C = 13, 4
LOGITS = RNG.standard_normal((N, C)).astype(np.float32)
PROBS = (np.exp(LOGITS) / np.exp(LOGITS).sum(1, keepdims=True)).astype(np.float32)
LABELS = RNG.integers(0, C, N)
ONE_HOT = np.eye(C, dtype=np.float32)[LABELS]
POSITIVE_P = RNG.uniform(0.05, 2.0, (N, C)).astype(np.float32)
POSITIVE_T = RNG.uniform(0.05, 2.0, (N, C)).astype(np.float32)
BITS = RNG.integers(0, 2, (N, C)).astype(np.float32)
UNIT = RNG.uniform(0.02, 0.98, (N, C)).astype(np.float32)


def value(fn, prediction, target) -> float:
    return float(ug.to_numpy(fn(ug.asarray(prediction), ug.asarray(target))))


def _normalized(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _log_normalized(p):
    return np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS))


# (name, prediction, target, NumPy reference written from Keras' formula)
LOSS_CASES = [
    ("mse", LOGITS, POSITIVE_T, lambda p, t: ((t - p) ** 2).mean()),
    ("mae", LOGITS, POSITIVE_T, lambda p, t: np.abs(t - p).mean()),
    ("mape", POSITIVE_P, POSITIVE_T, lambda p, t: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean()),
    ("msle", POSITIVE_P, POSITIVE_T, lambda p, t: ((np.log1p(p) - np.log1p(t)) ** 2).mean()),
    (
        "huber",
        3 * LOGITS,
        POSITIVE_T,
        lambda p, t: np.where(np.abs(p - t) <= 1, 0.5 * (p - t) ** 2, np.abs(p - t) - 0.5).mean(),
    ),
    ("log_cosh", LOGITS, POSITIVE_T, lambda p, t: np.log(np.cosh(p - t)).mean()),
    ("kl_divergence", PROBS, UNIT, lambda p, t: (t * np.log(t / p)).sum(-1).mean()),
    ("poisson", POSITIVE_P, POSITIVE_T, lambda p, t: (p - t * np.log(p + EPS)).mean()),
    ("hinge", LOGITS, BITS, lambda p, t: np.maximum(1 - (2 * t - 1) * p, 0).mean()),
    ("squared_hinge", LOGITS, BITS, lambda p, t: (np.maximum(1 - (2 * t - 1) * p, 0) ** 2).mean()),
    (
        "categorical_hinge",
        LOGITS,
        ONE_HOT,
        lambda p, t: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0).mean(),
    ),
    ("cosine_similarity", LOGITS, POSITIVE_T, lambda p, t: -(_normalized(p) * _normalized(t)).sum(-1).mean()),
    (
        "binary_crossentropy",
        UNIT,
        BITS,
        lambda p, t: -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(),
    ),
    ("categorical_crossentropy", PROBS, ONE_HOT, lambda p, t: -(t * _log_normalized(p)).sum(-1).mean()),
    (
        "sparse_categorical_crossentropy",
        PROBS,
        LABELS,
        lambda p, t: -_log_normalized(p)[np.arange(N), t].mean(),
    ),
]


@pytest.mark.parametrize("name, prediction, target, reference", LOSS_CASES, ids=[c[0] for c in LOSS_CASES])
def test_keras_losses_by_name_against_numpy(ug_backend, name, prediction, target, reference):
    expected = reference(prediction.astype(np.float64), target)
    assert value(get_loss(name), prediction, target) == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_from_logits_and_probability_clipping(ug_backend):
    cross_entropy = value(ug.nn.functional.cross_entropy, LOGITS, LABELS)
    logits_loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    assert value(logits_loss, LOGITS, LABELS) == pytest.approx(cross_entropy, rel=1e-5)
    assert value(losses.CategoricalCrossentropy(from_logits=True), LOGITS, ONE_HOT) == pytest.approx(
        cross_entropy, rel=1e-5
    )
    # the name assumes probabilities, as Keras: the softmax of the logits gives the same loss
    assert value(get_loss("sparse_categorical_crossentropy"), PROBS, LABELS) == pytest.approx(
        cross_entropy, rel=1e-5
    )
    column, bits = LOGITS[:, :1], BITS[:, :1]
    by_logits = value(losses.BinaryCrossentropy(from_logits=True), column, bits)
    assert by_logits == pytest.approx(
        value(get_loss("binary_crossentropy"), 1 / (1 + np.exp(-column)), bits), rel=1e-5
    )
    # a probability of exactly 0 for the true class costs -log(1e-7), not inf
    zero = np.array([[0.0, 1.0]], np.float32)
    assert value(get_loss("sparse_categorical_crossentropy"), zero, np.array([0])) == pytest.approx(
        -np.log(EPS), rel=1e-4
    )
    # (N,) targets against an (N, 1) prediction are matched, not broadcast to (N, N)
    assert value(get_loss("mse"), column, LOGITS[:, 1]) == pytest.approx(
        ((column[:, 0] - LOGITS[:, 1]) ** 2).mean(), rel=1e-5
    )
    assert value(get_loss("sparse_categorical_crossentropy"), PROBS, LABELS[:, None]) == pytest.approx(
        value(get_loss("sparse_categorical_crossentropy"), PROBS, LABELS), rel=1e-6
    )


def test_categorical_crossentropy_takes_one_hot_targets(ug_backend):
    with pytest.raises(ug.UnigradError, match=r"one-hot targets .* use sparse_categorical_crossentropy"):
        value(get_loss("categorical_crossentropy"), PROBS, LABELS)


def test_ug_fit_takes_the_keras_names_too(ug_backend):
    x, y = blobs(32)
    history = ug.fit(
        classifier(ug_backend),
        x,
        y,
        loss="sparse_categorical_crossentropy",
        optimizer="rmsprop",
        metrics=["acc", "sparse_top_k_categorical_accuracy"],
        epochs=1,
        verbose=0,
    )
    assert sorted(history.history) == ["acc", "loss", "sparse_top_k_categorical_accuracy"]
    assert history.history["sparse_top_k_categorical_accuracy"] == [1.0]  # 2 classes, k = 5


def metric_value(name, prediction, target, loss=None) -> float:
    loss_fn = None if loss is None else get_loss(loss)
    return value(get_metric(name, loss_fn), prediction, target)


def test_accuracy_is_picked_as_keras_picks_it(ug_backend):
    right = (PROBS.argmax(1) == LABELS).mean()
    loss = "categorical_crossentropy"
    assert metric_value("accuracy", PROBS, ONE_HOT, loss) == pytest.approx(right)  # categorical
    assert metric_value("accuracy", PROBS, LABELS, loss) == pytest.approx(right)  # sparse: lower rank
    assert metric_value("acc", PROBS, LABELS[:, None], loss) == pytest.approx(right)  # sparse: last axis 1
    column, bits = UNIT[:, :1], BITS[:, :1]
    binary = ((column > 0.5) == (bits > 0.5)).mean()
    assert metric_value("accuracy", column, bits[:, 0], "binary_crossentropy") == pytest.approx(binary)
    assert metric_value("accuracy", UNIT, BITS, "binary_crossentropy") == pytest.approx(
        ((UNIT > 0.5) == BITS).mean()  # multi-label: every element, as the loss says
    )
    logits = LOGITS[:, :1]
    expected = ((logits > 0) == (bits > 0.5)).mean()
    from_logits = losses.BinaryCrossentropy(from_logits=True)
    assert value(get_metric("accuracy", from_logits), logits, bits) == pytest.approx(expected)
    # the class axis is the last one, as Keras (unigrad's torch-style accuracy takes axis 1)
    sequence = RNG.standard_normal((3, 5, C)).astype(np.float32)
    labels = RNG.integers(0, C, (3, 5))
    assert metric_value("accuracy", sequence, labels, "sparse_categorical_crossentropy") == pytest.approx(
        (sequence.argmax(-1) == labels).mean()
    )


def test_metrics_by_keras_name_against_numpy(ug_backend):
    target_scores = LOGITS[np.arange(N), LABELS][:, None]
    ranks = (target_scores < LOGITS).sum(1)  # classes scoring above the target's
    for k in (1, 2, 3):
        assert value(
            lambda p, t, k=k: keras_metrics.sparse_top_k_categorical_accuracy(p, t, k), LOGITS, LABELS
        ) == pytest.approx((ranks < k).mean())
    assert metric_value("top_k_categorical_accuracy", LOGITS, ONE_HOT) == 1.0  # k = 5 > 4 classes
    assert value(
        lambda p, t: keras_metrics.top_k_categorical_accuracy(p, t, 2), LOGITS, ONE_HOT
    ) == pytest.approx((ranks < 2).mean())
    assert metric_value("categorical_accuracy", LOGITS, ONE_HOT) == pytest.approx(
        (LOGITS.argmax(1) == LABELS).mean()
    )
    assert metric_value("sparse_categorical_accuracy", LOGITS, LABELS) == pytest.approx(
        (LOGITS.argmax(1) == LABELS).mean()
    )
    assert metric_value("binary_accuracy", UNIT, BITS) == pytest.approx(((UNIT > 0.5) == BITS).mean())
    assert metric_value("mae", LOGITS, POSITIVE_T) == pytest.approx(
        np.abs(LOGITS - POSITIVE_T).mean(), rel=1e-5
    )
    assert metric_value("mean_squared_error", LOGITS, POSITIVE_T) == pytest.approx(
        ((LOGITS - POSITIVE_T) ** 2).mean(), rel=1e-5
    )
    assert metric_value("cosine_similarity", LOGITS, POSITIVE_T) == pytest.approx(
        (_normalized(LOGITS) * _normalized(POSITIVE_T)).sum(-1).mean(), rel=1e-5
    )
    assert get_metric("mean_squared_error").name == "mean_squared_error"  # named as given
    with pytest.raises(ug.UnigradError, match="unknown metric 'f1'"):
        get_metric("f1")


def classifier(backend: str, seed: int = 0) -> ug.nn.Module:
    """4 features -> 2 classes, with a softmax: Keras' names take probabilities."""
    with ug.use_backend(backend):
        ug.random.seed(seed)
        return ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.ReLU(), ug.nn.Linear(8, 2), ug.nn.Softmax(dim=-1))


def test_compile_fit_evaluate_predict(ug_backend):
    x, y = blobs(64)
    model = classifier(ug_backend)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0, seed=0)
    assert isinstance(history, ug.train.History)
    assert sorted(history.history) == ["accuracy", "loss"] and len(history.history["loss"]) == 4
    assert history.history["loss"][-1] < history.history["loss"][0]

    predicted = model.predict(x, batch_size=10, verbose=0)
    assert isinstance(predicted, np.ndarray) and predicted.shape == (64, 2)
    with ug.use_backend(ug_backend):
        direct = ug.to_numpy(model.eval()(ug.asarray(x)))
    np.testing.assert_allclose(predicted, direct, rtol=1e-5, atol=1e-6)

    # evaluate: the compiled loss and metrics, equal to computing them by hand
    by_hand = -np.log(np.clip(direct[np.arange(64), y], EPS, 1 - EPS)).mean()
    loss, accuracy = model.evaluate(x, y, batch_size=10, verbose=0)
    assert loss == pytest.approx(by_hand, rel=1e-5)
    assert accuracy == pytest.approx((direct.argmax(1) == y).mean())
    assert model.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(
        {"loss": loss, "accuracy": accuracy}, rel=1e-5
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)  # no metrics: the loss alone
    # ug.evaluate's form (loss= of its own) still gives its dict
    scores = model.evaluate(x, np.eye(2, dtype=np.float32)[y], loss="mse", metrics=["mae"], verbose=0)
    assert scores.keys() == {"loss", "mae"}


def test_optimizer_names_take_keras_defaults_and_keep_their_state(ug_backend):
    x, y = regression(32)
    model = mlp(ug_backend)
    expected = {
        "adam": (ug.optim.Adam, {"lr": 1e-3, "eps": 1e-7}),
        "sgd": (ug.optim.SGD, {"lr": 0.01}),
        "rmsprop": (ug.optim.RMSprop, {"lr": 1e-3, "alpha": 0.9, "eps": 1e-7}),
        "adagrad": (ug.optim.Adagrad, {"lr": 1e-3, "initial_accumulator_value": 0.1, "eps": 1e-7}),
        "AdamW": (ug.optim.AdamW, {"lr": 1e-3, "weight_decay": 0.004, "eps": 1e-7}),
    }
    for name, (kind, options) in expected.items():
        model.compile(optimizer=name, loss="mse")
        optimizer = ug.train.keras_habits.compiled(model).optimizer
        assert type(optimizer) is kind
        assert {key: optimizer.param_groups[0][key] for key in options} == options
    model.compile(optimizer="adam", loss="mse")
    optimizer = ug.train.keras_habits.compiled(model).optimizer
    model.fit(x, y, epochs=1, verbose=0)
    steps = optimizer.state_dict()
    model.fit(x, y, epochs=1, verbose=0)
    assert ug.train.keras_habits.compiled(model).optimizer is optimizer  # one optimizer, as Keras
    assert optimizer.state_dict() != steps
    with ug.use_backend(ug_backend):
        own = ug.optim.SGD(model.parameters(), lr=0.05)
    model.compile(optimizer=own, loss="mse")
    assert ug.train.keras_habits.compiled(model).optimizer is own
    with pytest.raises(ug.UnigradError, match="unknown optimizer 'adamax'"):
        model.compile(optimizer="adamax", loss="mse")


def test_fit_or_evaluate_before_compile_says_to_compile(ug_backend):
    x, y = regression(8)
    model = mlp(ug_backend)
    with pytest.raises(
        ug.train.NotCompiledError, match=r"call model\.compile\(optimizer=\.\.\., loss=\.\.\.\) first"
    ):
        model.fit(x, y, verbose=0)
    with pytest.raises(ug.UnigradError, match="pass optimizer= to fit"):
        model.fit(x, y, loss="mse", verbose=0)
    with pytest.raises(ug.train.NotCompiledError, match=r"model\.evaluate .* call model\.compile"):
        model.evaluate(x, y, verbose=0)
    model.compile(optimizer="sgd", metrics=["mae"])
    with pytest.raises(ug.train.NotCompiledError, match=r"model\.compile was given no loss"):
        model.fit(x, y, verbose=0)
    assert model.evaluate(x, y, verbose=0) > 0  # metrics alone can be evaluated
    # without compile, fit takes loss= and optimizer= itself, as ug.fit
    assert len(model.fit(x, y, loss="mse", optimizer="sgd", epochs=2, verbose=0).history["loss"]) == 2


@pytest.mark.parametrize("n, fraction, cut", [(10, 0.2, 8), (11, 0.2, 8), (7, 0.3, 4)])
def test_validation_split_cuts_as_keras(ug_backend, n, fraction, cut):
    """Keras: the first floor(n * (1 - fraction)) samples train, the rest validate, before shuffling."""
    x, y = id_data(n)
    with ug.use_backend(ug_backend):
        model = Recorder()
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)  # the recorder reads its inputs
    model.fit(x, y, batch_size=4, epochs=2, validation_split=fraction, verbose=0, seed=0)
    trained = model.ids(training=True)
    assert sorted(np.concatenate(trained)) == sorted(list(range(cut)) * 2)
    assert np.concatenate(model.ids(training=False)).tolist() == list(range(cut, n)) * 2


def test_validation_split_with_a_loader_says_to_pass_validation_data(ug_backend):
    x, y = regression(16)
    model = mlp(ug_backend)
    model.compile(optimizer="sgd", loss="mse")
    loader = [(x[:8], y[:8]), (x[8:], y[8:])]

    class Loader:
        def __iter__(self):
            return iter(loader)

    with pytest.raises(
        ug.UnigradError, match=r"validation_split needs arrays.*validation_data=\(x_val, y_val\)"
    ):
        model.fit(Loader(), validation_split=0.2, verbose=0)


@pytest.mark.skipif(not BOTH, reason="needs PyTorch and TensorFlow")
def test_the_same_history_on_both_backends():
    x, labels = blobs(80)
    y = np.eye(2, dtype=np.float32)[labels]
    histories = {}
    for backend in ("torch", "tensorflow"):
        model = classifier(backend, seed=3)
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy", "mae"])
        history = model.fit(x, y, batch_size=16, epochs=3, validation_split=0.2, verbose=0, seed=0)
        histories[backend] = history.history
    assert sorted(histories["torch"]) == ["accuracy", "loss", "mae", "val_accuracy", "val_loss", "val_mae"]
    assert_history_close(histories["torch"], histories["tensorflow"], rtol=1e-5)
