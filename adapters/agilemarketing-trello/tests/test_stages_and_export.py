"""WIP suffixes of list names (property tests), the plugin, and the trello-json export."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from agilemarketing_trello import plugin
from agilemarketing_trello.export import TrelloJsonAdapter
from agilemarketing_trello.ranks import pos_from_rank, rank_from_pos
from agilemarketing_trello.stages import WipLimit, split_wip
from hypothesis import given
from hypothesis import strategies as st

from agilemarketing.plugins import adapter_for_url, get_plugin_manager
from agilemarketing.testing import read_state

names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda s: s.strip() and split_wip(s)[1] is None
)


@given(
    names,
    st.integers(0, 999),
    st.integers(0, 999),
    st.sampled_from(["[{}]", "({})"]),
    st.sampled_from(["", " ", "  "]),
)
def test_a_wip_suffix_is_never_part_of_the_name(
    name: str, low: int, high: int, brackets: str, space: str
) -> None:
    low, high = min(low, high), max(low, high)
    assert split_wip(f"{name}{space}{brackets.format(high)}") == (
        name.strip(),
        WipLimit(None, high),
    )
    ranged = f"{name}{space}{brackets.format(f'{low}-{high}')}"
    assert split_wip(ranged) == (name.strip(), WipLimit(low, high))


@given(names)
def test_a_name_without_a_suffix_is_kept_whole(name: str) -> None:
    assert split_wip(name) == (name.strip(), None)


@given(st.integers(6, 20), st.integers(6, 20))
def test_a_minimum_above_the_maximum_is_no_limit(low: int, high: int) -> None:
    if low > high:
        assert split_wip(f"Review [{low}-{high}]")[1] is None


@given(st.floats(min_value=1e-6, max_value=3.6e15, allow_nan=False))
def test_ranks_sort_as_positions_and_convert_back_exactly(pos: float) -> None:
    rank = rank_from_pos(pos)
    assert pos_from_rank(rank) == pos
    assert (rank < rank_from_pos(pos * 1.5)) if pos * 1.5 < 3.6e15 else True


def test_the_plugin_registers_both_adapters(tmp_path: Path) -> None:
    manager = get_plugin_manager(load_entrypoints=False)
    manager.register(plugin, name="trello")
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(3)), encoding="utf-8")
    adapter = adapter_for_url(f"trello-json:{path}", {"key_prefix": "MKT"}, manager=manager)
    assert isinstance(adapter, TrelloJsonAdapter)
    assert sorted(read_state(adapter)) == ["MKT-1", "MKT-2", "MKT-3"]


def _export(cards: int, moves: int = 1) -> dict[str, object]:
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    lists = [
        {"id": f"l{i}", "name": n, "pos": i, "closed": False}
        for i, n in enumerate(["To Do", "Doing [2]", "Done"])
    ]
    board: dict[str, list[dict[str, object]]] = {"lists": lists, "cards": [], "actions": []}
    counter = 0
    for n in range(1, cards + 1):
        card_id = f"{int(start.timestamp()):08x}{n:016x}"
        at = start
        board["actions"].append(
            {
                "id": f"{counter:024x}",
                "type": "createCard",
                "date": at.isoformat(),
                "data": {"card": {"id": card_id}, "list": {"id": "l0"}},
            }
        )
        where = 0
        for m in range(moves):
            counter += 1
            at = at + timedelta(minutes=1)
            target = 1 - where if m < moves - 1 or moves % 2 else 2
            board["actions"].append(
                {
                    "id": f"{counter:024x}",
                    "type": "updateCard",
                    "date": at.isoformat(),
                    "data": {
                        "card": {"id": card_id},
                        "old": {"idList": f"l{where}"},
                        "listBefore": {"id": f"l{where}", "name": lists[where]["name"]},
                        "listAfter": {"id": f"l{target}", "name": lists[target]["name"]},
                    },
                }
            )
            where = target
        board["cards"].append(
            {
                "id": card_id,
                "idShort": n,
                "shortLink": f"short{n:03d}",
                "name": f"Card {n}",
                "idList": f"l{where}",
                "pos": n * 1024,
                "dateLastActivity": at.isoformat(),
            }
        )
    board["actions"].reverse()  # an export lists the newest first
    return {"id": "5f0c1a2b3c4d5e6f70819203", "name": "Export", **board}


def test_an_export_with_exactly_1000_actions_says_its_history_is_cut(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = _export(200, moves=4)  # 200 creates + 800 moves = 1,000 actions
    assert len(data["actions"]) == 1000  # type: ignore[arg-type]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    adapter = TrelloJsonAdapter(str(path), {"key_prefix": "MKT"})
    with caplog.at_level(logging.WARNING):
        records = list(adapter.read())
    assert len(records) == 200
    assert adapter.history_cut_at == datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert "history before 2026-01-05T09:00:00+00:00 is cut" in caplog.text


def test_a_smaller_export_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(3)), encoding="utf-8")
    adapter = TrelloJsonAdapter(str(path), {"key_prefix": "MKT"})
    record = read_state(adapter)["MKT-1"]
    assert adapter.history_cut_at is None
    assert [t.to_status for t in record.history.transitions] == ["To Do", "Doing"]
    stage = adapter.board().stages[1]
    assert (stage.name, stage.wip_min, stage.wip_max) == ("Doing", None, 2)


def test_an_export_is_read_only(tmp_path: Path) -> None:
    from agilemarketing.adapter import MoveStatus
    from agilemarketing.errors import UnsupportedChange

    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(1)), encoding="utf-8")
    with pytest.raises(UnsupportedChange):
        TrelloJsonAdapter(str(path)).apply(MoveStatus("MKT-1", "Done"))
