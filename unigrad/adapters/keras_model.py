"""``ug.nn.from_keras``: an existing Keras 3 model or layer as a ``ug.nn.Module``, weights shared.

Keras 3 keeps each weight in a ``keras.Variable`` around the backend's own
variable (``variable.value``): a ``tf.Variable`` on Keras' TensorFlow backend,
a ``torch.nn.Parameter`` on its torch backend. The wrapper's parameters and
buffers are those native variables, so unigrad's tapes watch them and its
optimizers update them in place, and Keras sees every update.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import ArgumentTypeError, InvalidKeyError, NotSupportedError, UnigradError
from ..nn.module import Module
from .wrapped import WrappedModule

__all__ = ["KerasModule", "from_keras", "native_model"]

_FRAMEWORKS = {"tensorflow": "tensorflow", "torch": "torch"}  # Keras backend -> unigrad backend


class KerasModule(WrappedModule):
    """A Keras model or layer seen as a ``ug.nn.Module``; made by :func:`from_keras`.

    Trainable weights are the parameters, non-trainable ones (BatchNorm's
    moving statistics, frozen layers) the buffers, named by their Keras path
    below the model, with dots: ``"dense.kernel"``,
    ``"batch_normalization.moving_mean"``. ``train()``/``eval()`` choose the
    ``training=`` flag of each call. ``model`` is the wrapped Keras object.
    """

    def __init__(self, model: Any, framework: str) -> None:
        super().__init__(model, framework)
        object.__setattr__(self, "_gradients", {})  # id(variable) -> gradient, from bridged calls

    @property
    def model(self) -> Any:
        """The wrapped Keras model or layer."""
        return self._native

    def _named_variables(self, variables: Sequence[Any]) -> list[tuple[str, Any]]:
        root = f"{self._native.name}/"
        named: list[tuple[str, Any]] = []
        seen: set[str] = set()
        for variable in variables:
            name = str(variable.path).removeprefix(root).replace("/", ".")
            if name in seen:  # (paths are unique in a model; a layer shared with another may not be)
                name = f"{name}_{len(seen)}"
            seen.add(name)
            named.append((name, variable.value))
        return named

    def _named_parameters(self) -> Iterable[tuple[str, Any]]:
        return self._named_variables(self._native.trainable_weights)

    def _named_buffers(self) -> Iterable[tuple[str, Any]]:
        return self._named_variables(self._native.non_trainable_weights)

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("training", self.training)
        return self._native(*args, **kwargs)

    def _set_state(self, name: str, value: Any) -> None:
        weights = [*self._native.trainable_weights, *self._native.non_trainable_weights]
        for (key, native), variable in zip(self._named_variables(weights), weights, strict=True):
            if key == name:
                if value is not native:
                    variable.assign(value)
                return
        raise InvalidKeyError(name)

    def to(self, *args: Any, device: Any = None, dtype: Any = None) -> Module:
        raise NotSupportedError(
            "a wrapped Keras model keeps its variables where and as Keras made them; build it inside "
            "`with ug.device(...)` (or tf.device) to place it, with a Keras dtype policy to cast it"
        )

    def take_gradients(self) -> list[Any]:
        found = self._gradients
        grads = [found.pop(id(parameter), None) for parameter in self.parameters()]
        found.clear()
        return grads


def _framework_of_keras() -> str:
    import keras

    backend = keras.backend.backend()
    if backend not in _FRAMEWORKS:
        raise UnigradError(
            f"ug.nn.from_keras wraps Keras models on the TensorFlow or torch backend; Keras runs on "
            f"{backend!r} here (set KERAS_BACKEND before Keras is first imported)"
        )
    return _FRAMEWORKS[backend]


def from_keras(model: Any, input_shape: Sequence[int | None] | None = None) -> Module:
    """Wrap a Keras 3 model or layer as a ``ug.nn.Module`` that shares its variables.

    Trainable weights become the parameters (the ``tf.Variable`` inside each
    ``keras.Variable``), non-trainable ones the buffers; BatchNorm statistics
    move in training mode as under Keras' own ``fit``. ``train()``/``eval()``
    set the ``training=`` flag of each call. It trains with ``ug.GradientTape``
    and ``ug.optim``; called with torch tensors, the call crosses over to
    TensorFlow and back, gradients included (see
    :meth:`WrappedModule.take_gradients`).

    On Keras' torch backend (``KERAS_BACKEND=torch``) the variables are
    ``torch.nn.Parameter`` objects and the wrapper a torch-side module. An
    unbuilt model is built for ``input_shape`` (batch axis included).
    ``from_keras(m.to_native())`` gives back the unigrad module ``m``.

    Examples:
        >>> import keras
        >>> import unigrad as ug
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="head")])
        >>> wrapped = ug.nn.from_keras(model)
        >>> list(wrapped.state_dict()), wrapped.parameters()[0] is model.layers[0].kernel.value
        (['head.kernel', 'head.bias'], True)
    """
    from .native import unigrad_module_of

    found = unigrad_module_of(model)
    if found is not None:
        return found
    import keras

    if not isinstance(model, keras.layers.Layer):
        raise ArgumentTypeError(
            f"ug.nn.from_keras takes a Keras model or layer, got {type(model).__name__}; "
            "for a torch.nn.Module use ug.nn.from_torch"
        )
    if not model.built:
        if input_shape is None:
            raise UnigradError(
                f"the Keras {type(model).__name__} {model.name!r} is not built, so it has no weights yet: "
                "pass input_shape=(None, ...) to from_keras, start the model with keras.Input, "
                "or call it once"
            )
        model.build(tuple(input_shape))
    return KerasModule(model, _framework_of_keras())


# -- module.to_native() on TensorFlow (the tensorflow backend's to_native_module) ----------


def native_model(module: Module) -> Any:
    """``module`` as a ``keras.Model`` whose variables are views of its ``tf.Variable`` objects."""
    return _keras_class()(module)


@functools.cache
def _keras_class() -> type:
    import keras

    class UnigradModel(keras.Model):
        """A ``keras.Model`` whose variables are views of a unigrad module's ``tf.Variable`` objects."""

        _unigrad_native = True

        def __init__(self, module: Module) -> None:
            super().__init__(name=_keras_name(type(module).__name__))
            object.__setattr__(self, "_unigrad_module", module)  # (not a Keras layer: keep it untracked)
            trainable = [
                keras.Variable(value, trainable=bool(getattr(value, "trainable", True)), name=name)
                for name, value in module.named_parameters()
            ]
            buffers = [
                keras.Variable(value, trainable=False, name=name) for name, value in module.named_buffers()
            ]
            self.unigrad_variables = trainable + buffers
            self.built = True

        def call(self, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
            module = self._unigrad_module
            if training is None:
                return module(*args, **kwargs)
            modes = [(m, m.training) for m in module.modules()]
            module.train(bool(training))
            try:
                return module(*args, **kwargs)
            finally:
                for m, mode in modes:
                    object.__setattr__(m, "training", mode)

    return UnigradModel


def _keras_name(name: str) -> str:
    """A Keras model name from a class name (``"ResNet"`` -> ``"res_net"``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
