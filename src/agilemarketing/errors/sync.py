"""Errors of the SQLite mirror and the sync engine (mirror.py, sync.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agilemarketing.errors.base import AgileMarketingError, InvalidValue

__all__ = [
    "MirrorCorrupt",
    "MirrorDiskError",
    "MirrorError",
    "MirrorReadOnly",
    "NotAMirror",
    "SyncConfigError",
    "SyncConflictError",
    "SyncLocked",
]


class MirrorError(AgileMarketingError):
    """The mirror database cannot be opened, upgraded or written as asked.

    The message names the database file (``where``) and what to do about it.
    """


class SyncConfigError(InvalidValue):
    """A sync configuration file (TOML) or option is invalid.

    Attributes:
        path: the configuration file, if the problem is in one.
        key: the offending key (``"status_map"``, ``"fields.points"``...), if known.
    """

    def __init__(
        self,
        what: str,
        *,
        path: str | None = None,
        key: str | None = None,
        fix: str | None = None,
        value: Any = None,
    ) -> None:
        self.path = path
        self.key = key
        where = ", ".join(
            part for part in (path and f"file {path}", key and f"key {key!r}") if part
        )
        super().__init__(what, where=where or "sync configuration", fix=fix, value=value)


class SyncConflictError(AgileMarketingError):
    """Items changed on both sides since the last sync, and the policy is ``fail``.

    Nothing was written. Each conflict names the item, the field, the base value (last synced)
    and both current values.

    Attributes:
        conflicts: the conflicts, as :class:`agilemarketing.sync.Conflict` values.
    """

    def __init__(self, conflicts: Sequence[Any]) -> None:
        self.conflicts = tuple(conflicts)
        shown = "; ".join(str(c) for c in self.conflicts[:5])
        more = f" (and {len(self.conflicts) - 5} more)" if len(self.conflicts) > 5 else ""
        super().__init__(
            f"{len(self.conflicts)} item field(s) changed on both sides since the last sync: "
            f"{shown}{more}",
            where="sync",
            fix="choose a policy (--on-conflict prefer-source, prefer-target or skip), "
            "or make both sides agree and sync again",
        )


class MirrorCorrupt(MirrorError):
    """The mirror file is damaged: SQLite's integrity check fails, or its pages cannot be read.

    Nothing was read from it nor written to it.

    Attributes:
        path: the file, as given.
        problems: what the check found (the first few lines of SQLite's report).
    """

    def __init__(self, path: str, problems: Sequence[str] = ()) -> None:
        self.path = path
        self.problems = tuple(problems)
        found = f" ({'; '.join(self.problems[:3])})" if self.problems else ""
        super().__init__(
            f"the mirror file is corrupt{found}",
            where=f"mirror {path}",
            fix="restore it from a backup, or sync into a new mirror file; "
            f"`agilemarketing mirror check {path}` lists every problem",
        )


class NotAMirror(MirrorError):
    """The file exists but is not an agilemarketing mirror (another SQLite database, or not a
    database at all). It is left exactly as it was: nothing is added to it.

    Attributes:
        path: the file, as given.
    """

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        super().__init__(
            f"not an agilemarketing mirror: {why}; it was left untouched",
            where=f"mirror {path}",
            fix="name a mirror file made by agilemarketing, or a new file name",
        )


class MirrorReadOnly(MirrorError):
    """The mirror file (or its folder) cannot be written: a read-only file, folder or medium.

    Attributes:
        path: the file, as given.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            "the mirror file is read-only: it cannot be written",
            where=f"mirror {path}",
            fix=f"make it and its folder writable (chmod u+w {path}), "
            "or pass --state to another file",
        )


class MirrorDiskError(MirrorError):
    """The mirror could not be written because the disk is full (or a quota is), or the disk
    failed. The step being written was rolled back: the mirror is as it was before it. The
    command line exits 4 (an error outside the input: fix it and run again).

    Attributes:
        path: the file, as given.
        full: True for a full disk, False for another failure of the disk.
    """

    def __init__(self, path: str, *, full: bool, detail: str | None = None) -> None:
        self.path = path
        self.full = full
        folder = str(Path(path).absolute().parent)
        if full:
            what = "the disk holding the mirror file is full; the last step was rolled back"
            fix = f"free space on the disk holding {folder} (or raise the quota) and run again"
        else:
            what = f"the disk failed reading or writing the mirror file ({detail or 'I/O error'})"
            fix = f"check the disk holding {folder} and run again"
        super().__init__(what, where=f"mirror {path}", fix=fix + "; a sync resumes")


class SyncLocked(AgileMarketingError):
    """Another sync holds a file this one needs (a target or a mirror); nothing was changed.

    Locks are taken for a whole sync, planning and applying, on ``<file>.lock`` beside each
    target file and mirror. Run again once the other sync is done, or wait for it
    (``--wait SECONDS``).

    Attributes:
        path: the locked file (the target or mirror, not its ``.lock`` file).
        pid: the process holding it, if known.
        host: the machine it runs on, if known.
        since: when it took the lock (UTC, ISO 8601 text), if known.
        waited: how long this run waited for it, in seconds.
    """

    def __init__(
        self,
        path: str,
        *,
        pid: int | None = None,
        host: str | None = None,
        since: str | None = None,
        waited: float = 0.0,
    ) -> None:
        self.path = path
        self.pid = pid
        self.host = host
        self.since = since
        self.waited = waited
        holder = ", ".join(
            part
            for part in (
                f"pid {pid}" if pid is not None else "pid unknown",
                f"on {host}" if host else "",
                f"since {since}" if since else "",
            )
            if part
        )
        waited_text = f"; waited {waited:g} s" if waited else ""
        super().__init__(
            f"another sync is running ({holder}){waited_text}",
            where=f"file {path}",
            fix="let it finish and run again, or wait for it with --wait SECONDS",
        )
