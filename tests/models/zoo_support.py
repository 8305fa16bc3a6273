"""The rows of the model-zoo test: one per torchvision architecture, in ``zoo_rows_*.py``.

A row names the builder (the same name in ``ug.models`` and ``torchvision.models``),
the keyword arguments both take, and a small input. ``thorough=True`` rows (the
largest networks) run only in the thorough profile: ``HYPOTHESIS_PROFILE=thorough``.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"  # the large rows run only then


@dataclasses.dataclass(frozen=True)
class ZooRow:
    name: str
    kwargs: dict[str, Any] = dataclasses.field(default_factory=dict)
    input_shape: tuple[int, ...] = (1, 3, 64, 64)
    thorough: bool = False  # too large for CI's two cores: the thorough profile only
    rtol: float = 1e-3
    atol: float = 1e-4

    @property
    def id(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.kwargs.items() if k != "num_classes")
        return self.name + (f"[{extra}]" if extra else "")
