"""Devices and distribution: ``DataParallel``, ``ModelParallel``, ``launch``, and who-am-I helpers.

unigrad maps one API onto each framework's own engine (no collectives of its
own on the standard path): ``DataParallel`` is ``DistributedDataParallel`` on
PyTorch and ``MirroredStrategy`` / ``MultiWorkerMirroredStrategy`` on
TensorFlow; ``ModelParallel`` is ``torch.distributed.pipelining`` or
per-stage device placement (``tf.device`` on TensorFlow); ``launch`` starts
a multi-process run on one machine with the environment ``torchrun`` and
``TF_CONFIG`` give, so the same script runs on several machines under those.
See ``docs/distribution.md``. Importing this imports no framework.

Examples:
    >>> import unigrad as ug
    >>> ug.distribute.rank(), ug.distribute.world_size(), ug.distribute.is_main()
    (0, 1, True)
"""

from __future__ import annotations

from ..device import split_cpu
from .data_parallel import DataParallel
from .env import DEFAULT_TIMEOUT, is_main, local_rank, rank, world_size
from .launch import LaunchTimeoutError, ReplicaError, free_ports, launch
from .model_parallel import ModelParallel

__all__ = [
    "DataParallel",
    "ModelParallel",
    "launch",
    "ReplicaError",
    "LaunchTimeoutError",
    "rank",
    "world_size",
    "local_rank",
    "is_main",
    "split_cpu",
    "free_ports",
    "DEFAULT_TIMEOUT",
]
