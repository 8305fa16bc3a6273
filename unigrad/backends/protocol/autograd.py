"""The protocols of a backend's ``autograd.py``: :class:`Autograd` and the :class:`NativeTape` it makes.

Part of :mod:`unigrad.backends.protocol`; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from unigrad.types import Array

__all__ = [
    "NativeTape",
    "Autograd",
]


class NativeTape(Protocol):
    """What :meth:`Autograd.Tape` makes: the backend half of ``ug.GradientTape``."""

    persistent: bool

    def __enter__(self) -> NativeTape:
        """Start recording (even inside ``no_grad``, as a TensorFlow tape does)."""

    def __exit__(self, *exc_info: Any) -> None:
        """Stop recording; the gradients can still be asked for."""

    def watch(self, x: Array) -> None:
        """Record operations on ``x`` from now on; a non-float ``x`` is ignored."""

    def gradient(
        self,
        targets: Sequence[Array],
        sources: Sequence[Any],
        output_gradients: Sequence[Any] | None,
        create_graph: bool,
    ) -> list[Array | None]:
        """Gradients of the sum of ``targets`` with respect to each source; ``None`` where unused."""

    def stop_recording(self) -> AbstractContextManager[None]:
        """A context in which operations are not recorded."""

    def release(self) -> None:
        """Let go of everything recorded (a non-persistent tape after its one gradient)."""


class Autograd(Protocol):
    """Optional: gradients and parameters (``autograd.py``).

    Without it the namespace works (inference, data handling), but
    ``ug.GradientTape``, ``ug.nn.Parameter`` and training raise
    :class:`~unigrad.backends.base.BackendNotImplementedError`.
    """

    def parameter(self, value: Array, trainable: bool = True) -> Any:
        """A native variable holding ``value``, with ``assign``, ``assign_add`` and ``assign_sub``."""

    def is_parameter(self, x: object) -> bool:
        """Whether ``x`` is what :meth:`parameter` makes."""

    def rebind_parameter(self, p: Any, value: Array) -> Any:
        """``p`` holding ``value`` (moved or cast): the same object where the framework allows."""

    def is_trainable(self, p: Any) -> bool:
        """Whether gradients are taken for parameter ``p``."""

    def make_buffer(self, value: Array) -> Any:
        """What a module buffer holds: ``value`` itself, or a variable where tensors are immutable."""

    def Tape(self, persistent: bool) -> NativeTape:  # noqa: N802 - a class in the backends
        """A new, not yet entered tape; ``persistent`` allows more than one ``gradient`` call."""

    def watchable(self, x: Array) -> Array:
        """``x``, or a fresh leaf sharing its values that gradients can be taken against."""

    def stop_gradient(self, x: Array) -> Array:
        """``x``'s values with no gradient flowing back through them."""

    def no_grad(self, tapes: Sequence[Any]) -> AbstractContextManager[Any]:
        """A context in which neither the framework nor the open ``tapes`` record."""

    def custom_gradient(self, f: Callable[..., Any]) -> Callable[..., Any]:
        """``f(*args) -> (y, grad_fn)`` as one differentiable function with gradient ``grad_fn``."""

    def function_apply(self, cls: type, args: tuple[Any, ...]) -> Any:
        """``cls.apply(*args)`` for a ``ug.autograd.Function`` subclass (static forward/backward)."""
