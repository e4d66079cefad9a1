"""The incremental cursor: what an incremental read may leave out as already served."""

from __future__ import annotations

from datetime import UTC, datetime

from agilemarketing_jira.adapter import JiraAdapter
from agilemarketing_jira.cursor import ReadCursor

from agilemarketing.adapter import ItemRecord
from agilemarketing.history import ItemHistory

STARTED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _record(key: str, version: str) -> ItemRecord:
    return ItemRecord(ItemHistory(key, summary="Launch email", status="To Do"), version=version)


def test_an_edit_after_the_previous_read_started_is_served_even_with_the_same_stamp() -> None:
    """Two edits can carry the same ``updated`` stamp (limited precision): a stamp at or after
    the previous read's start may hide an edit that read never saw, so it is served again."""
    same = "2026-03-02T09:30:00.000+0000"  # the previous read started in this very stamp
    previous = ReadCursor("ab12", STARTED, {"MKT-1": same})
    served = list(JiraAdapter._unseen([_record("MKT-1", same)], previous))
    assert [r.key for r in served] == ["MKT-1"]


def test_a_stamp_before_the_previous_read_started_and_already_seen_is_left_out() -> None:
    early = "2026-03-02T09:29:59.000+0000"
    previous = ReadCursor("ab12", STARTED, {"MKT-1": early, "MKT-2": early})
    records = [_record("MKT-1", early), _record("MKT-2", "2026-03-02T09:31:00.000+0000")]
    assert [r.key for r in JiraAdapter._unseen(records, previous)] == ["MKT-2"]
