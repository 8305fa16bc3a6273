"""Twin rows: padding, resampling and dropout layers."""

from __future__ import annotations

from twin_support import twin

ROWS = [
    twin("ZeroPad1d", 2, shapes=((2, 3, 5),)),
    twin("ZeroPad1d", (3, 1), id="ZeroPad1d-asymmetric", shapes=((3, 5),)),
    twin("ZeroPad2d", 1),
    twin("ZeroPad2d", (1, 0, 2, -1), id="ZeroPad2d-crop"),
    twin("ZeroPad3d", (1, 2, 0, 1, 2, 0), shapes=((2, 2, 3, 4, 3),)),
    twin("ConstantPad1d", (2, 1), 3.5, shapes=((2, 3, 5),)),
    twin("ConstantPad2d", 2, -1.0),
    twin("ConstantPad3d", 1, value=0.5, shapes=((1, 2, 3, 3, 2),)),
    twin("ReflectionPad1d", (3, 2), shapes=((2, 3, 5),)),
    twin("ReflectionPad1d", 1, id="ReflectionPad1d-unbatched", shapes=((3, 4),)),
    twin("ReflectionPad2d", 2),
    twin("ReflectionPad2d", (3, 1, 0, 2), id="ReflectionPad2d-asymmetric"),
    twin("ReflectionPad3d", (1, 2, 2, 0, 1, 1), shapes=((2, 2, 3, 4, 3),)),
    twin("ReplicationPad1d", (3, 1), shapes=((2, 3, 5),)),
    twin("ReplicationPad2d", 2),
    twin("ReplicationPad2d", (0, 3, 1, 0), id="ReplicationPad2d-asymmetric", shapes=((3, 4, 5),)),
    twin("ReplicationPad3d", 1, shapes=((2, 2, 3, 4, 3),)),
    twin("CircularPad1d", (2, 4), shapes=((2, 3, 5),)),
    twin("CircularPad2d", 2),
    twin("CircularPad2d", (1, 5, 4, 0), id="CircularPad2d-full-wrap"),
    twin("CircularPad3d", (1, 1, 2, 0, 0, 3), shapes=((2, 2, 3, 4, 3),)),
]

ROWS += [
    twin("Upsample", scale_factor=2),
    twin("Upsample", size=(3, 9), id="Upsample-nearest-size"),
    twin("Upsample", scale_factor=1.7, id="Upsample-nearest-1.7", shapes=((2, 3, 7),)),
    twin("Upsample", scale_factor=(2, 1, 3), id="Upsample-nearest-3d", shapes=((1, 2, 3, 4, 2),)),
    twin("Upsample", size=(3, 11), mode="nearest-exact", id="Upsample-nearest-exact"),
    twin("Upsample", scale_factor=2, mode="bilinear", id="Upsample-bilinear"),
    twin("Upsample", scale_factor=2, mode="bilinear", align_corners=True, id="Upsample-bilinear-corners"),
    twin("Upsample", size=(3, 10), mode="bilinear", id="Upsample-bilinear-size"),
    twin("Upsample", scale_factor=1.3, mode="bilinear", id="Upsample-bilinear-1.3"),
    twin(
        "Upsample",
        scale_factor=1.3,
        mode="bilinear",
        recompute_scale_factor=True,
        id="Upsample-bilinear-recompute",
    ),
    twin("Upsample", size=13, mode="linear", id="Upsample-linear", shapes=((2, 3, 7),)),
    twin(
        "Upsample", size=4, mode="linear", align_corners=True, id="Upsample-linear-down", shapes=((2, 3, 7),)
    ),
    twin("Upsample", size=(8, 4), mode="bicubic", id="Upsample-bicubic", rtol=1e-5),
    twin(
        "Upsample",
        scale_factor=2,
        mode="bicubic",
        align_corners=True,
        id="Upsample-bicubic-corners",
        rtol=1e-5,
    ),
    twin(
        "Upsample",
        scale_factor=(2, 1.5, 0.5),
        mode="trilinear",
        id="Upsample-trilinear",
        shapes=((1, 2, 3, 4, 5),),
    ),
    twin("Upsample", size=(3, 4), mode="area", id="Upsample-area"),
    twin("UpsamplingNearest2d", scale_factor=3),
    twin("UpsamplingBilinear2d", size=(7, 3)),
    twin("PixelShuffle", 3, shapes=((2, 18, 3, 4),)),
    twin("PixelShuffle", 2, id="PixelShuffle-unbatched", shapes=((8, 3, 2),)),
    twin("PixelUnshuffle", 2, shapes=((2, 3, 6, 4),)),
    twin("ChannelShuffle", 3, shapes=((2, 6, 3, 4),)),
]

# dropout: the identity in eval mode (and at p=0); training is random, tested in test_resampling_layers.py
ROWS += [
    twin("Dropout", 0.3, modes=("eval",)),
    twin("Dropout1d", shapes=((2, 3, 5),), modes=("eval",)),
    twin("Dropout1d", 0.0, id="Dropout1d-p0", shapes=((3, 5),)),
    twin("Dropout2d", 0.2, modes=("eval",)),
    twin("Dropout2d", 0.0, id="Dropout2d-p0"),
    twin("Dropout3d", shapes=((2, 3, 2, 4, 3),), modes=("eval",)),
    twin("Dropout3d", 0.0, id="Dropout3d-p0", shapes=((3, 2, 4, 3),)),
    twin("AlphaDropout", 0.2, modes=("eval",)),
    twin("AlphaDropout", 0.0, id="AlphaDropout-p0"),
    twin("FeatureAlphaDropout", 0.4, modes=("eval",)),
    twin("FeatureAlphaDropout", 0.0, id="FeatureAlphaDropout-p0"),
]

ROWS += [
    twin("Unfold", 2),
    twin("Unfold", (2, 3), stride=2, padding=1, id="Unfold-stride-padding", shapes=((2, 3, 7, 8),)),
    twin("Unfold", 3, dilation=2, padding=2, stride=(1, 2), id="Unfold-dilation", shapes=((3, 7, 8),)),
    twin("Fold", (4, 5), 2, shapes=((2, 12, 12),)),
    twin("Fold", (7, 8), (2, 3), stride=2, padding=1, id="Fold-stride-padding", shapes=((2, 18, 16),)),
    twin("Fold", (7, 8), 3, dilation=2, padding=2, stride=(1, 2), id="Fold-dilation", shapes=((18, 28),)),
    twin("Fold", (7, 8), (3, 2), stride=3, id="Fold-gaps", shapes=((1, 12, 6),)),
]
