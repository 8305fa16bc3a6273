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
from typing import Any

from ..autograd import no_grad, stop_gradient
from ..errors import ArgumentTypeError
from ..ops.binary import add, multiply, subtract
from ..ops.conversion import backend_of, convert, device_of, to_numpy
from ..ops.creation import asarray, zeros_like
from ..ops.manipulation import concat, reshape
from ..ops.products import vecdot
from ..ops.statistical import max as array_max
from ..ops.statistical import sum as array_sum
from ..ops.unary import abs as absolute
from ..types import Array
from ._checks import OptimizerError, is_tensor_like, non_negative
from .optimizer import Optimizer

__all__ = ["LBFGS"]

Closure = Callable[[], Any]


def _number(x: Any) -> float:
    return float(to_numpy(x)) if is_tensor_like(x) else float(x)


def _dot(a: Array, b: Array) -> float:
    return _number(vecdot(a, b))


def _abs_max(x: Array) -> float:
    return _number(array_max(absolute(x)))


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
                loss, flat_grad, t, ls_func_evals = self._strong_wolfe(
                    closure, start, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
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

    def _strong_wolfe(
        self,
        closure: Closure,
        x: list[Array],
        t: float,
        d: Array,
        f: float,
        g: Array,
        gtd: float,
        c1: float = 1e-4,
        c2: float = 0.9,
        max_ls: int = 25,
    ) -> tuple[float, Array, float, int]:
        """PyTorch's line search for a step that meets the strong Wolfe conditions (its code, ported)."""
        tolerance_change = self.param_groups[0]["tolerance_change"]
        d_norm = _abs_max(d)
        f_new, g_new = self._directional_evaluate(closure, x, t, d)
        ls_func_evals = 1
        gtd_new = _dot(g_new, d)
        t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
        done = False
        ls_iter = 0
        bracket: list[float] = []
        bracket_f: list[float] = []
        bracket_g: list[Array] = []
        bracket_gtd: list[float] = []
        while ls_iter < max_ls:
            if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
                bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
                bracket_gtd = [gtd_prev, gtd_new]
                break
            if abs(gtd_new) <= -c2 * gtd:
                bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
                done = True
                break
            if gtd_new >= 0:
                bracket, bracket_f, bracket_g = [t_prev, t], [f_prev, f_new], [g_prev, g_new]
                bracket_gtd = [gtd_prev, gtd_new]
                break
            min_step, max_step = t + 0.01 * (t - t_prev), t * 10
            previous = t
            t = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
            t_prev, f_prev, g_prev, gtd_prev = previous, f_new, g_new, gtd_new
            f_new, g_new = self._directional_evaluate(closure, x, t, d)
            ls_func_evals += 1
            gtd_new = _dot(g_new, d)
            ls_iter += 1
        if ls_iter == max_ls:
            bracket, bracket_f, bracket_g = [0.0, t], [f, f_new], [g, g_new]
        insufficient_progress = False
        low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
        while not done and ls_iter < max_ls:
            if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
                break
            t = _cubic_interpolate(
                bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
            )
            # a step too close to an end of the bracket makes little progress: move it inside
            eps = 0.1 * (max(bracket) - min(bracket))
            if min(max(bracket) - t, t - min(bracket)) < eps:
                if insufficient_progress or t >= max(bracket) or t <= min(bracket):
                    t = (
                        max(bracket) - eps
                        if abs(t - max(bracket)) < abs(t - min(bracket))
                        else min(bracket) + eps
                    )
                    insufficient_progress = False
                else:
                    insufficient_progress = True
            else:
                insufficient_progress = False
            f_new, g_new = self._directional_evaluate(closure, x, t, d)
            ls_func_evals += 1
            gtd_new = _dot(g_new, d)
            ls_iter += 1
            if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:
                bracket[high], bracket_f[high], bracket_g[high], bracket_gtd[high] = t, f_new, g_new, gtd_new
                low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
            else:
                if abs(gtd_new) <= -c2 * gtd:
                    done = True
                elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                    bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                    bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
                bracket[low], bracket_f[low], bracket_g[low], bracket_gtd[low] = t, f_new, g_new, gtd_new
        return bracket_f[low], bracket_g[low], bracket[low], ls_func_evals


def _loaded(value: Any, p: Any) -> Any:
    if isinstance(value, list):
        return [_loaded(v, p) for v in value]
    if not is_tensor_like(value):
        return value
    if len(value.shape) == 0:
        return _number(value)
    return asarray(convert(value, backend_of(p).name), dtype=p.dtype, device=device_of(p), copy=True)


def _cubic_interpolate(
    x1: float,
    f1: float,
    g1: float,
    x2: float,
    f2: float,
    g2: float,
    bounds: tuple[float, float] | None = None,
) -> float:
    """The minimiser of the cubic through two points with their slopes, within ``bounds``."""
    xmin_bound, xmax_bound = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = math.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0
