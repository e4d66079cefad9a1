"""Ranks: how one order becomes another, and rank strings an external board sorts by.

A :class:`RankChange` is one item placed at a new rank, described the way an external board
replays it (Jira ranks an issue *before* or *after* another one; Trello takes a numeric position
between two neighbours). :func:`rank_changes` finds the fewest of them that turn one order into
another: the items on a longest increasing subsequence of the old order stay where they are.

Rank strings (:func:`rank_between`, :func:`is_rank`) are fractional indexes over base-36
digits: they sort as plain strings, highest priority first, so re-ranking one item never
renumbers the others.

>>> [(c.key, c.after) for c in rank_changes(list("ABCD"), list("DABC"))]
[('D', None)]
>>> rank_between("i", "j")
'ii'
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

import attrs

from agilemarketing.errors import InvalidValue, NotAReordering

__all__ = ["RankChange", "is_rank", "rank_between", "rank_changes"]


# --- rank changes ---------------------------------------------------------------------------------


@attrs.frozen
class RankChange:
    """One item placed at a new rank: what an external board needs to reproduce the move.

    Positions are 0-based (0 is the top). ``after`` is the key of the item now directly above
    (Jira's ``rankAfterIssue``), ``before`` the key of the item now directly below (Jira's
    ``rankBeforeIssue``); for Trello, a numeric ``pos`` between the two neighbours' positions
    reproduces it. Either neighbour alone is enough to replay the change; ``None`` means the top
    (``after``) or the bottom (``before``) of the list.

    >>> RankChange("MKT-4", new_position=0, old_position=3, before="MKT-1").moved
    True
    >>> RankChange("MKT-9", new_position=5).inserted
    True
    """

    key: str
    new_position: int
    old_position: int | None = None
    after: str | None = None
    before: str | None = None

    @property
    def inserted(self) -> bool:
        """True when the item was new to the list (no old position)."""
        return self.old_position is None

    @property
    def moved(self) -> bool:
        """True when the order changed (an insert, or a move to a different position)."""
        return self.old_position != self.new_position


def _check_permutation(old: Sequence[str], new: Sequence[str]) -> None:
    if len(old) == len(new) and len(set(new)) == len(new) and set(old) == set(new):
        return
    old_set = set(old)
    new_set = set(new)
    seen: set[str] = set()
    repeated = []
    for key in new:
        if key in seen:
            repeated.append(key)
        seen.add(key)
    raise NotAReordering(
        missing=[k for k in old if k not in new_set],
        unknown=[k for k in new if k not in old_set],
        repeated=repeated,
        where="rank_changes",
    )


def _longest_increasing(values: Sequence[int]) -> list[int]:
    """Indices of one longest strictly increasing subsequence of ``values`` (patience sort)."""
    tails: list[int] = []  # tails[length - 1] = smallest tail value of an increasing run
    tail_index: list[int] = []
    parent = [-1] * len(values)
    for index, value in enumerate(values):
        length = bisect.bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[length] = value
            tail_index[length] = index
        parent[index] = tail_index[length - 1] if length else -1
    out: list[int] = []
    index = tail_index[-1] if tail_index else -1
    while index != -1:
        out.append(index)
        index = parent[index]
    out.reverse()
    return out


class _Fenwick:
    """Counts of present slots, for prefix sums and k-th lookups in O(log n)."""

    __slots__ = ("_size", "_tree")

    def __init__(self, present: Sequence[int]) -> None:
        self._size = len(present)
        tree = [0, *present]
        for i in range(1, self._size + 1):
            parent = i + (i & -i)
            if parent <= self._size:
                tree[parent] += tree[i]
        self._tree = tree

    def add(self, slot: int, delta: int) -> None:
        i = slot + 1
        while i <= self._size:
            self._tree[i] += delta
            i += i & -i

    def before(self, slot: int) -> int:
        """How many present slots lie before ``slot``."""
        total, i = 0, slot
        while i > 0:
            total += self._tree[i]
            i -= i & -i
        return total

    def kth(self, k: int) -> int:
        """The slot holding the ``k``-th present element (0-based)."""
        position, remaining = 0, k + 1
        step = 1 << self._size.bit_length()
        while step:
            nxt = position + step
            if nxt <= self._size and self._tree[nxt] < remaining:
                position = nxt
                remaining -= self._tree[nxt]
            step >>= 1
        return position


def rank_changes(old_order: Sequence[str], new_order: Sequence[str]) -> list[RankChange]:
    """The fewest moves that turn ``old_order`` into ``new_order``, to apply in the given order.

    The items on a longest increasing subsequence (of their new positions, read in old order)
    stay; every other item moves once, directly after its new upper neighbour (or to the top).
    That is ``n - LIS`` moves, the minimum possible, found in O(n log n). Each
    :class:`RankChange` carries the positions and neighbours at the moment it is applied, so an
    external board replays them one by one (e.g. Jira ``rankAfterIssue``).

    >>> [(c.key, c.after) for c in rank_changes(list("ABCDE"), list("BADEC"))]
    [('A', 'B'), ('C', 'E')]
    >>> rank_changes(["A", "B"], ["A", "B"])
    []
    """
    _check_permutation(old_order, new_order)
    n = len(new_order)
    new_index = {key: i for i, key in enumerate(new_order)}
    sequence = [new_index[key] for key in old_order]
    stay = {old_order[i] for i in _longest_increasing(sequence)}
    if len(stay) == n:
        return []
    # Lay out one "master" sequence of slots so that, at every step, the current order is the
    # subsequence of present slots. Each gap starts at a staying item (or the top) and holds the
    # new slots of the movers that land in it (new order), then the old slots of the movers that
    # were in it (old order): a mover is placed right after its new upper neighbour, ahead of
    # movers not yet moved.
    gap_of_old: list[int] = []
    gap = 0
    stay_rank: dict[str, int] = {}
    for key in old_order:
        if key in stay:
            gap += 1
            stay_rank[key] = gap
        gap_of_old.append(gap)
    gap_of_new: dict[str, int] = {}
    gap = 0
    for key in new_order:
        if key in stay:
            gap = stay_rank[key]
        else:
            gap_of_new[key] = gap
    # Sort slots by (gap, kind, order): kind 0 = the staying item, 1 = new slot, 2 = old slot.
    slots: list[tuple[int, int, int, str]] = []
    for i, key in enumerate(old_order):
        kind = 0 if key in stay else 2
        slots.append((gap_of_old[i], kind, i, key))
    for key, g in gap_of_new.items():
        slots.append((g, 1, new_index[key], key))
    slots.sort()
    old_slot: dict[str, int] = {}
    new_slot: dict[str, int] = {}
    for number, (_, kind, _, key) in enumerate(slots):
        (new_slot if kind == 1 else old_slot)[key] = number
    present = [0 if kind == 1 else 1 for (_, kind, _, _) in slots]
    tree = _Fenwick(present)
    slot_key = [key for (_, _, _, key) in slots]
    changes: list[RankChange] = []
    for key in new_order:
        if key in stay:
            continue
        source, target = old_slot[key], new_slot[key]
        old_position = tree.before(source)
        tree.add(source, -1)
        new_position = tree.before(target)
        tree.add(target, 1)
        after = slot_key[tree.kth(new_position - 1)] if new_position > 0 else None
        before = slot_key[tree.kth(new_position + 1)] if new_position + 1 < n else None
        changes.append(RankChange(key, new_position, old_position, after, before))
    return changes


# --- rank strings ---------------------------------------------------------------------------------

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
