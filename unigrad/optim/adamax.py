"""Adamax, as ``torch.optim.Adamax``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._checks import in_unit_interval, non_negative
from .optimizer import Optimizer
from .transforms import (
    Transform,
    add_decayed_weights,
    chain,
    count_steps,
    scale_by_adamax,
    scale_by_learning_rate,
)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """``torch.optim.Adamax``: Adam with the infinity norm, ``u = max(b2 * u, |g| + eps)``;
    ``p -= lr / (1 - b1**t) * m / u``.

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: learning rate.
        betas: decay rates of the running mean of the gradient and of the running maximum.
        eps: added to ``|g|``.
        weight_decay: L2 penalty added to the gradient.
        foreach: ``None`` or ``False``: the generic path (there is no fast path; ``True`` raises).

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.Adamax([w], lr=0.1)
        >>> opt.step([ug.asarray([2.0])])  # the first step moves by lr
        >>> round(float(ug.to_numpy(w)[0]), 4)
        0.9
    """

    def __init__(
        self,
        params: Any,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay, "foreach": foreach}
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr", "eps", "weight_decay")
        beta1, beta2 = group["betas"]
        in_unit_interval("betas[0]", beta1)
        in_unit_interval("betas[1]", beta2)

    def transform(self, group: Mapping[str, Any]) -> Transform:
        beta1, beta2 = group["betas"]
        return chain(
            count_steps(),
            add_decayed_weights(group["weight_decay"]),
            scale_by_adamax(beta1, beta2, group["eps"]),
            scale_by_learning_rate(group["lr"]),
        )
