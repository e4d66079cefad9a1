"""Checking a mirror file before it is used: what it is, whether it is whole, whether it is ours.

Opening a mirror (:class:`~agilemarketing.mirror.Mirror`) runs :func:`check_before_use` before
anything is written to the file:

* a file that is not an SQLite database at all is refused
  (:class:`~agilemarketing.errors.NotAMirror`);
* an SQLite database with tables but no ``schema_version`` table is another program's database
  (an ``invoices`` table, a shop's ``items`` table): refused too, and left byte for byte as it
  was: no mirror table is added to it;
* a mirror is checked with SQLite's ``PRAGMA quick_check`` (about 70 ms for a 50 MB mirror of
  60,000 items on a laptop disk), and its tables against the schema its version should have; a
  damaged file is refused (:class:`~agilemarketing.errors.MirrorCorrupt`) with what to do.

:func:`check_mirror` is the full check behind ``agilemarketing mirror check FILE``: SQLite's
``PRAGMA integrity_check`` (every index against its table; about 5 times the quick check),
the foreign keys, and the schema, reading the file only.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import attrs

from agilemarketing.errors import MirrorCorrupt, MirrorError, NotAMirror
from agilemarketing.mirror.schema import migrate

__all__ = ["MirrorCheck", "check_before_use", "check_file_type", "check_mirror", "schema_problems"]

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_HEADER: Final = b"SQLite format 3\x00"

#: How many problems a check lists at most.
_MAX_PROBLEMS: Final = 50


def check_file_type(path: str) -> None:
    """Refuse a file at ``path`` that is not an SQLite database (a missing or empty file is
    fine: a new mirror is made there)."""
    file = Path(path)
    try:
        with file.open("rb") as stream:
            head = stream.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise MirrorError(
            "this is a folder, not a mirror file",
            where=f"mirror {path}",
            fix="name a file inside it, e.g. team.db",
        ) from None
    except OSError as exc:
        raise MirrorError(
            f"cannot read the mirror file ({exc.strerror})",
            where=f"mirror {path}",
            fix="check the file's permissions",
        ) from None
    if head and head != SQLITE_HEADER:
        raise NotAMirror(path, "it is not an SQLite database")


def _tables(conn: sqlite3.Connection, path: str) -> set[str]:
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise MirrorCorrupt(path, [str(exc)]) from None
    return {str(name) for (name,) in rows}


def _version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def check_before_use(conn: sqlite3.Connection, path: str, *, newest: int) -> None:
    """Refuse the open database ``conn`` if it is not a mirror, or is damaged; write nothing.

    An empty database (a new file) passes: the mirror's tables are created in it next. A mirror
    whose version is newer than ``newest`` is left to the migration's own error.
    """
    tables = _tables(conn, path)
    if not tables:
        return
    if "schema_version" not in tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise NotAMirror(path, f"it is another SQLite database (tables: {shown})")
    try:
        found = [str(row[0]) for row in conn.execute("PRAGMA quick_check(20)")]
        version = _version(conn)
    except sqlite3.DatabaseError as exc:
        raise MirrorCorrupt(path, [str(exc)]) from None
    if found != ["ok"]:
        raise MirrorCorrupt(path, found)
    if version <= newest:
        problems = schema_problems(conn, version)
        if problems:
            raise NotAMirror(
                path, f"its tables are not those of mirror schema version {version}: {problems[0]}"
            )


@functools.cache
def _expected(version: int) -> Mapping[str, frozenset[str]]:
    """The tables and their columns of a mirror at ``version``, built in memory once."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn, upto=version, where="mirror :memory:")
        return _columns(conn)
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    tables = [
        str(name)
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: frozenset(str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")'))
        for table in tables
    }


def schema_problems(conn: sqlite3.Connection, version: int) -> list[str]:
    """What the tables of ``conn`` lack compared with a mirror at schema ``version`` (tables and
    columns a program added are no problem)."""
    if version < 1:
        return []
    have = _columns(conn)
    problems: list[str] = []
    for table, columns in sorted(_expected(version).items()):
        if table not in have:
            problems.append(f"table {table!r} is missing")
            continue
        problems += [
            f"table {table!r} has no column {column!r}" for column in sorted(columns - have[table])
        ]
    return problems


@attrs.frozen
class MirrorCheck:
    """What ``agilemarketing mirror check`` found in a mirror file.

    Attributes:
        path: the file, as given.
        version: the schema version (0 when the file is no mirror).
        boards: how many boards it holds.
        items: how many items, over every board.
        problems: every problem found (empty: the file is sound), at most 50.
    """

    path: str
    version: int
    boards: int
    items: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def __str__(self) -> str:
        if self.ok:
            return (
                f"{self.path}: ok (schema version {self.version}, {self.boards} board(s), "
                f"{self.items} item(s); integrity, foreign keys and schema checked)"
            )
        lines = [f"{self.path}: {len(self.problems)} problem(s)"]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)


def check_mirror(path: str) -> MirrorCheck:
    """Check the mirror file at ``path`` in full, reading it only.

    Raises :class:`~agilemarketing.errors.MirrorError` when there is no file, and
    :class:`~agilemarketing.errors.NotAMirror` when it is not a mirror; problems inside a mirror
    are listed in the result (:attr:`MirrorCheck.ok` is False).
    """
    if not Path(path).is_file():
        raise MirrorError(
            "no mirror file at this path",
            where=f"mirror {path}",
            fix="check the path; a mirror is created by syncing into it",
        )
    check_file_type(path)
    uri = Path(path).absolute().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise MirrorError(
            f"cannot open the file ({exc})", where=f"mirror {path}", fix="check its permissions"
        ) from None
    try:
        return _check(conn, path)
    finally:
        conn.close()


def _check(conn: sqlite3.Connection, path: str) -> MirrorCheck:
    try:
        tables = _tables(conn, path)
    except MirrorCorrupt as exc:
        return MirrorCheck(path, 0, 0, 0, exc.problems)
    if "schema_version" not in tables:
        if not tables:
            raise NotAMirror(path, "it is an empty database")
        raise NotAMirror(
            path, f"it is another SQLite database (tables: {', '.join(sorted(tables))})"
        )
    problems: list[str] = []
    version = boards = items = 0
    try:
        found = [str(row[0]) for row in conn.execute(f"PRAGMA integrity_check({_MAX_PROBLEMS})")]
        if found != ["ok"]:
            problems += found
        problems += [
            f"table {table!r}, row {rowid}: no row in {parent!r} for its foreign key"
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
        ][:_MAX_PROBLEMS]
        version = _version(conn)
        problems += schema_problems(conn, version)
        if not problems:
            boards = int(conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0])
            items = int(conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        problems.append(str(exc))
    return MirrorCheck(path, version, boards, items, tuple(problems[:_MAX_PROBLEMS]))
