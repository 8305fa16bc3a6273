"""``ug.amp.GradScaler``: dynamic loss scaling for float16 training, with ``torch.amp.GradScaler``'s maths.

float16 gradients underflow: the loss is multiplied by a large scale before
differentiating, and the gradients divided by it before the step. A step whose
gradients hold an inf or a NaN (the scale was too large) is skipped and the
scale backed off; after ``growth_interval`` good steps in a row it grows. In
unigrad's explicit-gradient style::

    with ug.GradientTape() as tape:
        loss = loss_fn(model(x), y)
        scaled = scaler.scale(loss)  # inside the tape: TensorFlow records only there
    scaler.step(optimizer, tape.gradient(scaled, params))  # unscales; skips on inf/NaN
    scaler.update()

The scale and the count of good steps live in the backend's variables, so a
step compiled with ``ug.function`` updates them, and the skip is a graph
conditional there (``tf.cond``), never a Python ``bool`` of a traced tensor.
"""

from __future__ import annotations

import contextlib
from typing import Any

from .. import dtypes, tree
from ..config import active_backend, use_backend
from ..errors import ArgumentError, DTypeError, UsageError
from ..ops import binary, creation, searching, statistical, unary
from ..ops.conversion import backend_of, to_numpy
from ..types import Array
from .autocast_mode import _capability

__all__ = ["GradScaler"]


def backend_scope(backend: Any) -> contextlib.AbstractContextManager[Any]:
    """Run ``ug`` ops on ``backend`` (the loss's), whichever is active (as the optimizers do; not imported
    from ``ug.optim``, so that ``ug.nn.functional`` can import this package)."""
    if active_backend() is backend:
        return contextlib.nullcontext()
    return use_backend(backend.name)


_READY, _UNSCALED, _STEPPED = "ready", "unscaled", "stepped"


class GradScaler:
    """Scale the loss, unscale the gradients, skip steps with inf/NaN gradients, adapt the scale.

    Args:
        init_scale: the first scale.
        growth_factor: the scale's factor after ``growth_interval`` steps without inf/NaN.
        backoff_factor: the scale's factor after a step with inf/NaN gradients (which is skipped).
        growth_interval: good steps in a row before the scale grows.
        enabled: False makes every method a pass-through (``step`` steps).

    Examples:
        >>> import unigrad as ug
        >>> from unigrad.amp import GradScaler
        >>> w = ug.nn.Parameter(ug.asarray([1.0]))
        >>> opt, scaler = ug.optim.SGD([w], lr=0.1), GradScaler(init_scale=4.0, growth_interval=1)
        >>> with ug.GradientTape() as tape:
        ...     scaled = scaler.scale(ug.sum(w * w))
        >>> scaler.step(opt, tape.gradient(scaled, [w]))
        >>> scaler.update()
        >>> ug.to_numpy(w).tolist(), scaler.get_scale()
        ([0.800000011920929], 8.0)
    """

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        if not growth_factor > 1.0:
            raise ArgumentError(f"GradScaler: growth_factor must be > 1, got {growth_factor}")
        if not 0.0 < backoff_factor < 1.0:
            raise ArgumentError(f"GradScaler: backoff_factor must be in (0, 1), got {backoff_factor}")
        if not isinstance(growth_interval, int) or growth_interval < 1:
            raise ArgumentError(f"GradScaler: growth_interval must be an int >= 1, got {growth_interval!r}")
        self._enabled = bool(enabled)
        self._init_scale = float(init_scale)
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = growth_interval
        self._init_growth_tracker = 0
        self._scale: Any = None  # made on the first scale(), on the loss's backend
        self._growth_tracker: Any = None
        self._backend: Any = None
        self._per_optimizer: dict[int, dict[str, Any]] = {}

    # -- scaling -----------------------------------------------------------------------------

    def _lazy_init(self, backend: Any) -> None:
        if self._scale is not None:
            return

        def make(_: Any) -> tuple[Any, Any]:
            # variables, made outside any graph being traced, that a compiled step updates
            scale = backend.parameter(creation.asarray(self._init_scale, dtype=dtypes.float32), False)
            tracker = creation.asarray(self._init_growth_tracker, dtype=dtypes.int32)
            return scale, backend.parameter(tracker, False)

        with backend_scope(backend):
            self._scale, self._growth_tracker = backend.optim_init_state(make, None)
        self._backend = backend

    def scale(self, outputs: Any) -> Any:
        """``outputs`` (a tensor, or a list, tuple or dict of them) multiplied by the scale."""
        if not self._enabled:
            return outputs
        leaves, spec = tree.flatten(outputs)
        if not leaves:
            return outputs
        backend = backend_of(leaves[0])
        self._lazy_init(backend)
        with backend_scope(backend):
            return tree.unflatten(spec, [binary.multiply(leaf, self._scale) for leaf in leaves])

    def _state(self, optimizer: Any) -> dict[str, Any]:
        return self._per_optimizer.setdefault(id(optimizer), {"stage": _READY, "found_inf": None})

    def unscale_(self, optimizer: Any, grads: Any) -> Any:
        """Divide ``grads`` (the gradients of ``optimizer``'s parameters) by the scale, and note inf/NaN.

        A list or dict has its items replaced (as ``ug.nn.utils.clip_grad_norm_``
        does), so that clipping between ``unscale_`` and :meth:`step` clips the
        true gradients; the unscaled gradients are also returned. Once per
        optimizer between two :meth:`update` calls; :meth:`step` then does not
        unscale again.
        """
        if not self._enabled:
            return grads
        state = self._state(optimizer)
        if state["stage"] != _READY:
            raise UsageError(f"GradScaler.unscale_ was already called on this optimizer ({state['stage']}) "
                             "since the last update(); call it once per step, before step()")  # fmt: skip
        if self._scale is None:
            raise UsageError("GradScaler.unscale_ before any scale(); differentiate scaler.scale(loss)")
        leaves, spec = tree.flatten(grads)
        present = [g for g in leaves if g is not None]
        with backend_scope(self._backend):
            inverse = 1.0 / self._scale  # float32, as torch's scale.double().reciprocal().float()
            finite = None
            for g in present:
                if dtypes.as_dtype(g.dtype) == dtypes.float16:
                    raise DTypeError(
                        "GradScaler cannot unscale float16 gradients; keep the parameters float32 "
                        "(ug.autocast computes in float16 and differentiates back to float32)"
                    )
                good = statistical.all(unary.isfinite(g))
                finite = good if finite is None else binary.logical_and(finite, good)
            # in each gradient's own dtype, as torch's in-place unscale (the optimizer checks it)
            unscaled = [None if g is None else g * creation.astype(inverse, g.dtype) for g in leaves]
            state["found_inf"] = creation.asarray(False) if finite is None else unary.logical_not(finite)
        state["stage"] = _UNSCALED
        if isinstance(grads, list) and len(grads) == len(unscaled):
            grads[:] = unscaled
            return grads
        if isinstance(grads, dict) and all(not isinstance(v, (list, tuple, dict)) for v in grads.values()):
            grads.update(zip(grads, unscaled, strict=True))
            return grads
        return tree.unflatten(spec, unscaled)

    def step(self, optimizer: Any, grads: Any = None) -> None:
        """``optimizer.step(grads)`` on the unscaled gradients, skipped where any is inf or NaN.

        ``grads`` are the gradients of the scaled loss, in the order of the
        optimizer's parameters (``ug.optim`` optimizers take them explicitly).
        """
        if grads is None:
            raise ArgumentError(
                "GradScaler.step(optimizer, grads) needs the gradients: ug.optim optimizers take them "
                "explicitly, as grads = tape.gradient(scaler.scale(loss), params)"
            )
        if not self._enabled:
            optimizer.step(grads)
            return
        state = self._state(optimizer)
        if state["stage"] == _STEPPED:
            raise UsageError("GradScaler.step was already called since the last update(); call update()")
        if state["stage"] == _READY:
            grads = self.unscale_(optimizer, grads)
        backend = self._backend
        with backend_scope(backend):
            finite = unary.logical_not(state["found_inf"])
        _capability(backend, "amp_call_if")(finite, lambda: optimizer.step(grads))
        state["stage"] = _STEPPED

    def update(self, new_scale: float | Array | None = None) -> None:
        """Back the scale off if a step since the last update saw inf/NaN, else count toward growth.

        ``new_scale`` sets the scale instead. The maths of ``torch._amp_update_scale_``.
        """
        if not self._enabled or self._scale is None:
            return
        backend = self._backend
        with backend_scope(backend):
            if new_scale is not None:
                self._scale.assign(creation.asarray(new_scale, dtype=dtypes.float32))
            else:
                found = [s["found_inf"] for s in self._per_optimizer.values() if s["found_inf"] is not None]
                if not found:
                    raise UsageError("GradScaler.update found no step to check; call step() first")
                found_inf = found[0]
                for other in found[1:]:
                    found_inf = binary.logical_or(found_inf, other)
                self._update_scale(found_inf)
        self._per_optimizer = {}

    def _update_scale(self, found_inf: Array) -> None:
        scale, tracker = self._scale, self._growth_tracker
        successful = tracker + 1
        grow = binary.equal(successful, self._growth_interval)  # torch's ==
        grown = scale * self._growth_factor
        grown = searching.where(binary.logical_and(grow, unary.isfinite(grown)), grown, scale)
        zero = creation.zeros_like(successful)
        self._scale.assign(searching.where(found_inf, scale * self._backoff_factor, grown))
        self._growth_tracker.assign(searching.where(found_inf, zero, searching.where(grow, zero, successful)))

    # -- reading and setting -----------------------------------------------------------------

    def get_scale(self) -> float:
        """The current scale (1.0 when disabled), read to the host."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(to_numpy(self._scale))

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = float(new_factor)

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = float(new_factor)

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = int(new_interval)

    def is_enabled(self) -> bool:
        return self._enabled

    def _get_growth_tracker(self) -> int:
        if self._growth_tracker is None:
            return self._init_growth_tracker
        return int(to_numpy(self._growth_tracker))

    def state_dict(self) -> dict[str, Any]:
        """torch.amp.GradScaler's: ``scale``, the factors, ``growth_interval``, ``_growth_tracker``
        (empty when disabled)."""
        if not self._enabled:
            return {}
        return {
            "scale": self.get_scale(),
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._get_growth_tracker(),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict`, from this class or ``torch.amp.GradScaler``."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise ArgumentError(
                "GradScaler.load_state_dict got an empty state dict: it came from a disabled scaler"
            )
        self._init_scale = float(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._init_growth_tracker = int(state_dict["_growth_tracker"])
        if self._scale is not None:
            with backend_scope(self._backend):
                self._scale.assign(creation.asarray(self._init_scale, dtype=dtypes.float32))
                self._growth_tracker.assign(creation.asarray(self._init_growth_tracker, dtype=dtypes.int32))
