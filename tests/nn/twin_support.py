"""The twin table's row type and the helpers rows are written with (see test_torch_twins.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from layer_support import check_layer

import unigrad as ug


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
        make_torch=lambda **extra: getattr(torch.nn, name)(*args, **options, **extra),
        **row_fields,
    )


def on_a_copy(layer: Any, xs: Sequence[Any], targets: Sequence[Any]) -> Any:
    """``layer(x * 1)``: an in-place layer is given a computed tensor, as in a model, since torch
    refuses in-place ops on the leaf input whose gradient is compared."""
    return layer(xs[0] * 1.0)


def inplace(name: str, *args: Any, **options: Any) -> Row:
    """``inplace=True`` on both sides, each applied to a computed tensor (see :func:`on_a_copy`):
    in place on torch (where unigrad's kernel writes in place, ``ReLU``), out of place on TensorFlow."""
    row = twin(name, *args, id=f"{name}-inplace", **options)
    return Row(
        id=row.id,
        make_ug=lambda **extra: row.make_ug(inplace=True, **extra),
        make_torch=lambda **extra: row.make_torch(inplace=True, **extra),
        modes=row.modes,
        call=on_a_copy,
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
        call=(lambda layer, *xs: order(layer, xs, [ug.asarray(t) for t in targets]))
        if targets or row.call  # (a row's call also orders inputs alone: attention's flags)
        else None,
        # (ug takes labels of any integer dtype; torch wants int64 for most losses)
        torch_call=(lambda m, *xs: order(m, xs, [torch.as_tensor(as_torch_target(t)) for t in targets]))
        if targets or row.call
        else None,
        prepare=prepare,
        rtol=row.rtol,
        atol=row.atol,
    )
