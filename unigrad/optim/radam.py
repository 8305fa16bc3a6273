"""RAdam, as ``torch.optim.RAdam``."""

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
    scale_by_learning_rate,
    scale_by_radam,
)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """``torch.optim.RAdam``: Adam whose adaptive step is rectified, and left out while the
    variance estimate is unreliable (the first few steps: plain bias-corrected momentum).

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: learning rate.
        betas: decay rates of the running means of the gradient and of its square.
        eps: added to the denominator, outside the square root.
        weight_decay: L2 penalty added to the gradient (or decoupled decay, see below).
        decoupled_weight_decay: ``p *= 1 - lr * weight_decay`` each step, as AdamW.
        foreach: ``None`` or ``False``: the generic path (there is no fast path; ``True`` raises).

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.RAdam([w], lr=0.1)
        >>> opt.step([ug.asarray([2.0])])  # first steps: lr times the bias-corrected momentum
        >>> round(float(ug.to_numpy(w)[0]), 4)
        0.8
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "foreach": foreach,
        }
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr", "eps", "weight_decay")
        beta1, beta2 = group["betas"]
        in_unit_interval("betas[0]", beta1)
        in_unit_interval("betas[1]", beta2)

    def transform(self, group: Mapping[str, Any]) -> Transform:
        beta1, beta2 = group["betas"]
        radam = scale_by_radam(beta1, beta2, group["eps"])
        decay = add_decayed_weights(group["weight_decay"])
        middle = (radam, decay) if group["decoupled_weight_decay"] else (decay, radam)
        return chain(count_steps(), *middle, scale_by_learning_rate(group["lr"]))
