"""Twin rows: the convolutions (transposed convolutions; padding modes)."""

from __future__ import annotations

from twin_support import twin

IMAGE = ((2, 4, 5, 6),)
SIGNAL = ((2, 4, 7),)

ROWS = [
    twin("ConvTranspose2d", 4, 6, 3, layer_dtype=True, shapes=IMAGE),
    twin(
        "ConvTranspose2d",
        4,
        3,
        4,
        stride=2,
        padding=1,
        id="ConvTranspose2d-dcgan",
        layer_dtype=True,
        shapes=IMAGE,
    ),
    twin(
        "ConvTranspose2d",
        4,
        6,
        (3, 2),
        stride=(2, 3),
        padding=(1, 0),
        output_padding=(1, 2),
        id="ConvTranspose2d-output-padding",
        layer_dtype=True,
        shapes=IMAGE,
    ),
    twin(
        "ConvTranspose2d",
        4,
        6,
        3,
        groups=2,
        dilation=2,
        padding=2,
        bias=False,
        id="ConvTranspose2d-groups-dilation",
        layer_dtype=True,
        shapes=IMAGE,
    ),
    twin(
        "ConvTranspose2d",
        4,
        2,
        2,
        dilation=3,
        output_padding=1,
        id="ConvTranspose2d-output-padding-under-dilation",
        layer_dtype=True,
        shapes=IMAGE,
    ),
    twin("ConvTranspose2d", 4, 6, 3, id="ConvTranspose2d-unbatched", layer_dtype=True, shapes=((4, 5, 6),)),
    twin("ConvTranspose1d", 4, 5, 3, stride=2, padding=1, output_padding=1, layer_dtype=True, shapes=SIGNAL),
    twin(
        "ConvTranspose1d",
        4,
        4,
        2,
        groups=4,
        dilation=2,
        id="ConvTranspose1d-depthwise",
        layer_dtype=True,
        shapes=SIGNAL,
    ),
]

# padding_mode on Conv1d/Conv2d: the input padded with ug ops, then a convolution without padding
ROWS += [
    twin(
        "Conv2d",
        4,
        5,
        3,
        padding=pad,
        padding_mode=mode,
        id=f"Conv2d-{mode}-{pad}",
        layer_dtype=True,
        shapes=IMAGE,
    )
    for mode in ("reflect", "replicate", "circular")
    for pad in (1, (2, 1))
]
ROWS += [
    twin(
        "Conv2d",
        4,
        6,
        2,
        padding="same",
        padding_mode="reflect",
        groups=2,
        dilation=2,
        id="Conv2d-reflect-same",
        layer_dtype=True,
        shapes=IMAGE,
    ),
    twin(
        "Conv2d",
        4,
        3,
        3,
        stride=2,
        padding=1,
        padding_mode="circular",
        id="Conv2d-circular-unbatched",
        layer_dtype=True,
        shapes=((4, 5, 6),),
    ),
    twin(
        "Conv2d",
        4,
        4,
        3,
        padding=(0, 2),
        padding_mode="replicate",
        id="Conv2d-replicate-one-axis",
        layer_dtype=True,
        shapes=IMAGE,
    ),
]
ROWS += [
    twin(
        "Conv1d", 4, 5, 3, padding=2, padding_mode=mode, id=f"Conv1d-{mode}", layer_dtype=True, shapes=SIGNAL
    )
    for mode in ("reflect", "replicate", "circular")
]

VOLUME = ((2, 4, 4, 5, 3),)
ROWS += [
    twin("Conv3d", 4, 6, 3, padding=1, layer_dtype=True, shapes=VOLUME),
    twin(
        "Conv3d",
        4,
        6,
        (2, 3, 1),
        stride=(2, 1, 2),
        padding=(1, 0, 0),
        dilation=(1, 2, 1),
        groups=2,
        id="Conv3d-strided-groups-dilation",
        layer_dtype=True,
        shapes=VOLUME,
    ),
    twin(
        "Conv3d",
        4,
        2,
        3,
        padding="same",
        dilation=(1, 2, 1),
        bias=False,
        id="Conv3d-same",
        layer_dtype=True,
        shapes=VOLUME,
    ),
    twin(
        "Conv3d",
        4,
        2,
        3,
        padding=(1, 2, 1),
        padding_mode="circular",
        id="Conv3d-circular",
        layer_dtype=True,
        shapes=VOLUME,
    ),
    twin(
        "Conv3d",
        4,
        2,
        3,
        padding=1,
        padding_mode="reflect",
        id="Conv3d-reflect-unbatched",
        layer_dtype=True,
        shapes=((4, 4, 5, 3),),
    ),
    twin("ConvTranspose3d", 4, 6, 3, stride=2, padding=1, output_padding=1, layer_dtype=True, shapes=VOLUME),
    twin(
        "ConvTranspose3d",
        4,
        6,
        (2, 1, 3),
        stride=(1, 2, 1),
        padding=(0, 0, 2),
        groups=2,
        dilation=(2, 1, 1),
        output_padding=(1, 0, 0),
        bias=False,
        id="ConvTranspose3d-groups-dilation",
        layer_dtype=True,
        shapes=VOLUME,
    ),
]
