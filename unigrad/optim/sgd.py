"""Stochastic gradient descent with momentum, as ``torch.optim.SGD``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._checks import OptimizerError, non_negative
from .optimizer import Optimizer
from .transforms import Transform, add_decayed_weights, chain, scale_by_learning_rate, trace

__all__ = ["SGD"]


class SGD(Optimizer):
    """``torch.optim.SGD``: ``g += weight_decay * p``; ``buf = momentum * buf + (1 - dampening) * g``;
    ``p -= lr * (g + momentum * buf if nesterov else buf)``.

    The first step sets ``buf = g``, as PyTorch does.

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: learning rate.
        momentum: momentum factor (0 for none).
        dampening: how much of each gradient the momentum buffer leaves out.
        nesterov: Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
        weight_decay: L2 penalty added to the gradient.
        foreach: ``None`` takes the backend's fast path where it computes the same
            maths, ``True`` insists on it, ``False`` always runs the generic path.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     opt.step([ug.asarray([1.0])])
        >>> round(float(ug.to_numpy(w)[0]), 4)  # 1 - 0.1 * 1 - 0.1 * 1.9
        0.71
    """

    fast_path = "sgd"

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
        *,
        foreach: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "nesterov": nesterov,
            "weight_decay": weight_decay,
            "foreach": foreach,
        }
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr", "momentum", "dampening", "weight_decay")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise OptimizerError("Nesterov momentum needs momentum > 0 and dampening == 0")

    def transform(self, group: Mapping[str, Any]) -> Transform:
        return chain(
            add_decayed_weights(group["weight_decay"]),
            trace(group["momentum"], group["dampening"], group["nesterov"]),
            scale_by_learning_rate(group["lr"]),
        )
