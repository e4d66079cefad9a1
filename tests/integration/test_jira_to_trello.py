"""Board mirroring across two adapters: ``agilemarketing sync "jira:..." trello:<board>``
copies a Jira board into an empty Trello board (lists made for the Jira statuses the status
map names, in its order), and a second run writes nothing. Both fakes, on 127.0.0.1."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[2]
for folder in ("agilemarketing-jira", "agilemarketing-trello"):
    sys.path.insert(0, str(ROOT / "adapters" / folder / "tests"))

from fake_jira import TOKEN as JIRA_TOKEN  # noqa: E402
from fake_jira import USER, FakeJira  # noqa: E402
from fake_trello import KEY, TOKEN, FakeTrello  # noqa: E402

from agilemarketing.cli import main  # noqa: E402
from agilemarketing.cli.exit_codes import ExitCode  # noqa: E402
from agilemarketing.testing import sample_histories  # noqa: E402

ENV = {"FAKE_JIRA_TOKEN": JIRA_TOKEN, "TRELLO_KEY": KEY, "TRELLO_TOKEN": TOKEN}


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    fake = FakeJira("cloud", timezone="UTC")
    fake.start()
    fake.seed(sample_histories(6))  # To Do, In Progress, Review
    yield fake
    fake.stop()


@pytest.fixture
def trello() -> Iterator[FakeTrello]:
    with FakeTrello() as fake:
        yield fake


def config(path: Path, jira: FakeJira, trello: FakeTrello) -> Path:
    path.write_text(
        f"""
[status_map]
"To Do" = "Backlog"
"In Progress" = "Doing"
"Review" = "Review"
"Done" = "Done"

[source]
user = "{USER}"
token_env = "FAKE_JIRA_TOKEN"
backoff = 0.05

[target]
api_url = "{trello.url}"
lists = "Backlog,Doing,Review,Done"
""",
        encoding="utf-8",
    )
    return path


def sync(*args: str) -> Result:
    return CliRunner().invoke(main, ["sync", *args], env=ENV, catch_exceptions=False)


def test_a_jira_board_mirrors_into_an_empty_trello_board_and_a_second_run_writes_nothing(
    jira: FakeJira, trello: FakeTrello, tmp_path: Path
) -> None:
    board = trello.add_board("Copy")
    short = trello.boards[board]["shortLink"]
    toml = config(tmp_path / "sync.toml", jira, trello)
    state = tmp_path / "state.db"
    source = f"jira:{jira.url}?project={jira.project}"
    args = [source, f"trello:{short}", "--state", str(state), "--config", str(toml)]

    first = sync(*args)
    assert first.exit_code == ExitCode.OK, first.output
    lists = sorted(
        (x for x in trello.lists.values() if x["idBoard"] == board), key=lambda x: x["pos"]
    )
    assert [x["name"] for x in lists] == ["Backlog", "Doing", "Review", "Done"]
    names = {c["name"]: c for c in trello.cards.values()}
    assert len(names) == 6
    by_list = {x["id"]: x["name"] for x in lists}
    for history in sample_histories(6):
        expected = {"To Do": "Backlog", "In Progress": "Doing"}.get(history.status, history.status)
        assert by_list[names[history.summary]["idList"]] == expected

    writes = [e for e in trello.log if e.method != "GET"]
    again = sync("--json", *args)
    assert again.exit_code == ExitCode.OK, again.output
    assert json.loads(again.output)["plan"]["changes"] == []
    assert [e for e in trello.log if e.method != "GET"] == writes
