"""examples/digits.py reaches 97% test accuracy on every backend, with the same curve."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

import unigrad as ug

pytest.importorskip("sklearn")
EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "digits.py"


def _example():
    spec = importlib.util.spec_from_file_location("digits_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_digits_convnet_on_every_backend():
    digits = _example()
    saved = ug.config._state.default
    try:
        histories = {
            backend: digits.train(backend, epochs=15, verbose=False) for backend in ug.available_backends()
        }
    finally:
        ug.config._state.default = saved
    for backend, history in histories.items():
        assert history[-1]["test_accuracy"] >= 0.97, (backend, history[-1])
    curves = [np.array([record["loss"] for record in history]) for history in histories.values()]
    # float32 kernels differ in the last bits and training amplifies it slowly:
    # the curves agree closely at first and stay within a few percent (or a few
    # thousandths, a tenth of a percent of the first loss, once the loss is small)
    for curve in curves[1:]:
        np.testing.assert_allclose(curve[:5], curves[0][:5], rtol=2e-3)
        np.testing.assert_allclose(curve, curves[0], rtol=3e-2, atol=3e-3)
