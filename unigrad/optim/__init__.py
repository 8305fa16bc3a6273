"""Optimizers, gradient clipping and learning-rate schedules: ``ug.optim``.

Every optimizer does ``torch.optim``'s maths, written once as a chain of small
transforms (:mod:`unigrad.optim.transforms`) over ``ug`` ops, so it runs on
every backend; where a backend has a fast path that computes the same thing
(``torch._foreach_*``, TensorFlow's fused resource-apply ops), a group takes
it. Gradients are separate from parameters in unigrad, so ``step`` takes them.

Examples:
    >>> import unigrad as ug
    >>> w = ug.nn.Parameter(ug.asarray([1.0, -2.0]))
    >>> opt = ug.optim.Adam([w], lr=0.1)
    >>> for _ in range(3):
    ...     with ug.GradientTape() as tape:
    ...         loss = ug.sum(ug.square(w))
    ...     opt.step(tape.gradient(loss, [w]))
    >>> [round(v, 2) for v in ug.to_numpy(w).tolist()]
    [0.7, -1.7]
"""

from __future__ import annotations

from . import lr_scheduler, schedules, transforms
from ._checks import OptimizerError
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .clipping import clip_grad_norm, clip_grad_value
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = [
    "Optimizer",
    "OptimizerError",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "NAdam",
    "RAdam",
    "Adamax",
    "Adadelta",
    "ASGD",
    "Rprop",
    "LBFGS",
    "clip_grad_norm",
    "clip_grad_value",
    "lr_scheduler",
    "schedules",
    "transforms",
]
