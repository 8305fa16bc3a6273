"""Import torchvision beside a CPU build of torch whose version its wheel was not built for.

The registry's torchvision wheels are built against CUDA torch. Beside the CPU
torch this project pins, their compiled operators (``nms``, ``roi_align``, ...)
do not load, and ``import torchvision`` then fails while it registers fake
kernels for two of them: ``RuntimeError: operator torchvision::nms does not
exist``. ``torchvision.models`` needs none of those operators, so
:func:`import_torchvision` declares the two schemas (declarations only: calling
``torchvision.ops.nms`` still fails, saying it has no kernel) and imports the
package. Where torchvision imports on its own, nothing is declared.

Examples:
    >>> from unigrad.testing import import_torchvision
    >>> tv = import_torchvision()  # doctest: +SKIP
    >>> net = tv.models.resnet18(weights=None)  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

from ..errors import DependencyError

__all__ = ["import_torchvision"]

# the schemas torchvision/_meta_registrations.py registers fake kernels for without checking
# that its compiled library loaded
_SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_libraries: list[Any] = []  # kept alive: the declarations last as long as the Library object


def import_torchvision() -> ModuleType:
    """``torchvision``, imported even where its compiled operators cannot load.

    Raises:
        DependencyError: torchvision is not installed, or fails to import for another reason.
    """
    if "torchvision" in sys.modules and hasattr(sys.modules["torchvision"], "models"):
        return sys.modules["torchvision"]
    try:
        return importlib.import_module("torchvision")
    except ModuleNotFoundError as error:
        if error.name != "torchvision":
            raise
        raise DependencyError(
            "torchvision is not installed: pip install 'unigrad[models]' (see requirements/frameworks.txt)"
        ) from None
    except RuntimeError as error:
        if "torchvision::" not in str(error) or "does not exist" not in str(error):
            raise DependencyError(f"torchvision failed to import: {error}") from error
    for name in [name for name in sys.modules if name == "torchvision" or name.startswith("torchvision.")]:
        del sys.modules[name]
    import torch

    library = torch.library.Library("torchvision", "FRAGMENT")
    for schema in _SCHEMAS:
        library.define(schema)
    _libraries.append(library)
    return importlib.import_module("torchvision")
