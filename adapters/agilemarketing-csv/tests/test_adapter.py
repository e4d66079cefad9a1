"""The csv and jira-csv adapters keep agilemarketing's adapter contract and plug in by name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from agilemarketing_csv.adapter import CsvAdapter, JiraCsvAdapter
from agilemarketing_csv.history import write_history_csv

from agilemarketing.adapter import Adapter, MoveStatus, UpdateFields
from agilemarketing.errors import UnsupportedChange
from agilemarketing.history import ItemHistory
from agilemarketing.plugins import adapter_for_url, get_plugin_manager, load_registry
from agilemarketing.testing import AdapterContract, AdapterFactory, sample_histories


class TestCsvAdapter(AdapterContract):
    @pytest.fixture
    def make_adapter(self, tmp_path: Path) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            path = tmp_path / f"board-{len(list(tmp_path.iterdir()))}.csv"
            write_history_csv(path, histories)
            return CsvAdapter(str(path), {"clock": lambda: datetime(2026, 3, 1, tzinfo=UTC)})

        return make


def _jira_export(path: Path, histories: Sequence[ItemHistory]) -> None:
    lines = ["Summary,Issue key,Issue Type,Status,Created,Resolved,Custom field (Story Points)"]
    lines += [
        ",".join(
            [
                h.summary,
                h.key,
                h.type,
                h.status,
                h.created.strftime("%d/%b/%y %I:%M %p") if h.created else "",
                h.resolved.strftime("%d/%b/%y %I:%M %p") if h.resolved else "",
                "" if h.points is None else str(h.points),
            ]
        )
        for h in histories
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class TestJiraCsvAdapter(AdapterContract):
    preserved_fields = frozenset({"summary", "type", "status", "created", "resolved", "points"})

    @pytest.fixture
    def make_adapter(self, tmp_path: Path) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            path = tmp_path / f"export-{len(list(tmp_path.iterdir()))}.csv"
            _jira_export(path, histories)
            return JiraCsvAdapter(str(path))

        return make


def test_the_plugin_registers_both_csv_adapters_through_the_entry_point() -> None:
    registry = load_registry(get_plugin_manager())
    assert registry.adapter("csv") is CsvAdapter
    assert registry.adapter("jira-csv") is JiraCsvAdapter


def test_an_adapter_url_builds_the_csv_adapter_on_that_file(tmp_path: Path) -> None:
    adapter = adapter_for_url(f"csv:{tmp_path / 'board.csv'}")
    assert isinstance(adapter, CsvAdapter)
    assert adapter.path == tmp_path / "board.csv"


def test_a_missing_history_file_is_an_empty_board_that_a_create_brings_to_life(
    tmp_path: Path,
) -> None:
    board = CsvAdapter(str(tmp_path / "new.csv"))
    assert list(board.read()) == []
    assert board.apply(MoveStatus("MKT-1", "Done")).error is not None
    assert not (tmp_path / "new.csv").exists()


def test_extra_fields_live_in_field_columns_and_none_removes_one(tmp_path: Path) -> None:
    path = tmp_path / "board.csv"
    write_history_csv(path, sample_histories(2))
    board = CsvAdapter(str(path))
    change = UpdateFields("MKT-1", {"channel": "email", "budget": 1200, "regions": ["EU", "US"]})
    assert board.apply(change).ok
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert "field:budget,field:channel,field:regions" in header
    record = {r.key: r for r in board.read()}["MKT-1"]
    assert dict(record.fields) == {"budget": 1200, "channel": "email", "regions": ("EU", "US")}
    assert board.apply(change).status.value == "already applied"
    assert board.apply(UpdateFields("MKT-1", {"budget": None})).ok
    assert "budget" not in {r.key: r for r in board.read()}["MKT-1"].fields


def test_the_jira_export_adapter_refuses_to_write(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    _jira_export(path, sample_histories(2))
    with pytest.raises(UnsupportedChange, match="jira-csv"):
        JiraCsvAdapter(str(path)).write([MoveStatus("MKT-1", "Done")])


def test_syncing_successive_jira_exports_into_a_csv_board_accrues_observed_history(
    tmp_path: Path,
) -> None:
    from agilemarketing.mirror import Mirror
    from agilemarketing.sync import apply, plan

    export = tmp_path / "export.csv"
    header = "Issue key,Summary,Status,Priority,Custom field (Rank)"
    export.write_text(f"{header}\nMKT-1,Launch email,To Do,High,0|a:\nMKT-2,Blog,Doing,,0|b:\n")
    board = CsvAdapter(str(tmp_path / "board.csv"))
    options = {"fields": "Priority"}
    with Mirror(str(tmp_path / "sync.db")) as mirror:
        apply(plan(JiraCsvAdapter(str(export), options), board, mirror))
        export.write_text(f"{header}\nMKT-1,Launch email,Done,High,0|a:\nMKT-2,Blog,Doing,,0|b:\n")
        second = plan(JiraCsvAdapter(str(export), options), board, mirror)
        assert [c.describe() for c in second.changes] == ["move MKT-1 'To Do' -> 'Done'"]
        apply(second)
    [launch, blog] = sorted(board.read(), key=lambda r: r.key)
    assert [t.to_status for t in launch.history.transitions] == ["To Do", "Done"]
    assert launch.fields.get("Priority") == "High"
    assert blog.history.status == "Doing"


def test_the_jira_export_adapter_carries_the_extra_fields_it_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Issue key,Status,Priority,Component/s,Component/s,Assignee\n"
        "MKT-1,Done,High,Web,,someone\n",
        encoding="utf-8",
    )
    [plain] = JiraCsvAdapter(str(path)).read()
    assert dict(plain.fields) == {}
    [record] = JiraCsvAdapter(str(path), {"fields": "Priority, Component/s"}).read()
    assert dict(record.fields) == {"Priority": "High", "Component/s": ("Web",)}
    assert record.history.status == "Done"


def test_a_board_written_with_encoding_and_delimiter_options_reads_back_the_same(
    tmp_path: Path,
) -> None:
    path = tmp_path / "board.csv"
    options = {"encoding": "cp1252", "delimiter": ";"}
    item = ItemHistory("MKT-1", "Café launch", status="To Do")
    write_history_csv(path, [item], encoding="cp1252", delimiter=";")
    board = CsvAdapter(str(path), options)
    result = board.apply(UpdateFields("MKT-1", {"summary": "Café relaunch"}))
    assert result.error is None
    assert path.read_bytes().startswith(b"key;summary;")
    assert [r.history.summary for r in CsvAdapter(str(path), options).read()] == ["Café relaunch"]


@pytest.mark.parametrize("adapter", [CsvAdapter, JiraCsvAdapter])
def test_a_missing_source_file_is_an_error_naming_it_and_the_mirror_records_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, adapter: type[Adapter]
) -> None:
    from agilemarketing_csv.errors import CsvFileError

    from agilemarketing.mirror import Mirror, MirrorAdapter
    from agilemarketing.sync import plan

    monkeypatch.chdir(tmp_path)
    with Mirror("m.db") as mirror:
        with pytest.raises(CsvFileError) as caught:
            plan(adapter("nope.csv"), MirrorAdapter.of(mirror), mirror)
        assert mirror.boards() == []
    assert "nope.csv does not exist" in str(caught.value)
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(CsvFileError, match=r"folder\.csv is a folder"):
        adapter("folder.csv").check_readable()


def test_a_missing_target_file_is_still_an_empty_board(tmp_path: Path) -> None:
    from agilemarketing.mirror import Mirror, MirrorAdapter
    from agilemarketing.sync import apply, plan

    with Mirror(tmp_path / "m.db") as mirror:
        source = MirrorAdapter.of(mirror)
        target = CsvAdapter(str(tmp_path / "new.csv"))
        assert apply(plan(source, target, mirror)).applied == 0
    assert not (tmp_path / "new.csv").exists()


@pytest.mark.parametrize("adapter", [CsvAdapter, JiraCsvAdapter])
def test_a_file_board_is_identified_by_its_resolved_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, adapter: type[Adapter]
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "sub")
    monkeypatch.chdir(tmp_path / "sub")
    resolved = f"{adapter.name}:{(tmp_path / 'sub' / 'e1.csv').resolve()}"
    names = {
        adapter("e1.csv").identity,
        adapter("./e1.csv").identity,
        adapter("../sub/e1.csv").identity,
        adapter(str(tmp_path / "link" / "e1.csv")).identity,
    }
    assert names == {resolved}
    assert adapter("e1.csv").url == f"{adapter.name}:e1.csv"  # messages show what was typed
