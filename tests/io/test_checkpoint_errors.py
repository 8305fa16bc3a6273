"""ug.load of damaged, malformed and foreign files: CheckpointError naming the file and the fault."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from safetensors.numpy import save_file

import unigrad as ug
from unigrad.errors import CheckpointError, CheckpointNotFoundError


def test_damaged_files_raise_value_error_naming_the_file(ug_backend, tmp_path):
    path = tmp_path / "ckpt.safetensors"
    ug.save({"w": ug.ones(100)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ValueError, match=r"cannot read the checkpoint '.*ckpt.safetensors': .*truncated or damaged"
    ):
        ug.load(path)
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ValueError, match=r"ckpt\.safetensors"):
        ug.load(path)
    save_file({"x": np.ones(2, np.float32)}, str(tmp_path / "plain.safetensors"))
    with pytest.raises(ValueError, match="is a safetensors file but not a unigrad checkpoint"):
        ug.load(tmp_path / "plain.safetensors")
    with pytest.raises(FileNotFoundError):
        ug.load(tmp_path / "missing.safetensors")


def _flip(path, position):
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def test_flipped_tensor_bytes_raise_checkpoint_error_unless_not_verified(ug_backend, tmp_path):
    path = tmp_path / "ckpt.safetensors"
    values = np.arange(64, dtype=np.float32)
    ug.save({"w": ug.asarray(values), "step": 3}, path)
    _flip(path, len(path.read_bytes()) - 40)  # inside the tensor's bytes, at the end of the file
    with pytest.raises(
        CheckpointError, match=r"ckpt\.safetensors.* damaged: the bytes of tensor 'w' fail"
    ) as info:
        ug.load(path)
    assert isinstance(info.value, ValueError) and isinstance(info.value, ug.UnigradError)
    rescued = ug.load(path, verify=False)
    assert rescued["step"] == 3
    changed = ug.to_numpy(rescued["w"])
    assert changed.shape == values.shape and (changed != values).sum() == 1


def test_damaged_metadata_raises_checkpoint_error(ug_backend, tmp_path):
    path = tmp_path / "ckpt.safetensors"
    ug.save({"w": ug.ones(4), "step": 12345}, path)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"12345", b"12346"))  # a plain value changed, the JSON still valid
    with pytest.raises(CheckpointError, match=r"ckpt\.safetensors.* damaged: its metadata .* fails"):
        ug.load(path)
    assert ug.load(path, verify=False)["step"] == 12346


def _write_raw(path, metadata, tensors=None):
    """A safetensors file written by the safetensors package itself, with any metadata."""
    save_file(tensors or {}, str(path), metadata=metadata)


def _header(tree, **extra):
    return {"unigrad": json.dumps({"format": "unigrad.checkpoint/1", "tree": tree, **extra})}


def test_checkpoints_from_before_checksums_still_load(ug_backend, tmp_path):
    path = tmp_path / "old.safetensors"
    tree = {"dict": [["w", {"tensor": "w"}], ["h", {"tensor": "h"}], ["step", {"value": 2}]]}
    bits = np.array([1.0, -2.0], dtype=np.float32).view(np.uint32) >> 16  # bfloat16's bits
    tensors = {"w": np.arange(3, dtype=np.float32), "h": bits.astype(np.uint16)}
    _write_raw(path, _header(tree, bfloat16=["h"], saved_from="torch"), tensors)
    restored = ug.load(path)
    assert restored["step"] == 2 and ug.to_numpy(restored["w"]).tolist() == [0.0, 1.0, 2.0]
    assert ug.as_dtype(restored["h"].dtype) is ug.bfloat16
    assert ug.to_numpy(restored["h"]).astype(np.float32).tolist() == [1.0, -2.0]


def test_malformed_checkpoints_raise_checkpoint_error_naming_the_file(ug_backend, tmp_path):
    def expect(metadata, message, tensors=None, name="bad.safetensors"):
        path = tmp_path / name
        _write_raw(path, metadata, tensors)
        with pytest.raises(CheckpointError, match=message) as info:
            ug.load(path)
        assert name in str(info.value)
        return info.value

    deep = 100_000
    expect(
        {"unigrad": '{"format": "unigrad.checkpoint/1", "tree": ' + '{"list": [' * deep + "]}" * deep + "}"},
        "nested too deeply",
    )
    expect({"unigrad": "[1, 2, 3]"}, "unigrad metadata is a JSON list, not an object")
    expect({"unigrad": "{not json"}, "unigrad metadata is not valid JSON")
    expect({"unigrad": '{"format": "unigrad.checkpoint/1"}'}, r"has no structure \('tree'\)")
    expect(
        _header({"tensor": "w"}, bfloat16=["w"]),
        "bfloat16 list names tensor 'w', stored as F32",
        {"w": np.ones(2, np.float32)},
    )
    expect(_header({"tensor": "gone"}), "names a tensor 'gone' that the file does not hold")
    expect(_header({"dict": 5}), "malformed dict in the checkpoint structure")
    expect(_header({"list": [{"what": 1}]}), "unknown entry kind 'what'")
    expect(
        _header({"tensor": "w"}, crc32=["x"]), "checksums are not a mapping", {"w": np.ones(1, np.float32)}
    )


def test_structures_deep_or_not_never_raise_recursion_error(ug_backend, tmp_path):
    path = tmp_path / "deep.safetensors"
    for depth in (100, 300, 450, 600, 2_000):
        tree = '{"list": [' * depth + '{"list": []}' + "]}" * depth
        _write_raw(path, {"unigrad": '{"format": "unigrad.checkpoint/1", "tree": ' + tree + "}"})
        try:
            restored = ug.load(path)
        except CheckpointError as error:
            assert "nested too deeply" in str(error)
        else:
            for _ in range(depth):
                (restored,) = restored
            assert restored == []


def test_files_that_are_not_checkpoints(ug_backend, tmp_path):
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")
    with pytest.raises(CheckpointError, match=r"'.*empty\.safetensors': the file is empty"):
        ug.load(empty)
    short = tmp_path / "short.safetensors"
    short.write_bytes(b"abc")
    with pytest.raises(CheckpointError, match=r"short\.safetensors': not a safetensors file \(3 bytes"):
        ug.load(short)
    text = tmp_path / "notes.txt"
    text.write_text("a text file that is long enough to have a header length\n" * 3)
    with pytest.raises(
        CheckpointError, match=r"notes\.txt': not a safetensors file, or truncated or damaged"
    ):
        ug.load(text)
    header = b'{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}' + b" " * 3
    lying = tmp_path / "lying.safetensors"
    lying.write_bytes(len(header).to_bytes(8, "little") + header)
    with pytest.raises(
        CheckpointError,
        match=r"lying\.safetensors': not a safetensors file, or truncated or damaged \(.*JSON",
    ):
        ug.load(lying)
    fp8 = tmp_path / "fp8.safetensors"
    header = b'{"w": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}}'
    fp8.write_bytes(len(header).to_bytes(8, "little") + header + bytes(2))
    with pytest.raises(CheckpointError, match=r"tensor 'w' has dtype 'F8_E4M3'; unigrad reads BOOL, U8"):
        ug.load(fp8)
    wrong_size = tmp_path / "size.safetensors"
    header = b'{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}'
    wrong_size.write_bytes(len(header).to_bytes(8, "little") + header + bytes(8))
    # (the safetensors package checks that shape, dtype and offsets agree; its message names no tensor)
    with pytest.raises(
        CheckpointError, match=r"size\.safetensors': .*damaged \(.*shape, data type, or offset"
    ):
        ug.load(wrong_size)
    missing = tmp_path / "missing.safetensors"
    with pytest.raises(CheckpointNotFoundError, match=r"no checkpoint at '.*missing\.safetensors'") as info:
        ug.load(missing)
    assert isinstance(info.value, FileNotFoundError) and info.value.filename == str(missing)


def test_bfloat16_tensors_of_other_writers_load(ug_backend, tmp_path):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    path = tmp_path / "bf16.safetensors"
    _write_raw(path, _header({"tensor": "h"}), {"h": np.array([1.0, -2.0], dtype=ml_dtypes.bfloat16)})
    restored = ug.load(path)
    assert ug.as_dtype(restored.dtype) is ug.bfloat16
    assert ug.to_numpy(restored, copy=True).astype(np.float32).tolist() == [1.0, -2.0]


def test_files_the_os_will_not_open_raise_its_own_error(ug_backend, tmp_path):
    # (safetensors calls these "No such file"; ug.load must not say the file does not exist)
    with pytest.raises(IsADirectoryError if os.name == "posix" else PermissionError):
        ug.load(tmp_path)
    if os.name != "posix" or os.geteuid() == 0:
        return  # root reads files whatever their mode
    path = tmp_path / "locked.safetensors"
    ug.save({"w": ug.ones(2)}, path)
    path.chmod(0)
    with pytest.raises(PermissionError) as info:
        ug.load(path)
    assert info.value.filename == str(path)
