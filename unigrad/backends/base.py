"""The interface every unigrad backend implements.

A backend is one small class per framework (as in einops): it imports its
framework when it is constructed, which unigrad does on the backend's first
use. It carries the whole tensor namespace as plain functions, gathered from
the ``__all__`` of the modules it names in ``namespace_modules``; unigrad's
public functions look them up on the active backend and call them, so an op
costs one attribute load over the native call.

A third-party backend subclasses :class:`Backend`, provides the names in
:data:`NAMESPACE` and :data:`CORE`, and registers under the entry-point group
``unigrad.backends``::

    [project.entry-points."unigrad.backends"]
    mlx = "unigrad_mlx:MLXBackend"
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from unigrad import fft as _fft_extension
from unigrad import linalg as _linalg_extension
from unigrad.backends import protocol as _protocol
from unigrad.errors import DeviceError, UnigradError
from unigrad.ops import binary as _binary
from unigrad.ops import creation as _creation
from unigrad.ops import manipulation as _manipulation
from unigrad.ops import products as _products
from unigrad.ops import searching as _searching
from unigrad.ops import statistical as _statistical
from unigrad.ops import unary as _unary

__all__ = [
    "Backend",
    "BackendNotImplementedError",
    "NAMESPACE",
    "LINALG",
    "FFT",
    "CORE",
    "AUTOGRAD",
    "MODULES",
    "modules_of",
]


class BackendNotImplementedError(UnigradError, NotImplementedError, AttributeError):
    """The active backend has no implementation of the requested function."""


# The Array API 2024.12 functions (and unigrad's few additions) that every
# backend carries under these names, with the standard's signatures: exactly
# the public functions of unigrad.ops, which call them.
NAMESPACE: tuple[str, ...] = tuple(
    name
    for module in (_creation, _unary, _binary, _manipulation, _statistical, _searching, _products)
    for name in module.__all__
)

# The Array API linalg extension, reached as ``ug.linalg.<name>`` and carried
# by backends as ``linalg_<name>``.
LINALG: tuple[str, ...] = tuple(name for name in _linalg_extension.EXTENSION)

# The Array API fft extension, reached as ``ug.fft.<name>`` and carried by
# backends as ``fft_<name>``.
FFT: tuple[str, ...] = tuple(name for name in _fft_extension.EXTENSION)

# The file names every built-in backend has (same names side by side, as Keras 3
# keeps them), each contributing its ``__all__`` to the backend's namespace.
MODULES: tuple[str, ...] = (
    "core",
    "device",
    "creation",
    "elementwise",
    "unary",
    "manipulation",
    "statistical",
    "searching",
    "linalg",
    "fft",
    "autograd",
    "nn",
    "nn_layers",
    "nn_pooling",
    "nn_normalization",
    "nn_conv",
    "nn_vision",
    "nn_recurrent",
    "nn_attention",
    "optim",
    "export",
    "data",
    "native",
    "runtime",
    "amp",
)


def modules_of(package: str) -> tuple[str, ...]:
    """The namespace modules of a backend package laid out as the built-in ones."""
    return tuple(f"{package}.{module}" for module in MODULES)


class Backend:
    """Base class of the backends: a namespace of plain functions over native tensors."""

    name: ClassVar[str]
    """Canonical name, e.g. ``"torch"``."""
    aliases: ClassVar[tuple[str, ...]] = ()
    framework: ClassVar[str]
    """Module that must be importable for the backend to work."""
    namespace_modules: ClassVar[tuple[str, ...]] = ()
    """Modules whose ``__all__`` functions become the backend's namespace."""
    tensor_types: tuple[type, ...] = ()
    version: str = ""

    def __init__(self) -> None:
        for module_name in self.namespace_modules:
            module = importlib.import_module(module_name)
            for function_name in module.__all__:
                self.__dict__[function_name] = getattr(module, function_name)
        # Optional fast paths: a backend may carry a one-argument whole-tensor
        # reduction that skips the keyword handling of the general one.
        self.__dict__.setdefault("sum_all", self.__dict__.get("sum"))
        # The neural-network kernels: a backend's fused ones where it has them
        # (nn_<name>), the reference definitions over the namespace elsewhere.
        from unigrad.nn import reference

        for function_name in reference.__all__:
            self.__dict__.setdefault(f"nn_{function_name}", getattr(reference, function_name))
        # Names the backend lacks get a stub that says so when called. (A
        # __getattr__ would do the same, but it would also slow down every
        # attribute lookup on the backend, and ops do one per call.)
        extensions = (*(f"linalg_{n}" for n in LINALG), *(f"fft_{n}" for n in FFT))
        for function_name in (*NAMESPACE, *extensions, *CORE, *AUTOGRAD):
            if function_name not in self.__dict__ and not hasattr(type(self), function_name):
                self.__dict__[function_name] = _missing(self.name, function_name)

    @classmethod
    def is_available(cls) -> bool:
        """Whether the framework can be imported, found without importing it."""
        return importlib.util.find_spec(cls.framework) is not None

    def missing(self) -> list[str]:
        """Names of :data:`NAMESPACE`, :data:`LINALG`, :data:`FFT` and :data:`CORE` this backend lacks."""
        return sorted(n for n, f in self.__dict__.items() if getattr(f, "_unigrad_missing", False))

    def split_sizes(self, x: Any, sizes: Sequence[int], /, axis: int = 0) -> list[Any]:
        """The default ``split_sizes``: one slice of ``x`` per piece."""
        before = (slice(None),) * (axis % len(x.shape))
        bounds = [0, *itertools.accumulate(sizes)]
        return [x[(*before, slice(start, stop))] for start, stop in itertools.pairwise(bounds)]

    def topk(self, x: Any, k: int, /, axis: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        """The default ``topk`` (:func:`unigrad.topk`): a stable ``argsort``, then the first ``k``."""
        return _searching.sorted_topk(self, x, k, axis, largest, sorted)

    def labels_checked_by_kernel(self, labels: Any) -> bool:
        """Whether this backend's ``nn_sparse_cross_entropy`` itself raises for ``labels`` out of range.

        A capability, not a kernel: ``F.cross_entropy`` asks it (eagerly, never
        while a graph is traced) and skips its own host check of the labels when
        the answer is True, explaining the kernel's error afterwards. The
        default, False, keeps the host check, which is always correct; it also
        tells the kernel whether any label equals ``ignore_index``, which the
        kernel alone cannot see. A backend says True only where its kernel
        raises a catchable error (not a device-side assert that ends the process).

        Args:
            labels: the class labels about to be given to the kernel.

        Returns:
            True where the kernel checks ``labels`` itself; False by default.
        """
        return False

    # --- export, data, devices, distribution ------------------------------------------------
    # What the core asks of a backend instead of comparing framework names. Those that must
    # work before the backend is constructed (construction starts the framework, and
    # TensorFlow fixes its devices then) are classmethods that find the function in the
    # backend package's module by name; construction gathers the same functions as members.

    @classmethod
    def capability_module(cls, module: str) -> Any:
        """The module ``<backend package>.<module>``, imported without constructing the backend, or None."""
        package = cls.namespace_modules[0].rpartition(".")[0] if cls.namespace_modules else cls.__module__
        try:
            return importlib.import_module(f"{package}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.{module}":  # the module is there but one of its imports is not
                raise
            return None

    @classmethod
    def capability(cls, module: str, name: str) -> Any:
        """``<backend package>.<module>.<name>`` without constructing the backend; None where absent."""
        return getattr(cls.capability_module(module), name, None)

    @classmethod
    def distribution(cls) -> Any:
        """The backend's distribution engines (its ``distribute`` module), or None without any.

        It carries ``DataParallelEngine`` and may carry ``PipelineEngine`` (a
        pipeline with one process per stage) and ``stage_call`` (a stage run
        on a device).
        """
        return cls.capability_module("distribute")

    @classmethod
    def split_cpu(cls, count: int) -> list[str]:
        """Configure ``count`` logical CPU devices, before the framework starts its runtime."""
        split = cls.capability("device", "split_cpu")
        if split is None:
            raise DeviceError(
                f"the {cls.name!r} backend has one CPU device and cannot split it; run one process per "
                "replica with ug.distribute.launch instead"
            )
        return list(split(count))

    @classmethod
    def set_functions_eagerly(cls, enabled: bool) -> None:
        """``ug.config.run_functions_eagerly``: the framework's own compiled functions follow it too."""
        found = cls.capability("runtime", "set_functions_eagerly")
        if found is not None:
            found(enabled)

    @classmethod
    def launch_environments(cls, nprocs: int, take_ports: Callable[[int], list[int]]) -> list[dict[str, str]]:
        """Variables the framework's own launcher would give each of ``nprocs`` local processes.

        ``take_ports(n)`` hands out ``n`` free loopback ports, distinct from every other taken.
        """
        found = cls.capability("runtime", "launch_environments")
        return [{} for _ in range(nprocs)] if found is None else list(found(nprocs, take_ports))

    @classmethod
    def process_group_position(cls) -> tuple[int, int] | None:
        """(rank, world size) in the framework's process group, if this process has joined one."""
        found = cls.capability("runtime", "process_group_position")
        return None if found is None else found()

    @classmethod
    def launcher_position(cls) -> tuple[int, int] | None:
        """(rank, world size) from the environment of the framework's own launcher, if it set one."""
        found = cls.capability("runtime", "launcher_position")
        return None if found is None else found()

    @classmethod
    def end_process_group(cls) -> None:
        """Leave the framework's process group, if this process joined one."""
        found = cls.capability("runtime", "end_process_group")
        if found is not None:
            found()

    @classmethod
    def read_state_file(cls, path: str) -> Any:
        """The state dict in a file of the framework's own format, or NotImplemented for another format."""
        found = cls.capability("data", "read_state_file")
        return NotImplemented if found is None else found(path)

    def split_rows(self, x: Any, sizes: list[int]) -> list[Any]:
        """``x`` cut along its first axis into pieces of ``sizes`` (views where the framework has them)."""
        bounds = [0, *itertools.accumulate(sizes)]
        return [x[start:stop] for start, stop in itertools.pairwise(bounds)]

    @classmethod
    def loader_length(cls, loader: Any) -> Any:
        """Batches in an epoch of the framework's own loader (None if unknown); NotImplemented for another."""
        found = cls.capability("data", "loader_length")
        return NotImplemented if found is None else found(loader)

    def to_native_module(self, module: Any) -> Any:
        """``module.to_native()``: the framework's own model class over a unigrad module's tensors."""
        raise UnigradError(f"the {self.name!r} backend has no native model class for to_native()")

    if TYPE_CHECKING:
        # The namespace is gathered from modules at construction (see __init__), so a
        # type checker cannot list it; every member it does not know is Any to it.
        def __getattr__(self, name: str) -> Any: ...

    # --- end of export, data, devices, distribution -----------------------------------------

    # --- optimizer and compiled-step capabilities -------------------------------------------
    # What ug.optim and ug.fit ask of a backend instead of comparing framework names. The
    # defaults describe a backend without fused optimizer kernels that keeps optimizer state
    # in plain tensors, replaced each step, and whose compiled functions need nothing special;
    # backends/<name>/optim.py (optimizer) and core.py (compiling) override what differs.

    def optim_fused_step(self, optimizer: str, group: Any, params: list[Any], grads: list[Any]) -> Any:
        """The backend's fused update for one parameter group, or None to take the generic path.

        Args:
            optimizer: the optimizer's ``fast_path`` name (``"sgd"``, ``"adam"``, ...).
            group: the group's options (a param-group dict; ``"lr"`` may be a tensor).
            params, grads: the parameters being stepped and their gradients.

        Returns:
            None by default, else ``step(group, params, grads, states)``, which
            updates the parameters and their state dicts in place with the
            generic path's maths (tests hold the two to tolerance).
        """
        return None

    def optim_run_update(self, update: Callable[[Any, list[Any]], None], work: Any, plans: list[Any]) -> None:
        """Run ``update(work, plans)``, an optimizer step's update of its groups, where it can run.

        ``plans`` holds each group's fused step (None: the generic path). The
        default calls it. A framework whose compiler cannot trace every update
        (Python-side step counts and options) runs those outside the graph.
        """
        update(work, plans)

    def optim_prepare_group(self, group: Any, params: list[Any]) -> None:
        """Attach to a new parameter group what the backend's compiled steps read (nothing by default)."""

    def optim_state_in_variables(self, group: Any) -> bool:
        """Whether this step keeps ``group``'s optimizer state in variables a traced graph updates.

        False by default: state tensors are replaced each step. When True the
        optimizer steps the group through :meth:`optim_step_in_variables`.
        """
        return False

    def optim_init_state(self, init: Callable[[Any], Any], param: Any) -> Any:
        """``init(param)``, a parameter's new optimizer state, made where it outlives a graph being traced."""
        return init(param)

    def optim_step_in_variables(
        self, group: Any, params: list[Any], grads: list[Any], states: list[Any], apply: Callable[..., None]
    ) -> None:
        """Step a group whose state lives in variables: ``apply(options, params, grads, views)``
        updates the parameters and the state views in place; the backend writes the views back."""
        raise BackendNotImplementedError(f"the {self.name!r} backend keeps no optimizer state in variables")

    def optim_move_state_to_variables(self, group: Any, states: list[Any], params: list[Any]) -> None:
        """Put a group's state in variables now (a distribution strategy mirrors them); nothing by default."""

    def optim_is_state_variable(self, value: Any) -> bool:
        """Whether ``value`` is a state variable a compiled step holds on to (load_state_dict assigns it)."""
        return False

    def compile_by_default(self) -> bool:
        """Whether ``ug.fit(compile="auto")`` compiles the step: where a compiled step repays its
        tracing even for a small model. False by default."""
        return False

    def static_shape_compile_options(self) -> dict[str, Any]:
        """Options to ``compile_function`` for one graph per exact input shape (none by default)."""
        return {}

    def fresh_batches_when_compiled(self) -> bool:
        """Whether a compiled step wants each batch as a tensor of its own, not a view of the data."""
        return False

    # --- end of optimizer and compiled-step capabilities ------------------------------------

    def __repr__(self) -> str:
        return f"<unigrad backend {self.name!r} ({self.framework} {self.version})>"


def _without_default(*protocols: type) -> tuple[str, ...]:
    return tuple(
        name
        for protocol in protocols
        for name in _protocol.members(protocol)
        if not _protocol.is_optional_member(name) and not hasattr(Backend, name)
    )


# What unigrad's core needs of every backend besides the namespace, and what gradients
# need (backends/<name>/autograd.py): the members of these protocols (signatures and
# duties in unigrad.backends.protocol) that the base class gives no default for.
CORE: tuple[str, ...] = _without_default(_protocol.Core, _protocol.Device, _protocol.Export, _protocol.Native)
AUTOGRAD: tuple[str, ...] = _without_default(_protocol.Autograd)


def _missing(backend: str, function_name: str) -> Callable[..., Any]:
    def missing(*args: Any, **kwargs: Any) -> Any:
        raise BackendNotImplementedError(
            f"the {backend!r} backend does not implement {function_name!r}; "
            "run this under another backend with ug.use_backend(...), or report it as missing"
        )

    missing._unigrad_missing = True  # type: ignore[attr-defined]
    missing.__name__ = function_name
    return missing
