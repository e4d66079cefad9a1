"""A large history file is read side by side in forked workers, and the answer is the serial
read's: the same table, or the same errors naming the same lines.

The threshold (:data:`~agilemarketing.historyio.parallel.PARALLEL_FROM`) is lowered to 0 here so
that small generated files are shared out too.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import threading
import time
from pathlib import Path
from typing import Any

import attrs
import pytest
from historyio.test_fuzz_history import _FILES
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agilemarketing import forking
from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.historyio import HistoryTable, lines, parallel, read_history

LINES = b"".join(b'{"key": "K-%d", "status": "Doing"}\n' % i for i in range(40))
CUT = LINES.index(b"\n", len(LINES) // 2) + 1


def _columns(table: HistoryTable) -> dict[str, str]:
    """Every column, as text (so that NaN equals NaN)."""
    return {
        f.name: repr(v.tolist() if hasattr(v, "tolist") else v)
        for f in attrs.fields(type(table))
        for v in [getattr(table, f.name)]
    }


def _outcome(path: Path, workers: int, monkeypatch: pytest.MonkeyPatch) -> object:
    """The columns read with ``workers`` processes, or the error's text."""
    monkeypatch.setenv(parallel.READ_WORKERS_ENV, str(workers))
    try:
        return _columns(read_history(path))
    except (AgileMarketingError, ExceptionGroup) as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A history file of 40 items."""
    written = tmp_path / "history.jsonl"
    written.write_bytes(LINES)
    return written


def _alone() -> None:
    """Wait (at most 10 s) until this test's process runs no other thread: a read never forks
    beside one, and an earlier test's fake server may still serve a client it has not dropped
    (collecting the garbage closes those clients' connections)."""
    deadline = time.monotonic() + 10
    while threading.active_count() > 1 and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.05)
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    assert not others, f"threads of earlier tests still run, so no read forks: {others}"


@pytest.fixture
def shared_out(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every file is shared out; the list counts the workers forked."""
    forked: list[int] = []
    start = parallel._start

    def counting(*args: Any) -> Any:
        forked.append(1)
        return start(*args)

    _alone()
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 0)
    monkeypatch.setattr(lines, "_BLOCK_BYTES", 64)
    monkeypatch.setattr(parallel, "_start", counting)
    monkeypatch.setattr(forking, "usable_cpus", lambda: 4)
    return forked


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=_FILES, workers=st.integers(2, 4), block=st.integers(16, 400))
@example(data=LINES, workers=3, block=64)
@example(data=b"\xef\xbb\xbf" + LINES, workers=2, block=64)  # a byte-order mark opens the file
@example(data=LINES + b'{"key": "K-0"}\n', workers=2, block=64)  # a key in two ranges
@example(data=LINES + b'{"key": "K-99", "created": "soon"}', workers=2, block=64)  # bad, last
@example(data=LINES[:CUT] + b"\n\n\n" + LINES[CUT:], workers=3, block=64)  # blank lines
@example(data=LINES.replace(b"K-20", b"K-20" + b"x" * 300), workers=3, block=64)  # a long line
def test_a_file_read_by_several_workers_is_the_serial_read(
    data: bytes,
    workers: int,
    block: int,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    shared_out: list[int],
) -> None:
    """Blocks of ``block`` bytes (a megabyte in use) give small files many blocks to share."""
    monkeypatch.setattr(lines, "_BLOCK_BYTES", block)
    path = tmp_path_factory.mktemp("history") / "history.jsonl"
    path.write_bytes(data)
    before = len(shared_out)  # the fixture lives across hypothesis's examples
    serial = _outcome(path, 1, monkeypatch)
    assert len(shared_out) == before
    assert _outcome(path, workers, monkeypatch) == serial


_RAW_LINES = st.lists(
    st.binary(max_size=120).map(lambda raw: raw.replace(b"\n", b"")), max_size=40
).map(b"\n".join)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=_RAW_LINES,
    ending=st.sampled_from([b"", b"\n"]),
    block=st.integers(1, 200),
    parts=st.integers(2, 6),
)
def test_the_ranges_hold_the_very_blocks_of_a_serial_read(
    data: bytes,
    ending: bytes,
    block: int,
    parts: int,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cut where a serial read's blocks start, each range's blocks are the serial read's
    blocks there (so that names are coded in the same order as a serial read codes them)."""
    monkeypatch.setattr(lines, "_BLOCK_BYTES", block)
    path = tmp_path_factory.mktemp("raw") / "history.jsonl"
    path.write_bytes(data + ending)
    serial = [chunk for _, _, chunk in lines.blocks(path)]
    fd = os.open(path, os.O_RDONLY)
    try:
        cuts = lines.block_starts(fd, parts)
        ranged = [
            chunk
            for start, end in itertools.pairwise(cuts)
            for _, _, chunk in lines.range_blocks(fd, start, end)
        ]
    finally:
        os.close(fd)
    size, inner = len(data + ending), cuts[1:-1]
    assert (cuts[0], cuts[-1]) == (0, size)
    assert all(0 < cut < size for cut in inner)
    assert inner == sorted(set(inner))
    assert ranged == serial


def test_a_large_file_is_shared_out_between_the_workers(
    path: Path, monkeypatch: pytest.MonkeyPatch, shared_out: list[int]
) -> None:
    table = _outcome(path, 3, monkeypatch)
    assert len(shared_out) == 2  # two workers beside this process
    assert table == _outcome(path, 1, monkeypatch)


def test_a_worker_that_dies_leaves_the_read_to_this_process(
    path: Path, monkeypatch: pytest.MonkeyPatch, shared_out: list[int]
) -> None:
    expected = _outcome(path, 1, monkeypatch)
    monkeypatch.setattr(parallel, "become_worker", lambda: os._exit(3))  # runs in workers only
    assert _outcome(path, 3, monkeypatch) == expected
    assert len(shared_out) == 2
    _no_worker_left()


def test_a_worker_that_dies_after_another_one_sent_its_table_stops_nothing_else(
    path: Path, monkeypatch: pytest.MonkeyPatch, shared_out: list[int]
) -> None:
    """The first worker's table arrives, the second worker dies: every worker is reaped once
    (a second kill could hit a process that took a reaped worker's pid) and the file is read
    here."""
    expected = _outcome(path, 1, monkeypatch)
    dying = {"count": 0}
    start = parallel._start

    def second_dies(read_range: Any, fd: int, begin: int, end: int) -> Any:
        dying["count"] += 1
        if dying["count"] == 2:
            return start(lambda *_: os._exit(4), fd, begin, end)
        return start(read_range, fd, begin, end)

    monkeypatch.setattr(parallel, "_start", second_dies)
    killed: list[int] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: killed.append(pid))
    assert _outcome(path, 3, monkeypatch) == expected
    assert killed == []  # both were reaped by waiting: none left to stop
    _no_worker_left()


def test_a_file_replaced_while_it_is_read_is_read_whole_as_it_was(
    path: Path, monkeypatch: pytest.MonkeyPatch, shared_out: list[int]
) -> None:
    """A sync writes a new history file into place (a rename) just as the workers start:
    every process reads the file that was opened, never half of each."""
    expected = _outcome(path, 1, monkeypatch)
    newer = path.with_name("newer.jsonl")
    newer.write_bytes(LINES.replace(b'"Doing"', b'"Done"'))
    start = parallel._start

    def replace_first(*args: Any) -> Any:
        if newer.exists():
            os.replace(newer, path)
        return start(*args)

    monkeypatch.setattr(parallel, "_start", replace_first)
    assert _outcome(path, 3, monkeypatch) == expected
    assert shared_out  # the workers did read
    assert not newer.exists()  # and the file was replaced under them


def _no_worker_left() -> None:
    """No child process of this one is left, not even a zombie."""
    with contextlib.suppress(ChildProcessError):  # none at all
        assert os.waitpid(-1, os.WNOHANG)[0] == 0


def test_no_worker_is_forked_while_another_thread_runs(
    path: Path, monkeypatch: pytest.MonkeyPatch, shared_out: list[int]
) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, args=(10,))
    other.start()
    try:
        assert _outcome(path, 2, monkeypatch) == _outcome(path, 1, monkeypatch)
    finally:
        stop.set()
        other.join(10)
    assert not shared_out


def test_a_small_file_is_read_here(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a small file"))
    monkeypatch.setenv(parallel.READ_WORKERS_ENV, "4")
    assert len(read_history(path)) == 40


def test_a_worker_count_that_is_no_number_names_the_variable(
    path: Path, monkeypatch: pytest.MonkeyPatch, shared_out: list[int]
) -> None:
    monkeypatch.setenv(parallel.READ_WORKERS_ENV, "two")
    with pytest.raises(InvalidValue, match=parallel.READ_WORKERS_ENV):
        read_history(path)
