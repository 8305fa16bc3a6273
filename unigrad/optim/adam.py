"""Adam and AdamW, as ``torch.optim.Adam`` and ``torch.optim.AdamW``."""

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
    scale_by_adam,
    scale_by_learning_rate,
)

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """``torch.optim.Adam``: ``p -= lr * m_hat / (sqrt(v_hat) + eps)``, bias-corrected per parameter.

    ``weight_decay`` is an L2 penalty added to the gradient, unless
    ``decoupled_weight_decay`` (then ``p *= 1 - lr * weight_decay``, as AdamW).

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: learning rate.
        betas: decay rates of the running means of the gradient and of its square.
        eps: added to the denominator, outside the square root.
        weight_decay: L2 penalty (or decoupled decay, see above).
        amsgrad: normalise by the running maximum of the second moment.
        decoupled_weight_decay: AdamW's decay.
        foreach: ``None`` takes the backend's fast path where it computes the same
            maths, ``True`` insists on it, ``False`` always runs the generic path.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.Adam([w], lr=0.1)
        >>> opt.step([ug.asarray([3.0])])  # the first step moves by lr, whatever the gradient's size
        >>> round(float(ug.to_numpy(w)[0]), 4)
        0.9
    """

    fast_path = "adam"

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        decoupled_weight_decay: bool = False,
        foreach: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
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
        adam = scale_by_adam(beta1, beta2, group["eps"], group["amsgrad"])
        decay = add_decayed_weights(group["weight_decay"])
        # decoupled decay skips Adam's rescaling: p - lr * (adam + wd * p) = p * (1 - lr * wd) - lr * adam
        middle = (adam, decay) if group["decoupled_weight_decay"] else (decay, adam)
        return chain(count_steps(), *middle, scale_by_learning_rate(group["lr"]))


class AdamW(Adam):
    """``torch.optim.AdamW``: Adam with decoupled weight decay, ``p *= 1 - lr * weight_decay`` each step.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> opt.step([ug.asarray([0.0])])  # a zero gradient: only the decay acts
        >>> round(float(ug.to_numpy(w)[0]), 4)
        0.95
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True, foreach=foreach
        )
