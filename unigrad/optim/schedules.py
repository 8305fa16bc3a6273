"""Learning-rate schedules: ``ug.optim.schedules``, with ``torch.optim.lr_scheduler``'s values.

Each schedule is a pure function of the step (``cosine_decay(step, base_lr,
T_max)``), and a class with PyTorch's interface (``step()``, ``get_last_lr()``,
``state_dict()``, ``load_state_dict()``) that writes that function's value into
every parameter group's ``"lr"``. Construct it after the optimizer; call
``step()`` after each ``optimizer.step``.

The classes set ``lr = f(step, base_lr)`` in closed form, as
``torch.optim.lr_scheduler`` does when given an epoch, where its ``step()``
updates the current ``lr`` recursively. Over an unperturbed run the two agree
to rounding; but a learning rate changed by hand is overwritten at the next
``step()``, and two schedules on one optimizer do not multiply as PyTorch's
chainable ones do (compose them in a :class:`LambdaLR` instead, or use
:mod:`unigrad.optim.lr_scheduler`, whose classes update as PyTorch's do).

Examples:
    >>> import unigrad as ug
    >>> opt = ug.optim.SGD([ug.nn.Parameter(ug.zeros(2))], lr=1.0)
    >>> schedule = ug.optim.schedules.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(schedule.get_last_lr()[0])
    ...     schedule.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import ArgumentTypeError, NotSupportedError
from ._checks import OptimizerError

__all__ = [
    "LRScheduler",
    "StepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LinearLR",
    "LinearWarmup",
    "LambdaLR",
    "step_decay",
    "exponential_decay",
    "cosine_decay",
    "linear_schedule",
]


def step_decay(step: int, base_lr: float, step_size: int, gamma: float = 0.1) -> float:
    """``base_lr * gamma ** (step // step_size)``."""
    return base_lr * gamma ** (step // step_size)


def exponential_decay(step: int, base_lr: float, gamma: float) -> float:
    """``base_lr * gamma ** step``."""
    return base_lr * gamma**step


def cosine_decay(step: float, base_lr: float, T_max: int, eta_min: float = 0.0) -> float:  # noqa: N803
    """Half a cosine from ``base_lr`` at 0 down to ``eta_min`` at ``T_max`` (and back up after, as PyTorch).

    Examples:
        >>> from unigrad.optim.schedules import cosine_decay
        >>> cosine_decay(0, 1.0, 10), cosine_decay(5, 1.0, 10), cosine_decay(10, 1.0, 10)
        (1.0, 0.5, 0.0)
    """
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * step / T_max)) / 2


def linear_schedule(
    step: int, base_lr: float, start_factor: float, end_factor: float, total_iters: int
) -> float:
    """``base_lr`` times a factor from ``start_factor`` to ``end_factor``, linear over ``total_iters``."""
    return base_lr * (start_factor + (end_factor - start_factor) * min(total_iters, step) / total_iters)


class LRScheduler:
    """Base class: sets each group's ``lr`` to :meth:`lr_at` of the step and the group's base lr.

    The base lr is the group's ``"initial_lr"``, which the first schedule
    attached to an optimizer records from its ``"lr"`` (as PyTorch). Pass
    ``last_epoch`` to resume a run whose optimizer state holds ``"initial_lr"``.
    """

    def __init__(self, optimizer: Any, last_epoch: int = -1) -> None:
        if not hasattr(optimizer, "param_groups"):
            kind = type(optimizer).__name__
            raise ArgumentTypeError(f"a schedule needs an optimizer with param_groups, got {kind}")
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise OptimizerError(
                    f"param_groups[{i}] has no 'initial_lr' to resume a schedule from (last_epoch="
                    f"{last_epoch}); load the optimizer's state dict first, or leave last_epoch at -1"
                )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self.step()

    def lr_at(self, step: int, base_lr: float) -> float:
        """The learning rate at ``step`` of a group whose base lr is ``base_lr``."""
        raise NotSupportedError

    def lrs_at(self, step: int) -> list[float]:
        """The learning rate of each group at ``step``."""
        return [self.lr_at(step, base_lr) for base_lr in self.base_lrs]

    def step(self) -> None:
        """Move on one step and set every group's ``lr``."""
        groups = self.optimizer.param_groups
        if len(groups) != len(self.base_lrs):
            raise OptimizerError(
                f"the optimizer has {len(groups)} parameter groups, "
                f"the schedule {len(self.base_lrs)} base lrs"
            )
        self.last_epoch += 1
        for group, lr in zip(groups, self.lrs_at(self.last_epoch), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates the last :meth:`step` set, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """The schedule's position and settings (functions left out), as PyTorch's."""
        return {k: v for k, v in vars(self).items() if k not in ("optimizer", "lr_lambdas")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` (also a ``torch.optim.lr_scheduler`` one: unknown keys are ignored)."""
        known = self.state_dict()
        for key, value in state_dict.items():
            if key in known:
                setattr(self, key, list(value) if isinstance(value, list) else value)


class StepLR(LRScheduler):
    """``base_lr * gamma ** (step // step_size)``, as ``torch.optim.lr_scheduler.StepLR``."""

    def __init__(self, optimizer: Any, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        if not isinstance(step_size, int) or step_size <= 0:
            raise OptimizerError(f"step_size must be a positive int, got {step_size!r}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, step: int, base_lr: float) -> float:
        return step_decay(step, base_lr, self.step_size, self.gamma)


class ExponentialLR(LRScheduler):
    """``base_lr * gamma ** step``, as ``torch.optim.lr_scheduler.ExponentialLR``."""

    def __init__(self, optimizer: Any, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, step: int, base_lr: float) -> float:
        return exponential_decay(step, base_lr, self.gamma)


class CosineAnnealingLR(LRScheduler):
    """:func:`cosine_decay`, as ``torch.optim.lr_scheduler.CosineAnnealingLR``."""

    def __init__(self, optimizer: Any, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:  # noqa: N803
        if not isinstance(T_max, int) or T_max <= 0:
            raise OptimizerError(f"T_max must be a positive int, got {T_max!r}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, step: int, base_lr: float) -> float:
        return cosine_decay(step, base_lr, self.T_max, self.eta_min)


class LinearLR(LRScheduler):
    """:func:`linear_schedule`, as ``torch.optim.lr_scheduler.LinearLR``.

    ``start_factor`` may be 0 here (PyTorch refuses it only because its
    recursive update divides by it).
    """

    def __init__(
        self,
        optimizer: Any,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        for name, value in (("start_factor", start_factor), ("end_factor", end_factor)):
            if not 0 <= value <= 1:
                raise OptimizerError(f"{name} must be in [0, 1], got {value!r}")
        if not isinstance(total_iters, int) or total_iters <= 0:
            raise OptimizerError(f"total_iters must be a positive int, got {total_iters!r}")
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, step: int, base_lr: float) -> float:
        return linear_schedule(step, base_lr, self.start_factor, self.end_factor, self.total_iters)


class LinearWarmup(LinearLR):
    """A linear ramp from ``start_factor * base_lr`` to ``base_lr`` over ``warmup_steps``, then constant.

    Examples:
        >>> import unigrad as ug
        >>> opt = ug.optim.SGD([ug.nn.Parameter(ug.zeros(1))], lr=1.0)
        >>> warmup = ug.optim.schedules.LinearWarmup(opt, warmup_steps=4, start_factor=0.0)
        >>> lrs = []
        >>> for _ in range(6):
        ...     lrs.append(warmup.get_last_lr()[0])
        ...     warmup.step()
        >>> lrs
        [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self, optimizer: Any, warmup_steps: int, start_factor: float = 1.0 / 3, last_epoch: int = -1
    ) -> None:
        super().__init__(optimizer, start_factor, 1.0, warmup_steps, last_epoch)


class LambdaLR(LRScheduler):
    """``base_lr * lr_lambda(step)``, one function for all groups or one per group, as PyTorch's."""

    def __init__(
        self,
        optimizer: Any,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        count = len(optimizer.param_groups)
        lambdas: list[Callable[[int], float]] = (
            list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * count  # type: ignore[list-item]
        )
        if len(lambdas) != count:
            raise OptimizerError(f"expected {count} lr_lambdas, one per parameter group, got {len(lambdas)}")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def lrs_at(self, step: int) -> list[float]:
        return [base_lr * f(step) for base_lr, f in zip(self.base_lrs, self.lr_lambdas, strict=True)]
