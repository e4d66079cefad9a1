"""A mirror is checked before use: another program's SQLite file is refused byte for byte
unchanged, a damaged mirror is refused with what to do, and ``agilemarketing mirror check``
runs the full check."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.errors import MirrorCorrupt, NotAMirror
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import OWN_BOARD, Mirror, check_mirror

# Lower case: SQLite names are case-insensitive, and a generated clash is no foreign file.
NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
    lambda name: name != "schema_version" and not name.startswith("sqlite")
)
TYPES = st.sampled_from(["TEXT", "INTEGER", "REAL", "BLOB", ""])
TABLES = st.dictionaries(
    NAMES,
    st.dictionaries(NAMES, TYPES, min_size=1, max_size=4),
    min_size=1,
    max_size=4,
    dict_class=dict,
)


def foreign_file(folder: Path, tables: dict[str, dict[str, str]], rows: int) -> Path:
    path = folder / "other.db"
    with sqlite3.connect(path) as db:
        for table, columns in tables.items():
            listed = ", ".join(f'"{name}" {kind}'.strip() for name, kind in columns.items())
            db.execute(f'CREATE TABLE "{table}" ({listed})')
            marks = ", ".join("?" for _ in columns)
            db.executemany(
                f'INSERT INTO "{table}" VALUES ({marks})',
                [tuple(f"v{n}" for _ in columns) for n in range(rows)],
            )
    db.close()
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=TABLES, rows=st.integers(0, 3))
def test_another_programs_sqlite_file_is_refused_and_left_byte_for_byte(
    tables: dict[str, dict[str, str]], rows: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = foreign_file(Path(folder), tables, rows)
        before = path.read_bytes()
        with pytest.raises(NotAMirror) as caught:
            Mirror(path)
        assert "not an agilemarketing mirror" in str(caught.value)
        assert str(path) in str(caught.value)
        assert path.read_bytes() == before
        assert sorted(p.name for p in Path(folder).iterdir()) == ["other.db"]  # no -wal, -shm


@pytest.mark.parametrize(
    "columns",
    ["sku TEXT, price REAL", "key TEXT, source TEXT", "key TEXT, source TEXT, summary TEXT"],
)
def test_a_foreign_items_table_is_refused_by_the_cli_without_a_traceback(
    tmp_path: Path, columns: str
) -> None:
    with sqlite3.connect(tmp_path / "shop.db") as db:
        db.execute(f"CREATE TABLE items ({columns})")
    db.close()
    before = (tmp_path / "shop.db").read_bytes()
    for args in (
        ["report", f"mirror:{tmp_path / 'shop.db'}", "--out", str(tmp_path / "rep")],
        ["sync", f"mirror:{tmp_path / 'shop.db'}", f"mirror:{tmp_path / 'copy.db'}"],
        ["mirror", "check", str(tmp_path / "shop.db")],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert "shop.db" in result.output
        assert "not an agilemarketing mirror" in result.output
    assert (tmp_path / "shop.db").read_bytes() == before


def test_a_file_with_a_schema_version_table_but_not_our_tables_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lookalike.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER, applied_at TEXT)")
        db.execute("INSERT INTO schema_version VALUES (1, '2026-01-01')")
        db.execute("CREATE TABLE items (sku TEXT)")
    db.close()
    before = path.read_bytes()
    with pytest.raises(NotAMirror) as caught:
        Mirror(path)
    assert "schema version 1" in str(caught.value)
    assert path.read_bytes() == before


def make_mirror(path: Path, count: int) -> Path:
    with Mirror(path) as mirror, mirror.transaction():
        mirror.save_board(
            OWN_BOARD,
            [ItemHistory(f"MKT-{i}", summary="x" * 200, status="To Do") for i in range(count)],
        )
    return path


def corrupt(path: Path) -> None:
    """Garble every third b-tree page (not the header page)."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for number in range(3, len(data) // page - 1, 3):
        data[number * page : number * page + page // 2] = b"\xa5" * (page // 2)
    path.write_bytes(bytes(data))


def check(*args: str) -> Result:
    return CliRunner().invoke(main, ["mirror", "check", *args])


def test_mirror_check_says_ok_for_a_sound_mirror(tmp_path: Path) -> None:
    path = make_mirror(tmp_path / "team.db", 50)
    result = check(str(path))
    assert result.exit_code == ExitCode.OK, result.output
    assert f"{path}: ok (schema version" in result.output
    assert "1 board(s), 50 item(s)" in result.output
    data = json.loads(check(str(path), "--json").output)
    assert data["ok"] is True
    assert data["items"] == 50
    assert data["problems"] == []


def test_mirror_check_lists_the_damage_and_says_what_to_do(tmp_path: Path) -> None:
    path = make_mirror(tmp_path / "team.db", 2000)
    corrupt(path)
    before = path.read_bytes()
    result = check(str(path))
    assert result.exit_code == ExitCode.USAGE, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "problem(s)" in result.output
    assert "restore it from a backup" in result.output
    assert path.read_bytes() == before  # the check only reads
    data = json.loads(check(str(path), "--json").stdout)
    assert data["ok"] is False
    assert data["problems"]
    with pytest.raises(MirrorCorrupt) as caught:
        Mirror(path)
    assert "mirror check" in str(caught.value)
    assert str(path) in str(caught.value)


def test_mirror_check_of_a_missing_file_is_exit_2_and_creates_nothing(tmp_path: Path) -> None:
    result = check(str(tmp_path / "nope.db"))
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "nope.db" in result.output
    assert not (tmp_path / "nope.db").exists()


def test_check_mirror_finds_a_missing_table(tmp_path: Path) -> None:
    path = make_mirror(tmp_path / "team.db", 3)
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE journal")
    db.close()
    result = check_mirror(str(path))
    assert not result.ok
    assert "table 'journal' is missing" in result.problems
