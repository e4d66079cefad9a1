"""A secret an adapter holds never reaches what a sync stores or prints, wherever it sits in a
record; and when the adapters hold no secret, the records pass through untouched."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

import pytest

from agilemarketing.adapter import (
    Adapter,
    Capabilities,
    Cursor,
    ItemRecord,
    ReadResult,
    UpdateFields,
    redact_record,
)
from agilemarketing.errors import SourceError
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import apply, plan
from agilemarketing.testing import InMemoryAdapter, sample_histories

TOKEN = "tk_9Zq/4+e=live:secret"


def _carrying(token: str, key: str = "L-1") -> ItemRecord:
    """A record with the token in every string a record holds."""
    basic = base64.b64encode(f"bot:{token}".encode()).decode()
    history = ItemHistory(
        key,
        summary=f"Signed link https://cdn.example/x?sig={quote(token, safe='')}",
        type=f"type {token}",
        status=f"Waiting on {token}",
        created="2026-01-05T09:00:00Z",
        labels=(f"auth-{token}", "plain"),
        sprints=(f"Sprint {token}",),
        transitions=(
            Transition("2026-01-05T09:00:00Z", None, f"To Do {token}"),
            Transition("2026-01-06T09:00:00Z", f"To Do {token}", f"Waiting on {token}"),
        ),
        blocked=(BlockedPeriod("2026-01-06T10:00:00Z"),),
        rank=None,
    )
    return ItemRecord(
        history,
        fields={
            "webhook": f"token={token}",
            "auth": f"Basic {basic}",
            "links": (f"https://x/?t={token}", "https://y/"),
            f"note {token}": "the name of this field carries it",
            "count": 3,
        },
        done_criteria={f"reviewed by {token}"},
        version=f"etag-{token}",
    )


class Leaky(Adapter):
    """A read-only source that reads its token lazily and puts it everywhere in its records."""

    name: ClassVar[str] = "leaky"
    capabilities: ClassVar[Capabilities] = Capabilities()

    def read(self, since: Cursor | None = None) -> ReadResult:
        def records() -> Iterator[ItemRecord]:
            token = self.secret("LEAKY_TOKEN")  # asked for during the read, as a pager does
            yield _carrying(token)

        cursor = self.options.get("cursor", "0")
        return ReadResult(records(), Cursor(str(cursor)), complete=True)


class LeakyTarget(InMemoryAdapter):
    """A writable board whose own records carry its token (a field it fills in itself)."""

    name: ClassVar[str] = "leaky-target"

    def read(self, since: Cursor | None = None) -> ReadResult:
        token = self.secret("TARGET_TOKEN")
        result = super().read(since)
        return ReadResult(
            (
                ItemRecord(r.history, fields={**r.fields, "hook": f"{token}!"}, version=r.version)
                for r in result
            ),
            result.cursor,
            result.complete,
            result.removed,
        )


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKY_TOKEN", TOKEN)
    monkeypatch.setenv("TARGET_TOKEN", "tgt-7c1d-secret-value")


def _forms(token: str) -> list[str]:
    return [
        token,
        quote(token, safe=""),
        quote(token),
        base64.b64encode(f"bot:{token}".encode()).decode(),
        json.dumps(token)[1:-1],
    ]


def _everything_written(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


@pytest.mark.usefixtures("tokens")
def test_a_token_anywhere_in_a_record_reaches_no_plan_report_journal_or_mirror(
    tmp_path: Path,
) -> None:
    with Mirror(tmp_path / "state.db") as mirror:
        the_plan = plan(Leaky("team"), MirrorAdapter.of(mirror), mirror)
        report = apply(the_plan)
        shown = [
            str(the_plan),
            json.dumps(the_plan.as_dict()),
            str(report),
            json.dumps(report.as_dict()),
            repr(mirror.journal()),
            repr(list(mirror.histories())),
            repr(list(MirrorAdapter.of(mirror).read())),
        ]
        stored = next(iter(MirrorAdapter.of(mirror).read()))
    assert report.applied == 1
    for form in _forms(TOKEN):
        assert all(form not in text for text in shown), form
        assert form.encode() not in _everything_written(tmp_path), form
    assert stored.history.summary == "Signed link https://cdn.example/x?sig=***"
    assert stored.get("labels") == ("auth-***", "plain")
    assert stored.get("note ***") == "the name of this field carries it"
    assert stored.get("count") == 3


@pytest.mark.usefixtures("tokens")
def test_the_targets_own_token_stays_out_of_its_merge_base(tmp_path: Path) -> None:
    source = InMemoryAdapter("board")
    source.seed(sample_histories(3))
    target = LeakyTarget("copy")
    with Mirror(tmp_path / "state.db") as mirror:
        apply(plan(source, target, mirror))
        source.apply(UpdateFields("MKT-1", {"summary": "Renamed at the source"}))
        edit = plan(source, target, mirror)  # the new target base is the target's record
        assert [c.kind for c in edit.changes] == ["update"]
        apply(edit)
        again = plan(source, target, mirror)
        bases = repr(mirror.board(again.target))
    assert "tgt-7c1d-secret-value" not in bases
    assert b"tgt-7c1d-secret-value" not in _everything_written(tmp_path)
    assert again.changes == (), "the redacted field compares equal on the next run"


@pytest.mark.usefixtures("tokens")
def test_a_cursor_carrying_the_token_is_not_stored_and_the_next_read_is_a_full_one(
    tmp_path: Path,
) -> None:
    source = Leaky("team", {"cursor": f"https://api.example/next?token={TOKEN}"})
    with Mirror(tmp_path / "state.db") as mirror:
        the_plan = plan(source, MirrorAdapter.of(mirror), mirror)
        apply(the_plan)
        assert mirror.cursor(the_plan.source) is None
    assert TOKEN.encode() not in _everything_written(tmp_path)


class KeyedByToken(Adapter):
    """A source whose item key carries its token: the key cannot be redacted (it is the item's
    identity), so the read is refused."""

    name: ClassVar[str] = "keyed"
    capabilities: ClassVar[Capabilities] = Capabilities()

    def read(self, since: Cursor | None = None) -> ReadResult:
        key = f"K-{self.secret('LEAKY_TOKEN')}"
        return ReadResult(iter([ItemRecord(ItemHistory(key, status="To Do"))]), Cursor("0"), True)


@pytest.mark.usefixtures("tokens")
def test_an_item_key_carrying_the_token_is_refused_without_echoing_it(tmp_path: Path) -> None:
    with Mirror(tmp_path / "state.db") as mirror, pytest.raises(SourceError) as caught:
        plan(KeyedByToken("team"), MirrorAdapter.of(mirror), mirror)
    assert TOKEN not in str(caught.value)
    assert "key" in str(caught.value)
    assert "keyed:team" in str(caught.value)


def test_without_secrets_the_records_pass_through_as_they_are() -> None:
    record = _carrying("not-a-secret-here")
    redactor = InMemoryAdapter("x").redactor
    assert not redactor
    assert redact_record(record, redactor) is record


def test_a_record_without_the_secret_is_the_same_record(tokens: None) -> None:
    adapter = Leaky("team")
    adapter.secret("LEAKY_TOKEN")
    record = _carrying("nothing to hide")
    assert redact_record(record, adapter.redactor) is record
    hidden = redact_record(_carrying(TOKEN), adapter.redactor)
    assert hidden.history.transitions[1].from_status == "To Do ***"
    assert hidden.history.blocked == _carrying(TOKEN).history.blocked
    assert hidden.done_criteria == frozenset({"reviewed by ***"})
    assert hidden.version == "etag-***"
