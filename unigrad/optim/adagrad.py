"""Adagrad, as ``torch.optim.Adagrad``."""

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
    scale_by_inverse_time_decay,
    scale_by_learning_rate,
    scale_by_sum_of_squares,
)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """``torch.optim.Adagrad``: ``sum += g * g``; ``p -= lr_t * g / (sqrt(sum) + eps)``.

    ``lr_t = lr / (1 + (t - 1) * lr_decay)`` at the parameter's step ``t``.

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: learning rate.
        lr_decay: inverse-time decay of the learning rate, per parameter step ``t``.
        weight_decay: L2 penalty added to the gradient.
        initial_accumulator_value: starting value of the sum of squares.
        eps: added to the denominator.
        foreach: ``None`` takes the backend's fast path where it computes the same
            maths, ``True`` insists on it, ``False`` always runs the generic path.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.Adagrad([w], lr=0.5)
        >>> opt.step([ug.asarray([4.0])])  # 4 / sqrt(16): the first step moves by lr
        >>> round(float(ug.to_numpy(w)[0]), 4)
        0.5
    """

    fast_path = "adagrad"
    init_state_eagerly = True  # as torch's, so state_dicts have the same entries

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        foreach: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
            "foreach": foreach,
        }
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def transform(self, group: Mapping[str, Any]) -> Transform:
        return chain(
            count_steps(),
            add_decayed_weights(group["weight_decay"]),
            scale_by_sum_of_squares(group["initial_accumulator_value"], group["eps"]),
            scale_by_inverse_time_decay(group["lr_decay"]),
            scale_by_learning_rate(group["lr"]),
        )
