"""ug.models.load_keras_weights: a Keras model's weights (and its .weights.h5 file) in a ug model of the same architecture."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from support import BACKENDS

import unigrad as ug

rng = np.random.default_rng(5)


def keras_lenet():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(6, 5, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(16, 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(120, activation="relu"),
            keras.layers.Dense(84, activation="relu"),
            keras.layers.Dense(10),
        ]
    )


def test_lenet_from_a_keras_weights_file(tmp_path):
    source = keras_lenet()
    path = tmp_path / "lenet.weights.h5"
    source.save_weights(str(path))
    images = rng.standard_normal((2, 28, 28, 1)).astype(np.float32)
    want = np.asarray(source(images))
    target = keras_lenet()  # a fresh model of the architecture: its own random weights until the file loads
    for backend in BACKENDS:
        with ug.use_backend(backend):
            model = ug.models.LeNet()
            result = ug.models.load_keras_weights(model, target, path)
            assert result.missing_keys == [] and result.unexpected_keys == []
            got = ug.to_numpy(model(ug.asarray(images.transpose(0, 3, 1, 2))))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=backend)


def test_mlp_with_batchnorm_and_mismatches():
    source = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8),
            keras.layers.BatchNormalization(epsilon=1e-5),
            keras.layers.Dense(2),
        ]
    )
    source.layers[1].moving_mean.assign(rng.standard_normal(8).astype(np.float32))
    x = rng.standard_normal((3, 4)).astype(np.float32)
    model = ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.BatchNorm1d(8), ug.nn.Linear(8, 2)).eval()
    assert ug.models.load_keras_weights(model, source).missing_keys == ["1.num_batches_tracked"]
    np.testing.assert_allclose(
        ug.to_numpy(model(ug.asarray(x))), np.asarray(source(x, training=False)), atol=1e-5
    )
    with pytest.raises(ug.StateDictError, match="epsilon"):
        ug.models.load_keras_weights(
            ug.nn.Sequential(ug.nn.Linear(4, 8), ug.nn.BatchNorm1d(8, eps=1e-3), ug.nn.Linear(8, 2)), source
        )
    with pytest.raises(ug.StateDictError, match="weighted layers"):
        ug.models.load_keras_weights(ug.models.MLP(4, [8], 2), source)
