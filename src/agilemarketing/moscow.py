"""The MoSCoW categories (Must, Should, Could, Won't): ordered, and read from loose text.

The prioritiser scoring items by their category is
:class:`~agilemarketing.prioritisation.MoSCoWPrioritiser`; the backlog's prune rule for *Won't*
items is :class:`~agilemarketing.pruning.WontHave`.
"""

from __future__ import annotations

import enum
import functools
from typing import Any

from agilemarketing.errors import InvalidPriorityInput, InvalidValue

__all__ = ["EXPECTED", "MoSCoW"]

EXPECTED = "one of Must, Should, Could, Won't (or M, S, C, W)"
"""What a MoSCoW category looks like, as error messages say it."""


@functools.total_ordering
class MoSCoW(enum.Enum):
    """The MoSCoW categories, ordered Must first and Won't last (``MoSCoW.MUST < MoSCoW.WONT``).

    Sorting a list of categories puts the most important first; :attr:`weight` gives the
    category as a number where higher means more important (Must 3 ... Won't 0).

    >>> sorted([MoSCoW.COULD, MoSCoW.MUST, MoSCoW.WONT])
    [<MoSCoW.MUST: 'Must'>, <MoSCoW.COULD: 'Could'>, <MoSCoW.WONT: "Won't">]
    >>> MoSCoW.parse("S"), MoSCoW.SHOULD.weight
    (<MoSCoW.SHOULD: 'Should'>, 2)
    """

    MUST = "Must"
    SHOULD = "Should"
    COULD = "Could"
    WONT = "Won't"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        raise InvalidValue(
            "not a MoSCoW category",
            where="MoSCoW",
            fix="use one of 'Must', 'Should', 'Could', \"Won't\" (MoSCoW.parse also reads "
            "'m', 'should have', 'wont' ...)",
            value=value if isinstance(value, str | int | float) else type(value).__name__,
        )

    @property
    def weight(self) -> int:
        """Must 3, Should 2, Could 1, Won't 0."""
        return _MOSCOW_WEIGHT[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, MoSCoW):
            return NotImplemented
        return self.weight > other.weight

    @classmethod
    def parse(cls, value: Any, *, key: str = "?") -> MoSCoW:
        """Read a category from a member, a name or a letter, ignoring case and spaces.

        Accepted: ``Must``/``M``, ``Should``/``S``, ``Could``/``C``, ``Won't``/``Wont``/
        ``Will not``/``W`` (straight or curly apostrophe). ``key`` names the item in the error.
        """
        if isinstance(value, MoSCoW):
            return value
        if isinstance(value, str):
            found = _MOSCOW_NAMES.get(value.strip().casefold().replace("\u2019", "'"))
            if found is not None:
                return found
        raise InvalidPriorityInput(
            key, "moscow", expected=EXPECTED, prioritiser="moscow", value=value
        )


_MOSCOW_WEIGHT = {MoSCoW.MUST: 3, MoSCoW.SHOULD: 2, MoSCoW.COULD: 1, MoSCoW.WONT: 0}
_MOSCOW_NAMES = {
    "must": MoSCoW.MUST,
    "m": MoSCoW.MUST,
    "must have": MoSCoW.MUST,
    "should": MoSCoW.SHOULD,
    "s": MoSCoW.SHOULD,
    "should have": MoSCoW.SHOULD,
    "could": MoSCoW.COULD,
    "c": MoSCoW.COULD,
    "could have": MoSCoW.COULD,
    "won't": MoSCoW.WONT,
    "wont": MoSCoW.WONT,
    "will not": MoSCoW.WONT,
    "w": MoSCoW.WONT,
    "won't have": MoSCoW.WONT,
}
