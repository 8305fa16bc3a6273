"""Optimizer kernels (TensorFlow): fused resource-apply ops, and optimizer state kept in variables.

Fast paths, one fused op per parameter where it computes PyTorch's maths:

* SGD: ``ResourceApplyGradientDescent``; with momentum ``ResourceApplyMomentum``
  (``accum = accum * momentum + grad; var -= lr * accum``, its ``use_nesterov``
  is PyTorch's nesterov). Not with ``dampening``: PyTorch's first step skips
  the dampening, which the op cannot do.
* Adam: ``ResourceApplyAdam`` / ``ResourceApplyAdamWithAmsgrad``. TensorFlow
  computes ``var -= lr_t * m / (sqrt(v) + epsilon)`` with
  ``lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t)``; passing ``epsilon = eps * sqrt(1 - b2^t)``
  makes that PyTorch's ``lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``.
  The bias corrections are worked out here in float64 and handed over as
  ``lr_t`` with zero beta powers, so float32 parameters do not round them.
  Decoupled decay (AdamW) is one multiply before the op.
* Adagrad: ``ResourceApplyAdagradV2`` with PyTorch's decayed learning rate.
* RMSprop: none. TensorFlow's op puts ``eps`` inside the square root and folds
  ``lr`` into the momentum buffer; the generic path runs instead.

State tensors become ``tf.Variable`` slots, which the ops update in place.

State that survives being compiled into a graph. Eagerly, an optimizer keeps
its step counts as Python ints and its options as Python numbers, and replaces
its state tensors each step. A graph traced by ``ug.function`` would freeze all
three: the step count and learning rate become constants, and new state
tensors never leave the graph. So the first time an optimizer steps inside a
graph (:func:`optim_state_in_variables`), its state moves into variables:

* each state tensor becomes a ``tf.Variable`` that later steps assign to;
* each step count becomes a float64 variable, seen by the update maths as a
  tensor of the parameter's dtype;
* each group's learning rate becomes a variable (the group's ``lr_variable``),
  which the group keeps equal to ``group["lr"]``, so schedules and a user's
  ``param_groups[i]["lr"] = ...`` reach a compiled step.

From then on the eager path reads and writes the same variables, so eager and
compiled steps can be mixed. Other options (momentum, betas, ...) are
constants of the traced graph: change them, and make a new ``ug.function``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import tensorflow as tf

# (not exported under tf.*; the fused ops need a resource variable's handle)
from tensorflow.python.ops.resource_variable_ops import BaseResourceVariable, ResourceVariable

from unigrad.backends.api import UsageError

from .core import in_graph

__all__ = [
    "optim_fused_step",
    "optim_state_in_variables",
    "optim_init_state",
    "optim_step_in_variables",
    "optim_move_state_to_variables",
    "optim_is_state_variable",
]

Group = Mapping[str, Any]
State = dict[str, Any]
StepFn = Callable[[Group, list[Any], list[Any], list[State]], None]

_apply = tf.raw_ops


# -- the capabilities ------------------------------------------------------------------------


def optim_fused_step(optimizer: str, group: Group, params: list[Any], grads: list[Any]) -> StepFn | None:
    """The fused-op step of ``optimizer`` for this group, where one computes PyTorch's maths."""
    make = _STEPS.get(optimizer)
    if make is None or not _supported(params, grads):
        return None
    return make(group)


def optim_state_in_variables(group: Any) -> bool:
    """In a graph being traced, and ever after for a group that stepped in one."""
    return in_graph() or getattr(group, "lr_variable", None) is not None


def optim_init_state(init: Callable[[Any], State], param: Any) -> State:
    """``init(param)`` run outside the graph being traced: state must outlive the trace."""
    with tf.init_scope():
        return init(param)


def optim_step_in_variables(
    group: Any, params: list[Any], grads: list[Any], states: list[State], apply: Callable[..., None]
) -> None:
    """One step on views of the state variables (traceable), the changed entries assigned back."""
    optim_move_state_to_variables(group, states, params)
    options = dict(group)
    options["lr"] = tf.cast(group.lr_variable, params[0].dtype)
    before = _views(states, params)
    after = [dict(view) for view in before]
    apply(options, params, grads, after)
    _write_back(
        states,
        [{k: v for k, v in a.items() if b.get(k) is not v} for b, a in zip(before, after, strict=True)],
    )


def optim_move_state_to_variables(group: Any, states: list[State], params: list[Any]) -> None:
    """Move a group's learning rate and its parameters' states into variables (once).

    State that the eager path makes on the first step (a momentum buffer)
    is made now, as zeros: a traced graph cannot make it later.
    """
    if group.lr_variable is None:
        group.lr_variable = _variable(group["lr"], tf.float64)
    momentum = group.get("momentum", 0.0)
    if momentum and group.get("dampening", 0.0):
        from unigrad.backends.api import OptimizerError

        raise OptimizerError(
            "a compiled step cannot start SGD momentum with dampening != 0 as PyTorch does (the first "
            "step skips the dampening); take one eager step before compiling, or use dampening=0"
        )
    for state, p in zip(states, params, strict=True):
        if momentum and state.get("momentum_buffer") is None:
            with tf.init_scope(), _beside(p):
                # zeros give PyTorch's first step without dampening: 0 * momentum + g = g
                state["momentum_buffer"] = tf.Variable(tf.zeros(p.shape, p.dtype), trainable=False)
    for state, p in zip(states, params, strict=True):
        for key, value in list(state.items()):
            if optim_is_state_variable(value) or value is None:
                continue
            if key == "step" or isinstance(value, float):  # (a float: scalar state, like ASGD's eta)
                state[key] = _variable(value, tf.float64)
            elif hasattr(value, "shape"):
                with tf.init_scope(), _beside(p):
                    state[key] = tf.Variable(tf.identity(value), trainable=False)


def optim_is_state_variable(value: Any) -> bool:
    """A variable (asked of the type: a tf.distribute variable's ``.handle`` raises outside a replica)."""
    return hasattr(value, "assign") and hasattr(type(value), "handle")


# -- state in variables ----------------------------------------------------------------------


def _variable(value: Any, dtype: Any = None) -> Any:
    with tf.init_scope():  # made eagerly, outside the graph being traced
        if dtype is not None:
            return tf.Variable(tf.constant(float(value), dtype), trainable=False)
        return tf.Variable(value, trainable=False)


def _beside(p: Any) -> Any:
    """A device scope on a plain variable's device, so that its optimizer state sits with it (a
    tf.distribute variable is left to its strategy, which places its state's copies itself)."""
    return tf.device(p.device) if type(p) is ResourceVariable else contextlib.nullcontext()


def _views(states: list[State], params: list[Any]) -> list[State]:
    """What the update maths sees: variables as they are, step counts and scalar state as tensors of
    the parameter's dtype."""
    found = []
    for state, p in zip(states, params, strict=True):
        view = dict(state)
        for key, value in state.items():
            # the step count, and scalar state (NAdam's mu_product, ASGD's eta), in float64 variables
            if not optim_is_state_variable(value):
                continue
            if key == "step" or (value.shape == () and value.dtype == tf.float64 and p.dtype != tf.float64):
                view[key] = tf.cast(value, p.dtype)
        found.append(view)
    return found


def _write_back(states: Sequence[State], changes: Sequence[Mapping[str, Any]]) -> None:
    """Assign the changed entries to the state variables."""
    for state, change in zip(states, changes, strict=True):
        for key, value in change.items():
            current: Any = state.get(key)
            if current is value:
                continue
            if optim_is_state_variable(current):
                current.assign(tf.cast(value, current.dtype))
            else:
                raise UsageError(
                    f"optimizer state {key!r} appeared inside a compiled step; unigrad makes every "
                    "state entry before tracing, so this is a bug: please report it"
                )


# -- fused ops -------------------------------------------------------------------------------


def _supported(params: list[Any], grads: list[Any]) -> bool:
    """Whether the group is resource variables with dense gradients, which the fused ops take."""
    return all(isinstance(p, BaseResourceVariable) for p in params) and all(
        isinstance(g, tf.Tensor) for g in grads
    )


def _with_weight_decay(group: Group, params: list[Any], grads: list[Any]) -> list[Any]:
    weight_decay = group["weight_decay"]
    return [g + p * weight_decay for p, g in zip(params, grads, strict=True)] if weight_decay else grads


def _slot(state: State, name: str, p: Any) -> Any:
    """The named state as a variable the ops can update (zeros if missing)."""
    value = state.get(name)
    if not isinstance(value, tf.Variable):
        with tf.device(p.device):  # beside its parameter: a fused op takes its inputs on one device
            value = tf.zeros_like(p) if value is None else value
            value = state[name] = tf.Variable(value, trainable=False)
    return value


def _scale(p: Any, factor: float) -> None:
    """``p *= factor`` in place; the raw ops skip ``tf.Variable.assign``'s Python layers (~2x faster)."""
    value = _apply.ReadVariableOp(resource=p.handle, dtype=p.dtype)
    # (tf.cast of a Python float would go through float32 first: build the constant in the dtype)
    scale = tf.cast(factor, p.dtype) if isinstance(factor, tf.Tensor) else tf.constant(factor, p.dtype)
    _apply.AssignVariableOp(resource=p.handle, value=_apply.Mul(x=value, y=scale))


def _make_sgd(group: Group) -> StepFn | None:
    if group["momentum"] == 0:
        return _gradient_descent
    return _momentum if group["dampening"] == 0 else None


def _gradient_descent(group: Group, params: list[Any], grads: list[Any], states: list[State]) -> None:
    for p, g in zip(params, _with_weight_decay(group, params, grads), strict=True):
        _apply.ResourceApplyGradientDescent(var=p.handle, alpha=group["lr"], delta=g)


def _momentum(group: Group, params: list[Any], grads: list[Any], states: list[State]) -> None:
    # a zero accumulator gives PyTorch's first step, buf = grad: 0 * momentum + grad
    grads = _with_weight_decay(group, params, grads)
    for p, g, state in zip(params, grads, states, strict=True):
        _apply.ResourceApplyMomentum(
            var=p.handle,
            accum=_slot(state, "momentum_buffer", p).handle,
            lr=group["lr"],
            grad=g,
            momentum=group["momentum"],
            use_nesterov=group["nesterov"],
        )


def _make_adam(group: Group) -> StepFn:
    return _adam


def _adam(group: Group, params: list[Any], grads: list[Any], states: list[State]) -> None:
    lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
    if group["weight_decay"] and group["decoupled_weight_decay"]:
        for p in params:
            _scale(p, 1 - lr * group["weight_decay"])
    else:
        grads = _with_weight_decay(group, params, grads)
    for p, g, state in zip(params, grads, states, strict=True):
        state["step"] = step = state.get("step", 0) + 1
        bias_correction2_sqrt = (1 - beta2**step) ** 0.5
        # the op takes its dtype from the first scalar: in a traced step lr is a tensor of the
        # parameter's dtype, and a Python 0.0 before it would make the op float32
        zero = tf.zeros((), p.dtype) if isinstance(lr, tf.Tensor) else 0.0
        common = {
            "var": p.handle,
            "m": _slot(state, "exp_avg", p).handle,
            "v": _slot(state, "exp_avg_sq", p).handle,
            "beta1_power": zero,
            "beta2_power": zero,
            "lr": lr * bias_correction2_sqrt / (1 - beta1**step),
            "beta1": beta1,
            "beta2": beta2,
            "epsilon": eps * bias_correction2_sqrt,
            "grad": g,
        }
        if group["amsgrad"]:
            _apply.ResourceApplyAdamWithAmsgrad(vhat=_slot(state, "max_exp_avg_sq", p).handle, **common)
        else:
            _apply.ResourceApplyAdam(**common)


def _make_rmsprop(group: Group) -> None:
    # TensorFlow's op puts eps inside the square root and folds lr into the momentum buffer
    return None


def _make_adagrad(group: Group) -> StepFn:
    return _adagrad


def _adagrad(group: Group, params: list[Any], grads: list[Any], states: list[State]) -> None:
    grads = _with_weight_decay(group, params, grads)
    for p, g, state in zip(params, grads, states, strict=True):
        state["step"] = step = state.get("step", 0) + 1
        _apply.ResourceApplyAdagradV2(
            var=p.handle,
            accum=_slot(state, "sum", p).handle,
            lr=group["lr"] / (1 + (step - 1) * group["lr_decay"]),
            epsilon=group["eps"],
            grad=g,
        )


_STEPS: dict[str, Callable[[Group], StepFn | None]] = {
    "sgd": _make_sgd,
    "adam": _make_adam,
    "rmsprop": _make_rmsprop,
    "adagrad": _make_adagrad,
}
