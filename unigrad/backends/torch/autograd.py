"""Gradients on PyTorch: unigrad's tape over ``torch.autograd``.

PyTorch records every op on a tensor that requires grad, tape or no tape; a
unigrad tape only decides what ``gradient`` differentiates with respect to
and when the graph may be freed. ``watch`` must therefore make a plain tensor
require grad; the tape undoes that when it is done with the tensor, so user
tensors do not go on building graphs afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch

from unigrad.backends.api import ArgumentError, ArgumentTypeError

from .core import dtype_of

__all__ = [
    "parameter",
    "is_parameter",
    "rebind_parameter",
    "is_trainable",
    "make_buffer",
    "Tape",
    "watchable",
    "stop_gradient",
    "no_grad",
    "custom_gradient",
    "function_apply",
]

Tensor = torch.Tensor


class Parameter(torch.nn.Parameter):
    """A ``torch.nn.Parameter`` with TensorFlow's ``assign`` family, for unigrad code."""

    def assign(self, value: Any) -> Parameter:
        return _unrecorded(self.copy_, torch.as_tensor(value, dtype=self.dtype, device=self.device), self)

    def assign_add(self, value: Any) -> Parameter:
        return _unrecorded(self.add_, value, self)

    def assign_sub(self, value: Any) -> Parameter:
        return _unrecorded(self.sub_, value, self)


_set_grad_enabled = torch._C._set_grad_enabled  # what torch.no_grad() does, without the object


class _GradMode:
    """``torch.no_grad()`` (or ``torch.enable_grad()``) for a block, in a form torch.compile traces.

    ``ug.no_grad`` and the tape enter the backend's manager by calling ``__enter__``;
    torch.compile cannot trace that call on torch's own managers and breaks its graph
    there, but it traces ``torch.set_grad_enabled(mode)`` called as a function.
    """

    __slots__ = ("enabled", "prior")

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.prior = enabled

    def __enter__(self) -> None:
        self.prior = torch.is_grad_enabled()
        _switch_grad_mode(self.enabled)

    def __exit__(self, *exc_info: Any) -> None:
        _switch_grad_mode(self.prior)


def _switch_grad_mode(enabled: bool) -> None:
    if torch.compiler.is_compiling():
        torch.set_grad_enabled(enabled)  # (the traced form: it makes an object, so eagerly the C call)
    else:
        _set_grad_enabled(enabled)


def _unrecorded(update: Callable[[Any], Any], value: Any, result: Parameter) -> Parameter:
    """Run an in-place update outside autograd, as ``with torch.no_grad():`` would."""
    if not torch.is_grad_enabled():
        update(value)
        return result
    _set_grad_enabled(False)
    try:
        update(value)
    finally:
        _set_grad_enabled(True)
    return result


def parameter(value: Tensor, trainable: bool = True) -> Parameter:
    # a copy, as tf.Variable makes one: a parameter made from a NumPy array (which
    # torch would share) must not write its updates through into that array
    data = value.detach().clone()
    if trainable and not (data.dtype.is_floating_point or data.dtype.is_complex):
        raise ArgumentTypeError(f"a trainable parameter needs a floating-point dtype, got {dtype_of(data)}")
    return Parameter(data, requires_grad=trainable)


def is_parameter(x: object) -> bool:
    return isinstance(x, torch.nn.Parameter)


# How many live tapes watch each tensor that a tape made require grad: the
# flag goes back off only when the last of them is done (nested tapes watch
# the same tensors for higher-order gradients).
_watch_lock = threading.Lock()
_watch_counts: dict[int, list[Any]] = {}


def _retain(x: Tensor) -> None:
    with _watch_lock:
        entry = _watch_counts.get(id(x))
        if entry is None:
            _watch_counts[id(x)] = [x, 1]
        else:
            entry[1] += 1


def _release(x: Tensor) -> None:
    with _watch_lock:
        entry = _watch_counts.get(id(x))
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] == 0:
            del _watch_counts[id(x)]
            x.requires_grad_(False)


# The parameters a DistributedDataParallel forward left waiting for backward();
# while any are, gradient() takes distribute.backward_for_ddp (see that module).
ddp_waiting: list[Tensor] = []


class Tape:
    """The backend half of ``ug.GradientTape``."""

    def __init__(self, persistent: bool) -> None:
        self.persistent = persistent
        self._watched: list[Tensor] = []
        self._grad_mode: _GradMode | None = None

    def __enter__(self) -> Tape:
        # a tape records even inside torch.no_grad(), as a TensorFlow tape would
        if not torch.is_grad_enabled():
            self._grad_mode = _GradMode(True)
            self._grad_mode.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._grad_mode is not None:
            self._grad_mode.__exit__(*exc_info)
            self._grad_mode = None

    def watch(self, x: Tensor) -> None:
        if x.requires_grad or not (x.dtype.is_floating_point or x.dtype.is_complex):
            return  # already recorded, or not differentiable (a TF tape ignores it too)
        x.requires_grad_(True)
        _retain(x)
        self._watched.append(x)

    def gradient(
        self,
        targets: Sequence[Tensor],
        sources: Sequence[Any],
        output_gradients: Sequence[Any] | None,
        create_graph: bool,
    ) -> list[Tensor | None]:
        retain = self.persistent or create_graph
        if ddp_waiting:
            from .distribute import backward_for_ddp

            return backward_for_ddp(targets, sources, output_gradients, retain, create_graph)
        if (
            len(targets) == 1
            and output_gradients is None
            and targets[0].requires_grad
            and targets[0].numel() == 1
            and all(isinstance(s, Tensor) and s.requires_grad for s in sources)
        ):
            # the training-step case: one scalar loss, parameters as sources
            return list(
                torch.autograd.grad(
                    targets[0], sources, retain_graph=retain, create_graph=create_graph, allow_unused=True
                )
            )
        live = [i for i, s in enumerate(sources) if isinstance(s, Tensor) and s.requires_grad]
        pairs = [
            (t, output_gradients[i] if output_gradients is not None else None)
            for i, t in enumerate(targets)
            if isinstance(t, Tensor) and t.requires_grad
        ]
        found: list[Tensor | None] = [None] * len(sources)
        if not live or not pairs:
            return found
        outputs = [t for t, _ in pairs]
        # no seed for a scalar target: torch makes the ones itself, in C++
        seeds = [g if g is not None or t.numel() == 1 else torch.ones_like(t) for t, g in pairs]
        grads = torch.autograd.grad(
            outputs,
            [sources[i] for i in live],
            grad_outputs=seeds,
            retain_graph=retain,
            create_graph=create_graph,
            allow_unused=True,
        )
        for i, g in zip(live, grads, strict=True):
            found[i] = g
        return found

    @contextmanager
    def stop_recording(self) -> Iterator[None]:
        with torch.no_grad():
            yield

    def release(self) -> None:
        watched, self._watched = self._watched, []
        for x in watched:
            _release(x)


def watchable(x: Tensor) -> Tensor:
    """``x`` or a fresh leaf sharing its memory, ready to be differentiated against."""
    if x.requires_grad or not (x.dtype.is_floating_point or x.dtype.is_complex):
        return x
    return x.detach().requires_grad_(True)


def stop_gradient(x: Tensor) -> Tensor:
    return x.detach()


def no_grad(tapes: Sequence[Any]) -> Any:
    return _GradMode(False)


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f(*args) -> (y, grad_fn)`` as one differentiable op whose gradient is ``grad_fn``."""

    class _Custom(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, *args: Any) -> Any:
            result, grad_fn = f(*args)
            ctx.grad_fn = grad_fn
            ctx.tensor_args = [isinstance(a, Tensor) for a in args]
            return result

        @staticmethod
        def backward(ctx: Any, *grads: Any) -> Any:
            found = ctx.grad_fn(*grads)
            return _per_input(found, ctx.tensor_args)

    def wrapped(*args: Any) -> Any:
        return _Custom.apply(*args)

    wrapped.__wrapped__ = f  # type: ignore[attr-defined]
    return wrapped


def _per_input(found: Any, tensor_args: Sequence[bool]) -> tuple[Any, ...]:
    """``grad_fn``'s answer as one gradient per input, ``None`` for non-tensors."""
    grads = tuple(found) if isinstance(found, (list, tuple)) else (found,)
    if len(grads) == len(tensor_args):
        return grads
    if len(grads) == sum(tensor_args):  # gradients for the tensor inputs only
        it = iter(grads)
        return tuple(next(it) if is_tensor else None for is_tensor in tensor_args)
    raise ArgumentError(
        f"the gradient function returned {len(grads)} gradients for {len(tensor_args)} inputs "
        f"({sum(tensor_args)} of them tensors); return one per input, None where there is none"
    )


_FUNCTIONS: dict[type, type[torch.autograd.Function]] = {}


def function_apply(cls: type, args: tuple[Any, ...]) -> Any:
    """``cls.apply(*args)`` for a ``ug.autograd.Function``: a torch.autograd.Function, nearly as it is."""
    native = _FUNCTIONS.get(cls)
    if native is None:
        user_forward, user_backward = cls.forward, cls.backward  # type: ignore[attr-defined]

        def forward(ctx: Any, *inputs: Any) -> Any:
            ctx.tensor_inputs = [isinstance(a, Tensor) for a in inputs]
            return user_forward(ctx, *inputs)

        def backward(ctx: Any, *grads: Any) -> Any:
            return _per_input(user_backward(ctx, *grads), ctx.tensor_inputs)

        native = type(
            f"{cls.__name__}_torch",
            (torch.autograd.Function,),
            {"forward": staticmethod(forward), "backward": staticmethod(backward)},
        )
        _FUNCTIONS[cls] = native
    return native.apply(*args)


def rebind_parameter(p: Parameter, value: Tensor) -> Parameter:
    """``p`` holding ``value`` (moved, say): the same object, as ``torch.nn.Module.to`` keeps it."""
    p.data = value.detach()
    return p


def is_trainable(p: Any) -> bool:
    return bool(p.requires_grad)


def make_buffer(value: Tensor) -> Tensor:
    """A module buffer: the tensor itself, as torch.nn.Module keeps it."""
    return value
