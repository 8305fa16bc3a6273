"""Zoo rows: mobile architectures (see zoo_support)."""

from zoo_support import ZooRow

ROWS: list[ZooRow] = []
