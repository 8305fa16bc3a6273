"""Export formats: the graphs ug.export writes (TensorFlow): SavedModel.

:func:`export` is the backend's writer for :func:`unigrad.export`, which has
already checked the format and the path, moved the model here and put it in
eval mode; the tracing fallbacks, the restoring of the model's attributes
and the atomic write are the core's (``unigrad.train.export``), shared with
the other backends' writers.
"""

from __future__ import annotations

import importlib
from typing import Any

import tensorflow as tf

__all__ = ["export"]


def export(module: Any, inputs: tuple[Any, ...], destination: str, format: str, dynamic: bool) -> None:
    """Write ``module`` traced on ``inputs`` to the folder ``destination`` as a SavedModel."""
    # looked up at each call: the core's helpers are one module, which tests may patch
    core = importlib.import_module("unigrad.train.export")
    # Buffers are plain tensors, which a graph would bake in as constants; as variables,
    # tracked in a list beside the parameters, they are stored as weights.
    root = tf.Module()
    natives: dict[int, Any] = {}
    root.parameters, root.buffers, links = [], [], []
    for name, owner, attr, value, is_parameter in core._slots(module):
        if id(value) not in natives:
            if is_parameter:
                natives[id(value)] = value
                root.parameters.append(value)
            else:
                natives[id(value)] = tf.Variable(value, trainable=False, name=f"{name}.{attr}".lstrip("."))
                root.buffers.append(natives[id(value)])
        links.append((owner, attr, natives[id(value)]))

    def trace(dynamic_batch: bool) -> Any:
        specs = [
            tf.TensorSpec(
                (None, *x.shape[1:]) if dynamic_batch and x.shape.rank else x.shape, x.dtype, f"input_{i}"
            )
            for i, x in enumerate(inputs)
        ]
        call = tf.function(module.__call__, input_signature=specs)
        call.get_concrete_function()
        return call

    with core._restored(links):
        for owner, attr, native in links:
            object.__setattr__(owner, attr, native)
        root.__call__ = core._traced(trace, dynamic, format, inputs)

        def serve(*args: Any) -> dict[str, Any]:
            return {f"output_{i}": y for i, y in enumerate(tf.nest.flatten(root.__call__(*args)))}

        signature = tf.function(serve, input_signature=root.__call__.input_signature).get_concrete_function()
        core._write_atomically(
            destination,
            lambda folder: tf.saved_model.save(root, folder, signatures={"serving_default": signature}),
            format,
        )
