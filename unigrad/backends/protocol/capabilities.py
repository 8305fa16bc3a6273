"""The capability protocols: :class:`Optim`, :class:`Export`, :class:`Data`, :class:`Native`,
:class:`Runtime`, :class:`Distribute` and :class:`Amp` (``Compile`` is with ``Core`` in ``core``).

The capability protocols are what the core asks of a backend instead of
comparing framework names. Each member has a default in the base class
(:class:`~unigrad.backends.base.Backend`) that is right for a framework
without the capability; a backend overrides only what differs, by carrying
a function of the same name in the module named in ``MODULE_OF``.

Part of :mod:`unigrad.backends.protocol`; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from unigrad.types import Array

__all__ = [
    "Optim",
    "Export",
    "Data",
    "Native",
    "Runtime",
    "Distribute",
    "Amp",
]


class Optim(Protocol):
    """Optional: optimizer fast paths and where their state lives (``optim.py``).

    By default every optimizer takes the generic path of ``ug.optim`` (optax-style
    transforms over the namespace) with its state in plain tensors replaced each
    step; a fused step must agree with the generic one to tolerance.
    """

    def optim_fused_step(self, optimizer: str, group: Any, params: list[Any], grads: list[Any]) -> Any:
        """A fused ``step(group, params, grads, states)`` for the optimizer named ``optimizer``, or None."""

    def optim_run_update(self, update: Callable[[Any, list[Any]], None], work: Any, plans: list[Any]) -> None:
        """Run ``update(work, plans)``, a step's update of its groups (``plans``: each group's fused step
        or None), where it can run; calls it by default."""

    def optim_prepare_group(self, group: Any, params: list[Any]) -> None:
        """Attach to a new parameter group what the backend's compiled steps read; nothing by default."""

    def optim_state_in_variables(self, group: Any) -> bool:
        """Whether ``group``'s state lives in variables that a traced graph updates; ``False`` by default."""

    def optim_init_state(self, init: Callable[[Any], Any], param: Any) -> Any:
        """``init(param)``, made where it outlives a graph being traced; calls it by default."""

    def optim_step_in_variables(
        self, group: Any, params: list[Any], grads: list[Any], states: list[Any], apply: Callable[..., None]
    ) -> None:
        """Step a group whose state lives in variables (only where :meth:`optim_state_in_variables`)."""

    def optim_move_state_to_variables(self, group: Any, states: list[Any], params: list[Any]) -> None:
        """Put a group's state in variables now (a distribution strategy mirrors them); nothing by default."""

    def optim_is_state_variable(self, value: Any) -> bool:
        """Whether ``value`` is a state variable a compiled step holds on to; ``False`` by default."""


class Export(Protocol):
    """Optional: ``ug.export``'s writer (``export.py``); without it ``ug.export`` raises."""

    def export(
        self, module: Any, inputs: tuple[Any, ...], destination: str, format: str, dynamic: bool
    ) -> None:
        """Write ``module`` traced on ``inputs`` to ``destination`` as ``format`` (any batch: ``dynamic``)."""


class Data(Protocol):
    """Optional: the framework's own data and files as ``ug.fit`` and ``ug.load`` inputs (``data.py``)."""

    def split_rows(self, x: Array, sizes: list[int]) -> list[Array]:
        """``x`` cut along its first axis into pieces of ``sizes``; slices by default."""

    def loader_length(self, loader: Any) -> Any:
        """Batches per epoch of the framework's own loader (None if unknown); NotImplemented for another."""

    def read_state_file(self, path: str) -> Any:
        """The state dict in a file of the framework's own format; NotImplemented for others (default)."""


class Native(Protocol):
    """Optional: the framework's own models, for ``to_native()`` and the adapters (``native.py``)."""

    def to_native_module(self, module: Any) -> Any:
        """``module.to_native()``: the framework's model over a module's tensors; raises by default."""

    def bridge_record(self, run: Callable[[], Any], inputs: Sequence[Array]) -> tuple[Any, Any]:
        """``(run(), recording)``: a wrapped model called from another framework, recorded for gradients."""

    def bridge_gradients(
        self, recording: Any, targets: Sequence[Array], sources: Sequence[Array], seeds: Sequence[Array]
    ) -> list[Array | None]:
        """The gradients of the recorded ``targets``, seeded with ``seeds``, for ``sources``."""

    def bridge_accumulate(self, module: Any, parameters: Sequence[Any], grads: Sequence[Any]) -> None:
        """Add ``grads`` where the wrapped ``module``'s ``take_gradients`` finds them."""


class Runtime(Protocol):
    """Optional: process-level switches and launch environments (``runtime.py``).

    These work before the backend is constructed (the base class finds them in
    the backend package's ``runtime`` module by name).
    """

    def set_functions_eagerly(self, enabled: bool) -> None:
        """Follow ``ug.config.run_functions_eagerly`` in the framework's own compiled functions."""

    def launch_environments(
        self, nprocs: int, take_ports: Callable[[int], list[int]]
    ) -> list[dict[str, str]]:
        """The variables the framework's own launcher would give each of ``nprocs`` local processes."""

    def process_group_position(self) -> tuple[int, int] | None:
        """``(rank, world size)`` in the framework's process group, if this process joined one."""

    def launcher_position(self) -> tuple[int, int] | None:
        """``(rank, world size)`` from the environment of the framework's own launcher, if it set one."""

    def end_process_group(self) -> None:
        """Leave the framework's process group, if this process joined one."""


class Distribute(Protocol):
    """Optional: the distribution engines of ``ug.distribute`` (``distribute.py``)."""

    def distribution(self) -> Any:
        """The module with ``DataParallelEngine`` (maybe ``PipelineEngine``, ``stage_call``), or None."""

    def split_cpu(self, count: int) -> list[str]:
        """Configure ``count`` logical CPU devices before the framework starts; raises by default."""


class Amp(Protocol):
    """Optional: mixed precision, ``ug.autocast`` and ``ug.amp.GradScaler`` (``amp.py``); else they raise.

    Under autocast the ops of torch's lists for the device run as ``torch.autocast``
    runs them: products, convolutions and attention in the compute dtype, the
    listed losses in float32, parameters and their gradients in float32. A
    backend without a native autocast applies the lists in its kernels.
    """

    def amp_autocast(self, device_type: str | None, dtype: Any, enabled: bool) -> Any:
        """A context manager: autocast to ``dtype`` on ``device_type`` (None: the default device's kind)."""

    def amp_autocast_dtype(self, device_type: str | None) -> Any:
        """The compute dtype (a unigrad dtype) of the autocast active here, or None outside one."""

    def amp_call_if(self, condition: Array, fn: Callable[[], None]) -> None:
        """``fn()`` where the boolean 0-d ``condition`` holds; a graph conditional while one is traced."""
