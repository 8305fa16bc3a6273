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

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any, Literal

from . import tree
from .config import active_backend
from .ops.conversion import backend_of
from .types import Array

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

# The tapes recording in this thread or task, innermost last. A gradient taken
# while an outer tape records must itself be recorded (higher-order gradients).
_recording: ContextVar[tuple[GradientTape, ...]] = ContextVar("unigrad_tapes", default=())
# Those tapes of every thread and task. While there are none, which is when a
# training step takes its gradient and updates, the ContextVar is not read:
# torch.compile cannot trace ContextVar.get or .set (its graph breaks there),
# but it can guard on a list's length. (append and remove are atomic.)
_recording_anywhere: list[GradientTape] = []


class _TracedTapes(threading.local):
    """The tapes entered while a graph was being traced, in this thread, innermost last.

    Kept in a plain attribute, which tracers follow; a traced function runs in
    one thread, so the thread's stack is the function's. (Set in ``__init__``:
    torch.compile mis-guards a ``threading.local`` class default.)
    """

    def __init__(self) -> None:
        self.tapes: tuple[GradientTape, ...] = ()


_traced = _TracedTapes()


def _recording_here() -> tuple[GradientTape, ...]:
    """The tapes recording in this thread or task."""
    recording = _recording.get() if _recording_anywhere else ()
    traced = _traced.tapes
    return (*recording, *traced) if traced else recording


class GradientTape:
    """Records operations so that gradients can be taken afterwards, as ``tf.GradientTape``.

    Parameters (``ug.nn.Parameter``) are watched automatically; plain tensors
    must be passed to :meth:`watch`. A tape gives one set of gradients unless
    ``persistent=True``. Tapes nest: a gradient taken inside an outer tape is
    itself differentiable, for higher-order derivatives.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([[1.0, 2.0]]))
        >>> with ug.GradientTape() as tape:
        ...     loss = ug.sum(ug.matmul(w, ug.ones((2, 1))))
        >>> ug.to_numpy(tape.gradient(loss, w))
        array([[1., 1.]], dtype=float32)
    """

    def __init__(self, persistent: bool = False) -> None:
        self.persistent = persistent
        self._backend: Any = None
        self._native: Any = None
        self._used = False
        self._token: Any = None

    def __enter__(self) -> GradientTape:
        if self._native is not None:
            raise RuntimeError("this GradientTape is already recording; make a new one for another block")
        self._backend = active_backend()
        self._native = self._backend.Tape(self.persistent)
        self._native.__enter__()
        if self._backend.in_graph() and not _recording_anywhere:
            # the stack a tracer follows. While an eager tape records, the ContextVar
            # instead: torch.compile then runs this block eagerly (a graph break), as
            # a gradient that tape differentiates again needs (its graphs have no
            # double backward)
            _traced.tapes = (*_traced.tapes, self)
        else:
            self._token = _recording.set((*_recording.get(), self))
            _recording_anywhere.append(self)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._token is not None:
            _recording.reset(self._token)
            _recording_anywhere.remove(self)
        else:
            _traced.tapes = tuple(t for t in _traced.tapes if t is not self)
        self._native.__exit__(*exc_info)

    def watch(self, tensor: Any) -> None:
        """Record operations on ``tensor`` (or on each tensor of a structure) from now on."""
        self._require_native("watch")
        for leaf in tree.flatten(tensor)[0]:
            if not self._backend.is_tensor(leaf):
                raise TypeError(f"GradientTape.watch needs tensors, got {type(leaf).__name__}")
            self._native.watch(leaf)

    def gradient(
        self,
        target: Any,
        sources: Any,
        output_gradients: Any = None,
        unconnected_gradients: Literal["none", "zero"] = "none",
    ) -> Any:
        """Gradients of ``target`` with respect to ``sources``, in the structure of ``sources``.

        ``target`` may be a tensor or a structure of them (their gradients add).
        A non-scalar target is seeded with ones unless ``output_gradients``
        (same structure as ``target``) says otherwise. A source that does not
        affect the target gets ``None``, or zeros with ``unconnected_gradients="zero"``.
        """
        native = self._native
        if native is None:
            self._require_native("gradient")
        if self._used and not self.persistent:
            raise RuntimeError(
                "a non-persistent GradientTape gives one set of gradients; "
                "use GradientTape(persistent=True) to call gradient() more than once"
            )
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError(f"unconnected_gradients must be 'none' or 'zero', got {unconnected_gradients!r}")
        targets = tree.flatten(target)[0]
        source_leaves, spec = tree.flatten(sources)
        seeds = tree.flatten(output_gradients)[0] if output_gradients is not None else None
        if seeds is not None and len(seeds) != len(targets):
            raise ValueError(f"output_gradients has {len(seeds)} tensors for {len(targets)} targets")
        # recorded by an outer tape that is still open: keep this computation differentiable
        recording = _recording_here()
        create_graph = bool(recording) and any(t is not self for t in recording)
        grads = native.gradient(targets, source_leaves, seeds, create_graph)
        if unconnected_gradients == "zero":
            grads = [
                g if g is not None else _zeros_like(s) for g, s in zip(grads, source_leaves, strict=True)
            ]
        self._used = True
        if not self.persistent:
            native.release()
        return grads[0] if spec is tree.LEAF else tree.unflatten(spec, grads)

    @contextlib.contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Pause recording on this tape inside the block."""
        self._require_native("stop_recording")
        with self._native.stop_recording():
            yield

    def _require_native(self, method: str) -> None:
        if self._native is None:
            raise RuntimeError(
                f"GradientTape.{method}() needs the tape to have been entered: "
                "use `with ug.GradientTape() as tape:`"
            )

    def __del__(self) -> None:
        # a persistent tape, or one never asked for gradients, lets go of what it watched
        native = self.__dict__.get("_native")
        if native is not None and (self.persistent or not self._used):
            with contextlib.suppress(Exception):
                native.release()


def _zeros_like(x: Any) -> Any:
    from .ops.creation import zeros_like

    return zeros_like(x)


def _argnums(argnums: int | Sequence[int], n_args: int) -> tuple[int, ...]:
    chosen = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in chosen:
        if not -n_args <= i < n_args:
            raise ValueError(
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
            raise TypeError("with has_aux=True, f must return a (value, aux) pair")
        value, aux = output if has_aux else (output, None)
        shape = tuple(getattr(value, "shape", ()))
        if shape and any(d != 1 for d in shape):
            raise ValueError(
                f"ug.grad needs f to return a scalar, got shape {shape}; for a non-scalar output "
                "use ug.GradientTape with output_gradients= or ug.jacobian"
            )
        grads = tape.gradient(value, [inputs[i] for i in chosen], unconnected_gradients="zero")
        result = grads[0] if isinstance(argnums, int) else tuple(grads)
        return ((value, aux) if has_aux else value), result

    return wrapped


def _watch_leaf(tape: GradientTape, backend: Any, leaf: Any) -> Any:
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
        raise NotImplementedError("a ug.autograd.Function subclass defines forward(ctx, *args)")

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        raise NotImplementedError("a ug.autograd.Function subclass defines backward(ctx, *grads)")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        return active_backend().function_apply(cls, args)


def stop_gradient(x: Array) -> Array:
    """``x`` with no gradient flowing back through it."""
    return backend_of(x).stop_gradient(x)


class no_grad(contextlib.ContextDecorator):  # noqa: N801 - named as torch.no_grad
    """Compute without recording gradients, as a ``with`` block or a decorator.

    On PyTorch this is ``torch.no_grad()``; on TensorFlow, which has no global
    switch, it pauses every unigrad tape recording in this thread or task.
    """

    def __init__(self) -> None:
        self._entered: list[contextlib.AbstractContextManager[Any]] = []

    def __enter__(self) -> None:
        recording = _recording_here()
        natives = [t._native for t in recording if t._native is not None] if recording else []
        manager = active_backend().no_grad(natives)
        manager.__enter__()
        self._entered.append(manager)

    def __exit__(self, *exc_info: Any) -> None:
        self._entered.pop().__exit__(*exc_info)


def jacobian(f: Callable[..., Any], argnums: int = 0) -> Callable[..., Any]:
    """``x -> d f(x) / d x``, shaped ``f(x).shape + x.shape``, for small functions.

    One backward pass per output element.

    Examples:
        >>> import unigrad as ug
        >>> J = ug.jacobian(lambda x: x * x)(ug.asarray([1.0, 2.0]))
        >>> ug.to_numpy(J).tolist()
        [[2.0, 0.0], [0.0, 4.0]]
    """
    from .ops.creation import zeros
    from .ops.manipulation import reshape, stack

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
