"""Backlog order: rank strings an adapter can place an item between, and the order they give.

Ranks sort as plain strings, highest priority first (fractional indexing over base-36 digits), so
an adapter re-ranks one item without renumbering the others.
"""

from __future__ import annotations

import re

from agilemarketing.adapter.records import ItemRecord
from agilemarketing.errors import InvalidValue

__all__ = ["is_rank", "rank_between", "rank_order"]

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_RANK = re.compile(r"^[0-9a-z]*[1-9a-z]$")


def is_rank(text: str) -> bool:
    """Whether ``text`` is a rank :func:`rank_between` can work with (lower-case base-36 digits,
    not ending in ``0``).

    >>> is_rank("i"), is_rank("0|hzzzzz:"), is_rank("a0")
    (True, False, False)
    """
    return _RANK.match(text) is not None


def _check_rank(rank: str, name: str) -> None:
    if not is_rank(rank):
        raise InvalidValue(
            "a rank is lower-case base-36 digits not ending in 0",
            where=f"rank_between({name}=...)",
            fix="pass ranks made by rank_between",
            value=rank,
        )


def _midpoint(low: str, high: str | None) -> str:
    if high is not None:
        n = 0
        while n < len(high) and (low[n] if n < len(low) else "0") == high[n]:
            n += 1
        if n > 0:
            return high[:n] + _midpoint(low[n:], high[n:])
    digit_low = _DIGITS.index(low[0]) if low else 0
    digit_high = _DIGITS.index(high[0]) if high else len(_DIGITS)
    if digit_high - digit_low > 1:
        return _DIGITS[(digit_low + digit_high + 1) // 2]
    if high is not None and len(high) > 1:
        return high[0]
    return _DIGITS[digit_low] + _midpoint(low[1:], None)


def rank_between(low: str | None, high: str | None) -> str:
    """A rank string that sorts strictly between ``low`` and ``high`` (None: no bound).

    Ranks sort as plain strings, highest priority first, so an adapter can re-rank one item
    without renumbering the others (fractional indexing over base-36 digits).

    >>> first = rank_between(None, None)
    >>> second = rank_between(first, None)
    >>> between = rank_between(first, second)
    >>> first < between < second
    True
    """
    if low is not None:
        _check_rank(low, "low")
    if high is not None:
        _check_rank(high, "high")
    if low is not None and high is not None and low >= high:
        raise InvalidValue(
            f"low rank {low!r} is not below high rank {high!r}",
            where="rank_between",
            fix="pass the lower rank first",
        )
    if low is not None and high is None:
        return _step_after(low)
    return _midpoint(low or "", high)


#: Appending steps at this digit, so ranks stay short (about 2 billion appends after "i" fit).
_STEP_WIDTH = 6


def _step_after(low: str) -> str:
    """The rank one step above ``low`` at its sixth digit (or its last digit, if longer).

    Halving the room above ``low`` instead would make ranks grow by a digit every few appends;
    stepping keeps a bottom-of-the-board append short. Only when every digit up to the width is
    ``z`` does the rank grow, by one digit.

    >>> _step_after("i"), _step_after("i0000z"), _step_after("zzzzzz")
    ('i00001', 'i0001', 'zzzzzzi')
    """
    width = max(len(low), _STEP_WIDTH)
    value = int(low.ljust(width, "0"), 36) + 1
    if value >= 36**width:
        return _midpoint(low, None)
    digits = []
    for _ in range(width):
        value, digit = divmod(value, 36)
        digits.append(_DIGITS[digit])
    return "".join(reversed(digits)).rstrip("0")


def rank_order(record: ItemRecord) -> tuple[bool, str, str]:
    """Sort key of the backlog order: by rank (highest priority first), unranked items last,
    ties by key.

    >>> from agilemarketing.history import ItemHistory
    >>> records = [ItemRecord(ItemHistory(k, rank=r)) for k, r in [("A", None), ("B", "t"),
    ...                                                            ("C", "i")]]
    >>> [r.key for r in sorted(records, key=rank_order)]
    ['C', 'B', 'A']
    """
    rank = record.history.rank
    return (rank is None, rank or "", record.key)
