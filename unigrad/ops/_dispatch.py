"""How every public op is built: find the active backend, call it, explain a failure.

The ops of :mod:`unigrad.ops` and :mod:`unigrad.linalg` are stubs (signature,
type hints, docstring) under a decorator of this module (:func:`op`,
:func:`binary_op`, :func:`reduction`, :func:`extension_op`), which compiles
the one body they share: ``backend.<name>(...)`` inside ``try``. Python 3.11
makes the ``try`` free, so the checks below cost nothing until the native op
has already failed. Then :func:`failed` works out why, from the inputs alone:

1. a tensor of another framework -> :class:`BackendMismatchError`;
2. NumPy arrays the framework would not take -> converted, op retried once;
3. shapes or axes the op cannot take -> the same :class:`ShapeError` /
   :class:`AxisError` text on every backend;
4. anything else -> the framework's own error, unchanged.
"""

from __future__ import annotations

import functools
import inspect
import linecache
from collections.abc import Callable
from typing import Any, NoReturn, ParamSpec, TypeVar

import numpy as np

from ..config import _scoped_get, _state, active_backend
from ..errors import (
    ArgumentError,
    ArgumentTypeError,
    BackendMismatchError,
    IndexOutOfRangeError,
    NotSupportedError,
    UnigradError,
)
from ._checks import diagnose, public_name

__all__ = [
    "binary_op",
    "extension_op",
    "failed",
    "framework_of",
    "op",
    "reduction",
]

P = ParamSpec("P")
R = TypeVar("R")


_TAKES_NUMPY = frozenset({"asarray", "from_dlpack"})


def framework_of(x: object) -> str | None:
    """The framework a tensor-like object comes from (``"torch"``, ``"tensorflow"``, ...)."""
    if not hasattr(x, "shape") or not hasattr(x, "dtype"):
        return None
    return type(x).__module__.partition(".")[0]


def _leaves(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    found: list[Any] = []
    for value in (*args, *kwargs.values()):
        if isinstance(value, (list, tuple)):
            found.extend(value)
        else:
            found.append(value)
    return found


def _convert_numpy(value: Any, backend: Any) -> Any:
    if isinstance(value, np.ndarray):
        return backend.asarray(value)
    if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
        return type(value)(backend.asarray(v) if isinstance(v, np.ndarray) else v for v in value)
    return value


def failed(exc: Exception, op: str, *args: Any, **kwargs: Any) -> Any:
    """Called when ``backend.<op>(*args, **kwargs)`` raised ``exc``: retry or explain."""
    if isinstance(exc, UnigradError):
        raise exc
    try:
        backend = active_backend()
    except Exception:
        raise exc from None
    leaves = _leaves(args, kwargs)
    for leaf in leaves:
        framework = framework_of(leaf)
        if framework not in (None, "numpy", backend.framework) and not backend.is_tensor(leaf):
            raise BackendMismatchError(mismatch_message(op, leaf, backend.name)) from exc
    # (asarray and from_dlpack take NumPy input as such: their errors, e.g. for
    # copy=False, are real and must not be retried away with a copy)
    if op not in _TAKES_NUMPY and any(isinstance(leaf, np.ndarray) for leaf in leaves):
        args = tuple(_convert_numpy(a, backend) for a in args)
        kwargs = {k: _convert_numpy(v, backend) for k, v in kwargs.items()}
        try:
            return getattr(backend, op)(*args, **kwargs)
        except Exception as again:
            exc = again
    explain(exc, op, args, kwargs)


def explain(exc: Exception, op: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> NoReturn:
    """Raise the unigrad error that says what was wrong with the call that raised ``exc``.

    A backend's kernels raise plain builtins (and the frameworks their own errors):
    what :func:`diagnose` recognizes becomes its error; a plain ``ValueError``,
    ``TypeError``, ``IndexError`` or ``NotImplementedError`` left over becomes the
    matching unigrad error with the same message; anything else (a framework's own
    error class) passes as it is.
    """
    try:
        diagnose(op, args, kwargs)
    except UnigradError as found:
        raise found from exc
    translated = _UNIGRAD_ERROR_FOR.get(type(exc))
    if translated is not None:
        raise translated(str(exc)) from exc
    raise exc


_UNIGRAD_ERROR_FOR: dict[type[Exception], type[UnigradError]] = {
    ValueError: ArgumentError,
    TypeError: ArgumentTypeError,
    IndexError: IndexOutOfRangeError,
    NotImplementedError: NotSupportedError,
}


def mismatch_message(op: str, tensor: object, active: str) -> str:
    framework = framework_of(tensor) or type(tensor).__module__.partition(".")[0]
    label = public_name(op)
    return (
        f"{label} got a {framework} {type(tensor).__name__} while the active backend is "
        f"{active!r}; convert it with ug.convert(x, {active!r}), or run this code under "
        f"ug.use_backend({framework!r})"
    )


# --- the public ops, generated -----------------------------------------------
# Every public op has the same body: find the active backend, call its function
# of the same name, hand any failure to failed(). It is written once, here, as
# source text, and compiled for each op at import time (as dataclasses and
# namedtuple do), so that each op is the plain function that one would write by
# hand: one attribute load on the backend, ``backend.add``, with no getattr or
# extra call frame. The op's module keeps a stub that carries its signature,
# type hints and docstring (what help(), inspect, mypy and the API reference
# read); the generated function takes its name, docstring and signature from it.

_PROMOTE = """\
        try:
            same = x1.dtype is x2.dtype
        except AttributeError:  # a Python scalar
            same = False
        if not same:
            x1, x2 = backend.promote(x1, x2)
"""

_WHOLE = """\
        if {condition}:
            return backend.{whole}({first})  # the common whole-tensor case, without keyword parsing
"""

_BODY = """\
def {name}{parameters}:
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    try:
{prologue}        return backend.{target}({call})
    except Exception as exc:
        return failed(exc, "{target}"{comma}{call})
"""

# what the body's text uses: a stub parameter of one of these names would shadow it
_RESERVED = frozenset(
    {"backend", "exc", "same", "failed", "_scoped_get", "_state", "Exception", "AttributeError"}
)


def op(stub: Callable[P, R]) -> Callable[P, R]:
    """The public op of ``stub``'s name and signature: ``backend.<name>(...)`` on the active backend."""
    return _generate(stub, stub.__name__)


def binary_op(stub: Callable[P, R]) -> Callable[P, R]:
    """As :func:`op`, with ``x1`` and ``x2`` first promoted to one dtype by the Array API rules.

    The check costs one identity test when both are tensors of one dtype;
    ``backend.promote`` runs only where they differ or one is a Python scalar.
    """
    return _generate(stub, stub.__name__, promote=True)


def reduction(whole: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """As :func:`op`, calling ``backend.<whole>(x)`` where every keyword is at its default.

    A whole-tensor reduction (``ug.sum(x)``) is the common call; the backend's
    one-argument form of it skips the keyword handling of the general one.
    """

    def decorate(stub: Callable[P, R]) -> Callable[P, R]:
        return _generate(stub, stub.__name__, whole=whole)

    return decorate


def extension_op(prefix: str, *, promote: bool = False) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """As :func:`op` for an extension's functions, which backends carry as ``<prefix><name>``."""

    def decorate(stub: Callable[P, R]) -> Callable[P, R]:
        return _generate(stub, prefix + stub.__name__, promote=promote)

    return decorate


def _generate(stub: Callable[P, R], target: str, *, promote: bool = False, whole: str = "") -> Callable[P, R]:
    signature = inspect.signature(stub)
    parameters = signature.parameters.values()
    clash = _RESERVED.intersection(signature.parameters)
    if clash:
        raise ArgumentTypeError(
            f"{stub.__qualname__}: parameters {sorted(clash)} shadow names of the generated body"
        )
    if promote and not {"x1", "x2"} <= signature.parameters.keys():
        raise ArgumentTypeError(f"{stub.__qualname__}: promotion applies to parameters named x1 and x2")
    prologue = _PROMOTE if promote else ""
    if whole:
        prologue += _WHOLE.format(
            condition=_at_defaults(parameters), whole=whole, first=next(iter(parameters)).name
        )
    # after the standard's '/', arguments go by name: a backend's function need only agree on names
    by_name = any(p.kind is p.POSITIONAL_ONLY for p in parameters)
    call = ", ".join(_passed(p, by_name) for p in parameters)
    # the text of the parameters without annotations; defaults are copied from the stub below
    bare = signature.replace(
        parameters=[
            p.replace(annotation=p.empty, default=None if p.default is not p.empty else p.empty)
            for p in parameters
        ],
        return_annotation=signature.empty,
    )
    source = _BODY.format(
        name=stub.__name__,
        parameters=bare,
        prologue=prologue,
        target=target,
        call=call,
        comma=", " if call else "",
    )
    filename = f"<unigrad op {stub.__module__}.{stub.__qualname__}>"
    # The body's globals are this module's names: torch.compile guards on a function's
    # globals by looking them up in the module its __globals__["__name__"] names.
    namespace: dict[str, Any] = {
        "__name__": __name__,
        "_scoped_get": _scoped_get,
        "_state": _state,
        "failed": failed,
    }
    exec(compile(source, filename, "exec"), namespace)  # our own template, as dataclasses does
    # so that a traceback through an op shows its lines (an entry without mtime stays cached)
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    function = namespace[stub.__name__]
    function.__defaults__ = stub.__defaults__
    function.__kwdefaults__ = stub.__kwdefaults__
    return functools.update_wrapper(function, stub)


def _passed(parameter: inspect.Parameter, by_name: bool) -> str:
    """How the body hands ``parameter`` on to the backend's function."""
    name = parameter.name
    if parameter.kind is parameter.VAR_POSITIONAL:
        return f"*{name}"
    if parameter.kind is parameter.VAR_KEYWORD:
        return f"**{name}"
    if parameter.kind is parameter.POSITIONAL_ONLY or (
        parameter.kind is parameter.POSITIONAL_OR_KEYWORD and not by_name
    ):
        return name  # (the latter: creation functions, ``zeros(shape, *, ...)``)
    return f"{name}={name}"


def _at_defaults(parameters: Any) -> str:
    """A condition that holds when every keyword-only argument has its default (None or False)."""
    tests = []
    for p in parameters:
        if p.kind is p.KEYWORD_ONLY:
            if p.default is None:
                tests.append(f"{p.name} is None")
            elif p.default is False:
                tests.append(f"not {p.name}")
            else:
                raise ArgumentTypeError(
                    f"a whole-tensor fast path needs keyword defaults of None or False, not {p}"
                )
    return " and ".join(tests)
