"""Device names shared by the backends.

unigrad names devices ``"cpu:0"``, ``"gpu:0"``, ``"gpu:1"``, ...; it also reads
the frameworks' own spellings (``"cuda:1"``, ``"/device:GPU:1"``,
``"/job:localhost/replica:0/task:0/device:CPU:0"``) and a bare ``"gpu"``
(index 0), so a name printed by either framework can be passed back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .errors import DeviceError

__all__ = ["DeviceSpec", "parse_device", "unknown_device", "devices", "device", "split_cpu"]


@dataclass(frozen=True)
class DeviceSpec:
    kind: str  # "cpu", "gpu", or another framework kind such as "mps"
    index: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.index}"


_PATTERN = re.compile(r"^(?:.*/)?(?:device:)?([a-z_]+)(?::(\d+))?$")
_KIND_ALIASES = {"cuda": "gpu", "xla_gpu": "gpu"}


def parse_device(name: object) -> DeviceSpec:
    """Read a device name in unigrad's or a framework's spelling.

    Examples:
        >>> from unigrad.device import parse_device
        >>> str(parse_device("/device:GPU:1")), str(parse_device("cuda"))
        ('gpu:1', 'gpu:0')
    """
    text = str(name).strip().lower()
    match = _PATTERN.match(text)
    if match is None:
        raise DeviceError(
            f"cannot read the device name {name!r}; expected 'cpu:0', 'gpu:0', 'gpu:1', ... "
            "(see ug.devices())"
        )
    kind = _KIND_ALIASES.get(match.group(1), match.group(1))
    return DeviceSpec(kind, int(match.group(2) or 0))


def unknown_device(name: object, available: Sequence[str]) -> DeviceError:
    return DeviceError(f"no device {name!r} here; the devices are: {', '.join(available)}")


def devices() -> list[str]:
    """Devices the active backend can place tensors on, e.g. ``["cpu:0", "gpu:0"]``.

    Examples:
        >>> import unigrad as ug
        >>> ug.devices()[0]
        'cpu:0'
    """
    from .config import active_backend

    return list(active_backend().devices())


@contextmanager
def device(name: Any) -> Iterator[str]:
    """Place the tensors and layers made inside the block on ``name`` (``"cpu:0"``, ``"gpu:1"``, ...).

    Creation functions (``ug.zeros``, ``ug.asarray``, ...) called without
    ``device=``, and the parameters of layers built in the block, go to the
    device; an explicit ``device=`` still wins. It is the framework's own
    scope (``with torch.device(...)``, ``with tf.device(...)``), entered for the
    active backend, so native code in the block follows it too. Yields the
    device's normalised name.

    Raises:
        unigrad.DeviceError: (a ``ValueError``) for a device that is not here;
            the message lists those that are.

    Examples:
        >>> import unigrad as ug
        >>> with ug.device("cpu:0") as where:
        ...     x = ug.ones(3)
        >>> where, ug.device_of(x)
        ('cpu:0', 'cpu:0')
    """
    from .config import active_backend

    backend = active_backend()
    scope = getattr(backend, "device_scope", None)
    if scope is None:  # a third-party backend without scopes
        raise DeviceError(f"the {backend.name!r} backend has no device scopes; pass device= to each call")
    with scope(name) as placed:
        yield placed


def split_cpu(count: int) -> list[str]:
    """Split the active backend's CPU into ``count`` logical devices ``"cpu:0"`` ... (for trying strategies).

    TensorFlow can, and fixes its devices when it initialises: call this first
    thing, before any TensorFlow op and before the TensorFlow backend's first
    use (setting it with ``ug.set_backend`` is fine). PyTorch has one CPU
    device (run one process per replica there instead, with
    :func:`unigrad.distribute.launch`).

    Raises:
        unigrad.DeviceError: the framework has already initialised with another
            split, or the backend cannot split its CPU.

    Examples:
        >>> import unigrad as ug
        >>> ug.distribute.split_cpu(2)  # doctest: +SKIP
        ['cpu:0', 'cpu:1']
    """
    from .config import backend_class, get_backend

    # the class, not the backend: constructing it would start the framework's runtime
    return backend_class(get_backend()).split_cpu(count)
