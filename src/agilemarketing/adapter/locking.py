"""File locks for a whole sync: :func:`file_lock` holds ``<file>.lock`` beside a target or mirror.

A sync locks every file it writes (a CSV target, the mirror) from the first read of its plan to
the last write of its apply, so two syncs into one file never interleave. The lock is an OS lock
(:func:`fcntl.flock`) on a small ``<file>.lock`` file beside the locked file, not on the file
itself: a CSV target is replaced whole by every write (a new file each time), and SQLite keeps
its own locks on a database file. The kernel releases an OS lock when its process ends, however
it ends (``kill -9`` included), so a stale lock never blocks: a ``.lock`` file left behind is
just a file, taken over by the next run. The ``.lock`` file holds who has the lock (process id,
host, since when, in UTC) so a run that finds it taken can say who holds it.

Locks are re-entrant within a thread (the mirror adapter and the sync's state may name one file;
a CSV adapter locks its file again for each write) and exclusive between threads and between
processes. A run that finds a file locked waits up to ``wait`` seconds, polling, then raises
:class:`~agilemarketing.errors.SyncLocked`.

On a system without :mod:`fcntl` (Windows) the locks are only held within the process: a
:class:`RuntimeWarning` says so once, and two processes must not sync into one file at once.

>>> import tempfile, pathlib
>>> board = pathlib.Path(tempfile.mkdtemp()) / "board.csv"
>>> with file_lock(board):
...     holder = lock_holder(board)
...     with file_lock(board):  # the same thread may take it again
...         pass
>>> holder is not None and holder.pid == os.getpid()
True
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import attrs

from agilemarketing.errors import SourceError, SyncLocked
from agilemarketing.utc import utcnow

try:
    import fcntl

    _FLOCK = True
except ImportError:  # pragma: no cover - Windows
    _FLOCK = False

__all__ = ["LockHolder", "file_lock", "held_locks", "lock_holder", "lock_path", "try_lock_fd"]

#: How often a waiting run tries the lock again, in seconds.
POLL: Final = 0.05


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file of ``path``: ``<path>.lock`` beside it, the path made absolute."""
    target = Path(path).expanduser().absolute()
    return target.with_name(target.name + ".lock")


@attrs.frozen
class LockHolder:
    """Who holds a lock, as its ``.lock`` file says (fields None when it does not say)."""

    pid: int | None
    host: str | None
    since: str | None


@attrs.define
class _Held:
    fd: int
    owner: int
    count: int = 1


_guard = threading.Lock()
_held: dict[str, _Held] = {}
_warned = False


def try_lock_fd(fd: int) -> bool:
    """Take an exclusive OS lock on the open file ``fd`` without waiting; False if another
    open file (another process, or another open of the file) holds one. Always True where
    the system has no :mod:`fcntl`."""
    if not _FLOCK:  # pragma: no cover - Windows
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_holder(path: str | os.PathLike[str]) -> LockHolder | None:
    """Who holds (or last held) the lock of ``path``, from its ``.lock`` file; None if none."""
    try:
        text = lock_path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return LockHolder(None, None, None)  # being written right now, or not ours
    if not isinstance(data, dict):
        return LockHolder(None, None, None)
    pid = data.get("pid")
    host = data.get("host")
    since = data.get("since")
    return LockHolder(
        pid if isinstance(pid, int) else None,
        host if isinstance(host, str) else None,
        since if isinstance(since, str) else None,
    )


def _open(lock: Path, shown: str) -> int:
    try:
        return os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise SourceError(
            f"cannot create the lock file {lock.name} beside it ({exc.strerror})",
            file=shown,
            fix="check that the folder exists and that you may write in it",
        ) from None


def _stamp(fd: int) -> None:
    """Write who holds the lock into the (locked) lock file."""
    since = utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    body = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": since})
    with contextlib.suppress(OSError):  # the lock holds without its note
        os.ftruncate(fd, 0)
        os.pwrite(fd, (body + "\n").encode("utf-8"), 0)


def _try_acquire(key: str, lock: Path, shown: str) -> bool:
    """One attempt: True when this thread now holds the lock (again)."""
    global _warned
    me = threading.get_ident()
    with _guard:
        held = _held.get(key)
        if held is not None:
            if held.owner != me:
                return False  # another thread of this process holds it
            held.count += 1
            return True
        fd = _open(lock, shown)
        if not _FLOCK and not _warned:  # pragma: no cover - Windows
            _warned = True
            warnings.warn(
                "file locks are not available on this system: do not run two syncs into one "
                "file at the same time",
                RuntimeWarning,
                stacklevel=4,
            )
        if not try_lock_fd(fd):
            os.close(fd)
            return False
        _stamp(fd)
        _held[key] = _Held(fd, me)
        return True


def _release(key: str) -> None:
    with _guard:
        held = _held[key]
        held.count -= 1
        if held.count:
            return
        del _held[key]
        # Closing the file releases the OS lock. The .lock file stays: removing it while
        # another process waits on it would let a third one lock a new file of that name.
        os.close(held.fd)


@contextlib.contextmanager
def file_lock(
    path: str | os.PathLike[str], *, wait: float = 0.0, shown: str | None = None
) -> Iterator[None]:
    """Hold the lock of ``path`` (its ``<path>.lock`` file) for the block.

    Waits up to ``wait`` seconds for another holder, then raises
    :class:`~agilemarketing.errors.SyncLocked` naming ``shown`` (default: ``path`` as given)
    and the holder. Re-entrant within a thread. A lock file that cannot be created (a folder
    that does not exist, or that may not be written) is a
    :class:`~agilemarketing.errors.SourceError`.
    """
    lock = lock_path(path)
    # One key per file whatever folder named it: the folder resolved, symbolic links included.
    key = str(lock.parent.resolve() / lock.name)
    name = os.fspath(path) if shown is None else shown
    started = time.monotonic()
    deadline = started + max(0.0, wait)
    while not _try_acquire(key, lock, name):
        now = time.monotonic()
        if now >= deadline:
            holder = lock_holder(path) or LockHolder(None, None, None)
            raise SyncLocked(
                name,
                pid=holder.pid,
                host=holder.host,
                since=holder.since,
                waited=round(now - started, 1) if wait > 0 else 0.0,
            )
        time.sleep(min(POLL, deadline - now))
    try:
        yield
    finally:
        _release(key)


def held_locks() -> list[str]:
    """The lock files this process holds now (for tests and diagnostics)."""
    with _guard:
        return sorted(_held)
