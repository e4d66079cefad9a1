"""Trello's card positions (``pos``, a positive number) as agilemarketing rank strings.

A rank is text that sorts like the number: ten base-36 digits for the whole part, then the
digits of the fraction, trailing zeros dropped (so it is also a rank that
:func:`agilemarketing.adapter.rank_between` can work with). The conversion is exact both ways
for every ``pos`` below 36**10 (about 3.7e15; Trello's own positions are far smaller), so a
rank read from Trello and turned back into a position is the same number.

Trello orders cards by ``pos`` within a list. The rank keeps that order, and since every card's
``pos`` is one number, ranks of cards in different lists compare as their positions do.

>>> rank_from_pos(16384), rank_from_pos(16384.5)
('0000000cn4', '0000000cn4i')
>>> pos_from_rank(rank_from_pos(12288.75)) == 12288.75
True
>>> pos_between(16384.0, 32768.0), pos_between(None, 100.0), pos_between(100.0, None)
(24576.0, 50.0, 65636.0)
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["POS_STEP", "pos_between", "pos_from_rank", "rank_from_pos"]

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_WIDTH = 10
_LIMIT = 36**_WIDTH
#: Trello's own gap between cards added at the bottom of a list.
POS_STEP = 65536.0


def rank_from_pos(pos: float) -> str:
    """The rank string of a card position (raises ValueError for pos outside 0 < pos < 36**10)."""
    if not 0 < pos < _LIMIT:
        raise ValueError(f"card position {pos!r} is outside 0 < pos < 36**10")
    value = Fraction(pos)
    whole = int(value)
    digits = []
    for _ in range(_WIDTH):
        whole, digit = divmod(whole, 36)
        digits.append(_DIGITS[digit])
    text = "".join(reversed(digits))
    fraction = value - int(value)
    # A binary fraction ends in base 36 too (36 is a multiple of 2): at most 27 digits for a
    # double, so this loop is bounded.
    while fraction:
        fraction *= 36
        digit = int(fraction)
        text += _DIGITS[digit]
        fraction -= digit
    return text.rstrip("0")


def pos_from_rank(rank: str) -> float:
    """The card position a rank string stands for (the inverse of :func:`rank_from_pos`)."""
    if not rank or any(c not in _DIGITS for c in rank):
        raise ValueError(f"{rank!r} is not a rank of lower-case base-36 digits")
    padded = rank.ljust(_WIDTH, "0")
    value = Fraction(int(padded[:_WIDTH], 36))
    scale = Fraction(1)
    for char in padded[_WIDTH:]:
        scale /= 36
        value += _DIGITS.index(char) * scale
    return float(value)


def pos_between(low: float | None, high: float | None) -> float:
    """A position strictly between two neighbours' (None: no neighbour on that side).

    Raises ValueError when the two are so close that no number lies between them (the
    caller then reports that the list needs re-spacing).
    """
    if low is None and high is None:
        return POS_STEP
    if low is None:
        assert high is not None
        result = high / 2
    elif high is None:
        result = low + POS_STEP
    else:
        result = (low + high) / 2
    if (low is not None and result <= low) or (high is not None and result >= high):
        raise ValueError(f"no card position lies between {low!r} and {high!r}")
    return result
