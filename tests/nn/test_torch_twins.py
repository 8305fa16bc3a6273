"""Every ``ug.nn`` layer against its ``torch.nn`` twin: one table, one test.

``ug.nn`` is ``torch.nn``: same names, arguments, defaults and state-dict keys.
Each row of :data:`TWINS` names a layer and the arguments it is built with;
:func:`test_twin_matches_torch` builds it on every installed backend from one
seed, loads the same state into the torch layer (PReLU's ``weight``, ...),
and compares the forward pass in train and eval mode, the input gradient and
every parameter gradient (``layer_support.check_layer``), in float32 and,
where the row says so, float64.

**A new layer is a new row in its family's table, never a new test file.** The
rows live in ``twin_rows_<family>.py`` (activations, losses, ...), written with
the helpers of ``twin_support.py``, and :data:`TWINS` gathers them. Most rows
are ``twin("Name", arg, key=value)``: the same class name and arguments on
both sides. A row whose torch side differs gives its own factories. A loss
is ``loss("Name", data, key=value)``: one row per reduction, ``data`` draws
the inputs whose gradients are compared and the targets that are held fixed
(class labels, +1/-1, ...). Only
behaviour that a twin cannot show (random training paths, error messages)
gets a test of its own below the table.
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from support import BACKENDS
from twin_support import Row, compare

import unigrad as ug
import unigrad.nn.functional as F

# Every family's rows: a new layer is a row in its family's twin_rows_<family>.py (found here).
FAMILIES = sorted(path.stem for path in Path(__file__).parent.glob("twin_rows_*.py"))
TWINS = [row for family in FAMILIES for row in importlib.import_module(family).ROWS]


CASES = [
    pytest.param(row, dtype, mode, id=f"{row.id}-{np.dtype(dtype).name}-{mode}")
    for row in TWINS
    for dtype in row.dtypes
    for mode in row.modes
]


@pytest.mark.parametrize("row, dtype, mode", CASES)
@pytest.mark.filterwarnings(
    "ignore:reduction. 'mean' divides the total loss:UserWarning"
)  # KLDivLoss's, as torch
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


def test_every_loss_has_rows_and_its_function_is_torchs() -> None:
    rows = {row.id.split("-")[0] for row in TWINS}
    losses = set(ug.nn.loss.__all__)
    assert losses <= rows, f"losses without a twin row: {sorted(losses - rows)}"
    for module in (F.loss, F.loss_margin, F.loss_distribution, F.distance):
        for name in module.__all__:
            # (F's public functions convert array-likes at the boundary: the same function, wrapped)
            assert inspect.unwrap(getattr(F, name)) is getattr(module, name), name
            assert callable(getattr(torch.nn.functional, name)), name


def loss_errors() -> list[tuple[Callable[[], Any], type[Exception], str]]:
    """Calls that must fail, the error, and the message: the loss's name, what was given, what it expects."""
    logits = ug.ones((4, 5))
    return [
        (
            lambda: ug.nn.CrossEntropyLoss()(logits, ug.asarray([0.0, 1.0, 2.0, 3.0])),
            ug.LabelError,
            r"ug.nn.functional.cross_entropy: class-index targets must be integers, got dtype float32; "
            r"give integer labels of shape \(4,\)",
        ),
        (
            lambda: ug.nn.CrossEntropyLoss()(logits, ug.asarray([0, 1, 7, 3], dtype=ug.int32)),
            ug.LabelError,
            r"cross_entropy: label 7 is out of range for 5 classes; labels must be in \[0, 4\]",
        ),
        (
            lambda: ug.nn.CrossEntropyLoss(label_smoothing=0.1)(
                ug.ones((2, 5, 3)), ug.asarray([[0, 9, 1]] * 2)
            ),
            ug.LabelError,
            r"cross_entropy: label 9 is out of range for 5 classes",
        ),
        (
            lambda: ug.nn.CrossEntropyLoss()(logits, ug.asarray([0, 1, 2])),
            ug.ShapeError,
            r"cross_entropy: target shape \(3,\) does not fit input shape \(4, 5\); "
            r"expected class indices of shape \(4,\)",
        ),
        (
            lambda: ug.nn.CrossEntropyLoss()(logits, ug.ones((4, 5), dtype=ug.int64)),
            ug.LabelError,
            r"cross_entropy: class probabilities must be floating point, got dtype int64",
        ),
        (
            lambda: ug.nn.NLLLoss()(ug.ones((2, 5, 3)), ug.ones((2, 4), dtype=ug.int32)),
            ug.ShapeError,
            r"nll_loss: target shape \(2, 4\) does not fit input shape \(2, 5, 3\); "
            r"expected class indices of shape \(2, 3\)",
        ),
        (
            lambda: ug.nn.NLLLoss()(logits, ug.zeros((4,))),
            ug.LabelError,
            r"nll_loss: class-index targets must be integers, got dtype float32",
        ),
        (
            lambda: ug.nn.MultiMarginLoss()(logits, ug.asarray([1, 5, 0, 0])),
            ug.LabelError,
            r"multi_margin_loss: label 5 is out of range; labels must be in \[0, 4\]",
        ),
        (
            lambda: ug.nn.MultiMarginLoss()(logits, ug.zeros((4,))),
            ug.LabelError,
            r"multi_margin_loss: targets must be integer class labels, got dtype float32",
        ),
        (
            lambda: ug.nn.MultiMarginLoss()(logits, ug.asarray([1, 2])),
            ug.ShapeError,
            r"multi_margin_loss: target shape \(2,\) does not fit input shape \(4, 5\)",
        ),
        (
            lambda: ug.nn.MultiLabelMarginLoss()(ug.ones((1, 3)), ug.asarray([[1, -2, 0]])),
            ug.LabelError,
            r"multilabel_margin_loss: label -2 is out of range; labels must be in \[0, 2\], or -1 to end",
        ),
        (
            lambda: ug.nn.BCELoss()(ug.full((3, 1), 0.5), ug.ones((3,))),
            ug.ShapeError,
            r"binary_cross_entropy: target shape \(3,\) does not match input shape \(3, 1\)",
        ),
        (
            lambda: ug.nn.BCEWithLogitsLoss()(ug.ones((3, 2)), ug.ones((2, 3))),
            ug.ShapeError,
            r"binary_cross_entropy_with_logits: target shape \(2, 3\) does not match input shape \(3, 2\)",
        ),
        (
            lambda: ug.nn.MSELoss()(ug.ones((3, 2)), ug.ones((3,))),
            ug.ShapeError,
            r"mse_loss: target shape \(3,\) does not broadcast with input shape \(3, 2\)",
        ),
        (
            lambda: ug.nn.GaussianNLLLoss()(ug.ones((3, 2)), ug.ones((3, 2)), ug.ones((2,))),
            ug.ShapeError,
            r"gaussian_nll_loss: var shape \(2,\) does not fit input shape \(3, 2\)",
        ),
        (
            lambda: ug.nn.MarginRankingLoss()(ug.ones((3,)), ug.ones((4,)), ug.ones((3,))),
            ug.ShapeError,
            r"margin_ranking_loss: input2 shape \(4,\) does not match input shape \(3,\)",
        ),
        (
            lambda: ug.nn.CosineEmbeddingLoss()(ug.ones((3, 2)), ug.ones((3, 2)), ug.ones((2,))),
            ug.ShapeError,
            r"cosine_embedding_loss: target shape \(2,\) does not fit input shape \(3, 2\)",
        ),
        (
            lambda: ug.nn.TripletMarginLoss()(ug.ones((3, 2)), ug.ones((3, 2)), ug.ones((3, 4))),
            ug.ShapeError,
            r"triplet_margin_loss: negative shape \(3, 4\) does not match input shape \(3, 2\)",
        ),
        (
            lambda: ug.nn.TripletMarginWithDistanceLoss()(ug.ones((3, 2)), ug.ones((3, 2)), ug.ones((2,))),
            ug.ShapeError,
            r"triplet_margin_with_distance_loss: anchor, positive and negative must have the same number "
            r"of dimensions, got anchor 2-D, positive 2-D and negative 1-D",
        ),
        (
            lambda: ug.nn.SoftMarginLoss()(ug.ones((3,)), ug.ones((3, 1))),
            ug.ShapeError,
            r"soft_margin_loss: target shape \(3, 1\) does not match input shape \(3,\)",
        ),
    ]


def test_losses_name_themselves_in_label_and_shape_errors_alike_on_every_backend() -> None:
    messages: dict[str, list[str]] = {}
    for backend in BACKENDS:
        with ug.use_backend(backend):
            for call, error, pattern in loss_errors():
                with pytest.raises(error, match=pattern) as info:
                    call()
                messages.setdefault(backend, []).append(str(info.value))
    first = messages[BACKENDS[0]]
    for backend in BACKENDS[1:]:
        assert messages[backend] == first


def test_loss_state_dicts_reprs_and_legacy_arguments_are_torchs(ug_backend: str) -> None:
    weight = np.array([1.0, 2.0, 0.5], np.float32)
    for name in ("CrossEntropyLoss", "NLLLoss", "BCELoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss"):
        ours, theirs = (
            getattr(ug.nn, name)(weight=ug.asarray(weight)),
            getattr(torch.nn, name)(weight=torch.as_tensor(weight)),
        )
        assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"], name
        assert list(getattr(ug.nn, name)().state_dict()) == [], name
        assert repr(ours) == repr(theirs) == f"{name}()", name
    both = ug.nn.BCEWithLogitsLoss(weight=ug.asarray(weight), pos_weight=ug.asarray(weight))
    assert list(both.state_dict()) == ["weight", "pos_weight"]
    assert list(ug.nn.BCEWithLogitsLoss(pos_weight=ug.asarray(weight)).state_dict()) == ["pos_weight"]
    for size_average, reduce, expected in [(False, None, "sum"), (None, False, "none"), (True, True, "mean")]:
        with pytest.warns(UserWarning, match=f"reduction='{expected}'"):
            assert ug.nn.MSELoss(size_average, reduce).reduction == expected
    assert ug.nn.CrossEntropyLoss().ignore_index == -100 and ug.nn.KLDivLoss().reduction == "mean"
    with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
        ug.nn.KLDivLoss()(ug.zeros((2, 3)), ug.ones((2, 3)))
    with pytest.warns(UserWarning, match="different to the input size"):
        ug.nn.L1Loss()(ug.ones((2, 3)), ug.ones((1, 3)))


def value_and_grad_like_torch(
    ours: Callable[[Any], Any], theirs: Callable[[Any], Any], x: np.ndarray
) -> None:
    """``ours(x)`` and the gradient of ``sum(out * cotangent)`` against torch's, to float64 tolerance."""
    tensor = ug.asarray(x)
    with ug.GradientTape() as tape:
        tape.watch(tensor)
        out = ours(tensor)
        weights = np.random.default_rng(5).standard_normal(tuple(out.shape))
        total = ug.sum(out * ug.asarray(weights))
    reference = torch.tensor(x, requires_grad=True)
    expected = theirs(reference)
    (expected * torch.as_tensor(weights)).sum().backward()
    np.testing.assert_allclose(ug.to_numpy(out), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert reference.grad is not None
    np.testing.assert_allclose(
        ug.to_numpy(tape.gradient(total, tensor)), reference.grad.numpy(), rtol=1e-10, atol=1e-12
    )


def test_normalize_and_pdist_match_torch_zero_vectors_included(ug_backend: str) -> None:
    x = np.random.default_rng(0).standard_normal((5, 4))
    x[1] = 0.0  # a zero row: normalize's norm is clamped, its gradient 0 as torch's
    x[3] = x[2]  # two equal rows: pdist's distance 0, gradient 0 as torch's
    for p, dim in [(2.0, 1), (1.0, 0), (3.0, 1), (float("inf"), 1)]:
        value_and_grad_like_torch(
            lambda t, p=p, dim=dim: F.normalize(t, p, dim),
            lambda t, p=p, dim=dim: torch.nn.functional.normalize(t, p, dim),
            x,
        )
    for p in (2.0, 1.0, 3.0):
        value_and_grad_like_torch(
            lambda t, p=p: F.pdist(t, p), lambda t, p=p: torch.nn.functional.pdist(t, p), x
        )
    with pytest.raises(ug.ShapeError, match=r"pdist: input must be 2-D \(N, M\), got shape \(4,\)"):
        F.pdist(ug.ones((4,)))


def test_one_hot_is_torchs_for_any_integer_dtype_and_names_bad_labels(ug_backend: str) -> None:
    labels = np.array([[0, 2], [3, 1]])
    for dtype in (np.int64, np.int32, np.uint8):
        for classes in (-1, 5):
            ours = ug.to_numpy(F.one_hot(ug.asarray(labels.astype(dtype)), classes))
            theirs = torch.nn.functional.one_hot(torch.as_tensor(labels), classes).numpy()
            assert ours.dtype == theirs.dtype == np.int64
            np.testing.assert_array_equal(ours, theirs)
    with pytest.raises(
        ug.LabelError, match=r"one_hot: label 5 is out of range; class indices must be in \[0, 2\]"
    ):
        F.one_hot(ug.asarray([0, 5]), 3)
    with pytest.raises(ug.LabelError, match=r"one_hot: label -1 is out of range; class indices must be >= 0"):
        F.one_hot(ug.asarray([-1, 1]))
    with pytest.raises(
        ug.LabelError, match=r"one_hot: targets must be integer class labels, got dtype float32"
    ):
        F.one_hot(ug.asarray([0.0, 1.0]), 2)
