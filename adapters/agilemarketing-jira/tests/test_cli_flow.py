"""The issue's "Done when" through the command line, against the fake Jira in both flavours:
``agilemarketing sync "jira:...?project=MKT&board=1" mirror:team.db --config jira.toml``, the same
again writing nothing, a deletion found by ``sync --full``, and ``agilemarketing report`` on the
mirror using the board's columns, WIP limits and sprints.

The CLI runs in this process (click's runner, as the core's ``tests/cli`` do) and the fake Jira in
a thread of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fake_jira import USER, FakeJira
from jira_support import FAST

from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.mirror import OWN_BOARD, Mirror
from agilemarketing.report import FlowReport
from agilemarketing.testing import sample_histories


@pytest.fixture
def quick_charts(monkeypatch: pytest.MonkeyPatch) -> None:
    """One tiny blank chart instead of the report's: these tests are about the command."""
    monkeypatch.setattr(
        FlowReport, "_chart_makers", lambda self: {"tiny": (lambda ax: None, (1.0, 1.0))}
    )


def write_config(path: Path, fake: FakeJira) -> Path:
    """A sync TOML for the fake: the token's variable and, on Cloud, the e-mail."""
    lines = ["[source]", 'token_env = "FAKE_JIRA_TOKEN"']
    if fake.cloud:
        lines.append(f'user = "{USER}"')
    lines += [f"{name} = {value}" for name, value in FAST.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def source_url(fake: FakeJira) -> str:
    return f"jira:{fake.url}?project=MKT&board=1"


@pytest.fixture
def synced(
    fakes: Callable[..., FakeJira], flavour: str, tmp_path: Path
) -> tuple[FakeJira, Path, Path]:
    """A fake seeded with 20 issues and a first sync of it into ``team.db``."""
    fake = fakes(flavour)
    fake.seed(sample_histories(20))
    config = write_config(tmp_path / "jira.toml", fake)
    db = tmp_path / "team.db"
    first = cli("sync", source_url(fake), f"mirror:{db}", "--config", config)
    assert first.exit_code == ExitCode.OK, first.output
    assert "20 created, 0 updated, 0 moved" in first.output
    return fake, db, config


def test_a_second_sync_writes_nothing(synced: tuple[FakeJira, Path, Path]) -> None:
    fake, db, config = synced
    with Mirror(db) as mirror:
        revision, journal = mirror.revision(OWN_BOARD), len(mirror.journal())
        assert mirror.count() == 20
    again = cli("sync", source_url(fake), f"mirror:{db}", "--config", config)
    assert again.exit_code == ExitCode.OK, again.output
    assert "0 created, 0 updated, 0 moved" in again.output
    with Mirror(db) as mirror:
        assert mirror.revision(OWN_BOARD) == revision
        assert len(mirror.journal()) == journal


def test_an_edit_in_jira_reaches_the_mirror_on_the_next_sync(
    synced: tuple[FakeJira, Path, Path],
) -> None:
    fake, db, config = synced
    fake.edit("MKT-4", status="Review")
    result = cli("sync", source_url(fake), f"mirror:{db}", "--config", config)
    assert "0 created, 0 updated, 1 moved" in result.output, result.output
    with Mirror(db) as mirror:
        assert mirror.board()["MKT-4"].history.status == "Review"


def test_an_issue_deleted_in_jira_is_marked_removed_by_a_full_sync(
    synced: tuple[FakeJira, Path, Path],
) -> None:
    fake, db, config = synced
    fake.delete("MKT-7")
    incremental = cli("sync", source_url(fake), f"mirror:{db}", "--config", config)
    assert incremental.exit_code == ExitCode.OK, incremental.output
    with Mirror(db) as mirror:
        assert "MKT-7" not in mirror.removed(OWN_BOARD)  # Jira's search cannot tell
    full = cli("sync", "--full", source_url(fake), f"mirror:{db}", "--config", config)
    assert full.exit_code == ExitCode.OK, full.output
    with Mirror(db) as mirror:
        assert list(mirror.removed(OWN_BOARD)) == ["MKT-7"]
        assert "MKT-7" not in mirror.board()
        assert mirror.count() == 19
    again = cli("sync", "--full", source_url(fake), f"mirror:{db}", "--config", config)
    assert "0 created, 0 updated, 0 moved" in again.output, again.output


@pytest.mark.usefixtures("quick_charts")
def test_the_report_of_the_mirror_uses_the_boards_columns_wip_limits_and_sprints(
    synced: tuple[FakeJira, Path, Path], tmp_path: Path
) -> None:
    fake, db, _ = synced
    out = tmp_path / "report"
    result = cli("report", f"mirror:{db}", "--out", out)
    assert result.exit_code == ExitCode.OK, result.output
    assert "Workflow from the board's own description" in result.stderr
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    stages = metrics["workflow"]["stages"]
    assert [s["name"] for s in stages] == [column[0] for column in fake.columns]
    assert [(s["wip_min"], s["wip_max"]) for s in stages] == [
        (column[2], column[3]) for column in fake.columns
    ]
    cycles = metrics["metrics"]["cycles"]["cycles"]
    sprints = {s.name: s for s in fake.sprints.values()}
    assert [c["name"] for c in cycles] == sorted(sprints)
    for cycle in cycles:  # the board's sprints are the report's cycle windows, with dates
        sprint = sprints[cycle["name"]]
        assert sprint.start is not None
        assert sprint.complete is not None
        assert cycle["start"].startswith(sprint.start.date().isoformat())
        assert cycle["end"].startswith(sprint.complete.date().isoformat())
        assert cycle["committed"] >= 0
    assert (out / "tables" / "cycles.csv").read_text(encoding="utf-8").count("\n") == 1 + len(
        sprints
    )
