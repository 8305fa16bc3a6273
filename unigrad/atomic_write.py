"""Writing a file atomically: beside its target, flushed to disk, then renamed over it.

A writer killed mid-write leaves its temporary file behind; the next write to
the same target removes the temporaries of writers that are gone (see the
comment below on when one is). :func:`unigrad.save` writes checkpoints so.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import socket
import time
import uuid
import zlib
from collections.abc import Callable

__all__ = ["write_atomically"]


def write_atomically(path: str | os.PathLike[str], write: Callable[[str], None]) -> None:
    """Have ``write`` write a temporary file beside ``path``, then rename it over ``path``.

    The temporary is flushed to disk before the rename, and the rename made
    durable where the OS allows, so ``path`` holds either its previous
    content or the whole new one, never a part. If ``write`` (or the rename)
    fails, the temporary is removed and the error propagates. Temporaries that
    earlier writes to ``path`` left when they were killed are removed first.

    Args:
        path: the file to write.
        write: called with the temporary's path; writes the complete content there.

    Examples:
        >>> import pathlib, tempfile
        >>> from unigrad.atomic_write import write_atomically
        >>> path = pathlib.Path(tempfile.mkdtemp(), "notes.txt")
        >>> write_atomically(path, lambda temporary: pathlib.Path(temporary).write_text("done"))
        >>> path.read_text(), [p.name for p in path.parent.iterdir()]
        ('done', ['notes.txt'])
    """
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    _remove_stale_temporaries(directory, os.path.basename(target))
    temporary = os.path.join(directory, _temporary_name(os.path.basename(target)))
    try:
        write(temporary)
        with open(temporary, "rb+") as handle:  # (Windows flushes only handles open for writing)
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


# -- temporary files -------------------------------------------------------------
#
# write_atomically() writes ".<target name>.<host>-<pid>-<random>.ugsave.tmp" beside the
# target and renames it over the target once complete. A writer killed mid-write (SIGKILL,
# power loss) leaves that file behind; the next write to the same target removes the ones
# that are stale. A temporary is stale when
#   - its writer ran on this machine (the machine tag matches: host name and, on Linux, pid
#     namespace, since containers that share a volume do not see each other's pids), the
#     OS can tell whether a process lives (POSIX) and the writer's pid is not running: it
#     died mid-write; or
#   - nobody has written to it for _STALE_AFTER_S seconds. A live writer (ug.save) writes
#     its file in one go, so this long without a write means a writer on another machine
#     (shared file systems), whose pid means nothing here, is gone; the same for a
#     temporary of an older unigrad (".<name>.<32 hex>.tmp") and on systems without a
#     liveness check (Windows).
# A temporary whose writer pid is alive on this machine is kept unless untouched for
# _ABANDONED_AFTER_S (a pid reused by another process would otherwise keep it forever).
# A file another live writer is writing is therefore never removed: its pid is alive, and
# its modification time is recent. Only names of this pattern for this target are
# considered, never another file.
_STALE_AFTER_S = 15 * 60
_ABANDONED_AFTER_S = 24 * 60 * 60


@functools.cache
def _machine_tag() -> str:
    """8 hex digits naming this host and pid namespace: where a writer's pid means something."""
    identity = socket.gethostname()
    with contextlib.suppress(OSError):
        identity += os.readlink("/proc/self/ns/pid")
    return f"{zlib.crc32(identity.encode('utf-8', 'replace')):08x}"


def _temporary_name(target_name: str) -> str:
    return f".{target_name}.{_machine_tag()}-{os.getpid()}-{uuid.uuid4().hex[:12]}.ugsave.tmp"


def _temporary_pattern(target_name: str) -> re.Pattern[str]:
    return re.compile(
        rf"\.{re.escape(target_name)}\."
        r"(?:(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]+)-[0-9a-f]{12}\.ugsave|[0-9a-f]{32})\.tmp"
    )


def _process_alive(pid: int) -> bool | None:
    """Whether ``pid`` runs on this machine; ``None`` where the OS cannot say."""
    if os.name != "posix":  # (os.kill(pid, 0) would send CTRL_C_EVENT on Windows)
        return None
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    except OSError:
        return None
    return True


def _remove_stale_temporaries(directory: str, target_name: str) -> None:
    """Remove the temporaries that dead writers to ``target_name`` left in ``directory``."""
    pattern = _temporary_pattern(target_name)
    try:
        names = os.listdir(directory)
    except OSError:
        return
    now = time.time()
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        candidate = os.path.join(directory, name)
        try:
            idle = now - os.stat(candidate).st_mtime
        except OSError:  # gone already (another writer cleaned it, or its writer renamed it)
            continue
        alive = _process_alive(int(match["pid"])) if match["host"] == _machine_tag() else None
        if alive is False or idle > (_ABANDONED_AFTER_S if alive else _STALE_AFTER_S):
            with contextlib.suppress(OSError):
                os.remove(candidate)
