"""ug.nn.from_keras: shared variables, Keras' names, the training flag, BatchNorm statistics, and training
identical to Keras' own."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import unigrad as ug

pytestmark = pytest.mark.backends("tensorflow")
rng = np.random.default_rng(0)


def mlp(batchnorm=False):
    layers = [keras.Input((4,)), keras.layers.Dense(8, activation="relu", name="hidden")]
    if batchnorm:
        layers.append(keras.layers.BatchNormalization(name="norm"))
    layers.append(keras.layers.Dense(2, name="out"))
    return keras.Sequential(layers, name="net")


def test_variables_names_and_flag(ug_backend):
    model = mlp(batchnorm=True)
    wrapped = ug.nn.from_keras(model)
    assert [n for n, _ in wrapped.named_parameters()] == [
        "hidden.kernel",
        "hidden.bias",
        "norm.gamma",
        "norm.beta",
        "out.kernel",
        "out.bias",
    ]
    assert [n for n, _ in wrapped.named_buffers()] == ["norm.moving_mean", "norm.moving_variance"]
    assert all(p is v.value for p, v in zip(wrapped.parameters(), model.trainable_weights))
    assert all(isinstance(p, tf.Variable) for p in wrapped.parameters())
    x = rng.standard_normal((32, 4)).astype(np.float32) * 3 + 1
    wrapped.eval()
    before = model.get_layer("norm").moving_mean.numpy().copy()
    wrapped(ug.asarray(x))
    np.testing.assert_array_equal(
        model.get_layer("norm").moving_mean.numpy(), before
    )  # eval: statistics stay
    wrapped.train()
    with ug.GradientTape() as tape:
        loss = ug.mean(wrapped(ug.asarray(x)) ** 2)
    grads = tape.gradient(loss, wrapped.parameters())
    assert all(g is not None for g in grads)
    assert not np.allclose(model.get_layer("norm").moving_mean.numpy(), before)  # training: they move
    assert wrapped.to_native() is model


def test_trains_as_keras_trains(ug_backend):
    model = mlp()
    reference = mlp()
    reference.set_weights(model.get_weights())
    wrapped = ug.nn.from_keras(model)
    opt = ug.optim.SGD(wrapped.parameters(), lr=0.05, momentum=0.9)
    keras_opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    for _ in range(5):
        x = rng.standard_normal((16, 4)).astype(np.float32)
        y = rng.standard_normal((16, 2)).astype(np.float32)
        with ug.GradientTape() as tape:
            loss = ug.mean((wrapped(ug.asarray(x)) - y) ** 2)
        opt.step(tape.gradient(loss, wrapped.parameters()))
        with tf.GradientTape() as tape:
            keras_loss = tf.reduce_mean((reference(x, training=True) - y) ** 2)
        weights = reference.trainable_weights
        keras_opt.apply_gradients(zip(tape.gradient(keras_loss, weights), weights))
    for ours, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_state_dict_round_trip_and_buffers(ug_backend):
    model = mlp(batchnorm=True)
    wrapped = ug.nn.from_keras(model)
    state = {k: ug.to_numpy(v) + 1 for k, v in wrapped.state_dict().items()}
    wrapped.load_state_dict(state)
    np.testing.assert_array_equal(
        model.get_layer("norm").moving_variance.numpy(), state["norm.moving_variance"]
    )
    np.testing.assert_array_equal(model.get_layer("out").kernel.numpy(), state["out.kernel"])


def test_keras_applications_mobilenet_wraps_and_trains_one_step(ug_backend):
    keras.utils.set_random_seed(0)
    net = keras.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=4)
    wrapped = ug.nn.from_keras(net)
    assert len(wrapped.parameters()) == len(net.trainable_weights) and len(wrapped.buffers()) > 0
    opt = ug.optim.SGD(wrapped.parameters(), lr=0.01)
    x = ug.asarray(rng.standard_normal((4, 32, 32, 3)).astype(np.float32))
    labels = ug.asarray(np.array([[0], [1], [2], [3]]))
    kernel = wrapped.parameters()[0].numpy().copy()
    stats = wrapped.buffers()[0].numpy().copy()
    with ug.GradientTape() as tape:
        probabilities = wrapped(x)  # softmax outputs
        loss = -ug.mean(ug.log(ug.take_along_axis(probabilities, labels, axis=1)))
    grads = tape.gradient(loss, wrapped.parameters())
    assert all(g is not None for g in grads)
    opt.step(grads)
    assert not np.allclose(wrapped.parameters()[0].numpy(), kernel)
    assert not np.allclose(wrapped.buffers()[0].numpy(), stats)


def test_unbuilt_models_and_refusals(ug_backend):
    with pytest.raises(ug.UnigradError, match="input_shape"):
        ug.nn.from_keras(keras.layers.Dense(3))
    wrapped = ug.nn.from_keras(keras.layers.Dense(3), input_shape=(None, 2))
    assert [n for n, _ in wrapped.named_parameters()] == ["kernel", "bias"]
    with pytest.raises(TypeError, match="from_torch"):
        ug.nn.from_keras(object())
    with pytest.raises(ug.UnigradError, match="cannot move"):
        wrapped.to_backend("torch")


KERAS_ON_TORCH = """
import numpy as np, torch, keras, unigrad as ug
assert keras.backend.backend() == "torch"
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.BatchNormalization(), keras.layers.Dense(2)])
wrapped = ug.nn.from_keras(model)
assert wrapped.framework == "torch"
assert all(p is v.value for p, v in zip(wrapped.parameters(), model.trainable_weights))
opt = ug.optim.SGD(wrapped.parameters(), lr=0.1)
x, y = torch.randn(16, 4), torch.randn(16, 2)
stats = model.layers[1].moving_mean.numpy().copy()
losses = []
for _ in range(3):
    with ug.GradientTape() as tape:
        loss = ug.mean((wrapped(x) - y) ** 2)
    opt.step(tape.gradient(loss, wrapped.parameters()))
    losses.append(loss.item())
assert losses[-1] < losses[0], losses
assert not np.allclose(model.layers[1].moving_mean.numpy(), stats)
print("ok")
"""


def test_a_keras_model_on_keras_torch_backend_wraps_as_a_torch_side_module():
    import os
    import subprocess
    import sys

    env = {**os.environ, "KERAS_BACKEND": "torch"}
    done = subprocess.run(
        [sys.executable, "-c", KERAS_ON_TORCH],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]
