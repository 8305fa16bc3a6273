"""Checkpoints: ``ug.save`` and ``ug.load``, in safetensors, written atomically.

A checkpoint holds a nested structure of dicts, lists and tuples whose leaves
are tensors (of any backend, or NumPy arrays) and plain values (numbers,
strings, booleans, ``None``) — a model's ``state_dict()``, an optimizer's,
the step count. Tensors go into the safetensors body under their path
(``"model/0.weight"``); the structure and the plain values go into its
metadata as JSON. Nothing is pickled, so loading a file cannot run code.

Examples:
    >>> import os, tempfile, unigrad as ug
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.safetensors")
    >>> ug.save({"w": ug.ones(2), "step": 3}, path)
    >>> restored = ug.load(path)
    >>> restored["step"], ug.to_numpy(restored["w"]).tolist()
    (3, [1.0, 1.0])
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import uuid
from collections.abc import Mapping
from typing import Any

import numpy as np

from .config import backend_instance, get_backend, use_backend
from .ops.conversion import to_numpy
from .ops.creation import asarray

__all__ = ["save", "load"]

FORMAT = "unigrad.checkpoint/1"
_METADATA_KEY = "unigrad"


def _encode(node: Any, path: str, tensors: dict[str, np.ndarray[Any, Any]], half: list[str]) -> Any:
    if isinstance(node, Mapping):
        items = []
        for key, value in node.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(
                    f"checkpoint keys must be str or int, got {type(key).__name__} at {path or '/'}"
                )
            items.append([key, _encode(value, f"{path}/{key}" if path else str(key), tensors, half)])
        return {"dict": items}
    if isinstance(node, (list, tuple)):
        kind = "list" if isinstance(node, list) else "tuple"
        return {
            kind: [_encode(v, f"{path}/{i}" if path else str(i), tensors, half) for i, v in enumerate(node)]
        }
    if node is None or isinstance(node, (bool, str)):
        return {"value": node}
    if isinstance(node, (int, np.integer)):
        return {"value": int(node)}
    if isinstance(node, (float, np.floating)):
        value = float(node)
        return {"float": repr(value)} if not math.isfinite(value) else {"value": value}
    if hasattr(node, "shape") and hasattr(node, "dtype"):
        array = np.asarray(to_numpy(node))
        if array.dtype.name == "bfloat16":  # safetensors' NumPy side has no bfloat16: store the bits
            array = array.view(np.uint16)
            half.append(path)
        tensors[path] = np.ascontiguousarray(array)
        return {"tensor": path}
    raise TypeError(
        f"cannot checkpoint a {type(node).__name__} at {path or '/'}: checkpoints hold tensors, "
        "numbers, strings, booleans, None, and dicts, lists and tuples of them (no pickle)"
    )


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` to ``path`` atomically: a failed save leaves the previous file intact.

    The file is written beside the target and renamed over it once complete
    and flushed to disk.
    """
    from safetensors.numpy import save as encode_safetensors

    tensors: dict[str, np.ndarray[Any, Any]] = {}
    half: list[str] = []
    tree = _encode(obj, "", tensors, half)
    header = {"format": FORMAT, "tree": tree, "bfloat16": half, "saved_from": get_backend()}
    payload = encode_safetensors(tensors, metadata={_METADATA_KEY: json.dumps(header)})
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    temporary = os.path.join(directory, f".{os.path.basename(target)}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where the OS allows
        directory_handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_handle)
        finally:
            os.close(directory_handle)


def _decode(node: Any, tensors: Mapping[str, Any], where: str) -> Any:
    if not isinstance(node, dict) or len(node) != 1:
        raise ValueError(f"{where}: malformed checkpoint structure ({str(node)[:80]})")
    ((kind, body),) = node.items()
    if kind == "dict":
        return {key: _decode(value, tensors, where) for key, value in body}
    if kind == "list":
        return [_decode(value, tensors, where) for value in body]
    if kind == "tuple":
        return tuple(_decode(value, tensors, where) for value in body)
    if kind == "value":
        return body
    if kind == "float":
        return float(body)
    if kind == "tensor":
        if body not in tensors:
            raise ValueError(f"{where}: the structure names a tensor {body!r} that the file does not hold")
        return tensors[body]
    raise ValueError(f"{where}: unknown entry kind {kind!r} in the checkpoint structure")


def load(path: str | os.PathLike[str], backend: str | None = None) -> Any:
    """Read a checkpoint written by :func:`save`, with tensors of ``backend`` (default: the active one).

    A checkpoint written under one backend loads under any other. A file that
    is not a unigrad checkpoint, or is truncated or damaged, raises
    ``ValueError`` naming the file.
    """
    from safetensors import safe_open

    where = os.fspath(path)
    try:
        with safe_open(where, framework="numpy") as handle:
            metadata = handle.metadata() or {}
            raw = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118 - not a dict
    except FileNotFoundError:
        raise
    except Exception as exc:
        raise ValueError(
            f"cannot read the checkpoint {where!r}: not a safetensors file, or truncated or "
            f"damaged ({type(exc).__name__}: {exc})"
        ) from exc
    try:
        header = json.loads(metadata[_METADATA_KEY])
    except (KeyError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"{where!r} is a safetensors file but not a unigrad checkpoint "
            "(no unigrad structure in its metadata)"
        ) from exc
    if header.get("format") != FORMAT:
        raise ValueError(
            f"{where!r}: unsupported checkpoint format {header.get('format')!r}; expected {FORMAT!r}"
        )
    for key in header.get("bfloat16", []):
        import ml_dtypes

        raw[key] = raw[key].view(ml_dtypes.bfloat16)
    name = backend_instance(backend).name if backend is not None else get_backend()
    with use_backend(name):
        tensors = {key: asarray(value) for key, value in raw.items()}
    return _decode(header["tree"], tensors, repr(where))
