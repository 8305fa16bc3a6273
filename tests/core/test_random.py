"""ug.random: the same seed gives the same bits on every backend."""

from __future__ import annotations

import numpy as np
import pytest
from support import BACKENDS, host

import unigrad as ug

DRAWS = [
    ("normal", lambda: ug.random.normal((4, 3))),
    ("normal64", lambda: ug.random.normal((5,), mean=2.0, std=0.5, dtype=ug.float64)),
    ("normal16", lambda: ug.random.normal((5,), dtype=ug.bfloat16)),
    ("uniform", lambda: ug.random.uniform((7,), low=-1.0, high=3.0)),
    ("randint", lambda: ug.random.randint(0, 10, (6,), dtype=ug.int32)),
    ("permutation", lambda: ug.random.permutation(9)),
    ("permute-tensor", lambda: ug.random.permutation(ug.reshape(ug.arange(12), (6, 2)))),
    ("bernoulli", lambda: ug.random.bernoulli(0.3, (10,))),
    ("bernoulli-tensor", lambda: ug.random.bernoulli(ug.asarray([0.0, 1.0, 0.5]), dtype=ug.float32)),
]


@pytest.mark.parametrize(("name", "draw"), DRAWS, ids=[d[0] for d in DRAWS])
def test_same_seed_same_bits_on_every_backend(name, draw):
    results = []
    for backend in BACKENDS:
        with ug.use_backend(backend):
            ug.random.seed(1234)
            first = host(draw())
            ug.random.seed(1234)
            second = host(draw())
        np.testing.assert_array_equal(first, second)
        results.append(first)
    for other in results[1:]:
        assert other.dtype == results[0].dtype
        assert other.tobytes() == results[0].tobytes()


def test_different_seeds_differ():
    ug.random.seed(1)
    a = ug.to_numpy(ug.random.normal((8,)))
    ug.random.seed(2)
    assert not np.array_equal(a, ug.to_numpy(ug.random.normal((8,))))


def test_state_round_trip_and_generators_are_independent():
    ug.random.seed(5)
    state = ug.random.get_state()
    a = ug.to_numpy(ug.random.uniform((4,)))
    other = ug.random.Generator(5)
    other.uniform((100,))  # drawing from another generator does not move the default one
    ug.random.set_state(state)
    np.testing.assert_array_equal(a, ug.to_numpy(ug.random.uniform((4,))))


def test_distributions_look_right(ug_backend):
    ug.random.seed(0)
    normal = ug.to_numpy(ug.random.normal((20000,), mean=1.0, std=2.0))
    assert abs(normal.mean() - 1.0) < 0.05 and abs(normal.std() - 2.0) < 0.05
    uniform = ug.to_numpy(ug.random.uniform((20000,), low=2.0, high=4.0))
    assert uniform.min() >= 2.0 and uniform.max() < 4.0 and abs(uniform.mean() - 3.0) < 0.02
    integers = ug.to_numpy(ug.random.randint(3, 7, (1000,)))
    assert set(integers.tolist()) == {3, 4, 5, 6} and integers.dtype == np.int64
    coins = ug.to_numpy(ug.random.bernoulli(0.25, (20000,)))
    assert coins.dtype == np.bool_ and abs(coins.mean() - 0.25) < 0.02
    assert sorted(ug.to_numpy(ug.random.permutation(10)).tolist()) == list(range(10))


def test_bad_arguments():
    with pytest.raises(ug.DTypeError, match="expected a floating-point dtype, got int32"):
        ug.random.normal((2,), dtype=ug.int32)
    with pytest.raises(ValueError, match="randint needs low < high, got low=3, high=3"):
        ug.random.randint(3, 3)
    with pytest.raises(ValueError, match="probabilities in"):
        ug.random.bernoulli(1.5, (2,))
