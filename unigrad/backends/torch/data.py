"""Data loading: the framework's own datasets and loaders as ug.fit inputs (PyTorch).

Nothing here imports torch at module level: the registry asks these
functions through the backend class (a loader's length, a ``.pth`` file)
without constructing the backend, and asking must not import a framework
that the program has not imported.
"""

from __future__ import annotations

import sys
from typing import Any

from unigrad.backends.api import BackendNotInstalledError

__all__ = ["split_rows", "loader_length", "read_state_file"]


def split_rows(x: Any, sizes: list[int]) -> list[Any]:
    """``x`` cut along its first axis into pieces of ``sizes``: views, one op."""
    return list(x.split(sizes))


def loader_length(loader: Any) -> Any:
    """Batches per epoch of a ``DataLoader`` (None for one over an iterable dataset); else NotImplemented."""
    data = sys.modules.get("torch.utils.data")
    if data is None or not isinstance(loader, data.DataLoader):
        return NotImplemented
    try:
        return len(loader)
    except TypeError:  # an IterableDataset without __len__
        return None


def read_state_file(path: str) -> Any:
    """What ``torch.save`` wrote to ``path`` (any suffix), read with ``weights_only=True`` onto the CPU.

    ``weights_only`` reads tensors and plain containers only, never arbitrary pickled code.
    """
    try:
        import torch
    except ImportError as exc:
        raise BackendNotInstalledError(
            f"reading the PyTorch file {path!r} needs torch (pip install 'unigrad[torch]'); "
            "or convert it once to .safetensors, which unigrad reads without PyTorch"
        ) from exc
    return torch.load(path, map_location="cpu", weights_only=True)
