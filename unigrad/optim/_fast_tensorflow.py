"""TensorFlow fast paths: one fused resource-apply op per parameter, where it computes PyTorch's maths.

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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import tensorflow as tf

# (not exported under tf.*; the fused ops need a resource variable's handle)
from tensorflow.python.ops.resource_variable_ops import BaseResourceVariable

__all__ = ["supports", "sgd", "adam", "rmsprop", "adagrad"]

Group = Mapping[str, Any]
State = dict[str, Any]
StepFn = Callable[[Group, list[Any], list[Any], list[State]], None]

_apply = tf.raw_ops


def supports(params: list[Any], grads: list[Any]) -> bool:
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


def sgd(group: Group) -> StepFn | None:
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


def adam(group: Group) -> StepFn:
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
        common = {
            "var": p.handle,
            "m": _slot(state, "exp_avg", p).handle,
            "v": _slot(state, "exp_avg_sq", p).handle,
            "beta1_power": 0.0,
            "beta2_power": 0.0,
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


def rmsprop(group: Group) -> None:
    return None


def adagrad(group: Group) -> StepFn:
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
