"""The backend registry: which framework unigrad's functions run on.

``set_backend`` changes the process-wide default; ``use_backend`` overrides it
for a ``with`` block in the current thread or asyncio task only (it is a
:class:`contextvars.ContextVar`), so concurrent code can use different
backends. Frameworks are imported on a backend's first use, never by
``import unigrad``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from .backends import BUILTIN
from .errors import BackendError, BackendNotInstalledError, MissingAttributeError, UnknownBackendError

if TYPE_CHECKING:
    from unigrad.backends.base import Backend

__all__ = [
    "run_functions_eagerly",
    "functions_run_eagerly",
    "set_backend",
    "get_backend",
    "use_backend",
    "available_backends",
    "backend_instance",
    "backend_class",
    "builtin_classes",
    "active_backend",
    "ENTRY_POINT_GROUP",
    "ENV_VAR",
]

ENTRY_POINT_GROUP = "unigrad.backends"
ENV_VAR = "UNIGRAD_BACKEND"

# the built-in backends and their aliases, read without importing any backend module
_BUILTIN = BUILTIN
_ALIASES = {alias: name for name, entry in BUILTIN.items() for alias in (name, *entry.aliases)}

_lock = threading.RLock()
_instances: dict[str, Backend] = {}


def _entry_points() -> dict[str, importlib.metadata.EntryPoint]:
    return {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def _canonical(name: str, *, source: str = "backend name") -> str:
    if not isinstance(name, str):
        raise UnknownBackendError(f"a backend name must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    plugins = _entry_points()
    if key in plugins:
        return key
    for plugin_name, ep in plugins.items():
        if key in getattr(_load_class_from(ep), "aliases", ()):
            return plugin_name
    valid = sorted(set(_ALIASES) | set(plugins))
    raise UnknownBackendError(
        f"unknown {source} {name!r}; expected one of: {', '.join(valid)}. "
        f"Third-party backends register under the entry-point group {ENTRY_POINT_GROUP!r}."
    )


def _load_class_from(ep: importlib.metadata.EntryPoint) -> type[Backend]:
    try:
        return ep.load()
    except Exception as exc:  # a broken plugin must not hide the others
        raise BackendError(f"the backend plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc


def _backend_class(canonical: str) -> type[Backend]:
    entry = _BUILTIN.get(canonical)
    if entry is None:
        return _load_class_from(_entry_points()[canonical])
    module_name, _, class_name = entry.target.partition(":")
    try:
        return getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise BackendError(
            f"the {canonical!r} backend failed to load ({type(exc).__name__}: {exc}); "
            "`unigrad info` shows what is installed"
        ) from exc


def _is_installed(canonical: str) -> bool:
    entry = _BUILTIN.get(canonical)
    if entry is not None:
        return importlib.util.find_spec(entry.framework) is not None
    try:
        return bool(_backend_class(canonical).is_available())
    except BackendError:
        return False


def backend_class(name: str) -> type[Backend]:
    """The class of the backend ``name`` (an alias is fine), without constructing it.

    For what must happen before a framework starts its runtime (splitting
    TensorFlow's CPU, making a distribution strategy), which constructing the
    backend would do.
    """
    return _backend_class(_canonical(name))


def builtin_classes() -> list[type[Backend]]:
    """The classes of the built-in backends, installed or not, without importing any framework."""
    return [_backend_class(name) for name in _BUILTIN]


def backend_instance(name: str) -> Backend:
    """The loaded backend for ``name`` (an alias is fine), importing its framework once."""
    canonical = _canonical(name)
    found = _instances.get(canonical)
    if found is not None:
        return found
    with _lock:
        found = _instances.get(canonical)
        if found is None:
            if not _is_installed(canonical):
                entry = _BUILTIN.get(canonical)
                framework, extra = (entry.framework, entry.extra) if entry else (canonical, canonical)
                raise BackendNotInstalledError(
                    f"the {canonical!r} backend needs {framework}, which is not installed; "
                    f"install it with: pip install 'unigrad[{extra}]'"
                )
            found = _backend_class(canonical)()
            _instances[canonical] = found
    return found


def available_backends() -> list[str]:
    """Canonical names of the backends whose framework is installed, without importing any.

    Examples:
        >>> import unigrad as ug
        >>> from unigrad.backends import BUILTIN
        >>> set(ug.available_backends()) <= set(BUILTIN) | set(ug.config._entry_points())
        True
    """
    names = [name for name in _BUILTIN if _is_installed(name)]
    names += [name for name in _entry_points() if name not in _BUILTIN and _is_installed(name)]
    return names


def _default_name() -> str:
    requested = os.environ.get(ENV_VAR, "").strip()
    if requested:
        return _canonical(requested, source=f"backend name in ${ENV_VAR}")
    for name in _BUILTIN:
        if _is_installed(name):
            return name
    raise BackendNotInstalledError(
        "unigrad found no installed framework; install one with "
        "pip install 'unigrad[torch]' or pip install 'unigrad[tensorflow]'"
    )


class _DeferredBackend:
    """Stands in for the default backend until an op needs it, then loads it.

    Its first attribute lookup imports the framework and puts the real backend
    in its place, so later calls pay nothing.
    """

    def __init__(self, name: str | None) -> None:
        self._requested = name

    @property
    def name(self) -> str:
        return self._requested if self._requested is not None else _default_name()

    def resolve(self) -> Backend:
        with _lock:
            backend = backend_instance(self.name)
            if _state.default is self:
                _state.default = backend
            return backend

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise MissingAttributeError(attr)
        return getattr(self.resolve(), attr)


class _State:
    __slots__ = ("default", "scopes")

    def __init__(self) -> None:
        self.default: Backend | _DeferredBackend = _DeferredBackend(None)
        # How many use_backend blocks are open anywhere. While none is, ops
        # skip the ContextVar lookup: a thread that opens one has counted it
        # before its own next op, and other threads' ops are unaffected.
        self.scopes = 0


_state = _State()
_scoped: ContextVar[Backend | None] = ContextVar("unigrad_backend", default=None)
# The ops call these two directly: one C call and one attribute load per op.
_scoped_get = _scoped.get


def active_backend() -> Backend:
    """The backend that unigrad's functions run on here and now (loaded)."""
    backend = (_scoped_get() or _state.default) if _state.scopes else _state.default
    if isinstance(backend, _DeferredBackend):
        return backend.resolve()
    return backend


def set_backend(name: str) -> None:
    """Make ``name`` the process-wide default backend.

    Accepts ``"torch"``/``"pytorch"``, ``"tensorflow"``/``"tf"`` and the names of
    registered third-party backends. The framework is imported on first use.
    Inside a ``use_backend`` block the block's backend still wins until it ends.

    Examples:
        >>> import unigrad as ug
        >>> ug.set_backend("pytorch")
        >>> ug.get_backend()
        'torch'
    """
    canonical = _canonical(name)
    if not _is_installed(canonical):
        backend_instance(canonical)  # raises the not-installed error
    with _lock:
        loaded = _instances.get(canonical)
        _state.default = loaded if loaded is not None else _DeferredBackend(canonical)


def get_backend() -> str:
    """Canonical name of the active backend: ``"torch"`` or ``"tensorflow"``."""
    return (_scoped_get() or _state.default).name


@contextmanager
def use_backend(name: str) -> Iterator[Backend]:
    """Run a block on another backend, in this thread or asyncio task only.

    Examples:
        >>> import unigrad as ug
        >>> name = ug.available_backends()[-1]
        >>> with ug.use_backend(name) as backend:
        ...     ug.get_backend() == backend.name == name
        True
    """
    backend = backend_instance(name)
    with _lock:
        _state.scopes += 1
    token = _scoped.set(backend)
    try:
        yield backend
    finally:
        _scoped.reset(token)
        with _lock:
            _state.scopes -= 1


_eager = [False]


def run_functions_eagerly(enabled: bool = True) -> None:
    """Run every ``ug.function`` as plain Python (``True``) or compiled (``False``), for debugging.

    Each built-in backend also switches its framework's own compiled functions
    where the framework has such a switch and is loaded (``tf.function``), so
    native code follows along.
    """
    _eager[0] = bool(enabled)
    for backend in builtin_classes():
        backend.set_functions_eagerly(bool(enabled))


def functions_run_eagerly() -> bool:
    """Whether :func:`run_functions_eagerly` is on."""
    return _eager[0]
