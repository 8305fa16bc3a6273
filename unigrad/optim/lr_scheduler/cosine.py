"""Cosine annealing, with and without warm restarts."""

from __future__ import annotations

import math
import numbers
from typing import Any

from .._checks import OptimizerError
from ..schedules import cosine_decay
from .base import LRScheduler, _lrs, _positive_int

__all__ = ["CosineAnnealingLR", "CosineAnnealingWarmRestarts"]


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from the base lr down to ``eta_min`` over ``T_max`` steps (and back up after).

    Updated recursively from the current lr, as PyTorch's, so that it chains.
    """

    def __init__(self, optimizer: Any, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:  # noqa: N803
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        groups, epoch, t_max, eta_min = self.optimizer.param_groups, self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return _lrs(self.optimizer)
        if self._step_count == 1 and epoch > 0:
            cosine = 1 + math.cos(epoch * math.pi / t_max)  # (PyTorch's order of operations)
            return [eta_min + (base - eta_min) * cosine / 2 for base in self.base_lrs]
        if (epoch - 1 - t_max) % (2 * t_max) == 0:
            return [
                g["lr"] + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
                for base, g in zip(self.base_lrs, groups, strict=True)
            ]
        ratio = (1 + math.cos(math.pi * epoch / t_max)) / (1 + math.cos(math.pi * (epoch - 1) / t_max))
        return [ratio * (g["lr"] - eta_min) + eta_min for g in groups]

    def _get_closed_form_lr(self) -> list[float]:
        return [cosine_decay(self.last_epoch, base, self.T_max, self.eta_min) for base in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing that restarts from the base lr after ``T_0``, then ``T_0 * T_mult``, ... steps.

    ``step(epoch)`` takes a fractional epoch too (``epoch + i / iters_per_epoch``), as PyTorch's.
    """

    def __init__(
        self,
        optimizer: Any,
        T_0: int,  # noqa: N803
        T_mult: int = 1,  # noqa: N803
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        _positive_int("T_0", T_0)
        if not isinstance(T_mult, int) or T_mult < 1:
            raise OptimizerError(f"T_mult must be an int >= 1, got {T_mult!r}")
        if not isinstance(eta_min, numbers.Real):
            raise OptimizerError(f"eta_min must be a number, got {type(eta_min).__name__}")
        self.T_0: int = T_0
        self.T_i: int = T_0
        self.T_mult: int = T_mult
        self.eta_min: float = eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [cosine_decay(self.T_cur, base, self.T_i, self.eta_min) for base in self.base_lrs]

    def step(self, epoch: float | None = None) -> None:
        """Move on one step, or to ``epoch`` (a fractional one too), and set every group's ``lr``."""
        self._step_count += 1
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur = self.T_cur + 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            if epoch < 0:
                raise OptimizerError(f"epoch must be >= 0, got {epoch!r}")
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult**n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult**n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = _lrs(self.optimizer)
