"""unigrad's exceptions.

Every error unigrad raises on purpose is a :class:`UnigradError` and also an
instance of the builtin a Python user would catch for it (``ValueError``,
``TypeError``, ``ImportError``, ...), so ``except ValueError`` keeps working in
code that does not know about unigrad.
"""

from __future__ import annotations

__all__ = [
    "UnigradError",
    "BackendError",
    "UnknownBackendError",
    "BackendNotInstalledError",
    "BackendMismatchError",
    "ShapeError",
    "DTypeError",
    "IndexOutOfRangeError",
    "AxisError",
    "DeviceError",
    "StateDictError",
    "LabelError",
    "CheckpointError",
    "CheckpointNotFoundError",
    "ArgumentError",
    "ArgumentTypeError",
    "NotSupportedError",
    "UsageError",
    "InvalidKeyError",
    "MissingAttributeError",
    "DependencyError",
    "PathNotFoundError",
    "PathIsADirectoryError",
    "ConversionError",
]


class UnigradError(Exception):
    """Base class of every exception unigrad raises on purpose."""


class BackendError(UnigradError, RuntimeError):
    """A backend could not be loaded or used."""


class UnknownBackendError(UnigradError, ValueError):
    """A backend name that no built-in or registered backend answers to."""


class BackendNotInstalledError(UnigradError, ImportError):
    """A known backend whose framework is not installed."""


class BackendMismatchError(UnigradError, TypeError):
    """An op of the active backend was given a tensor of another framework."""


class ShapeError(UnigradError, ValueError):
    """Shapes that the op cannot combine (matmul, reshape, concat, broadcast, ...)."""


class DTypeError(UnigradError, TypeError):
    """A dtype the op does not accept, or dtypes with no common type."""


class IndexOutOfRangeError(UnigradError, IndexError):
    """An index outside the axis it indexes (take, take_along_axis, ...)."""


class AxisError(UnigradError, ValueError, IndexError):
    """An axis outside the array's dimensions, or one named twice."""


class DeviceError(UnigradError, ValueError):
    """A device name that is malformed or names a device that is not there."""


class LabelError(UnigradError, ValueError):
    """A class label outside ``[0, num_classes)`` given to a loss."""


class StateDictError(UnigradError, KeyError):
    """A state dict whose keys or shapes do not fit the module it is loaded into."""

    def __str__(self) -> str:
        # KeyError would print the message in quotes, as if it were a key
        return str(self.args[0]) if self.args else ""


class CheckpointError(UnigradError, ValueError):
    """A checkpoint file that :func:`unigrad.load` cannot read: not one, truncated or damaged."""


class PathNotFoundError(UnigradError, FileNotFoundError):
    """A path where a file or folder must be and is not."""


class PathIsADirectoryError(UnigradError, IsADirectoryError):
    """A path that names a folder where a file is written or read."""


class DependencyError(UnigradError, ImportError):
    """An optional package that a feature needs is not installed; the message says how to install it."""


class CheckpointNotFoundError(PathNotFoundError):
    """:func:`unigrad.load` was given a path where there is no file."""


class ArgumentError(UnigradError, ValueError):
    """An argument whose value the call does not accept: an unknown mode or name, a size or a
    probability out of range, options that do not go together."""


class ArgumentTypeError(UnigradError, TypeError):
    """An argument of a type the call does not take."""


class NotSupportedError(UnigradError, NotImplementedError):
    """An option or a combination that unigrad does not implement; the message says what to do instead."""


class UsageError(UnigradError, RuntimeError):
    """A call out of order: a tape asked twice, a step before its set-up, a hook that broke its contract."""


class InvalidKeyError(UnigradError, KeyError):
    """A key that is not there (a container's item), or a name that cannot be one (``"a.b"`` as a
    buffer's name)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class MissingAttributeError(UnigradError, AttributeError):
    """An attribute or submodule that an object does not have."""


class ConversionError(UnigradError, ValueError):
    """A torch module that :func:`unigrad.nn.convert` cannot turn into a unigrad one: the message
    lists every op it cannot map, with the graph node and the source line of each."""
