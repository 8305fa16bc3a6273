"""Gradient clipping in place, as ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_``.

unigrad's parameters carry no ``.grad``: gradients come from
``tape.gradient`` as a list (or dict). So these functions clip *the
container* in place: each gradient in the list (or dict) is replaced by its
clipped value, on every backend (a TensorFlow tensor cannot change in place;
a list can), and the same list then goes to ``optimizer.step``::

    grads = tape.gradient(loss, params)
    ug.nn.utils.clip_grad_norm_(grads, max_norm=1.0)
    optimizer.step(grads)

On the torch backend, torch parameters (``ug.nn.Parameter``,
``torch.nn.Parameter``) may be given instead, as in PyTorch: their ``.grad``
is scaled in place. :func:`unigrad.optim.clip_grad_norm` is the functional
form, which returns new gradients.
"""

from __future__ import annotations

import math
from collections.abc import MutableMapping, MutableSequence
from typing import Any

from ...autograd import no_grad
from ...errors import ArgumentTypeError
from ...ops.conversion import backend_of, to_numpy
from ...optim._checks import OptimizerError
from ...optim.clipping import clip_grad_norm, clip_grad_value
from ...types import Array

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _is_parameter(x: Any) -> bool:
    return hasattr(x, "shape") and backend_of(x).is_parameter(x)


def _gradients(parameters_or_grads: Any) -> tuple[list[Any], Any]:
    """The gradients, and how to write clipped ones back (a function of the clipped list)."""
    if hasattr(parameters_or_grads, "shape"):  # one tensor: a parameter, or one gradient
        parameters_or_grads = [parameters_or_grads]
        single = True
    else:
        single = False
    if isinstance(parameters_or_grads, MutableMapping):
        items = list(parameters_or_grads.values())
    else:
        items = list(parameters_or_grads)
    present = [x for x in items if x is not None]
    if present and all(_is_parameter(x) for x in present):
        if not all(hasattr(p, "grad") for p in items):
            raise ArgumentTypeError(
                f"{backend_of(items[0]).name} parameters carry no .grad; pass the gradients instead "
                "(grads = tape.gradient(loss, params); clip_grad_norm_(grads, max_norm))"
            )
        return [p.grad for p in items], lambda clipped: _write_to_grad(items, clipped)
    if single or not isinstance(parameters_or_grads, (MutableSequence, MutableMapping)):
        raise ArgumentTypeError(
            f"clip_grad_norm_ and clip_grad_value_ clip gradients in place: pass them in a list (or dict), "
            f"which is updated, got {type(parameters_or_grads if not single else items[0]).__name__}; "
            "or use ug.optim.clip_grad_norm, which returns the clipped gradients"
        )

    container = parameters_or_grads

    def write(clipped: list[Any]) -> None:
        if isinstance(container, MutableMapping):
            container.update(zip(container, clipped, strict=True))
        else:
            container[:] = clipped

    return items, write


def _write_to_grad(params: list[Any], clipped: list[Any]) -> None:
    with no_grad():
        for p, g in zip(params, clipped, strict=True):
            if p.grad is not None:
                p.grad.copy_(g)


def clip_grad_norm_(
    parameters_or_grads: Any,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Array:
    """Scale the gradients so that their joint norm is at most ``max_norm``; return that norm before.

    The maths of ``torch.nn.utils.clip_grad_norm_`` (see
    :func:`unigrad.optim.clip_grad_norm`): each gradient is multiplied by
    ``min(max_norm / (total_norm + 1e-6), 1)``.

    Args:
        parameters_or_grads: a list (or dict) of gradients, whose items are
            replaced by the clipped ones (``None`` items stay); or, on the torch
            backend, torch parameters (an iterable, or one), whose ``.grad`` is
            scaled in place.
        max_norm: the largest norm allowed.
        norm_type: the order of the norm (``math.inf`` for the largest absolute value).
        error_if_nonfinite: raise :class:`~unigrad.optim.OptimizerError` if the
            total norm is NaN or infinite (else the gradients become NaN, as in PyTorch).
        foreach: accepted for PyTorch's signature; the backend picks its kernels.

    Returns:
        The total norm of the gradients before clipping, a 0-d tensor.

    Examples:
        >>> import unigrad as ug
        >>> grads = [ug.asarray([3.0, 4.0]), None]
        >>> norm = ug.nn.utils.clip_grad_norm_(grads, max_norm=1.0)
        >>> float(ug.to_numpy(norm)), [round(v, 4) for v in ug.to_numpy(grads[0]).tolist()], grads[1]
        (5.0, [0.6, 0.8], None)
    """
    grads, write = _gradients(parameters_or_grads)
    clipped, total = clip_grad_norm(grads, max_norm, norm_type)
    if error_if_nonfinite and not math.isfinite(float(to_numpy(total))):
        raise OptimizerError(
            f"the total norm of order {norm_type} of the gradients is non-finite ({float(to_numpy(total))}), "
            "so it cannot be clipped; pass error_if_nonfinite=False to clip anyway"
        )
    write(clipped)
    return total


def clip_grad_value_(parameters_or_grads: Any, clip_value: float, foreach: bool | None = None) -> None:
    """Clip each gradient elementwise to ``[-clip_value, clip_value]``, in place as :func:`clip_grad_norm_`.

    Examples:
        >>> import unigrad as ug
        >>> grads = {"w": ug.asarray([-3.0, 0.5])}
        >>> ug.nn.utils.clip_grad_value_(grads, 1.0)
        >>> ug.to_numpy(grads["w"]).tolist()
        [-1.0, 0.5]
    """
    grads, write = _gradients(parameters_or_grads)
    write(clip_grad_value(grads, clip_value))
