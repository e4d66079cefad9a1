"""ISO-8601 timestamps in bulk: text, aware datetimes and numpy ``datetime64[us]`` (UTC).

:func:`parse_timestamps` parses a whole column of timestamp strings at once, with numpy
arithmetic on the bytes (and numpy's C date parser) instead of one ``datetime`` per value; the
few values in an unusual layout go through :func:`agilemarketing.utc.parse_timestamp`. The
converters between aware ``datetime`` objects and ``datetime64[us]`` columns are here too.

>>> parse_timestamps(["2026-03-02T09:30:00+01:00"]).tolist()
[datetime.datetime(2026, 3, 2, 8, 30)]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.utc import parse_timestamp

__all__ = [
    "EPOCH",
    "NAT",
    "Times",
    "datetime64_column",
    "datetimes",
    "parse_fast",
    "parse_timestamp_array",
    "parse_timestamps",
    "to_datetime64",
]

Times: TypeAlias = npt.NDArray[np.datetime64]

NAT = np.datetime64("NaT", "us")
"""A missing moment, in the unit every column uses."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""The moment ``datetime64`` counts from, as an aware datetime."""
_US = timedelta(microseconds=1)


# --- Parsing text in bulk -------------------------------------------------------------------------


_DIGIT_COLS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
_EPOCH_TEXT = np.frombuffer(b"1970-01-01T00:00:00", dtype=np.uint8)


def _two_digits(chars: npt.NDArray[np.uint8], col: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """The number written at ``col``, ``col + 1`` of each row; -1 where those are not digits."""
    rows = np.arange(len(chars))
    a = chars[rows, col].astype(np.int64) - 48
    b = chars[rows, col + 1].astype(np.int64) - 48
    good = (a >= 0) & (a <= 9) & (b >= 0) & (b <= 9)
    return np.where(good, a * 10 + b, -1)


def _naive_seconds(
    naive: npt.NDArray[np.uint8],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """numpy's own (C) parser on ``YYYY-MM-DDTHH:MM:SS`` rows; rows it refuses are flagged."""
    text = np.ascontiguousarray(naive).view("S19").ravel()
    try:
        return text.astype("datetime64[s]").astype(np.int64), np.zeros(len(text), dtype=bool)
    except ValueError:
        pass
    # Rare: an impossible date such as 2026-02-30. Find the culprits in chunks, then one by one.
    out = np.zeros(len(text), dtype=np.int64)
    bad = np.zeros(len(text), dtype=bool)
    for lo in range(0, len(text), 1024):
        part = text[lo : lo + 1024]
        try:
            out[lo : lo + 1024] = part.astype("datetime64[s]").astype(np.int64)
        except ValueError:
            for k, value in enumerate(part.tolist()):
                try:
                    out[lo + k] = np.datetime64(value.decode("ascii"), "s").astype(np.int64)
                except ValueError:
                    bad[lo + k] = True
    return out, bad


def _uniform_layout(width: int) -> tuple[list[int], bytes] | None:
    """For values of ``width`` bytes ``YYYY-MM-DDTHH:MM:SS[.f…]Z``: the columns of the marks
    (``-``, ``T``, ``:``, ``.``, ``Z``) and the marks."""
    if width != 20 and not 22 <= width <= 31:
        return None
    marks = {4: b"-", 7: b"-", 10: b"T", 13: b":", 16: b":", width - 1: b"Z"}
    if width > 20:
        marks[19] = b"."
    return list(marks), b"".join(marks.values())


_UNIFORM = {w: layout for w in range(20, 32) if (layout := _uniform_layout(w)) is not None}


def _calendar_tables() -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]
]:
    """Days from 1970-01-01 to January 1st of each year 0..9999; for [leap][month], the days
    of the year before the month starts, and the days of the month (proleptic Gregorian)."""
    years = np.arange(10_000)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    starts = np.concatenate(([0], np.cumsum(365 + leap)[:-1]))
    starts -= starts[1970]
    lengths = np.array([[0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]] * 2)
    lengths[1, 2] = 29
    before = np.cumsum(lengths, axis=1) - lengths
    return starts.astype(np.int64), before.astype(np.int64), lengths.astype(np.int64)


_YEAR_STARTS, _DAYS_BEFORE, _MONTH_DAYS = _calendar_tables()
_IS_LEAP = (np.diff(np.append(_YEAR_STARTS, _YEAR_STARTS[-1] + 365)) == 366).astype(np.intp)
_TENS = [0, 2, 5, 8, 11, 14, 17, 20, 22, 24]  # the first digit of YY YY MM DD hh mm ss ff ff ff
_ONES = [t + 1 for t in _TENS]
_WHOLE = 26  # a value's columns read: up to the sixth digit of the fraction (then cut off)


def _parse_uniform(chars: npt.NDArray[np.uint8]) -> Times | None:
    """The values of ``chars`` (rows of one width, no padding) when every one is
    ``YYYY-MM-DDTHH:MM:SS[.f…]Z`` and a real date and time of years 1 to 9999; else None.
    Pure arithmetic: what numpy's parser and :func:`parse_fast` give for these values."""
    n, width = chars.shape
    layout = _UNIFORM.get(width)
    if layout is None:
        return None
    columns, marks = layout
    if not (chars[:, columns] == np.frombuffer(marks, dtype=np.uint8)).all():
        return None
    digits = np.ones(width, dtype=bool)
    digits[columns] = False
    if not ((chars[:, digits] - np.uint8(48)) <= 9).all():
        return None
    if width - 1 >= _WHOLE:
        text = chars[:, :_WHOLE]
    else:  # fewer than six fraction digits: the missing ones are zeros
        text = np.full((n, _WHOLE), 48, dtype=np.uint8)
        text[:, 19 : width - 1] = chars[:, 19 : width - 1]
        text[:, :19] = chars[:, :19]
    tens = text[:, _TENS].astype(np.int16)
    tens *= 10
    tens += text[:, _ONES]
    tens -= 528  # 48 * 11: each pair of digits' number, 0 to 99
    pairs = tens.T.astype(np.int64)  # a row per field: contiguous
    year = pairs[0] * 100 + pairs[1]
    month, day, hour, minute, second = pairs[2:7]
    leap = _IS_LEAP[year]
    ok = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    month = np.clip(month, 0, 12)
    ok &= day <= _MONTH_DAYS[leap, month]
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    if not ok.all():
        return None
    days = _YEAR_STARTS[year] + _DAYS_BEFORE[leap, month] + day - 1
    seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
    micro = (pairs[7] * 100 + pairs[8]) * 100 + pairs[9]
    values: Times = (seconds * 1_000_000 + micro).view("datetime64[us]")
    return values


def parse_fast(raw: npt.NDArray[np.bytes_]) -> tuple[Times, npt.NDArray[np.bool_]]:
    """Parse ``YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM|±HH)`` byte strings in bulk.

    When every value is ``YYYY-MM-DDTHH:MM:SS[.f…]Z`` of one width (what the writer gives),
    they are parsed by arithmetic on their digits alone. Otherwise the layout and the offset
    suffix are checked with numpy on the bytes, the date and time are parsed by numpy's C
    datetime parser, and the offset and fraction are applied arithmetically. Returns the UTC
    values and a mask of the values that did not fit.
    """
    n = len(raw)
    width = raw.dtype.itemsize
    if n == 0:
        return np.empty(0, dtype="datetime64[us]"), np.zeros(0, dtype=bool)
    if width < 20:
        return np.full(n, NAT), np.ones(n, dtype=bool)
    chars = raw.view(np.uint8).reshape(n, width)
    full = chars[:, width - 1] != 0  # as wide as the widest: perhaps all of one layout
    empty = chars[:, 0] == 0  # missing: NaT, and not parsed (the caller skips it)
    if (full | empty).all():
        uniform = _parse_uniform(chars if full.all() else chars[full])
        if uniform is not None:
            if full.all():
                return uniform, empty
            values = np.full(n, NAT)
            values[full] = uniform
            return values, empty
    return _parse_layouts(raw, chars)


def _parse_layouts(
    raw: npt.NDArray[np.bytes_], chars: npt.NDArray[np.uint8]
) -> tuple[Times, npt.NDArray[np.bool_]]:
    """:func:`parse_fast` of values in any of its layouts (``chars``: their bytes)."""
    n, width = chars.shape
    lens = np.strings.str_len(raw).astype(np.intp)
    rows = np.arange(n)
    ok = ((chars[:, _DIGIT_COLS] - np.uint8(48)) <= 9).all(axis=1)
    ok &= (chars[:, 4] == 45) & (chars[:, 7] == 45) & (chars[:, 13] == 58) & (chars[:, 16] == 58)
    ok &= (chars[:, 10] == 84) | (chars[:, 10] == 32) | (chars[:, 10] == 116)  # T, space, t
    ok &= lens >= 20
    last = chars[rows, np.maximum(lens - 1, 0)]
    zulu = (last == 90) | (last == 122)  # Z, z
    # Where the suffix starts; offsets in minutes, for the rows without Z only.
    suffix = np.where(zulu, lens - 1, -1)
    offset = np.zeros(n, dtype=np.int64)
    other = np.flatnonzero(ok & ~zulu)
    if other.size:
        suffix[other], offset[other] = _offsets(chars[other], lens[other])
    ok &= suffix >= 19
    # Fractions of a second between column 19 and the suffix (".5", ".123456", ".123456789").
    frac_us = np.zeros(n, dtype=np.int64)
    has_frac = ok & (chars[:, 19] == 46)
    ok &= has_frac | (suffix == 19)
    fractional = np.flatnonzero(has_frac)
    if fractional.size:
        frac_us[fractional], good = _fractions(chars[fractional], suffix[fractional], width)
        ok[fractional] &= good
    naive = chars[:, :19].copy()
    naive[~ok] = _EPOCH_TEXT
    seconds, refused = _naive_seconds(naive)
    ok &= ~refused
    values = seconds * 1_000_000 + frac_us - offset * 60_000_000
    values[~ok] = np.iinfo(np.int64).min
    return values.view("datetime64[us]"), ~ok


def _offsets(
    sub: npt.NDArray[np.uint8], sub_lens: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """Where the ``±HH:MM`` / ``±HHMM`` / ``±HH`` suffix of each row starts (-1: none or
    broken) and the offset it gives, in minutes."""
    sub_rows = np.arange(len(sub))

    def sign(back: int) -> npt.NDArray[np.int64]:
        c = sub[sub_rows, np.maximum(sub_lens - back, 0)]
        return np.where(c == 45, -1, np.where(c == 43, 1, 0)) * (sub_lens - back >= 19)

    s6, s5, s3 = sign(6), sign(5), sign(3)
    s6 = s6 * (sub[sub_rows, np.maximum(sub_lens - 3, 0)] == 58)
    h6, m6 = _two_digits(sub, sub_lens - 5), _two_digits(sub, sub_lens - 2)
    h5, m5 = _two_digits(sub, np.maximum(sub_lens - 4, 0)), m6
    h3 = m6
    start = np.where(s6 != 0, sub_lens - 6, np.where(s5 != 0, sub_lens - 5, -1))
    start = np.where((s6 == 0) & (s5 == 0) & (s3 != 0), sub_lens - 3, start)
    minutes = np.where(
        s6 != 0,
        s6 * (h6 * 60 + m6),
        np.where(s5 != 0, s5 * (h5 * 60 + m5), s3 * h3 * 60),
    )
    broken = np.where(
        s6 != 0,
        (h6 < 0) | (m6 < 0),
        np.where(s5 != 0, (h5 < 0) | (m5 < 0), (s3 != 0) & (h3 < 0)),
    )
    return np.where(broken, -1, start), minutes


def _fractions(
    sub: npt.NDArray[np.uint8], ends: npt.NDArray[np.intp], width: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The microseconds written between column 20 and ``ends`` (digits after the ``.``;
    beyond six they are cut off), and whether they are all digits (one to ten of them)."""
    good = ends >= 21
    value = np.zeros(len(sub), dtype=np.int64)
    for col in range(20, min(width, 30)):
        inside = col < ends
        digit = sub[:, col].astype(np.int64) - 48
        good &= ~inside | ((digit >= 0) & (digit <= 9))
        if col < 26:
            value += np.where(inside, digit, 0) * 10 ** (25 - col)
    good &= ends <= 30
    return value, good


def parse_timestamps(values: Sequence[str | None] | npt.NDArray[Any]) -> Times:
    """Parse many ISO-8601 timestamps with an offset (or ``Z``) into UTC ``datetime64[us]``.

    Values in the usual layout are parsed in bulk with numpy arithmetic; any other value goes
    through python-dateutil one by one. ``None`` and the empty string become ``NaT``. A value
    that cannot be parsed, or has no timezone, raises :class:`~agilemarketing.errors.InvalidValue`
    naming its position (:func:`read_history` names the file, line and field instead).

    >>> parse_timestamps(["2026-03-02T09:30:00+01:00", "2026-03-02T08:30:00.25Z", None])
    array(['2026-03-02T08:30:00.000000', '2026-03-02T08:30:00.250000',
                                  'NaT'], dtype='datetime64[us]')
    """
    values, bad = parse_timestamp_array(values)
    if bad:
        position, text = bad[0]
        raise InvalidValue(
            "not an ISO-8601 timestamp with a timezone",
            where=f"timestamp #{position}",
            fix="write timestamps like 2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00",
            value=text,
        )
    return values


def parse_timestamp_array(
    values: Sequence[str | None] | npt.NDArray[Any],
) -> tuple[Times, list[tuple[int, str]]]:
    """Bulk parse; also return (position, text) of every value that could not be parsed."""
    texts = list(values)
    if None in texts:
        texts = ["" if v is None else v for v in texts]
    if not texts:
        return np.empty(0, dtype="datetime64[us]"), []
    try:
        raw = np.array(texts, dtype=np.bytes_)
    except UnicodeEncodeError:
        raw = np.array([t.encode("utf-8", "replace") for t in texts], dtype=np.bytes_)
    out, slow = parse_fast(raw)
    bad: list[tuple[int, str]] = []
    for position in np.flatnonzero(slow).tolist():
        text = texts[position]
        if not text.strip():
            continue  # stays NaT: a missing value
        try:
            moment = parse_timestamp(text)
        except AgileMarketingError:
            bad.append((position, text))
            continue
        out[position] = np.datetime64((moment - EPOCH) // _US, "us")
    return out, bad


# --- Converting datetime objects ------------------------------------------------------------------


def to_datetime64(moment: datetime | None) -> np.datetime64:
    """One aware datetime (None: NaT) as UTC ``datetime64[us]``.

    >>> from datetime import datetime, UTC
    >>> to_datetime64(datetime(2026, 3, 2, 8, 30, tzinfo=UTC)), to_datetime64(None)
    (np.datetime64('2026-03-02T08:30:00.000000'), np.datetime64('NaT','us'))
    """
    if moment is None:
        return NAT
    return np.datetime64((moment - EPOCH) // _US, "us")


def datetime64_column(values: list[datetime | None]) -> Times:
    """Aware datetimes (None: NaT) to UTC ``datetime64[us]``, in bulk and exact.

    ``timestamp()`` is a float, exact to the microsecond only near 1970; the whole seconds
    are recovered from it (rounding is exact there) and the microseconds taken as integers.
    """
    seconds = np.array([np.nan if v is None else v.timestamp() for v in values], np.float64)
    micro = np.array([0 if v is None else v.microsecond for v in values], dtype=np.int64)
    missing = np.isnan(seconds)
    whole = np.round(np.where(missing, 0.0, seconds) - micro / 1e6).astype(np.int64)
    out = whole * 1_000_000 + micro
    out[missing] = np.iinfo(np.int64).min
    return out.view("datetime64[us]")


def datetimes(values: Times) -> list[datetime | None]:
    """``datetime64[us]`` (UTC) to aware datetimes (NaT: None), converted by numpy in bulk."""
    naive = values.astype("datetime64[us]").astype(object).tolist()
    return [None if v is None else v.replace(tzinfo=UTC) for v in naive]
