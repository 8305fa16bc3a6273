"""Zoo rows: mobile architectures (see zoo_support)."""

from zoo_support import ZooRow

_TEN = {"num_classes": 10}

ROWS: list[ZooRow] = [
    ZooRow("mobilenet_v2", _TEN),
    ZooRow("mobilenet_v3_small", _TEN),
    ZooRow("mobilenet_v3_large", _TEN),
    ZooRow("mobilenet_v3_large", {**_TEN, "reduced_tail": True, "dilated": True, "width_mult": 0.75}),
    ZooRow("efficientnet_b0", _TEN),
    ZooRow("efficientnet_v2_s", _TEN, input_shape=(1, 3, 32, 32)),
    *(ZooRow(f"efficientnet_b{i}", _TEN, thorough=True) for i in range(1, 8)),
    ZooRow("efficientnet_v2_m", _TEN, thorough=True),
    ZooRow("efficientnet_v2_l", _TEN, thorough=True),
    ZooRow("shufflenet_v2_x0_5", _TEN),
    ZooRow("shufflenet_v2_x1_0", _TEN, thorough=True),
    ZooRow("shufflenet_v2_x1_5", _TEN, thorough=True),
    ZooRow("shufflenet_v2_x2_0", _TEN, thorough=True),
    ZooRow("mnasnet0_5", _TEN),
    ZooRow("mnasnet0_75", _TEN, thorough=True),
    ZooRow("mnasnet1_0", _TEN, thorough=True),
    ZooRow("mnasnet1_3", _TEN, thorough=True),
    ZooRow("regnet_x_400mf", _TEN),
    ZooRow("regnet_y_400mf", _TEN),
    ZooRow("regnet_x_800mf", _TEN, thorough=True),
    ZooRow("regnet_y_800mf", _TEN, thorough=True),
    # the larger RegNets are the same code with other design numbers; y_128gf (644M parameters) has no row
    *(ZooRow(f"regnet_{size}", _TEN, thorough=True) for size in ("x_1_6gf", "x_3_2gf", "x_8gf", "x_16gf")),
    *(ZooRow(f"regnet_{size}", _TEN, thorough=True) for size in ("x_32gf", "y_1_6gf", "y_3_2gf", "y_8gf")),
    *(ZooRow(f"regnet_{size}", _TEN, thorough=True) for size in ("y_16gf", "y_32gf")),
]
