"""Loss layers, as ``torch.nn``'s: same names, arguments, defaults and state-dict keys.

Margin, ranking and embedding losses are in :mod:`unigrad.nn.loss_margin`.

Each class calls its function in :mod:`unigrad.nn.functional` with the
``reduction`` it was built with (``"mean"``, ``"sum"`` or ``"none"``). A
class weight (and ``BCEWithLogitsLoss``'s ``pos_weight``) is a buffer, as in
torch, so ``state_dict()`` has the keys torch's has. The deprecated
``size_average``/``reduce`` arguments are accepted and turned into
``reduction`` with torch's warning.

Examples:
    >>> import unigrad as ug
    >>> loss = ug.nn.CrossEntropyLoss(label_smoothing=0.1)
    >>> logits, labels = ug.asarray([[2.0, 0.5, -1.0]]), ug.asarray([0])
    >>> round(float(ug.to_numpy(loss(logits, labels))), 4)
    0.3913
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from ..errors import ArgumentError, ShapeError
from ..ops import manipulation
from ..ops._checks import shape_of
from . import functional as F
from .linear import Linear
from .module import Module

__all__ = [
    "L1Loss",
    "MSELoss",
    "SmoothL1Loss",
    "HuberLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "NLLLoss2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "KLDivLoss",
    "PoissonNLLLoss",
    "GaussianNLLLoss",
    "LinearCrossEntropyLoss",
]


def _legacy_reduction(size_average: bool | None, reduce: bool | None) -> str:
    """torch's reading of the deprecated ``size_average``/``reduce`` pair, with its warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
        UserWarning,
        stacklevel=4,
    )
    return reduction


class _Loss(Module):
    """A loss with torch's ``reduction`` attribute."""

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce)
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with a per-class ``weight``, a buffer (absent from the state dict while ``None``)."""

    weight: Any

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class L1Loss(_Loss):
    """Mean (or summed) absolute error, as ``torch.nn.L1Loss``."""

    def forward(self, input: Any, target: Any) -> Any:
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean (or summed) squared error, as ``torch.nn.MSELoss``."""

    def forward(self, input: Any, target: Any) -> Any:
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error above, as ``torch.nn.SmoothL1Loss``."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Any, target: Any) -> Any:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, ``delta`` times the absolute error above, as ``torch.nn.HuberLoss``."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Any, target: Any) -> Any:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class CrossEntropyLoss(_WeightedLoss):
    """Cross entropy of logits against class indices or probabilities, as ``torch.nn.CrossEntropyLoss``.

    Input ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``; see :func:`unigrad.nn.functional.cross_entropy`.
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Any, target: Any) -> Any:
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices under log-probabilities, as ``torch.nn.NLLLoss``."""

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Any, target: Any) -> Any:
        return F.nll_loss(
            input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class BCELoss(_WeightedLoss):
    """Binary cross entropy of probabilities, as ``torch.nn.BCELoss``."""

    def forward(self, input: Any, target: Any) -> Any:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross entropy of logits, computed stably, as ``torch.nn.BCEWithLogitsLoss``."""

    weight: Any
    pos_weight: Any

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        pos_weight: Any = None,
    ):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Any, target: Any) -> Any:
        return F.binary_cross_entropy_with_logits(
            input, target, weight=self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence from log-probabilities, as ``torch.nn.KLDivLoss`` (``"batchmean"`` too)."""

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        log_target: bool = False,
    ):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Any, target: Any) -> Any:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class NLLLoss2d(NLLLoss):
    """``NLLLoss`` under its old name for ``(N, C, H, W)`` input, as ``torch.nn.NLLLoss2d`` (deprecated)."""


class PoissonNLLLoss(_Loss):
    """Poisson negative log-likelihood, as ``torch.nn.PoissonNLLLoss``."""

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        size_average: bool | None = None,
        eps: float = 1e-8,
        reduce: bool | None = None,
        reduction: str = "mean",
    ):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Any, target: Any) -> Any:
        return F.poisson_nll_loss(
            log_input,
            target,
            log_input=self.log_input,
            full=self.full,
            eps=self.eps,
            reduction=self.reduction,
        )


class GaussianNLLLoss(_Loss):
    """Gaussian negative log-likelihood of a target under a predicted mean and variance."""

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean"):
        super().__init__(reduction=reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: Any, target: Any, var: Any) -> Any:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


class LinearCrossEntropyLoss(_WeightedLoss):
    """Cross entropy of a built-in linear layer's logits, as ``torch.nn.LinearCrossEntropyLoss``.

    ``linear`` is a ``Linear(in_features, num_classes * prod(out_features))``
    (state-dict keys ``linear.weight``, ``linear.bias`` where ``bias``, after
    the class ``weight`` buffer where given); its weight is read as
    ``(num_classes, *out_features, in_features)`` for a K-dimensional loss. See
    :func:`unigrad.nn.functional.linear_cross_entropy`.

    Examples:
        >>> import unigrad as ug
        >>> loss = ug.nn.LinearCrossEntropyLoss(4, 3, bias=True)
        >>> list(loss.state_dict()), tuple(loss(ug.ones((2, 4)), ug.asarray([0, 2])).shape)
        (['linear.weight', 'linear.bias'], ())
    """

    def __init__(
        self,
        in_features: int,
        num_classes: int,
        *,
        out_features: tuple[int, ...] = (),
        bias: bool = False,
        device: Any = None,
        dtype: Any = None,
        reduction: str = "mean",
        weight: Any = None,
        ignore_index: int | None = None,
        label_smoothing: float = 0.0,
        options: Any = None,
    ) -> None:
        if weight is not None and shape_of(weight) != (num_classes,):
            raise ShapeError(
                f"LinearCrossEntropyLoss: expected weight shape to be {(num_classes,)} (one per class), "
                f"got {shape_of(weight)}"
            )
        if not 0.0 <= label_smoothing <= 1.0:
            raise ArgumentError(
                "LinearCrossEntropyLoss: expected label_smoothing to be in range [0, 1], "
                f"got {label_smoothing}"
            )
        super().__init__(weight, reduction=reduction)
        self.num_classes, self.out_features = num_classes, tuple(out_features)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing
        # one 2-d Linear, as torch's (its weight is reshaped to (C, *out_features, in) per call)
        self.linear = Linear(
            in_features, math.prod(self.out_features, start=num_classes), bias=bias, dtype=dtype
        )
        self.options = options
        if device is not None:
            self.to(device)

    def forward(self, input: Any, target: Any) -> Any:
        shape = (self.num_classes, *self.out_features)
        linear_bias = self.linear.bias
        return F.linear_cross_entropy(
            input,
            manipulation.reshape(self.linear.weight, (*shape, self.linear.in_features)),
            target,
            linear_bias=None if linear_bias is None else manipulation.reshape(linear_bias, shape),
            weight=self.weight,
            reduction=self.reduction,
            ignore_index=self.ignore_index,
            label_smoothing=self.label_smoothing,
            options=self.options,
        )

    def extra_repr(self) -> str:
        return (
            f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
            f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
            f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
            f"label_smoothing={self.label_smoothing}, options={self.options}"
        )
