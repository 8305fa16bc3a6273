"""Device names for the TensorFlow backend: ``"cpu:0"`` and ``"gpu:N"``."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import tensorflow as tf

from unigrad.backends.api import DeviceError, parse_device, unknown_device

__all__ = [
    "devices",
    "device_of",
    "to_device",
    "default_device",
    "native_device",
    "device_scope",
    "split_cpu",
]


@functools.cache
def _logical_devices() -> tuple[str, ...]:
    # TensorFlow fixes its logical devices when it initialises, so one look suffices.
    found = []
    for device in tf.config.list_logical_devices():
        spec = parse_device(device.name)
        if spec.kind in ("cpu", "gpu") and str(spec) not in found:
            found.append(str(spec))
    return tuple(found) or ("cpu:0",)


def devices() -> list[str]:
    return list(_logical_devices())


def native_device(device: Any) -> str | None:
    """A TensorFlow device string (``"/GPU:0"``) for a unigrad or framework device name."""
    if device is None:
        return None
    spec = parse_device(getattr(device, "name", None) or device)
    name = str(spec)
    if name not in _logical_devices():
        raise unknown_device(device, devices())
    return f"/{spec.kind.upper()}:{spec.index}"


def device_of(x: Any) -> str:
    name = x.device
    if not name:  # a symbolic tensor not yet placed
        return default_device()
    return str(parse_device(name))


def to_device(x: Any, device: Any) -> Any:
    name = native_device(device)
    if name is None:
        return x
    with tf.device(name):
        return tf.identity(x)


def default_device() -> str:
    # Where an op with no placement runs: the first GPU if there is one,
    # unless a `with tf.device(...)` block says otherwise. (Inside a graph an
    # op has no device until it runs: ask eagerly.)
    if not tf.executing_eagerly():
        with tf.init_scope():
            return default_device()
    return str(parse_device(tf.identity(tf.constant(0.0)).device))


@contextmanager
def device_scope(device: Any) -> Iterator[str]:
    """``with ug.device(...)``: a ``tf.device`` block (ops, constants and variables made in it go there)."""
    name = native_device(device)
    assert name is not None
    with tf.device(name):
        yield str(parse_device(name))


def split_cpu(count: int) -> list[str]:
    """Configure ``count`` logical CPUs; only possible before TensorFlow initialises its devices."""
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"split_cpu needs a count >= 1, got {count!r}")
    cpu = tf.config.list_physical_devices("CPU")[0]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == count:
        return [f"cpu:{i}" for i in range(count)]  # already split this way: nothing to do
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)
    except RuntimeError as exc:  # "Virtual devices cannot be modified after being initialized"
        have = len(tf.config.list_logical_devices("CPU"))
        raise DeviceError(
            f"cannot split the CPU into {count} devices: TensorFlow has already initialised with {have} "
            "(an op ran, or the TensorFlow backend was used). Call ug.distribute.split_cpu() first "
            "thing in the program, or in a fresh process"
        ) from exc
    _logical_devices.cache_clear()
    return [f"cpu:{i}" for i in range(count)]
