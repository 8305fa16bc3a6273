"""Device names shared by the backends.

unigrad names devices ``"cpu:0"``, ``"gpu:0"``, ``"gpu:1"``, ...; it also reads
the frameworks' own spellings (``"cuda:1"``, ``"/device:GPU:1"``,
``"/job:localhost/replica:0/task:0/device:CPU:0"``) and a bare ``"gpu"``
(index 0), so a name printed by either framework can be passed back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import DeviceError

__all__ = ["DeviceSpec", "parse_device", "unknown_device", "devices"]


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
