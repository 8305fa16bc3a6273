"""Callbacks: hook order, History, EarlyStopping, ModelCheckpoint, LearningRateScheduler, progress display."""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from fit_support import assert_weights_close, mlp, regression, sgd, weights

import unigrad as ug
from unigrad.train.callbacks import (
    Callback,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgressBar,
)

X, Y = regression(20)


def fit(model, callbacks=(), epochs=3, **options):
    options = {"batch_size": 8, "seed": 0, "verbose": False, "compile": False, **options}
    optimizer = options.pop("optimizer", None) or sgd(model)
    return ug.fit(model, X, Y, loss="mse", optimizer=optimizer, epochs=epochs, callbacks=callbacks, **options)


class Events(Callback):
    def __init__(self):
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"epoch_begin {epoch}")

    def on_batch_begin(self, batch, logs=None):
        self.events.append(f"batch_begin {batch}")

    def on_batch_end(self, batch, logs):
        self.events.append(f"batch_end {batch} {sorted(logs)}")

    def on_epoch_end(self, epoch, logs):
        self.events.append(f"epoch_end {epoch} {sorted(logs)}")

    def on_train_end(self, logs=None):
        self.events.append("train_end")


class Scripted(Callback):
    """Overwrites the monitored value with a script, for the callbacks after it to see."""

    def __init__(self, key, values):
        self.key, self.values = key, values
        self.weights = []

    def on_epoch_end(self, epoch, logs):
        logs[self.key] = self.values[epoch]
        self.weights.append(weights(self.model))


def test_hooks_run_in_order_with_their_logs(ug_backend):
    events = Events()
    fit(mlp(ug_backend), [events], epochs=2, validation_data=(X[:4], Y[:4]), metrics=["mae"])
    batches = [
        f"{kind} {i}" + (" ['loss', 'mae']" if kind == "batch_end" else "")
        for i in range(3)
        for kind in ("batch_begin", "batch_end")
    ]
    epoch_keys = "['loss', 'mae', 'val_loss', 'val_mae']"
    expected = ["train_begin"]
    for epoch in range(2):
        expected += [f"epoch_begin {epoch}", *batches, f"epoch_end {epoch} {epoch_keys}"]
    assert events.events == [*expected, "train_end"]
    assert events.params["epochs"] == 2 and events.params["steps"] == 3 and events.params["samples"] == 20


def test_history_contents(ug_backend):
    history = fit(mlp(ug_backend), epochs=3, validation_split=0.2, metrics=["mae"])
    assert isinstance(history, ug.train.History)
    assert list(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    assert all(
        len(values) == 3 and all(isinstance(v, float) for v in values) for values in history.history.values()
    )
    assert history.epoch == [0, 1, 2]
    assert history.history["loss"][2] < history.history["loss"][0]


def test_a_callback_can_stop_training_after_a_batch(ug_backend):
    class StopAtBatch(Events):
        def on_batch_end(self, batch, logs):
            super().on_batch_end(batch, logs)
            self.stop_training = batch == 1

    stopper = StopAtBatch()
    history = fit(mlp(ug_backend), [stopper], epochs=5)
    assert history.epoch == [0]
    assert [e.split()[0] for e in stopper.events].count("batch_end") == 2


def test_early_stopping_stops_at_the_right_epoch_and_restores_the_best(ug_backend):
    script = Scripted("val_loss", [1.0, 0.8, 0.79, 0.85, 0.9, 0.7, 0.6])
    stopper = EarlyStopping(patience=2, min_delta=0.05, restore_best_weights=True)
    model = mlp(ug_backend)
    history = fit(model, [script, stopper], epochs=7)
    # epoch 2 improves by less than min_delta: epochs 2 and 3 do not count, patience runs out at 3
    assert (stopper.best_epoch, stopper.stopped_epoch) == (1, 3)
    assert history.epoch == [0, 1, 2, 3] and history.history["val_loss"] == [1.0, 0.8, 0.79, 0.85]
    assert_weights_close(weights(model), script.weights[1], rtol=0, atol=0)


def test_early_stopping_maximises_accuracy_and_waits_patience_epochs(ug_backend):
    script = Scripted("val_accuracy", [0.5, 0.6, 0.6, 0.55, 0.7, 0.7, 0.7, 0.7])
    stopper = EarlyStopping(monitor="val_accuracy", patience=3)
    history = fit(mlp(ug_backend), [script, stopper], epochs=8)
    assert stopper.best_epoch == 4 and stopper.stopped_epoch == 7 and len(history.epoch) == 8
    with pytest.warns(RuntimeWarning, match="val_loss"):
        fit(mlp(ug_backend), [EarlyStopping()], epochs=1)  # no validation data


def test_model_checkpoint_every_epoch_loads_back(ug_backend, tmp_path):
    checkpoint = ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}.safetensors")
    model = mlp(ug_backend)
    fit(model, [checkpoint], epochs=3)
    assert sorted(os.listdir(tmp_path)) == [
        "ckpt-01.safetensors",
        "ckpt-02.safetensors",
        "ckpt-03.safetensors",
    ]
    fresh = mlp(ug_backend, seed=1)
    fresh.load_state_dict(ug.load(tmp_path / "ckpt-03.safetensors"))
    assert_weights_close(weights(fresh), weights(model), rtol=0, atol=0)


def test_model_checkpoint_best_only_with_formatted_names(ug_backend, tmp_path):
    script = Scripted("val_loss", [0.9, 0.5, 0.7, 0.3])
    checkpoint = ModelCheckpoint(
        str(tmp_path / "best" / "e{epoch}-{val_loss:.2f}.safetensors"), save_best_only=True
    )
    model = mlp(ug_backend)
    fit(model, [script, checkpoint], epochs=4)
    assert [os.path.basename(p) for p in checkpoint.saved] == [
        "e1-0.90.safetensors",
        "e2-0.50.safetensors",
        "e4-0.30.safetensors",
    ]
    fresh = mlp(ug_backend, seed=1)
    fresh.load_state_dict(ug.load(checkpoint.saved[1]))
    assert_weights_close(weights(fresh), script.weights[1], rtol=0, atol=0)
    assert not [name for name in os.listdir(tmp_path / "best") if name.endswith(".tmp")]  # written atomically


def test_model_checkpoint_with_the_optimizer_resumes(ug_backend, tmp_path):
    model = mlp(ug_backend)
    optimizer = ug.optim.Adam(model.parameters(), lr=0.01)
    path = tmp_path / "full.safetensors"
    fit(model, [ModelCheckpoint(path, save_weights_only=False)], epochs=2, optimizer=optimizer)
    state = ug.load(path)
    assert state["epoch"] == 2
    fresh = mlp(ug_backend, seed=1)
    fresh.load_state_dict(state["model"])
    resumed = ug.optim.Adam(fresh.parameters(), lr=0.01)
    resumed.load_state_dict(state["optimizer"])
    assert_weights_close(weights(fresh), weights(model), rtol=0, atol=0)
    fit(model, epochs=1, optimizer=optimizer)
    fit(fresh, epochs=1, optimizer=resumed)
    assert_weights_close(weights(fresh), weights(model))


def test_learning_rate_scheduler_with_a_function_or_a_schedule(ug_backend):
    model = mlp(ug_backend)
    optimizer = sgd(model, lr=0.1)
    history = fit(
        model, [LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr / 2)], optimizer=optimizer
    )
    np.testing.assert_allclose(history.history["lr"], [0.1, 0.05, 0.025])
    assert optimizer.param_groups[0]["lr"] == pytest.approx(0.025)

    model = mlp(ug_backend)
    optimizer = sgd(model, lr=0.1)
    schedule = ug.optim.schedules.StepLR(optimizer, step_size=1, gamma=0.5)
    history = fit(model, [LearningRateScheduler(schedule)], optimizer=optimizer)
    np.testing.assert_allclose(history.history["lr"], [0.1, 0.05, 0.025])

    model = mlp(ug_backend)
    optimizer = sgd(model, lr=0.1)
    schedule = ug.optim.schedules.LinearWarmup(optimizer, warmup_steps=6, start_factor=0.0)
    history = fit(model, [LearningRateScheduler(schedule, step_every="batch")], optimizer=optimizer)
    np.testing.assert_allclose(history.history["lr"], [0.0, 0.05, 0.1])  # 3 batches per epoch


def test_learning_rate_changes_the_training(ug_backend):
    """Halving lr by callback from epoch 1 trains as a second fit at half the lr does."""
    scheduled, by_hand = mlp(ug_backend), mlp(ug_backend)
    fit(
        scheduled,
        [LearningRateScheduler(lambda epoch, lr: 0.1 if epoch == 0 else 0.05)],
        epochs=2,
        seed=None,
        shuffle=False,
    )
    fit(by_hand, epochs=1, optimizer=sgd(by_hand, 0.1), shuffle=False)
    fit(by_hand, epochs=1, optimizer=sgd(by_hand, 0.05), shuffle=False)
    assert_weights_close(weights(scheduled), weights(by_hand))


def test_schedule_for_another_optimizer_is_refused(ug_backend):
    model = mlp(ug_backend)
    schedule = ug.optim.schedules.StepLR(sgd(model), step_size=1)
    with pytest.raises(ValueError, match="another optimizer"):
        fit(model, [LearningRateScheduler(schedule)])


# -- progress ---------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_verbose_false_is_silent(ug_backend, capsys):
    fit(mlp(ug_backend), epochs=2, verbose=False, validation_split=0.2)
    ug.evaluate(mlp(ug_backend), X, Y, loss="mse", compile=False)
    assert capsys.readouterr() == ("", "")


def test_no_terminal_prints_one_summary_line_per_epoch(ug_backend, capsys):
    fit(mlp(ug_backend), epochs=2, verbose=True, validation_split=0.2, metrics=["mae"])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and err == ""
    assert lines[0].startswith("epoch 1/2 - ") and lines[1].startswith("epoch 2/2 - ")
    assert all(key in lines[1] for key in ("loss: ", "mae: ", "val_loss: ", "val_mae: "))
    assert "batch/s" not in out and "%|" not in out
    ug.evaluate(mlp(ug_backend), X, Y, loss="mse", verbose=True, compile=False)
    assert capsys.readouterr().out.startswith("evaluate - ")


def test_a_terminal_gets_a_tqdm_bar(ug_backend, capsys):
    terminal = Terminal()
    fit(mlp(ug_backend), [ProgressBar(stream=terminal)], epochs=2, verbose=True, validation_split=0.2)
    shown = terminal.getvalue()
    assert "epoch 1/2" in shown and "epoch 2/2" in shown and "2/2 [" in shown and "val_loss: " in shown
    assert capsys.readouterr() == ("", "")  # the bar replaces the lines; fit adds no second display
    with pytest.raises(ValueError, match="verbose"):
        ProgressBar(verbose=3)


def test_verbose_2_prints_lines_even_on_a_terminal(ug_backend, capsys):
    terminal = Terminal()
    fit(mlp(ug_backend), [ProgressBar(verbose=2, stream=terminal)], epochs=1)
    assert terminal.getvalue() == "" and capsys.readouterr().out.startswith("epoch 1/1 - ")
