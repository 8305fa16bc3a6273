"""Twin rows: the pools (window, adaptive and power-average), 1-d to 3-d."""

from __future__ import annotations

from typing import Any

import numpy as np
from twin_support import Row, twin

L1, IMAGE, ODD, VOLUME = (2, 3, 10), (2, 3, 7, 9), (2, 3, 7, 7), (2, 2, 5, 6, 7)


def pool(name: str, *args: Any, shape: tuple[int, ...], id: str | None = None, **options: Any) -> Row:
    """A pool's row: no parameters and no train/eval difference, so one mode."""
    named = {k: v for k, v in options.items() if k != "buffers"}  # (arrays: no use in an id)
    label = id or "-".join([name, *map(str, args), *(f"{k}={v}" for k, v in named.items())])
    return twin(name, *args, id=label, shapes=(shape,), modes=("train",), **options)


def samples(batch: int, channels: int, dims: int) -> dict[str, np.ndarray]:
    """A fractional pool's ``_random_samples`` (a buffer, given to both sides so they place the same windows)."""
    return {"_random_samples": np.random.default_rng(7).uniform(size=(batch, channels, dims))}


ROWS = [
    # adaptive average: global (ResNet), evenly dividing, general, None entries, more outputs than inputs
    pool("AdaptiveAvgPool2d", (1, 1), shape=ODD),
    pool("AdaptiveAvgPool2d", 1, shape=(3, 5, 4), id="AdaptiveAvgPool2d-1-unbatched"),
    pool("AdaptiveAvgPool2d", 2, shape=(2, 3, 6, 4)),
    pool("AdaptiveAvgPool2d", (3, 5), shape=IMAGE),
    pool("AdaptiveAvgPool2d", (None, 3), shape=IMAGE),
    pool("AdaptiveAvgPool2d", 5, shape=(2, 3, 3, 4)),
    pool("AdaptiveAvgPool1d", 3, shape=L1),
    pool("AdaptiveAvgPool1d", 5, shape=L1),
    pool("AdaptiveAvgPool3d", (2, 3, 1), shape=VOLUME),
    pool("AdaptiveAvgPool3d", 1, shape=VOLUME),
    # window pools, 1-d
    pool("MaxPool1d", 3, shape=L1),
    pool("MaxPool1d", 3, 2, 1, shape=L1),
    pool("MaxPool1d", 3, 2, 1, shape=(3, 10), id="MaxPool1d-3-2-1-unbatched"),
    pool("MaxPool1d", 2, stride=1, padding=1, dilation=2, shape=L1),
    pool("MaxPool1d", 3, 2, ceil_mode=True, shape=L1),
    pool("AvgPool1d", 3, shape=L1),
    pool("AvgPool1d", 3, 2, 1, shape=L1),
    pool("AvgPool1d", 3, 2, 1, count_include_pad=False, shape=L1),
    pool("AvgPool1d", 3, 2, 1, ceil_mode=True, shape=L1),
    # adaptive maximum
    pool("AdaptiveMaxPool2d", (3, 5), shape=IMAGE),
    pool("AdaptiveMaxPool2d", 1, shape=ODD),
    pool("AdaptiveMaxPool2d", (2, None), shape=(2, 3, 6, 4)),
    pool("AdaptiveMaxPool1d", 3, shape=L1),
    pool("AdaptiveMaxPool3d", (2, 2, 3), shape=VOLUME),
    # window pools, 3-d
    pool("MaxPool3d", 2, shape=VOLUME),
    pool("MaxPool3d", 3, 2, 1, shape=VOLUME),
    pool("MaxPool3d", (2, 3, 2), stride=(1, 2, 2), padding=(1, 1, 0), shape=VOLUME),
    pool("MaxPool3d", 2, 1, dilation=2, shape=VOLUME),
    pool("MaxPool3d", 3, 2, ceil_mode=True, shape=VOLUME),
    pool("AvgPool3d", 2, shape=VOLUME),
    pool("AvgPool3d", 3, 2, 1, shape=VOLUME),
    pool("AvgPool3d", 3, 2, 1, count_include_pad=False, shape=VOLUME),
    pool("AvgPool3d", 3, 2, 1, ceil_mode=True, count_include_pad=False, shape=VOLUME),
    pool("AvgPool3d", (2, 3, 2), divisor_override=5, shape=VOLUME),
    pool("AvgPool3d", 2, shape=VOLUME[1:], id="AvgPool3d-2-unbatched"),
    # power-average pools (positive input: x**p of a negative x has no real p-th root)
    pool("LPPool1d", 2, 3, shape=L1, low=0.1, high=2.0),
    pool("LPPool1d", 3.0, 2, 1, shape=L1, low=0.1, high=2.0),
    pool("LPPool2d", 2, 2, shape=IMAGE, low=0.1, high=2.0),
    pool("LPPool2d", 3, (2, 3), stride=(1, 2), shape=IMAGE, low=0.1, high=2.0),
    pool("LPPool2d", 1.5, 2, ceil_mode=True, shape=IMAGE, low=0.1, high=2.0),
    pool("LPPool3d", 2, 2, shape=VOLUME, low=0.1, high=2.0),
    # fractional max pools, their windows placed by the same _random_samples on both sides
    # (return_indices: test_pooling_layers.py, as the twin's cotangent would multiply int64 indices)
    pool("FractionalMaxPool2d", 3, output_size=(4, 5), shape=IMAGE, buffers=samples(2, 3, 2)),
    pool("FractionalMaxPool2d", (2, 3), output_ratio=0.5, shape=IMAGE, buffers=samples(2, 3, 2)),
    pool("FractionalMaxPool2d", 2, output_size=1, shape=IMAGE, buffers=samples(2, 3, 2)),
    pool(
        "FractionalMaxPool2d",
        2,
        output_size=(6, 7),
        shape=IMAGE[1:],
        id="FractionalMaxPool2d-2-unbatched",
        buffers=samples(1, 3, 2),
    ),
    pool("FractionalMaxPool3d", 2, output_size=(3, 4, 5), shape=VOLUME, buffers=samples(2, 2, 3)),
    pool(
        "FractionalMaxPool3d",
        (2, 3, 2),
        output_ratio=(0.6, 0.5, 0.7),
        shape=VOLUME,
        buffers=samples(2, 2, 3),
    ),
]
