"""``module.to_native()``: a unigrad model as a ``keras.Model`` over its variables (TensorFlow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["to_native_module", "bridge_record", "bridge_gradients", "bridge_accumulate"]


def to_native_module(module: Any) -> Any:
    """A ``keras.Model`` over views of ``module``'s ``tf.Variable`` objects (adapters/keras_model.py)."""
    from unigrad.adapters.keras_model import native_model

    return native_model(module)


# -- calls across frameworks (adapters/bridge.py): a wrapped Keras model called with other tensors --


def bridge_record(run: Callable[[], Any], inputs: list[Any]) -> tuple[Any, Any]:
    """``run()`` recorded for the gradients of its outputs: (outputs, the tape that watched ``inputs``)."""
    import tensorflow as tf

    # persistent: a caller that keeps its graph may run the backward pass more than once
    tape = tf.GradientTape(persistent=True)
    with tape:
        for x in inputs:
            tape.watch(x)
        return run(), tape


def bridge_gradients(recording: Any, targets: list[Any], sources: list[Any], seeds: list[Any]) -> list[Any]:
    """The gradients of ``targets`` seeded with ``seeds`` for ``sources`` (None where unused)."""
    return list(recording.gradient(targets, sources, output_gradients=seeds))


def bridge_accumulate(module: Any, parameters: list[Any], grads: list[Any]) -> None:
    """Add the parameters' gradients to the wrapper's store, where ``take_gradients`` finds them."""
    import tensorflow as tf

    store = module._gradients
    for p, g in zip(parameters, grads, strict=True):
        if g is not None:
            dense = tf.convert_to_tensor(g)  # (an embedding's IndexedSlices)
            store[id(p)] = dense if id(p) not in store else store[id(p)] + dense
