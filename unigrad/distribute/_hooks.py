"""Where a data-parallel run plugs into the optimizer, without the optimizer importing a framework.

``Optimizer.step`` calls :data:`replica_update` (when one is installed) with
itself and its work list ``[(group, params, grads), ...]``; the hook returns
True if it ran the update itself. The TensorFlow backend installs one the
first time a model is prepared for ``DataParallel``: inside
``strategy.run`` the gradients must be all-reduced across replicas and the
update applied to each replica's copy of the variables. PyTorch needs none
(DDP has averaged ``.grad`` before the optimizer sees it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["replica_update"]

replica_update: Callable[[Any, list[tuple[Any, list[Any], list[Any]]]], bool] | None = None
