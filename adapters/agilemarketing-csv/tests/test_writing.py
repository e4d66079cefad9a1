"""Writing CSV: atomic (all or nothing), formula-safe, and read back exactly by this package."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from agilemarketing_csv import (
    atomic_csv,
    neutralise_formula,
    read_backlog_csv,
    read_table_csv,
    restore_formula,
    write_backlog_csv,
    write_table_csv,
)
from agilemarketing_csv.errors import CsvFileError, CsvRowError
from agilemarketing_csv.writing import FORMULA_TRIGGERS
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.errors import InvalidValue
from agilemarketing.items import CustomerStory, Size, WorkItem

# Any text a user can type: commas, quotes, line breaks, unicode, leading = + - @ and tabs.
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["=1+2", "+SUM(A1)", "-3", "@cmd", "\tx", "\rx", "'=x", "''@y", "'plain", 'a,"b"\nc', ""]
)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- atomic ---------------------------------------------------------------------------------------


def failing_rows(after: int) -> Iterator[dict[str, Any]]:
    for n in range(after):
        yield {"week": n, "done": n * 2}
    raise RuntimeError("the metric engine crashed mid-table")


def test_a_failure_mid_write_leaves_the_existing_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "throughput.csv"
    write_table_csv(target, [{"week": "W1", "done": 4}])
    before = target.read_bytes()
    with pytest.raises(RuntimeError, match="crashed"):
        write_table_csv(target, failing_rows(after=500))
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_failure_mid_write_creates_no_file_at_all(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        write_table_csv(tmp_path / "new.csv", failing_rows(after=3))
    assert list(tmp_path.iterdir()) == []


def test_a_failing_rename_leaves_the_target_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "backlog.csv"
    write_backlog_csv(target, [WorkItem("MKT-1", "Old")])
    before = target.read_bytes()

    def broken_replace(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        write_backlog_csv(target, [WorkItem("MKT-2", "New")])
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_bad_value_mid_write_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "table.csv"
    write_table_csv(target, [{"a": 1}])
    before = target.read_bytes()
    with pytest.raises(InvalidValue, match="row 3"):
        write_table_csv(target, [{"a": 1}, {"a": 2}, {"a": 3, "b": 4}])
    assert target.read_bytes() == before


def test_rewriting_a_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "shared.csv"
    write_table_csv(target, [{"a": 1}])
    target.chmod(0o640)
    write_table_csv(target, [{"a": 2}])
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_byte_order_mark_is_written_on_request_and_read_back(tmp_path: Path) -> None:
    target = tmp_path / "excel.csv"
    write_table_csv(target, [{"Titel": "Gr\u00fc\u00dfe"}], bom=True)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(read_table_csv(target)) == [{"Titel": "Gr\u00fc\u00dfe"}]


# --- formula safety -------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", sorted(FORMULA_TRIGGERS))
def test_text_starting_with_a_formula_trigger_gets_a_quote(tmp_path: Path, trigger: str) -> None:
    with atomic_csv(tmp_path / "t.csv") as out:
        out.writerow([f"{trigger}HYPERLINK(1)"])
    assert (tmp_path / "t.csv").read_bytes().lstrip(b'"').startswith(b"'")


def test_numbers_written_as_numbers_are_not_touched(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    write_table_csv(target, [{"delta": -3, "ratio": -0.5, "label": "-3"}])
    assert target.read_text(encoding="utf-8").splitlines()[1] == "-3,-0.5,'-3"


def test_header_cells_are_neutralised_too(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    write_table_csv(target, [[1]], header=["=evil"])
    assert target.read_text(encoding="utf-8").splitlines()[0] == "'=evil"
    assert list(read_table_csv(target)) == [{"=evil": "1"}]


@given(any_text)
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    safe = neutralise_formula(text)
    assert safe[:1] not in FORMULA_TRIGGERS
    assert restore_formula(safe) == text


# --- tables ---------------------------------------------------------------------------------------


@given(rows=st.lists(st.tuples(any_text, any_text, any_text), max_size=6))
def test_any_text_survives_a_table_write_and_read(
    rows: list[tuple[str, str, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    target = tmp_path_factory.mktemp("table") / "t.csv"
    written = write_table_csv(target, rows, header=["a", "b,c", '"d"'])
    assert written == len(rows)
    assert [tuple(r.values()) for r in read_table_csv(target)] == rows


def test_a_table_of_no_rows_with_a_header_is_just_the_header(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    assert write_table_csv(target, [], header=["week", "done"]) == 0
    assert target.read_text(encoding="utf-8") == "week,done\n"


def test_table_values_are_written_as_text_a_spreadsheet_understands(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    write_table_csv(target, [[at, None, True, 2.5]], header=["at", "none", "flag", "x"])
    row = next(iter(read_table_csv(target)))
    assert row == {"at": "2026-03-02T09:30:00+00:00", "none": "", "flag": "true", "x": "2.5"}


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([[1, 2]], ["a", "a"], "unique"),
        ([[1, 2]], ["a"], "one value per column"),
        ([[1]], None, "must be mappings"),
        ([{}], None, "at least one column"),
    ],
)
def test_malformed_tables_are_refused_before_anything_is_written(
    tmp_path: Path, rows: list[Any], header: list[str] | None, message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        write_table_csv(tmp_path / "t.csv", rows, header=header)
    assert not (tmp_path / "t.csv").exists()


def test_reading_a_table_with_repeated_columns_is_refused(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,a\n1,2\n", encoding="utf-8")
    with pytest.raises(CsvFileError, match="unique"):
        read_table_csv(tmp_path / "t.csv")


# --- backlogs -------------------------------------------------------------------------------------

_word = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).filter(
    lambda s: bool(s.strip())
)
_moment = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


@st.composite
def work_items(draw: st.DrawFn) -> list[WorkItem]:
    keys = draw(st.lists(_word, min_size=0, max_size=5, unique_by=str.strip))
    items = []
    for key in keys:
        created = draw(st.none() | _moment)
        size = draw(
            st.none()
            | st.sampled_from(["XS", "M", "XXL"]).map(Size.tshirt)
            | st.floats(0, 100, allow_nan=False).map(Size.points)
        )
        story = draw(st.none() | st.builds(CustomerStory, _word, _word, _word))
        items.append(
            WorkItem(
                key=key,
                title=draw(_word),
                kind=draw(st.sampled_from(["email", "campaign", "=cmd"])),
                story=story,
                size=size,
                labels=draw(st.frozensets(_word, max_size=3)),
                stakeholder=draw(st.none() | _word),
                outcome=draw(st.none() | _word),
                created_at=created,
                done_at=None if created is None else draw(st.none() | st.just(created)),
                done_criteria=draw(st.frozensets(_word, max_size=2)),
            )
        )
    return items


@given(backlog=work_items())
def test_any_backlog_survives_a_write_and_read_in_rank_order(
    backlog: list[WorkItem], tmp_path_factory: pytest.TempPathFactory
) -> None:
    target = tmp_path_factory.mktemp("backlog") / "backlog.csv"
    assert write_backlog_csv(target, backlog) == len(backlog)
    assert read_backlog_csv(target).read_all() == backlog


def test_a_backlog_resorted_in_a_spreadsheet_still_reads_in_rank_order(tmp_path: Path) -> None:
    target = tmp_path / "b.csv"
    write_backlog_csv(target, [WorkItem("A", "First"), WorkItem("B", "Second")])
    header, first, second = target.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join([header, second, first]) + "\n", encoding="utf-8")
    assert [i.key for i in read_backlog_csv(target)] == ["A", "B"]


def test_a_bad_backlog_row_names_its_column(tmp_path: Path) -> None:
    target = tmp_path / "b.csv"
    target.write_text("rank,key,title,size,size_unit\n1,A,First,huge,points\n", encoding="utf-8")
    with pytest.raises(CsvRowError) as caught:
        read_backlog_csv(target).read_all()
    assert (caught.value.row, caught.value.column, caught.value.value) == (2, "size", "huge")


def test_a_character_the_encoding_cannot_hold_names_the_row_and_leaves_the_file_alone(
    tmp_path: Path,
) -> None:
    from agilemarketing_csv.writing import atomic_csv

    target = tmp_path / "plan.csv"
    before = "key,title\r\nMKT-0,before\r\n".encode("cp1252")
    target.write_bytes(before)

    def write() -> None:
        with atomic_csv(target, encoding="cp1252") as out:
            out.writerow(["key", "title"])
            out.writerow(["MKT-1", "Café launch 🚀"])

    with pytest.raises(CsvRowError) as caught:
        write()
    assert caught.value.row == 2
    assert "cp1252" in str(caught.value)
    assert "🚀" in str(caught.value)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


def test_a_write_killed_midway_leaves_no_temporary_file_after_the_next_write(
    tmp_path: Path,
) -> None:
    from agilemarketing_csv import CsvAdapter

    from agilemarketing.adapter import CreateItem

    target = tmp_path / "out.csv"
    # What a kill -9 between creating the temporary file and replacing the target leaves.
    leftover = tmp_path / ".out.csv.0123456789ab.tmp"
    leftover.write_text("Key,Summary\nMKT-1,half")
    unrelated = tmp_path / ".out.csv.notmine.tmp"
    unrelated.write_text("someone else's")
    adapter = CsvAdapter(str(target))
    adapter.write([CreateItem("MKT-1", {"summary": "Launch email", "status": "To Do"})])
    assert not leftover.exists()
    assert unrelated.exists()
    assert [r.key for r in adapter.read()] == ["MKT-1"]


KILLED_WRITER = """
import sys, time
from agilemarketing_csv import atomic_csv
with atomic_csv(sys.argv[1]) as out:
    for n in range(1000):
        out.writerow(["MKT-%d" % n, "half written"])
    print("writing", flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_writer_killed_with_sigkill_leaves_a_temporary_file_the_next_sync_removes(
    tmp_path: Path,
) -> None:
    import select
    import signal
    import subprocess
    import sys

    from agilemarketing_csv import CsvAdapter

    from agilemarketing.adapter import CreateItem

    target = tmp_path / "out.csv"
    CsvAdapter(str(target)).write([CreateItem("MKT-1", {"summary": "Kept", "status": "To Do"})])
    before = target.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    try:
        assert select.select([child.stdout], [], [], 30)[0], "the writer never started"
        assert child.stdout.readline().strip() == "writing"
        [midway] = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert f".{child.pid}." in midway.name  # the writer's process is in the name
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
    assert midway.exists()
    assert target.read_bytes() == before  # the kill never touched the target
    # The next sync into the file takes its lock, which clears what the dead writer left,
    # even when it has nothing to write.
    adapter = CsvAdapter(str(target))
    with adapter.lock():
        pass
    assert not midway.exists()
    assert [r.key for r in adapter.read()] == ["MKT-1"]


def test_a_temporary_file_of_a_writer_still_running_is_left_alone(tmp_path: Path) -> None:
    from agilemarketing_csv import CsvAdapter
    from agilemarketing_csv.writing import _host_tag

    target = tmp_path / "out.csv"
    # This process is alive: a write of its own (another thread, no lock) may be midway.
    live = tmp_path / f".out.csv.{_host_tag()}.{os.getpid()}.0123456789ab.tmp"
    live.write_text("midway")
    # Another machine sharing the folder: its processes cannot be seen from here.
    other_host = "00000000" if _host_tag() != "00000000" else "11111111"
    remote = tmp_path / f".out.csv.{other_host}.1.0123456789ab.tmp"
    remote.write_text("midway elsewhere")
    with CsvAdapter(str(target)).lock():
        pass
    assert live.exists()
    assert remote.exists()
