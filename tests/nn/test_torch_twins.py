"""Every ``ug.nn`` layer against its ``torch.nn`` twin: one table, one test.

``ug.nn`` is ``torch.nn``: same names, arguments, defaults and state-dict keys.
Each row of :data:`TWINS` names a layer and the arguments it is built with;
:func:`test_twin_matches_torch` builds it on every installed backend from one
seed, loads the same state into the torch layer (PReLU's ``weight``, ...),
and compares the forward pass in train and eval mode, the input gradient and
every parameter gradient (``layer_support.check_layer``), in float32 and,
where the row says so, float64.

**A new layer is a new row in this table, never a new test file.** Most rows
are ``twin("Name", arg, key=value)``: the same class name and arguments on
both sides. A row whose torch side differs gives its own factories. Only
behaviour that a twin cannot show (random training paths, error messages)
gets a test of its own below the table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from layer_support import check_layer
from support import BACKENDS

import unigrad as ug
import unigrad.nn.functional as F


@dataclass(frozen=True)
class Row:
    """One layer and its torch twin.

    ``make_ug(**kwargs)`` / ``make_torch(**kwargs)`` build the two layers;
    ``shapes`` are the input shapes, drawn uniformly from ``[low, high)``.
    ``layer_dtype``: the ug layer takes ``dtype=`` (it owns parameters).
    ``modes``: which of train/eval to compare (RReLU is random in training).
    ``prepare(layer, rng)`` sets state before the comparison (random slopes).
    ``rtol``/``atol``: only where a side is known to be less exact (say why).
    """

    id: str
    make_ug: Callable[..., Any]
    make_torch: Callable[..., torch.nn.Module]
    kwargs: dict[str, Any] = field(default_factory=dict)
    shapes: Sequence[tuple[int, ...]] = ((2, 3, 4, 5),)
    low: float = -4.0
    high: float = 4.0
    dtypes: Sequence[Any] = (np.float32, np.float64)
    modes: Sequence[str] = ("train", "eval")
    layer_dtype: bool = False
    prepare: Callable[[Any, np.random.Generator], None] | None = None
    rtol: float | None = None
    atol: float | None = None


def twin(name: str, *args: Any, id: str | None = None, **options: Any) -> Row:
    """A row whose layer has the same name and arguments in ``ug.nn`` and ``torch.nn``."""
    row_fields = {k: options.pop(k) for k in list(options) if k in Row.__dataclass_fields__}
    return Row(
        id=id or name,
        make_ug=lambda **extra: getattr(ug.nn, name)(*args, **options, **extra),
        make_torch=lambda: getattr(torch.nn, name)(*args, **options),
        **row_fields,
    )


def inplace(name: str, *args: Any, **options: Any) -> Row:
    """``inplace=True`` on the unigrad side (computed out of place); torch's twin without it, as
    torch refuses in-place ops on the leaf input whose gradient is compared."""
    row = twin(name, *args, id=f"{name}-inplace", **options)
    return Row(
        id=row.id,
        make_ug=lambda **extra: row.make_ug(inplace=True, **extra),
        make_torch=row.make_torch,
        modes=row.modes,
    )


def random_weight(layer: Any, rng: np.random.Generator) -> None:
    """Slopes other than the constant init, so that each gets its own gradient."""
    value = rng.uniform(-0.5, 0.5, tuple(layer.weight.shape)).astype(ug.to_numpy(layer.weight).dtype)
    layer.weight.assign(ug.asarray(value))


TWINS = [
    twin("ReLU"),
    Row("ReLU-inplace-positional", lambda: ug.nn.ReLU(True), lambda: torch.nn.ReLU()),
    twin("ReLU6", low=-2.0, high=8.0),
    twin("LeakyReLU"),
    inplace("LeakyReLU", 0.2),
    inplace("ELU", 0.5),
    inplace("Hardtanh", -2.0, 2.0),
    inplace("Threshold", 0.1, 2.0),
    inplace("RReLU", modes=("eval",)),
    twin("ELU"),
    twin("ELU", alpha=0.5, id="ELU-0.5"),
    twin("ELU", low=-5.0, high=60.0, id="ELU-large"),  # exp would overflow in the unused branch
    twin("SELU"),
    twin("CELU"),
    twin("CELU", alpha=2.0, id="CELU-2"),
    twin("GELU", dtypes=(np.float32,)),
    twin("GELU", approximate="tanh", id="GELU-tanh", dtypes=(np.float32,)),
    # the backends' float64 GELU kernels agree with torch to ~1e-7 (an erf accurate to 1.2e-7)
    twin("GELU", id="GELU-float64", dtypes=(np.float64,), rtol=1e-6, atol=1e-8),
    twin("GELU", approximate="tanh", id="GELU-tanh-float64", dtypes=(np.float64,), rtol=1e-6, atol=1e-8),
    twin("SiLU"),
    twin("Mish"),
    twin("Hardswish", low=-5.0, high=5.0),
    twin("Hardsigmoid", low=-5.0, high=5.0, dtypes=(np.float32,)),
    # torch's float64 hardsigmoid backward multiplies by 1/6 rounded to float32
    twin("Hardsigmoid", id="Hardsigmoid-float64", dtypes=(np.float64,), rtol=1e-7, low=-5.0, high=5.0),
    twin("Hardtanh"),
    twin("Hardtanh", -2.0, 0.5, id="Hardtanh-(-2,0.5)"),
    twin("Sigmoid"),
    twin("Tanh"),
    twin("Softplus"),
    twin("Softplus", beta=2.0, threshold=5.0, id="Softplus-beta2-threshold5"),
    twin("Softplus", low=-60.0, high=60.0, id="Softplus-large"),
    twin("Softsign"),
    twin("Softshrink", low=-2.0, high=2.0),
    twin("Softshrink", 1.0, id="Softshrink-1"),
    twin("Hardshrink", low=-2.0, high=2.0),
    twin("Hardshrink", 1.5, id="Hardshrink-1.5"),
    twin("Tanhshrink"),
    twin("Threshold", 0.5, -3.0),
    twin("PReLU", layer_dtype=True),
    twin("PReLU", 3, init=0.1, id="PReLU-3-channels", layer_dtype=True, prepare=random_weight),
    twin("PReLU", 3, id="PReLU-3-channels-2d", shapes=((4, 3),), layer_dtype=True, prepare=random_weight),
    twin("RReLU", modes=("eval",)),
    twin("RReLU", 0.2, 0.4, id="RReLU-0.2-0.4", modes=("eval",)),
    twin("GLU", shapes=((2, 3, 4, 6),)),
    twin("GLU", 1, id="GLU-dim1", shapes=((2, 6, 3),)),
    twin("LogSigmoid", low=-120.0, high=120.0),
    twin("Softmax", 1),
    twin("Softmax", -1, id="Softmax-last"),
    twin("LogSoftmax", 1),
    twin("Softmin", 2),
    twin("Softmax2d"),
    twin("Softmax2d", id="Softmax2d-unbatched", shapes=((3, 4, 5),)),
]

CASES = [
    pytest.param(row, dtype, mode, id=f"{row.id}-{np.dtype(dtype).name}-{mode}")
    for row in TWINS
    for dtype in row.dtypes
    for mode in row.modes
]


def compare(row: Row, dtype: Any, mode: str, shapes: Sequence[tuple[int, ...]] | None = None) -> None:
    rng = np.random.default_rng(0)
    inputs = [rng.uniform(row.low, row.high, shape).astype(dtype) for shape in shapes or row.shapes]
    extra = {"dtype": ug.as_dtype(np.dtype(dtype).name)} if row.layer_dtype else {}

    def prepare(layer: Any) -> None:
        if row.prepare is not None:
            row.prepare(layer, np.random.default_rng(1))
        layer.train(mode == "train")

    check_layer(
        lambda: row.make_ug(**row.kwargs, **extra),
        lambda: row.make_torch(**row.kwargs).train(mode == "train"),
        inputs,
        prepare=prepare,
        rtol=row.rtol,
        atol=row.atol,
    )


@pytest.mark.parametrize("row, dtype, mode", CASES)
def test_twin_matches_torch(row: Row, dtype: Any, mode: str) -> None:
    compare(row, dtype, mode)


ELEMENTWISE = {row.id: row for row in TWINS if row.id in ("LeakyReLU", "Hardswish", "Softplus", "PReLU")}


@given(
    name=st.sampled_from(sorted(ELEMENTWISE)),
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple),
)
def test_twin_matches_torch_over_shapes(name: str, shape: tuple[int, ...]) -> None:
    compare(ELEMENTWISE[name], np.float32, "train", [shape])


def test_every_activation_has_a_row_and_a_function() -> None:
    rows = {row.id.split("-")[0] for row in TWINS}
    activations = set(ug.nn.activation.__all__)
    assert activations <= rows, f"activations without a twin row: {sorted(activations - rows)}"
    for name in F.activation.__all__:
        assert callable(getattr(torch.nn.functional, name)), name


def test_coverage_reports_the_figure(capsys: pytest.CaptureFixture[str]) -> None:
    from unigrad.nn import coverage

    assert coverage.main(["--verbose"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ug\.nn: \d+ of \d+ module classes in scope$", out, re.MULTILINE), out
    assert re.search(r"^ug\.nn\.functional: \d+ of \d+ functions in scope$", out, re.MULTILINE), out
    assert "Lazy* modules" in out and "DataParallel wrappers" in out and "quantized" in out
    found = coverage.coverage()
    assert "LazyLinear" not in found.modules.in_scope and "DataParallel" not in found.modules.in_scope
    assert "relu_" not in found.functions.in_scope
    for row in TWINS:  # every layer with a twin row counts as covered
        assert row.id.split("-")[0] in found.modules.have
    assert set(F.activation.__all__) <= set(found.functions.have)


# -- what a twin cannot show -----------------------------------------------------------------------


def test_rrelu_training_slopes_lie_in_range_and_follow_the_seed() -> None:
    x = -np.abs(np.random.default_rng(0).standard_normal((64, 32))).astype(np.float32) - 0.1
    slopes = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            ug.random.seed(3)
            y = ug.to_numpy(ug.nn.RReLU(0.1, 0.3)(ug.asarray(x)))
            slopes[backend] = y / x
            assert slopes[backend].min() >= 0.1 - 1e-6 and slopes[backend].max() <= 0.3 + 1e-6
            assert slopes[backend].std() > 0.03  # random, not the mean slope
            positive = ug.to_numpy(ug.nn.RReLU()(ug.asarray(-x)))
            np.testing.assert_array_equal(positive, -x)
    first = slopes[BACKENDS[0]]
    for backend in BACKENDS[1:]:
        np.testing.assert_array_equal(slopes[backend], first)


def test_reprs_read_like_torch() -> None:
    layers = [
        ("ReLU", (), {}),
        ("ReLU", (True,), {}),
        ("LeakyReLU", (0.2,), {"inplace": True}),
        ("ELU", (), {}),
        ("CELU", (0.5,), {}),
        ("Hardtanh", (-2.0, 2.0), {}),
        ("ReLU6", (), {}),
        ("Softplus", (), {"beta": 2.0}),
        ("Softshrink", (), {}),
        ("Hardshrink", (0.3,), {}),
        ("Threshold", (0.1, 20.0), {}),
        ("PReLU", (3,), {}),
        ("RReLU", (), {}),
        ("GLU", (), {}),
        ("Softmax", (), {"dim": 1}),
        ("Softmin", (), {}),
        ("Softmax2d", (), {}),
        ("GELU", (), {"approximate": "tanh"}),
        ("SiLU", (), {"inplace": True}),
    ]
    for name, args, kwargs in layers:
        assert repr(getattr(ug.nn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs))


def test_softmax_layers_without_dim_choose_and_warn_as_torch(ug_backend: str) -> None:
    for shape in [(5,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        for name in ("Softmax", "LogSoftmax", "Softmin"):
            with pytest.warns(UserWarning, match="Implicit dimension"):
                ours = ug.to_numpy(getattr(ug.nn, name)()(ug.asarray(x)))
            with pytest.warns(UserWarning, match="Implicit dimension"):
                theirs = getattr(torch.nn, name)()(torch.as_tensor(x)).numpy()
            np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6, err_msg=f"{name} {shape}")


def test_softmax_functions_take_dim_or_axis_and_default_to_the_last_axis(ug_backend: str) -> None:
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    last = torch.softmax(torch.as_tensor(x), -1).numpy()
    for kwargs in ({"axis": -1}, {"dim": -1}, {"dim": 2, "axis": 2}, {}):
        np.testing.assert_allclose(ug.to_numpy(F.softmax(ug.asarray(x), **kwargs)), last, atol=1e-6)
    with pytest.raises(ValueError, match="both dim"):
        F.softmax(ug.asarray(x), dim=0, axis=1)


def test_activation_functions_take_torch_arguments(ug_backend: str) -> None:
    x = np.random.default_rng(0).uniform(-3, 3, (2, 4, 3)).astype(np.float32)
    calls = [
        ("relu", {"inplace": True}),
        ("relu6", {"inplace": True}),
        ("leaky_relu", {"negative_slope": 0.1, "inplace": True}),
        ("elu", {"alpha": 0.7, "inplace": False}),
        ("celu", {"alpha": 1.5}),
        ("selu", {}),
        ("gelu", {"approximate": "tanh"}),
        ("silu", {}),
        ("mish", {}),
        ("hardswish", {}),
        ("hardsigmoid", {}),
        ("hardtanh", {"min_val": -0.5, "max_val": 2.0}),
        ("softplus", {"beta": 3.0, "threshold": 4.0}),
        ("softsign", {}),
        ("softshrink", {"lambd": 0.8}),
        ("hardshrink", {"lambd": 0.8}),
        ("tanhshrink", {}),
        ("threshold", {"threshold": 0.2, "value": 9.0}),
        ("rrelu", {"lower": 0.1, "upper": 0.2, "training": False}),
        ("glu", {"dim": 1}),
        ("logsigmoid", {}),
        ("softmax", {"dim": 0, "dtype": ug.float64}),
        ("log_softmax", {"dim": 2}),
        ("softmin", {"dim": 1}),
    ]
    for name, kwargs in calls:
        theirs_kwargs = {k: (torch.float64 if k == "dtype" else v) for k, v in kwargs.items()}
        ours = ug.to_numpy(getattr(F, name)(ug.asarray(x), **kwargs))
        theirs = getattr(torch.nn.functional, name)(torch.as_tensor(x), **theirs_kwargs).numpy()
        assert ours.dtype == theirs.dtype, name
        np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=2e-6, err_msg=name)
    weight = np.array([0.1, -0.2, 0.3, 0.4], np.float32)
    np.testing.assert_allclose(
        ug.to_numpy(F.prelu(ug.asarray(x), ug.asarray(weight))),
        torch.nn.functional.prelu(torch.as_tensor(x), torch.as_tensor(weight)).numpy(),
        rtol=1e-6,
    )


def test_bad_input_names_the_layer_the_shape_and_what_it_expects(ug_backend: str) -> None:
    with pytest.raises(ug.ShapeError, match=r"GLU.*even size.*shape \(2, 5\)"):
        ug.nn.GLU()(ug.ones((2, 5)))
    with pytest.raises(
        ug.ShapeError, match=r"Softmax2d expects a 3-D \(C, H, W\) or 4-D .*got shape \(2, 3\)"
    ):
        ug.nn.Softmax2d()(ug.ones((2, 3)))
    with pytest.raises(ug.ShapeError, match=r"PReLU .*3 parameters.*3 channels on dim 1.*\(2, 4, 5\)"):
        ug.nn.PReLU(3)(ug.ones((2, 4, 5)))
    with pytest.raises(ValueError, match="lower <= upper"):
        ug.nn.RReLU(0.5, 0.1)
    with pytest.raises(ValueError, match="min_val"):
        ug.nn.Hardtanh(1.0, -1.0)


def test_prelu_state_dict_is_torchs(ug_backend: str) -> None:
    layer = ug.nn.PReLU(4, init=0.3)
    state = layer.state_dict()
    assert list(state) == list(torch.nn.PReLU(4).state_dict()) == ["weight"]
    assert isinstance(layer.weight, ug.nn.Parameter)
    np.testing.assert_array_equal(ug.to_numpy(state["weight"]), np.full(4, 0.3, np.float32))
    assert math.isclose(float(ug.to_numpy(ug.nn.PReLU()(ug.asarray([-2.0])))[0]), -0.5)
    weight = layer.weight
    weight.assign(ug.zeros(4))
    layer.reset_parameters()
    assert layer.weight is weight
    np.testing.assert_array_equal(ug.to_numpy(layer.weight), np.full(4, 0.3, np.float32))
