"""Zoo rows: classic architectures (see zoo_support)."""

from zoo_support import ZooRow

ROWS: list[ZooRow] = [
    ZooRow("resnet18", {"num_classes": 10}),
    ZooRow("alexnet", {"num_classes": 10}),
    ZooRow("vgg11", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),  # (vgg11_bn has its layers)
    ZooRow("vgg11_bn", {"num_classes": 10}, (1, 3, 32, 32)),
    ZooRow("vgg13", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("vgg13_bn", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("vgg16", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("vgg16_bn", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("vgg19", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("vgg19_bn", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("resnext50_32x4d", {"num_classes": 10}, (1, 3, 32, 32)),
    ZooRow("resnext101_32x8d", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("resnext101_64x4d", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("wide_resnet50_2", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("wide_resnet101_2", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("squeezenet1_0", {"num_classes": 10}),
    ZooRow("squeezenet1_1", {"num_classes": 10}),
    ZooRow("densenet121", {"num_classes": 10, "drop_rate": 0.2, "memory_efficient": True}, (1, 3, 32, 32)),
    ZooRow("densenet161", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("densenet169", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("densenet201", {"num_classes": 10}, (1, 3, 32, 32), thorough=True),
    ZooRow("googlenet", {"num_classes": 10}),
    ZooRow(
        "googlenet", {"num_classes": 10, "aux_logits": False, "transform_input": True, "init_weights": False}
    ),
    ZooRow("inception_v3", {"num_classes": 10}, (1, 3, 75, 75)),
    ZooRow(
        "inception_v3",
        {"num_classes": 10, "aux_logits": False, "transform_input": True, "init_weights": False},
        (1, 3, 80, 80),
    ),
]
