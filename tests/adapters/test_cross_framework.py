"""A PyTorch module under the TensorFlow backend and a Keras model under the torch backend: outputs,
gradients against finite differences, and a mixed model that trains end to end."""

from __future__ import annotations

import copy

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import unigrad as ug

rng = np.random.default_rng(0)


def finite_differences(loss, tensors, read, write, eps=1e-6):
    """Central differences of ``loss()`` with respect to each tensor, through ``read``/``write``."""
    found = []
    for tensor in tensors:
        value = read(tensor)
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            for sign in (1, -1):
                moved = value.copy()
                moved[index] += sign * eps
                write(tensor, moved)
                grad[index] += sign * loss() / (2 * eps)
            write(tensor, value)
        found.append(grad)
    return found


def torch_read(p):
    return p.detach().numpy().copy()


def torch_write(p, value):
    with torch.no_grad():
        p.copy_(torch.from_numpy(value))


def test_torch_module_under_tensorflow_matches_finite_differences():
    torch.manual_seed(0)
    with ug.use_backend("tensorflow"):
        ug.random.seed(0)
        tail = ug.nn.Linear(3, 4, dtype=ug.float64)
        middle = ug.nn.from_torch(torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Tanh()).double())
        head = ug.nn.Linear(5, 1, dtype=ug.float64)
        x = tf.Variable(rng.standard_normal((6, 3)))

        def loss():
            return ug.sum(head(middle(tail(x))) ** 2)

        y = middle(tail(x))
        assert isinstance(y, tf.Tensor)  # TensorFlow in, TensorFlow out
        tf_sources = [x, *tail.parameters(), *head.parameters()]
        with ug.GradientTape() as tape:
            value = loss()
        tf_grads = tape.gradient(value, tf_sources)
        torch_grads = middle.take_gradients()
        assert middle.take_gradients() == [None, None]  # taken: zero again

        def tf_write(v, value):
            v.assign(value)

        expected = finite_differences(lambda: float(loss()), tf_sources, lambda v: v.numpy().copy(), tf_write)
        for got, want in zip(tf_grads, expected):
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-8)
        expected = finite_differences(lambda: float(loss()), middle.parameters(), torch_read, torch_write)
        for got, want in zip(torch_grads, expected):
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-8)


def test_keras_model_under_torch_matches_finite_differences():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((3,), dtype="float64"),
            keras.layers.Dense(4, activation="tanh", dtype="float64"),
            keras.layers.Dense(2, dtype="float64"),
        ]
    )
    part = ug.nn.from_keras(model)
    with ug.use_backend("torch"):
        ug.random.seed(0)
        head = ug.nn.Linear(2, 1, dtype=ug.float64)
        x = torch.tensor(rng.standard_normal((5, 3)), requires_grad=True)

        def loss():
            return ug.sum(head(part(x)) ** 2)

        torch_sources = [x, *head.parameters()]
        torch_grads = torch.autograd.grad(loss(), torch_sources)
        keras_grads = part.take_gradients()
        assert all(isinstance(g, tf.Tensor) for g in keras_grads)
        with torch.no_grad():
            expected = finite_differences(lambda: float(loss()), torch_sources, torch_read, torch_write)
            for got, want in zip(torch_grads, expected):
                np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-8)
            expected = finite_differences(
                lambda: float(loss()),
                part.parameters(),
                lambda v: v.numpy().copy(),
                lambda v, value: v.assign(value),
            )
        for got, want in zip(keras_grads, expected):
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-8)


def test_mixed_model_trains_end_to_end_as_a_pure_torch_one():
    """TF layers around a torch block, two optimizers; the same model written in torch alone, one optimizer."""
    torch.manual_seed(1)
    block = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU())
    with ug.use_backend("tensorflow"):
        ug.random.seed(1)
        tail, head = ug.nn.Linear(4, 8), ug.nn.Linear(8, 1)
        middle = ug.nn.from_torch(block)
        reference = [copy.deepcopy(block)]
        for layer in (tail, head):
            twin = torch.nn.Linear(*reversed(tuple(layer.weight.shape)))
            twin.load_state_dict(
                {k: torch.from_numpy(ug.to_numpy(v).copy()) for k, v in layer.state_dict().items()}
            )
            reference.append(twin)
        pure = torch.nn.Sequential(reference[1], reference[0], reference[2])
        tf_opt = ug.optim.SGD([*tail.parameters(), *head.parameters()], lr=0.05, momentum=0.9)
        torch_opt = ug.optim.SGD(middle.parameters(), lr=0.05, momentum=0.9)
        pure_opt = torch.optim.SGD(pure.parameters(), lr=0.05, momentum=0.9)
        x = rng.standard_normal((32, 4)).astype(np.float32)
        y = (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)
        losses = []
        for _ in range(20):
            with ug.GradientTape() as tape:
                loss = ug.mean((head(middle(tail(ug.asarray(x)))) - y) ** 2)
            tf_opt.step(tape.gradient(loss, tf_opt.param_groups[0]["params"]))
            torch_opt.step(middle.take_gradients())
            pure_opt.zero_grad()
            pure_loss = ((pure(torch.from_numpy(x)) - torch.from_numpy(y)) ** 2).mean()
            pure_loss.backward()
            pure_opt.step()
            losses.append(float(loss))
            np.testing.assert_allclose(float(loss), pure_loss.item(), rtol=1e-4)
        assert losses[-1] < 0.5 * losses[0]
        for a, b in zip(block.parameters(), reference[0].parameters()):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(
            head.weight.numpy(), reference[2].weight.detach().numpy(), rtol=1e-4, atol=1e-5
        )


def test_structures_numpy_and_graph_refusal():
    class Pair(torch.nn.Module):
        def forward(self, inputs, scale=1.0):
            a, b = inputs["a"], inputs["b"]
            return {"sum": (a + b) * scale, "count": a.shape[0]}

    wrapped = ug.nn.from_torch(Pair())
    with ug.use_backend("tensorflow"):
        out = wrapped({"a": tf.ones((2, 3)), "b": np.ones((2, 3), np.float32)}, scale=2.0)
        assert isinstance(out["sum"], tf.Tensor) and out["count"] == 2
        np.testing.assert_array_equal(out["sum"].numpy(), np.full((2, 3), 4.0))
        assert isinstance(
            wrapped({"a": np.ones((1, 1), np.float32), "b": np.ones((1, 1), np.float32)})["sum"], tf.Tensor
        )

        @ug.function
        def traced(t):
            return wrapped({"a": t, "b": t})["sum"]

        with pytest.raises(ug.adapters.CrossFrameworkError, match="eagerly"):
            traced(tf.ones((1, 1)))
