"""``ug.function``: compile a Python function to the backend's static graph.

On TensorFlow it is ``tf.function`` (with XLA under ``jit_compile=True``); on
PyTorch, ``torch.compile``. The function is compiled once per backend, the
first time it is called under it. ``ug.config.run_functions_eagerly(True)``
runs every ``ug.function`` as plain Python, for debugging.

A check that had to run inside the graph (a label out of range, see
:mod:`unigrad.graph_checks`) fails as the framework's error; the call is then
run again eagerly, where the same check raises the unigrad error with the text
an eager call gives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, overload

from .. import config, graph_checks

__all__ = ["function"]

F = TypeVar("F", bound=Callable[..., Any])


@overload
def function(fn: F, *, jit_compile: bool = False, **options: Any) -> F: ...
@overload
def function(fn: None = None, *, jit_compile: bool = False, **options: Any) -> Callable[[F], F]: ...
def function(fn: Callable[..., Any] | None = None, *, jit_compile: bool = False, **options: Any) -> Any:
    """Compile ``fn`` to a static graph of the active backend: ``tf.function`` / ``torch.compile``.

    Args:
        fn: the function; usable as ``@ug.function`` or ``@ug.function(jit_compile=True)``.
        jit_compile: TensorFlow: compile the graph with XLA. PyTorch: ignored
            (``torch.compile`` always compiles).
        **options: passed to ``tf.function`` / ``torch.compile`` of the backend
            that compiles (``reduce_retracing=``, ``mode=``, ``dynamic=``, ...).

    Examples:
        >>> import unigrad as ug
        >>> @ug.function
        ... def scaled_sum(x):
        ...     return ug.sum(x * 2.0)
        >>> with ug.use_backend("tensorflow"):
        ...     float(ug.to_numpy(scaled_sum(ug.ones(3))))
        6.0
    """
    if fn is None:
        return functools.partial(function, jit_compile=jit_compile, **options)
    compiled: dict[str, Callable[..., Any]] = {}

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if config.functions_run_eagerly():
            return fn(*args, **kwargs)
        backend = config.active_backend()
        native = compiled.get(backend.name)
        if native is None:
            native = compiled[backend.name] = backend.compile_function(fn, jit_compile, options)
        try:
            return native(*args, **kwargs)
        except Exception as exc:
            error = graph_checks.error_from(exc)
            if error is None:
                raise
        # the eager call raises the error with its full text (the bad value named), as eager code does
        fn(*args, **kwargs)
        raise error

    call.python_function = fn  # type: ignore[attr-defined]
    call.compiled = compiled  # type: ignore[attr-defined]
    return call
