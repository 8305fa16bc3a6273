"""Twin rows: the normalization layers (running statistics are compared after the forward)."""

from __future__ import annotations

from typing import Any

import numpy as np
from twin_support import Row, twin

import unigrad as ug


def affine(layer: ug.nn.Module, rng: np.random.Generator) -> None:
    """A scale and shift other than the constant init, so that each gets its own gradient."""
    for name in ("weight", "bias"):
        value = getattr(layer, name, None)
        if value is not None:
            drawn = rng.uniform(0.5, 1.5, tuple(value.shape)).astype(ug.to_numpy(value).dtype)
            value.assign(ug.asarray(drawn))


def statistics(layer: Any, rng: np.random.Generator) -> None:
    """Running statistics other than 0 and 1, and a random scale and shift."""
    affine(layer, rng)
    if getattr(layer, "running_mean", None) is not None:
        dtype = ug.to_numpy(layer.running_mean).dtype
        layer.running_mean = ug.asarray(rng.uniform(-1.0, 1.0, layer.num_features).astype(dtype))
        layer.running_var = ug.asarray(rng.uniform(0.5, 2.0, layer.num_features).astype(dtype))


def norm(name: str, *args: object, id: str | None = None, **options: object) -> Row:
    return twin(name, *args, id=id, layer_dtype=True, prepare=statistics, **options)


NCHW = ((2, 6, 4, 5),)

ROWS = [
    norm("GroupNorm", 3, 6, shapes=NCHW),
    norm("GroupNorm", 1, 6, id="GroupNorm-1-group", shapes=NCHW),
    norm("GroupNorm", 6, 6, id="GroupNorm-per-channel", shapes=((3, 6, 7),)),
    norm("GroupNorm", 2, 4, eps=1e-3, affine=False, id="GroupNorm-no-affine", shapes=((2, 4, 3, 2, 2),)),
    norm("GroupNorm", 2, 12, id="GroupNorm-NC", shapes=((5, 12),)),
    norm("BatchNorm3d", 3, shapes=((2, 3, 2, 3, 4),)),
    norm("BatchNorm3d", 3, momentum=0.3, affine=False, id="BatchNorm3d-no-affine", shapes=((2, 3, 2, 3, 4),)),
    norm("BatchNorm2d", 6, id="BatchNorm2d-stats", shapes=NCHW),
    norm("BatchNorm2d", 6, bias=False, id="BatchNorm2d-no-bias", shapes=NCHW),
    norm("GroupNorm", 3, 6, bias=False, id="GroupNorm-no-bias", shapes=NCHW),
    norm("InstanceNorm2d", 6, affine=True, bias=False, id="InstanceNorm2d-no-bias", shapes=NCHW),
    norm("BatchNorm1d", 4, momentum=None, id="BatchNorm1d-cumulative", shapes=((5, 4, 3),)),
    # one process: BatchNorm over any rank (the replicas' reduction: tests/distribute)
    norm("SyncBatchNorm", 6, shapes=NCHW),
    norm("SyncBatchNorm", 4, momentum=None, affine=False, id="SyncBatchNorm-NCL", shapes=((5, 4, 3),)),
    norm("InstanceNorm1d", 4, shapes=((3, 4, 6),)),
    norm("InstanceNorm1d", 4, id="InstanceNorm1d-unbatched", shapes=((4, 6),)),
    norm(
        "InstanceNorm1d",
        4,
        affine=True,
        track_running_stats=True,
        id="InstanceNorm1d-tracked",
        shapes=((3, 4, 6),),
    ),
    norm("InstanceNorm2d", 6, shapes=NCHW),
    norm("InstanceNorm2d", 6, affine=True, id="InstanceNorm2d-affine", shapes=NCHW),
    norm(
        "InstanceNorm2d", 6, track_running_stats=True, momentum=0.2, id="InstanceNorm2d-tracked", shapes=NCHW
    ),
    norm(
        "InstanceNorm3d",
        3,
        affine=True,
        track_running_stats=True,
        id="InstanceNorm3d-tracked",
        shapes=((2, 3, 2, 3, 4),),
    ),
    norm("InstanceNorm3d", 3, id="InstanceNorm3d-unbatched", shapes=((3, 2, 3, 4),)),
    norm("LayerNorm", 5, shapes=NCHW),
    norm("LayerNorm", (4, 5), id="LayerNorm-2-axes", shapes=NCHW),
    norm("LayerNorm", 5, bias=False, id="LayerNorm-no-bias", shapes=NCHW),
    norm("LayerNorm", 5, elementwise_affine=False, id="LayerNorm-no-affine", shapes=NCHW),
    norm("RMSNorm", 5, shapes=NCHW),
    norm("RMSNorm", (4, 5), eps=1e-3, id="RMSNorm-2-axes-eps", shapes=NCHW),
    norm("RMSNorm", 5, elementwise_affine=False, id="RMSNorm-no-affine", shapes=((3, 5),)),
    twin("LocalResponseNorm", 2, shapes=NCHW),
    twin("LocalResponseNorm", 3, alpha=0.1, beta=0.5, k=2.0, id="LocalResponseNorm-3", shapes=((2, 6, 5),)),
    twin("LocalResponseNorm", 4, alpha=0.05, id="LocalResponseNorm-4-3d", shapes=((2, 5, 2, 3, 2),)),
]
