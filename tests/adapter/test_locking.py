"""File locks (agilemarketing.adapter.locking): exclusive, bounded, re-entrant, never stale.

Real processes and threads, each bounded in count and time: a holder is a child Python process
(killed with SIGKILL to leave its lock behind) or a thread released by an event.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from agilemarketing.adapter.locking import file_lock, held_locks, lock_holder, lock_path
from agilemarketing.errors import SyncLocked

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks")

#: A child that takes the lock, says so, then sleeps until it is killed (at most 60 s).
HOLDER = """
import sys, time
from agilemarketing.adapter.locking import file_lock
with file_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def start_holder(path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    ready, _, _ = select.select([child.stdout], [], [], 30)
    if not ready or child.stdout.readline().strip() != "held":
        stop(child)
        pytest.fail("the holder process did not take the lock within 30 s")
    return child


def stop(child: subprocess.Popen[str]) -> None:
    child.kill()
    child.wait(10)
    assert child.stdout is not None
    child.stdout.close()


def test_a_lock_another_process_holds_is_refused_naming_its_pid_and_since(
    tmp_path: Path,
) -> None:
    board = tmp_path / "out.csv"
    child = start_holder(board)
    try:
        started = time.monotonic()
        with pytest.raises(SyncLocked) as caught, file_lock(board, wait=0.5):
            pytest.fail("took a lock another process holds")
        waited = time.monotonic() - started
    finally:
        stop(child)
    error = caught.value
    assert error.pid == child.pid
    assert error.since is not None
    assert error.since.endswith("Z")
    assert f"another sync is running (pid {child.pid}" in str(error)
    assert f"since {error.since}" in str(error)
    assert "out.csv" in str(error)
    assert 0.5 <= waited < 3.0, waited


def test_a_lock_left_by_a_kill_9d_process_is_taken_over_at_once(tmp_path: Path) -> None:
    board = tmp_path / "out.csv"
    child = start_holder(board)
    child.send_signal(signal.SIGKILL)
    stop(child)
    # Its note is still there, naming a process that is gone...
    left = lock_holder(board)
    assert left is not None
    assert left.pid == child.pid
    # ...but the OS dropped its lock with the process: no wait, no stale-lock heuristics.
    started = time.monotonic()
    with file_lock(board, wait=0):
        taken = time.monotonic() - started
        now = lock_holder(board)
        assert now is not None
        assert now.pid == os.getpid()
    assert taken < 0.5, taken


def test_a_second_thread_waits_its_bounded_time_then_gives_up(tmp_path: Path) -> None:
    board = tmp_path / "board.csv"
    outcome: list[object] = []

    def contender() -> None:
        started = time.monotonic()
        try:
            with file_lock(board, wait=0.3):
                outcome.append("took it")
        except SyncLocked as exc:
            outcome.append((exc, time.monotonic() - started))

    with file_lock(board):
        thread = threading.Thread(target=contender)
        thread.start()
        thread.join(10)
    assert not thread.is_alive()
    [(error, waited)] = outcome  # type: ignore[misc]
    assert isinstance(error, SyncLocked)
    assert error.pid == os.getpid()
    assert 0.3 <= waited < 2.0, waited


def test_a_waiting_thread_takes_the_lock_as_soon_as_it_is_let_go(tmp_path: Path) -> None:
    board = tmp_path / "board.csv"
    holding, release = threading.Event(), threading.Event()

    def holder() -> None:
        with file_lock(board):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert holding.wait(10)
        threading.Timer(0.3, release.set).start()
        started = time.monotonic()
        with file_lock(board, wait=10):
            waited = time.monotonic() - started
    finally:
        release.set()
        thread.join(10)
    assert 0.25 <= waited < 2.0, waited


def test_threads_under_the_lock_never_interleave_a_read_and_a_write(tmp_path: Path) -> None:
    board = tmp_path / "counter.txt"
    board.write_text("0")

    def add_one(times: int) -> None:
        for _ in range(times):
            with file_lock(board, wait=30):
                value = int(board.read_text())
                time.sleep(0.001)  # a read, some work, a write: lost updates show up here
                board.write_text(str(value + 1))

    threads = [threading.Thread(target=add_one, args=(25,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert board.read_text() == "100"


def test_a_lock_is_re_entrant_in_its_thread_and_held_until_the_outer_block_ends(
    tmp_path: Path,
) -> None:
    board = tmp_path / "board.csv"
    with file_lock(board):
        with file_lock(board):
            pass
        assert held_locks() == [str(lock_path(board))]
    assert held_locks() == []


def test_one_file_named_two_ways_is_one_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "sub")
    monkeypatch.chdir(tmp_path / "sub")
    outcome: list[BaseException] = []

    def contender() -> None:
        try:
            with file_lock(tmp_path / "link" / "board.csv"):
                pass
        except SyncLocked as exc:
            outcome.append(exc)

    with file_lock("board.csv"):
        thread = threading.Thread(target=contender)
        thread.start()
        thread.join(10)
    assert len(outcome) == 1


def test_a_lock_file_holding_something_else_is_still_a_lock(tmp_path: Path) -> None:
    board = tmp_path / "board.csv"
    lock_path(board).write_bytes(b"\xff not json")
    holder = lock_holder(board)
    assert holder is None or holder.pid is None
    with file_lock(board):
        now = lock_holder(board)
        assert now is not None
        assert now.pid == os.getpid()
