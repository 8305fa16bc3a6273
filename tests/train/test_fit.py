"""ug.fit / ug.evaluate / ug.predict: training, agreement across backends and with a hand-written loop,
modes, NaN handling and the compiled step."""

from __future__ import annotations

import gc
import os
import warnings
import weakref

import numpy as np
import pytest
from fit_support import (
    BOTH,
    Recorder,
    assert_history_close,
    assert_weights_close,
    blobs,
    id_data,
    mlp,
    quiet_fit,
    regression,
    sgd,
    weights,
)

import unigrad as ug
import unigrad.nn.functional as F


def test_fit_learns_a_separable_problem(ug_backend):
    x, y = blobs()
    model = mlp(ug_backend)
    options = {"epochs": 8, "batch_size": 16, "metrics": ["accuracy"], "seed": 0}
    history = quiet_fit(model, x, y, loss="cross_entropy", optimizer=sgd(model, 0.2), **options)
    assert history.history["loss"][-1] < 0.1 < history.history["loss"][0]
    assert history.history["accuracy"][-1] >= 0.97
    assert history.epoch == list(range(8))


@pytest.mark.skipif(not BOTH, reason="needs torch and tensorflow")
def test_same_seed_same_history_and_weights_on_both_backends():
    x, y = blobs()
    runs = {}
    for backend in ("torch", "tensorflow"):
        model = mlp(backend)
        options = {
            "epochs": 3,
            "batch_size": 20,
            "validation_split": 0.25,
            "metrics": ["accuracy"],
            "seed": 3,
        }
        history = quiet_fit(
            model, x, y, loss=F.cross_entropy, optimizer=sgd(model, 0.1, momentum=0.9), **options
        )
        runs[backend] = history.history, weights(model)
    assert_history_close(runs["torch"][0], runs["tensorflow"][0])
    assert_weights_close(runs["torch"][1], runs["tensorflow"][1])


def test_fit_is_the_hand_written_loop(ug_backend):
    """The same batches (numpy's permutation from the seed, per epoch), steps and final parameters."""
    x, y = blobs(50)
    model, by_hand = mlp(ug_backend), mlp(ug_backend)
    optimizer = sgd(model, 0.1, momentum=0.5)
    quiet_fit(model, x, y, loss=F.cross_entropy, optimizer=optimizer, epochs=2, batch_size=16, seed=7)
    optimizer, params = sgd(by_hand, 0.1, momentum=0.5), by_hand.parameters()
    rng = np.random.default_rng(7)
    for _ in range(2):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 16):
            batch = order[start : start + 16]
            with ug.GradientTape() as tape:
                loss = F.cross_entropy(by_hand(ug.asarray(x[batch])), ug.asarray(y[batch]))
            optimizer.step(tape.gradient(loss, params))
    assert_weights_close(weights(model), weights(by_hand), rtol=1e-6, atol=1e-7)


def test_modes_train_for_steps_eval_for_validation_and_restored(ug_backend):
    x, y = id_data(6)
    with ug.use_backend(ug_backend):
        model = ug.nn.Sequential(Recorder(), ug.nn.Identity())
    model[1].eval()  # a submodule the user put in eval mode keeps it
    quiet_fit(model, x, y, batch_size=4, validation_data=(x, y))
    recorder = model[0]
    assert [mode for mode, _ in recorder.calls] == [True, True, False, False]
    assert model.training and recorder.training and not model[1].training
    model.eval()
    ug.predict(model, x, compile=False)
    ug.evaluate(model, x, y, loss="mse", compile=False)
    assert [mode for mode, _ in recorder.calls[4:]] == [False, False]
    assert not model.training


def test_evaluate_and_predict_agree_with_the_model(ug_backend):
    x, y = regression(23)
    model = mlp(ug_backend, n_out=2)
    with ug.use_backend(ug_backend):
        direct = model(ug.asarray(x))
        expected_loss = float(ug.to_numpy(F.mse_loss(direct, ug.asarray(y))))
        expected_mae = float(np.abs(ug.to_numpy(direct) - y).mean())
    predicted = ug.predict(model, x, batch_size=5)
    assert type(predicted) is type(direct)
    np.testing.assert_allclose(ug.to_numpy(predicted), ug.to_numpy(direct), rtol=1e-6, atol=1e-6)
    result = ug.evaluate(model, x, y, loss="mse", metrics=["mae"], batch_size=5)
    assert result.keys() == {"loss", "mae"}
    np.testing.assert_allclose([result["loss"], result["mae"]], [expected_loss, expected_mae], rtol=1e-5)


def test_module_methods_delegate(ug_backend):
    x, y = regression(20)
    model = mlp(ug_backend)
    history = model.fit(x, y, loss="mse", optimizer="adam", epochs=2, verbose=False, compile=False)
    assert len(history.history["loss"]) == 2
    assert model.evaluate(x, y, loss="mse", compile=False)["loss"] > 0
    assert tuple(model.predict(x, compile=False).shape) == (20, 2)


def test_bad_arguments_are_named():
    x, y = regression(10)
    model = mlp("torch" if "torch" in ug.available_backends() else "tensorflow")
    opt = sgd(model)
    with pytest.raises(ValueError, match="unknown loss"):
        ug.fit(model, x, y, loss="not_a_loss", optimizer=opt, verbose=False)
    with pytest.raises(ValueError, match="on_nan"):
        ug.fit(model, x, y, loss="mse", optimizer=opt, on_nan="ignore", verbose=False)
    with pytest.raises(ValueError, match="compile"):
        ug.fit(model, x, y, loss="mse", optimizer=opt, compile="yes", verbose=False)
    with pytest.raises(ValueError, match="not both"):
        ug.fit(
            model,
            x,
            y,
            loss="mse",
            optimizer=opt,
            validation_data=(x, y),
            validation_split=0.2,
            verbose=False,
        )
    with pytest.raises(ValueError, match="scalar"):
        ug.fit(
            model,
            x,
            y,
            loss=lambda p, t: F.mse_loss(p, t, reduction="none"),
            optimizer=opt,
            verbose=False,
            compile=False,
        )
    with pytest.raises(TypeError, match="optimizer"):
        ug.fit(model, x, y, loss="mse", optimizer=object(), verbose=False)
    with pytest.raises(ValueError, match="loss or metrics"):
        ug.evaluate(model, x, y)


# -- NaN and inf ----------------------------------------------------------------------------


def fit_nan_data(backend, on_nan="stop", compile=False, callbacks=()):
    """3 epochs over 40 samples with a NaN target in batch 3 of 4 (batch_size=10, unshuffled).

    The NaN is in a target: a compiled TensorFlow graph fuses matmul + bias + relu into one
    kernel that maps a NaN input to 0.
    """
    x, y = regression(40)
    y[21, 0] = np.nan
    model = mlp(backend)
    options = {"epochs": 3, "batch_size": 10, "shuffle": False, "verbose": False}
    return ug.fit(
        model,
        x,
        y,
        loss="mse",
        optimizer=sgd(model),
        on_nan=on_nan,
        compile=compile,
        callbacks=callbacks,
        **options,
    )


@pytest.mark.parametrize("compile", [False, "auto"])
def test_nan_loss_stops_naming_epoch_and_batch(ug_backend, compile):
    seen = []
    counter = ug.train.callbacks.Callback()
    counter.on_batch_end = lambda batch, logs: seen.append(batch)
    with pytest.raises(ug.train.NonFiniteLossError) as caught:
        fit_nan_data(ug_backend, compile=compile, callbacks=[counter])
    error = caught.value
    assert isinstance(error, ug.UnigradError) and isinstance(error, ArithmeticError)
    assert isinstance(error, FloatingPointError)
    assert (error.epoch, error.batch) == (0, 2)
    message = str(error)
    assert "epoch 1/3, batch 3" in message and "learning rate" in message and "clipping" in message
    # losses are read every SYNC_EVERY batches (and at the epoch's end): training stops at that read
    from unigrad.train.fit import SYNC_EVERY

    assert seen == list(range(len(seen))) and 3 <= len(seen) <= max(3, SYNC_EVERY)


def test_nan_loss_continue_and_warn(ug_backend):
    history = fit_nan_data(ug_backend, on_nan="continue")
    assert len(history.history["loss"]) == 3 and np.isnan(history.history["loss"]).all()
    with pytest.warns(RuntimeWarning, match="epoch 1/3, batch 3"):
        history = fit_nan_data(ug_backend, on_nan="warn")
    assert len(history.history["loss"]) == 1


# -- the compiled step ----------------------------------------------------------------------


def run(backend, compile, extra=None, optimizer=sgd, callbacks=(), epochs=2):
    """Train and predict on a 50-sample problem: batches of 16, 16, 16 and a last one of 2."""
    x, y = regression(60)
    model = mlp(backend, extra=extra)
    ug.random.seed(5)  # the same dropout masks in both runs, where they come from ug.random
    history = ug.fit(
        model,
        x[:50],
        y[:50],
        loss="mse",
        optimizer=optimizer(model),
        epochs=epochs,
        batch_size=16,
        validation_data=(x[50:], y[50:]),
        metrics=["mae"],
        seed=1,
        callbacks=callbacks,
        verbose=False,
        compile=compile,
    )
    return history.history, weights(model), ug.to_numpy(ug.predict(model, x, batch_size=16, compile=compile))


def assert_runs_equal(compiled, eager, rtol=1e-5, atol=1e-6):
    assert_history_close(compiled[0], eager[0], rtol, atol)
    assert_weights_close(compiled[1], eager[1], rtol, atol)
    np.testing.assert_allclose(compiled[2], eager[2], rtol=rtol, atol=atol)


@pytest.mark.backends("tensorflow")
def test_compiled_step_equals_eager_with_sgd(ug_backend):
    from unigrad.train.step import should_compile

    assert should_compile("auto", "tensorflow") and not should_compile("auto", "torch")
    assert_runs_equal(run(ug_backend, "auto"), run(ug_backend, False))


GRAPH_CASES = [
    pytest.param({"optimizer": lambda m: ug.optim.Adam(m.parameters(), lr=0.01)}, id="adam"),
    pytest.param({"optimizer": lambda m: ug.optim.Adagrad(m.parameters(), lr=0.1)}, id="adagrad"),
    pytest.param({"extra": lambda: (ug.nn.BatchNorm1d(8),)}, id="batchnorm"),
    pytest.param({"extra": lambda: (ug.nn.Dropout(0.3),)}, id="dropout"),
    pytest.param(
        {
            "callbacks": lambda: [
                ug.train.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
            ]
        },
        id="lr-schedule",
    ),
]


@pytest.mark.backends("tensorflow")
@pytest.mark.parametrize("case", GRAPH_CASES)
def test_compiled_step_equals_eager_with_graph_state(ug_backend, case):
    """Optimizer step counts, a changed lr, BatchNorm's running statistics, dropout masks.

    Graph and eager kernels round differently, and Adam's division by sqrt(v) carries it further.
    """
    make_callbacks = case.get("callbacks", list)
    options = {"extra": case.get("extra"), "optimizer": case.get("optimizer", sgd), "epochs": 3}
    assert_runs_equal(
        run(ug_backend, True, callbacks=make_callbacks(), **options),
        run(ug_backend, False, callbacks=make_callbacks(), **options),
        rtol=1e-4,
        atol=2e-5,
    )


@pytest.mark.backends("tensorflow")
def test_compiled_cross_entropy_equals_eager(ug_backend):
    x, y = blobs(50)

    def once(compile):
        model = mlp(ug_backend)
        history = ug.fit(
            model,
            x,
            y,
            loss="cross_entropy",
            optimizer=sgd(model),
            epochs=2,
            batch_size=16,
            seed=0,
            metrics=["accuracy"],
            verbose=False,
            compile=compile,
        )
        return history.history, weights(model)

    compiled, eager = once(True), once(False)
    assert_history_close(compiled[0], eager[0])
    assert_weights_close(compiled[1], eager[1])


@pytest.mark.backends("torch")
@pytest.mark.skipif(
    not os.environ.get("UNIGRAD_TEST_TORCH_COMPILE"),
    reason="torch.compile takes ~12 s cold; UNIGRAD_TEST_TORCH_COMPILE=1 runs it",
)
def test_torch_compiled_step_equals_eager(ug_backend):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_runs_equal(run(ug_backend, True, epochs=1), run(ug_backend, False, epochs=1))


class CountingCalls(ug.nn.Module):
    """Counts runs of forward's Python code: compiled, only a trace runs it."""

    def __init__(self):
        super().__init__()
        self.linear = ug.nn.Linear(4, 2)
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return self.linear(x)


@pytest.mark.backends("tensorflow")
def test_compiled_steps_are_traced_once_and_kept_for_the_next_call(ug_backend):
    x, y = regression(50)
    model = CountingCalls()
    ug.predict(model, x, batch_size=16)  # 16, 16, 16 and 2 padded to 16: one graph
    ug.predict(model, x[:37], batch_size=16)
    assert model.calls == 1
    optimizer = sgd(model)
    ug.fit(model, x, y, loss="mse", optimizer=optimizer, epochs=2, batch_size=16, verbose=False)
    # batches of 16, the last of 2; TensorFlow traces twice where a first call makes variables
    traced = model.calls
    assert 3 <= traced <= 5
    ug.fit(model, x, y, loss="mse", optimizer=optimizer, epochs=1, batch_size=16, verbose=False)
    assert model.calls == traced
    model.linear = ug.nn.Linear(4, 2)  # a replaced layer is traced anew
    ug.predict(model, x, batch_size=16)
    assert model.calls == traced + 1
    kept = weakref.ref(model)
    del model, optimizer
    gc.collect()
    assert kept() is None  # the kept steps hold the model weakly
