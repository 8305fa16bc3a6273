"""Optimizers as small composable pieces, in the manner of optax.

A :class:`Transform` turns the gradients of a group of parameters into the
updates that are added to them. It is a pair of pure functions:

* ``init(param)`` gives one parameter's state: a dict of named entries
  (``{"exp_avg": zeros}``), named as ``torch.optim`` names them, so that an
  optimizer's ``state_dict`` reads like PyTorch's;
* ``update(updates, states, params)`` takes the incoming updates and the
  per-parameter states of the parameters being stepped, and returns the
  outgoing updates and, for each parameter, the entries it changed.

:func:`chain` runs pieces one after another; each sees the entries the earlier
ones wrote, so ``count_steps()`` first gives the others an up-to-date
``"step"``. The maths follows ``torch.optim`` step for step (same order, same
``eps`` placement, same bias corrections), over ``ug`` ops, so it runs on
every backend.

Examples:
    >>> import unigrad as ug
    >>> from unigrad.optim import transforms as T
    >>> sgd = T.chain(T.trace(momentum=0.9), T.scale_by_learning_rate(0.1))
    >>> w = ug.asarray([1.0, 2.0])
    >>> state = sgd.init(w)
    >>> for _ in range(2):
    ...     updates, changes = sgd.update([ug.ones(2)], [state], [w])
    ...     state.update(changes[0])
    >>> [round(v, 4) for v in ug.to_numpy(updates[0]).tolist()]  # -0.1 * (0.9 * 1 + 1)
    [-0.19, -0.19]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from ..ops.binary import add, divide, maximum, multiply, subtract
from ..ops.creation import asarray, full_like, zeros_like
from ..ops.unary import sqrt, square
from ..types import Array

__all__ = [
    "State",
    "Transform",
    "chain",
    "count_steps",
    "add_decayed_weights",
    "trace",
    "scale_by_adam",
    "scale_by_rms",
    "scale_by_sum_of_squares",
    "scale_by_inverse_time_decay",
    "scale_by_learning_rate",
    "scale_by_nadam",
    "scale_by_radam",
    "scale_by_adamax",
    "scale_by_adadelta",
    "scale_by_rprop",
    "averaged_sgd",
]

State = dict[str, Any]
"""One parameter's state: named entries (tensors, or a Python int ``"step"``)."""

Updates = list[Array]
UpdateFn = Callable[[Updates, list[State], list[Array]], tuple[Updates, list[State]]]


class Transform(NamedTuple):
    """A gradient transformation: ``init(param) -> state`` and
    ``update(updates, states, params) -> (updates, changed entries)``."""

    init: Callable[[Array], State]
    update: UpdateFn


def _no_state(param: Array) -> State:
    return {}


def _stateless(function: Callable[[Array, Array], Array]) -> Transform:
    """A transform that maps each (update, param) pair and keeps no state."""

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        return [function(u, p) for u, p in zip(updates, params, strict=True)], [{} for _ in updates]

    return Transform(_no_state, update)


def _identity() -> Transform:
    return _stateless(lambda u, p: u)


def _lerp(start: Array, end: Array, weight: float) -> Array:
    """``start + weight * (end - start)``, rounded as ``torch.lerp`` rounds it."""
    # torch switches form at 0.5 so that weight 1 gives exactly `end`; doing the
    # same keeps Adam's moments equal to torch's to the last bit
    if weight < 0.5:
        return add(start, multiply(subtract(end, start), weight))
    return subtract(end, multiply(subtract(end, start), 1.0 - weight))


def chain(*transforms: Transform) -> Transform:
    """The transforms applied one after another, their states merged in one dict per parameter.

    Examples:
        >>> from unigrad.optim import transforms as T
        >>> sgd = T.chain(T.add_decayed_weights(1e-4), T.scale_by_learning_rate(0.1))
    """

    def init(param: Array) -> State:
        state: State = {}
        for transform in transforms:
            state.update(transform.init(param))
        return state

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        current = [dict(s) for s in states]
        changed: list[State] = [{} for _ in states]
        for transform in transforms:
            updates, entries = transform.update(updates, current, params)
            for state, change, entry in zip(current, changed, entries, strict=True):
                state.update(entry)
                change.update(entry)
        return updates, changed

    return Transform(init, update)


def count_steps() -> Transform:
    """Counts the steps each parameter has taken in ``"step"`` (a Python int), for the pieces after it."""

    def init(param: Array) -> State:
        return {"step": 0}

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        return updates, [{"step": s.get("step", 0) + 1} for s in states]

    return Transform(init, update)


def add_decayed_weights(weight_decay: float) -> Transform:
    """``update + weight_decay * param``: L2 decay before a rescaling, decoupled (AdamW) after it."""
    if weight_decay == 0:
        return _identity()
    return _stateless(lambda u, p: add(u, multiply(p, weight_decay)))


def trace(momentum: float, dampening: float = 0.0, nesterov: bool = False) -> Transform:
    """Momentum, as ``torch.optim.SGD``: ``buf = momentum * buf + (1 - dampening) * update``.

    The first step sets ``buf = update`` (no dampening), as PyTorch does; with
    ``nesterov`` the output is ``update + momentum * buf``, otherwise ``buf``.
    State: ``"momentum_buffer"``, made on the first step.
    """
    if momentum == 0:
        return _identity()

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        for u, state in zip(updates, states, strict=True):
            buf = state.get("momentum_buffer")
            if buf is None:
                # a copy: a fast path may later update the buffer in place, and
                # it must not be the caller's gradient tensor
                buf = asarray(u, copy=True)
            else:
                buf = add(multiply(buf, momentum), multiply(u, 1.0 - dampening))
            outputs.append(add(u, multiply(buf, momentum)) if nesterov else buf)
            entries.append({"momentum_buffer": buf})
        return outputs, entries

    return Transform(_no_state, update)


def _second_moment(state: State, g: Array, b2: float) -> Array:
    return add(multiply(state["exp_avg_sq"], b2), multiply(square(g), 1.0 - b2))


def _moments(param: Array) -> State:
    return {"exp_avg": zeros_like(param), "exp_avg_sq": zeros_like(param)}


def scale_by_adam(b1: float, b2: float, eps: float, amsgrad: bool = False) -> Transform:
    """Adam's direction ``m_hat / (sqrt(v_hat) + eps)``, bias-corrected by each parameter's ``"step"``.

    Computed as PyTorch computes it: ``denom = sqrt(v) / sqrt(1 - b2**t) + eps``
    and ``m / denom / (1 - b1**t)``. With ``amsgrad`` the running maximum of
    ``v`` replaces ``v``. Needs :func:`count_steps` before it. State:
    ``"exp_avg"``, ``"exp_avg_sq"`` (and ``"max_exp_avg_sq"``).
    """

    def init(param: Array) -> State:
        state = _moments(param)
        if amsgrad:
            state["max_exp_avg_sq"] = zeros_like(param)
        return state

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        for g, state in zip(updates, states, strict=True):
            step = state["step"]
            exp_avg = _lerp(state["exp_avg"], g, 1.0 - b1)
            exp_avg_sq = _second_moment(state, g, b2)
            entry = {"exp_avg": exp_avg, "exp_avg_sq": exp_avg_sq}
            second = exp_avg_sq
            if amsgrad:
                previous = state.get("max_exp_avg_sq")
                second = exp_avg_sq if previous is None else maximum(previous, exp_avg_sq)
                entry["max_exp_avg_sq"] = second
            bias_correction1 = 1.0 - b1**step
            bias_correction2_sqrt = (1.0 - b2**step) ** 0.5
            denom = add(divide(sqrt(second), bias_correction2_sqrt), eps)
            outputs.append(divide(divide(exp_avg, denom), bias_correction1))
            entries.append(entry)
        return outputs, entries

    return Transform(init, update)


def scale_by_rms(alpha: float, eps: float, centered: bool = False) -> Transform:
    """RMSprop's ``update / (sqrt(square_avg) + eps)`` (eps outside the root, as PyTorch).

    ``centered`` subtracts the square of the running mean of the updates under
    the root. State: ``"square_avg"`` (and ``"grad_avg"``).
    """

    def init(param: Array) -> State:
        state = {"square_avg": zeros_like(param)}
        if centered:
            state["grad_avg"] = zeros_like(param)
        return state

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs, entries = [], []
        for g, state in zip(updates, states, strict=True):
            square_avg = add(multiply(state["square_avg"], alpha), multiply(square(g), 1.0 - alpha))
            entry = {"square_avg": square_avg}
            if centered:
                grad_avg = _lerp(state["grad_avg"], g, 1.0 - alpha)
                entry["grad_avg"] = grad_avg
                avg = sqrt(subtract(square_avg, square(grad_avg)))
            else:
                avg = sqrt(square_avg)
            outputs.append(divide(g, add(avg, eps)))
            entries.append(entry)
        return outputs, entries

    return Transform(init, update)


def scale_by_sum_of_squares(initial_accumulator_value: float, eps: float) -> Transform:
    """Adagrad's ``update / (sqrt(sum of squared updates) + eps)``. State: ``"sum"``."""

    def init(param: Array) -> State:
        return {"sum": full_like(param, initial_accumulator_value)}

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        sums = [add(state["sum"], square(g)) for g, state in zip(updates, states, strict=True)]
        outputs = [divide(g, add(sqrt(total), eps)) for g, total in zip(updates, sums, strict=True)]
        return outputs, [{"sum": total} for total in sums]

    return Transform(init, update)


def scale_by_inverse_time_decay(decay: float) -> Transform:
    """``update / (1 + (step - 1) * decay)``: Adagrad's ``lr_decay``. Needs :func:`count_steps` before it."""
    if decay == 0:
        return _identity()

    def update(updates: Updates, states: list[State], params: list[Array]) -> tuple[Updates, list[State]]:
        outputs = [divide(u, 1.0 + (s["step"] - 1) * decay) for u, s in zip(updates, states, strict=True)]
        return outputs, [{} for _ in updates]

    return Transform(_no_state, update)


def scale_by_learning_rate(learning_rate: float) -> Transform:
    """``-learning_rate * update``: the step that is added to the parameter."""
    return _stateless(lambda u, p: multiply(u, -learning_rate))


# the transforms of the less common optimizers live in their own module, which imports the
# helpers above: imported last, once everything it needs from here is defined
# (in the order of __all__, which the API reference follows)
from .transforms_more import (  # noqa: E402, I001 - it imports this module's helpers
    scale_by_nadam,
    scale_by_radam,
    scale_by_adamax,
    scale_by_adadelta,
    scale_by_rprop,
    averaged_sgd,
)
