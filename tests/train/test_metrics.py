"""Metrics against NumPy, their size-weighted accumulation over batches, names, and loss names."""

from __future__ import annotations

import numpy as np
import pytest
from fit_support import mlp, regression, sgd

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.train import metrics

RNG = np.random.default_rng(0)
SCORES = RNG.standard_normal((13, 4)).astype(np.float32)
LABELS = RNG.integers(0, 4, 13)
COLUMN = RNG.standard_normal((13, 1)).astype(np.float32)
BINARY = RNG.integers(0, 2, (13, 1)).astype(np.float32)


def value(fn, *arrays, **options):
    return float(ug.to_numpy(fn(*(ug.asarray(a) for a in arrays), **options)))


def test_accuracy_against_numpy(ug_backend):
    expected = (SCORES.argmax(1) == LABELS).mean()
    assert value(metrics.accuracy, SCORES, LABELS) == pytest.approx(expected)
    one_hot = np.eye(4, dtype=np.float32)[LABELS]
    assert value(metrics.accuracy, SCORES, one_hot) == pytest.approx(expected)
    probabilities = 1 / (1 + np.exp(-COLUMN))
    expected_binary = ((probabilities > 0.5) == (BINARY > 0.5)).mean()
    assert value(metrics.accuracy, probabilities, BINARY) == pytest.approx(expected_binary)
    assert value(metrics.accuracy, COLUMN, BINARY, from_logits=True) == pytest.approx(expected_binary)
    assert value(
        metrics.accuracy, COLUMN[:, 0], BINARY[:, 0].astype(np.int64), from_logits=True
    ) == pytest.approx(expected_binary)
    # logits read as probabilities: 0 < logit < 0.5 counts as class 0 — the reason for from_logits
    assert value(metrics.accuracy, np.array([0.3], np.float32), np.array([1.0], np.float32)) == 0.0


def test_mse_and_mae_against_numpy(ug_backend):
    prediction, target = SCORES, SCORES[::-1].copy()
    assert value(metrics.mse, prediction, target) == pytest.approx(
        ((prediction - target) ** 2).mean(), rel=1e-6
    )
    assert value(metrics.mae, prediction, target) == pytest.approx(
        np.abs(prediction - target).mean(), rel=1e-6
    )


def test_names_resolve():
    assert metrics.get_metric("accuracy").name == "accuracy"
    assert metrics.get_metric("acc").name == "acc"  # named as given, as Keras logs it
    assert not metrics.get_metric("accuracy").from_logits
    assert metrics.get_metric("accuracy", F.binary_cross_entropy_with_logits).from_logits
    assert metrics.get_metric("mse").name == "mse" and metrics.get_metric("MAE").name == "mae"

    def max_error(p, t):
        return ug.max(ug.abs(p - t))

    assert metrics.get_metric(max_error).name == "max_error"
    with pytest.raises(ValueError, match="unknown metric"):
        metrics.get_metric("f1")
    with pytest.raises(ValueError, match="lambda"):
        metrics.get_metric(lambda p, t: p)
    with pytest.raises(ValueError, match="unique"):
        metrics.get_metrics(["mse", metrics.Metric(max_error, "mse")], None)
    assert metrics.get_loss("cross_entropy") is F.cross_entropy
    assert metrics.get_loss("MSE_LOSS") is F.mse_loss
    assert isinstance(metrics.get_loss("MSE"), ug.train.losses.MeanSquaredError)  # Keras' name: Keras' loss
    with pytest.raises(ValueError, match="unknown loss"):
        metrics.get_loss("not_a_loss")


def test_evaluate_weighs_batches_by_size(ug_backend):
    """13 samples in batches of 5, 5, 3: the mean over samples, not over batches."""
    with ug.use_backend(ug_backend):
        model = ug.nn.Identity()
    result = ug.evaluate(model, SCORES, LABELS, loss="cross_entropy", metrics=["accuracy"], batch_size=5)
    logits = SCORES - SCORES.max(1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    assert result["loss"] == pytest.approx(-log_probs[np.arange(13), LABELS].mean(), rel=1e-5)
    assert result["accuracy"] == pytest.approx((SCORES.argmax(1) == LABELS).mean())
    prediction, target = SCORES[:, :1], BINARY
    result = ug.evaluate(model, prediction, target, metrics=["mse", "mae"], batch_size=4)
    assert result["mse"] == pytest.approx(((prediction - target) ** 2).mean(), rel=1e-5)
    assert result["mae"] == pytest.approx(np.abs(prediction - target).mean(), rel=1e-5)


def test_training_metrics_are_the_epoch_means(ug_backend):
    """With lr=0 the model never changes, so each epoch's values are the model's on the whole data."""
    x, y = regression(21)
    model = mlp(ug_backend)
    history = ug.fit(
        model,
        x,
        y,
        loss="mse",
        optimizer=sgd(model, lr=0.0),
        epochs=2,
        batch_size=4,
        metrics=["mae"],
        verbose=False,
        compile=False,
    )
    out = ug.to_numpy(ug.predict(model, x, compile=False))
    np.testing.assert_allclose(history.history["loss"], [((out - y) ** 2).mean()] * 2, rtol=1e-5)
    np.testing.assert_allclose(history.history["mae"], [np.abs(out - y).mean()] * 2, rtol=1e-5)


def test_running_logs_read_the_device_only_when_looked_up(ug_backend):
    means = metrics.RunningMeans(["loss", "mae"])
    means.add(ug.asarray([1.0, 2.0]), 3)
    means.add(ug.asarray([3.0, 4.0]), 1)
    logs = means.view()
    assert means.pending == 2 and list(logs) == ["loss", "mae"] and len(logs) == 2
    assert logs["loss"] == pytest.approx(1.5) and means.pending == 0
    assert dict(logs) == pytest.approx({"loss": 1.5, "mae": 2.5})
    means.add(ug.asarray([float("nan"), 0.0]), 1)
    means.flush()
    assert means.nonfinite is not None and means.nonfinite[0] == 2
