"""The functional forms: ``grad``, ``value_and_grad``, ``jacobian``, ``hessian``, over a tape."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import tree
from ..config import active_backend
from ..errors import ArgumentError, ArgumentTypeError
from ..ops.creation import asarray
from .tape import GradientTape


def _argnums(argnums: int | Sequence[int], n_args: int) -> tuple[int, ...]:
    chosen = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in chosen:
        if not -n_args <= i < n_args:
            raise ArgumentError(
                f"argnums {argnums!r} names argument {i}, but the function got {n_args} arguments"
            )
    return tuple(i % n_args for i in chosen)


def value_and_grad(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """``f`` and its gradient with respect to the arguments in ``argnums``, in one pass.

    The differentiated arguments may be tensors or structures of them (a dict
    of parameters); the gradient has the same structure. ``f`` must return a
    scalar, or ``(scalar, aux)`` with ``has_aux=True``. The result is
    ``(value, grads)`` or ``((value, aux), grads)``; ``grads`` is a tuple when
    ``argnums`` is.

    Examples:
        >>> import unigrad as ug
        >>> f = lambda x, y: ug.sum(x * y)
        >>> value, grads = ug.value_and_grad(f, argnums=(0, 1))(ug.ones(2), ug.full(2, 3.0))
        >>> float(ug.to_numpy(value)), ug.to_numpy(grads[1]).tolist()
        (6.0, [1.0, 1.0])
    """

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        chosen = _argnums(argnums, len(args))
        inputs = list(args)
        backend = active_backend()
        with GradientTape() as tape:
            for i in chosen:
                inputs[i] = tree.map_leaves(lambda leaf: _watch_leaf(tape, backend, leaf), inputs[i])
            output = f(*inputs, **kwargs)
        if has_aux and not (isinstance(output, tuple) and len(output) == 2):
            raise ArgumentTypeError("with has_aux=True, f must return a (value, aux) pair")
        value, aux = output if has_aux else (output, None)
        shape = tuple(getattr(value, "shape", ()))
        if shape and any(d != 1 for d in shape):
            raise ArgumentError(
                f"ug.grad needs f to return a scalar, got shape {shape}; for a non-scalar output "
                "use ug.GradientTape with output_gradients= or ug.jacobian"
            )
        grads = tape.gradient(value, [inputs[i] for i in chosen], unconnected_gradients="zero")
        result = grads[0] if isinstance(argnums, int) else tuple(grads)
        return ((value, aux) if has_aux else value), result

    return wrapped


def _watch_leaf(tape: GradientTape, backend: Any, leaf: Any) -> Any:
    if isinstance(leaf, np.ndarray | np.generic | float):
        # a NumPy array or a number is differentiated as the tensor it converts to (as model(np_array)
        # takes it): left as it is, f would read a constant and the gradient would be silently zero
        leaf = asarray(leaf)
    if not backend.is_tensor(leaf):
        return leaf
    leaf = backend.watchable(leaf)
    tape.watch(leaf)
    return leaf


def grad(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """The gradient of scalar ``f`` with respect to the arguments in ``argnums``.

    Examples:
        >>> import unigrad as ug
        >>> df = ug.grad(lambda x: ug.sum(x ** 3))
        >>> ug.to_numpy(df(ug.asarray([1.0, 2.0]))).tolist()
        [3.0, 12.0]
    """
    value_and_gradient = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        value, grads = value_and_gradient(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapped


def jacobian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """``x -> d f(x) / d x``, shaped ``f(x).shape + x.shape``, for small functions.

    One backward pass per output element.

    Examples:
        >>> import unigrad as ug
        >>> J = ug.jacobian(lambda x: x * x)(ug.asarray([1.0, 2.0]))
        >>> ug.to_numpy(J).tolist()
        [[2.0, 0.0], [0.0, 4.0]]
    """
    from ..ops.creation import zeros
    from ..ops.manipulation import reshape, stack

    @functools.wraps(f)
    def wrapped(*args: Any) -> Any:
        (index,) = _argnums(argnums, len(args))
        args_list = list(args)
        backend = active_backend()
        with GradientTape(persistent=True) as tape:
            x = args_list[index] = _watch_leaf(tape, backend, args_list[index])
            y = f(*args_list)
            outputs = reshape(y, (-1,))
            n = int(outputs.shape[0])
            rows_of_y = [outputs[i] for i in range(n)]
        rows = [tape.gradient(row, x, unconnected_gradients="zero") for row in rows_of_y]
        x_shape, y_shape = tuple(x.shape), tuple(y.shape)
        if not rows:
            return zeros(y_shape + x_shape, dtype=y.dtype)
        return reshape(stack(rows), y_shape + x_shape)

    return wrapped


def hessian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """``x -> d² f(x) / d x²`` for scalar ``f``, shaped ``x.shape + x.shape``.

    Examples:
        >>> import unigrad as ug
        >>> H = ug.hessian(lambda x: ug.sum(x ** 3))(ug.asarray([1.0, 2.0]))
        >>> ug.to_numpy(H).tolist()
        [[6.0, 0.0], [0.0, 12.0]]
    """
    return jacobian(grad(f, argnums), argnums)
