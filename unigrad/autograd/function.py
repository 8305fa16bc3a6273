"""Ops with their own backward pass: ``custom_gradient`` (TensorFlow's form), ``Function`` (PyTorch's)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..config import active_backend
from ..errors import NotSupportedError


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Define an op by its forward computation and its own gradient, as ``tf.custom_gradient``.

    ``f(*args)`` returns ``(y, grad_fn)``; ``grad_fn(dy)`` returns the gradient
    for each argument (``None`` where there is none).

    Examples:
        >>> import unigrad as ug
        >>> @ug.custom_gradient
        ... def clip_gradient(x):
        ...     return ug.asarray(x), lambda dy: ug.clip(dy, min=-1.0, max=1.0)
        >>> x = ug.asarray([1.0])
        >>> with ug.GradientTape() as tape:
        ...     tape.watch(x)
        ...     y = ug.sum(clip_gradient(x) * 5.0)
        >>> ug.to_numpy(tape.gradient(y, x)).tolist()
        [1.0]
    """
    per_backend: dict[str, Callable[..., Any]] = {}

    @functools.wraps(f)
    def wrapped(*args: Any) -> Any:
        backend = active_backend()
        native = per_backend.get(backend.name)
        if native is None:
            native = per_backend[backend.name] = backend.custom_gradient(f)
        return native(*args)

    return wrapped


class Function:
    """An op with a hand-written backward pass, in PyTorch's form, on every backend.

    Subclass it with two static methods, ``forward(ctx, *args)`` and
    ``backward(ctx, *grads)``, and call ``MyOp.apply(*args)``. ``ctx`` has
    ``save_for_backward(*tensors)``, ``saved_tensors``, ``needs_input_grad`` and
    takes any attribute. ``backward`` returns one gradient per input of
    ``forward`` (``None`` for non-tensor inputs).

    Examples:
        >>> import unigrad as ug
        >>> class MyReLU(ug.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return ug.maximum(x, 0.0)
        ...     @staticmethod
        ...     def backward(ctx, grad_output):
        ...         (x,) = ctx.saved_tensors
        ...         return ug.where(x < 0, 0.0, grad_output)
        >>> x = ug.asarray([-1.0, 2.0])
        >>> ug.to_numpy(ug.grad(lambda v: ug.sum(MyReLU.apply(v)))(x)).tolist()
        [0.0, 1.0]
    """

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotSupportedError("a ug.autograd.Function subclass defines forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise NotSupportedError("a ug.autograd.Function subclass defines backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        return active_backend().function_apply(cls, args)
