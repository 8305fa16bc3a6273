"""The base class that every scheduler extends, and the checks they share."""

from __future__ import annotations

import math
import numbers
import types
from collections.abc import Callable, Sequence
from typing import Any

from ...errors import ArgumentTypeError, NotSupportedError
from .._checks import OptimizerError

__all__ = ["LRScheduler"]


def _check_optimizer(optimizer: Any) -> None:
    if not hasattr(optimizer, "param_groups") or not hasattr(optimizer, "defaults"):
        raise ArgumentTypeError(
            f"a learning-rate scheduler needs an optimizer (ug.optim or torch.optim), "
            f"got {type(optimizer).__name__}"
        )


def _positive_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise OptimizerError(f"{name} must be a positive int, got {value!r}")


def _factor(name: str, value: Any, low: float, high: float, low_open: bool = False) -> None:
    number = float(value) if isinstance(value, numbers.Real) else math.nan  # (NaN fails every test)
    if not ((low < number if low_open else low <= number) and number <= high):
        bracket = "(" if low_open else "["
        raise OptimizerError(f"{name} must be in {bracket}{low}, {high}], got {value!r}")


def _per_group(name: str, optimizer: Any, value: Any) -> list[Any]:
    """One value per parameter group: a list of that length, or one value repeated."""
    count = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != count:
            raise OptimizerError(f"expected {count} {name} values, one per parameter group, got {len(value)}")
        return list(value)
    return [value] * count


def _lrs(optimizer: Any) -> list[float]:
    return [group["lr"] for group in optimizer.param_groups]


class LRScheduler:
    """Base class: a subclass computes the next learning rates in :meth:`get_lr`, as PyTorch's.

    The constructor records each group's ``"initial_lr"`` (the base lr, kept in
    ``base_lrs``) from its ``"lr"`` and takes the first step, to ``last_epoch``
    0. Passing ``last_epoch`` resumes: the groups must hold ``"initial_lr"``
    (load the optimizer's state dict first).

    Args:
        optimizer: a ``ug.optim`` optimizer.
        last_epoch: the index of the last step taken; -1 to start.
    """

    _is_initial: bool = False

    def __init__(self, optimizer: Any, last_epoch: int = -1) -> None:
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise OptimizerError(
                    f"param_groups[{i}] has no 'initial_lr' to resume a scheduler from (last_epoch="
                    f"{last_epoch}); load the optimizer's state dict first, or leave last_epoch at -1"
                )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for the step ``last_epoch`` just moved to (called by :meth:`step`)."""
        raise NotSupportedError

    def step(self) -> None:
        """Move on one step and set every group's ``lr``; call it after ``optimizer.step``."""
        self._step_count += 1
        self._update_lr()

    def _update_lr(self, epoch: int | None = None) -> None:
        groups = self.optimizer.param_groups
        if len(groups) != len(self.base_lrs):
            raise OptimizerError(
                f"the optimizer has {len(groups)} parameter groups, the scheduler {len(self.base_lrs)} "
                "base lrs; make the scheduler after the last add_param_group"
            )
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:  # (SequentialLR, at a milestone: PyTorch's closed form where the class has one)
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(groups, values, strict=True):
            group["lr"] = lr
        self._last_lr = _lrs(self.optimizer)

    def get_last_lr(self) -> list[float]:
        """The learning rates the last :meth:`step` set, one per group."""
        return list(self._last_lr)

    _not_saved: tuple[str, ...] = ("optimizer",)

    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer (and functions), as PyTorch's."""
        return {k: v for k, v in vars(self).items() if k not in self._not_saved}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`, also a ``torch.optim.lr_scheduler`` one (unknown keys ignored)."""
        known = self.state_dict()
        for key, value in state_dict.items():
            if key in known:
                setattr(self, key, list(value) if isinstance(value, list) else value)


class _LambdaScheduler(LRScheduler):
    """What LambdaLR and MultiplicativeLR share: one function per group, saved by its attributes."""

    _not_saved = ("optimizer", "lr_lambdas")

    def __init__(
        self,
        optimizer: Any,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        lambdas = _per_group("lr_lambda", optimizer, lr_lambda)
        for f in lambdas:
            if not callable(f):
                raise ArgumentTypeError(f"lr_lambda must be a function, got {type(f).__name__}")
        self.lr_lambdas: list[Callable[[int], float]] = lambdas
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """As PyTorch: a callable object's attributes are saved, a function or lambda as ``None``."""
        state = super().state_dict()
        state["lr_lambdas"] = [
            None if isinstance(f, types.FunctionType) else dict(vars(f)) for f in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        saved = state_dict.get("lr_lambdas") or []
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "lr_lambdas"})
        for f, attributes in zip(self.lr_lambdas, saved, strict=False):
            if attributes is not None:
                vars(f).update(attributes)
