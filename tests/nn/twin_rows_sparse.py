"""Twin rows: the lookup tables (Embedding, EmbeddingBag), Bilinear and Identity.

The lookups take integer indices: a row's ``data`` holds them fixed (as
targets) and the comparison is of the outputs, the weight's gradient and the
weight after the forward (``max_norm`` rescales rows in place). Rows whose
only inputs are integers run in float32 only: check_layer makes the torch
twin double only for a float64 input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from twin_support import Row, several, twin

import unigrad as ug

VOCAB, DIM = 10, 4
# repeats (for scale_grad_by_freq), 0 and 9 (the padding rows used below) and a row never looked up (8)
INDICES = np.array([[1, 0, 3, 3, 9], [0, 2, 2, 2, 5], [4, 6, 7, 1, 9]])
FLAT = np.array([1, 0, 3, 3, 9, 0, 2, 2, 2, 5, 4, 6])
OFFSETS = np.array([0, 3, 3, 7])  # bags of 3, 0 (empty), 4 and 5 entries
LAST_OFFSETS = np.array([0, 3, 7, 12])  # include_last_offset: three bags, the last offset the end
TABLE = np.random.default_rng(5).standard_normal((VOCAB, DIM)).astype(np.float32)


def fixed(*targets: np.ndarray, weights: bool = False) -> Callable[[np.random.Generator, Any], Any]:
    """Integer ``targets`` held fixed; with ``weights``, per-sample weights of the first's shape to
    differentiate."""

    def draw(rng: np.random.Generator, dtype: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
        inputs = [rng.uniform(-2.0, 2.0, targets[0].shape).astype(dtype)] if weights else []
        return inputs, list(targets)

    return draw


def lookup(layer: Any, inputs: Sequence[Any], targets: Sequence[Any]) -> Any:
    return layer(*targets)


def weighted(layer: Any, inputs: Sequence[Any], targets: Sequence[Any]) -> Any:
    return layer(*targets, per_sample_weights=inputs[0])


def embedding(*args: Any, id: str, data: Any = None, **options: Any) -> Row:
    """A lookup row: integer indices only, so float32 and the train mode alone."""
    return twin(
        "Embedding",
        VOCAB,
        DIM,
        *args,
        id=id,
        data=data or fixed(INDICES),
        call=lookup,
        dtypes=(np.float32,),
        modes=("train",),
        layer_dtype=True,
        **options,
    )


def bag(*args: Any, id: str, data: Any, weights: bool = False, **options: Any) -> Row:
    """An EmbeddingBag row; with ``weights``, per-sample weights differentiated in float32 and float64."""
    return twin(
        "EmbeddingBag",
        VOCAB,
        DIM,
        *args,
        id=id,
        data=data,
        call=weighted if weights else lookup,
        dtypes=(np.float32, np.float64) if weights else (np.float32,),
        modes=("train",),
        layer_dtype=True,
        **options,
    )


def pretrained(name: str, **options: Any) -> Row:
    """``from_pretrained`` on both sides, of one table (left trainable, so its gradient is compared)."""
    return Row(
        id=f"{name}-from_pretrained",
        make_ug=lambda: getattr(ug.nn, name).from_pretrained(ug.asarray(TABLE), freeze=False, **options),
        make_torch=lambda: getattr(torch.nn, name).from_pretrained(
            torch.as_tensor(TABLE), freeze=False, **options
        ),
        data=fixed(INDICES),
        call=lookup,
        dtypes=(np.float32,),
        modes=("train",),
    )


class SummedEmbedding(torch.nn.Module):
    """``EmbeddingBag(mode="sum", scale_grad_by_freq=True)`` as torch documents it: embedding rows
    looked up with ``scale_grad_by_freq``, summed per bag."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(VOCAB, DIM))

    def forward(self, input: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        rows = torch.nn.functional.embedding(input, self.weight, scale_grad_by_freq=True)
        ends = [*offsets.tolist()[1:], len(input)]
        return torch.stack([rows[a:b].sum(0) for a, b in zip(offsets.tolist(), ends)])


ROWS = [
    embedding(id="Embedding"),
    embedding(padding_idx=0, id="Embedding-padding_idx0"),
    embedding(padding_idx=-1, id="Embedding-padding_idx-1"),
    embedding(max_norm=1.0, id="Embedding-max_norm1"),
    embedding(max_norm=1.5, norm_type=1.0, id="Embedding-max_norm1.5-p1"),
    embedding(scale_grad_by_freq=True, id="Embedding-scale_grad_by_freq"),
    embedding(padding_idx=2, scale_grad_by_freq=True, max_norm=2.0, id="Embedding-padding-freq-norm"),
    embedding(id="Embedding-flat", data=fixed(FLAT)),
    pretrained("Embedding", padding_idx=3),
    pretrained("EmbeddingBag", mode="sum"),
    # EmbeddingBag: each mode, over a 2-d input and over a 1-d input with offsets
    *[bag(mode=mode, id=f"EmbeddingBag-{mode}", data=fixed(INDICES)) for mode in ("sum", "mean", "max")],
    *[
        bag(mode=mode, id=f"EmbeddingBag-{mode}-offsets", data=fixed(FLAT, OFFSETS))
        for mode in ("sum", "mean", "max")
    ],
    *[
        bag(
            mode=mode,
            include_last_offset=True,
            id=f"EmbeddingBag-{mode}-include_last_offset",
            data=fixed(FLAT, LAST_OFFSETS),
        )
        for mode in ("sum", "mean", "max")
    ],
    *[
        bag(mode=mode, padding_idx=2, id=f"EmbeddingBag-{mode}-padding_idx", data=fixed(FLAT, OFFSETS))
        for mode in ("sum", "mean", "max")
    ],
    bag(
        mode="sum",
        id="EmbeddingBag-per_sample_weights",
        data=fixed(FLAT, OFFSETS, weights=True),
        weights=True,
    ),
    bag(
        mode="sum",
        padding_idx=0,
        id="EmbeddingBag-per_sample_weights-2d-padding",
        data=fixed(INDICES, weights=True),
        weights=True,
    ),
    bag(mode="mean", max_norm=1.0, id="EmbeddingBag-mean-max_norm", data=fixed(INDICES)),
    # torch's EmbeddingBag scales the gradient by the count of another row (its counts are misaligned:
    # a row seen once gets 1/2 here); the twin is the documented meaning, torch's Embedding's, summed
    Row(
        id="EmbeddingBag-sum-scale_grad_by_freq",
        make_ug=lambda: ug.nn.EmbeddingBag(VOCAB, DIM, mode="sum", scale_grad_by_freq=True),
        make_torch=lambda: SummedEmbedding(),
        data=fixed(FLAT, OFFSETS),
        call=lookup,
        dtypes=(np.float32,),
        modes=("train",),
    ),
    # Bilinear: batched, more leading axes, without bias
    twin("Bilinear", 3, 4, 5, data=several((6, 3), (6, 4)), layer_dtype=True, modes=("train",)),
    twin(
        "Bilinear",
        3,
        2,
        4,
        data=several((2, 5, 3), (2, 5, 2)),
        layer_dtype=True,
        modes=("train",),
        id="Bilinear-3d",
    ),
    twin(
        "Bilinear",
        2,
        3,
        4,
        bias=False,
        data=several((5, 2), (5, 3)),
        layer_dtype=True,
        modes=("train",),
        id="Bilinear-nobias",
    ),
    # Identity takes and ignores any arguments, as torch's
    twin("Identity", 54, unused="x", id="Identity-with-arguments", shapes=((2, 3),), modes=("train",)),
]
