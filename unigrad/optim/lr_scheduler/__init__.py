"""``ug.optim.lr_scheduler``: ``torch.optim.lr_scheduler``'s classes, with its recursive maths.

Each scheduler changes its optimizer's ``param_groups[i]["lr"]`` in place when
:meth:`LRScheduler.step` is called (after ``optimizer.step``), by the update
rule of PyTorch's ``get_lr``: most multiply the current ``lr`` by a factor, so
two schedulers on one optimizer multiply, as PyTorch's chainable ones do, and
a learning rate changed by hand carries on from its new value. (The closed-form
schedules of :mod:`unigrad.optim.schedules` set ``lr = f(step)`` instead.)

State dicts hold what PyTorch's hold, under the same names (``last_epoch``,
``base_lrs``, ``_step_count``, ``_last_lr``, ...), so PyTorch's resume recipe
gives PyTorch's learning rates, and a ``torch.optim.lr_scheduler`` state dict
loads here (keys this scheduler does not have are ignored)::

    optimizer.load_state_dict(saved["optimizer"])
    scheduler = StepLR(optimizer, step_size=30)
    scheduler.load_state_dict(saved["scheduler"])

Examples:
    >>> import unigrad as ug
    >>> from unigrad.optim import lr_scheduler
    >>> opt = ug.optim.SGD([ug.nn.Parameter(ug.zeros(2))], lr=1.0)
    >>> warmup = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> decay = lr_scheduler.ExponentialLR(opt, gamma=0.5)  # chained: the factors multiply
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(opt.param_groups[0]["lr"])
    ...     warmup.step()
    ...     decay.step()
    >>> lrs
    [0.5, 0.375, 0.25, 0.125]
"""

from __future__ import annotations

from .base import LRScheduler
from .composite import ChainedScheduler, SequentialLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .multiplicative import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "MultiplicativeLR",
    "StepLR",
    "MultiStepLR",
    "ConstantLR",
    "LinearLR",
    "ExponentialLR",
    "PolynomialLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "OneCycleLR",
    "SequentialLR",
    "ChainedScheduler",
    "ReduceLROnPlateau",
]
