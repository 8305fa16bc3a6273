"""``ug.export``: a model as a graph that runs without unigrad or the code that built it.

Formats (``format=``):

* ``"torch.export"``, the default on PyTorch: one ``.pt2`` file;
  ``torch.export.load(path).module()(x)``.
* ``"torchscript"``: ``torch.jit.trace`` and ``torch.jit.save`` (which PyTorch now
  deprecates in favour of torch.export); ``torch.jit.load(path)(x)``.
* ``"saved_model"``, the default on TensorFlow: a folder whose root tracks the
  parameters and buffers as ``tf.Variable`` lists (``.parameters``, ``.buffers``) and
  calls the model, ``tf.saved_model.load(path)(x)``; its ``serving_default``
  signature takes ``input_0``, ... and returns the flattened outputs ``output_0``, ...
* ``"onnx"``: ``torch.onnx.export`` of the torch.export graph, one ``.onnx`` file;
  needs ``pip install 'unigrad[onnx]'``.

A format of the other backend (``"saved_model"`` for a PyTorch model, a torch format
or ONNX for a TensorFlow one) is written from a copy moved there with ``to_backend``;
the model itself stays put. The copy holds the same values and unigrad's layers do
the same maths on both backends, so the artifact agrees with the model to float
tolerance. (tf2onnx is not used: it trails TensorFlow releases.)

Each format is written by its backend's ``export`` (``unigrad/backends/<name>/export.py``),
which traces with this module's ``_slots``, ``_restored`` and ``_traced`` and writes
with ``_write_atomically``; the formats and their backends come from
:data:`unigrad.backends.BUILTIN`.

Limitations:

* Tracing runs in eval mode (Dropout off, BatchNorm on its running statistics) and
  restores the modes after. A graph keeps the one path through Python control flow
  that the example took; a model that reads tensor values in Python (``float(x)``,
  ``to_numpy``) cannot be traced and raises :class:`ExportError`.
* ``dynamic_batch=True`` leaves the inputs' first axis unknown (torch.export, ONNX,
  SavedModel). Layers that check shapes in Python (Conv1d/Conv2d, pooling,
  BatchNorm, LSTM) need it known: export then warns and fixes the batch to the
  example's, as ``dynamic_batch=False`` does quietly. TorchScript fixes all shapes.
* Registered parameters and buffers become the artifact's weights; any other tensor
  the model holds is baked into the graph as a constant.
* ONNX files hold their weights inline, which protobuf limits to 2 GB.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import os
import re
import shutil
import uuid
import warnings
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np

from .. import config
from ..backends import BUILTIN
from ..errors import BackendNotInstalledError, PathIsADirectoryError, PathNotFoundError, UnigradError
from ..nn.module import Module
from ..ops.conversion import backend_of, convert, device_of, to_device

__all__ = ["export", "FORMATS", "ExportError", "ExportArgumentError"]

# format -> the backend whose framework writes it (its writer is that backend's `export`)
FORMATS = {format: name for name, entry in BUILTIN.items() for format in entry.export_formats}
_DEFAULT = {name: next(iter(entry.export_formats)) for name, entry in BUILTIN.items() if entry.export_formats}
# the suffix each writer expects of the temporary file ("": the format writes a folder)
_SUFFIX = {format: suffix for entry in BUILTIN.values() for format, suffix in entry.export_formats.items()}
T = TypeVar("T")
Links = list[tuple[Module, str, Any]]  # (unigrad module, attribute, what tracing points it at)


class ExportError(UnigradError, RuntimeError):
    """The model could not be traced, converted or saved in the requested format."""


class ExportArgumentError(UnigradError, TypeError, ValueError):
    """An unknown format, or a model or example input that ``ug.export`` cannot take."""


class _Function(Module):
    """A plain function of ug ops, as a module without parameters."""

    def __init__(self, function: Callable[..., Any]) -> None:
        super().__init__()
        self.function = function

    def forward(self, *inputs: Any) -> Any:
        return self.function(*inputs)


def export(
    model: Module | Callable[..., Any],
    example_input: Any,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    dynamic_batch: bool = True,
) -> str:
    """Trace ``model`` on ``example_input`` and write a graph that runs without unigrad.

    Args:
        model: a ``ug.nn.Module``, or a function of ug ops (its tensors baked in).
        example_input: a tensor or NumPy array, or a tuple of them, one per argument:
            they fix the graph's dtypes and shapes (all but the batch, see ``dynamic_batch``).
        path: the file to write (a folder for ``"saved_model"``). It is replaced
            atomically: a failed export leaves no partial artifact and any old one intact.
        format: ``"torch.export"``, ``"torchscript"``, ``"saved_model"`` or ``"onnx"``;
            by default the model's backend's own (torch.export / saved_model).
        dynamic_batch: leave the inputs' first axis unknown, if the model can be traced so.

    Returns:
        The absolute path written.

    Raises:
        ExportArgumentError: an unknown format, or a model or example input of the wrong kind.
        ExportError: the model could not be traced, moved to the format's backend, or written.
        BackendNotInstalledError: the format's framework or converter is not installed.

    Examples:
        >>> import os, tempfile, torch, unigrad as ug
        >>> with ug.use_backend("torch"):
        ...     model = ug.nn.Sequential(ug.nn.Linear(4, 2), ug.nn.ReLU())
        ...     path = ug.export(model, ug.ones((3, 4)), os.path.join(tempfile.mkdtemp(), "m.pt2"))
        >>> tuple(torch.export.load(path).module()(torch.ones(5, 4)).shape)
        (5, 2)
    """
    module, source = _as_module(model, example_input)
    chosen = _DEFAULT.get(source) if format is None else format
    if chosen not in FORMATS:
        raise ExportArgumentError(
            f"unknown export format {format!r} for a model on {source}; expected one of "
            f"{', '.join(map(repr, FORMATS))} (default {_DEFAULT.get(source)!r}; a format of the other "
            "backend exports a copy of the model moved there)"
        )
    target = FORMATS[chosen]
    needs = BUILTIN[target].export_packages.get(chosen, ())
    if missing := [n for n in needs if not importlib.util.find_spec(n)]:
        raise BackendNotInstalledError(
            f"the {chosen!r} export format needs {' and '.join(missing)}: pip install 'unigrad[{chosen}]'"
        )
    destination = os.path.abspath(os.fspath(path))
    if not os.path.isdir(os.path.dirname(destination)):
        raise PathNotFoundError(f"cannot export to {destination!r}: its folder does not exist")
    if _SUFFIX[chosen] and os.path.isdir(destination):
        raise PathIsADirectoryError(f"the {chosen!r} format writes one file, but {destination!r} is a folder")
    if target != source:
        config.backend_instance(target)  # BackendNotInstalledError, with the fix, if it is missing
        try:
            module = copy.deepcopy(module).to_backend(target)
        except Exception as exc:
            raise ExportError(
                f"the {chosen!r} format is written from {target}, but moving a copy of the model there "
                f"failed ({_summary(exc)}); move it with to_backend({target!r}) and export that"
            ) from exc
    inputs = _example_inputs(example_input, target, module)
    modes = [(each, each.training) for each in module.modules()]
    module.eval()
    try:
        config.backend_instance(target).export(module, inputs, destination, chosen, dynamic_batch)
    finally:
        for each, mode in modes:
            object.__setattr__(each, "training", mode)
    return destination


def _as_module(model: Any, example_input: Any) -> tuple[Module, str]:
    """The model as a Module, and the backend it lives on."""
    if not isinstance(model, Module):
        if not callable(model):
            raise ExportArgumentError(
                f"ug.export takes a ug.nn.Module or a function, not {type(model).__name__}"
            )
        model = _Function(model)
    if model._backend is not None:
        return model, model._backend
    for item in example_input if isinstance(example_input, tuple) else (example_input,):
        with contextlib.suppress(Exception):  # a NumPy array: no backend of its own
            return model, str(backend_of(item).name)
    return model, config.get_backend()


def _example_inputs(example_input: Any, backend: str, module: Module) -> tuple[Any, ...]:
    """The example as plain ``backend`` tensors, on the device of the model's weights."""
    items = example_input if isinstance(example_input, tuple) else (example_input,)
    if not items:
        raise ExportArgumentError("ug.export needs at least one example input, got an empty tuple")
    weights = [*module.parameters(), *module.buffers()]
    inputs = []
    for index, item in enumerate(items):
        if isinstance(item, (np.ndarray, np.generic)) and item.dtype == object:
            raise ExportArgumentError(f"example input {index} is a NumPy array of Python objects")
        if not isinstance(item, (np.ndarray, np.generic)):
            try:
                backend_of(item)
            except Exception:
                raise ExportArgumentError(
                    f"example input {index} is a {type(item).__name__}; expected a tensor or a NumPy "
                    "array (or a tuple of them, one per argument of the model's forward)"
                ) from None
        tensor = convert(np.asarray(item) if isinstance(item, np.generic) else item, backend)
        tensor = backend_of(tensor).stop_gradient(tensor)  # not a parameter (subclass) of the model's
        inputs.append(to_device(tensor, device_of(weights[0])) if weights else tensor)
    return tuple(inputs)


def _slots(module: Module) -> Iterator[tuple[str, Module, str, Any, bool]]:
    """Every parameter and buffer: (owner's dotted name, owner, attribute, value, is a parameter)."""
    for name, owner in module.named_modules():
        for registry, is_parameter in ((owner._parameters, True), (owner._buffers, False)):
            for attr, value in registry.items():
                if value is not None:
                    yield name, owner, attr, value, is_parameter


@contextlib.contextmanager
def _restored(links: Links) -> Iterator[None]:
    """Put back the attributes that tracing points at the exported weights."""
    originals = [(owner, attr, owner.__dict__[attr]) for owner, attr, _ in links]
    try:
        yield
    finally:
        for owner, attr, value in originals:
            object.__setattr__(owner, attr, value)


def _traced(trace: Callable[[bool], T], dynamic: bool, format: str, inputs: tuple[Any, ...]) -> T:
    """``trace(dynamic)``; if an unknown batch fails, warn and trace with the example's."""
    reason = ""
    if dynamic:
        try:
            return trace(True)
        except Exception as exc:
            reason = _summary(exc)
    try:
        result = trace(False)
    except Exception as exc:
        raise ExportError(
            f"could not trace the model for the {format!r} format on inputs of shape "
            f"{', '.join(str(tuple(x.shape)) for x in inputs)} ({_summary(exc)}). Check that it runs "
            "in eval mode on the example; a graph cannot branch on tensor values nor read them in Python"
        ) from exc
    if dynamic:
        warnings.warn(
            f"ug.export: the model cannot be traced with an unknown batch size ({reason}); the {format!r} "
            f"artifact takes only batches of {next((x.shape[0] for x in inputs if len(x.shape)), '?')}. "
            "Pass dynamic_batch=False to export with a fixed batch without this warning",
            UserWarning,
            stacklevel=4,  # the caller of ug.export
        )
    return result


def _summary(exc: BaseException) -> str:
    """The line of a framework's long error message that says what went wrong."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    # tf.function prints the user's traceback, then the error; torch.export the error
    # and a line of detail, each followed by advice about its own flags
    text = next(
        (line for line in reversed(lines) if "Error:" in line),
        " ".join(re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0] for line in lines[:2]),
    )
    return text[:300] if "Error:" in text else f"{type(exc).__name__}: {text[:300]}"


def _write_atomically(destination: str, write: Callable[[str], None], format: str) -> None:
    """``write`` to a temporary path beside ``destination``, then rename it into place."""
    folder, name = os.path.split(destination)
    temporary = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp{_SUFFIX[format]}")
    try:
        write(temporary)
        if os.path.isdir(temporary) and os.path.lexists(destination):
            # a folder cannot be renamed over a non-empty one: move the old one aside first
            os.replace(destination, temporary + ".old")
            try:
                os.replace(temporary, destination)
            except BaseException:
                os.replace(temporary + ".old", destination)
                raise
            _remove(temporary + ".old")
        else:
            os.replace(temporary, destination)
    except BaseException as exc:
        _remove(temporary)
        if isinstance(exc, Exception):  # not KeyboardInterrupt and the like
            raise ExportError(f"writing the {format!r} artifact failed ({_summary(exc)})") from exc
        raise


def _remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(OSError):
        os.remove(path)
