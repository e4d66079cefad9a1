"""A hostile user and an unlucky operator against the Trello adapter: each test here failed on
the adapter as it was, and pins the fix."""

from __future__ import annotations

import traceback
from collections.abc import Callable

import pytest
from agilemarketing_trello.adapter import TrelloAdapter
from agilemarketing_trello.errors import TrelloError
from fake_trello import KEY, TOKEN, FakeTrello

from agilemarketing.testing import read_state, sample_histories

Connect = Callable[..., TrelloAdapter]


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and every exception linked to it (causes and contexts), bounded."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(found) < 20:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


@pytest.mark.parametrize(
    "bad", [TOKEN + "\r\n", TOKEN + "\n", " " + TOKEN], ids=["crlf", "lf", "leading space"]
)
def test_a_token_with_a_line_break_is_refused_by_name_and_never_shown(
    fake: FakeTrello, connect: Connect, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    """A token pasted with a line break (a file saved on Windows, ``export T=$(cat f)``):
    requests refuses the header with a message holding the whole header, key and token; that
    error must not ride along as the ``__context__`` of the adapter's error, and the error must
    say which variable to fix rather than blame the connection."""
    monkeypatch.setenv("TRELLO_TOKEN", bad)
    board = fake.seed(sample_histories(1))
    with pytest.raises(TrelloError) as caught:
        read_state(connect(board))
    error = caught.value
    assert "TRELLO_TOKEN" in str(error)
    assert "connection" not in str(error)
    for linked in _chain(error):
        shown = repr(linked) + str(linked) + repr(linked.args)
        assert TOKEN not in shown
        assert KEY not in shown
    assert TOKEN not in "".join(traceback.format_exception(error))
    assert fake.log == []  # nothing was sent
