"""The stateful :class:`Optimizer` that every ``ug.optim`` optimizer configures.

An optimizer holds parameter groups (PyTorch's ``param_groups``: dicts of
options that a user or a schedule may change between steps) and one state
dict per parameter. Each step it builds the group's :class:`~.transforms.Transform`
from the group's current options and applies it (the generic path, written
once over ``ug`` ops), or hands the group to the backend's fast path
(``Backend.optim_fused_step``: ``torch._foreach_*``, TensorFlow's fused resource
ops) where one computes the same maths. Where the backend keeps optimizer state
in variables, so that a compiled step can update it
(``Backend.optim_state_in_variables``), the backend runs the group's update on
views of them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from .. import tree
from ..autograd import no_grad
from ..distribute import _hooks
from ..errors import ArgumentTypeError, BackendMismatchError, DTypeError, NotSupportedError, ShapeError
from ..ops.conversion import backend_of
from ..types import Array
from . import _state_dict
from ._checks import OptimizerError, backend_scope, is_tensor_like, non_negative
from ._param_group import ParamGroup
from .transforms import State, Transform

__all__ = ["Optimizer", "OptimizerError"]


StepFn = Callable[[Mapping[str, Any], list[Any], list[Any], list[State]], None]
"""A fast path's step over one group: updates parameters and states in place."""


class Optimizer:
    """Base class: parameter groups, ``step(grads)``, ``state_dict()`` / ``load_state_dict()``.

    A subclass passes its ``defaults`` (the options of a group) and implements
    :meth:`transform`, the group's update as a chain of transforms, and
    :meth:`check`, which validates a group's options. ``fast_path`` names the
    optimizer to the backend (``Backend.optim_fused_step``), whose fused kernels
    may take a whole group at once.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([1.0, 2.0]))
        >>> opt = ug.optim.SGD([w], lr=0.5)
        >>> opt.step([ug.asarray([1.0, 1.0])])
        >>> ug.to_numpy(w).tolist()
        [0.5, 1.5]
    """

    fast_path: ClassVar[str | None] = None
    init_state_eagerly: ClassVar[bool] = False
    """Make each parameter's state when it is added (torch's Adagrad does), not at its first step."""
    scalar_state: ClassVar[tuple[str, ...]] = ()
    """State entries that are Python floats (torch.optim keeps them in 0-d tensors), besides ``"step"``."""

    def __init__(self, params: Any, defaults: Mapping[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        self._state: dict[int, State] = {}  # by id(param): TensorFlow variables are not hashable
        self._backend: Any = None
        if is_tensor_like(params) or isinstance(params, (str, bytes, Mapping)):
            raise ArgumentTypeError(
                "params must be an iterable of parameters or of param-group dicts, "
                f"got {type(params).__name__}"
            )
        groups = list(params)
        if not groups:
            raise OptimizerError(f"{type(self).__name__} got an empty parameter list")
        if not isinstance(groups[0], Mapping):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # -- what a subclass provides ------------------------------------------------------------

    def transform(self, group: Mapping[str, Any]) -> Transform:
        """The update of one group, built from its current options."""
        raise NotSupportedError

    def check(self, group: Mapping[str, Any]) -> None:
        """Raise :class:`OptimizerError` for options the optimizer cannot take."""
        non_negative(group, "lr")

    # -- parameter groups ------------------------------------------------------------------

    def add_param_group(self, group: Mapping[str, Any]) -> None:
        """Add a group ``{"params": [...], option: value, ...}``; missing options take the defaults."""
        if not isinstance(group, Mapping) or "params" not in group:
            raise ArgumentTypeError("a param group must be a dict with a 'params' entry")
        params = group["params"]
        params = [params] if is_tensor_like(params) else list(params)
        if not params:
            raise OptimizerError(f"{type(self).__name__} got a parameter group with no parameters")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            self._check_parameter(p)
            if id(p) in seen:
                raise OptimizerError(
                    f"a parameter of shape {tuple(p.shape)} is given to {type(self).__name__} twice; "
                    "each parameter may appear once, in one group"
                )
            seen.add(id(p))
        full = ParamGroup(
            {**self.defaults, **{k: v for k, v in group.items() if k != "params"}, "params": params}
        )
        self.check(full)
        self.param_groups.append(full)
        self._backend.optim_prepare_group(full, params)
        if self.init_state_eagerly:
            with self._on_backend():
                init = self.transform(full).init
                self._state.update((id(p), init(p)) for p in params)

    def _check_parameter(self, p: Any) -> None:
        backend = backend_of(p)  # raises the BackendMismatchError for a non-tensor
        if self._backend is None:
            self._backend = backend
        elif backend is not self._backend:
            raise BackendMismatchError(
                f"{type(self).__name__} got parameters of {self._backend.name!r} and of {backend.name!r}; "
                "one optimizer updates parameters of one backend (ug.convert moves tensors across)"
            )
        dtype = backend.dtype_of(p)
        if dtype.kind != "float":
            raise DTypeError(f"{type(self).__name__} updates real floating-point parameters, got {dtype}")

    def _parameters(self) -> list[Any]:
        return [p for group in self.param_groups for p in group["params"]]

    # -- stepping --------------------------------------------------------------------------

    def step(self, grads: Iterable[Array | None]) -> None:
        """Update the parameters in place from ``grads``, given in the order of the parameters.

        The order is that of the groups, then of the parameters in each group,
        as they were given. A nested list, tuple or dict is flattened first
        (per-group lists; the dict ``ug.grad`` gives for a dict of parameters,
        in the same order). A ``None`` gradient leaves its parameter (and its
        state) alone, as PyTorch does for a parameter without ``.grad``.
        """
        grads = tree.flatten(grads)[0] if isinstance(grads, (list, tuple, dict)) else list(grads)
        params = self._parameters()
        if len(grads) != len(params):
            raise OptimizerError(
                f"{type(self).__name__}.step got {len(grads)} gradients for {len(params)} parameters; "
                "pass one per parameter, in order (None to skip one)"
            )
        with self._on_backend(), no_grad():
            self._update(grads)

    def _update(self, grads: list[Any]) -> None:
        """Check the gradients and update the parameters: one call, which a compiler traces as one frame."""
        work = []
        offset = 0
        for group in self.param_groups:
            count = len(group["params"])
            pairs = [
                (p, self._checked_grad(offset + i, p, g))
                for i, (p, g) in enumerate(zip(group["params"], grads[offset : offset + count], strict=True))
                if g is not None
            ]
            offset += count
            if pairs:
                work.append((group, [p for p, _ in pairs], [g for _, g in pairs]))
        hook = _hooks.replica_update  # inside a tf.distribute replica: all-reduce, then update each copy
        if hook is not None and hook(self, work):
            return
        plans = [self._plan(group, params, grads) for group, params, grads in work]
        self._backend.optim_run_update(self._step_planned, work, plans)

    def _step_groups(self, work: list[tuple[Any, list[Any], list[Any]]]) -> None:
        self._step_planned(work, [self._plan(group, params, grads) for group, params, grads in work])

    def _step_planned(self, work: list[tuple[Any, list[Any], list[Any]]], plans: list[StepFn | None]) -> None:
        for (group, params, grads), plan in zip(work, plans, strict=True):
            self._step_group(group, params, grads, plan)

    def _checked_grad(self, index: int, p: Any, g: Any) -> Any:
        backend = self._backend
        if not backend.is_tensor(g):
            raise BackendMismatchError(
                f"the gradient for parameter {index} is a {type(g).__module__}.{type(g).__name__}; "
                f"expected a {backend.name} tensor like the parameter"
            )
        if g.shape != p.shape:
            raise ShapeError(
                f"the gradient for parameter {index} has shape {tuple(g.shape)}, "
                f"the parameter {tuple(p.shape)}"
            )
        if g.dtype != p.dtype:
            raise DTypeError(
                f"the gradient for parameter {index} has dtype {backend.dtype_of(g)}, "
                f"the parameter {backend.dtype_of(p)}"
            )
        return g

    def _on_backend(self) -> contextlib.AbstractContextManager[Any]:
        return backend_scope(self._backend)

    def _plan(self, group: Mapping[str, Any], params: list[Any], grads: list[Any]) -> StepFn | None:
        """The fast-path function for this group, or None for the generic path."""
        foreach = group.get("foreach")
        if foreach is False:
            return None
        plan = None
        if self.fast_path is not None:
            plan = self._backend.optim_fused_step(self.fast_path, group, params, grads)
        if plan is None and foreach:
            raise OptimizerError(
                f"{type(self).__name__}(foreach=True) has no fast path on {self._backend.name!r} for "
                "these options or parameters; use foreach=None to take it only where it exists"
            )
        return plan

    def _step_group(
        self, group: Mapping[str, Any], params: list[Any], grads: list[Any], plan: StepFn | None
    ) -> None:
        backend = self._backend
        if backend.optim_state_in_variables(group):
            states = self._states(group, params, in_variables=True)
            backend.optim_step_in_variables(
                group, params, grads, states, functools.partial(self._apply, plan)
            )
        else:
            self._apply(plan, group, params, grads, self._states(group, params))

    def _apply(
        self,
        plan: StepFn | None,
        group: Mapping[str, Any],
        params: list[Any],
        grads: list[Any],
        states: list[State],
    ) -> None:
        """Update ``params`` and ``states`` in place: the fast path's ``plan``, or the generic transform."""
        if plan is not None:
            plan(group, params, grads, states)
            return
        updates, changed = self.transform(group).update(grads, states, params)
        for p, u in zip(params, updates, strict=True):
            # a plain torch.nn.Parameter (ug.nn.from_torch shares a module's own) has no
            # assign_add; its in-place add_ is the same update (the step runs under no_grad)
            assign_add = getattr(p, "assign_add", None) or getattr(p, "add_", None)
            if assign_add is None:
                raise ArgumentTypeError(
                    f"the generic path updates parameters with assign_add, which a {type(p).__name__} "
                    "lacks; make parameters with ug.nn.Parameter"
                )
            assign_add(u)
        for state, change in zip(states, changed, strict=True):
            state.update(change)

    def _states(self, group: Mapping[str, Any], params: list[Any], in_variables: bool = False) -> list[State]:
        """Each parameter's state, made on its first step (outside any graph being traced)."""
        states = []
        init = None
        for p in params:
            state = self._state.get(id(p))
            if state is None:
                init = init or self.transform(group).init
                state = init(p) if not in_variables else self._backend.optim_init_state(init, p)
                self._state[id(p)] = state
            states.append(state)
        return states

    def _make_state_variables(self, work: list[tuple[Any, list[Any], list[Any]]]) -> None:
        """Put the state of ``work``'s parameters in variables now (a distribution strategy mirrors them)."""
        for group, params, _ in work:
            self._backend.optim_move_state_to_variables(group, self._states(group, params, True), params)

    # -- saving and loading ----------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{options..., "params": [indices]}]}``, as PyTorch.

        Indices number the parameters across groups in order. Tensors are
        copies (a fast path updates its state in place), step counts ints.
        """
        return _state_dict.state_dict(self)

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict`, from this backend, another one, NumPy or ``torch.optim``.

        Tensors are converted to each parameter's backend, dtype and device.
        Raises :class:`OptimizerError` naming what does not fit (group count,
        parameter count, shapes), before changing anything.
        """
        _state_dict.load_state_dict(self, state_dict)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join([*lines, ")"])
