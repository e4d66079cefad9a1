"""Merge bases: a board's base as a sync's source is never its base as another sync's target."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from agilemarketing.adapter import Adapter, UpdateFields
from agilemarketing.mirror import Mirror, MirrorAdapter, target_base
from agilemarketing.sync import ExitCode, SyncReport, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories


def test_an_edit_flows_through_a_board_that_is_a_target_and_then_a_source(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    team, export = memory("team", sample_histories(3)), memory("export")
    middle = MirrorAdapter.of(mirror)
    sync(team, middle, mirror)
    sync(middle, export, mirror)
    team.apply(UpdateFields("MKT-2", {"summary": "Renamed at the team"}))
    assert sync(team, middle, mirror).by_kind == {"update": 1}

    again = sync(middle, export, mirror)

    assert again.by_kind == {"update": 1}
    assert read_state(export)["MKT-2"].history.summary == "Renamed at the team"


def test_each_side_keeps_its_own_base_in_the_mirror(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    team, export = memory("team", sample_histories(2)), memory("export")
    middle = MirrorAdapter.of(mirror)
    sync(team, middle, mirror)
    sync(middle, export, mirror)
    names = set(mirror.sources())
    assert names == {
        "mirror",  # the mirror's own board: data, not a base
        "memory:team",  # the source side of team -> mirror
        target_base(middle.url),  # the target side of team -> mirror
        middle.url,  # the source side of mirror -> export
        target_base("memory:export"),  # the target side of mirror -> export
    }
    assert mirror.peer(middle.url) == "memory:export"
    assert mirror.peer("memory:team") == middle.url


def test_a_new_export_into_the_mirror_carries_on_from_the_last_one(
    mirror: Mirror,
    sync: Callable[..., SyncReport],
    snapshot: Callable[[Mapping[str, str]], Adapter],
) -> None:
    """Exports under new names share the mirror's target base: an edit in the newer one is an
    update, not a conflict (the mirror's board was not edited since the last sync)."""
    target = MirrorAdapter.of(mirror)
    sync(snapshot({"MKT-1": "To Do"}), target, mirror)
    newer = InMemoryAdapter("second-export")
    newer.seed(sample_histories(1))
    report = sync(newer, target, mirror)
    assert report.exit_code is ExitCode.OK
    assert not report.conflicts


def test_a_target_edit_still_conflicts_with_a_source_edit(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    team, export = memory("team", sample_histories(2)), memory("export")
    middle = MirrorAdapter.of(mirror)
    sync(team, middle, mirror)
    sync(middle, export, mirror)
    middle.apply(UpdateFields("MKT-1", {"summary": "Edited in the mirror"}))
    export.apply(UpdateFields("MKT-1", {"summary": "Edited in the export"}))
    (conflict,) = plan(middle, export, mirror).conflicts
    assert (conflict.key, conflict.field) == ("MKT-1", "summary")


def test_a_targets_base_holds_fields_and_status_but_no_transitions(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    """Planning compares a target's fields and status with its base, never its history, so the
    base stores no transitions (a third copy of every transition, for nothing)."""
    team = memory("team", sample_histories(6))
    middle = MirrorAdapter.of(mirror)
    sync(team, middle, mirror)
    base = mirror.board(target_base(middle.url))
    source_base = mirror.board("memory:team")
    assert sorted(base) == sorted(source_base)
    assert any(r.history.transitions for r in source_base.values())
    assert all(r.history.transitions == () for r in base.values())
    assert {k: r.history.status for k, r in base.items()} == {
        k: r.history.status for k, r in source_base.items()
    }
    team.apply(UpdateFields("MKT-2", {"summary": "Renamed"}))
    assert sync(team, middle, mirror).by_kind == {"update": 1}
    assert sync(team, middle, mirror).by_kind == {}
