"""Twin rows: the losses (one row per reduction) and the distances."""

from __future__ import annotations

import numpy as np
import torch
from twin_support import (
    BATCH,
    CLASS_WEIGHT,
    SPATIAL,
    Row,
    gaussian,
    gaussian_call,
    labels,
    log_probabilities,
    loss,
    multilabel_targets,
    pair,
    probabilities,
    several,
    signs,
    twin,
    uniform,
    without_class_axis,
)

import unigrad as ug
import unigrad.nn.functional as F

# CTC: 12 frames, 4 sequences, blank + 4 labels; a repeated label, an empty target, a short input;
# the input is logits, turned into log-probabilities by each side's log_softmax before the loss
CTC_INPUT_LENGTHS, CTC_TARGET_LENGTHS = (12, 10, 7, 5), (4, 3, 0, 2)


def ctc_data(
    rng: np.random.Generator, dtype: object, blank: int = 0
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    targets = rng.integers(1, 5, (4, 4)) if blank == 0 else rng.integers(0, 4, (4, 4))
    targets[1, 1] = targets[1, 0]
    return [rng.normal(size=(12, 4, 5)).astype(dtype)], [targets]


def ctc_blank4(rng: np.random.Generator, dtype: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
    return ctc_data(rng, dtype, blank=4)


def ctc_concatenated(rng: np.random.Generator, dtype: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
    inputs, (targets,) = ctc_data(rng, dtype)
    return inputs, [np.concatenate([row[:n] for row, n in zip(targets, CTC_TARGET_LENGTHS, strict=True)])]


def ctc_log_probs(rng: np.random.Generator, dtype: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Log-probabilities themselves as the input: the gradient with respect to them is compared."""
    (logits,), targets = ctc_data(rng, dtype)
    shifted = logits - logits.max(axis=2, keepdims=True)
    return [(shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))).astype(dtype)], targets


def ctc_direct(layer: object, inputs: list, targets: list) -> object:
    return layer(inputs[0], targets[0], CTC_INPUT_LENGTHS, CTC_TARGET_LENGTHS)


def ctc_call(input_lengths: tuple[int, ...] = CTC_INPUT_LENGTHS) -> object:
    def call(layer: object, inputs: list, targets: list) -> object:
        on_torch = isinstance(layer, torch.nn.Module)
        log_probs = torch.log_softmax(inputs[0], 2) if on_torch else F.log_softmax(inputs[0], dim=2)
        return layer(log_probs, targets[0], input_lengths, CTC_TARGET_LENGTHS)

    return call


def asm_data(rng: np.random.Generator, dtype: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """12 rows of 16 features, their classes (of 10) covering the shortlist and both clusters of [3, 6]."""
    return [rng.uniform(-2.0, 2.0, (12, 16)).astype(dtype)], [rng.permutation(np.arange(12) % 10)]


def asm_both_ranks(layer: object, inputs: list, targets: list) -> object:
    """The batch, then its first row alone (a 0-d target); both sides return ``_ASMoutput(output, loss)``."""
    batched, single = layer(inputs[0], targets[0]), layer(inputs[0][0], targets[0][0])
    assert type(batched).__name__ == "_ASMoutput" and batched._fields == ("output", "loss")
    return batched, single


def asm_log_prob_and_predict(layer: object, inputs: list, targets: list) -> object:
    """Every class's log-probability, and the predicted classes as the input's dtype (no gradient)."""
    classes = layer.predict(inputs[0])
    if isinstance(layer, torch.nn.Module):
        return layer.log_prob(inputs[0]), classes.to(inputs[0].dtype)
    assert len(set(ug.to_numpy(classes).tolist()) - {0, 1, 2}) > 0  # rows outside the shortlist too
    return layer.log_prob(inputs[0]), ug.astype(classes, inputs[0].dtype)


ROWS = [
    *loss("L1Loss", pair((3, 4, 5), uniform(-2, 2))),
    *loss("MSELoss", pair((3, 4, 5), uniform(-2, 2))),
    *loss("SmoothL1Loss", pair((3, 4, 5), uniform(-2, 2))),
    *loss("SmoothL1Loss", pair((3, 4, 5), uniform(-2, 2)), beta=0.5, id="SmoothL1Loss-beta0.5"),
    *loss("SmoothL1Loss", pair((3, 4, 5), uniform(-2, 2)), beta=0.0, id="SmoothL1Loss-beta0"),
    *loss("HuberLoss", pair((3, 4, 5), uniform(-2, 2))),
    *loss("HuberLoss", pair((3, 4, 5), uniform(-2, 2)), delta=0.3, id="HuberLoss-delta0.3"),
    # class indices on the fused path (K-d ones as rows of classes), then every option on the composite one
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
        pair(SPATIAL, labels(5, without_class_axis), target_dtype=np.int32),
        ignore_index=2,
        id="CrossEntropyLoss-Kd-ignore",
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
    *loss("CTCLoss", ctc_data, call=ctc_call()),
    *loss("CTCLoss", ctc_concatenated, blank=0, id="CTCLoss-concatenated", call=ctc_call()),
    *loss("CTCLoss", ctc_log_probs, id="CTCLoss-log_probs", call=ctc_direct),
    *loss("CTCLoss", ctc_blank4, blank=4, id="CTCLoss-blank4", call=ctc_call()),
    # the last sequence: 2 labels in 1 frame, impossible; its loss and gradient are zeroed
    *loss("CTCLoss", ctc_data, zero_infinity=True, id="CTCLoss-zero_infinity", call=ctc_call((12, 10, 7, 1))),
    *loss("NLLLoss2d", pair(SPATIAL, labels(5, without_class_axis), target_dtype=np.int64)),
    # cross entropy of a built-in Linear's logits: labels, weights, smoothing, K-dimensional, probabilities
    *loss(
        "LinearCrossEntropyLoss",
        pair((4, 6), labels(5, lambda s: s[:1]), target_dtype=np.int64),
        6,
        5,
        layer_dtype=True,
    ),
    *loss(
        "LinearCrossEntropyLoss",
        pair((4, 6), labels(5, lambda s: s[:1]), target_dtype=np.int64),
        6,
        5,
        bias=True,
        label_smoothing=0.1,
        ignore_index=2,
        buffers={"weight": CLASS_WEIGHT},
        id="LinearCrossEntropyLoss-bias-weight-smoothing-ignore2",
        layer_dtype=True,
    ),
    *loss(
        "LinearCrossEntropyLoss",
        pair((4, 6), labels(5, lambda s: (s[0], 3, 2)), target_dtype=np.int64),
        6,
        5,
        out_features=(3, 2),
        bias=True,
        id="LinearCrossEntropyLoss-K-dimensional",
        layer_dtype=True,
    ),
    *loss(
        "LinearCrossEntropyLoss",
        pair((4, 6), lambda rng, s: probabilities(rng, (s[0], 5, 3))),
        6,
        5,
        out_features=(3,),
        label_smoothing=0.2,
        id="LinearCrossEntropyLoss-probabilities",
        layer_dtype=True,
    ),
    *loss(
        "LinearCrossEntropyLoss",
        pair((6,), lambda rng, s: rng.integers(0, 5, ()), target_dtype=np.int64),
        6,
        5,
        bias=True,
        id="LinearCrossEntropyLoss-unbatched",
        layer_dtype=True,
    ),
    # adaptive softmax: (output, loss) of a batch and of one row, then log_prob and predict
    twin(
        "AdaptiveLogSoftmaxWithLoss",
        16,
        10,
        [3, 6],
        data=asm_data,
        call=asm_both_ranks,
        layer_dtype=True,
        modes=("train",),
    ),
    twin(
        "AdaptiveLogSoftmaxWithLoss",
        16,
        10,
        [3, 6],
        div_value=2.0,
        head_bias=True,
        id="AdaptiveLogSoftmaxWithLoss-div2-head_bias",
        data=asm_data,
        call=asm_both_ranks,
        layer_dtype=True,
        modes=("train",),
    ),
    twin(
        "AdaptiveLogSoftmaxWithLoss",
        16,
        10,
        [3, 6],
        id="AdaptiveLogSoftmaxWithLoss-log_prob-predict",
        data=lambda rng, dtype: ([rng.normal(0.0, 4.0, (32, 16)).astype(dtype)], []),
        call=asm_log_prob_and_predict,
        layer_dtype=True,
        modes=("train",),
    ),
]
