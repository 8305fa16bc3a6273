"""Averaged SGD, as ``torch.optim.ASGD``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._checks import non_negative
from .optimizer import Optimizer
from .transforms import Transform, add_decayed_weights, averaged_sgd, chain, count_steps

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """``torch.optim.ASGD``: SGD with a decaying step ``eta`` and a running average ``ax`` of the
    parameters (in the state, from step ``t0`` on; the parameters themselves are not averaged).

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: learning rate.
        lambd: decay term.
        alpha: power of the decay of ``eta``.
        t0: the step from which the average is taken.
        weight_decay: L2 penalty added to the gradient.
        foreach: ``None`` or ``False``: the generic path (there is no fast path; ``True`` raises).

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.ASGD([w], lr=0.5, lambd=0.0)
        >>> opt.step([ug.asarray([1.0])])
        >>> round(float(ug.to_numpy(w)[0]), 4)
        0.5
    """

    scalar_state = ("eta", "mu")

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
        }
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr", "weight_decay")

    def transform(self, group: Mapping[str, Any]) -> Transform:
        return chain(
            count_steps(),
            add_decayed_weights(group["weight_decay"]),
            averaged_sgd(group["lr"], group["lambd"], group["alpha"], group["t0"]),
        )
