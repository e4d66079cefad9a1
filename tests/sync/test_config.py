"""Sync configuration: the TOML file, the field mapping, the workflow's statuses, secrets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agilemarketing.adapter import ItemRecord
from agilemarketing.errors import InvalidValue, SyncConfigError
from agilemarketing.history import ItemHistory, Transition
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import FieldMapping, SyncConfig, SyncReport, plan
from agilemarketing.testing import InMemoryAdapter, read_state, sample_histories


def test_the_config_maps_statuses_and_takes_points_from_a_named_field(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    config = SyncConfig.from_toml(
        """
        [status_map]
        "In Progress" = "Doing"
        [fields]
        points = "Story Points"
        """
    )
    source = memory("board")
    source.seed(
        [
            ItemRecord(
                ItemHistory(
                    "MKT-1",
                    summary="Webinar",
                    status="In Progress",
                    transitions=[Transition("2026-03-02T09:00:00Z", None, "In Progress")],
                ),
                fields={"Story Points": "5"},
            )
        ]
    )
    sync(source, MirrorAdapter.of(mirror), mirror, config=config)
    (item,) = mirror.histories()
    assert (item.status, item.points) == ("Doing", 5.0)
    assert [t.to_status for t in item.transitions] == ["Doing"]
    assert "Story Points" not in mirror.board()["MKT-1"].fields


def test_a_points_field_that_is_not_a_number_names_the_item_and_field() -> None:
    mapping = FieldMapping(fields={"points": "Story Points"})
    record = ItemRecord(ItemHistory("MKT-7", status="To Do"), fields={"Story Points": "big"})
    with pytest.raises(InvalidValue, match="item MKT-7, field 'Story Points'"):
        mapping.translate(record)


def test_ignored_fields_are_neither_compared_nor_written(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter], sync: Callable[..., SyncReport]
) -> None:
    source, target = memory("board", sample_histories(2)), memory("copy")
    config = SyncConfig(mapping=FieldMapping(ignore=["points"]))
    sync(source, target, mirror, config=config)
    assert [r.history.points for r in read_state(target).values()] == [None, None]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('on_conflict = "newest-wins"', "unknown conflict policy"),
        ("batch_size = 0", "batch_size"),
        ("colour = 1", "unknown key"),
        ('[fields]\nstatus = "State"', "cannot be mapped"),
        ("ignore = 3", "list of field names"),
        ("[source\n", "not valid TOML"),
    ],
)
def test_a_bad_config_file_names_the_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "sync.toml"
    path.write_text(toml)
    with pytest.raises(SyncConfigError, match=message) as info:
        SyncConfig.load(path)
    assert str(path) in str(info.value)


def test_a_secret_in_the_config_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = tmp_path / "sync.toml"
    path.write_text('[source]\napi_token = "s3cr3t-value"\n')
    with pytest.raises(SyncConfigError, match="environment variables only") as info:
        SyncConfig.load(path)
    assert "s3cr3t-value" not in str(info.value)
    assert "api_token_env" in str(info.value)


def test_a_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(SyncConfigError, match="cannot read"):
        SyncConfig.load(tmp_path / "nope.toml")


def test_statuses_no_stage_of_the_workflow_holds_are_reported(
    mirror: Mirror, tmp_path: Path, memory: Callable[..., InMemoryAdapter]
) -> None:
    (tmp_path / "workflow.toml").write_text(
        'start = "Doing"\ndone = "Done"\n'
        '[[stages]]\nname = "To Do"\n'
        '[[stages]]\nname = "Doing"\nstatuses = ["In Progress"]\n'
        '[[stages]]\nname = "Done"\n'
    )
    (tmp_path / "sync.toml").write_text('workflow = "workflow.toml"\n')
    config = SyncConfig.load(tmp_path / "sync.toml")
    the_plan = plan(memory("board", sample_histories(8)), memory("copy"), mirror, config=config)
    assert the_plan.unmapped_statuses == {"Review": ("MKT-3", "MKT-7")}
    assert "warning: status 'Review' (2 item(s): MKT-3, MKT-7)" in str(the_plan)
    assert the_plan.as_dict()["unmapped_statuses"] == {"Review": ["MKT-3", "MKT-7"]}


def test_a_status_map_can_send_statuses_into_the_workflow(
    mirror: Mirror, memory: Callable[..., InMemoryAdapter]
) -> None:
    config = SyncConfig.from_dict(
        {
            "status_map": {"Review": "Doing", "In Progress": "Doing"},
            "workflow": {
                "start": "Doing",
                "stages": [{"name": "To Do"}, {"name": "Doing"}, {"name": "Done"}],
            },
        }
    )
    the_plan = plan(memory("board", sample_histories(8)), memory("copy"), mirror, config=config)
    assert the_plan.unmapped_statuses == {}


def test_a_workflow_that_is_not_a_path_or_table_is_refused() -> None:
    with pytest.raises(SyncConfigError, match="workflow"):
        SyncConfig.from_toml("workflow = 3")


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[source]\napi-key = "s3cr3t-value"\n', "source.api-key"),
        ('[source]\nAccess_Key = "s3cr3t-value"\n', "source.Access_Key"),
        ('[target]\nprivateKey = "s3cr3t-value"\n', "target.privateKey"),
        ('[source]\npat = "s3cr3t-value"\n', "source.pat"),
        ('[source]\nbearer = "s3cr3t-value"\n', "source.bearer"),
        ('[source]\nsession = "s3cr3t-value"\n', "source.session"),
        ('[source]\ncookie = "s3cr3t-value"\n', "source.cookie"),
        ('[source.auth]\ntoken = "s3cr3t-value"\n', "source.auth"),
        (
            '[source.http]\ntimeout = 5\n[source.http.headers]\nAuthorization = "s3cr3t-value"\n',
            "source.http.headers.Authorization",
        ),
        ('[target.credentials]\nvalue = "s3cr3t-value"\n', "target.credentials"),
        (
            '[[source.hooks]]\nname = "a"\n[[source.hooks]]\nsignature = "s3cr3t-value"\n',
            "source.hooks[1].signature",
        ),
        ('[source]\nsite = "https://bob:s3cr3t-value@example.atlassian.net"\n', "source.site"),
    ],
)
def test_a_secret_looking_option_at_any_depth_is_refused_without_echoing_it(
    toml: str, key: str
) -> None:
    with pytest.raises(SyncConfigError, match="environment variables only") as info:
        SyncConfig.from_toml(toml, path="sync.toml")
    message = str(info.value)
    assert "s3cr3t-value" not in message
    assert "bob" not in message
    assert info.value.key == key
    assert "_env" in message


def test_ordinary_options_and_variable_names_pass() -> None:
    config = SyncConfig.from_toml(
        '[source]\npath = "x.csv"\npattern = "*.csv"\nauthor = "me"\nuser = "bot"\n'
        'project = "MKT"\ntoken_env = "JIRA_TOKEN"\nsite = "https://example.net/me@corp"\n'
        "[source.http]\ntimeout = 5\n"
    )
    assert config.source_options["author"] == "me"
    assert config.source_options["token_env"] == "JIRA_TOKEN"
