"""Device names for the TensorFlow backend: ``"cpu:0"`` and ``"gpu:N"``."""

from __future__ import annotations

import functools
from typing import Any

import tensorflow as tf

from unigrad.device import parse_device, unknown_device

__all__ = ["devices", "device_of", "to_device", "default_device", "native_device"]


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
