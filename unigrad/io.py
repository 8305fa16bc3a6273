"""Checkpoints: ``ug.save`` and ``ug.load``, in safetensors, written atomically, with checksums.

A checkpoint holds a nested structure of dicts, lists and tuples whose leaves
are tensors (of any backend, or NumPy arrays) and plain values (numbers,
strings, booleans, ``None``) — a model's ``state_dict()``, an optimizer's,
the step count. Tensors go into the safetensors body under their path
(``"model/0.weight"``); the structure and the plain values go into its
metadata as JSON. Nothing is pickled, so loading a file cannot run code.

Every tensor's bytes carry a CRC-32 in the metadata, and the metadata string
carries its own, so a damaged file raises :class:`unigrad.CheckpointError`
instead of loading changed values; ``ug.load(path, verify=False)`` skips the
checks (files written before checksums existed load either way).

The container itself is written and read by the ``safetensors`` package, so
the files are standard safetensors (``safetensors.torch.load_file`` reads
them); its errors are translated into ``CheckpointError`` naming the file.

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
import errno
import json
import math
import os
import zlib
from collections.abc import Mapping
from typing import Any, NoReturn

import numpy as np

from .atomic_write import write_atomically
from .config import backend_instance, get_backend, use_backend
from .errors import ArgumentTypeError, CheckpointError, CheckpointNotFoundError
from .ops.conversion import to_numpy
from .ops.creation import asarray

__all__ = ["save", "load"]

FORMAT = "unigrad.checkpoint/1"
_METADATA_KEY = "unigrad"
# CRC-32 of the exact JSON string under _METADATA_KEY (it holds the tensors' CRCs, the
# structure and the plain values): a separate key, so that readers that predate it ignore it
_METADATA_CRC_KEY = "unigrad.crc32"
_SAFETENSORS_METADATA = "__metadata__"

# the dtypes a checkpoint holds, with their safetensors codes (bfloat16 is stored as its U16 bits)
_CODES = {
    "bool": "BOOL",
    "uint8": "U8",
    "int8": "I8",
    "uint16": "U16",
    "int16": "I16",
    "uint32": "U32",
    "int32": "I32",
    "uint64": "U64",
    "int64": "I64",
    "float16": "F16",
    "float32": "F32",
    "float64": "F64",
}
_READABLE = {*_CODES.values(), "BF16"}


def _encode(node: Any, path: str, tensors: dict[str, np.ndarray[Any, Any]], half: list[str]) -> Any:
    if isinstance(node, Mapping):
        items = []
        for key, value in node.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise ArgumentTypeError(
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
        try:
            array = np.asarray(to_numpy(node))
        except ValueError:  # TensorFlow's view of a 0-d bfloat16 tensor is a scalar, not an array
            array = np.asarray(to_numpy(node, copy=True))
        # Two paths can spell the same string ({"a/b": x} and {"a": {"b": y}}), and
        # "__metadata__" is safetensors' own key: such a tensor gets a name of its own,
        # which the structure records, instead of overwriting another one.
        name, count = path, 1
        while name in tensors or name == _SAFETENSORS_METADATA:
            name, count = f"{path}#{count}", count + 1
        if array.dtype.name == "bfloat16":  # readers' NumPy side has no bfloat16: store the bits
            array = array.view(np.uint16)
            half.append(name)
        elif array.dtype.name not in _CODES:
            raise ArgumentTypeError(
                f"cannot checkpoint a tensor of dtype {array.dtype.name} at {path or '/'}: checkpoints "
                f"hold {', '.join(_CODES)} and bfloat16 tensors"
            )
        # little-endian and C-ordered, as written, so that the CRC covers the file's bytes
        # (np.asarray keeps 0-d arrays 0-d; np.ascontiguousarray wrote them as shape (1,))
        tensors[name] = np.asarray(array, dtype=array.dtype.newbyteorder("<"), order="C")
        return {"tensor": name}
    raise ArgumentTypeError(
        f"cannot checkpoint a {type(node).__name__} at {path or '/'}: checkpoints hold tensors, "
        "numbers, strings, booleans, None, and dicts, lists and tuples of them (no pickle)"
    )


def _crc32(data: Any) -> str:
    return f"{zlib.crc32(data) & 0xFFFFFFFF:08x}"


def _raw_bytes(array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """A C-contiguous array's bytes as a flat uint8 array (a view: nothing is copied)."""
    return array.reshape(-1).view(np.uint8)


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` to ``path`` atomically: a failed save leaves the previous file intact.

    The file is written beside the target and renamed over it once complete
    and flushed to disk. Each tensor's bytes get a CRC-32, checked by
    :func:`load`. Temporary files that earlier saves to the same path left
    when they were killed mid-write are removed.

    Args:
        obj: dicts (str or int keys), lists and tuples of tensors of any backend,
            NumPy arrays, numbers, strings, booleans and ``None``.
        path: where to write; conventionally ``*.safetensors``.

    Raises:
        TypeError: ``obj`` holds something a checkpoint cannot (an object that
            would need pickle, a key that is not str or int, a complex tensor).
    """
    from safetensors.numpy import save_file

    tensors: dict[str, np.ndarray[Any, Any]] = {}
    half: list[str] = []
    tree = _encode(obj, "", tensors, half)
    checksums = {name: _crc32(_raw_bytes(array)) for name, array in tensors.items()}
    header = {
        "format": FORMAT,
        "tree": tree,
        "bfloat16": half,
        "crc32": checksums,
        "saved_from": get_backend(),
    }
    text = json.dumps(header)
    metadata = {_METADATA_KEY: text, _METADATA_CRC_KEY: _crc32(text.encode("utf-8"))}
    write_atomically(path, lambda temporary: save_file(tensors, temporary, metadata=metadata))


# -- reading -----------------------------------------------------------------------


def _damaged(where: str, detail: str) -> CheckpointError:
    return CheckpointError(f"cannot read the checkpoint {where!r}: it is truncated or damaged ({detail})")


def _parse_json(text: bytes | str, where: str, what: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise CheckpointError(
            f"cannot read the checkpoint {where!r}: its {what} is nested too deeply to be one "
            "unigrad writes (damaged, or not a unigrad checkpoint)"
        ) from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise _damaged(where, f"its {what} is not valid JSON: {exc}") from None


def _unreadable(where: str, exc: Exception) -> NoReturn:
    """Raise what says why the safetensors package could not read ``where``."""
    if isinstance(exc, OSError):
        # safetensors calls every failure to open a file "No such file" (one we may not read
        # too) or an OSError without errno: opening it here raises the OS's own error
        # (PermissionError, IsADirectoryError, ...), naming the file
        try:
            with open(where, "rb"):
                pass
        except FileNotFoundError:
            raise CheckpointNotFoundError(
                errno.ENOENT, f"no checkpoint at {where!r}: the file does not exist", where
            ) from None
    size = -1
    with contextlib.suppress(OSError):
        size = os.path.getsize(where)
    if size == 0:
        fault = "the file is empty"
    elif 0 < size < 8:
        fault = f"not a safetensors file ({size} bytes, shorter than its 8-byte header length)"
    else:
        fault = f"not a safetensors file, or truncated or damaged (safetensors: {exc})"
    raise CheckpointError(f"cannot read the checkpoint {where!r}: {fault}") from exc


def _read_safetensors(where: str) -> tuple[dict[str, str], dict[str, str], dict[str, Any]]:
    """The metadata, the tensors' dtype codes and the tensors (NumPy arrays) of a safetensors file."""
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(where, framework="numpy") as handle:
            metadata = handle.metadata() or {}
            codes = {name: handle.get_slice(name).get_dtype() for name in handle.keys()}  # noqa: SIM118
            for name, code in codes.items():
                if code not in _READABLE:
                    raise CheckpointError(
                        f"cannot read the checkpoint {where!r}: tensor {name!r} has dtype {code[:40]!r}; "
                        f"unigrad reads {', '.join(_CODES.values())} and BF16"
                    )
            if "BF16" in codes.values():
                import ml_dtypes  # noqa: F401 - gives NumPy the bfloat16 that safetensors asks for
            arrays = {name: handle.get_tensor(name) for name in codes}
    except CheckpointError:
        raise
    except (SafetensorError, OSError, ValueError) as exc:
        _unreadable(where, exc)
    return metadata, codes, arrays


def _header(where: str, metadata: dict[str, str], verify: bool) -> dict[str, Any]:
    """The unigrad header of a checkpoint's metadata, checked."""
    if _METADATA_KEY not in metadata:
        raise CheckpointError(
            f"{where!r} is a safetensors file but not a unigrad checkpoint "
            "(no unigrad structure in its metadata)"
        )
    text = metadata[_METADATA_KEY]
    expected = metadata.get(_METADATA_CRC_KEY)
    if verify and expected is not None and _crc32(text.encode("utf-8")) != expected:
        raise CheckpointError(
            f"the checkpoint {where!r} is damaged: its metadata (structure, plain values, "
            "checksums) fails its CRC-32 check; load it with verify=False only to rescue what is left"
        )
    header = _parse_json(text, where, "unigrad metadata")
    if not isinstance(header, dict):
        raise _damaged(where, f"its unigrad metadata is a JSON {type(header).__name__}, not an object")
    if header.get("format") != FORMAT:
        raise CheckpointError(
            f"{where!r}: unsupported checkpoint format {header.get('format')!r}; expected {FORMAT!r}"
        )
    if "tree" not in header:
        raise _damaged(where, "its unigrad metadata has no structure ('tree')")
    return header


def _verify(where: str, header: dict[str, Any], arrays: Mapping[str, Any]) -> None:
    checksums = header.get("crc32")
    if checksums is None:  # written before checksums existed
        return
    if not isinstance(checksums, dict):
        raise _damaged(where, "its checksums are not a mapping of tensor names to CRC-32s")
    for name, array in arrays.items():
        expected = checksums.get(name)
        if expected is None:
            raise _damaged(where, f"tensor {name!r} has no checksum")
        actual = _crc32(_raw_bytes(array))
        if actual != expected:
            raise CheckpointError(
                f"the checkpoint {where!r} is damaged: the bytes of tensor {name!r} fail their CRC-32 "
                f"check (expected {expected}, got {actual}); load it with verify=False "
                "only to rescue what is left"
            )


def _restore_bfloat16(
    where: str, header: dict[str, Any], codes: Mapping[str, str], arrays: dict[str, Any]
) -> None:
    """Give the tensors that unigrad stored as their bfloat16 bits (U16) their dtype back."""
    half = header.get("bfloat16", [])
    if not isinstance(half, list) or not all(isinstance(name, str) for name in half):
        raise _damaged(where, "its bfloat16 list is not a list of tensor names")
    for name in half:
        if name not in codes:
            raise _damaged(where, f"its bfloat16 list names a tensor {name!r} that the file does not hold")
        if codes[name] != "U16":
            raise _damaged(
                where,
                f"its bfloat16 list names tensor {name!r}, stored as {codes[name]}; "
                "bfloat16 tensors are stored as U16",
            )
    if half:
        import ml_dtypes

        for name in half:
            arrays[name] = arrays[name].view(ml_dtypes.bfloat16)


def _decode(node: Any, tensors: Mapping[str, Any], where: str) -> Any:
    if not isinstance(node, dict) or len(node) != 1:
        raise _damaged(where, f"malformed checkpoint structure ({str(node)[:80]})")
    ((kind, body),) = node.items()
    if kind == "dict":
        if not isinstance(body, list) or not all(
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], (str, int))
            and not isinstance(item[0], bool)
            for item in body
        ):
            raise _damaged(where, f"malformed dict in the checkpoint structure ({str(body)[:80]})")
        return {key: _decode(value, tensors, where) for key, value in body}
    if kind in ("list", "tuple"):
        if not isinstance(body, list):
            raise _damaged(where, f"malformed {kind} in the checkpoint structure ({str(body)[:80]})")
        items = [_decode(value, tensors, where) for value in body]
        return items if kind == "list" else tuple(items)
    if kind == "value":
        if body is not None and not isinstance(body, (bool, int, float, str)):
            raise _damaged(where, f"malformed value in the checkpoint structure ({str(body)[:80]})")
        return body
    if kind == "float":
        if body not in ("inf", "-inf", "nan"):
            raise _damaged(where, f"malformed float {str(body)[:80]!r} in the checkpoint structure")
        return float(body)
    if kind == "tensor":
        if not isinstance(body, str) or body not in tensors:
            raise _damaged(where, f"the structure names a tensor {body!r} that the file does not hold")
        return tensors[body]
    raise _damaged(where, f"unknown entry kind {kind!r} in the checkpoint structure")


def load(path: str | os.PathLike[str], backend: str | None = None, *, verify: bool = True) -> Any:
    """Read a checkpoint written by :func:`save`, with tensors of ``backend`` (default: the active one).

    A checkpoint written under one backend loads under any other, every tensor
    with its shape (0-d included) and dtype.

    Args:
        path: the file :func:`save` wrote.
        backend: the backend whose tensors to return; the active one if ``None``.
        verify: check each tensor's bytes and the metadata against the CRC-32s
            :func:`save` recorded (about 15 ms per 100 MB). ``False`` skips
            that, for huge files, or to rescue what is left of a damaged one.
            Files written before checksums existed load without the check.

    Returns:
        ``obj`` as it was saved, with tensors of ``backend``.

    Raises:
        unigrad.CheckpointNotFoundError: no file at ``path`` (a ``FileNotFoundError``).
        unigrad.CheckpointError: the file is not a unigrad checkpoint, or it is
            truncated or damaged, a checksum fails among them (a ``ValueError``).
        OSError: the OS will not open ``path`` (``PermissionError``, ``IsADirectoryError``).
    """
    where = os.fspath(path)
    metadata, codes, arrays = _read_safetensors(where)
    header = _header(where, metadata, verify)
    if verify:
        _verify(where, header, arrays)
    _restore_bfloat16(where, header, codes, arrays)
    name = backend_instance(backend).name if backend is not None else get_backend()
    with use_backend(name):
        tensors = {key: asarray(value) for key, value in arrays.items()}
    try:
        return _decode(header["tree"], tensors, where)
    except RecursionError:
        raise CheckpointError(
            f"cannot read the checkpoint {where!r}: its structure is nested too deeply "
            "(damaged, or not a unigrad checkpoint)"
        ) from None
