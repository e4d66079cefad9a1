"""The command line end to end against the fake Trello: ``agilemarketing sync trello:<board>
mirror:team.db --config trello.toml`` twice, then ``agilemarketing report mirror:team.db``
with the board's lists as the stages (the flow the adapter's README walks through by hand)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result
from fake_trello import KEY, TOKEN, FakeTrello

from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.mirror import Mirror
from agilemarketing.testing import sample_histories

FAKE = Path(__file__).resolve().parent / "fake_trello.py"


def cli(*args: str) -> Result:
    env = {"TRELLO_KEY": KEY, "TRELLO_TOKEN": TOKEN}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def write_config(path: Path, api_url: str) -> Path:
    path.write_text(
        f'[source]\napi_url = "{api_url}"\nkey_prefix = "MKT"\n',
        encoding="utf-8",
    )
    return path


def seeded_board(fake: FakeTrello) -> str:
    board = fake.seed(sample_histories(8))
    fake.rename_list(fake.list_named(board, "In Progress"), "In Progress [3]")
    fake.rename_list(fake.list_named(board, "Review"), "Review [1-2]")
    return str(fake.boards[board]["shortLink"])


def test_sync_twice_then_report_with_the_boards_lists_as_stages(
    fake: FakeTrello, tmp_path: Path
) -> None:
    board = seeded_board(fake)
    config = write_config(tmp_path / "trello.toml", fake.url)
    team = tmp_path / "team.db"

    first = cli("sync", f"trello:{board}", f"mirror:{team}", "--config", str(config))
    assert first.exit_code == ExitCode.OK, first.output
    assert "8 created" in first.output
    with Mirror(team) as mirror:
        revision = mirror.revision()
        assert sorted(h.key for h in mirror.histories()) == [f"MKT-{i}" for i in range(1, 9)]

    watcher = sqlite3.connect(team)
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    requests = len(fake.log)
    second = cli("sync", f"trello:{board}", f"mirror:{team}", "--config", str(config))
    assert second.exit_code == ExitCode.OK, second.output
    assert "0 applied" in second.output
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version  # nothing written
    watcher.close()
    with Mirror(team) as mirror:
        assert mirror.revision() == revision
    # the unchanged board: the actions since the cursor (none), and the board's description
    assert len(fake.log) - requests <= 2

    out = tmp_path / "report"
    report = cli("report", f"mirror:{team}", "--out", str(out), "--trials", "100")
    assert report.exit_code == ExitCode.OK, report.output
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    stages = [(s["name"], s["wip_min"], s["wip_max"]) for s in metrics["workflow"]["stages"]]
    assert stages == [
        ("To Do", None, None),
        ("In Progress", None, 3),  # the list "In Progress [3]"
        ("Review", 1, 2),  # "Review [1-2]"
        ("Done", None, None),
    ]
    assert metrics["summary"]["items"] == 8
    assert (out / "report.html").is_file()


def started_by_hand(*extra: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """``python tests/fake_trello.py`` as the README starts it, and the variables it exports."""
    fake = subprocess.Popen(
        [sys.executable, str(FAKE), "--port", "0", "--seconds", "120", *extra],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    exported: dict[str, str] = {}
    for _ in range(10):  # the comment line, then the export lines
        line = fake.stdout.readline().strip()
        if line.startswith("export "):
            name, value = line.removeprefix("export ").split("=", 1)
            exported[name] = value
        if "TRELLO_BOARD" in exported and (
            "TRELLO_EMPTY_BOARD" in exported or "--empty-board" not in extra
        ):
            break
    return fake, exported


def stop(fake: subprocess.Popen[str]) -> None:
    """Stop a fake started by :func:`started_by_hand` (by its own process id) and close its pipe."""
    fake.terminate()
    fake.wait(timeout=10)
    if fake.stdout is not None:
        fake.stdout.close()


def test_the_fake_started_by_hand_serves_the_documented_flow(tmp_path: Path) -> None:
    """The README's steps: start the fake as a script, export what it prints, sync twice,
    report."""
    fake, exported = started_by_hand("--cards", "6")
    try:
        assert {"TRELLO_KEY", "TRELLO_TOKEN", "TRELLO_API_URL", "TRELLO_BOARD"} <= set(exported)
        config = write_config(tmp_path / "trello.toml", exported["TRELLO_API_URL"])
        team, board = tmp_path / "team.db", f"trello:{exported['TRELLO_BOARD']}"
        env = {k: exported[k] for k in ("TRELLO_KEY", "TRELLO_TOKEN")}
        runner = CliRunner()
        sync = ["sync", board, f"mirror:{team}", "--config", str(config)]
        first = runner.invoke(main, sync, env=env, catch_exceptions=False)
        assert first.exit_code == ExitCode.OK, first.output
        assert "6 created" in first.output
        second = runner.invoke(main, sync, env=env, catch_exceptions=False)
        assert "0 applied" in second.output
        out = tmp_path / "report"
        report = runner.invoke(main, ["report", f"mirror:{team}", "--out", str(out)], env=env)
        assert report.exit_code == ExitCode.OK, report.output
        assert (out / "report.html").is_file()
    finally:
        stop(fake)
