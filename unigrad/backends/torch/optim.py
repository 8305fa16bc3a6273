"""Optimizer kernels (PyTorch): each ug.optim group in a handful of ``torch._foreach_*`` calls.

The same sequence of multi-tensor ops as ``torch.optim``'s ``foreach=True``
implementations, so the numbers are PyTorch's own; tests hold them to the
generic path. :func:`optim_fused_step` picks the step for an optimizer's group
(every option is supported here); steps run under ``torch.no_grad()`` (the
optimizer's ``ug.no_grad()``). Optimizer state stays in plain tensors, as the
base class's defaults say.

Under ``torch.compile`` (``ug.function``) these steps are traced into the graph,
as ``torch.optim``'s are. What changes from step to step is then a tensor the
graph reads, not a Python number, which the graph would hold as a constant and
recompile for: each step count is a 0-d CPU tensor (float32, float64 for float64
parameters, as ``torch.optim``'s), and so are the bias corrections; the learning
rate is read from the group's ``lr_variable``, which the group keeps equal to
``group["lr"]`` (so schedules reach the graph). The generic path, written over
Python-side step counts, runs outside the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from .autograd import parameter

__all__ = ["optim_fused_step", "optim_run_update", "optim_prepare_group"]

Tensor = torch.Tensor
TensorList = list[Tensor] | tuple[Tensor, ...]  # (foreach ops return tuples)
Group = Mapping[str, Any]
State = dict[str, Any]
StepFn = Callable[[Group, list[Tensor], list[Tensor], list[State]], None]


def optim_fused_step(optimizer: str, group: Group, params: list[Any], grads: list[Any]) -> StepFn | None:
    """The ``torch._foreach_*`` step of ``optimizer`` for this group, if its tensors are plain dense ones."""
    make = _STEPS.get(optimizer)
    if make is None or not _supported(params, grads):
        return None
    return make(group)


def optim_run_update(update: Callable[[Any, list[Any]], None], work: Any, plans: list[Any]) -> None:
    """Run an optimizer's update: traced by ``torch.compile`` where every group takes a fused step,
    else outside the graph (a graph break), where Python-side step counts and options stay live."""
    if not torch.compiler.is_compiling():
        update(work, plans)
    elif not all(plan is not None for plan in plans):
        torch._dynamo.disable(update)(work, plans)
    else:
        update([(_with_lr_tensor(group, params), params, grads) for group, params, grads in work], plans)


def optim_prepare_group(group: Any, params: list[Any]) -> None:
    """Give the group the ``lr_variable`` a traced step reads (the group assigns ``lr`` to it).

    Made now, eagerly: made while tracing, it would break the graph.
    """
    if all(isinstance(p, Tensor) for p in params):
        dtype = _scalar_dtype(params[0])
        group.lr_variable = parameter(torch.tensor(float(group["lr"]), dtype=dtype), trainable=False)


def _with_lr_tensor(group: Any, params: list[Tensor]) -> Any:
    """The group's options with the learning rate as the tensor a traced step reads."""
    variable = getattr(group, "lr_variable", None)
    if variable is None:  # (a group made otherwise: the Python number, a constant of the graph)
        return group
    options = dict(group)
    options["lr"] = variable
    return options


def _supported(params: list[Any], grads: list[Any]) -> bool:
    """Whether the group is plain dense torch tensors, which the foreach ops take."""
    return all(isinstance(p, Tensor) and p.is_leaf for p in params) and all(
        isinstance(g, Tensor) and g.layout == torch.strided for g in grads
    )


def _with_weight_decay(group: Group, params: list[Tensor], grads: list[Tensor]) -> list[Tensor]:
    weight_decay = group["weight_decay"]
    # out of place: the gradients are the caller's
    return list(torch._foreach_add(grads, params, alpha=weight_decay)) if weight_decay else grads


def _count_steps(states: list[State], params: list[Tensor]) -> list[Any]:
    """Advance each parameter's step count; the counts, as numbers eagerly and as tensors when traced."""
    if torch.compiler.is_compiling():
        steps = []
        for state, p in zip(states, params, strict=True):
            step = state.get("step", 0)
            if not isinstance(step, Tensor):  # (the first traced step: a tensor from then on)
                step = state["step"] = torch.tensor(float(step), dtype=_scalar_dtype(p))
            steps.append(step)
        torch._foreach_add_(steps, 1.0)
        return steps
    counted = []
    for state in states:
        step = state.get("step", 0)
        if isinstance(step, Tensor):  # counted by a compiled step before: keep the tensor it reads
            counted.append(int(step.add_(1)))
        else:
            counted.append(step + 1)
            state["step"] = step + 1
    return counted


def _scalar_dtype(p: Tensor) -> torch.dtype:
    # float32 counts exactly to 2**24 steps, and keeps a compiled kernel's scalar maths in float32
    # (as torch.optim's); float64 parameters keep float64 bias corrections
    return torch.float64 if p.dtype == torch.float64 else torch.float32


def _add_scaled_(params: list[Tensor], tensors: list[Tensor], scale: Any) -> None:
    """``params += scale * tensors``, the scale a number or (traced) a 0-d tensor."""
    if isinstance(scale, Tensor):
        torch._foreach_add_(params, torch._foreach_mul(tensors, scale))
    else:
        torch._foreach_add_(params, tensors, alpha=scale)


def _addcdiv_(
    params: list[Tensor], numerators: TensorList, denominators: TensorList, scalars: list[Any]
) -> None:
    """``params += scalars * numerators / denominators``, the scalars numbers or (traced) 0-d tensors."""
    if scalars and isinstance(scalars[0], Tensor):
        # (the foreach op's tensor-of-scalars form fails under torch.compile's fake tensors: the
        # same three steps, in the op's order; inductor fuses them into one kernel)
        quotients = torch._foreach_div(numerators, denominators)
        torch._foreach_mul_(quotients, scalars)
        torch._foreach_add_(params, quotients)
    else:
        torch._foreach_addcdiv_(params, numerators, denominators, scalars)


def _entries(states: list[State], name: str, params: list[Tensor]) -> list[Tensor]:
    """The named state tensors, zeros where a state lacks one (options changed since it was made)."""
    found = []
    for state, p in zip(states, params, strict=True):
        if state.get(name) is None:
            state[name] = torch.zeros_like(p, memory_format=torch.preserve_format)
        found.append(state[name])
    return found


def _make_sgd(group: Group) -> StepFn:
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
    _add_scaled_(params, grads, -group["lr"])


def _make_adam(group: Group) -> StepFn:
    return _adam


def _adam(group: Group, params: list[Tensor], grads: list[Tensor], states: list[State]) -> None:
    lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
    steps = _count_steps(states, params)
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
    _addcdiv_(params, exp_avgs, denom, step_sizes)


def _make_rmsprop(group: Group) -> StepFn:
    return _rmsprop


def _rmsprop(group: Group, params: list[Tensor], grads: list[Tensor], states: list[State]) -> None:
    alpha, momentum = group["alpha"], group["momentum"]
    _count_steps(states, params)
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
        _add_scaled_(params, buffers, -group["lr"])
    else:
        _addcdiv_(params, grads, avg, [-group["lr"]] * len(params))


def _make_adagrad(group: Group) -> StepFn:
    return _adagrad


def _adagrad(group: Group, params: list[Tensor], grads: list[Tensor], states: list[State]) -> None:
    lr, lr_decay = group["lr"], group["lr_decay"]
    steps = _count_steps(states, params)
    grads = _with_weight_decay(group, params, grads)
    minus_clr = [-lr / (1 + (t - 1) * lr_decay) for t in steps]
    sums = _entries(states, "sum", params)
    torch._foreach_addcmul_(sums, grads, grads, value=1)
    std = torch._foreach_sqrt(sums)
    torch._foreach_add_(std, group["eps"])
    torch._foreach_addcdiv_(params, torch._foreach_mul(grads, minus_clr), std)


_STEPS: dict[str, Callable[[Group], StepFn | None]] = {
    "sgd": _make_sgd,
    "adam": _make_adam,
    "rmsprop": _make_rmsprop,
    "adagrad": _make_adagrad,
}
