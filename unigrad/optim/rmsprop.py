"""RMSprop, as ``torch.optim.RMSprop``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._checks import non_negative
from .optimizer import Optimizer
from .transforms import (
    Transform,
    add_decayed_weights,
    chain,
    count_steps,
    scale_by_learning_rate,
    scale_by_rms,
    trace,
)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """``torch.optim.RMSprop``: ``p -= lr * g / (sqrt(square_avg) + eps)``, with optional momentum.

    ``eps`` sits outside the square root, as in PyTorch (Keras and TensorFlow's
    fused op put it inside, which is why TensorFlow runs the generic path here).

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: learning rate.
        alpha: decay rate of the running mean of the squared gradient.
        eps: added to the denominator.
        weight_decay: L2 penalty added to the gradient.
        momentum: momentum factor over the rescaled gradient.
        centered: divide by an estimate of the gradient's variance instead.
        foreach: ``None`` takes the backend's fast path where it computes the same
            maths, ``True`` insists on it, ``False`` always runs the generic path.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.RMSprop([w], lr=0.01, alpha=0.75)
        >>> opt.step([ug.asarray([2.0])])  # square_avg = 0.25 * 4 = 1: the step is lr * 2 / 1
        >>> round(float(ug.to_numpy(w)[0]), 4)
        0.98
    """

    fast_path = "rmsprop"

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        foreach: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "foreach": foreach,
        }
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr", "alpha", "eps", "weight_decay", "momentum")

    def transform(self, group: Mapping[str, Any]) -> Transform:
        # torch's buffer starts at zero, SGD's at the first gradient: without
        # dampening the two give the same first step (0 * momentum + g = g)
        return chain(
            count_steps(),
            add_decayed_weights(group["weight_decay"]),
            scale_by_rms(group["alpha"], group["eps"], group["centered"]),
            trace(group["momentum"]),
            scale_by_learning_rate(group["lr"]),
        )
