"""ug.save writes atomically: a failed save keeps the previous file; a killed one's temporary goes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import unigrad as ug


def test_failed_save_leaves_the_previous_file(ug_backend, tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    ug.save({"w": ug.ones(3)}, path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        ug.save({"w": ug.zeros(3)}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.safetensors"]  # no temporary file left behind
    with pytest.raises(TypeError, match=r"cannot checkpoint a object at w/0"):
        ug.save({"w": [object()]}, path)
    assert path.read_bytes() == before


# -- temporaries of killed saves ---------------------------------------------------------


def _temporary(tmp_path, target, pid, host=None):
    from unigrad import atomic_write

    name = f".{target}.{host or atomic_write._machine_tag()}-{pid}-{'0' * 12}.ugsave.tmp"
    path = tmp_path / name
    path.write_bytes(b"partial")
    return path


def _dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.skipif(os.name != "posix", reason="the liveness check of a writer's pid is POSIX-only")
def test_a_save_removes_the_temporaries_of_dead_saves_only(ug_backend, tmp_path):
    target = "ckpt.safetensors"
    _temporary(tmp_path, target, _dead_pid())  # its writer died: removed
    live = _temporary(tmp_path, target, os.getppid())  # a live writer, just started
    other_target = _temporary(tmp_path, "other.safetensors", _dead_pid())
    other_host = _temporary(tmp_path, target, _dead_pid(), host="00000000")  # its pid means nothing here
    idle_elsewhere = _temporary(tmp_path, target, 1234, host="00000000")
    legacy = tmp_path / f".{target}.{'ab' * 16}.tmp"  # what unigrad wrote before (no pid)
    legacy.write_bytes(b"partial")
    unrelated = tmp_path / f".{target}.notes.tmp"
    unrelated.write_bytes(b"mine")
    an_hour_ago = os.path.getmtime(legacy) - 3600
    for path in (idle_elsewhere, legacy, unrelated):
        os.utime(path, (an_hour_ago, an_hour_ago))
    ug.save({"w": ug.ones(2)}, tmp_path / target)
    remaining = {p.name for p in tmp_path.iterdir()}
    assert remaining == {target, live.name, other_target.name, other_host.name, unrelated.name}
    assert ug.to_numpy(ug.load(tmp_path / target)["w"]).tolist() == [1.0, 1.0]


@pytest.mark.skipif(os.name != "posix", reason="kills the writing process with SIGKILL")
def test_the_temporary_of_a_save_killed_mid_write_goes_at_the_next_save(ug_backend, tmp_path):
    target = tmp_path / "ckpt.safetensors"
    killed = textwrap.dedent(f"""
        import os, signal
        import numpy as np
        import unigrad as ug
        os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # dies after writing, before the rename
        ug.save({{"w": np.ones(1000, np.float32)}}, {str(target)!r})
    """)
    result = subprocess.run([sys.executable, "-c", killed], capture_output=True, timeout=120, check=False)
    assert result.returncode == -9, result.stderr[-2000:]
    (left,) = [p for p in tmp_path.iterdir()]
    assert left.name.startswith(".ckpt.safetensors.") and left.name.endswith(".ugsave.tmp")
    ug.save({"w": ug.zeros(3)}, target)
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.safetensors"]
