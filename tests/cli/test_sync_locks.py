"""``agilemarketing sync`` holds its target and its mirror: a busy target is exit 6, naming the
holder, with nothing changed; a sync killed with SIGKILL leaves no lock that blocks the next one.

Real processes, each bounded in time (and at most three per test).
"""

from __future__ import annotations

import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agilemarketing.adapter.locking import lock_holder
from agilemarketing.cli.exit_codes import ExitCode
from agilemarketing.history import ItemHistory
from agilemarketing.mirror import OWN_BOARD, Mirror

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")

CLI = str(Path(sys.executable).parent / "agilemarketing")

HOLDER = """
import sys, time
from agilemarketing.adapter.locking import file_lock
with file_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def board(path: Path, count: int) -> str:
    with Mirror(path) as mirror, mirror.transaction():
        mirror.save_board(
            OWN_BOARD,
            [ItemHistory(f"A-{i}", summary=f"A {i}", status="To Do") for i in range(count)],
        )
    return f"mirror:{path}"


def sync(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, "sync", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_a_target_another_process_holds_is_exit_6_naming_it_and_nothing_changes(
    tmp_path: Path,
) -> None:
    source = board(tmp_path / "a.db", 3)
    out = tmp_path / "out.csv"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert select.select([holder.stdout], [], [], 30)[0], "holder never took the lock"
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        busy = sync(source, f"csv:{out}", "--state", str(tmp_path / "s.db"), "--wait", "0.5")
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait(10)
        assert holder.stdout is not None
        holder.stdout.close()
    assert busy.returncode == ExitCode.BUSY == 6, busy.stderr
    assert f"another sync is running (pid {holder.pid}" in busy.stderr
    assert "since " in busy.stderr
    assert "Traceback" not in busy.stderr
    assert not out.exists()
    assert took < 30, took  # waited its half second, plus starting Python
    # Once the holder is gone the same command goes through.
    again = sync(source, f"csv:{out}", "--state", str(tmp_path / "s.db"), "--wait", "0")
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("after", [0.0, 1.5], ids=["as-it-locks", "midway"])
def test_a_sync_killed_with_sigkill_holding_its_locks_does_not_block_the_next(
    tmp_path: Path, after: float
) -> None:
    source = board(tmp_path / "a.db", 2000)
    out, state = tmp_path / "out.csv", tmp_path / "s.db"
    run = subprocess.Popen(
        [CLI, "sync", source, f"csv:{out}", "--state", str(state)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run.poll() is None:
        holder = lock_holder(out)
        if holder is not None and holder.pid == run.pid:
            break
        time.sleep(0.01)
    time.sleep(after)  # a 2,000-item sync into a CSV file takes about 5 s
    run.send_signal(signal.SIGKILL)
    run.wait(10)
    if run.returncode != -signal.SIGKILL:
        pytest.skip("the sync finished before it could be killed")
    left = lock_holder(out)
    assert left is not None
    assert left.pid == run.pid
    started = time.monotonic()
    again = sync(source, f"csv:{out}", "--state", str(state), "--wait", "0")
    took = time.monotonic() - started
    assert again.returncode == 0, again.stderr  # ...and is no lock: no waiting needed
    assert took < 120
    from agilemarketing_csv import CsvAdapter

    keys = {record.key for record in CsvAdapter(str(out)).read()}
    assert len(keys) == 2000
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
