"""Schedulers made of schedulers: ``SequentialLR`` and ``ChainedScheduler``."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from ...errors import ArgumentTypeError
from .._checks import OptimizerError
from .base import LRScheduler, _check_optimizer, _lrs
from .plateau import ReduceLROnPlateau

__all__ = ["SequentialLR", "ChainedScheduler"]


def _check_schedulers(kind: str, optimizer: Any, schedulers: Sequence[Any]) -> None:
    if len(schedulers) < 1:
        raise OptimizerError(f"{kind} needs at least one scheduler, got none")
    for i, scheduler in enumerate(schedulers):
        if isinstance(scheduler, ReduceLROnPlateau):
            raise OptimizerError(
                f"{kind} cannot take ReduceLROnPlateau (at index {i}): its step needs a metric"
            )
        if not hasattr(scheduler, "optimizer"):
            raise ArgumentTypeError(
                f"{kind}'s scheduler at index {i} is a {type(scheduler).__name__}, not a scheduler"
            )
        if scheduler.optimizer is not optimizer:
            raise OptimizerError(
                f"{kind}'s scheduler at index {i} ({type(scheduler).__name__}) belongs to another optimizer; "
                "all must schedule the same one"
            )


class _Composite(LRScheduler):
    """What SequentialLR and ChainedScheduler share: their schedulers' state dicts saved in theirs."""

    _not_saved = ("optimizer", "_schedulers")
    _schedulers: list[LRScheduler]

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "_schedulers"})
        for scheduler, saved in zip(self._schedulers, state_dict["_schedulers"], strict=True):
            scheduler.load_state_dict(saved)


class SequentialLR(_Composite):
    """Runs ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]`` (from its epoch 0), ...

    Examples:
        >>> import unigrad as ug
        >>> from unigrad.optim import lr_scheduler as S
        >>> opt = ug.optim.SGD([ug.nn.Parameter(ug.zeros(1))], lr=1.0)
        >>> warmup = S.LinearLR(opt, start_factor=0.25, total_iters=3)
        >>> scheduler = S.SequentialLR(opt, [warmup, S.ExponentialLR(opt, gamma=0.5)], milestones=[3])
        >>> lrs = []
        >>> for _ in range(6):
        ...     lrs.append(scheduler.get_last_lr()[0])
        ...     scheduler.step()
        >>> lrs
        [0.25, 0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Any,
        schedulers: Sequence[LRScheduler],
        milestones: Sequence[int],
        last_epoch: int = -1,
    ) -> None:
        _check_optimizer(optimizer)
        _check_schedulers("SequentialLR", optimizer, schedulers)
        if len(milestones) != len(schedulers) - 1:
            raise OptimizerError(
                f"SequentialLR needs one milestone fewer than schedulers: got {len(schedulers)} schedulers "
                f"and {len(milestones)} milestones"
            )
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:  # undo what the schedulers' constructors did
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            _undo_step(scheduler)
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        self.last_epoch += 1
        index = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


def _undo_step(scheduler: Any) -> None:
    """One step back, for the step each scheduler's constructor took (into nested SequentialLRs too)."""
    if hasattr(scheduler, "_schedulers"):
        for inner in scheduler._schedulers:
            _undo_step(inner)
    elif hasattr(scheduler, "last_epoch"):
        scheduler.last_epoch -= 1


class ChainedScheduler(_Composite):
    """Steps every scheduler in turn at each :meth:`step`: their factors multiply."""

    def __init__(self, schedulers: Sequence[LRScheduler], optimizer: Any = None) -> None:
        if len(schedulers) < 1:
            raise OptimizerError("ChainedScheduler needs at least one scheduler, got none")
        optimizer = optimizer or schedulers[0].optimizer
        _check_schedulers("ChainedScheduler", optimizer, schedulers)
        self._schedulers = list(schedulers)
        self.optimizer = optimizer
        self._last_lr = _lrs(optimizer)

    def step(self) -> None:
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = _lrs(self.optimizer)
