"""ug.function: a whole training step compiled gives the eager step's numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest

import unigrad as ug

OPTIMIZERS = {
    "sgd": lambda p: ug.optim.SGD(p, lr=0.1),
    "momentum": lambda p: ug.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "adam": lambda p: ug.optim.Adam(p, lr=0.01),
    "adamw-amsgrad": lambda p: ug.optim.AdamW(p, lr=0.01, amsgrad=True),
    "adam-generic": lambda p: ug.optim.Adam(p, lr=0.01, foreach=False),
    "rmsprop": lambda p: ug.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    "adagrad": lambda p: ug.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
}


def _train(make_optimizer, compiled, *, steps=4, schedule=False, batchnorm=False):
    ug.random.seed(0)
    layers = [ug.nn.Conv2d(1, 3, 3, padding=1)]
    if batchnorm:
        layers.append(ug.nn.BatchNorm2d(3))
    layers += [ug.nn.ReLU(), ug.nn.Dropout(0.25), ug.nn.Flatten(), ug.nn.Linear(3 * 5 * 5, 4)]
    model = ug.nn.Sequential(*layers)
    optimizer = make_optimizer(model.parameters())
    lr_schedule = ug.optim.schedules.StepLR(optimizer, step_size=2, gamma=0.5) if schedule else None
    x, labels = ug.random.normal((6, 1, 5, 5)), ug.asarray(np.arange(6) % 4)
    params = model.parameters()

    def step(x, labels):
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.cross_entropy(model(x), labels)
        optimizer.step(tape.gradient(loss, params))
        return loss

    run = ug.function(step) if compiled else step
    ug.random.seed(1)  # the same dropout masks, drawn inside the graph when compiled
    losses = []
    for _ in range(steps):
        losses.append(float(ug.to_numpy(run(x, labels))))
        if lr_schedule is not None:
            lr_schedule.step()
    state = {k: np.array(ug.to_numpy(v)) for k, v in model.state_dict().items()}
    return np.array(losses), state, optimizer.state_dict()


@pytest.mark.backends("tensorflow")
@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("schedule", [False, True])
def test_compiled_training_step_equals_eager_on_tensorflow(ug_backend, name, schedule):
    eager_losses, eager_state, eager_opt = _train(OPTIMIZERS[name], False, schedule=schedule)
    losses, state, opt = _train(OPTIMIZERS[name], True, schedule=schedule)
    # Adam's bias corrections are float32 in the graph, float64 in Python: a few ulps
    np.testing.assert_allclose(losses, eager_losses, rtol=2e-6)
    for key in eager_state:
        np.testing.assert_allclose(state[key], eager_state[key], rtol=1e-5, atol=1e-6, err_msg=key)
    assert opt["param_groups"][0]["lr"] == eager_opt["param_groups"][0]["lr"]
    steps = [entry.get("step") for entry in opt["state"].values()]
    assert steps == [entry.get("step") for entry in eager_opt["state"].values()]
    assert all(s is None or isinstance(s, int) for s in steps)


@pytest.mark.backends("tensorflow")
def test_batchnorm_statistics_update_inside_the_graph(ug_backend):
    eager_losses, eager_state, _ = _train(OPTIMIZERS["sgd"], False, batchnorm=True)
    losses, state, _ = _train(OPTIMIZERS["sgd"], True, batchnorm=True)
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-5)
    assert state["1.num_batches_tracked"] == eager_state["1.num_batches_tracked"] == 4
    for key in ("1.running_mean", "1.running_var", "5.weight"):
        np.testing.assert_allclose(state[key], eager_state[key], rtol=1e-4, atol=1e-6, err_msg=key)


@pytest.mark.backends("tensorflow")
def test_eager_and_compiled_steps_mix(ug_backend):
    w = ug.nn.Parameter(ug.asarray([1.0, -1.0]))
    optimizer = ug.optim.Adam([w], lr=0.1)

    def step():
        with ug.GradientTape() as tape:
            loss = ug.sum(ug.square(w))
        optimizer.step(tape.gradient(loss, [w]))

    compiled = ug.function(step)
    step()
    compiled()
    step()
    compiled()
    reference = ug.nn.Parameter(ug.asarray([1.0, -1.0]))
    plain = ug.optim.Adam([reference], lr=0.1)
    for _ in range(4):
        with ug.GradientTape() as tape:
            loss = ug.sum(ug.square(reference))
        plain.step(tape.gradient(loss, [reference]))
    np.testing.assert_allclose(ug.to_numpy(w), ug.to_numpy(reference), rtol=1e-5)
    assert optimizer.state_dict()["state"][0]["step"] == 4


@pytest.mark.backends("tensorflow")
def test_a_label_out_of_range_in_a_compiled_fit_is_the_eager_label_error(ug_backend):
    ug.random.seed(0)
    x = np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32)
    y = np.array([0, 1, 2, 7, 0, 1, 2, 0])
    with pytest.raises(ug.LabelError) as compiled:
        ug.fit(ug.nn.Linear(4, 3), x, y, loss="cross_entropy", optimizer="sgd", verbose=0, compile=True)
    with pytest.raises(ug.LabelError) as eager:
        ug.fit(ug.nn.Linear(4, 3), x, y, loss="cross_entropy", optimizer="sgd", verbose=0, compile=False)
    assert str(compiled.value) == str(eager.value)
    assert "label 7 is out of range for 3 classes" in str(compiled.value)


@pytest.mark.backends("tensorflow")
def test_checks_run_inside_the_graph(ug_backend):
    loss = ug.function(lambda logits, labels: ug.nn.functional.cross_entropy(logits, labels))
    assert float(ug.to_numpy(loss(ug.ones((2, 3)), ug.asarray([0, 2])))) == pytest.approx(np.log(3))
    # the graph's assertion fails as TensorFlow's InvalidArgumentError; ug.function makes it the
    # LabelError an eager call raises, with the same text (the bad label named)
    eager = "label 3 is out of range for 3 classes; labels must be in [0, 2]"
    with pytest.raises(ug.LabelError, match=re.escape(f"ug.nn.functional.cross_entropy: {eager}")):
        loss(ug.ones((2, 3)), ug.asarray([0, 3]))
    take = ug.function(lambda x, i: ug.take(x, i, axis=0))
    with pytest.raises(Exception, match=r"ug.take: an index is out of range for axis 0 of size 4"):
        take(ug.arange(4.0), ug.asarray([5]))


def test_run_functions_eagerly(ug_backend):
    seen = []

    @ug.function
    def traced(x):
        seen.append(type(x).__name__)
        return x * 2.0

    ug.config.run_functions_eagerly(True)
    try:
        traced(ug.ones(2))
        traced(ug.ones(2))
    finally:
        ug.config.run_functions_eagerly(False)
    assert len(seen) == 2  # plain Python: the body runs on every call
    assert traced.python_function(ug.ones(1)) is not None


@pytest.mark.backends("torch")
def test_torch_compile_training_step(ug_backend):
    # One compiled test: torch.compile costs seconds per function on a CPU.
    eager_losses, eager_state, _ = _train(OPTIMIZERS["adam"], False, steps=3)
    losses, state, _ = _train(OPTIMIZERS["adam"], True, steps=3)
    np.testing.assert_allclose(losses, eager_losses, rtol=1e-5)
    for key in eager_state:
        np.testing.assert_allclose(state[key], eager_state[key], rtol=1e-4, atol=1e-6, err_msg=key)


@pytest.mark.backends("torch")
def test_torch_compiled_update_mixes_with_eager_and_follows_the_lr(ug_backend):
    """The optimizer update traced into the torch.compile graph: step counts and the learning rate
    are tensors it reads, so eager and compiled steps interleave and a changed lr reaches it."""
    w = ug.nn.Parameter(ug.asarray([1.0, -1.0]))
    optimizer = ug.optim.AdamW([w], lr=0.1, weight_decay=0.5)

    def step():
        with ug.GradientTape() as tape:
            loss = ug.sum(ug.square(w))
        optimizer.step(tape.gradient(loss, [w]))

    compiled = ug.function(step)
    reference = ug.nn.Parameter(ug.asarray([1.0, -1.0]))
    plain = ug.optim.AdamW([reference], lr=0.1, weight_decay=0.5)
    for i, run in enumerate([step, compiled, step, compiled, compiled]):
        if i == 3:
            optimizer.param_groups[0]["lr"] = plain.param_groups[0]["lr"] = 0.05
        run()
        with ug.GradientTape() as tape:
            loss = ug.sum(ug.square(reference))
        plain.step(tape.gradient(loss, [reference]))
        np.testing.assert_allclose(ug.to_numpy(w), ug.to_numpy(reference), rtol=1e-5, err_msg=f"step {i}")
    assert optimizer.state_dict()["state"][0]["step"] == 5
