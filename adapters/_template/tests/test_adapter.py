"""The template adapter proves the shared adapter contract, plus what is particular to it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from agilemarketing_template import plugin
from agilemarketing_template.adapter import TemplateAdapter, save_board
from agilemarketing_template.errors import BoardFileError

from agilemarketing.adapter import Adapter, ChangeStatus, MoveStatus
from agilemarketing.errors import InvalidValue, SourceError
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.plugins import adapter_for_url, get_plugin_manager
from agilemarketing.testing import AdapterContract, AdapterFactory, read_state, sample_histories


class TestTemplateAdapter(AdapterContract):
    """Every test of agilemarketing.testing.AdapterContract, run against this adapter."""

    @pytest.fixture
    def make_adapter(self, tmp_path: Path) -> AdapterFactory:
        def make(histories: Sequence[ItemHistory]) -> Adapter:
            path = tmp_path / "board.json"
            save_board(path, histories)
            return TemplateAdapter(str(path), {"page_size": 16})

        return make


def test_the_plugin_registers_the_adapter_under_its_url_scheme(tmp_path: Path) -> None:
    manager = get_plugin_manager(load_entrypoints=False)
    manager.register(plugin, name=TemplateAdapter.name)
    path = tmp_path / "board.json"
    save_board(path, sample_histories(2))
    adapter = adapter_for_url(f"{TemplateAdapter.name}:{path}", manager=manager)
    assert isinstance(adapter, TemplateAdapter)
    assert sorted(read_state(adapter)) == ["MKT-1", "MKT-2"]


def test_a_failed_change_leaves_the_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "board.json"
    save_board(path, sample_histories(3))
    before = path.read_bytes()
    result = TemplateAdapter(str(path)).apply(MoveStatus("NOPE-1", "Done"))
    assert result.status is ChangeStatus.FAILED
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_board_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "board.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BoardFileError, match=r"board\.json") as raised:
        TemplateAdapter(str(path)).read()
    assert isinstance(raised.value, SourceError)  # the command line reports it as input error
    assert isinstance(raised.value, InvalidValue)
    assert raised.value.file == str(path)


def test_a_missing_file_is_an_empty_board(tmp_path: Path) -> None:
    assert read_state(TemplateAdapter(str(tmp_path / "new.json"))) == {}


def test_observed_transitions_stay_observed(tmp_path: Path) -> None:
    path = tmp_path / "board.json"
    history = ItemHistory(
        "MKT-1",
        status="Doing",
        transitions=[
            Transition("2026-01-05T09:00:00Z", None, "To Do"),
            Transition("2026-01-06T09:00:00Z", "To Do", "Doing", observed=True),
        ],
    )
    save_board(path, [history])
    assert read_state(TemplateAdapter(str(path)))["MKT-1"].history.transitions == (
        history.transitions
    )
