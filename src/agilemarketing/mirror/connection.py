"""Opening a mirror file: checked before anything is written, in WAL mode with foreign keys on.

>>> conn = connect(":memory:")
>>> conn.execute("PRAGMA foreign_keys").fetchone()
(1,)
>>> conn.close()
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agilemarketing.errors import MirrorError
from agilemarketing.mirror.integrity import check_before_use, check_file_type
from agilemarketing.mirror.schema import SCHEMA_VERSION
from agilemarketing.mirror.sqlerrors import sqlite_errors

__all__ = ["connect"]


def connect(path: str) -> sqlite3.Connection:
    """Open ``path`` in autocommit mode (transactions are explicit) with WAL and foreign keys.

    Before anything is written to an existing file, it is checked
    (:func:`~agilemarketing.mirror.integrity.check_before_use`): a file that is not a mirror
    is refused and left as it was, a damaged one is refused with what to do.
    """
    if path != ":memory:":
        check_file_type(path)
    try:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
    except (OSError, sqlite3.Error) as exc:
        raise MirrorError(
            f"cannot open the mirror database ({exc})",
            where=f"mirror {path}",
            fix="check that the folder exists and is writable",
        ) from exc
    try:
        if path != ":memory:":
            check_before_use(conn, path, newest=SCHEMA_VERSION)
        with sqlite_errors(path):
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise MirrorError(
            f"not a mirror database ({exc})",
            where=f"mirror {path}",
            fix="point at a mirror file made by agilemarketing, or at a new file name",
        ) from exc
    except BaseException:
        conn.close()
        raise
    return conn
