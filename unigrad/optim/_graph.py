"""Optimizer state that survives being compiled into a TensorFlow graph.

Eagerly, an optimizer keeps its step counts as Python ints and its options as
Python numbers, and replaces its state tensors each step. A graph traced by
``ug.function`` would freeze all three: the step count and learning rate
become constants, and new state tensors never leave the graph. So the first
time an optimizer steps inside a graph, its state moves into variables:

* each state tensor becomes a ``tf.Variable`` that later steps assign to;
* each step count becomes a float64 variable, seen by the update maths as a
  tensor of the parameter's dtype;
* each group's learning rate becomes a variable that
  :class:`ParamGroup` keeps equal to ``group["lr"]``, so schedules and a
  user's ``param_groups[i]["lr"] = ...`` reach a compiled step.

From then on the eager path reads and writes the same variables, so eager and
compiled steps can be mixed. Other options (momentum, betas, ...) are
constants of the traced graph: change them, and make a new ``ug.function``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["ParamGroup", "prepare", "views", "write_back", "group_view", "made_eagerly", "changed_entries"]


class ParamGroup(dict[str, Any]):
    """A parameter group: a dict that tells its optimizer when the learning rate changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lr_variable: Any = None

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if key == "lr" and self.lr_variable is not None:
            self.lr_variable.assign(float(value))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


def _variable(value: Any, dtype: Any = None) -> Any:
    import tensorflow as tf

    with tf.init_scope():  # made eagerly, outside the graph being traced
        if dtype is not None:
            return tf.Variable(tf.constant(float(value), dtype), trainable=False)
        return tf.Variable(value, trainable=False)


def made_eagerly(init: Callable[[Any], dict[str, Any]], p: Any) -> dict[str, Any]:
    """``init(p)`` run outside the graph being traced: state must outlive the trace."""
    import tensorflow as tf

    with tf.init_scope():
        return init(p)


def is_variable(value: Any) -> bool:
    # (asked of the type: a tf.distribute variable's .handle raises outside a replica)
    return hasattr(value, "assign") and hasattr(type(value), "handle")


def prepare(group: ParamGroup, states: list[dict[str, Any]], params: list[Any]) -> None:
    """Move a group's learning rate and its parameters' states into variables (once).

    State that the eager path makes on the first step (a momentum buffer)
    is made now, as zeros: a traced graph cannot make it later.
    """
    import tensorflow as tf

    if group.lr_variable is None:
        group.lr_variable = _variable(group["lr"], tf.float64)
    momentum = group.get("momentum", 0.0)
    if momentum and group.get("dampening", 0.0):
        from ._checks import OptimizerError

        raise OptimizerError(
            "a compiled step cannot start SGD momentum with dampening != 0 as PyTorch does (the first "
            "step skips the dampening); take one eager step before compiling, or use dampening=0"
        )
    for state, p in zip(states, params, strict=True):
        if momentum and state.get("momentum_buffer") is None:
            with tf.init_scope(), _beside(p):
                # zeros give PyTorch's first step without dampening: 0 * momentum + g = g
                state["momentum_buffer"] = tf.Variable(tf.zeros(p.shape, p.dtype), trainable=False)
    for state, p in zip(states, params, strict=True):
        for key, value in list(state.items()):
            if is_variable(value) or value is None:
                continue
            if key == "step":
                state[key] = _variable(value, tf.float64)
            elif hasattr(value, "shape"):
                with tf.init_scope(), _beside(p):
                    state[key] = tf.Variable(tf.identity(value), trainable=False)


def _beside(p: Any) -> Any:
    """A device scope on a plain variable's device, so that its optimizer state sits with it (a
    tf.distribute variable is left to its strategy, which places its state's copies itself)."""
    import tensorflow as tf
    from tensorflow.python.ops.resource_variable_ops import ResourceVariable

    return tf.device(p.device) if type(p) is ResourceVariable else contextlib.nullcontext()


def group_view(group: ParamGroup, dtype: Any) -> dict[str, Any]:
    """The group's options with the learning rate read from its variable, in the parameters' dtype."""
    import tensorflow as tf

    view = dict(group)
    view["lr"] = tf.cast(group.lr_variable, dtype)
    return view


def views(states: list[dict[str, Any]], params: list[Any]) -> list[dict[str, Any]]:
    """What the update maths sees: variables as they are, step counts as tensors of the parameter's dtype."""
    import tensorflow as tf

    found = []
    for state, p in zip(states, params, strict=True):
        view = dict(state)
        step = state.get("step")
        if is_variable(step):
            view["step"] = tf.cast(step, p.dtype)
        found.append(view)
    return found


def write_back(states: Sequence[dict[str, Any]], changes: Sequence[Mapping[str, Any]]) -> None:
    """Assign the changed entries to the state variables (new entries become variables)."""
    import tensorflow as tf

    for state, change in zip(states, changes, strict=True):
        for key, value in change.items():
            current: Any = state.get(key)
            if current is value:
                continue
            if is_variable(current):
                current.assign(tf.cast(value, current.dtype))
            else:
                raise RuntimeError(
                    f"optimizer state {key!r} appeared inside a compiled step; unigrad makes every "
                    "state entry before tracing, so this is a bug: please report it"
                )


def changed_entries(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries a fast path replaced in the views it was given."""
    return [{k: v for k, v in a.items() if b.get(k) is not v} for b, a in zip(before, after, strict=True)]
