"""module.to_native(): a torch.nn.Module or keras.Model over the same parameters, for native tools."""

from __future__ import annotations

import copy

import keras
import numpy as np
import pytest
import tensorflow as tf
import torch

import unigrad as ug

rng = np.random.default_rng(0)


def make_model(dtype=None):
    ug.random.seed(0)
    return ug.nn.Sequential(
        ug.nn.Linear(4, 8, dtype=dtype),
        ug.nn.BatchNorm1d(8, dtype=dtype),
        ug.nn.ReLU(),
        ug.nn.Linear(8, 2, dtype=dtype),
    )


def data(n=16):
    return rng.standard_normal((n, 4)).astype(np.float32), rng.standard_normal((n, 2)).astype(np.float32)


@pytest.mark.backends("torch")
def test_torch_native_shares_and_trains_with_torch_optim(ug_backend):
    model = make_model()
    twin = copy.deepcopy(model)
    native = model.to_native()
    assert isinstance(native, torch.nn.Module) and ug.nn.from_torch(native) is model
    assert all(a is b for a, b in zip(native.parameters(), model.parameters()))
    assert list(native.state_dict()) == list(model.state_dict())
    native.eval()
    assert not model.training and not model[1].training
    native.train()
    opt = torch.optim.SGD(native.parameters(), lr=0.1, momentum=0.9)
    ug_opt = ug.optim.SGD(twin.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        x, y = (torch.from_numpy(a) for a in data())
        opt.zero_grad()
        ((native(x) - y) ** 2).mean().backward()
        opt.step()
        with ug.GradientTape() as tape:
            loss = ug.mean((twin(x) - y) ** 2)
        ug_opt.step(tape.gradient(loss, twin.parameters()))
    for (key, a), b in zip(model.state_dict().items(), twin.state_dict().values()):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7, err_msg=key)
    assert native[1].running_mean is model[1].running_mean  # BatchNorm's new statistics, seen by both


@pytest.mark.backends("torch")
def test_torch_native_compiles_and_exports(ug_backend, tmp_path):
    model = make_model()
    native = model.to_native().eval()
    x = torch.from_numpy(data()[0])
    expected = model(x).detach()
    compiled = torch.compile(native, backend="aot_eager")
    torch.testing.assert_close(compiled(x), expected)
    program = torch.export.export(native, (x,))
    assert set(program.graph_signature.parameters) == {k for k, _ in model.named_parameters()}
    torch.export.save(program, str(tmp_path / "model.pt2"))
    torch.testing.assert_close(torch.export.load(str(tmp_path / "model.pt2")).module()(x), expected)
    assert model[0].weight is native[0].weight  # tracing left the unigrad module as it was
    torch.testing.assert_close(model(x), expected)
    # torch's own DistributedDataParallel over the native module: tests/distribute/test_ddp_torch.py


@pytest.mark.backends("tensorflow")
def test_keras_native_shares_and_fits(ug_backend):
    model = make_model()
    native = model.to_native()
    assert isinstance(native, keras.Model) and ug.nn.from_keras(native) is model
    assert all(v.value is p for v, p in zip(native.trainable_variables, model.parameters()))
    assert len(native.non_trainable_variables) == 3  # BatchNorm's statistics and count
    x, y = data(32)
    weight, stats = model[0].weight.numpy().copy(), model[1].running_mean.numpy().copy()
    native.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = native.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert not np.allclose(model[0].weight.numpy(), weight) and not np.allclose(
        model[1].running_mean.numpy(), stats
    )


@pytest.mark.backends("tensorflow")
def test_keras_native_in_tf_function_and_saved_model(ug_backend, tmp_path):
    model = make_model().eval()
    native = model.to_native()
    x = data(8)[0]
    expected = ug.to_numpy(model(ug.asarray(x)))
    np.testing.assert_allclose(tf.function(native)(x).numpy(), expected, rtol=1e-6)
    native.serve = tf.function(lambda t: native(t, training=False), input_signature=[tf.TensorSpec((8, 4))])
    tf.saved_model.save(native, str(tmp_path / "saved"))
    loaded = tf.saved_model.load(str(tmp_path / "saved"))
    np.testing.assert_allclose(loaded.serve(x).numpy(), expected, rtol=1e-6)
    assert model.training is False  # Keras' training flag set it only for the call


def test_wrapped_models_round_trip(ug_backend):
    net = torch.nn.Linear(3, 2)
    assert ug.nn.from_torch(net).to_native() is net
    layer = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert ug.nn.from_keras(layer).to_native() is layer
    model = make_model()
    assert model.to_native().__class__ is model.to_native().__class__  # one class per framework
    again = (
        ug.nn.from_torch(model.to_native()) if ug_backend == "torch" else ug.nn.from_keras(model.to_native())
    )
    assert again is model


def test_a_wrapped_module_inside_is_handed_over_as_itself():
    inner = torch.nn.Linear(3, 3)
    with ug.use_backend("torch"):
        model = ug.nn.Sequential(ug.nn.Linear(2, 3), ug.nn.from_torch(inner), ug.nn.ReLU())
    native = model.to_native()
    assert native[1] is inner
    assert [n for n, _ in native.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    x = torch.randn(4, 2)
    torch.testing.assert_close(native(x), model(x))
    with ug.use_backend("tensorflow"):
        mixed = ug.nn.Sequential(ug.nn.Linear(2, 3), ug.nn.from_torch(torch.nn.Linear(3, 3)))
    with pytest.raises(ug.UnigradError, match="each framework's part"):
        mixed.to_native()
