"""PyTorch fast paths: a whole group in a handful of ``torch._foreach_*`` calls.

The same sequence of multi-tensor ops as ``torch.optim``'s ``foreach=True``
implementations, so the numbers are PyTorch's own; tests hold them to the
generic path. Each public function takes a group's options and returns the
step function for them (all options are supported here). Steps run under
``torch.no_grad()`` (the optimizer's ``ug.no_grad()``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

__all__ = ["supports", "sgd", "adam", "rmsprop", "adagrad"]

Tensor = torch.Tensor
Group = Mapping[str, Any]
State = dict[str, Any]
StepFn = Callable[[Group, list[Tensor], list[Tensor], list[State]], None]


def supports(params: list[Any], grads: list[Any]) -> bool:
    """Whether the group is plain dense torch tensors, which the foreach ops take."""
    return all(isinstance(p, Tensor) and p.is_leaf for p in params) and all(
        isinstance(g, Tensor) and g.layout == torch.strided for g in grads
    )


def _with_weight_decay(group: Group, params: list[Tensor], grads: list[Tensor]) -> list[Tensor]:
    weight_decay = group["weight_decay"]
    # out of place: the gradients are the caller's
    return list(torch._foreach_add(grads, params, alpha=weight_decay)) if weight_decay else grads


def _count_steps(states: list[State]) -> list[int]:
    for state in states:
        state["step"] = state.get("step", 0) + 1
    return [state["step"] for state in states]


def _entries(states: list[State], name: str, params: list[Tensor]) -> list[Tensor]:
    """The named state tensors, zeros where a state lacks one (options changed since it was made)."""
    found = []
    for state, p in zip(states, params, strict=True):
        if state.get(name) is None:
            state[name] = torch.zeros_like(p, memory_format=torch.preserve_format)
        found.append(state[name])
    return found


def sgd(group: Group) -> StepFn:
    return _sgd


def _sgd(group: Group, params: list[Tensor], grads: list[Tensor], states: list[State]) -> None:
    grads = _with_weight_decay(group, params, grads)
    momentum, dampening = group["momentum"], group["dampening"]
    if momentum != 0:
        old = [i for i, state in enumerate(states) if state.get("momentum_buffer") is not None]
        if old:
            running = [states[i]["momentum_buffer"] for i in old]
            torch._foreach_mul_(running, momentum)
            torch._foreach_add_(running, [grads[i] for i in old], alpha=1 - dampening)
        for state, g in zip(states, grads, strict=True):
            if state.get("momentum_buffer") is None:  # the first step takes the gradient as it is
                state["momentum_buffer"] = g.detach().clone()
        buffers = [state["momentum_buffer"] for state in states]
        grads = list(torch._foreach_add(grads, buffers, alpha=momentum)) if group["nesterov"] else buffers
    torch._foreach_add_(params, grads, alpha=-group["lr"])


def adam(group: Group) -> StepFn:
    return _adam


def _adam(group: Group, params: list[Tensor], grads: list[Tensor], states: list[State]) -> None:
    lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
    steps = _count_steps(states)
    if group["weight_decay"] and group["decoupled_weight_decay"]:
        torch._foreach_mul_(params, 1 - lr * group["weight_decay"])
    else:
        grads = _with_weight_decay(group, params, grads)
    exp_avgs = _entries(states, "exp_avg", params)
    exp_avg_sqs = _entries(states, "exp_avg_sq", params)
    torch._foreach_lerp_(exp_avgs, grads, 1 - beta1)
    torch._foreach_mul_(exp_avg_sqs, beta2)
    torch._foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)
    step_sizes = [(lr / (1 - beta1**t)) * -1 for t in steps]
    bias_correction2_sqrt = [(1 - beta2**t) ** 0.5 for t in steps]
    if group["amsgrad"]:
        maxima = _entries(states, "max_exp_avg_sq", params)
        torch._foreach_maximum_(maxima, exp_avg_sqs)
        denom = torch._foreach_sqrt(maxima)
    else:
        denom = torch._foreach_sqrt(exp_avg_sqs)
    torch._foreach_div_(denom, bias_correction2_sqrt)
    torch._foreach_add_(denom, eps)
    torch._foreach_addcdiv_(params, exp_avgs, denom, step_sizes)


def rmsprop(group: Group) -> StepFn:
    return _rmsprop


def _rmsprop(group: Group, params: list[Tensor], grads: list[Tensor], states: list[State]) -> None:
    alpha, momentum = group["alpha"], group["momentum"]
    _count_steps(states)
    grads = _with_weight_decay(group, params, grads)
    square_avgs = _entries(states, "square_avg", params)
    torch._foreach_mul_(square_avgs, alpha)
    torch._foreach_addcmul_(square_avgs, grads, grads, value=1 - alpha)
    if group["centered"]:
        grad_avgs = _entries(states, "grad_avg", params)
        torch._foreach_lerp_(grad_avgs, grads, 1 - alpha)
        avg = torch._foreach_addcmul(square_avgs, grad_avgs, grad_avgs, value=-1)
        torch._foreach_sqrt_(avg)
    else:
        avg = torch._foreach_sqrt(square_avgs)
    torch._foreach_add_(avg, group["eps"])
    if momentum > 0:
        buffers = _entries(states, "momentum_buffer", params)  # zeros at first, as torch's
        torch._foreach_mul_(buffers, momentum)
        torch._foreach_addcdiv_(buffers, grads, avg)
        torch._foreach_add_(params, buffers, alpha=-group["lr"])
    else:
        torch._foreach_addcdiv_(params, grads, avg, value=-group["lr"])


def adagrad(group: Group) -> StepFn:
    return _adagrad


def _adagrad(group: Group, params: list[Tensor], grads: list[Tensor], states: list[State]) -> None:
    lr, lr_decay = group["lr"], group["lr_decay"]
    steps = _count_steps(states)
    grads = _with_weight_decay(group, params, grads)
    minus_clr = [-lr / (1 + (t - 1) * lr_decay) for t in steps]
    sums = _entries(states, "sum", params)
    torch._foreach_addcmul_(sums, grads, grads, value=1)
    std = torch._foreach_sqrt(sums)
    torch._foreach_add_(std, group["eps"])
    torch._foreach_addcdiv_(params, torch._foreach_mul(grads, minus_clr), std)
