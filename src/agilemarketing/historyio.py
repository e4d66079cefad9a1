"""History JSON Lines: read and write item histories fast, as columns.

One work item per line (the full format is in ``docs/history-format.md``)::

    {"key": "MKT-1", "type": "Email", "status": "Done", "created": "2026-01-05T09:00:00Z",
     "transitions": [{"at": "2026-01-06T10:00:00+01:00", "from": "To Do", "to": "Doing"}]}

:func:`read_history` streams a file in blocks, decodes each block with msgspec into small
structs whose timestamps are still strings, and parses every timestamp of the block at once
with :func:`parse_timestamps` (numpy arithmetic on the bytes, not one ``datetime`` per value).
The result is a :class:`HistoryTable`: numpy columns, one row per item / transition / blocked
period / cycle membership, which :class:`agilemarketing.flow.FlowLog` is built from.

>>> import io
>>> text = io.StringIO(
...     '{"key": "MKT-1", "status": "Done", "created": "2026-01-05T09:00:00Z",'
...     ' "transitions": [{"at": "2026-01-06T10:00:00+01:00", "from": "To Do", "to": "Done"}]}\\n'
... )
>>> table = read_history(text)
>>> len(table), table.n_transitions
(1, 1)
>>> str(table.tr_at[0])
'2026-01-06T09:00:00.000000'
>>> [h.key for h in table.histories()]
['MKT-1']
"""

from __future__ import annotations

import contextlib
import gc
import io
import itertools
import os
import stat
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, Literal, TypeAlias

import attrs
import msgspec
import numpy as np
import numpy.typing as npt

from agilemarketing._time import ensure_utc, parse_timestamp
from agilemarketing.errors import AgileMarketingError, HistoryFormatError, InvalidValue, raise_all
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition

__all__ = [
    "CycleWindow",
    "HistoryTable",
    "iter_histories",
    "parse_timestamps",
    "read_history",
    "write_history",
]

Source: TypeAlias = "str | os.PathLike[str] | IO[str] | IO[bytes]"
Times: TypeAlias = npt.NDArray[np.datetime64]
Ints: TypeAlias = npt.NDArray[np.int32]

_NAT = np.datetime64("NaT", "us")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_BLOCK_BYTES = 4 << 20


# --------------------------------------------------------------------------------------------
# Timestamps, in bulk
# --------------------------------------------------------------------------------------------


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


def _parse_fast(raw: npt.NDArray[np.bytes_]) -> tuple[Times, npt.NDArray[np.bool_]]:
    """Parse ``YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM|±HHMM|±HH)`` byte strings in bulk.

    The layout and the offset suffix are checked with numpy on the bytes, the date and time
    are parsed by numpy's C datetime parser, and the offset and fraction are applied
    arithmetically. Returns the UTC values and a mask of the values that did not fit.
    """
    n = len(raw)
    width = raw.dtype.itemsize
    if n == 0:
        return np.empty(0, dtype="datetime64[us]"), np.zeros(0, dtype=bool)
    if width < 20:
        return np.full(n, _NAT), np.ones(n, dtype=bool)
    chars = raw.view(np.uint8).reshape(n, width)
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
        sub, sub_lens = chars[other], lens[other]
        sub_rows = np.arange(len(other))

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
        suffix[other] = np.where(broken, -1, start)
        offset[other] = minutes
    ok &= suffix >= 19
    # Fractions of a second between column 19 and the suffix (".5", ".123456", ".123456789").
    frac_us = np.zeros(n, dtype=np.int64)
    has_frac = ok & (chars[:, 19] == 46)
    ok &= has_frac | (suffix == 19)
    fractional = np.flatnonzero(has_frac)
    if fractional.size:
        sub, ends = chars[fractional], suffix[fractional]
        good = ends >= 21
        value = np.zeros(len(fractional), dtype=np.int64)
        for col in range(20, min(width, 30)):
            inside = col < ends
            digit = sub[:, col].astype(np.int64) - 48
            good &= ~inside | ((digit >= 0) & (digit <= 9))
            if col < 26:
                value += np.where(inside, digit, 0) * 10 ** (25 - col)
        good &= ends <= 30
        frac_us[fractional] = value
        ok[fractional] &= good
    naive = chars[:, :19].copy()
    naive[~ok] = _EPOCH_TEXT
    seconds, refused = _naive_seconds(naive)
    ok &= ~refused
    values = seconds * 1_000_000 + frac_us - offset * 60_000_000
    values[~ok] = np.iinfo(np.int64).min
    return values.view("datetime64[us]"), ~ok


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
    values, bad = _parse_timestamp_array(values)
    if bad:
        position, text = bad[0]
        raise InvalidValue(
            "not an ISO-8601 timestamp with a timezone",
            where=f"timestamp #{position}",
            fix="write timestamps like 2026-03-02T09:30:00Z or 2026-03-02T10:30:00+01:00",
            value=text,
        )
    return values


def _parse_timestamp_array(
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
    out, slow = _parse_fast(raw)
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
        out[position] = np.datetime64((moment - _EPOCH) // _US, "us")
    return out, bad


def _us(moment: datetime | None) -> np.datetime64:
    if moment is None:
        return _NAT
    return np.datetime64((moment - _EPOCH) // _US, "us")


# --------------------------------------------------------------------------------------------
# The columnar table
# --------------------------------------------------------------------------------------------


def _moment(value: datetime | str) -> datetime:
    return ensure_utc(value)


@attrs.frozen
class CycleWindow:
    """A launch cycle (sprint) as the metrics engine needs it: a name and its timebox.

    >>> from datetime import datetime, UTC
    >>> w = CycleWindow("C1", datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 19, tzinfo=UTC))
    >>> w.name, (w.end - w.start).days
    ('C1', 14)
    """

    name: str
    start: datetime = attrs.field(converter=_moment)
    end: datetime = attrs.field(converter=_moment)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidValue(
                f"cycle {self.name!r} ends before it starts",
                where=f"cycle {self.name}",
                fix="give an end after the start",
            )


def _intern(codes: dict[str, int], values: Sequence[str]) -> Ints:
    """Codes of ``values`` in ``codes`` (new names are appended, first seen first)."""
    for name in dict.fromkeys(values):
        codes.setdefault(name, len(codes))
    return np.fromiter(map(codes.__getitem__, values), dtype=np.int32, count=len(values))


@attrs.frozen(eq=False, repr=False)
class HistoryTable:
    """Item histories as numpy columns (one row per item, transition, blocked period...).

    Item columns: ``keys``, ``summaries``, ``types`` (codes into ``type_names``), ``statuses``
    (codes into ``status_names``: the item's current status), ``created``, ``resolved``,
    ``points`` (NaN when unsized), ``ranks``. Transition columns (``tr_*``): ``tr_item`` (row of
    the item), ``tr_at``, ``tr_from`` (status code, -1 for none), ``tr_to``, ``tr_observed``.
    Labels and sprints are (item, code) pairs; blocked periods are ``blk_item``, ``blk_from``,
    ``blk_to`` (NaT while still blocked); cycle memberships are ``cyc_item``, ``cyc_code``
    (into ``cycle_names``), ``cyc_joined``, ``cyc_left``. ``cycles`` holds the cycle windows
    defined in the file. Timestamps are UTC ``datetime64[us]``, ``NaT`` when missing. Rows
    appear in input order: cleaning up (sorting, duplicates) is the flow log's job.

    >>> from agilemarketing.history import ItemHistory
    >>> t = HistoryTable.from_histories([ItemHistory("A-1", labels=["q2"], points=3)])
    >>> t.keys.tolist(), t.label_names, float(t.points[0])
    (['A-1'], ('q2',), 3.0)
    """

    keys: npt.NDArray[np.str_]
    summaries: tuple[str, ...]
    types: Ints
    type_names: tuple[str, ...]
    statuses: Ints
    status_names: tuple[str, ...]
    created: Times
    resolved: Times
    points: npt.NDArray[np.float64]
    ranks: tuple[str | None, ...]
    tr_item: Ints
    tr_at: Times
    tr_from: Ints
    tr_to: Ints
    tr_observed: npt.NDArray[np.bool_]
    label_item: Ints
    label_code: Ints
    label_names: tuple[str, ...]
    sprint_item: Ints
    sprint_code: Ints
    sprint_names: tuple[str, ...]
    blk_item: Ints
    blk_from: Times
    blk_to: Times
    cyc_item: Ints
    cyc_code: Ints
    cyc_joined: Times
    cyc_left: Times
    cycle_names: tuple[str, ...]
    cycles: tuple[CycleWindow, ...] = ()

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return (
            f"<HistoryTable {len(self)} items, {self.n_transitions} transitions, "
            f"{len(self.status_names)} statuses, {len(self.cycles)} cycles>"
        )

    @property
    def n_transitions(self) -> int:
        """How many transitions the table holds.

        >>> HistoryTable.from_histories([]).n_transitions
        0
        """
        return len(self.tr_item)

    @property
    def nbytes(self) -> int:
        """Bytes held by the numpy columns.

        >>> HistoryTable.from_histories([]).nbytes
        0
        """
        return sum(
            v.nbytes for v in attrs.asdict(self, recurse=False).values() if hasattr(v, "nbytes")
        )

    @classmethod
    def from_histories(
        cls, histories: Iterable[ItemHistory], *, cycles: Iterable[CycleWindow] = ()
    ) -> HistoryTable:
        """Columns from in-memory :class:`~agilemarketing.history.ItemHistory` objects.

        This is how adapters' output reaches the metrics engine.

        >>> HistoryTable.from_histories([ItemHistory("A-1")]).keys.tolist()
        ['A-1']
        """
        return _from_histories(histories, cycles)

    @classmethod
    def concat(cls, tables: Sequence[HistoryTable]) -> HistoryTable:
        """One table from several (codes are re-mapped into shared name lists).

        >>> a = HistoryTable.from_histories([ItemHistory("A", status="Doing")])
        >>> b = HistoryTable.from_histories([ItemHistory("B", status="Done")])
        >>> HistoryTable.concat([a, b]).status_names
        ('Doing', 'Done')
        """
        if len(tables) == 1:
            return tables[0]
        b = _Builder()
        for t in tables:
            b.add_table(t)
        return b.build()

    def histories(self) -> Iterator[ItemHistory]:
        """Yield each row as an :class:`~agilemarketing.history.ItemHistory` (the object path:
        slower than the columns, for adapters and tools that want objects).

        Cycle memberships are not part of ``ItemHistory`` and are left out.

        >>> t = HistoryTable.from_histories([ItemHistory("A-1", points=2)])
        >>> next(t.histories()).points
        2.0
        """
        n = len(self)
        # Columns to plain Python lists once; datetimes converted in bulk by numpy.
        names = [*self.status_names, None]  # code -1 ("no status") picks the None at the end
        tr_at = _datetimes(self.tr_at)
        tr_from = [names[c] for c in self.tr_from.tolist()]
        tr_to = [names[c] for c in self.tr_to.tolist()]
        observed = self.tr_observed.tolist()
        created, resolved = _datetimes(self.created), _datetimes(self.resolved)
        blk_from, blk_to = _datetimes(self.blk_from), _datetimes(self.blk_to)
        labels = [self.label_names[c] for c in self.label_code.tolist()]
        sprints = [self.sprint_names[c] for c in self.sprint_code.tolist()]
        types = [self.type_names[c] for c in self.types.tolist()]
        statuses = [names[c] for c in self.statuses.tolist()]
        points = [None if np.isnan(v) else v for v in self.points.tolist()]
        tr, lab = _group(self.tr_item, n), _group(self.label_item, n)
        spr, blk = _group(self.sprint_item, n), _group(self.blk_item, n)
        for i, key in enumerate(self.keys.tolist()):
            yield ItemHistory(
                key=key,
                summary=self.summaries[i],
                type=types[i],
                status=statuses[i] or "",
                created=created[i],
                resolved=resolved[i],
                points=points[i],
                labels=[labels[k] for k in lab[i].tolist()],
                sprints=[sprints[k] for k in spr[i].tolist()],
                transitions=[
                    Transition(tr_at[k], tr_from[k], tr_to[k] or "", observed=observed[k])
                    for k in tr[i].tolist()
                ],
                blocked=[BlockedPeriod(blk_from[k] or _EPOCH, blk_to[k]) for k in blk[i].tolist()],
                rank=self.ranks[i],
            )

    def until(self, moment: datetime | str) -> HistoryTable:
        """The histories as they stood at ``moment``: later events are dropped.

        Items created after it disappear; transitions, blocked periods and cycle memberships
        after it are dropped (a period or membership still running then is open again); each
        item's ``status`` becomes the one it had then; cycles starting later are dropped.

        >>> from agilemarketing.history import ItemHistory, Transition
        >>> t = HistoryTable.from_histories([
        ...     ItemHistory("A", status="Done", created="2026-01-01T09:00Z", transitions=[
        ...         Transition("2026-01-02T09:00Z", "To Do", "Doing"),
        ...         Transition("2026-01-05T09:00Z", "Doing", "Done")]),
        ...     ItemHistory("B", status="To Do", created="2026-01-04T09:00Z")])
        >>> then = t.until("2026-01-03T00:00Z")
        >>> then.keys.tolist(), then.n_transitions, then.status_names[then.statuses[0]]
        (['A'], 1, 'Doing')
        """
        cut = _us(ensure_utc(moment))
        keep_item = np.isnat(self.created) | (self.created <= cut)
        keep_tr = keep_item[self.tr_item] & (self.tr_at <= cut)
        # The status each item had at the cut: its last kept transition's "to"; when every
        # transition came later, the first one's "from".
        order = np.lexsort((self.tr_at.view(np.int64), self.tr_item))
        item, kept = self.tr_item[order], keep_tr[order]
        status = self.statuses.copy()
        first = np.ones(len(item), dtype=bool)
        first[1:] = item[1:] != item[:-1]
        earliest_from = self.tr_from[order][first]
        had_any = item[first]
        known = earliest_from >= 0
        status[had_any[known]] = earliest_from[known]
        last_kept = np.ones(int(kept.sum()), dtype=bool)
        kept_items = item[kept]
        last_kept[:-1] = kept_items[1:] != kept_items[:-1]
        status[kept_items[last_kept]] = self.tr_to[order][kept][last_kept]
        new_index = np.cumsum(keep_item) - 1

        def rows(owner: Ints, extra: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.bool_]:
            mask = keep_item[owner]
            return mask if extra is None else mask & extra

        def reindex(owner: Ints, mask: npt.NDArray[np.bool_]) -> Ints:
            return new_index[owner[mask]].astype(np.int32)

        def reopen(ends: Times, mask: npt.NDArray[np.bool_]) -> Times:
            out = ends[mask].copy()
            out[out > cut] = _NAT
            return out

        keep_blk = rows(self.blk_item, self.blk_from <= cut)
        keep_cyc = rows(self.cyc_item, np.isnat(self.cyc_joined) | (self.cyc_joined <= cut))
        keep_lab, keep_spr = rows(self.label_item), rows(self.sprint_item)
        picked = np.flatnonzero(keep_item).tolist()
        return attrs.evolve(
            self,
            keys=self.keys[keep_item],
            summaries=tuple(self.summaries[i] for i in picked),
            types=self.types[keep_item],
            statuses=status[keep_item],
            created=self.created[keep_item],
            resolved=reopen(self.resolved, keep_item),
            points=self.points[keep_item],
            ranks=tuple(self.ranks[i] for i in picked),
            tr_item=reindex(self.tr_item, keep_tr),
            tr_at=self.tr_at[keep_tr],
            tr_from=self.tr_from[keep_tr],
            tr_to=self.tr_to[keep_tr],
            tr_observed=self.tr_observed[keep_tr],
            label_item=reindex(self.label_item, keep_lab),
            label_code=self.label_code[keep_lab],
            sprint_item=reindex(self.sprint_item, keep_spr),
            sprint_code=self.sprint_code[keep_spr],
            blk_item=reindex(self.blk_item, keep_blk),
            blk_from=self.blk_from[keep_blk],
            blk_to=reopen(self.blk_to, keep_blk),
            cyc_item=reindex(self.cyc_item, keep_cyc),
            cyc_code=self.cyc_code[keep_cyc],
            cyc_joined=self.cyc_joined[keep_cyc],
            cyc_left=reopen(self.cyc_left, keep_cyc),
            cycles=tuple(w for w in self.cycles if w.start <= ensure_utc(moment)),
        )

    def to_jsonl(self, dest: str | os.PathLike[str] | IO[str]) -> None:
        """Write the table as history JSON Lines (see :func:`write_history`).

        >>> import io
        >>> out = io.StringIO()
        >>> HistoryTable.from_histories([ItemHistory("A-1")]).to_jsonl(out)
        >>> out.getvalue()
        '{"key":"A-1","summary":"","type":"","status":""}\\n'
        """
        write_history(self, dest)


def _moments(values: list[datetime | None]) -> Times:
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


def _from_histories(
    histories: Iterable[ItemHistory], cycles: Iterable[CycleWindow]
) -> HistoryTable:
    """One pass over the objects into plain lists, then every column built at once."""
    keys: list[str] = []
    summaries: list[str] = []
    types: list[str] = []
    statuses: list[str] = []
    created: list[datetime | None] = []
    resolved: list[datetime | None] = []
    points: list[float] = []
    ranks: list[str | None] = []
    transitions: list[Transition] = []
    tr_n: list[int] = []
    labels: list[str] = []
    label_n: list[int] = []
    sprints: list[str] = []
    sprint_n: list[int] = []
    blocked: list[BlockedPeriod] = []
    blocked_n: list[int] = []
    for h in histories:
        keys.append(h.key)
        summaries.append(h.summary)
        types.append(h.type)
        statuses.append(h.status)
        created.append(h.created)
        resolved.append(h.resolved)
        points.append(np.nan if h.points is None else h.points)
        ranks.append(h.rank)
        transitions.extend(h.transitions)
        tr_n.append(len(h.transitions))
        labels.extend(h.labels)
        label_n.append(len(h.labels))
        sprints.extend(h.sprints)
        sprint_n.append(len(h.sprints))
        blocked.extend(h.blocked)
        blocked_n.append(len(h.blocked))
    rows = np.arange(len(keys), dtype=np.int32)
    m = len(transitions)
    codes: defaultdict[str | None, int] = defaultdict(itertools.count().__next__)
    codes[None] = -1
    status_now = np.fromiter(map(codes.__getitem__, statuses), np.int32, len(statuses))
    tr_to = np.fromiter(
        map(codes.__getitem__, map(attrgetter("to_status"), transitions)), np.int32, m
    )
    tr_from = np.fromiter(
        map(codes.__getitem__, map(attrgetter("from_status"), transitions)), np.int32, m
    )
    type_codes: dict[str, int] = {}
    label_codes: dict[str, int] = {}
    sprint_codes: dict[str, int] = {}
    nat = np.empty(0, dtype="datetime64[us]")
    empty = np.empty(0, dtype=np.int32)
    return HistoryTable(
        keys=np.array(keys, dtype=np.str_),
        summaries=tuple(summaries),
        types=_intern(type_codes, types),
        type_names=tuple(type_codes),
        statuses=status_now,
        status_names=tuple(k for k in codes if k is not None),
        created=_moments(created),
        resolved=_moments(resolved),
        points=np.array(points, dtype=np.float64),
        ranks=tuple(ranks),
        tr_item=np.repeat(rows, tr_n),
        tr_at=_moments(list(map(attrgetter("at"), transitions))),
        tr_from=tr_from,
        tr_to=tr_to,
        tr_observed=np.fromiter(map(attrgetter("observed"), transitions), bool, m),
        label_item=np.repeat(rows, label_n),
        label_code=_intern(label_codes, labels),
        label_names=tuple(label_codes),
        sprint_item=np.repeat(rows, sprint_n),
        sprint_code=_intern(sprint_codes, sprints),
        sprint_names=tuple(sprint_codes),
        blk_item=np.repeat(rows, blocked_n),
        blk_from=_moments(list(map(attrgetter("start"), blocked))),
        blk_to=_moments(list(map(attrgetter("end"), blocked))),
        cyc_item=empty,
        cyc_code=empty,
        cyc_joined=nat,
        cyc_left=nat,
        cycle_names=(),
        cycles=tuple(cycles),
    )


def _datetimes(values: Times) -> list[datetime | None]:
    """``datetime64[us]`` (UTC) to aware datetimes (NaT: None), converted by numpy in bulk."""
    naive = values.astype("datetime64[us]").astype(object).tolist()
    return [None if v is None else v.replace(tzinfo=UTC) for v in naive]


def _group(item: Ints, n: int) -> list[npt.NDArray[np.intp]]:
    """Row positions per item, in input order."""
    order = np.argsort(item, kind="stable")
    bounds = np.searchsorted(item[order], np.arange(n + 1))
    return [order[bounds[i] : bounds[i + 1]] for i in range(n)]


@attrs.define
class _Builder:
    """Accumulates column chunks, then concatenates them once."""

    keys: list[str] = attrs.Factory(list)
    summaries: list[str] = attrs.Factory(list)
    types: list[Ints] = attrs.Factory(list)
    type_codes: dict[str, int] = attrs.Factory(dict)
    statuses: list[Ints] = attrs.Factory(list)
    status_codes: dict[str, int] = attrs.Factory(dict)
    created: list[Times] = attrs.Factory(list)
    resolved: list[Times] = attrs.Factory(list)
    points: list[npt.NDArray[np.float64]] = attrs.Factory(list)
    ranks: list[str | None] = attrs.Factory(list)
    tr_item: list[Ints] = attrs.Factory(list)
    tr_at: list[Times] = attrs.Factory(list)
    tr_from: list[Ints] = attrs.Factory(list)
    tr_to: list[Ints] = attrs.Factory(list)
    tr_observed: list[npt.NDArray[np.bool_]] = attrs.Factory(list)
    label_item: list[Ints] = attrs.Factory(list)
    label_code: list[Ints] = attrs.Factory(list)
    label_codes: dict[str, int] = attrs.Factory(dict)
    sprint_item: list[Ints] = attrs.Factory(list)
    sprint_code: list[Ints] = attrs.Factory(list)
    sprint_codes: dict[str, int] = attrs.Factory(dict)
    blk_item: list[Ints] = attrs.Factory(list)
    blk_from: list[Times] = attrs.Factory(list)
    blk_to: list[Times] = attrs.Factory(list)
    cyc_item: list[Ints] = attrs.Factory(list)
    cyc_code: list[Ints] = attrs.Factory(list)
    cyc_joined: list[Times] = attrs.Factory(list)
    cyc_left: list[Times] = attrs.Factory(list)
    cycle_codes: dict[str, int] = attrs.Factory(dict)
    cycles: list[CycleWindow] = attrs.Factory(list)

    def add_table(self, t: HistoryTable) -> None:
        base = len(self.keys)
        self.keys.extend(t.keys.tolist())
        self.summaries.extend(t.summaries)
        self.ranks.extend(t.ranks)
        self.types.append(_recode(self.type_codes, t.type_names, t.types))
        self.statuses.append(_recode(self.status_codes, t.status_names, t.statuses))
        self.created.append(t.created)
        self.resolved.append(t.resolved)
        self.points.append(t.points)
        self.tr_item.append(t.tr_item + base)
        self.tr_at.append(t.tr_at)
        self.tr_from.append(_recode(self.status_codes, t.status_names, t.tr_from))
        self.tr_to.append(_recode(self.status_codes, t.status_names, t.tr_to))
        self.tr_observed.append(t.tr_observed)
        self.label_item.append(t.label_item + base)
        self.label_code.append(_recode(self.label_codes, t.label_names, t.label_code))
        self.sprint_item.append(t.sprint_item + base)
        self.sprint_code.append(_recode(self.sprint_codes, t.sprint_names, t.sprint_code))
        self.blk_item.append(t.blk_item + base)
        self.blk_from.append(t.blk_from)
        self.blk_to.append(t.blk_to)
        self.cyc_item.append(t.cyc_item + base)
        self.cyc_code.append(_recode(self.cycle_codes, t.cycle_names, t.cyc_code))
        self.cyc_joined.append(t.cyc_joined)
        self.cyc_left.append(t.cyc_left)
        self.cycles.extend(t.cycles)

    def build(self) -> HistoryTable:
        def cat_i(parts: list[Ints]) -> Ints:
            return np.concatenate(parts).astype(np.int32) if parts else np.empty(0, np.int32)

        def cat_t(parts: list[Times]) -> Times:
            return (
                np.concatenate(parts).astype("datetime64[us]")
                if parts
                else np.empty(0, "datetime64[us]")
            )

        def names(codes: dict[str, int]) -> tuple[str, ...]:
            return tuple(codes)

        return HistoryTable(
            keys=np.array(self.keys, dtype=np.str_),
            summaries=tuple(self.summaries),
            types=cat_i(self.types),
            type_names=names(self.type_codes),
            statuses=cat_i(self.statuses),
            status_names=names(self.status_codes),
            created=cat_t(self.created),
            resolved=cat_t(self.resolved),
            points=np.concatenate(self.points) if self.points else np.empty(0),
            ranks=tuple(self.ranks),
            tr_item=cat_i(self.tr_item),
            tr_at=cat_t(self.tr_at),
            tr_from=cat_i(self.tr_from),
            tr_to=cat_i(self.tr_to),
            tr_observed=(
                np.concatenate(self.tr_observed) if self.tr_observed else np.empty(0, bool)
            ),
            label_item=cat_i(self.label_item),
            label_code=cat_i(self.label_code),
            label_names=names(self.label_codes),
            sprint_item=cat_i(self.sprint_item),
            sprint_code=cat_i(self.sprint_code),
            sprint_names=names(self.sprint_codes),
            blk_item=cat_i(self.blk_item),
            blk_from=cat_t(self.blk_from),
            blk_to=cat_t(self.blk_to),
            cyc_item=cat_i(self.cyc_item),
            cyc_code=cat_i(self.cyc_code),
            cyc_joined=cat_t(self.cyc_joined),
            cyc_left=cat_t(self.cyc_left),
            cycle_names=names(self.cycle_codes),
            cycles=tuple(self.cycles),
        )


def _recode(codes: dict[str, int], names: Sequence[str], values: Ints) -> Ints:
    mapping = np.array([codes.setdefault(n, len(codes)) for n in names] + [-1], dtype=np.int32)
    return mapping[values]  # -1 indexes the trailing -1: "no status" stays -1


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


class _TransitionLine(msgspec.Struct, gc=False):
    at: str
    to: str
    from_: str | None = msgspec.field(default=None, name="from")
    observed: bool = False


class _PeriodLine(msgspec.Struct, gc=False):
    from_: str = msgspec.field(name="from")
    to: str | None = None


class _MembershipLine(msgspec.Struct, gc=False):
    name: str
    joined: str | None = None
    left: str | None = None


class _CycleLine(msgspec.Struct, gc=False):
    name: str
    start: str
    end: str


class _Line(msgspec.Struct, gc=False):
    key: str | None = None
    summary: str = ""
    type: str = ""
    status: str = ""
    created: str | None = None
    resolved: str | None = None
    points: float | None = None
    labels: list[str] = msgspec.field(default_factory=list)
    sprints: list[str] = msgspec.field(default_factory=list)
    transitions: list[_TransitionLine] = msgspec.field(default_factory=list)
    blocked: list[_PeriodLine] = msgspec.field(default_factory=list)
    cycles: list[_MembershipLine] = msgspec.field(default_factory=list)
    rank: str | None = None
    cycle: _CycleLine | None = None


_DECODER = msgspec.json.Decoder(_Line)


def _name_of(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


def _blocks(source: Source) -> Iterator[tuple[int, int, bytes]]:
    """Yield (first line number, number of lines, block of whole lines) from a path or file."""
    if isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as fh:
            yield from _blocks(fh)
        return
    line_no = 1
    rest = b""
    while True:
        chunk = source.read(_BLOCK_BYTES)
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        if not chunk:
            break
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest = data
            continue
        block, rest = data[:cut], data[cut:]
        count = block.count(b"\n")
        yield line_no, count, block
        line_no += count
    if rest.strip():
        yield line_no, 1, rest + b"\n"


def _field_of(message: str) -> str:
    # msgspec says "... - at `$.transitions[0].at`"
    if "`$" in message:
        return message.rsplit("`$", 1)[1].rstrip("`").lstrip(".") or "(line)"
    return "(line)"


def _decode_block(
    name: str, first_line: int, count: int, block: bytes, problems: list[AgileMarketingError]
) -> tuple[list[_Line], Sequence[int]]:
    """The decoded lines of a block and their line numbers."""
    try:
        lines = _DECODER.decode_lines(block)
    except msgspec.DecodeError:
        lines = None
    if lines is not None and count == len(lines):
        return lines, range(first_line, first_line + count)
    # Slow path: find the bad lines (and skip blank ones).
    decoded: list[_Line] = []
    numbers: list[int] = []
    for offset, raw in enumerate(block.split(b"\n")[:-1]):
        if not raw.strip():
            continue
        line_no = first_line + offset
        try:
            decoded.append(_DECODER.decode(raw))
            numbers.append(line_no)
        except msgspec.DecodeError as exc:
            problems.append(
                HistoryFormatError(
                    str(exc).split(" - at ")[0], file=name, line=line_no, field=_field_of(str(exc))
                )
            )
    return decoded, numbers


def _no_none(values: Sequence[str | None]) -> Sequence[str]:
    """The values with None (a missing timestamp) as the empty string."""
    if None in values:
        return ["" if v is None else v for v in values]
    return values  # type: ignore[return-value]  # checked: no None inside


def _table_of_lines(
    name: str,
    lines: list[_Line],
    numbers: Sequence[int],
    problems: list[AgileMarketingError],
    max_errors: int,
    observed: bool = True,
) -> HistoryTable:
    b = _Builder()
    keys = list(map(attrgetter("key"), lines))
    if None not in keys and "" not in keys:  # the common case: every line is an item
        items, item_lines = lines, numbers
        b.keys = keys
    else:
        items, item_lines = _sort_out_lines(name, lines, numbers, b, problems)
        b.keys = [it.key or "" for it in items]
    return _table_columns(name, b, items, item_lines, problems, max_errors, observed)


def _sort_out_lines(
    name: str,
    lines: list[_Line],
    numbers: Sequence[int],
    b: _Builder,
    problems: list[AgileMarketingError],
) -> tuple[list[_Line], list[int]]:
    """Cycle definitions go to ``b.cycles``, lines without a key become problems."""
    items: list[_Line] = []
    item_lines: list[int] = []
    for line_no, line in zip(numbers, lines, strict=True):
        if line.cycle is not None and line.key is None:
            try:
                b.cycles.append(CycleWindow(line.cycle.name, line.cycle.start, line.cycle.end))
            except AgileMarketingError as exc:
                problems.append(
                    HistoryFormatError(exc.what, file=name, line=line_no, field="cycle")
                )
            continue
        if line.key is None or not line.key.strip():
            problems.append(
                HistoryFormatError("the item has no key", file=name, line=line_no, field="key")
            )
            continue
        items.append(line)
        item_lines.append(line_no)
    return items, item_lines


def _table_columns(
    name: str,
    b: _Builder,
    items: list[_Line],
    item_lines: Sequence[int],
    problems: list[AgileMarketingError],
    max_errors: int,
    observed: bool,
) -> HistoryTable:
    n = len(items)
    flat = itertools.chain.from_iterable
    b.summaries = list(map(attrgetter("summary"), items))
    b.ranks = list(map(attrgetter("rank"), items))
    b.types.append(_intern(b.type_codes, list(map(attrgetter("type"), items))))
    # Statuses get their codes in one pass each (a defaultdict numbers new names as met).
    codes: defaultdict[str | None, int] = defaultdict(itertools.count().__next__)
    codes[None] = -1
    b.statuses.append(
        np.fromiter(map(codes.__getitem__, map(attrgetter("status"), items)), np.int32, n)
    )
    b.points.append(
        np.array([np.nan if it.points is None else it.points for it in items], dtype=np.float64)
    )

    def lengths(attr: str) -> npt.NDArray[np.intp]:
        return np.fromiter(map(len, map(attrgetter(attr), items)), dtype=np.intp, count=n)

    tr_n = lengths("transitions")
    trs = list(flat(map(attrgetter("transitions"), items)))
    m = len(trs)
    tr_item = np.repeat(np.arange(n, dtype=np.int32), tr_n)
    b.tr_item.append(tr_item)
    b.tr_to.append(np.fromiter(map(codes.__getitem__, map(attrgetter("to"), trs)), np.int32, m))
    b.tr_from.append(
        np.fromiter(map(codes.__getitem__, map(attrgetter("from_"), trs)), np.int32, m)
    )
    b.status_codes = {status: code for status, code in codes.items() if status is not None}
    if observed:
        b.tr_observed.append(np.fromiter(map(attrgetter("observed"), trs), bool, m))
    else:
        b.tr_observed.append(np.zeros(m, dtype=bool))
    lab_n = lengths("labels")
    b.label_item.append(np.repeat(np.arange(n, dtype=np.int32), lab_n))
    b.label_code.append(_intern(b.label_codes, list(flat(map(attrgetter("labels"), items)))))
    spr_n = lengths("sprints")
    b.sprint_item.append(np.repeat(np.arange(n, dtype=np.int32), spr_n))
    b.sprint_code.append(_intern(b.sprint_codes, list(flat(map(attrgetter("sprints"), items)))))
    blk_n = lengths("blocked")
    blks = list(flat(map(attrgetter("blocked"), items)))
    b.blk_item.append(np.repeat(np.arange(n, dtype=np.int32), blk_n))
    cyc_n = lengths("cycles")
    cycs = list(flat(map(attrgetter("cycles"), items)))
    b.cyc_item.append(np.repeat(np.arange(n, dtype=np.int32), cyc_n))
    b.cyc_code.append(_intern(b.cycle_codes, [c.name for c in cycs]))

    # Every timestamp of the block, parsed in one call; bad ones located afterwards.
    fields: list[tuple[str, npt.NDArray[np.int32], Sequence[str | None]]] = [
        ("created", np.arange(n, dtype=np.int32), list(map(attrgetter("created"), items))),
        ("resolved", np.arange(n, dtype=np.int32), list(map(attrgetter("resolved"), items))),
        ("transitions[].at", tr_item, list(map(attrgetter("at"), trs))),
        ("blocked[].from", b.blk_item[0], [p.from_ for p in blks]),
        ("blocked[].to", b.blk_item[0], [p.to for p in blks]),
        ("cycles[].joined", b.cyc_item[0], [c.joined for c in cycs]),
        ("cycles[].left", b.cyc_item[0], [c.left for c in cycs]),
    ]
    everything = list(itertools.chain.from_iterable(_no_none(f[2]) for f in fields))
    parsed, bad = _parse_timestamp_array(everything)
    if bad:
        starts = np.cumsum([0] + [len(vals) for _, _, vals in fields])
        for position, text in bad[: max(max_errors - len(problems), 0)]:
            f = int(np.searchsorted(starts, position, side="right")) - 1
            row = int(fields[f][1][position - starts[f]])
            problems.append(
                HistoryFormatError(
                    f"not an ISO-8601 timestamp with a timezone: {text!r}",
                    file=name,
                    line=item_lines[row],
                    field=fields[f][0],
                    key=b.keys[row],
                )
            )
    pieces = np.split(parsed, np.cumsum([len(vals) for _, _, vals in fields])[:-1])
    b.created.append(pieces[0])
    b.resolved.append(pieces[1])
    b.tr_at.append(pieces[2])
    b.blk_from.append(pieces[3])
    b.blk_to.append(pieces[4])
    b.cyc_joined.append(pieces[5])
    b.cyc_left.append(pieces[6])
    missing_at = np.flatnonzero(np.isnat(pieces[2]))
    for k in missing_at[: max(max_errors - len(problems), 0)].tolist():
        row = int(tr_item[k])
        if not any(p for p in bad if p[1] == trs[k].at):
            problems.append(
                HistoryFormatError(
                    "a transition has no time",
                    file=name,
                    line=item_lines[row],
                    field="transitions[].at",
                    key=b.keys[row],
                )
            )
    return b.build()


def _read_tables(source: Source, max_errors: int) -> Iterator[HistoryTable]:
    name = _name_of(source)
    problems: list[AgileMarketingError] = []
    for first_line, count, block in _blocks(source):
        lines, numbers = _decode_block(name, first_line, count, block, problems)
        # "observed" is rare: only look at each transition's flag when the block mentions it
        table = _table_of_lines(
            name, lines, numbers, problems, max_errors, observed=b'"observed"' in block
        )
        if len(problems) >= max_errors:
            break
        if not problems:
            yield table
    raise_all(problems[:max_errors], f"invalid history file {name}")


def read_history(source: Source, *, max_errors: int = 20) -> HistoryTable:
    """Read a history JSON Lines file (or open text/binary stream) into a :class:`HistoryTable`.

    The file is streamed in blocks of a few megabytes; each block's timestamps are parsed in
    bulk. Every problem found (bad JSON, a wrong type, a missing key, a timestamp without a
    timezone...) becomes a :class:`~agilemarketing.errors.HistoryFormatError` naming the file,
    line and field; up to ``max_errors`` of them are raised together.

    >>> import io
    >>> read_history(io.StringIO('{"key": "A-1", "created": "yesterday"}\\n'))
    Traceback (most recent call last):
    ...
    agilemarketing.errors.HistoryFormatError: file <stream>, line 1, field 'created', item A-1: \
not an ISO-8601 timestamp with a timezone: 'yesterday'. Fix: ...
    """
    # Decoding creates millions of short-lived containers; the cyclic garbage collector only
    # slows that down (none of them can form a cycle), so it pauses while the file is read.
    paused = gc.isenabled()
    gc.disable()
    try:
        tables = list(_read_tables(source, max_errors))
    finally:
        if paused:
            gc.enable()
    if not tables:
        return _Builder().build()
    return HistoryTable.concat(tables)


def iter_histories(source: Source, *, max_errors: int = 20) -> Iterator[ItemHistory]:
    """Stream a history JSON Lines file as :class:`~agilemarketing.history.ItemHistory` objects.

    Memory stays flat (one block at a time); for metrics prefer :func:`read_history`, which
    never builds one object per transition.

    >>> import io
    >>> [h.key for h in iter_histories(io.StringIO('{"key": "A-1"}\\n{"key": "A-2"}\\n'))]
    ['A-1', 'A-2']
    """
    for table in _read_tables(source, max_errors):
        yield from table.histories()


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _iso(values: Times) -> list[str | None]:
    if len(values) == 0:
        return []
    ints = values.astype(np.int64)
    unit: Literal["s", "us"] = (
        "s" if bool(np.all((ints % 1_000_000 == 0) | np.isnat(values))) else "us"
    )
    text = np.datetime_as_string(values, unit=unit)
    return [None if t == "NaT" else t + "Z" for t in text.tolist()]


def write_history(
    histories: HistoryTable | Iterable[ItemHistory], dest: str | os.PathLike[str] | IO[str]
) -> None:
    """Write histories as JSON Lines (UTC timestamps with ``Z``); :func:`read_history` reads
    back exactly the same table.

    A path is written atomically: into a temporary file beside it, moved over ``dest`` only
    once every line is written, so a failure half-way leaves an existing file as it was.

    >>> import io
    >>> from agilemarketing.history import ItemHistory
    >>> out = io.StringIO()
    >>> write_history([ItemHistory("A-1", status="Done")], out)
    >>> out.getvalue()
    '{"key":"A-1","summary":"","type":"","status":"Done"}\\n'
    """
    table = (
        histories if isinstance(histories, HistoryTable) else HistoryTable.from_histories(histories)
    )
    if isinstance(dest, str | os.PathLike):
        _write_atomically(table, Path(dest))
    else:
        _write(table, dest)


def _write_atomically(table: HistoryTable, target: Path) -> None:
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    # os.open applies the umask like a plain open() would (mkstemp would give 0600).
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(descriptor, "w", encoding="utf-8", newline="\n") as fh:
            _write(table, fh)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _write(t: HistoryTable, out: IO[str]) -> None:
    encoder = msgspec.json.Encoder()
    buffer = io.StringIO()
    for window in t.cycles:
        line = {
            "cycle": {
                "name": window.name,
                "start": window.start.isoformat().replace("+00:00", "Z"),
                "end": window.end.isoformat().replace("+00:00", "Z"),
            }
        }
        buffer.write(encoder.encode(line).decode() + "\n")
    n = len(t)
    created, resolved = _iso(t.created), _iso(t.resolved)
    at = _iso(t.tr_at)
    bfrom, bto = _iso(t.blk_from), _iso(t.blk_to)
    joined, left = _iso(t.cyc_joined), _iso(t.cyc_left)
    tr, lab, spr = _group(t.tr_item, n), _group(t.label_item, n), _group(t.sprint_item, n)
    blk, cyc = _group(t.blk_item, n), _group(t.cyc_item, n)
    names = t.status_names
    for i, key in enumerate(t.keys.tolist()):
        row: dict[str, Any] = {
            "key": key,
            "summary": t.summaries[i],
            "type": t.type_names[t.types[i]],
            "status": names[t.statuses[i]],
        }
        if created[i] is not None:
            row["created"] = created[i]
        if resolved[i] is not None:
            row["resolved"] = resolved[i]
        if not np.isnan(t.points[i]):
            row["points"] = float(t.points[i])
        if len(lab[i]):
            row["labels"] = [t.label_names[c] for c in t.label_code[lab[i]].tolist()]
        if len(spr[i]):
            row["sprints"] = [t.sprint_names[c] for c in t.sprint_code[spr[i]].tolist()]
        if len(tr[i]):
            row["transitions"] = [
                _transition(at[k], t.tr_from[k], names[t.tr_to[k]], bool(t.tr_observed[k]), names)
                for k in tr[i].tolist()
            ]
        if len(blk[i]):
            row["blocked"] = [
                {"from": bfrom[k]} | ({"to": bto[k]} if bto[k] is not None else {})
                for k in blk[i].tolist()
            ]
        if len(cyc[i]):
            row["cycles"] = [
                {"name": t.cycle_names[t.cyc_code[k]]}
                | ({"joined": joined[k]} if joined[k] is not None else {})
                | ({"left": left[k]} if left[k] is not None else {})
                for k in cyc[i].tolist()
            ]
        if t.ranks[i] is not None:
            row["rank"] = t.ranks[i]
        buffer.write(encoder.encode(row).decode() + "\n")
        if buffer.tell() > _BLOCK_BYTES:
            out.write(buffer.getvalue())
            buffer = io.StringIO()
    out.write(buffer.getvalue())


def _transition(
    at: str | None, frm: np.int32, to: str, observed: bool, names: tuple[str, ...]
) -> dict[str, Any]:
    row: dict[str, Any] = {"at": at, "from": None if frm < 0 else names[frm], "to": to}
    if observed:
        row["observed"] = True
    return row
