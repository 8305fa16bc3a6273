"""Twin rows: the normalization layers (running statistics are compared after the forward)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
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


class _NumericGradient(torch.autograd.Function):
    """torch.nn.CrossMapLRN2d's forward pass with the gradient of that forward (central differences in float64).

    torch's hand-written backward for this legacy layer is not the gradient of its forward
    (its channel window is shifted by one and it ignores the forward's channel-0 quirk), so
    the twin compares ug's gradient with the derivative of torch's own forward instead.
    """

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, layer: torch.nn.CrossMapLRN2d) -> torch.Tensor:
        ctx.save_for_backward(x)
        ctx.layer = layer
        return torch.nn.CrossMapLRN2d.forward(layer, x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        (x,) = ctx.saved_tensors
        point, cotangent, step = x.detach().double().reshape(-1), grad.double(), 1e-6
        found = torch.empty_like(point)
        with torch.no_grad():
            for i in range(point.numel()):
                moved = [point.clone(), point.clone()]
                moved[0][i] += step
                moved[1][i] -= step
                ahead, behind = (torch.nn.CrossMapLRN2d.forward(ctx.layer, m.view(x.shape)) for m in moved)
                found[i] = ((ahead - behind) * cotangent).sum() / (2 * step)
        return found.view(x.shape).to(x.dtype), None


class CrossMapLRN2dTwin(torch.nn.CrossMapLRN2d):
    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return _NumericGradient.apply(input, self)


def cross_map_lrn(*args: Any, id: str, **options: Any) -> list[Row]:
    """Float32 at the usual tolerance; float64 to the finite differences' (about 1e-9)."""
    return [
        Row(
            id=f"{id}-{np.dtype(dtype).name}",
            make_ug=lambda **extra: ug.nn.CrossMapLRN2d(*args, **options, **extra),
            make_torch=lambda **extra: CrossMapLRN2dTwin(*args, **options, **extra),
            shapes=((2, 7, 3, 4),),
            dtypes=(dtype,),
            modes=("train",),
            rtol=rtol,
            atol=atol,
        )
        for dtype, rtol, atol in ((np.float32, None, None), (np.float64, 1e-7, 1e-8))
    ]


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
    # the legacy cross-map LRN: odd and even sizes, a window wider than the channels
    *cross_map_lrn(5, id="CrossMapLRN2d-5"),
    *cross_map_lrn(4, alpha=0.3, beta=0.5, k=2.0, id="CrossMapLRN2d-4"),
    *cross_map_lrn(3, alpha=0.5, beta=1.25, id="CrossMapLRN2d-3"),
    *cross_map_lrn(1, alpha=0.5, id="CrossMapLRN2d-1"),
    *cross_map_lrn(15, alpha=0.5, id="CrossMapLRN2d-15"),
]
