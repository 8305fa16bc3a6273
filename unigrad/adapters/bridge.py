"""Calling a model of one framework with tensors of the other, gradients included.

The shape is thinc's shim: convert the inputs in (DLPack, no copy where the
buffer allows), run the model with its own framework recording, convert the
outputs out. The caller's framework sees the whole call as one op made with
``ug.custom_gradient``. Its backward pass converts the upstream gradients in,
asks the model's framework for the gradients of the inputs *and* of the
model's parameters, returns the input gradients converted out, and adds the
parameter gradients to the wrapper (``take_gradients()``): the caller's tape
cannot hold gradients of another framework's tensors. How the model's framework
records and differentiates the call, and where it leaves the parameter
gradients, are that backend's ``bridge_record``, ``bridge_gradients`` and
``bridge_accumulate``.

Limits: eager only (a graph being traced has no values to convert), one
level of differentiation (the backward pass is not itself recorded).
"""

from __future__ import annotations

from typing import Any

from .. import config, tree
from ..autograd import custom_gradient
from ..errors import UnigradError
from ..ops._dispatch import framework_of
from ..ops.conversion import convert

__all__ = ["call_across", "CrossFrameworkError"]


class CrossFrameworkError(UnigradError, RuntimeError):
    """A call across frameworks that cannot be made (inside a graph being traced)."""


def _is_float(x: Any) -> bool:
    dtype = x.dtype
    return bool(getattr(dtype, "is_floating_point", False) or getattr(dtype, "is_floating", False))


def _trainable(p: Any) -> bool:
    return bool(getattr(p, "requires_grad", getattr(p, "trainable", True)))


class _Call:
    """One call across: what its backward pass needs of its forward pass."""

    def __init__(self, module: Any, caller: str, leaves: list[Any], spec: Any, positions: list[int]) -> None:
        self.module, self.caller, self.inner = module, caller, module.framework
        self.backend = config.backend_instance(self.inner)  # the wrapped model's framework's
        self.leaves, self.spec, self.positions = leaves, spec, positions
        self.inputs: list[Any] = []
        self.results: list[Any] = []  # the model's output leaves
        self.tensor_outputs: list[int] = []  # which of them are tensors (they cross; the rest do not)
        self.out_spec: Any = None
        self.recording: Any = None  # what the model's framework recorded for the backward pass

    def forward(self, tensors: tuple[Any, ...]) -> tuple[Any, ...]:
        leaves = [convert(x, self.inner) if framework_of(x) == "numpy" else x for x in self.leaves]
        for position, tensor in zip(self.positions, tensors, strict=True):
            leaves[position] = convert(tensor, self.inner)
        self.inputs = [leaves[p] for p in self.positions]
        args, kwargs = tree.unflatten(self.spec, leaves)
        with config.use_backend(self.inner):
            outputs, self.recording = self.backend.bridge_record(
                lambda: self.module._run(*args, **kwargs), [x for x in self.inputs if _is_float(x)]
            )
        self.results, self.out_spec = tree.flatten(outputs)
        self.tensor_outputs = [i for i, y in enumerate(self.results) if framework_of(y) == self.inner]
        return tuple(convert(self.results[i], self.caller) for i in self.tensor_outputs)

    def rebuild(self, crossed: tuple[Any, ...]) -> Any:
        results = list(self.results)
        for i, y in zip(self.tensor_outputs, crossed, strict=True):
            results[i] = y
        return tree.unflatten(self.out_spec, results)

    def backward(self, *upstream: Any) -> list[Any]:
        outputs = [self.results[i] for i in self.tensor_outputs]
        pairs = [
            (y, convert(dy, self.inner))
            for y, dy in zip(outputs, upstream, strict=True)
            if dy is not None and _is_float(y) and getattr(y, "requires_grad", True)
        ]
        parameters = [p for p in self.module.parameters() if _trainable(p)]
        inputs = [x if _is_float(x) else None for x in self.inputs]
        sources = [x for x in inputs if x is not None] + parameters
        if not pairs or not sources:
            return [None] * (1 + len(self.inputs))
        targets, seeds = [y for y, _ in pairs], [dy for _, dy in pairs]
        found = self.backend.bridge_gradients(self.recording, targets, sources, seeds)
        n_inputs = len(sources) - len(parameters)
        # where take_gradients finds them: the caller's tape cannot hold another framework's tensors
        self.backend.bridge_accumulate(self.module, parameters, found[n_inputs:])
        grads = iter(found[:n_inputs])
        input_grads = [None if x is None else next(grads) for x in inputs]
        return [None, *(None if g is None else convert(g, self.caller) for g in input_grads)]


@custom_gradient
def _across(call: _Call, *tensors: Any) -> Any:
    return call.forward(tensors), call.backward


def call_across(module: Any, caller: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``module(*args, **kwargs)`` for a wrapped model of another framework than ``caller``'s tensors."""
    backend = config.backend_instance(caller)
    if backend.in_graph():
        raise CrossFrameworkError(
            f"a {module.framework} model cannot be called from a {caller} graph being traced "
            "(ug.function, tf.function, torch.compile): the call converts values. Call it eagerly, "
            "or keep the compiled part on one framework"
        )
    leaves, spec = tree.flatten((args, kwargs))
    positions = [i for i, leaf in enumerate(leaves) if backend.is_tensor(leaf)]
    call = _Call(module, backend.name, leaves, spec, positions)
    with config.use_backend(backend.name):
        crossed = _across(call, *[leaves[i] for i in positions])
    return call.rebuild(tuple(crossed))
