"""One way to take gradients, on each framework's own autograd.

``ug.GradientTape`` is TensorFlow's tape, mapped onto ``torch.autograd`` on
PyTorch: the same code gives the same gradients on both. ``ug.grad`` and
``ug.value_and_grad`` are the functional form, ``ug.custom_gradient`` and
``ug.autograd.Function`` the two ways to define an op's backward pass.

Examples:
    >>> import unigrad as ug
    >>> x = ug.asarray([1.0, 2.0, 3.0])
    >>> with ug.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = ug.sum(ug.square(x))
    >>> ug.to_numpy(tape.gradient(y, x))
    array([2., 4., 6.], dtype=float32)
"""

from __future__ import annotations

from .function import Function, custom_gradient
from .tape import GradientTape, no_grad, stop_gradient
from .transforms import grad, hessian, jacobian, value_and_grad

__all__ = [
    "GradientTape",
    "grad",
    "value_and_grad",
    "custom_gradient",
    "Function",
    "stop_gradient",
    "no_grad",
    "jacobian",
    "hessian",
]
