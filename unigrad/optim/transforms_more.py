"""The transforms of the less common optimizers: NAdam, RAdam, Adamax, Adadelta, Rprop and ASGD.

They are built as the core ones in :mod:`unigrad.optim.transforms` are (a
:class:`~unigrad.optim.transforms.Transform` of ``init`` and ``update``, the
maths of ``torch.optim`` step for step), share its private helpers for the
moments, and are re-exported from it: import them from there, as
``from unigrad.optim.transforms import scale_by_nadam``. Kept apart so that
the core module stays short; here too are the helpers only these use (the
float32 rounding of scalar state that PyTorch keeps in float32 tensors, and
RAdam's rectification).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import float32
from ..ops.binary import add, divide, equal, greater, less, maximum, multiply, subtract
from ..ops.creation import astype, full_like, ones_like, zeros_like
from ..ops.searching import where
from ..ops.unary import abs as absolute
from ..ops.unary import clip, sign, sqrt, square
from ..types import Array
from ._checks import is_tensor_like
from .transforms import State, Transform, Updates, _lerp, _moments, _second_moment

__all__ = [
    "scale_by_nadam",
    "scale_by_radam",
    "scale_by_adamax",
    "scale_by_adadelta",
    "scale_by_rprop",
    "averaged_sgd",
]


def _float32(value: Any) -> Any:
    """``value`` rounded to float32: torch.optim keeps some scalar state in float32 0-d tensors.

    A number eagerly; in a step being traced (a backend that keeps state in
    variables, see ``Backend.optim_state_in_variables``) the step count, and so
    this, is a 0-d tensor.
    """
    if is_tensor_like(value):
        return astype(astype(value, float32), value.dtype)
    return float(np.float32(value))


def _float32_product(a: Any, b: Any) -> Any:
    """``a * b`` as torch computes a float32 0-d tensor times a Python number: both rounded first."""
    if is_tensor_like(a) or is_tensor_like(b):
        return _float32(multiply(_float32(a), _float32(b)))
    return float(np.float32(a) * np.float32(b))


def scale_by_nadam(b1: float, b2: float, eps: float, momentum_decay: float) -> Transform:
    """NAdam's direction, as ``torch.optim.NAdam``: Adam with Nesterov momentum, whose
    coefficient ``mu_t = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))`` warms up.

    ``mu_product`` (the running product of the ``mu_t``) is rounded to float32
    each step, as PyTorch keeps it. Needs :func:`count_steps` before it. State:
    ``"mu_product"``, ``"exp_avg"``, ``"exp_avg_sq"``.
    """

    def init(param: Array) -> State:
        return {"mu_product": 1.0, **_moments(param)}

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        for g, state in zip(updates, states, strict=True):
            step = state["step"]
            mu = b1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
            mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
            # (torch multiplies its float32 tensor by mu rounded to float32)
            mu_product = _float32_product(state["mu_product"], mu)
            exp_avg = _lerp(state["exp_avg"], g, 1.0 - b1)
            exp_avg_sq = _second_moment(state, g, b2)
            denom = add(sqrt(divide(exp_avg_sq, 1.0 - b2**step)), eps)
            gradient_part = multiply(divide(g, denom), (1.0 - mu) / (1.0 - mu_product))
            momentum_part = multiply(divide(exp_avg, denom), mu_next / (1.0 - mu_product * mu_next))
            outputs.append(add(gradient_part, momentum_part))
            entries.append({"mu_product": mu_product, "exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq})
        return outputs, entries

    return Transform(init, update)


def _rectified(
    corrected: Array, exp_avg_sq: Array, rho_t: Any, rho_inf: float, bias_correction2: Any, eps: float
) -> Array:
    """RAdam's momentum times the adaptive term and the variance rectification."""
    rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    adaptive = divide(bias_correction2**0.5, add(sqrt(exp_avg_sq), eps))
    return multiply(multiply(corrected, adaptive), rect)


def scale_by_radam(b1: float, b2: float, eps: float) -> Transform:
    """RAdam's direction, as ``torch.optim.RAdam``: the bias-corrected momentum, rescaled by
    Adam's adaptive term times the variance rectification once ``rho_t > 5`` (before, plain
    momentum). Needs :func:`count_steps` before it. State: ``"exp_avg"``, ``"exp_avg_sq"``.
    """

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        rho_inf = 2 / (1 - b2) - 1
        for g, state in zip(updates, states, strict=True):
            step = state["step"]
            exp_avg = _lerp(state["exp_avg"], g, 1.0 - b1)
            exp_avg_sq = _second_moment(state, g, b2)
            bias_correction2 = 1 - b2**step
            corrected = divide(exp_avg, 1 - b1**step)
            rho_t = rho_inf - 2 * step * (b2**step) / bias_correction2

            if is_tensor_like(rho_t):  # a traced step: both branches, as torch's capturable one
                rectified = _rectified(corrected, exp_avg_sq, rho_t, rho_inf, bias_correction2, eps)
                corrected = where(greater(rho_t, 5.0), rectified, corrected)
            elif rho_t > 5.0:
                corrected = _rectified(corrected, exp_avg_sq, rho_t, rho_inf, bias_correction2, eps)
            outputs.append(corrected)
            entries.append({"exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq})
        return outputs, entries

    return Transform(_moments, update)


def scale_by_adamax(b1: float, b2: float, eps: float) -> Transform:
    """Adamax's ``m / u / (1 - b1**t)``, ``u = max(b2 * u, |g| + eps)``, as ``torch.optim.Adamax``.

    Needs :func:`count_steps` before it. State: ``"exp_avg"``, ``"exp_inf"``.
    """

    def init(param: Array) -> State:
        return {"exp_avg": zeros_like(param), "exp_inf": zeros_like(param)}

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        for g, state in zip(updates, states, strict=True):
            exp_avg = _lerp(state["exp_avg"], g, 1.0 - b1)
            exp_inf = maximum(multiply(state["exp_inf"], b2), add(absolute(g), eps))
            outputs.append(divide(divide(exp_avg, exp_inf), 1 - b1 ** state["step"]))
            entries.append({"exp_avg": exp_avg, "exp_inf": exp_inf})
        return outputs, entries

    return Transform(init, update)


def scale_by_adadelta(rho: float, eps: float) -> Transform:
    """Adadelta's ``sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g``, as ``torch.optim.Adadelta``.

    State: ``"square_avg"``, ``"acc_delta"``.
    """

    def init(param: Array) -> State:
        return {"square_avg": zeros_like(param), "acc_delta": zeros_like(param)}

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        for g, state in zip(updates, states, strict=True):
            square_avg = add(multiply(state["square_avg"], rho), multiply(square(g), 1 - rho))
            std = sqrt(add(square_avg, eps))
            delta = multiply(divide(sqrt(add(state["acc_delta"], eps)), std), g)
            acc_delta = add(multiply(state["acc_delta"], rho), multiply(square(delta), 1 - rho))
            outputs.append(delta)
            entries.append({"square_avg": square_avg, "acc_delta": acc_delta})
        return outputs, entries

    return Transform(init, update)


def scale_by_rprop(
    learning_rate: float, eta_minus: float, eta_plus: float, step_size_min: float, step_size_max: float
) -> Transform:
    """Rprop's whole step, as ``torch.optim.Rprop``: ``-sign(g) * step_size`` per element.

    Each element's step size grows by ``eta_plus`` while its gradient keeps its
    sign and shrinks by ``eta_minus`` when it flips (that step is skipped),
    within ``[step_size_min, step_size_max]``; it starts at ``learning_rate``.
    State: ``"prev"``, ``"step_size"``.
    """

    def init(param: Array) -> State:
        return {"prev": zeros_like(param), "step_size": full_like(param, learning_rate)}

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        for g, state in zip(updates, states, strict=True):
            agreement = sign(multiply(g, state["prev"]))
            flipped = less(agreement, 0)
            factor = where(
                greater(agreement, 0),
                full_like(g, eta_plus),
                where(flipped, full_like(g, eta_minus), ones_like(g)),
            )
            step_size = clip(multiply(state["step_size"], factor), step_size_min, step_size_max)
            kept = where(flipped, zeros_like(g), g)  # a flipped sign skips this step
            outputs.append(multiply(sign(kept), multiply(step_size, -1.0)))
            entries.append({"prev": kept, "step_size": step_size})
        return outputs, entries

    return Transform(init, update)


def averaged_sgd(learning_rate: float, lambd: float, alpha: float, t0: float) -> Transform:
    """ASGD's whole step, as ``torch.optim.ASGD``: ``p = p * (1 - lambd * eta) - eta * g``, and the
    running average ``ax`` of the parameters once ``step > t0``.

    ``eta = lr / (1 + lambd * lr * t) ** alpha`` and ``mu = 1 / max(1, t - t0)``
    are those of the step before, rounded to float32 as PyTorch keeps them.
    Needs :func:`count_steps` before it. State: ``"eta"``, ``"mu"``, ``"ax"``.
    """

    def init(param: Array) -> State:
        return {"eta": _float32(learning_rate), "mu": 1.0, "ax": zeros_like(param)}

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        for g, state, p in zip(updates, states, params, strict=True):
            eta, mu, step = state["eta"], state["mu"], state["step"]
            change = subtract(subtract(multiply(p, 1 - lambd * eta), multiply(g, eta)), p)
            new_p = add(p, change)  # what the optimizer's assign_add makes of the parameter
            averaged = add(state["ax"], multiply(subtract(new_p, state["ax"]), mu))
            if is_tensor_like(mu):  # a traced step
                ax = where(equal(mu, 1.0), new_p, averaged)
            else:
                ax = averaged if mu != 1 else new_p
            outputs.append(change)
            entries.append(
                {
                    "eta": _float32(learning_rate / ((1 + lambd * learning_rate * step) ** alpha)),
                    "mu": _float32(
                        1 / (maximum(step - t0, 1.0) if is_tensor_like(step) else max(1, step - t0))
                    ),
                    "ax": ax,
                }
            )
        return outputs, entries

    return Transform(init, update)
