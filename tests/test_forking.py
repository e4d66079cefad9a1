"""When the library forks workers, and how many: never more than the CPUs can run."""

from __future__ import annotations

import threading

import pytest

from agilemarketing import forking
from agilemarketing.errors import InvalidValue

VARIABLE = "AGILEMARKETING_TEST_WORKERS"


@pytest.fixture
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "usable_cpus", lambda: 2)
    monkeypatch.setattr(forking, "can_fork", lambda: True)


@pytest.mark.usefixtures("two_cpus")
def test_without_the_variable_one_process_per_cpu_up_to_the_most(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    assert forking.workers_from(VARIABLE, most=4) == 2
    assert forking.workers_from(VARIABLE, most=1) == 1


@pytest.mark.usefixtures("two_cpus")
def test_a_request_beyond_the_cpus_gets_one_process_per_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AGILEMARKETING_READ_WORKERS=1000 on a 1 GB file must not fork a thousand copies."""
    monkeypatch.setenv(VARIABLE, "1000")
    assert forking.workers_from(VARIABLE, most=4) == 2


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5"])
def test_a_count_that_is_no_whole_number_of_at_least_one_names_the_variable(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(VARIABLE, text)
    with pytest.raises(InvalidValue, match=VARIABLE):
        forking.workers_from(VARIABLE, most=4)


def test_no_fork_while_another_thread_runs_or_inside_a_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, args=(10,))
    other.start()
    try:
        assert not forking.can_fork()
    finally:
        stop.set()
        other.join(10)
    monkeypatch.setattr(forking, "_in_worker", True)
    assert not forking.can_fork()
