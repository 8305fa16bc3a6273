"""Zoo rows: transformer-era architectures (see zoo_support)."""

from zoo_support import ZooRow

ROWS: list[ZooRow] = [
    ZooRow("convnext_tiny", {"num_classes": 10}, (1, 3, 32, 32)),
    ZooRow("convnext_small", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("convnext_base", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("convnext_large", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    # torchvision pads any map to whole windows, so any input runs; 36x36 is the smallest that takes
    # every path: a 9x9 map after the stem, padded to 14x14 (v1) or 16x16 (v2) so the windows shift
    # and the shift mask applies, and odd sides (9, 5, 3) for the patch merging to pad
    ZooRow("swin_t", {"num_classes": 10}, (1, 3, 36, 36)),
    ZooRow("swin_s", {"num_classes": 10}, (1, 3, 36, 36), thorough=True),
    ZooRow("swin_b", {"num_classes": 10}, (1, 3, 36, 36), thorough=True),
    ZooRow("swin_v2_t", {"num_classes": 10}, (1, 3, 36, 36)),
    ZooRow("swin_v2_s", {"num_classes": 10}, (1, 3, 36, 36), thorough=True),
    ZooRow("swin_v2_b", {"num_classes": 10}, (1, 3, 36, 36), thorough=True),
    ZooRow("vit_b_16", {"image_size": 32, "num_classes": 10}, (2, 3, 32, 32)),
    ZooRow(
        "vit_b_32",
        {"image_size": 32, "num_classes": 10, "representation_size": 16},
        (1, 3, 32, 32),
        thorough=True,
    ),
    ZooRow("vit_l_16", {"image_size": 32, "num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("vit_l_32", {"image_size": 32, "num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("vit_h_14", {"image_size": 28, "num_classes": 10}, (1, 3, 28, 28), thorough=True),
]
