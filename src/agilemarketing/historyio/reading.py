"""Reading history JSON Lines into a :class:`~agilemarketing.historyio.HistoryTable`.

The file is streamed in blocks (:mod:`agilemarketing.historyio.lines`); the lines of a block
become columns in a few bulk passes (one per field, names coded as they are met), and every
timestamp of the block is parsed in one call. Problems are collected, each naming its file,
line, field and item, and raised together at the end.
"""

from __future__ import annotations

import gc
import itertools
import os
from collections import defaultdict
from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from agilemarketing.errors import AgileMarketingError, HistoryFormatError, raise_all
from agilemarketing.history import ItemHistory
from agilemarketing.historyio.builder import TableBuilder
from agilemarketing.historyio.checks import value_fix, value_problems
from agilemarketing.historyio.columns import CycleWindow, Ints, intern_codes
from agilemarketing.historyio.lines import (
    Line,
    MembershipLine,
    PeriodLine,
    Source,
    TransitionLine,
    blocks,
    decode_block,
    name_of,
    range_blocks,
)
from agilemarketing.historyio.parallel import read_ranges
from agilemarketing.historyio.rawtransitions import (
    FastLine,
    RawTransitions,
    decode_fast,
    raw_transitions,
)
from agilemarketing.historyio.table import HistoryTable
from agilemarketing.historyio.timestamps import parse_timestamp_array

__all__ = ["iter_histories", "read_history"]

StatusCodes = defaultdict[str | None, int]
AnyLine = Line | FastLine


def read_history(source: Source, *, max_errors: int = 20) -> HistoryTable:
    """Read a history JSON Lines file (or open text/binary stream) into a :class:`HistoryTable`.

    The file is streamed in blocks of a megabyte; each block's timestamps are parsed in
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
        tables = _read_in_parallel(source, max_errors) or list(
            _read_tables(name_of(source), blocks(source), max_errors)
        )
    finally:
        if paused:
            gc.enable()
    return _joined(tables)


def _joined(tables: Sequence[HistoryTable]) -> HistoryTable:
    """One table of a read's tables, in order (an empty one for none)."""
    return HistoryTable.concat(tables) if tables else TableBuilder().build(HistoryTable)


def iter_histories(source: Source, *, max_errors: int = 20) -> Iterator[ItemHistory]:
    """Stream a history JSON Lines file as :class:`~agilemarketing.history.ItemHistory` objects.

    Memory stays flat (one block at a time); for metrics prefer :func:`read_history`, which
    never builds one object per transition.

    >>> import io
    >>> [h.key for h in iter_histories(io.StringIO('{"key": "A-1"}\\n{"key": "A-2"}\\n'))]
    ['A-1', 'A-2']
    """
    for table in _read_tables(name_of(source), blocks(source), max_errors):
        yield from table.histories()


def _read_in_parallel(source: Source, max_errors: int) -> list[HistoryTable] | None:
    """The tables of a large file read in ranges by forked workers, or None: read it here."""
    if not isinstance(source, str | os.PathLike):
        return None
    path = os.fspath(source)

    def read_range(fd: int, start: int, end: int) -> HistoryTable:
        return _joined(list(_read_tables(path, range_blocks(fd, start, end), max_errors)))

    return read_ranges(path, read_range)


def _read_tables(
    name: str, source_blocks: Iterator[tuple[int, int, bytes]], max_errors: int
) -> Iterator[HistoryTable]:
    problems: list[AgileMarketingError] = []
    seen: dict[str, int] = {}  # the line of every key read so far: a key names one item
    for first_line, count, block in source_blocks:
        lines, numbers, fast = _decoded(name, first_line, count, block, problems)
        # "observed" is rare: only look at each transition's flag when the block mentions it
        table = _table_of_lines(
            _Place(name, numbers, problems, max_errors, seen),
            lines,
            observed=fast is None and b'"observed"' in block,
            fast=fast,
        )
        if len(problems) >= max_errors:
            break
        if not problems:
            yield table
    raise_all(problems[:max_errors], f"invalid history file {name}")


def _decoded(
    name: str, first_line: int, count: int, block: bytes, problems: list[AgileMarketingError]
) -> tuple[Sequence[AnyLine], Sequence[int], RawTransitions | None]:
    """The block's lines, their numbers and, when they are in the writer's layout, the items'
    transitions read from their JSON (:mod:`~agilemarketing.historyio.rawtransitions`; else
    the lines are :class:`Line` objects holding them)."""
    fast_lines = decode_fast(block, count)
    if fast_lines is not None:
        items = _items_of(fast_lines)
        # Lines that are no items (a cycle, a mistake) must hold no transitions: decoded,
        # theirs would be checked too.
        if len(items) == count or all(
            _is_item(line) or bytes(line.transitions) == b"[]" for line in fast_lines
        ):
            fast = raw_transitions([line.transitions for line in items])
            if fast is not None:
                return fast_lines, range(first_line, first_line + count), fast
    return (*decode_block(name, first_line, count, block, problems), None)


def _items_of(lines: Sequence[FastLine]) -> Sequence[FastLine]:
    """The lines :func:`_table_of_lines` takes for items."""
    keys = list(map(attrgetter("key"), lines))
    if _all_items(keys):
        return lines
    return [line for line in lines if _is_item(line)]


def _all_items(keys: Sequence[str | None]) -> bool:
    """The common case: every line has a key (all are items)."""
    return None not in keys and "" not in keys


def _is_item(line: AnyLine) -> bool:
    """Whether a line is an item (it has a key), not a cycle definition or a mistake."""
    return line.key is not None and bool(line.key.strip())


class _Place(NamedTuple):
    """Where the lines of a block come from, and the problems found so far."""

    file: str
    lines: Sequence[int]  # the line number of each decoded line (then: of each item)
    problems: list[AgileMarketingError]
    max_errors: int
    seen: dict[str, int]  # the first line of each key met in the file

    def room(self) -> int:
        """How many more problems are worth reporting."""
        return max(self.max_errors - len(self.problems), 0)


def _table_of_lines(
    place: _Place, lines: Sequence[AnyLine], observed: bool, fast: RawTransitions | None
) -> HistoryTable:
    """The table of a block's decoded lines (``fast``: their items' transitions, read from
    their JSON; else from the lines)."""
    b = TableBuilder()
    keys = list(map(attrgetter("key"), lines))
    if _all_items(keys):
        items = lines
        b.keys = keys
    else:
        items, item_lines = _sort_out_lines(place, lines, b)
        place = place._replace(lines=item_lines)
        b.keys = [it.key or "" for it in items]
    _check_unique(place, b.keys)
    # 1. Item columns and status codes (a defaultdict numbers new names as met).
    codes = _item_columns(b, items)
    # 2. The nested lists, flattened into rows with the row of their item.
    nested = _nested_columns(b, items, codes, observed, fast)
    # 3. Every timestamp of the block, parsed in one call; bad ones located afterwards.
    _timestamp_columns(place, b, items, nested, fast)
    # 4. Values a history cannot hold: impossible years, negative points, ends before starts.
    _value_checks(place, b, nested)
    return b.build(HistoryTable)


def _check_unique(place: _Place, keys: Sequence[str]) -> None:
    """A key on a second line is a problem naming both lines (it would count two items)."""
    first = dict(zip(reversed(keys), reversed(place.lines), strict=True))  # first line wins
    if len(first) == len(keys) and place.seen.keys().isdisjoint(first):  # the common case
        place.seen.update(first)
        return
    for key, line_no in zip(keys, place.lines, strict=True):
        earlier = place.seen.setdefault(key, line_no)
        if earlier != line_no and len(place.problems) < place.max_errors:
            place.problems.append(
                HistoryFormatError(
                    f"the key is already on line {earlier}: a history file has one line per "
                    "item, so this one would count as a second item",
                    file=place.file,
                    line=line_no,
                    field="key",
                    key=key,
                    fix=f"merge lines {earlier} and {line_no} into one line, or give one of "
                    "them its own key",
                )
            )


def _value_checks(place: _Place, b: TableBuilder, nested: _Nested) -> None:
    """Report the block's values that their type allows but a history cannot hold."""
    found = value_problems(
        created=b.created[-1],
        resolved=b.resolved[-1],
        points=b.points[-1],
        tr_at=b.tr_at[-1],
        blk_from=b.blk_from[-1],
        blk_to=b.blk_to[-1],
        cyc_joined=b.cyc_joined[-1],
        cyc_left=b.cyc_left[-1],
    )
    owners = {"transition": nested.tr_item, "blocked": nested.blk_item, "cycle": nested.cyc_item}
    for column, row, field, what in found[: place.room()]:
        item = row if column == "item" else int(owners[column][row])
        place.problems.append(
            HistoryFormatError(
                what,
                file=place.file,
                line=place.lines[item],
                field=field,
                key=b.keys[item],
                fix=value_fix(field, what),
            )
        )


def _sort_out_lines(
    place: _Place, lines: Sequence[AnyLine], b: TableBuilder
) -> tuple[list[AnyLine], list[int]]:
    """Cycle definitions go to ``b.cycles``, lines without a key become problems."""
    items: list[AnyLine] = []
    item_lines: list[int] = []
    for line_no, line in zip(place.lines, lines, strict=True):
        if line.cycle is not None and line.key is None:
            try:
                b.cycles.append(CycleWindow(line.cycle.name, line.cycle.start, line.cycle.end))
            except AgileMarketingError as exc:
                place.problems.append(
                    HistoryFormatError(exc.what, file=place.file, line=line_no, field="cycle")
                )
            continue
        if not _is_item(line):
            place.problems.append(
                HistoryFormatError(
                    "the item has no key", file=place.file, line=line_no, field="key"
                )
            )
            continue
        items.append(line)
        item_lines.append(line_no)
    return items, item_lines


def _item_columns(b: TableBuilder, items: Sequence[AnyLine]) -> StatusCodes:
    """Summaries, ranks, types, statuses and points; returns the block's status codes."""
    n = len(items)
    b.summaries = list(map(attrgetter("summary"), items))
    b.ranks = list(map(attrgetter("rank"), items))
    b.types.append(intern_codes(b.type_codes, list(map(attrgetter("type"), items))))
    codes: StatusCodes = defaultdict(itertools.count().__next__)
    codes[None] = -1
    b.statuses.append(
        np.fromiter(map(codes.__getitem__, map(attrgetter("status"), items)), np.int32, n)
    )
    b.points.append(
        np.array([np.nan if it.points is None else it.points for it in items], dtype=np.float64)
    )
    return codes


class _Nested(NamedTuple):
    """The entries of the items' nested lists that carry timestamps, with their item rows."""

    transitions: Sequence[TransitionLine]  # empty when read from their JSON
    tr_item: Ints
    blocked: list[PeriodLine]
    blk_item: Ints
    cycles: list[MembershipLine]
    cyc_item: Ints


def _nested_columns(
    b: TableBuilder,
    items: Sequence[AnyLine],
    codes: StatusCodes,
    observed: bool,
    fast: RawTransitions | None,
) -> _Nested:
    """Transitions, labels, sprints, blocked periods and cycle memberships (but not their
    timestamps): each entry one row, with the row of its item."""
    n = len(items)
    flat = itertools.chain.from_iterable
    rows = np.arange(n, dtype=np.int32)

    def lengths(attr: str) -> npt.NDArray[np.intp]:
        return np.fromiter(map(len, map(attrgetter(attr), items)), dtype=np.intp, count=n)

    trs: Sequence[TransitionLine] = ()
    if fast is not None:
        tr_item = np.repeat(rows, fast.counts)
        _raw_status_columns(b, codes, fast)
    else:
        trs = list(flat(map(attrgetter("transitions"), items)))
        tr_item = np.repeat(rows, lengths("transitions"))
        _status_columns(b, codes, trs, observed)
    b.tr_item.append(tr_item)
    b.status_codes = {status: code for status, code in codes.items() if status is not None}
    b.label_item.append(np.repeat(rows, lengths("labels")))
    b.label_code.append(intern_codes(b.label_codes, list(flat(map(attrgetter("labels"), items)))))
    b.sprint_item.append(np.repeat(rows, lengths("sprints")))
    b.sprint_code.append(
        intern_codes(b.sprint_codes, list(flat(map(attrgetter("sprints"), items))))
    )
    blks = list(flat(map(attrgetter("blocked"), items)))
    blk_item = np.repeat(rows, lengths("blocked"))
    b.blk_item.append(blk_item)
    cycs = list(flat(map(attrgetter("cycles"), items)))
    cyc_item = np.repeat(rows, lengths("cycles"))
    b.cyc_item.append(cyc_item)
    b.cyc_code.append(intern_codes(b.cycle_codes, [c.name for c in cycs]))
    return _Nested(trs, tr_item, blks, blk_item, cycs, cyc_item)


def _status_columns(
    b: TableBuilder, codes: StatusCodes, trs: Sequence[TransitionLine], observed: bool
) -> None:
    """The transitions' statuses (new ones coded as met: "to" first, then "from")."""
    m = len(trs)
    b.tr_to.append(np.fromiter(map(codes.__getitem__, map(attrgetter("to"), trs)), np.int32, m))
    b.tr_from.append(
        np.fromiter(map(codes.__getitem__, map(attrgetter("from_"), trs)), np.int32, m)
    )
    if observed:
        b.tr_observed.append(np.fromiter(map(attrgetter("observed"), trs), bool, m))
    else:
        b.tr_observed.append(np.zeros(m, dtype=bool))


def _raw_status_columns(b: TableBuilder, codes: StatusCodes, fast: RawTransitions) -> None:
    """:func:`_status_columns` of transitions read from their JSON: the same codes, in the
    same order (their names come "to" first, then "from"), none of them observed."""
    lookup = np.array([codes[name] for name in fast.names] + [-1], dtype=np.int32)
    b.tr_to.append(lookup[fast.to_ids])
    b.tr_from.append(lookup[fast.from_ids])  # -1 (null) takes the trailing -1
    b.tr_observed.append(np.zeros(len(fast.to_ids), dtype=bool))


def _no_none(values: Sequence[str | None]) -> Sequence[str]:
    """The values with None (a missing timestamp) as the empty string."""
    if None in values:
        return ["" if v is None else v for v in values]
    return values  # type: ignore[return-value]  # checked: no None inside


def _timestamp_columns(
    place: _Place,
    b: TableBuilder,
    items: Sequence[AnyLine],
    nested: _Nested,
    fast: RawTransitions | None,
) -> None:
    """Parse every timestamp of the block at once into the builder; report the bad ones
    (``fast``: the transitions' are parsed already, all good)."""
    rows = np.arange(len(items), dtype=np.int32)
    trs, blks, cycs = nested.transitions, nested.blocked, nested.cycles
    fields: list[tuple[str, Ints, Sequence[str | None]]] = [
        ("created", rows, list(map(attrgetter("created"), items))),
        ("resolved", rows, list(map(attrgetter("resolved"), items))),
        (
            "transitions[].at",
            nested.tr_item,
            [] if fast is not None else list(map(attrgetter("at"), trs)),
        ),
        ("blocked[].from", nested.blk_item, [p.from_ for p in blks]),
        ("blocked[].to", nested.blk_item, [p.to for p in blks]),
        ("cycles[].joined", nested.cyc_item, [c.joined for c in cycs]),
        ("cycles[].left", nested.cyc_item, [c.left for c in cycs]),
    ]
    everything = list(itertools.chain.from_iterable(_no_none(f[2]) for f in fields))
    parsed, bad = parse_timestamp_array(everything)
    if bad:
        starts = np.cumsum([0] + [len(vals) for _, _, vals in fields])
        for position, text in bad[: place.room()]:
            f = int(np.searchsorted(starts, position, side="right")) - 1
            row = int(fields[f][1][position - starts[f]])
            place.problems.append(
                HistoryFormatError(
                    f"not an ISO-8601 timestamp with a timezone: {text!r}",
                    file=place.file,
                    line=place.lines[row],
                    field=fields[f][0],
                    key=b.keys[row],
                )
            )
    pieces = np.split(parsed, np.cumsum([len(vals) for _, _, vals in fields])[:-1])
    b.created.append(pieces[0])
    b.resolved.append(pieces[1])
    b.tr_at.append(pieces[2] if fast is None else fast.at)
    b.blk_from.append(pieces[3])
    b.blk_to.append(pieces[4])
    b.cyc_joined.append(pieces[5])
    b.cyc_left.append(pieces[6])
    missing_at = np.flatnonzero(np.isnat(pieces[2]))
    for k in missing_at[: place.room()].tolist():
        row = int(nested.tr_item[k])
        if not any(p for p in bad if p[1] == trs[k].at):
            place.problems.append(
                HistoryFormatError(
                    "a transition has no time",
                    file=place.file,
                    line=place.lines[row],
                    field="transitions[].at",
                    key=b.keys[row],
                )
            )
