"""Rprop, as ``torch.optim.Rprop``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._checks import OptimizerError, non_negative
from .optimizer import Optimizer
from .transforms import Transform, chain, count_steps, scale_by_rprop

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """``torch.optim.Rprop``: each element steps by its own step size against the gradient's sign.

    The step size grows by ``etas[1]`` while the gradient keeps its sign and
    shrinks by ``etas[0]`` when it flips, within ``step_sizes``; it starts at
    ``lr`` (a later change of ``lr`` does not reach it, as in PyTorch).

    Args:
        params: parameters (``ug.nn.Parameter``), or param-group dicts with per-group options.
        lr: the initial step size.
        etas: the factors ``(etaminus, etaplus)``, with ``0 < etaminus < 1 < etaplus``.
        step_sizes: the least and the largest step size.
        foreach: ``None`` or ``False``: the generic path (there is no fast path; ``True`` raises).

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt = ug.optim.Rprop([w], lr=0.1)
        >>> for _ in range(2):
        ...     opt.step([ug.asarray([5.0])])  # 0.1, then 0.1 * 1.2
        >>> round(float(ug.to_numpy(w)[0]), 4)
        0.78
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        foreach: bool | None = None,
    ) -> None:
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach}
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr")
        eta_minus, eta_plus = group["etas"]
        if not 0.0 < eta_minus < 1.0 < eta_plus:
            raise OptimizerError(
                f"etas must be (etaminus, etaplus) with 0 < etaminus < 1 < etaplus, got {group['etas']!r}"
            )

    def transform(self, group: Mapping[str, Any]) -> Transform:
        eta_minus, eta_plus = group["etas"]
        smallest, largest = group["step_sizes"]
        return chain(count_steps(), scale_by_rprop(group["lr"], eta_minus, eta_plus, smallest, largest))
