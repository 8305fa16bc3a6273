"""``ug.nn.init``'s in-place API against ``torch.nn.init``.

Random initializers: the same distribution as torch's (mean, standard
deviation, bounds) and, for one seed, bit-identical values on every backend.
Deterministic ones (``constant_``, ``eye_``, ``dirac_``, ``calculate_gain``,
the fans): exactly torch's. And PyTorch's DCGAN ``weights_init`` runs unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from support import BACKENDS

import unigrad as ug
from unigrad.nn import init

# (name, arguments after the tensor, hard bounds or None): every random initializer
FAN_IN, FAN_OUT = 32 * 9, 96 * 9
RANDOM = [
    ("uniform_", (-0.3, 0.7), (-0.3, 0.7)),
    ("normal_", (0.5, 0.2), None),
    ("trunc_normal_", (0.1, 1.0, -1.5, 0.8), (-1.5, 0.8)),
    ("trunc_normal_", (0.0, 0.02), None),  # ViT's: the bounds (±2) hardly bite
    ("trunc_normal_", (0.0, 1.0, 3.0, 3.5), (3.0, 3.5)),  # a narrow window far in the tail
    (
        "xavier_uniform_",
        (1.5,),
        (-1.5 * math.sqrt(6 / (FAN_IN + FAN_OUT)), 1.5 * math.sqrt(6 / (FAN_IN + FAN_OUT))),
    ),
    ("xavier_normal_", (), None),
    ("kaiming_uniform_", (), (-math.sqrt(6 / FAN_IN), math.sqrt(6 / FAN_IN))),
    ("kaiming_uniform_", (math.sqrt(5),), (-1 / math.sqrt(FAN_IN), 1 / math.sqrt(FAN_IN))),
    ("kaiming_normal_", (0, "fan_out", "relu"), None),
    ("orthogonal_", (2.0,), None),
    ("sparse_", (0.3,), None),
]
SHAPE = (96, 32, 3, 3)


def shape_for(name):
    return (400, 300) if name == "sparse_" else SHAPE


def drawn(backend, name, args, seed=0, dtype=ug.float32):
    with ug.use_backend(backend):
        ug.random.seed(seed)
        p = ug.nn.Parameter(ug.zeros(shape_for(name), dtype=dtype))
        assert getattr(init, name)(p, *args) is p
        return np.array(ug.to_numpy(p))


@pytest.mark.filterwarnings("ignore:mean is more than 2 std")  # torch's, for the far tail window
@pytest.mark.parametrize("name, args, bounds", RANDOM, ids=[f"{n}{a}" for n, a, _ in RANDOM])
def test_random_initializers_follow_torchs_distribution_and_the_seed(name, args, bounds):
    ours = {backend: drawn(backend, name, args) for backend in BACKENDS}
    first = ours[BACKENDS[0]]
    for backend, values in ours.items():
        assert values.tobytes() == first.tobytes(), f"{name}: {backend} differs from {BACKENDS[0]}"
    theirs = torch.zeros(shape_for(name))
    torch.manual_seed(0)
    getattr(torch.nn.init, name)(theirs, *args)
    theirs = theirs.numpy()
    scale = theirs.std() or 1.0
    assert abs(first.mean() - theirs.mean()) < 0.03 * scale + 1e-6, name
    assert abs(first.std() - theirs.std()) < 0.03 * scale, name
    if bounds is not None:  # within the bounds, and (as torch's) nearly meeting them
        low, high = bounds
        assert low - 1e-6 <= first.min() <= low + 0.02 * (high - low), name
        assert high - 0.02 * (high - low) <= first.max() <= high + 1e-6, name
        assert low - 1e-6 <= theirs.min() and theirs.max() <= high + 1e-6, name
    assert (first == 0).mean() == pytest.approx((theirs == 0).mean(), abs=0.01), name
    if name == "orthogonal_":
        flat = first.reshape(first.shape[0], -1) / args[0]
        np.testing.assert_allclose(flat @ flat.T, np.eye(flat.shape[0]), atol=1e-5)


def test_same_seed_same_values_in_float64_and_with_a_generator():
    for backend in BACKENDS:
        with ug.use_backend(backend):
            p = ug.nn.Parameter(ug.zeros((5, 4), dtype=ug.float64))
            init.normal_(p, generator=ug.random.Generator(7))
            q = ug.nn.Parameter(ug.zeros((5, 4), dtype=ug.float64))
            init.normal_(q, generator=ug.random.Generator(7))
            assert ug.to_numpy(p).dtype == np.float64
            np.testing.assert_array_equal(ug.to_numpy(p), ug.to_numpy(q))
    assert drawn(BACKENDS[0], "xavier_normal_", (), dtype=ug.float64).tobytes() == (
        drawn(BACKENDS[-1], "xavier_normal_", (), dtype=ug.float64).tobytes()
    )


@pytest.mark.parametrize(
    "name, shape, args",
    [
        ("constant_", (3, 4), (0.25,)),
        ("ones_", (2, 3, 2), ()),
        ("zeros_", (4,), ()),
        ("eye_", (3, 5), ()),
        ("eye_", (5, 3), ()),
        ("dirac_", (4, 3, 3), ()),
        ("dirac_", (6, 2, 3, 4), (2,)),
        ("dirac_", (4, 4, 3, 3, 3), (4,)),
    ],
)
def test_deterministic_initializers_equal_torchs(ug_backend, name, shape, args):
    p = ug.nn.Parameter(ug.full(shape, 7.0))
    assert getattr(init, name)(p, *args) is p
    expected = getattr(torch.nn.init, name)(torch.full(shape, 7.0), *args).numpy()
    np.testing.assert_array_equal(ug.to_numpy(p), expected)


def test_calculate_gain_and_fans_equal_torchs():
    for nonlinearity in [
        "linear",
        "conv2d",
        "conv_transpose3d",
        "sigmoid",
        "tanh",
        "relu",
        "selu",
        "leaky_relu",
    ]:
        assert init.calculate_gain(nonlinearity) == torch.nn.init.calculate_gain(nonlinearity), nonlinearity
    for slope in (0, 0.2, 3):
        assert init.calculate_gain("leaky_relu", slope) == torch.nn.init.calculate_gain("leaky_relu", slope)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)
    for shape in [(3, 4), (8, 2, 3), (6, 4, 3, 5), (2, 3, 1, 1, 2)]:
        assert init._calculate_fan_in_and_fan_out(ug.zeros(shape)) == (
            torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))
        )
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ug.zeros(3))


def test_bad_arguments_are_refused(ug_backend):
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(ug.nn.Parameter(ug.zeros((2, 2, 2))))
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        init.dirac_(ug.nn.Parameter(ug.zeros((2, 2))))
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(ug.nn.Parameter(ug.zeros((3, 2, 3))), groups=2)
    with pytest.raises(ValueError, match="fan_in, fan_out"):
        init.kaiming_normal_(ug.nn.Parameter(ug.zeros((2, 2))), mode="fan_middle")
    with pytest.raises(ug.DTypeError, match="floating-point"):
        init.normal_(ug.nn.Parameter(ug.zeros((2, 2), dtype=ug.int32), trainable=False))


def test_an_initializer_writes_through_every_holder_and_records_nothing(ug_backend):
    layer = ug.nn.Linear(3, 2)
    model = ug.nn.Sequential(layer, ug.nn.ReLU())
    with ug.GradientTape() as tape:
        init.constant_(layer.weight, 0.5)
        out = ug.sum(model(ug.ones((1, 3))))
    np.testing.assert_array_equal(
        ug.to_numpy(model.state_dict()["0.weight"]), np.full((2, 3), 0.5, np.float32)
    )
    (grad,) = tape.gradient(out, [layer.weight])
    assert grad is not None and isinstance(layer.weight, ug.nn.Parameter)


def weights_init(m):
    """PyTorch's DCGAN example, verbatim but for ``nn``."""
    nn = ug.nn
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


def test_dcgan_weights_init_runs_unchanged():
    states = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            ug.random.seed(0)
            model = ug.nn.Sequential(
                ug.nn.Conv2d(3, 64, 4, 2, 1, bias=False),
                ug.nn.BatchNorm2d(64),
                ug.nn.LeakyReLU(0.2, inplace=True),
                ug.nn.Conv2d(64, 1, 4, 1, 0, bias=False),
            )
            weight = model[0].weight
            assert model.apply(weights_init) is model
            assert model[0].weight is weight  # written in place, not replaced
            states[backend] = {k: np.array(ug.to_numpy(v)) for k, v in model.state_dict().items()}
            assert model(ug.ones((1, 3, 8, 8))).shape == (1, 1, 1, 1)
    state = states[BACKENDS[0]]
    assert abs(state["0.weight"].std() - 0.02) < 0.002 and abs(state["0.weight"].mean()) < 0.002
    assert abs(state["1.weight"].mean() - 1.0) < 0.01 and abs(state["1.weight"].std() - 0.02) < 0.01
    np.testing.assert_array_equal(state["1.bias"], np.zeros(64, np.float32))
    for backend in BACKENDS[1:]:
        for key, value in states[backend].items():
            assert value.tobytes() == state[key].tobytes(), f"{key}: {backend} differs from {BACKENDS[0]}"
