"""How :func:`unigrad.fit` calls its callbacks: :class:`CallbackList` (internal)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from .callbacks import Callback, ProgressBar

__all__ = ["CallbackList"]


_HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_batch_begin",
    "on_batch_end",
)


class CallbackList:
    """Calls every callback's hook in turn; ``stop_training`` if any asked.

    A hook calls only the callbacks that define it (in their class or on the
    instance): most leave the batch hooks alone, and those run every step.
    """

    on_train_begin: Callable[..., None]
    on_train_end: Callable[..., None]
    on_epoch_begin: Callable[..., None]
    on_epoch_end: Callable[..., None]
    on_batch_begin: Callable[..., None]
    on_batch_end: Callable[..., None]

    def __init__(
        self, callbacks: Sequence[Callback], model: Any, optimizer: Any, params: dict[str, Any]
    ) -> None:
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            callback.set_context(model, optimizer, params)
        for hook in _HOOKS:
            methods = [
                getattr(c, hook)
                for c in self.callbacks
                if hook in vars(c) or getattr(type(c), hook) is not getattr(Callback, hook)
            ]
            setattr(self, hook, functools.partial(_call_each, methods))

    @property
    def stop_training(self) -> bool:
        return any(callback.stop_training for callback in self.callbacks)

    def close(self) -> None:
        """Close progress bars after an error, so the terminal is left clean."""
        for callback in self.callbacks:
            if isinstance(callback, ProgressBar):
                callback.close()


def _call_each(methods: list[Callable[..., None]], *args: Any) -> None:
    for method in methods:
        method(*args)
