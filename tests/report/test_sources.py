"""Reading a report's source: history files, adapter URLs, a mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from agilemarketing.errors import HistorySourceError
from agilemarketing.historyio import HistoryTable
from agilemarketing.report import load_history
from agilemarketing.simulate import simulate_board


def test_histories_load_from_files_and_adapter_urls(tmp_path: Path) -> None:
    board = simulate_board(items=20, seed=1)
    history, _ = board.write(tmp_path)
    table = load_history(history)
    assert table.keys.tolist() == board.table.keys.tolist()
    assert isinstance(load_history("memory:nothing-here"), HistoryTable)
    with pytest.raises(HistorySourceError, match="no such file"):
        load_history(tmp_path / "missing.jsonl")
    with pytest.raises(HistorySourceError, match="is a directory"):
        load_history(tmp_path)


def test_a_report_reads_a_mirror(tmp_path: Path) -> None:
    from agilemarketing.adapter import CreateItem, MoveStatus
    from agilemarketing.mirror import MirrorAdapter

    path = tmp_path / "team.db"
    with MirrorAdapter(str(path)) as board:
        board.write(
            [
                CreateItem("MKT-1", "Spring webinar", status="To Do"),
                MoveStatus("MKT-1", "Doing", from_status="To Do"),
                MoveStatus("MKT-1", "Done", from_status="Doing"),
            ]
        )
    table = load_history(f"mirror:{path}")
    assert table.keys.tolist() == ["MKT-1"]
    assert table.n_transitions >= 2


def test_a_table_is_its_own_source(tmp_path: Path) -> None:
    from agilemarketing.report.sources import as_table

    table = HistoryTable.from_histories([])
    assert as_table(table) is table


# --- secrets --------------------------------------------------------------------------------------

_TOKEN = "rpt-4d2f/secret+value"


@pytest.fixture
def leaky_url(monkeypatch: pytest.MonkeyPatch) -> str:
    """``leaky:ok`` reads records carrying its token; ``leaky:broken`` fails quoting it."""
    from collections.abc import Iterator, Mapping
    from typing import ClassVar

    from agilemarketing import plugins
    from agilemarketing.adapter import Adapter, Cursor, ItemRecord, ReadResult
    from agilemarketing.errors import AgileMarketingError
    from agilemarketing.history import ItemHistory, Transition

    class Leaky(Adapter):
        name: ClassVar[str] = "leaky"

        def read(self, since: Cursor | None = None) -> ReadResult:
            def records() -> Iterator[ItemRecord]:
                token = self.secret("REPORT_TOKEN")
                if self.location == "broken":
                    raise AgileMarketingError(f"GET /items?token={token} gave 500")
                at = "2026-01-05T09:00:00Z"
                yield ItemRecord(
                    ItemHistory(
                        "L-1",
                        summary=f"hook {token}",
                        status=f"Doing {token}",
                        labels=(token,),
                        transitions=(Transition(at, None, f"Doing {token}"),),
                    )
                )

            return ReadResult(records(), Cursor("0"), complete=True)

    real = plugins.adapter_for_url

    def adapter_for_url(url: str, options: Mapping[str, object] | None = None) -> Adapter:
        return Leaky.from_url(url, options) if url.startswith("leaky:") else real(url, options)

    monkeypatch.setattr(plugins, "adapter_for_url", adapter_for_url)
    monkeypatch.setenv("REPORT_TOKEN", _TOKEN)
    return "leaky:ok"


def test_a_report_source_read_from_an_adapter_holds_none_of_its_secrets(leaky_url: str) -> None:
    from agilemarketing.errors import AgileMarketingError

    table = load_history(leaky_url)
    assert _TOKEN not in repr(list(table.histories()))
    assert [h.summary for h in table.histories()] == ["hook ***"]
    with pytest.raises(AgileMarketingError) as caught:
        load_history("leaky:broken")
    assert _TOKEN not in str(caught.value)
    assert "token=***" in str(caught.value)


def test_a_report_of_a_csv_file_that_is_not_there_is_an_error_not_an_empty_board(
    tmp_path: Path,
) -> None:
    from agilemarketing_csv.errors import CsvFileError

    with pytest.raises(CsvFileError, match=r"missing\.csv does not exist"):
        load_history(f"csv:{tmp_path / 'missing.csv'}")
