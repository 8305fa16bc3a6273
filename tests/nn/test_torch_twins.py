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
both sides. A row whose torch side differs gives its own factories. A loss
is ``loss("Name", data, key=value)``: one row per reduction, ``data`` draws
the inputs whose gradients are compared and the targets that are held fixed
(class labels, +1/-1, ...). Only
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
    ``data(rng, dtype)``: instead of ``shapes``, the inputs to differentiate and
    the targets to hold fixed; ``call(layer, inputs, targets)`` orders them
    (``layer(*inputs, *targets)`` by default). ``buffers``: tensors given to both
    constructors as keyword arguments, in the row's dtype (a loss's ``weight``).
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
    data: Callable[[np.random.Generator, Any], tuple[list[np.ndarray], list[np.ndarray]]] | None = None
    call: Callable[[Any, Sequence[Any], Sequence[Any]], Any] | None = None
    buffers: dict[str, np.ndarray] = field(default_factory=dict)


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


def loss(
    name: str,
    data: Callable[[np.random.Generator, Any], tuple[list[np.ndarray], list[np.ndarray]]],
    *args: Any,
    id: str | None = None,
    reductions: Sequence[str] = ("none", "mean", "sum"),
    **options: Any,
) -> list[Row]:
    """One row per reduction of loss ``name`` (same name and arguments on both sides)."""
    row_fields = {k: options.pop(k) for k in list(options) if k in Row.__dataclass_fields__}
    return [
        Row(
            id=f"{id or name}-{reduction}",
            make_ug=lambda reduction=reduction, **extra: getattr(ug.nn, name)(
                *args, reduction=reduction, **options, **extra
            ),
            make_torch=lambda reduction=reduction, **extra: getattr(torch.nn, name)(
                *args, reduction=reduction, **options, **extra
            ),
            data=data,
            modes=("train",),
            **row_fields,
        )
        for reduction in reductions
    ]


def pair(
    input_shape: tuple[int, ...],
    target: Callable[[np.random.Generator, tuple[int, ...]], np.ndarray],
    low: float = -2.0,
    high: float = 2.0,
    target_dtype: Any = None,
) -> Callable[[np.random.Generator, Any], tuple[list[np.ndarray], list[np.ndarray]]]:
    """An input drawn from ``[low, high)`` and a fixed target (in the row's dtype unless given)."""

    def draw(rng: np.random.Generator, dtype: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
        x = rng.uniform(low, high, input_shape).astype(dtype)
        return [x], [np.asarray(target(rng, input_shape)).astype(target_dtype or dtype)]

    return draw


def uniform(low: float, high: float) -> Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]:
    return lambda rng, shape: rng.uniform(low, high, shape)


def signs(shape_of: Callable[[tuple[int, ...]], tuple[int, ...]] = lambda s: s) -> Callable[..., np.ndarray]:
    """+1/-1 targets, of the input's shape or ``shape_of`` it."""
    return lambda rng, shape: rng.choice([-1.0, 1.0], shape_of(shape))


def labels(classes: int, shape_of: Callable[[tuple[int, ...]], tuple[int, ...]]) -> Callable[..., np.ndarray]:
    return lambda rng, shape: rng.integers(0, classes, shape_of(shape))


def without_class_axis(shape: tuple[int, ...]) -> tuple[int, ...]:
    return shape[:1] + shape[2:]


def softmax(x: np.ndarray, axis: int = 1) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def probabilities(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return softmax(rng.standard_normal(shape))


def log_probabilities(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.log(probabilities(rng, shape))


def several(*shapes: tuple[int, ...], target: Callable[..., np.ndarray] | None = None) -> Callable[..., Any]:
    """Inputs of ``shapes`` (all differentiated) and, where given, a fixed target from the first's shape."""

    def draw(rng: np.random.Generator, dtype: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
        xs = [rng.uniform(-2.0, 2.0, shape).astype(dtype) for shape in shapes]
        return xs, ([] if target is None else [np.asarray(target(rng, shapes[0])).astype(dtype)])

    return draw


def gaussian(var_shape: tuple[int, ...]) -> Callable[..., Any]:
    """Mean ``(3, 4)`` and a positive variance of ``var_shape`` (both differentiated), a fixed target."""

    def draw(rng: np.random.Generator, dtype: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
        mean = rng.uniform(-2.0, 2.0, (3, 4)).astype(dtype)
        var = rng.uniform(0.2, 2.0, var_shape).astype(dtype)
        return [mean, var], [rng.uniform(-2.0, 2.0, (3, 4)).astype(dtype)]

    return draw


def multilabel_targets(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Each sample's classes, then -1 and anything (torch reads up to the first -1)."""
    rows = []
    for _ in range(int(np.prod(shape[:-1]))):
        count = int(rng.integers(0, shape[-1] + 1))
        row = np.concatenate(
            [rng.permutation(shape[-1])[:count], rng.integers(-1, shape[-1], shape[-1] - count)]
        )
        if count < shape[-1]:
            row[count] = -1
        rows.append(row)
    return np.array(rows).reshape(shape)


def gaussian_call(layer: Any, inputs: Sequence[Any], targets: Sequence[Any]) -> Any:
    return layer(inputs[0], targets[0], inputs[1])


CLASS_WEIGHT = np.array([0.5, 2.0, 1.0, 0.25, 1.5])
BATCH = (4, 5)
SPATIAL = (2, 5, 3, 2)


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
    # -- losses: one row per reduction --
    *loss("L1Loss", pair((3, 4, 5), uniform(-2, 2))),
    *loss("MSELoss", pair((3, 4, 5), uniform(-2, 2))),
    *loss("SmoothL1Loss", pair((3, 4, 5), uniform(-2, 2))),
    *loss("SmoothL1Loss", pair((3, 4, 5), uniform(-2, 2)), beta=0.5, id="SmoothL1Loss-beta0.5"),
    *loss("SmoothL1Loss", pair((3, 4, 5), uniform(-2, 2)), beta=0.0, id="SmoothL1Loss-beta0"),
    *loss("HuberLoss", pair((3, 4, 5), uniform(-2, 2))),
    *loss("HuberLoss", pair((3, 4, 5), uniform(-2, 2)), delta=0.3, id="HuberLoss-delta0.3"),
    # class indices on the fused path, then every option on the composite one
    *loss("CrossEntropyLoss", pair(BATCH, labels(5, lambda s: s[:1]), target_dtype=np.int64)),
    *loss(
        "CrossEntropyLoss",
        pair(BATCH, labels(5, lambda s: s[:1]), target_dtype=np.int32),
        id="CrossEntropyLoss-int32",
    ),
    *loss(
        "CrossEntropyLoss",
        pair(BATCH, labels(5, lambda s: s[:1]), target_dtype=np.uint8),
        id="CrossEntropyLoss-uint8",
    ),
    *loss(
        "CrossEntropyLoss",
        pair((5,), lambda rng, s: rng.integers(0, 5, ()), target_dtype=np.int16),
        id="CrossEntropyLoss-unbatched",
    ),
    *loss(
        "CrossEntropyLoss",
        pair(SPATIAL, labels(5, without_class_axis), target_dtype=np.int64),
        id="CrossEntropyLoss-Kd",
    ),
    *loss(
        "CrossEntropyLoss",
        pair(BATCH, labels(5, lambda s: s[:1]), target_dtype=np.int64),
        buffers={"weight": CLASS_WEIGHT},
        id="CrossEntropyLoss-weight",
    ),
    *loss(
        "CrossEntropyLoss",
        pair(SPATIAL, labels(5, without_class_axis), target_dtype=np.int64),
        ignore_index=2,
        label_smoothing=0.2,
        buffers={"weight": CLASS_WEIGHT},
        id="CrossEntropyLoss-Kd-ignore-smoothing-weight",
    ),
    *loss(
        "CrossEntropyLoss",
        pair(BATCH, labels(5, lambda s: s[:1]), target_dtype=np.int64),
        label_smoothing=0.1,
        id="CrossEntropyLoss-smoothing",
    ),
    *loss("CrossEntropyLoss", pair(BATCH, probabilities), id="CrossEntropyLoss-probabilities"),
    *loss(
        "CrossEntropyLoss",
        pair(SPATIAL, probabilities),
        label_smoothing=0.3,
        buffers={"weight": CLASS_WEIGHT},
        id="CrossEntropyLoss-probabilities-Kd-smoothing-weight",
    ),
    *loss("NLLLoss", pair(BATCH, labels(5, lambda s: s[:1]), target_dtype=np.int64)),
    *loss(
        "NLLLoss",
        pair(SPATIAL, labels(5, without_class_axis), target_dtype=np.int32),
        ignore_index=0,
        buffers={"weight": CLASS_WEIGHT},
        id="NLLLoss-Kd-ignore-weight",
    ),
    *loss("BCELoss", pair((3, 5), uniform(0, 1), low=0.02, high=0.98)),
    *loss(
        "BCELoss",
        pair((3, 5), uniform(0, 1), low=0.02, high=0.98),
        buffers={"weight": CLASS_WEIGHT},
        id="BCELoss-weight",
    ),
    *loss("BCEWithLogitsLoss", pair((3, 5), uniform(0, 1), low=-6.0, high=6.0)),
    *loss(
        "BCEWithLogitsLoss",
        pair((3, 5), uniform(0, 1), low=-6.0, high=6.0),
        buffers={"weight": CLASS_WEIGHT, "pos_weight": CLASS_WEIGHT[::-1].copy()},
        id="BCEWithLogitsLoss-weight-pos_weight",
    ),
    *loss("KLDivLoss", pair((3, 5), probabilities), reductions=("none", "mean", "sum", "batchmean")),
    *loss(
        "KLDivLoss",
        pair((3, 5), log_probabilities),
        log_target=True,
        reductions=("none", "batchmean"),
        id="KLDivLoss-log_target",
    ),
    *loss("PoissonNLLLoss", pair((3, 5), lambda rng, s: rng.poisson(2.0, s))),
    *loss(
        "PoissonNLLLoss",
        pair((3, 5), lambda rng, s: rng.poisson(2.0, s), low=0.1, high=4.0),
        log_input=False,
        full=True,
        id="PoissonNLLLoss-rates-full",
    ),
    *loss("GaussianNLLLoss", gaussian((3, 4)), call=gaussian_call),
    *loss("GaussianNLLLoss", gaussian((3,)), call=gaussian_call, full=True, id="GaussianNLLLoss-shared-full"),
    *loss("GaussianNLLLoss", gaussian((3, 1)), call=gaussian_call, id="GaussianNLLLoss-broadcast"),
    *loss("SoftMarginLoss", pair((3, 5), signs(), low=-5.0, high=5.0)),
    *loss("MultiLabelSoftMarginLoss", pair((3, 5), lambda rng, s: rng.integers(0, 2, s))),
    *loss(
        "MultiLabelSoftMarginLoss",
        pair((3, 5), lambda rng, s: rng.integers(0, 2, s)),
        buffers={"weight": CLASS_WEIGHT},
        id="MultiLabelSoftMarginLoss-weight",
    ),
    *loss("MultiLabelMarginLoss", pair((4, 5), multilabel_targets, target_dtype=np.int64)),
    *loss(
        "MultiLabelMarginLoss",
        pair((5,), multilabel_targets, target_dtype=np.int32),
        id="MultiLabelMarginLoss-unbatched",
    ),
    *loss("MultiMarginLoss", pair(BATCH, labels(5, lambda s: s[:1]), target_dtype=np.int64)),
    *loss(
        "MultiMarginLoss",
        pair(BATCH, labels(5, lambda s: s[:1]), target_dtype=np.int64),
        p=2,
        margin=0.7,
        buffers={"weight": CLASS_WEIGHT},
        id="MultiMarginLoss-p2-weight",
    ),
    *loss("HingeEmbeddingLoss", pair((3, 5), signs())),
    *loss("HingeEmbeddingLoss", pair((3, 5), signs()), margin=0.5, id="HingeEmbeddingLoss-margin0.5"),
    *loss("MarginRankingLoss", several((8,), (8,), target=signs())),
    *loss(
        "MarginRankingLoss", several((8,), (8,), target=signs()), margin=0.5, id="MarginRankingLoss-margin0.5"
    ),
    *loss("CosineEmbeddingLoss", several((4, 6), (4, 6), target=signs(lambda s: s[:1]))),
    *loss(
        "CosineEmbeddingLoss",
        several((6,), (6,), target=lambda rng, s: rng.choice([-1.0, 1.0], ())),
        margin=0.2,
        id="CosineEmbeddingLoss-unbatched",
    ),
    *loss("TripletMarginLoss", several((4, 6), (4, 6), (4, 6))),
    *loss(
        "TripletMarginLoss",
        several((4, 6), (4, 6), (4, 6)),
        margin=0.5,
        p=1.0,
        swap=True,
        id="TripletMarginLoss-p1-swap",
    ),
    *loss(
        "TripletMarginLoss", several((6,), (6,), (6,)), p=3.0, eps=1e-3, id="TripletMarginLoss-p3-unbatched"
    ),
    *loss("TripletMarginWithDistanceLoss", several((4, 6), (4, 6), (4, 6))),
    *[
        Row(
            f"TripletMarginWithDistanceLoss-cosine-swap-{reduction}",
            lambda reduction=reduction: ug.nn.TripletMarginWithDistanceLoss(
                distance_function=lambda a, b: 1.0 - F.cosine_similarity(a, b),
                margin=0.5,
                swap=True,
                reduction=reduction,
            ),
            lambda reduction=reduction: torch.nn.TripletMarginWithDistanceLoss(
                distance_function=lambda a, b: 1.0 - torch.nn.functional.cosine_similarity(a, b),
                margin=0.5,
                swap=True,
                reduction=reduction,
            ),
            data=several((4, 6), (4, 6), (4, 6)),
            modes=("train",),
        )
        for reduction in ("none", "mean", "sum")
    ],
    # -- distances --
    twin("PairwiseDistance", data=several((4, 6), (4, 6)), modes=("train",)),
    twin(
        "PairwiseDistance",
        1.0,
        1e-3,
        True,
        id="PairwiseDistance-p1-keepdim",
        data=several((4, 6), (4, 6)),
        modes=("train",),
    ),
    twin(
        "PairwiseDistance",
        float("inf"),
        id="PairwiseDistance-inf",
        data=several((4, 6), (4, 6)),
        modes=("train",),
    ),
    twin("CosineSimilarity", data=several((4, 6), (4, 6)), modes=("train",)),
    twin(
        "CosineSimilarity",
        2,
        id="CosineSimilarity-dim2-broadcast",
        data=several((2, 3, 5), (3, 5)),
        modes=("train",),
    ),
]

CASES = [
    pytest.param(row, dtype, mode, id=f"{row.id}-{np.dtype(dtype).name}-{mode}")
    for row in TWINS
    for dtype in row.dtypes
    for mode in row.modes
]


def as_torch_target(target: np.ndarray) -> np.ndarray:
    return target.astype(np.int64) if target.dtype.kind in "iu" else target


def compare(row: Row, dtype: Any, mode: str, shapes: Sequence[tuple[int, ...]] | None = None) -> None:
    rng = np.random.default_rng(0)
    targets: list[np.ndarray] = []
    if row.data is not None:
        inputs, targets = row.data(rng, dtype)
    else:
        inputs = [rng.uniform(row.low, row.high, shape).astype(dtype) for shape in shapes or row.shapes]
    extra = {"dtype": ug.as_dtype(np.dtype(dtype).name)} if row.layer_dtype else {}
    buffers = {name: value.astype(dtype) for name, value in row.buffers.items()}
    order = row.call or (lambda layer, xs, ts: layer(*xs, *ts))

    def prepare(layer: Any) -> None:
        if row.prepare is not None:
            row.prepare(layer, np.random.default_rng(1))
        layer.train(mode == "train")

    check_layer(
        lambda: row.make_ug(**row.kwargs, **extra, **{k: ug.asarray(v) for k, v in buffers.items()}),
        lambda: row.make_torch(**row.kwargs, **{k: torch.as_tensor(v) for k, v in buffers.items()}).train(
            mode == "train"
        ),
        inputs,
        call=(lambda layer, *xs: order(layer, xs, [ug.asarray(t) for t in targets])) if targets else None,
        # (ug takes labels of any integer dtype; torch wants int64 for most losses)
        torch_call=(lambda m, *xs: order(m, xs, [torch.as_tensor(as_torch_target(t)) for t in targets]))
        if targets
        else None,
        prepare=prepare,
        rtol=row.rtol,
        atol=row.atol,
    )


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
            assert getattr(F, name) is getattr(module, name), name
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
