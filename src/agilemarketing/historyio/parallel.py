"""Reading a large history file side by side in forked worker processes.

Decoding JSON and building columns is bound by one core: a 20,000-item file (19 MB) takes
most of a metrics run. :func:`read_ranges` cuts a file of at least :data:`PARALLEL_FROM` bytes
into ranges of whole blocks (the blocks a serial read makes), reads the first here and each
other one in a forked copy of this process (:mod:`agilemarketing.forking` says when that is
safe; the environment variable :data:`READ_WORKERS_ENV` sets how many processes, ``1``: this
one only), and returns the ranges' tables in file order: once concatenated, the very table a
serial read gives.

Only a clean read is shared out. When any range has a problem (a bad line, a key on two lines
of different ranges), a worker dies or cannot start, the answer is None and the caller reads
the file again here, so every error names the same lines, in the same words, as a serial read.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import signal
from collections.abc import Callable

from agilemarketing.forking import become_worker, workers_from
from agilemarketing.historyio.lines import block_starts
from agilemarketing.historyio.table import HistoryTable

__all__ = ["PARALLEL_FROM", "READ_WORKERS_ENV", "read_ranges"]

READ_WORKERS_ENV = "AGILEMARKETING_READ_WORKERS"
"""The environment variable that sets how many processes read a large file (1: this one)."""

PARALLEL_FROM = 8 << 20
"""Files smaller than this (8 MiB, about 9,000 items) are read here: forking would cost more
than it saves."""

_MOST = 4  # past a few processes, the cost of gathering the tables outweighs the gain

ReadRange = Callable[[int, int, int], HistoryTable]
"""Reads the bytes ``[start, end)`` of the open file ``fd``: ``read_range(fd, start, end)``."""


def read_ranges(path: str, read_range: ReadRange) -> list[HistoryTable] | None:
    """The tables of ``path``'s ranges, read by ``read_range(fd, start, end)`` (byte offsets
    of whole lines) side by side, in file order; None when the file is small, there is one
    process to read with, or anything went wrong (then read it here, serially).

    The file is opened once, here, and every worker reads that descriptor: a file replaced
    meanwhile (a sync writing a new one into place) is still read whole, as it was."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None  # the serial read says what is wrong with the path
    try:
        return _read_ranges(fd, read_range)
    finally:
        os.close(fd)


def _read_ranges(fd: int, read_range: ReadRange) -> list[HistoryTable] | None:
    try:
        if os.fstat(fd).st_size < PARALLEL_FROM:
            return None
    except OSError:
        return None
    workers = workers_from(READ_WORKERS_ENV, most=_MOST)
    if workers <= 1:
        return None
    cuts = block_starts(fd, workers)
    if len(cuts) < 3:  # too few blocks to share out
        return None
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe), not gathered yet
    try:
        for start, end in itertools.pairwise(cuts[1:]):
            child = _start(read_range, fd, start, end)
            if child is None:
                return None
            children.append(child)
        try:
            tables = [read_range(fd, cuts[0], cuts[1])]
        except Exception:  # the serial read raises it, with every other problem
            return None
        while children:
            table = _gather(*children.pop(0))  # reaped and closed, whatever happens
            if table is None:
                return None
            tables.append(table)
    finally:
        for pid, pipe in children:  # never gathered: stop and reap them
            _stop(pid, pipe)
    return tables if _keys_unique(tables) else None


def _start(read_range: ReadRange, fd: int, start: int, end: int) -> tuple[int, int] | None:
    """Fork a worker reading ``[start, end)`` of ``fd`` into a pipe: (its pid, the pipe's read
    end)."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    _widen(write_end)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # pragma: no cover - runs in the worker, which leaves by os._exit
        status = 1
        try:
            os.close(read_end)
            become_worker()
            blob = pickle.dumps(read_range(fd, start, end), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(blob)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


_PIPE_BYTES = 1 << 20
"""How much a worker's pipe holds (Linux's default, 64 KiB, makes a worker sending a table of
megabytes wait for the reader about every 64 KiB)."""


def _widen(pipe: int) -> None:
    """Let the pipe hold :data:`_PIPE_BYTES` where the platform allows it (else unchanged)."""
    try:
        import fcntl  # POSIX only, as forking is
    except ImportError:  # pragma: no cover - Windows, which forks no workers anyway
        return
    setting = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if setting is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe, setting, _PIPE_BYTES)


def _gather(pid: int, pipe: int) -> HistoryTable | None:
    """The table a worker sent, once it has exited cleanly; None otherwise. The worker is
    reaped and its pipe closed whatever happens (an interrupt while waiting stops it)."""
    try:
        with os.fdopen(pipe, "rb") as source:
            blob = source.read()
    except BaseException:
        _stop(pid, None)
        raise
    _, status = os.waitpid(pid, 0)
    if status != 0 or not blob:
        return None
    table = pickle.loads(blob)  # noqa: S301 - our own child's bytes, through a pipe
    return table if isinstance(table, HistoryTable) else None


def _stop(pid: int, pipe: int | None) -> None:
    """Stop a worker that was never reaped, and close its pipe (None: already closed)."""
    if pipe is not None:
        with contextlib.suppress(OSError):
            os.close(pipe)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _keys_unique(tables: list[HistoryTable]) -> bool:
    """Whether no key is in two ranges (each range has checked its own)."""
    seen: set[str] = set()
    total = 0
    for table in tables:
        keys = table.keys.tolist()
        seen.update(keys)
        total += len(keys)
    return len(seen) == total
