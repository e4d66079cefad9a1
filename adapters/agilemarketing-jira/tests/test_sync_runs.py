"""Sync runs under faults, through the command line, against the fake Jira in both flavours.

* Jira -> mirror: a permanent 500 stops the sync with the shared exit code of a remote error (4:
  run it again) once ``max_wait`` is spent, and leaves the mirror and its cursor as they were.
* mirror -> Jira: a sync SIGKILLed between two batches (a subprocess; the fake runs in this
  process and kills it from a request hook) or in the middle of a create resumes on the re-run:
  nothing lost, nothing twice, and a third run plans nothing. A create whose answer was lost
  (the fake drops the connection after applying it) exists once after the re-run.
* The token appears in no captured output or log line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fake_jira import TOKEN, USER, FakeJira
from jira_support import FAST

from agilemarketing.adapter import UpdateFields
from agilemarketing.cli import main
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.mirror import OWN_BOARD, Mirror, MirrorAdapter
from agilemarketing.testing import sample_histories

SEARCH = {"cloud": r"/search/jql$", "dc": r"/rest/api/2/search$"}
#: The mirror's items (the Jira project starts empty; Jira gives the creates its own keys).
ITEMS = 12
BATCH = 5
CLI = Path(sys.executable).with_name("agilemarketing")


def write_config(path: Path, fake: FakeJira, side: str, **extra: object) -> Path:
    """A sync TOML with the fake's options under ``[side]`` (``source`` or ``target``)."""
    options: dict[str, object] = {"token_env": "FAKE_JIRA_TOKEN", **FAST, **extra}
    if fake.cloud:
        options["user"] = USER
    lines = [f"batch_size = {BATCH}", f"[{side}]"]
    lines += [f"{name} = {json.dumps(value)}" for name, value in options.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def summaries(fake: FakeJira) -> Counter[str]:
    return Counter(issue.summary for issue in fake.issues.values())


def _no_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text


# --- Jira -> mirror -----------------------------------------------------------------------------


def test_a_permanent_500_stops_the_sync_with_exit_4_and_changes_nothing(
    fakes: Callable[..., FakeJira], flavour: str, tmp_path: Path
) -> None:
    fake = fakes(flavour)
    fake.seed(sample_histories(8))
    config = write_config(
        tmp_path / "jira.toml", fake, "source", max_retries=100, max_wait=1.0, backoff=0.1
    )
    source, db = f"jira:{fake.url}?project=MKT&board=1", tmp_path / "team.db"
    assert cli("sync", source, f"mirror:{db}", "--config", config).exit_code == ExitCode.OK
    with Mirror(db) as mirror:
        before = (mirror.revision(OWN_BOARD), mirror.cursor(source), len(mirror.journal()))
        board = mirror.board()
    fake.edit("MKT-2", status="Done")
    fake.fault("GET", SEARCH[flavour], status=500, times=10_000)
    failed = cli("sync", "-v", source, f"mirror:{db}", "--config", config)
    assert failed.exit_code == ExitCode.ERROR
    assert "HTTP 500" in failed.stderr
    # max_wait ended it: far fewer tries than max_retries allowed
    assert 2 <= len(fake.requests("GET", SEARCH[flavour])) < 50
    with Mirror(db) as mirror:
        after = (mirror.revision(OWN_BOARD), mirror.cursor(source), len(mirror.journal()))
        assert after == before
        assert mirror.board() == board
    _no_token(failed.output, failed.stderr)
    fake.faults.clear()
    resumed = cli("sync", source, f"mirror:{db}", "--config", config)
    assert "0 created, 0 updated, 1 moved" in resumed.output


# --- mirror -> Jira -----------------------------------------------------------------------------


@pytest.fixture
def to_jira(
    fakes: Callable[..., FakeJira], flavour: str, tmp_path: Path
) -> tuple[FakeJira, list[str]]:
    """An empty fake Jira project, a mirror holding ``ITEMS`` items (keys ``CMP-n``) and the
    arguments of a sync of the mirror into Jira."""
    fake = fakes(flavour)
    db = tmp_path / "team.db"
    with Mirror(db) as mirror, mirror.transaction():
        mirror.save_board(OWN_BOARD, sample_histories(ITEMS, prefix="CMP"))
    config = write_config(tmp_path / "jira.toml", fake, "target")
    return fake, ["sync", f"mirror:{db}", f"jira:{fake.url}?project=MKT", "--config", str(config)]


def _assert_mirrored_once(fake: FakeJira, args: list[str]) -> None:
    """Every mirror item exists once in Jira, the mirror maps each to its Jira key, and a
    further run plans nothing and sends no write."""
    expected = Counter(h.summary for h in sample_histories(ITEMS, prefix="CMP"))
    assert summaries(fake) == expected
    db = Path(args[1].removeprefix("mirror:"))
    with Mirror(db) as mirror:
        pairs = mirror.key_map(args[2])
    assert sorted(pairs) == sorted(f"CMP-{n}" for n in range(1, ITEMS + 1))
    assert sorted(pairs.values()) == sorted(fake.issues)
    writes = len([r for r in fake.log if r.method != "GET"])
    third = cli(*args)
    assert third.exit_code == ExitCode.OK, third.output
    assert "0 created, 0 updated, 0 moved" in third.output
    assert len([r for r in fake.log if r.method != "GET"]) == writes


def _killer(running: list[subprocess.Popen[bytes]], when: Callable[[], bool]) -> Callable[[], None]:
    """A request hook that SIGKILLs the running sync when ``when()`` says so (in the fake's
    thread, before the request is answered) and waits for it to die. It then lingers a
    moment, so the test sees the death before the fake goes on to apply the request: what is
    counted after the kill must wait for the fake to settle, not race it."""

    def hook() -> None:
        if running and running[0].poll() is None and when():
            os.kill(running[0].pid, signal.SIGKILL)
            running[0].wait(timeout=10)
            time.sleep(0.2)

    return hook


def _run(args: list[str], log: Path, running: list[subprocess.Popen[bytes]]) -> tuple[int, str]:
    """Run the sync as a subprocess (with ``-v``: every log line), bounded to 120 s."""
    env = {**os.environ, "FAKE_JIRA_TOKEN": TOKEN}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(CLI), args[0], "-v", *args[1:]], stdout=out, stderr=out, env=env
        )
        running.append(proc)
        try:
            code = proc.wait(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    return code, log.read_text(encoding="utf-8", errors="replace")


def _marker_searches(fake: FakeJira) -> int:
    """Searches for a create's marker so far (each create starts with one)."""
    return sum(
        1
        for r in fake.log
        if r.method == "GET" and "currentUser()" in (r.query.get("jql") or [""])[0]
    )


@pytest.mark.parametrize("moment", ["between batches", "during a create"])
def test_a_sync_killed_mid_run_resumes_without_losing_or_doubling_anything(
    to_jira: tuple[FakeJira, list[str]], tmp_path: Path, moment: str
) -> None:
    fake, args = to_jira
    running: list[subprocess.Popen[bytes]] = []
    if moment == "between batches":
        # the first request of the second batch: the marker search of its first create
        first_of_second = lambda: _marker_searches(fake) == BATCH + 1  # noqa: E731
        fake.on("GET", SEARCH[fake.flavour], _killer(running, first_of_second), times=1000)
    else:
        # the third create arrives; the fake applies it after the hook, for a dead client
        third = lambda: len(fake.requests("POST", r"/issue$")) == 3  # noqa: E731
        fake.on("POST", r"/issue$", _killer(running, third), times=3)
    code, output = _run(args, tmp_path / "killed.log", running)
    assert code == -signal.SIGKILL, output
    _no_token(output)
    fake.settle()
    applied = len(fake.issues)
    assert applied == (BATCH if moment == "between batches" else 3)
    resumed = cli(*args)
    assert resumed.exit_code == ExitCode.OK, resumed.output
    _no_token(resumed.output, resumed.stderr)
    _assert_mirrored_once(fake, args)


def test_a_create_whose_answer_was_lost_exists_once_after_the_rerun(
    to_jira: tuple[FakeJira, list[str]],
) -> None:
    fake, args = to_jira
    search = SEARCH[fake.flavour]

    def lose_the_third_answer() -> None:
        sent = len(fake.requests("POST", r"/issue$"))
        if sent == 2:  # the third create will be applied, its answer never sent
            fake.fault("POST", r"/issue$", "drop_after")
        elif sent == 3:  # and the search for its marker after the lost answer fails too
            fake.fault("GET", search, status=500, times=10_000)

    fake.on("POST", r"/issue$", lose_the_third_answer, times=3)
    stopped = cli(*args)
    assert stopped.exit_code == ExitCode.ERROR, stopped.output
    assert len(fake.issues) == 3
    _no_token(stopped.output, stopped.stderr)
    fake.faults.clear()
    resumed = cli(*args)
    assert resumed.exit_code == ExitCode.OK, resumed.output
    assert len(fake.requests("POST", r"/issue$")) == ITEMS  # the lost one was not sent again
    _assert_mirrored_once(fake, args)


def test_a_lost_create_is_found_after_the_item_was_renamed_and_not_made_twice(
    to_jira: tuple[FakeJira, list[str]],
) -> None:
    """The create's answer was lost, and before the re-run the item is renamed in the mirror:
    the new plan's create is another change (another id, another summary), so the writer's
    search for it cannot find the issue the lost one made. The sync asks for the lost create
    itself (its journal holds it), maps the item to that issue and does not send the new
    create, saying why; the next run updates the issue. One issue, never two."""
    fake, args = to_jira
    search = SEARCH[fake.flavour]

    def lose_the_third_answer() -> None:
        sent = len(fake.requests("POST", r"/issue$"))
        if sent == 2:
            fake.fault("POST", r"/issue$", "drop_after")
        elif sent == 3:
            fake.fault("GET", search, status=500, times=10_000)

    fake.on("POST", r"/issue$", lose_the_third_answer, times=3)
    assert cli(*args).exit_code == ExitCode.ERROR
    fake.faults.clear()
    (made,) = [i for i in fake.issues.values() if i.summary not in _created_before(fake, 2)]
    db = Path(args[1].removeprefix("mirror:"))
    with MirrorAdapter(str(db)) as mirror:
        (key,) = [r.key for r in mirror.read() if r.history.summary == made.summary]
        mirror.write([UpdateFields(key, {"summary": "Renamed before the re-run"})])

    resumed = cli(*args)
    assert resumed.exit_code != ExitCode.OK
    assert f"made {made.key} (its answer was lost)" in resumed.output, resumed.output
    assert len(fake.issues) == ITEMS
    with Mirror(db) as state:
        assert state.key_map(args[2])[key] == made.key
    again = cli(*args)
    assert again.exit_code == ExitCode.OK, again.output
    assert len(fake.issues) == ITEMS
    source = next(h for h in sample_histories(ITEMS, prefix="CMP") if h.key == key)
    assert fake.issues[made.key].summary == "Renamed before the re-run"
    assert fake.issues[made.key].status == source.status  # the lost create stopped short
    assert cli(*args).exit_code == ExitCode.OK
    assert len(fake.issues) == ITEMS


def _created_before(fake: FakeJira, count: int) -> set[str]:
    """The summaries of the first ``count`` issues the fake made."""
    ordered = sorted(fake.issues.values(), key=lambda issue: int(issue.key.split("-")[1]))
    return {issue.summary for issue in ordered[:count]}
