"""Gradients on TensorFlow: unigrad's tape over ``tf.GradientTape``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import tensorflow as tf

from unigrad.backends.api import ArgumentError, ArgumentTypeError, UsageError

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


def parameter(value: Any, trainable: bool = True) -> tf.Variable:
    if trainable and not (value.dtype.is_floating or value.dtype.is_complex):
        raise ArgumentTypeError(f"a trainable parameter needs a floating-point dtype, got {value.dtype.name}")
    variable = tf.Variable(value, trainable=trainable)
    # PyTorch code writes initial values through ``param.data`` (nn.init.normal_(m.weight.data, ...));
    # a variable's assign already writes without being recorded, so its .data is itself
    variable.data = variable
    return variable


def is_parameter(x: object) -> bool:
    return isinstance(x, tf.Variable)


class Tape:
    """The backend half of ``ug.GradientTape``."""

    def __init__(self, persistent: bool) -> None:
        self.persistent = persistent
        # watch_accessed_variables: parameters (trainable variables) are watched
        # as soon as they are read, as PyTorch records any op on a Parameter
        self._tape = tf.GradientTape(persistent=persistent, watch_accessed_variables=True)

    def __enter__(self) -> Tape:
        self._tape.__enter__()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._tape.__exit__(*exc_info)

    def watch(self, x: Any) -> None:
        if x.dtype.is_floating or x.dtype.is_complex:
            self._tape.watch(x)

    def gradient(
        self,
        targets: Sequence[Any],
        sources: Sequence[Any],
        output_gradients: Sequence[Any] | None,
        create_graph: bool,
    ) -> list[Any]:
        # (create_graph needs nothing here: an outer tape that is recording sees
        # this computation as it sees any other)
        differentiable = [
            i
            for i, s in enumerate(sources)
            if isinstance(s, (tf.Tensor, tf.Variable)) and (s.dtype.is_floating or s.dtype.is_complex)
        ]
        found: list[Any] = [None] * len(sources)
        if not differentiable:
            return found
        grads = self._tape.gradient(
            list(targets),
            [sources[i] for i in differentiable],
            output_gradients=list(output_gradients) if output_gradients is not None else None,
        )
        for i, g in zip(differentiable, grads, strict=True):
            found[i] = tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g
        return found

    def stop_recording(self) -> Any:
        return self._tape.stop_recording()

    def release(self) -> None:
        self._tape = None  # let TensorFlow free what the tape held


def watchable(x: Any) -> Any:
    return x


def stop_gradient(x: Any) -> Any:
    return tf.stop_gradient(x)


@contextmanager
def no_grad(tapes: Sequence[Any]) -> Iterator[None]:
    # TensorFlow has no global switch: pause each unigrad tape that is recording
    with ExitStack() as stack:
        for tape in tapes:
            if tape._tape is not None:
                stack.enter_context(tape.stop_recording())
        yield


def _variables_aware(grad_fn: Callable[..., Any], n_inputs: int) -> Callable[..., Any]:
    # tf.custom_gradient insists that grad_fn take `variables=` when f reads
    # variables; unigrad's grad_fn says nothing about them, so they get None
    def tf_grad_fn(*grads: Any, variables: Any = None) -> Any:
        found = grad_fn(*grads)
        found = list(found) if isinstance(found, (list, tuple)) else [found]
        if variables is not None:
            return found, [None] * len(variables)
        return found

    return tf_grad_fn


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f(*args) -> (y, grad_fn)`` as one differentiable op whose gradient is ``grad_fn``."""

    def wrapped(*args: Any) -> Any:
        tensor_positions = [i for i, a in enumerate(args) if isinstance(a, (tf.Tensor, tf.Variable))]

        @tf.custom_gradient
        def op(*tensors: Any) -> Any:
            full = list(args)
            for position, tensor in zip(tensor_positions, tensors, strict=True):
                full[position] = tensor
            result, grad_fn = f(*full)

            def tensor_grads(*grads: Any) -> Any:
                return _for_tensors(grad_fn(*grads), len(args), tensor_positions)

            return result, _variables_aware(tensor_grads, len(tensors))

        return op(*[args[i] for i in tensor_positions])

    wrapped.__wrapped__ = f  # type: ignore[attr-defined]
    return wrapped


def _for_tensors(found: Any, n_args: int, tensor_positions: Sequence[int]) -> list[Any]:
    grads = list(found) if isinstance(found, (list, tuple)) else [found]
    if len(grads) == n_args:
        return [grads[i] for i in tensor_positions]
    if len(grads) == len(tensor_positions):
        return grads
    raise ArgumentError(
        f"the gradient function returned {len(grads)} gradients for {n_args} inputs "
        f"({len(tensor_positions)} of them tensors); return one per input, None where there is none"
    )


class FunctionCtx:
    """The ``ctx`` of a ``ug.autograd.Function`` on TensorFlow, shaped like PyTorch's."""

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self.saved_tensors: tuple[Any, ...] = ()

    def save_for_backward(self, *tensors: Any) -> None:
        self.saved_tensors = tensors

    def mark_non_differentiable(self, *tensors: Any) -> None:
        """Accepted for PyTorch compatibility; TensorFlow needs no marking."""


def function_apply(cls: type, args: tuple[Any, ...]) -> Any:
    """``cls.apply(*args)``: the PyTorch-style forward/backward pair as a tf.custom_gradient."""
    tensor_positions = [i for i, a in enumerate(args) if isinstance(a, (tf.Tensor, tf.Variable))]
    ctx = FunctionCtx(
        tuple(
            isinstance(a, (tf.Tensor, tf.Variable)) and (a.dtype.is_floating or a.dtype.is_complex)
            for a in args
        )
    )

    @tf.custom_gradient
    def op(*tensors: Any) -> Any:
        full = list(args)
        for position, tensor in zip(tensor_positions, tensors, strict=True):
            full[position] = tensor
        result = cls.forward(ctx, *full)  # type: ignore[attr-defined]

        def grad_fn(*grads: Any) -> Any:
            return _for_tensors(cls.backward(ctx, *grads), len(args), tensor_positions)  # type: ignore[attr-defined]

        return result, _variables_aware(grad_fn, len(tensors))

    return op(*[args[i] for i in tensor_positions])


def rebind_parameter(p: tf.Variable, value: Any) -> tf.Variable:
    """A variable holding ``value`` on its device: TensorFlow variables cannot move."""
    with tf.device(value.device):
        return tf.Variable(value, trainable=p.trainable)


def is_trainable(p: Any) -> bool:
    return bool(getattr(p, "trainable", False))


def make_buffer(value: Any) -> tf.Variable:
    """A module buffer: a non-trainable variable, so a compiled step can update it in place."""
    if isinstance(value, tf.Variable):
        return value
    if not tf.executing_eagerly() and not hasattr(value, "numpy"):
        raise UsageError(
            "a module buffer was given a new shape or dtype inside a compiled function; "
            "buffers keep their shape there (assign values of the same shape and dtype)"
        )
    with tf.init_scope():  # made eagerly, outside any graph being traced
        return tf.Variable(value, trainable=False)
