"""The tape: ``GradientTape``, ``no_grad``, ``stop_gradient``, and which tapes are recording.

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
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, Literal

from .. import tree
from ..config import active_backend
from ..errors import ArgumentError, ArgumentTypeError, UsageError
from ..ops.conversion import backend_of
from ..types import Array

__all__ = [
    "GradientTape",
    "stop_gradient",
    "no_grad",
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


def _zeros_like(x: Any) -> Any:
    from ..ops.creation import zeros_like

    return zeros_like(x)


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
            raise UsageError("this GradientTape is already recording; make a new one for another block")
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
                raise ArgumentTypeError(f"GradientTape.watch needs tensors, got {type(leaf).__name__}")
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
            raise UsageError(
                "a non-persistent GradientTape gives one set of gradients; "
                "use GradientTape(persistent=True) to call gradient() more than once"
            )
        if unconnected_gradients not in ("none", "zero"):
            raise ArgumentError(
                f"unconnected_gradients must be 'none' or 'zero', got {unconnected_gradients!r}"
            )
        targets = tree.flatten(target)[0]
        source_leaves, spec = tree.flatten(sources)
        seeds = tree.flatten(output_gradients)[0] if output_gradients is not None else None
        if seeds is not None and len(seeds) != len(targets):
            raise ArgumentError(f"output_gradients has {len(seeds)} tensors for {len(targets)} targets")
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
            raise UsageError(
                f"GradientTape.{method}() needs the tape to have been entered: "
                "use `with ug.GradientTape() as tape:`"
            )

    def __del__(self) -> None:
        # a persistent tape, or one never asked for gradients, lets go of what it watched
        native = self.__dict__.get("_native")
        if native is not None and (self.persistent or not self._used):
            with contextlib.suppress(Exception):
                native.release()


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
