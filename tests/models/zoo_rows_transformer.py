"""Zoo rows: transformer architectures (see zoo_support)."""

from zoo_support import ZooRow

ROWS: list[ZooRow] = []
