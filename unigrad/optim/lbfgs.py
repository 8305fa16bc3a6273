"""L-BFGS, as ``torch.optim.LBFGS``: a quasi-Newton method that evaluates the loss several times a step.

unigrad's gradients live apart from the parameters, so the closure that
``step`` calls returns the gradients with the loss: ``(loss, grads)``, grads
in the order of the parameters (``None`` for one that the loss does not reach)::

    def closure():
        with ug.GradientTape() as tape:
            loss = loss_fn(model(x), y)
        return loss, tape.gradient(loss, params)

    optimizer.step(closure)

On the torch backend a PyTorch-style closure (``loss.backward()``, then
``return loss``) works too: the gradients are read from the parameters'
``.grad``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from ..autograd import no_grad, stop_gradient
from ..errors import ArgumentTypeError
from ..ops.binary import add, multiply, subtract
from ..ops.conversion import backend_of, convert, device_of
from ..ops.creation import asarray, zeros_like
from ..ops.manipulation import concat, reshape
from ..ops.statistical import sum as array_sum
from ..ops.unary import abs as absolute
from ..types import Array
from ._checks import OptimizerError, is_tensor_like, non_negative
from .lbfgs_line_search import _abs_max, _dot, _number, _strong_wolfe
from .optimizer import Optimizer

__all__ = ["LBFGS"]

Closure = Callable[[], Any]


class LBFGS(Optimizer):
    """``torch.optim.LBFGS``: ``step(closure)`` runs up to ``max_iter`` L-BFGS iterations.

    One parameter group only (as PyTorch). The closure returns ``(loss, grads)``
    (as in the example below); the loss may be a tensor or a number.
    State, kept with the first parameter as PyTorch keeps it: ``func_evals``,
    ``n_iter``, the last direction ``d`` and step ``t``, the curvature pairs
    ``old_dirs`` / ``old_stps``, ``ro``, ``H_diag``, ``prev_flat_grad``,
    ``prev_loss`` (flat vectors are tensors, scalars Python floats). It runs
    eagerly: its iterations and line search decide on the loss's value, so
    call ``step`` outside ``ug.function``.

    Args:
        params: parameters (``ug.nn.Parameter``).
        lr: learning rate (the step along the search direction).
        max_iter: iterations per ``step``.
        max_eval: loss evaluations per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when the largest gradient element is this small.
        tolerance_change: stop when the loss or the parameters change less than this.
        history_size: curvature pairs kept.
        line_search_fn: ``None`` or ``"strong_wolfe"``.

    Examples:
        >>> import unigrad as ug
        >>> w = ug.nn.Parameter(ug.asarray([3.0, -1.0]))
        >>> opt = ug.optim.LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     with ug.GradientTape() as tape:
        ...         loss = ug.sum(ug.square(w - ug.asarray([1.0, 2.0])))
        ...     return loss, tape.gradient(loss, [w])
        >>> loss = opt.step(closure)
        >>> [round(v, 4) for v in ug.to_numpy(w).tolist()]
        [1.0, 2.0]
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1.0,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_iter * 5 // 4 if max_eval is None else max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)

    def check(self, group: Mapping[str, Any]) -> None:
        non_negative(group, "lr", "tolerance_grad", "tolerance_change")
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise OptimizerError(
                f"line_search_fn must be None or 'strong_wolfe', got {group['line_search_fn']!r}"
            )

    def add_param_group(self, group: Mapping[str, Any]) -> None:
        if self.param_groups:
            raise OptimizerError(
                "LBFGS takes one parameter group (as PyTorch's): pass a list of parameters, not groups"
            )
        super().add_param_group(group)

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's layout: the whole state under parameter 0; lists of flat vectors copied."""
        saved = super().state_dict()
        for entries in saved["state"].values():
            for name, value in entries.items():
                if isinstance(value, list):
                    entries[name] = [asarray(v, copy=True) if is_tensor_like(v) else v for v in value]
        return saved

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore a :meth:`state_dict` (also ``torch.optim.LBFGS``'s): flat vectors are converted to
        the parameters' backend and dtype, 0-d tensors to numbers."""
        entries = dict(state_dict.get("state", {}))
        first = entries.pop(0, entries.pop("0", {}))
        if entries:
            raise OptimizerError(
                f"LBFGS keeps its state with parameter 0; the state dict has some for {list(entries)}"
            )
        super().load_state_dict({**state_dict, "state": {}})
        p = self._params[0]
        with self._on_backend():
            self._state[id(p)] = {name: _loaded(value, p) for name, value in first.items()}

    # -- flat views of the parameters ------------------------------------------------------

    @property
    def _params(self) -> list[Any]:
        return list(self.param_groups[0]["params"])

    def _flat(self, grads: list[Any]) -> Array:
        views = [
            reshape(zeros_like(p), (-1,)) if g is None else reshape(g, (-1,))
            for p, g in zip(self._params, grads, strict=True)
        ]
        return concat(views) if len(views) > 1 else views[0]

    def _add_grad(self, step_size: float, direction: Array) -> None:
        offset = 0
        with no_grad():
            for p in self._params:
                count = math.prod(p.shape)
                update = multiply(reshape(direction[offset : offset + count], tuple(p.shape)), step_size)
                (getattr(p, "assign_add", None) or p.add_)(update)
                offset += count

    def _set_params(self, values: list[Array]) -> None:
        with no_grad():
            for p, value in zip(self._params, values, strict=True):
                (getattr(p, "assign", None) or p.copy_)(value)

    def _evaluate(self, closure: Closure) -> tuple[Any, float, Array]:
        """Call the closure (outside no_grad): its loss, as given and as a float, and the flat gradient."""
        result = closure()
        if isinstance(result, tuple) and len(result) == 2:
            loss, grads = result
            grads = list(grads.values()) if isinstance(grads, dict) else list(grads)
        elif all(hasattr(p, "grad") for p in self._params):  # a PyTorch closure: loss.backward() was called
            loss, grads = result, [p.grad for p in self._params]
        else:
            raise OptimizerError(
                f"the LBFGS closure returned a {type(result).__name__}; return (loss, grads), e.g. "
                "(loss, tape.gradient(loss, params))"
            )
        if len(grads) != len(self._params):
            raise OptimizerError(
                f"the LBFGS closure returned {len(grads)} gradients for {len(self._params)} parameters"
            )
        with no_grad():
            flat = self._flat(grads)
        return loss, _number(loss), flat

    # -- the step --------------------------------------------------------------------------

    def step(self, closure: Closure) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` iterations, calling ``closure`` for each loss; the first loss returned."""
        if not callable(closure):
            raise ArgumentTypeError(
                f"LBFGS.step takes a closure that returns (loss, grads), got {type(closure).__name__}"
            )
        group = self.param_groups[0]
        state = self._state.setdefault(id(self._params[0]), {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        with self._on_backend():  # (the closure runs outside no_grad: it computes gradients)
            return self._iterate(closure, group, state)

    def _iterate(self, closure: Closure, group: Mapping[str, Any], state: dict[str, Any]) -> Any:
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        orig_loss, loss, flat_grad = self._evaluate(closure)
        current_evals = 1
        state["func_evals"] += 1
        if _abs_max(flat_grad) <= tolerance_grad:
            return orig_loss
        # (None before the first iteration, which sets them all)
        d: Any = state.get("d")
        t: Any = state.get("t")
        old_dirs: Any = state.get("old_dirs")
        old_stps: Any = state.get("old_stps")
        ro: Any = state.get("ro")
        h_diag: Any = state.get("H_diag")
        prev_flat_grad: Any = state.get("prev_flat_grad")
        prev_loss: Any = state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = multiply(flat_grad, -1.0)
                old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
            else:
                d = self._direction(state, flat_grad, prev_flat_grad, d, t, old_dirs, old_stps, ro, h_diag)
                h_diag = state["H_diag"]
            prev_flat_grad = asarray(flat_grad, copy=True)
            prev_loss = loss
            # the first step is scaled to the gradient's size
            t = lr * (
                min(1.0, 1.0 / _number(array_sum(absolute(flat_grad)))) if state["n_iter"] == 1 else 1.0
            )
            gtd = _dot(flat_grad, d)
            if gtd > -tolerance_change:
                break
            ls_func_evals = 0
            opt_cond = False
            if group["line_search_fn"] is not None:
                with no_grad():
                    start = [asarray(stop_gradient(p), copy=True) for p in self._params]
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    partial(self._directional_evaluate, closure),
                    start,
                    t,
                    d,
                    loss,
                    flat_grad,
                    gtd,
                    tolerance_change=tolerance_change,
                    max_ls=max_eval - current_evals,
                )
                self._add_grad(t, d)
                opt_cond = _abs_max(flat_grad) <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:
                    _, loss, flat_grad = self._evaluate(closure)
                    opt_cond = _abs_max(flat_grad) <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if (
                n_iter == max_iter
                or current_evals >= max_eval
                or opt_cond
                or _abs_max(multiply(d, t)) <= tolerance_change
                or abs(loss - prev_loss) < tolerance_change
            ):
                break
        state.update(
            d=d,
            t=t,
            old_dirs=old_dirs,
            old_stps=old_stps,
            ro=ro,
            H_diag=h_diag,
            prev_flat_grad=prev_flat_grad,
            prev_loss=prev_loss,
        )
        return orig_loss

    def _direction(
        self,
        state: dict[str, Any],
        flat_grad: Array,
        prev_flat_grad: Array,
        d: Array,
        t: float,
        old_dirs: list[Array],
        old_stps: list[Array],
        ro: list[float],
        h_diag: float,
    ) -> Array:
        """The two-loop recursion: the inverse-Hessian estimate times the negative gradient."""
        history_size = self.param_groups[0]["history_size"]
        y = subtract(flat_grad, prev_flat_grad)
        s = multiply(d, t)
        ys = _dot(y, s)
        if ys > 1e-10:  # keep the pair only where the curvature is positive
            if len(old_dirs) == history_size:
                old_dirs.pop(0)
                old_stps.pop(0)
                ro.pop(0)
            old_dirs.append(y)
            old_stps.append(s)
            ro.append(1.0 / ys)
            h_diag = ys / _dot(y, y)
        state["H_diag"] = h_diag
        al = state.setdefault("al", [None] * history_size)
        q = multiply(flat_grad, -1.0)
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = _dot(old_stps[i], q) * ro[i]
            q = add(q, multiply(old_dirs[i], -al[i]))
        r = multiply(q, h_diag)
        for i in range(len(old_dirs)):
            be_i = _dot(old_dirs[i], r) * ro[i]
            r = add(r, multiply(old_stps[i], al[i] - be_i))
        return r

    def _directional_evaluate(
        self, closure: Closure, start: list[Array], t: float, d: Array
    ) -> tuple[float, Array]:
        self._add_grad(t, d)
        _, loss, flat_grad = self._evaluate(closure)
        self._set_params(start)
        return loss, flat_grad


def _loaded(value: Any, p: Any) -> Any:
    if isinstance(value, list):
        return [_loaded(v, p) for v in value]
    if not is_tensor_like(value):
        return value
    if len(value.shape) == 0:
        return _number(value)
    return asarray(convert(value, backend_of(p).name), dtype=p.dtype, device=device_of(p), copy=True)
