"""Zoo rows: classic architectures (see zoo_support)."""

from zoo_support import ZooRow

ROWS: list[ZooRow] = [ZooRow("resnet18", {"num_classes": 10})]
