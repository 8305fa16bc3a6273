"""Errors a person can act on: the same unigrad error and message on every backend."""

from __future__ import annotations

import ast
import builtins
import pathlib
import re

import numpy as np
import pytest

import unigrad as ug

INSTALLED = ug.available_backends()


def _other(name: str) -> str:
    return next(b for b in INSTALLED if b != name)


@pytest.mark.skipif(len(INSTALLED) < 2, reason="needs two backends")
@pytest.mark.parametrize(
    "call",
    [
        lambda x, y: ug.add(x, y),
        lambda x, y: ug.add(y, 1.0),
        lambda x, y: ug.exp(y),
        lambda x, y: ug.matmul(x, y),
        lambda x, y: ug.concat([x, y]),
        lambda x, y: ug.sum(y, axis=0),
        lambda x, y: ug.where(x > 0, x, y),
    ],
    ids=["add", "add-scalar", "exp", "matmul", "concat", "sum", "where"],
)
def test_tensor_of_another_framework(ug_backend, call):
    x = ug.ones((2, 2))
    with ug.use_backend(_other(ug_backend)):
        y = ug.ones((2, 2))
    with pytest.raises(ug.BackendMismatchError) as info:
        call(x, y)
    message = str(info.value)
    assert f"while the active backend is {ug_backend!r}" in message
    assert "ug.convert(x," in message and "ug.use_backend(" in message
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: ug.add(ug.ones((2, 3)), ug.ones((4,))),
            "ug.add: shapes (2, 3), (4,) cannot be broadcast together: axis -1 has sizes [3, 4]",
        ),
        (
            lambda: ug.matmul(ug.ones((2, 3)), ug.ones((2, 3))),
            "ug.matmul: shapes (2, 3) and (2, 3) do not line up for matrix multiplication: the last axis of "
            "the first (3) must equal the second-to-last axis of the second (2)",
        ),
        (
            lambda: ug.matmul(ug.ones((2, 2, 3)), ug.ones((3, 3, 1))),
            "ug.matmul (batch axes): shapes (2,), (3,)",
        ),
        (
            lambda: ug.reshape(ug.ones((2, 3)), (4, 2)),
            "ug.reshape: cannot reshape an array of shape (2, 3) (6 elements) to (4, 2) (8 elements)",
        ),
        (lambda: ug.reshape(ug.ones((2, 3)), (4, -1)), "to (4, -1) (a multiple of 4 elements)"),
        (
            lambda: ug.concat([ug.ones((2, 3)), ug.ones((2, 2))]),
            "ug.concat: shapes (2, 3), (2, 2) differ on axis 1; only the concatenation axis 0 may differ",
        ),
        (lambda: ug.concat([ug.ones((2, 3)), ug.ones((3,))]), "must have the same number of dimensions"),
        (
            lambda: ug.stack([ug.ones(2), ug.ones(3)]),
            "ug.stack: all arrays must have the same shape, got (2,), (3,)",
        ),
        (
            lambda: ug.broadcast_to(ug.ones((3,)), (2, 4)),
            "ug.broadcast_to: an array of shape (3,) cannot be broadcast to (2, 4)",
        ),
        (
            lambda: ug.where(ug.ones((2,)) > 0, ug.ones((3,)), 0.0),
            "ug.where: shapes (2,), (3,), () cannot be broadcast",
        ),
        (
            lambda: ug.tensordot(ug.ones((2, 3)), ug.ones((4, 5)), axes=1),
            "ug.tensordot: axis 1 of shape (2, 3) (3) does not match",
        ),
        (lambda: ug.squeeze(ug.ones((2, 3)), axis=0), "ug.squeeze: axis 0 of shape (2, 3) has size 2, not 1"),
    ],
)
def test_shape_errors(ug_backend, call, message):
    with pytest.raises(ug.ShapeError) as info:
        call()
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: ug.sum(ug.ones((2, 3)), axis=2),
            "ug.sum: axis 2 is out of range for an array of 2 dimensions (shape (2, 3)); valid axes are -2 to 1",
        ),
        (lambda: ug.mean(ug.ones((2, 3)), axis=(0, -3)), "ug.mean: axis -3 is out of range"),
        (lambda: ug.argmax(ug.ones(3), axis=1), "ug.argmax: axis 1 is out of range"),
        (lambda: ug.sort(ug.ones((2, 2)), axis=-3), "ug.sort: axis -3 is out of range"),
        (lambda: ug.expand_dims(ug.ones((2,)), axis=3), "ug.expand_dims: axis 3 is out of range"),
    ],
)
def test_axis_errors(ug_backend, call, message):
    with pytest.raises(ug.AxisError) as info:
        call()
    assert message in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, IndexError)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: ug.take(ug.arange(3), ug.asarray([0, 3])),
            "ug.take: index 3 is out of range for axis 0 of size 3; valid indices are -3 to 2",
        ),
        (
            lambda: ug.take(ug.ones((2, 4)), ug.asarray([-5]), axis=1),
            "index -5 is out of range for axis 1 of size 4",
        ),
        (
            lambda: ug.take_along_axis(ug.ones((2, 2)), ug.asarray([[0], [2]]), axis=1),
            "index 2 is out of range for axis 1 of size 2",
        ),
    ],
)
def test_index_errors(ug_backend, call, message):
    with pytest.raises(ug.IndexOutOfRangeError) as info:
        call()
    assert message.replace("ug.take: ", "") in str(info.value)
    assert isinstance(info.value, IndexError)


def test_unknown_dtype(ug_backend):
    with pytest.raises(ug.DTypeError, match="unknown dtype 'float8'; expected one of bool, int8"):
        ug.zeros(2, dtype="float8")


def test_unknown_device_lists_the_devices(ug_backend):
    with pytest.raises(ug.DeviceError, match=r"no device 'gpu:7' here; the devices are: cpu:0"):
        ug.zeros(2, device="gpu:7")
    with pytest.raises(ug.DeviceError, match="cannot read the device name 'warp drive'"):
        ug.zeros(2, device="warp drive")


def test_numpy_inputs_are_converted(ug_backend):
    result = ug.add(ug.ones(2), np.array([1.0, 2.0], dtype=np.float32))
    assert ug.to_numpy(result).tolist() == [2.0, 3.0]
    assert ug.to_numpy(ug.exp(np.zeros(2, dtype=np.float32))).tolist() == [1.0, 1.0]
    assert ug.to_numpy(ug.concat([np.zeros(1, dtype=np.float32), ug.ones(1)])).tolist() == [0.0, 1.0]


def test_errors_are_unigrad_errors_and_builtins():
    for cls, builtin in [
        (ug.UnknownBackendError, ValueError),
        (ug.BackendNotInstalledError, ImportError),
        (ug.BackendMismatchError, TypeError),
        (ug.ShapeError, ValueError),
        (ug.DTypeError, TypeError),
        (ug.IndexOutOfRangeError, IndexError),
        (ug.DeviceError, ValueError),
        (ug.BackendError, RuntimeError),
        (ug.ArgumentError, ValueError),
        (ug.ArgumentTypeError, TypeError),
        (ug.NotSupportedError, NotImplementedError),
        (ug.UsageError, RuntimeError),
        (ug.InvalidKeyError, KeyError),
        (ug.MissingAttributeError, AttributeError),
        (ug.CheckpointError, ValueError),
        (ug.CheckpointNotFoundError, FileNotFoundError),
        (ug.PathNotFoundError, FileNotFoundError),
        (ug.PathIsADirectoryError, IsADirectoryError),
        (ug.DependencyError, ImportError),
    ]:
        assert issubclass(cls, ug.UnigradError) and issubclass(cls, builtin)


BUILTIN_EXCEPTIONS = {
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
}


# A backend's array kernels raise plain builtins on purpose: the op that called them turns a
# failure into the unigrad error that explains it (ug.ops._dispatch.failed), with the op's name.
KERNELS = re.compile(
    r"backends/(torch|tensorflow)/(core|creation|elementwise|linalg|manipulation|nn|searching|statistical|unary|device)\.py$"
)


def test_unigrad_raises_only_its_own_errors():
    """Every ``raise SomeError(...)`` in the package names a unigrad error (each also the matching
    builtin), never a bare builtin: ``except ug.UnigradError`` catches whatever unigrad raises."""
    package = pathlib.Path(ug.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if KERNELS.search(path.as_posix()):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(raised, ast.Name) and raised.id in BUILTIN_EXCEPTIONS - {"SystemExit"}:
                    found.append(f"{path.relative_to(package.parent)}:{node.lineno}: raise {raised.id}")
    assert not found, "\n".join(found)


def test_an_unknown_mode_is_an_argument_error_with_the_same_text_on_every_backend():
    messages = set()
    for backend in INSTALLED:
        with ug.use_backend(backend), pytest.raises(ug.ArgumentError) as info:
            ug.nn.functional.interpolate(ug.ones((1, 1, 4)), scale_factor=2, mode="cubic")
        assert isinstance(info.value, ValueError)
        messages.add(str(info.value))
    assert len(messages) == 1 and "unknown mode 'cubic'" in messages.pop()
