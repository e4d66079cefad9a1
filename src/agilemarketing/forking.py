"""When this process may share work with forked copies of itself, and how many.

The report draws its charts, and :func:`~agilemarketing.historyio.read_history` reads a large
file, in forked worker processes when that is safe. Forking is safe here only when all of
these hold:

- the platform can ``fork`` (not Windows);
- this process is not itself a worker (of ours or of a :mod:`multiprocessing` pool);
- no other thread runs (forking a threaded process can deadlock on a lock the other thread
  held: a Jupyter kernel, a web server's worker threads);
- more than one CPU is usable.

Each use has an environment variable that sets its number of processes (``1``: never fork),
read by :func:`workers_from`.

>>> usable_cpus() >= 1
True
>>> workers_from("AGILEMARKETING_EXAMPLE_WORKERS", most=4) >= 1
True
"""

from __future__ import annotations

import multiprocessing
import os
import threading

from agilemarketing.errors import InvalidValue

__all__ = ["become_worker", "can_fork", "in_worker", "usable_cpus", "workers_from"]

_in_worker = False


def become_worker() -> None:
    """Mark this process as a worker: it never forks workers of its own."""
    global _in_worker
    _in_worker = True


def in_worker() -> bool:
    """Whether this process is a worker (ours, or of any :mod:`multiprocessing` pool)."""
    return _in_worker or multiprocessing.parent_process() is not None


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether forking a worker is safe here (see the module's description), CPUs aside."""
    return (
        not in_worker()
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def workers_from(variable: str, *, most: int) -> int:
    """How many processes the environment ``variable`` asks for (at most one per usable
    CPU: more would only wait for one another), else one per usable CPU up to ``most``; 1
    wherever :func:`can_fork` says no.

    Raises:
        InvalidValue: the variable is set but is no whole number of at least 1.
    """
    text = os.environ.get(variable, "").strip()
    if text and (not text.isdigit() or int(text) < 1):
        raise InvalidValue(
            f"{variable} must be a whole number of at least 1",
            where=variable,
            fix=f"set {variable}=1 to use this process only, or unset it",
            value=text,
        )
    wanted = min(int(text), usable_cpus()) if text else min(usable_cpus(), most)
    return wanted if wanted > 1 and can_fork() else 1
