"""The mobile architectures' builders, re-exported by ``ug.models``."""

from __future__ import annotations

__all__: list[str] = []
