"""Adadelta, as ``torch.optim.Adadelta``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._checks import OptimizerError, non_negative
from .optimizer import Optimizer
from .transforms import (
    Transform,
    add_decayed_weights,
    chain,
    count_steps,
    scale_by_adadelta,
    scale_by_learning_rate,
)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """``torch.optim.Adadelta``: ``p -= lr * sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g``.

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: scales the delta (1 is Adadelta as published).
        rho: decay rate of the running means of the squared gradient and of the squared delta.
        eps: added inside both square roots.
        weight_decay: L2 penalty added to the gradient.
        foreach: ``None`` or ``False``: the generic path (there is no fast path; ``True`` raises).

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.Adadelta([w], eps=1.0)
        >>> opt.step([ug.asarray([2.0])])  # sqrt(1) / sqrt(0.1 * 4 + 1) * 2
        >>> round(float(ug.to_numpy(w)[0]), 4)
        -0.6903
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
    ) -> None:
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay, "foreach": foreach}
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr", "eps", "weight_decay")
        rho = group["rho"]
        if not isinstance(rho, (int, float)) or not 0.0 <= rho <= 1.0:
            raise OptimizerError(f"rho must be in [0, 1], got {rho!r}")

    def transform(self, group: Mapping[str, Any]) -> Transform:
        return chain(
            count_steps(),
            add_decayed_weights(group["weight_decay"]),
            scale_by_adadelta(group["rho"], group["eps"]),
            scale_by_learning_rate(group["lr"]),
        )
