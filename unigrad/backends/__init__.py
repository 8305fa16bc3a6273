"""unigrad's backends, one sub-package per framework (installed as ``unigrad.backends``).

:data:`BUILTIN` is the table of the backends that ship with unigrad. The
registry (:mod:`unigrad.config`) reads it to resolve names and aliases, tell
whether a framework is installed and name the pip extra that installs it, all
without importing a backend module or its framework; so this package imports
nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["BuiltinBackend", "BUILTIN", "builtin_for_framework"]


@dataclass(frozen=True)
class BuiltinBackend:
    """What the registry knows of a built-in backend before loading it."""

    target: str
    """``"module:Class"`` of the :class:`~unigrad.backends.base.Backend` subclass."""
    framework: str
    """The module that must be importable (the class's ``framework``)."""
    extra: str
    """The pip extra that installs the framework: ``pip install 'unigrad[<extra>]'``."""
    aliases: tuple[str, ...] = ()
    """Other names accepted for it (the class's ``aliases``)."""
    distributions: tuple[str, ...] = ()
    """The pip distributions that may provide the framework, as ``unigrad info`` reports it."""
    export_formats: dict[str, str] = field(default_factory=dict)
    """``ug.export``'s formats that the backend writes (the first is its default), each with the
    suffix its writer wants of a file (``""``: the format writes a folder)."""
    export_packages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Packages a format needs besides the framework, installed by ``pip install 'unigrad[<format>]'``."""


# canonical name -> entry, in default order (the first installed one is the default backend)
BUILTIN: dict[str, BuiltinBackend] = {
    "torch": BuiltinBackend(
        "unigrad.backends.torch:TorchBackend",
        "torch",
        "torch",
        ("pytorch",),
        ("torch",),
        # (torch.export warns about a file without its .pt2)
        {"torch.export": ".pt2", "torchscript": ".pt", "onnx": ".onnx"},
        {"onnx": ("onnx", "onnxscript")},
    ),
    "tensorflow": BuiltinBackend(
        "unigrad.backends.tensorflow:TensorFlowBackend",
        "tensorflow",
        "tensorflow",
        ("tf",),
        ("tensorflow", "tensorflow-cpu"),
        {"saved_model": ""},
    ),
}


def builtin_for_framework(framework: str | None) -> str | None:
    """The built-in backend whose framework is the module ``framework`` (``type(x).__module__``'s root)."""
    return next((name for name, entry in BUILTIN.items() if entry.framework == framework), None)
