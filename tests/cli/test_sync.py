"""``agilemarketing sync``: the command line over the sync engine, its output and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

from agilemarketing.adapter import Adapter, Capabilities, Cursor, ReadResult
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.errors import AgileMarketingError, SourceError
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import JournalStatus, Mirror
from agilemarketing.testing import sample_histories


def run(*args: str, env: Mapping[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["sync", *args], env=env, catch_exceptions=False)


def test_sync_fills_the_target_mirror_and_reports_what_it_did(
    tmp_path: Path, mirror_of: Callable[..., str]
) -> None:
    source = mirror_of(tmp_path / "team.db", sample_histories(5))
    result = run(source, f"mirror:{tmp_path / 'copy.db'}")
    assert result.exit_code == ExitCode.OK, result.output
    assert "5 created" in result.output
    with Mirror(tmp_path / "copy.db") as copy:
        assert [h.key for h in copy.histories()] == [f"MKT-{i}" for i in range(1, 6)]
        assert [h.transitions for h in copy.histories()] == [
            h.transitions for h in sample_histories(5)
        ]


def test_a_dry_run_prints_the_plan_and_writes_nothing(
    tmp_path: Path, mirror_of: Callable[..., str]
) -> None:
    source = mirror_of(tmp_path / "team.db", sample_histories(3))
    result = run("--dry-run", source, f"mirror:{tmp_path / 'copy.db'}")
    assert result.exit_code == ExitCode.OK
    assert "3 creates" in result.output
    assert "create MKT-1 'Marketing work item 1' in 'To Do'" in result.output
    with Mirror(tmp_path / "copy.db") as copy:
        assert copy.count() == 0
        assert copy.journal() == []


def test_json_output_carries_the_plan_and_the_report(
    tmp_path: Path, mirror_of: Callable[..., str]
) -> None:
    source = mirror_of(tmp_path / "team.db", sample_histories(2))
    result = run("--json", source, f"mirror:{tmp_path / 'copy.db'}")
    data = json.loads(result.output)
    assert data["plan"]["counts"]["create"] == 2
    assert data["report"]["applied"] == 2
    assert data["report"]["exit_code"] == 0


def test_a_second_run_changes_nothing(tmp_path: Path, mirror_of: Callable[..., str]) -> None:
    source, target = mirror_of(tmp_path / "team.db", sample_histories(4)), f"mirror:{tmp_path}/c.db"
    run(source, target)
    result = run("--json", source, target)
    assert json.loads(result.output)["plan"]["changes"] == []
    with Mirror(tmp_path / "c.db") as copy:
        assert len(copy.journal()) == 4


def test_quiet_prints_nothing_on_success(tmp_path: Path, mirror_of: Callable[..., str]) -> None:
    source = mirror_of(tmp_path / "team.db", sample_histories(2))
    result = run("--quiet", source, f"mirror:{tmp_path / 'copy.db'}")
    assert result.exit_code == ExitCode.OK
    assert result.output == ""


@pytest.fixture
def conflicting(tmp_path: Path, mirror_of: Callable[..., str]) -> tuple[str, str]:
    source = mirror_of(tmp_path / "a.db", [ItemHistory("MKT-1", summary="Ours", status="To Do")])
    target = mirror_of(tmp_path / "b.db", [ItemHistory("MKT-1", summary="Theirs", status="To Do")])
    return source, target


def test_conflicts_under_policy_fail_exit_1_and_write_nothing(
    conflicting: tuple[str, str], tmp_path: Path
) -> None:
    result = run(*conflicting)
    assert result.exit_code == ExitCode.CONFLICTS
    assert "MKT-1 summary" in result.stderr
    assert "Ours" in result.stderr
    assert "Theirs" in result.stderr
    with Mirror(tmp_path / "b.db") as target:
        assert target.board()["MKT-1"].history.summary == "Theirs"
        assert target.journal() == []


def test_a_conflict_policy_on_the_command_line_settles_them(
    conflicting: tuple[str, str], tmp_path: Path
) -> None:
    result = run("--on-conflict", "prefer-source", *conflicting)
    assert result.exit_code == ExitCode.OK, result.output
    assert "(source)" in result.output
    with Mirror(tmp_path / "b.db") as target:
        assert target.board()["MKT-1"].history.summary == "Ours"
        assert [e.status for e in target.journal()] == [JournalStatus.APPLIED]


def test_the_conflict_policy_can_come_from_the_config_file(
    conflicting: tuple[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "sync.toml"
    config.write_text('on_conflict = "prefer-target"\n')
    result = run("--config", str(config), *conflicting)
    assert result.exit_code == ExitCode.OK, result.output
    with Mirror(tmp_path / "b.db") as target:
        assert target.board()["MKT-1"].history.summary == "Theirs"


def test_a_missing_export_file_is_an_input_error(tmp_path: Path) -> None:
    result = run(f"jira-csv:{tmp_path / 'missing.csv'}", f"mirror:{tmp_path / 'team.db'}")
    assert result.exit_code == ExitCode.USAGE
    assert "missing.csv" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["no-adapter-name", "mirror:x.db"],
        ["nosuchadapter:thing", "mirror:x.db"],
        ["--config", "missing.toml", "mirror:a.db", "mirror:x.db"],
        ["memory:a", "memory:b"],  # no mirror on either side and no --state
        ["--on-conflict", "newest", "mirror:a.db", "mirror:x.db"],
    ],
)
def test_usage_and_input_errors_exit_2(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["sync", *args])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Traceback" not in result.output


def test_a_state_file_that_is_not_a_mirror_is_an_input_error(tmp_path: Path) -> None:
    state = tmp_path / "notes.db"
    state.write_text("not a database\n" * 50)
    result = run("--state", str(state), "memory:a", "memory:b")
    assert result.exit_code == ExitCode.USAGE
    assert "notes.db" in result.stderr


def test_memory_boards_sync_with_an_explicit_state_file(tmp_path: Path) -> None:
    result = run("--state", str(tmp_path / "s.db"), "memory:a", "memory:b")
    assert result.exit_code == ExitCode.OK, result.output
    assert "0 applied" in result.output


# --- secrets --------------------------------------------------------------------------------------

SECRET = "tok-5f3a9c-very-secret"


class Vault(Adapter):
    """A source that needs a token and, when it fails, leaks it into its error message."""

    name: ClassVar[str] = "vault"
    capabilities: ClassVar[Capabilities] = Capabilities()

    def read(self, since: Cursor | None = None) -> ReadResult:
        token = self.secret(str(self.options["token_env"]))
        if self.location == "broken":
            raise AgileMarketingError(f"GET https://vault.example/items?token={token} gave 500")
        items = [ItemHistory("V-1", summary=f"authorised {len(token)}", status="To Do")]
        from agilemarketing.adapter import ItemRecord

        return ReadResult(iter([ItemRecord(h) for h in items]), Cursor("0"), complete=True)


@pytest.fixture
def vault(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    from agilemarketing import plugins

    real = plugins.adapter_for_url

    def adapter_for_url(url: str, options: Mapping[str, object] | None = None) -> Adapter:
        if url.startswith("vault:"):
            return Vault.from_url(url, options)
        return real(url, options)

    monkeypatch.setattr(plugins, "adapter_for_url", adapter_for_url)
    config = tmp_path / "sync.toml"
    config.write_text('[source]\ntoken_env = "VAULT_TOKEN"\n')
    return config


def test_a_secret_is_read_from_the_environment_and_never_shown(vault: Path, tmp_path: Path) -> None:
    env = {"VAULT_TOKEN": SECRET}
    ok = run("--config", str(vault), "--json", "vault:items", f"mirror:{tmp_path}/t.db", env=env)
    assert ok.exit_code == ExitCode.OK, ok.output
    failed = run("--config", str(vault), "vault:broken", f"mirror:{tmp_path}/t.db", env=env)
    assert failed.exit_code == ExitCode.ERROR
    assert "token=***" in failed.stderr
    for output in (ok.output, ok.stderr, failed.output, failed.stderr):
        assert SECRET not in output
    assert SECRET.encode() not in (tmp_path / "t.db").read_bytes()


class VaultFileError(SourceError):
    """An adapter's own error for a file it cannot read (the CLI does not know this class)."""


def test_an_adapters_own_source_error_is_an_input_error_exit_2(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(self: Vault, since: Cursor | None = None) -> ReadResult:
        raise VaultFileError("not a vault export", file="items.vault", row=3, column="id")

    monkeypatch.setattr(Vault, "read", unreadable)
    env = {"VAULT_TOKEN": SECRET}
    result = run("--config", str(vault), "vault:items", f"mirror:{tmp_path}/t.db", env=env)
    assert result.exit_code == ExitCode.USAGE
    assert "error: file items.vault, row 3, column 'id': not a vault export" in result.stderr


def test_a_missing_secret_names_the_variable_and_exits_2(vault: Path, tmp_path: Path) -> None:
    result = run("--config", str(vault), "vault:items", f"mirror:{tmp_path}/t.db", env={})
    assert result.exit_code == ExitCode.USAGE
    assert "VAULT_TOKEN" in result.stderr


def test_there_is_no_command_line_option_for_a_secret() -> None:
    help_text = CliRunner().invoke(main, ["sync", "--help"]).output.lower()
    assert "--token" not in help_text
    assert "--password" not in help_text


@pytest.mark.parametrize(
    "urls",
    [
        ("csv:https://bob:TOKEN123@host/x.csv", "mirror:{db}"),
        ("--state", "{db}", "memory:a", "csv:https://bob:TOKEN123@host/out.csv"),
        ("jira:https://u:TOKEN123@example.atlassian.net", "mirror:{db}"),
    ],
)
def test_credentials_in_either_url_are_refused_before_anything_is_stored(
    urls: tuple[str, ...], tmp_path: Path
) -> None:
    db = tmp_path / "t.db"
    result = run(*(u.format(db=db) for u in urls))
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "TOKEN123" not in result.output + result.stderr
    assert "carries credentials" in result.stderr
    assert "_env" in result.stderr
    assert not db.exists()


# --- end to end with a Jira CSV export ------------------------------------------------------------

JIRA_HEADER = (
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Created,Updated,Resolved,"
    "Labels,Labels,Sprint,Custom field (Story Points),Custom field (Rank)"
)


def jira_export(path: Path, statuses: Mapping[str, str]) -> None:
    """A Jira Cloud CSV export (English headers, Jira's date format) of a marketing board."""
    rows = {
        "MKT-101": ("Spring webinar landing page", "Story", "webinar", "q2", "5", "0|i0000f:"),
        "MKT-102": (
            'Webinar invitation email, "save the date"',
            "Task",
            "email",
            "",
            "3",
            "0|i0000n:",
        ),
        "MKT-103": ("Trade show booth copy", "Story", "events", "q2", "8", "0|i0000v:"),
    }
    lines = [JIRA_HEADER]
    for number, (key, (summary, kind, l1, l2, points, rank)) in enumerate(rows.items()):
        status = statuses[key]
        resolved = "12/Mar/26 4:15 PM" if status == "Done" else ""
        quoted = '"' + summary.replace('"', '""') + '"'
        lines.append(
            f"{quoted},{key},{10100 + number},{kind},{status},Medium,02/Mar/26 9:{10 + number} AM,"
            f"10/Mar/26 11:00 AM,{resolved},{l1},{l2},Cycle 7,{points},{rank}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_jira_export_synced_three_times_gives_the_mirror_an_observed_history(
    tmp_path: Path,
) -> None:
    export, team = tmp_path / "jira-export.csv", tmp_path / "team.db"
    days = [
        {"MKT-101": "To Do", "MKT-102": "To Do", "MKT-103": "To Do"},
        {"MKT-101": "In Progress", "MKT-102": "To Do", "MKT-103": "To Do"},
        {"MKT-101": "Done", "MKT-102": "In Progress", "MKT-103": "To Do"},
    ]
    for statuses in days:
        jira_export(export, statuses)
        result = run(f"jira-csv:{export}", f"mirror:{team}")
        assert result.exit_code == ExitCode.OK, result.output + result.stderr
    again = run("--json", f"jira-csv:{export}", f"mirror:{team}")
    assert json.loads(again.output)["plan"]["changes"] == []
    with Mirror(team) as mirror:
        board = {h.key: h for h in mirror.histories()}
    assert sorted(board) == ["MKT-101", "MKT-102", "MKT-103"]
    web = board["MKT-101"]
    assert [(t.from_status, t.to_status) for t in web.transitions] == [
        (None, "To Do"),
        ("To Do", "In Progress"),
        ("In Progress", "Done"),
    ]
    assert all(t.observed for t in web.transitions)
    assert (web.points, web.labels, web.sprints) == (5.0, ("webinar", "q2"), ("Cycle 7",))
    assert web.created is not None
    assert web.created.isoformat() == "2026-03-02T09:10:00+00:00"
    assert board["MKT-102"].summary == 'Webinar invitation email, "save the date"'
    assert [t.to_status for t in board["MKT-103"].transitions] == ["To Do"]


def test_a_first_sync_of_a_jira_export_dates_finished_items_at_their_resolution(
    tmp_path: Path,
) -> None:
    # an export of a board that has run for months: its finished work finished then, not on
    # the day of the first sync, so throughput and the cycle's done items land where Jira says
    export, team = tmp_path / "jira-export.csv", tmp_path / "team.db"
    jira_export(export, {"MKT-101": "Done", "MKT-102": "In Progress", "MKT-103": "To Do"})
    assert run(f"jira-csv:{export}", f"mirror:{team}").exit_code == ExitCode.OK
    with Mirror(team) as mirror:
        board = {h.key: h for h in mirror.histories()}
    (done,) = board["MKT-101"].transitions
    assert (done.to_status, done.at.isoformat(), done.observed) == (
        "Done",
        "2026-03-12T16:15:00+00:00",
        True,
    )
    (doing,) = board["MKT-102"].transitions  # no resolution: seen when the sync read it
    assert doing.at > done.at


def test_a_source_mirror_that_does_not_exist_is_an_error_not_an_empty_board(
    tmp_path: Path,
) -> None:
    result = run(f"mirror:{tmp_path / 'typo.db'}", f"mirror:{tmp_path / 'copy.db'}")
    assert result.exit_code == ExitCode.USAGE
    assert "no mirror database" in result.stderr
    assert not (tmp_path / "typo.db").exists()


def test_the_progress_display_reports_phases_on_a_terminal() -> None:
    from agilemarketing.cli.sync import _progress

    with _progress(True) as progress:
        assert progress is not None
        progress("read source", 200, None)
        progress("read source", 250, 250)
        progress("apply", 10, 20)
    with _progress(False) as silent:
        assert silent is None


def test_a_synced_jira_export_feeds_the_flow_report(tmp_path: Path) -> None:
    export, team, out = tmp_path / "jira-export.csv", tmp_path / "team.db", tmp_path / "report"
    for statuses in (
        {"MKT-101": "To Do", "MKT-102": "To Do", "MKT-103": "To Do"},
        {"MKT-101": "In Progress", "MKT-102": "To Do", "MKT-103": "To Do"},
        {"MKT-101": "Done", "MKT-102": "In Progress", "MKT-103": "To Do"},
    ):
        jira_export(export, statuses)
        assert run(f"jira-csv:{export}", f"mirror:{team}").exit_code == ExitCode.OK
    report = CliRunner().invoke(
        main,
        [
            "report",
            f"mirror:{team}",
            "--out",
            str(out),
            "--stages",
            "To Do,In Progress,Done",
            "--start",
            "In Progress",
            "--done",
            "Done",
            "--trials",
            "100",
        ],
    )
    assert report.exit_code == ExitCode.OK, report.output
    summary = json.loads((out / "metrics.json").read_text())["summary"]
    assert (summary["items"], summary["done"], summary["in_progress"]) == (3, 1, 1)
    assert (out / "report.html").is_file()


def test_an_unexpected_adapter_failure_exits_4_with_the_secret_redacted(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self: Vault, since: Cursor | None = None) -> ReadResult:
        token = self.secret("VAULT_TOKEN")
        raise RuntimeError(f"client library bug while sending token {token}")

    monkeypatch.setattr(Vault, "read", crash)
    result = run(
        "--config",
        str(vault),
        "vault:items",
        f"mirror:{tmp_path}/t.db",
        env={"VAULT_TOKEN": SECRET},
    )
    assert result.exit_code == ExitCode.ERROR
    assert "RuntimeError: client library bug while sending token ***" in result.stderr
    assert SECRET not in result.stderr


def test_syncing_the_same_export_again_does_not_write_to_the_mirror(tmp_path: Path) -> None:
    import sqlite3

    export, team = tmp_path / "jira-export.csv", tmp_path / "team.db"
    jira_export(export, {"MKT-101": "Done", "MKT-102": "In Progress", "MKT-103": "To Do"})
    assert run(f"jira-csv:{export}", f"mirror:{team}").exit_code == ExitCode.OK
    watcher = sqlite3.connect(team)
    before = watcher.execute("PRAGMA data_version").fetchone()[0]
    again = run(f"jira-csv:{export}", f"mirror:{team}")
    assert again.exit_code == ExitCode.OK
    assert "0 applied" in again.output
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == before
    watcher.close()


def test_statuses_outside_the_workflow_are_warned_about_after_the_sync(
    tmp_path: Path, mirror_of: Callable[..., str]
) -> None:
    (tmp_path / "sync.toml").write_text(
        'workflow = { start = "In Progress", stages = [{ name = "To Do" }, '
        '{ name = "In Progress" }, { name = "Done" }] }\n'
    )
    source = mirror_of(tmp_path / "team.db", sample_histories(4))
    result = run("--config", str(tmp_path / "sync.toml"), source, f"mirror:{tmp_path}/c.db")
    assert result.exit_code == ExitCode.OK
    assert "warning: status 'Review' (1 item(s): MKT-3)" in result.stderr


def test_a_read_only_target_is_a_usage_error_exit_2(tmp_path: Path) -> None:
    export = tmp_path / "jira-export.csv"
    jira_export(export, {"MKT-101": "Done", "MKT-102": "In Progress", "MKT-103": "To Do"})
    result = run("--state", str(tmp_path / "s.db"), "memory:a", f"jira-csv:{export}")
    assert result.exit_code == ExitCode.USAGE
    assert "jira-csv" in result.stderr


def test_several_bad_rows_of_an_input_are_one_input_error_listing_each(tmp_path: Path) -> None:
    export = tmp_path / "dup.csv"
    export.write_text(
        "Summary,Issue key,Status\nA,MKT-1,To Do\nB,MKT-2,To Do\nC,MKT-1,Done\nD,MKT-2,Done\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["sync", f"jira-csv:{export}", f"mirror:{tmp_path / 'm.db'}"])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Traceback" not in result.output
    for text in (
        "'MKT-1' is on row 2 and again on row 4",
        "'MKT-2' is on row 3 and again on row 5",
    ):
        assert text in result.output
    with Mirror(tmp_path / "m.db") as mirror:
        assert mirror.count() == 0
        assert mirror.journal() == []


def test_an_item_removed_at_the_source_is_removed_on_the_target_mirror_and_counted(
    tmp_path: Path, mirror_of: Callable[..., str]
) -> None:
    source = mirror_of(tmp_path / "team.db", sample_histories(5))
    target = f"mirror:{tmp_path / 'copy.db'}"
    assert run(source, target).exit_code == ExitCode.OK
    with Mirror(tmp_path / "team.db") as team, team.transaction():
        team.mark_removed("mirror", ["MKT-2"])
    result = run(source, target)
    assert result.exit_code == ExitCode.OK, result.output
    assert "1 removed" in result.output
    with Mirror(tmp_path / "copy.db") as copy:
        assert "MKT-2" not in copy.board()
        assert set(copy.removed()) == {"MKT-2"}


def test_full_ignores_the_stored_cursor_and_reads_the_source_in_full(
    tmp_path: Path, mirror_of: Callable[..., str]
) -> None:
    source = mirror_of(tmp_path / "team.db", sample_histories(5))
    target = f"mirror:{tmp_path / 'copy.db'}"
    assert run(source, target).exit_code == ExitCode.OK
    incremental = json.loads(run(source, target, "--dry-run", "--json").output)["plan"]
    full = json.loads(run(source, target, "--dry-run", "--json", "--full").output)["plan"]
    assert incremental["counts"]["unchanged"] == 0  # nothing read: nothing changed since
    assert full["counts"]["unchanged"] == 5  # every item read again, none changed
