"""What ug.fit / evaluate / predict take: NumPy, tensors of either backend, DataLoader, tf.data;
validation data and split, seeded shuffling, the last batch, several inputs."""

from __future__ import annotations

import numpy as np
import pytest
from fit_support import INSTALLED, Recorder, assert_history_close, id_data, mlp, quiet_fit, regression

import unigrad as ug


def fit_history(backend, x, y=None, **options):
    options = {"epochs": 2, "batch_size": 8, "shuffle": False, **options}
    return quiet_fit(mlp(backend), x, y, **options).history


@pytest.mark.parametrize("source", INSTALLED)
def test_tensors_of_either_backend_train_as_numpy_does(ug_backend, source):
    x, y = regression(20)
    with ug.use_backend(source):
        tx, ty = ug.asarray(x), ug.asarray(y)
    assert_history_close(fit_history(ug_backend, tx, ty), fit_history(ug_backend, x, y), rtol=1e-6)


def test_torch_dataloader(ug_backend):
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader, TensorDataset

    x, y = regression(20)
    loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=8, shuffle=False)
    expected = fit_history(ug_backend, x, y, validation_data=(x[:5], y[:5]))
    got = fit_history(
        ug_backend,
        loader,
        validation_data=DataLoader(TensorDataset(torch.from_numpy(x[:5]), torch.from_numpy(y[:5]))),
    )
    assert_history_close(got, expected, rtol=1e-6)
    with pytest.raises(ValueError, match="y must be None"):
        fit_history(ug_backend, loader, y)
    with pytest.raises(ValueError, match="validation_split needs arrays"):
        fit_history(ug_backend, loader, validation_split=0.2)


def test_tf_data_dataset(ug_backend):
    tf = pytest.importorskip("tensorflow")
    x, y = regression(20)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    assert_history_close(fit_history(ug_backend, dataset), fit_history(ug_backend, x, y), rtol=1e-6)
    predicted = ug.predict(mlp(ug_backend), dataset, compile=False)  # (x, y) batches: y is ignored
    np.testing.assert_allclose(
        ug.to_numpy(predicted), ug.to_numpy(ug.predict(mlp(ug_backend), x, compile=False)), rtol=1e-6
    )


def test_a_reiterable_of_batches_is_a_loader_and_a_one_shot_iterator_is_refused(ug_backend):
    x, y = regression(16)
    batches = [(x[:8], y[:8]), (x[8:], y[8:])]
    loader = _Batches(batches)
    assert_history_close(fit_history(ug_backend, loader), fit_history(ug_backend, x, y))
    assert loader.iterations == 2  # once per epoch
    with pytest.raises(TypeError, match="one-shot iterator"):
        fit_history(ug_backend, iter(batches))


class _Batches:
    def __init__(self, batches):
        self.batches, self.iterations = batches, 0

    def __iter__(self):
        self.iterations += 1
        return iter(self.batches)


def test_validation_split_takes_the_last_samples_before_shuffling(ug_backend):
    x, y = id_data(10)
    with ug.use_backend(ug_backend):
        model = Recorder()
    history = quiet_fit(model, x, y, epochs=2, batch_size=3, validation_split=0.25, seed=0)
    # Keras' rule: floor(10 * 0.75) = 7 samples train, the last 3 validate
    trained = model.ids(training=True)
    assert sorted(np.concatenate(trained[:3])) == list(range(7)) == sorted(np.concatenate(trained[3:]))
    assert [len(ids) for ids in trained] == [3, 3, 1, 3, 3, 1]
    assert model.ids(training=False) == [[7, 8, 9], [7, 8, 9]]
    assert "val_loss" in history.history
    with pytest.raises(ValueError, match="both need at least one"):
        quiet_fit(model, x[:2], y[:2], validation_split=0.6)  # floor(2 * 0.4) = 0 left to train


def test_shuffling_is_seeded_and_the_same_on_every_backend():
    x, y = id_data(10)
    orders = {}
    for backend in INSTALLED:
        for seed in (1, 2):
            with ug.use_backend(backend):
                model = Recorder()
            quiet_fit(model, x, y, epochs=2, batch_size=4, seed=seed)
            orders[backend, seed] = np.concatenate(model.ids(training=True)).tolist()
    rng = np.random.default_rng(1)
    expected = np.concatenate([rng.permutation(10), rng.permutation(10)]).tolist()
    for backend in INSTALLED:
        assert orders[backend, 1] == expected
        assert orders[backend, 2] != expected
    with ug.use_backend(INSTALLED[0]):
        model = Recorder()
    quiet_fit(model, x, y, batch_size=4, shuffle=False)
    assert model.ids(training=True) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]  # the last batch is partial


def test_ug_random_seed_fixes_the_order_without_a_seed(ug_backend):
    x, y = id_data(8)
    runs = []
    for _ in range(2):
        with ug.use_backend(ug_backend):
            model = Recorder()
        ug.random.seed(11)
        quiet_fit(model, x, y, batch_size=8)
        runs.append(model.ids(training=True))
    assert runs[0] == runs[1]


class TwoInputs(ug.nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = ug.nn.Linear(3, 1), ug.nn.Linear(2, 1)

    def forward(self, left, right):
        return self.a(left) + self.b(right)


def test_several_inputs_as_a_tuple_or_a_dict(ug_backend):
    rng = np.random.default_rng(0)
    left, right = rng.standard_normal((12, 3)), rng.standard_normal((12, 2))  # float64: cast to float32
    y = rng.standard_normal((12, 1)).astype(np.float32)
    histories = []
    for x in ((left, right), {"left": left, "right": right}):
        with ug.use_backend(ug_backend):
            ug.random.seed(0)
            model = TwoInputs()
        histories.append(quiet_fit(model, x, y, batch_size=5, seed=0).history)
        out = ug.predict(model, x, batch_size=5, compile=False)
        assert tuple(out.shape) == (12, 1) and out.dtype == ug.float32
    assert_history_close(histories[0], histories[1], rtol=0, atol=0)


def test_samples_must_agree(ug_backend):
    x, y = regression(10)
    with pytest.raises(ug.ShapeError, match="same number of samples"):
        fit_history(ug_backend, x, y[:9])
    with pytest.raises(TypeError, match="needs x"):
        ug.fit(mlp(ug_backend), loss="mse", optimizer="sgd")
