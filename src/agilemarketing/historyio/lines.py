"""History JSON Lines as msgspec structs, read in blocks of whole lines.

Timestamps stay strings here: :mod:`agilemarketing.historyio.reading` parses a whole block's
timestamps at once. A block that does not decode in one call is decoded line by line, so that
every bad line becomes a :class:`~agilemarketing.errors.HistoryFormatError` naming its line and
field.

>>> import io
>>> [(first, count) for first, count, _ in blocks(io.StringIO('{"key": "A"}\\n{"key": "B"}'))]
[(1, 1), (2, 1)]
>>> lines, numbers = decode_block("<stream>", 1, 1, b'{"key": "A", "points": 2}\\n', [])
>>> lines[0].key, lines[0].points, list(numbers)
('A', 2.0, [1])
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TypeAlias

import msgspec

from agilemarketing.errors import AgileMarketingError, HistoryFormatError

__all__ = [
    "CycleLine",
    "ItemFields",
    "Line",
    "MembershipLine",
    "PeriodLine",
    "Source",
    "TransitionLine",
    "blocks",
    "decode_block",
    "name_of",
]

Source: TypeAlias = "str | os.PathLike[str] | IO[str] | IO[bytes]"

_BLOCK_BYTES = 1 << 20
"""How much of the file is read (and decoded) at a time."""
_BOM = "\ufeff".encode()
_UNDECODABLE = (msgspec.DecodeError, UnicodeDecodeError, RecursionError)
"""What msgspec raises for a bad line: bad JSON or types, bytes that are not UTF-8 inside a
string, nesting deeper than it recurses (in a field it would skip)."""


class TransitionLine(msgspec.Struct, gc=False):
    """One entry of ``transitions``."""

    at: str
    to: str
    from_: str | None = msgspec.field(default=None, name="from")
    observed: bool = False


class PeriodLine(msgspec.Struct, gc=False):
    """One entry of ``blocked``."""

    from_: str = msgspec.field(name="from")
    to: str | None = None


class MembershipLine(msgspec.Struct, gc=False):
    """One entry of ``cycles`` (an item's membership of a cycle)."""

    name: str
    joined: str | None = None
    left: str | None = None


class CycleLine(msgspec.Struct, gc=False):
    """The ``cycle`` of a line defining a cycle window."""

    name: str
    start: str
    end: str


class ItemFields(msgspec.Struct, gc=False):
    """The fields of a line but its ``transitions`` (:class:`Line` decodes them into
    objects, :class:`~agilemarketing.historyio.rawtransitions.FastLine` keeps their JSON)."""

    key: str | None = None
    summary: str = ""
    type: str = ""
    status: str = ""
    created: str | None = None
    resolved: str | None = None
    points: float | None = None
    labels: list[str] = msgspec.field(default_factory=list)
    sprints: list[str] = msgspec.field(default_factory=list)
    blocked: list[PeriodLine] = msgspec.field(default_factory=list)
    cycles: list[MembershipLine] = msgspec.field(default_factory=list)
    rank: str | None = None
    cycle: CycleLine | None = None


class Line(ItemFields, gc=False):
    """One line of the file: an item (it has a ``key``) or a cycle definition (a ``cycle``)."""

    transitions: list[TransitionLine] = msgspec.field(default_factory=list)


_DECODER = msgspec.json.Decoder(Line)


def name_of(source: Source) -> str:
    """The name errors give the source: its path, or the stream's name."""
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


def blocks(source: Source) -> Iterator[tuple[int, int, bytes]]:
    """Yield (first line number, number of lines, block of whole lines) from a path or file."""
    if isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as fh:
            yield from blocks(fh)
        return
    yield from _whole_lines(iter(lambda: source.read(_BLOCK_BYTES), ""), first=True)


def range_blocks(fd: int, start: int, end: int) -> Iterator[tuple[int, int, bytes]]:
    """:func:`blocks` of the bytes ``[start, end)`` of the open file ``fd`` (read with
    ``pread``: processes sharing the descriptor do not move one another's position), line
    numbers counted from 1 at ``start``: from a start that :func:`block_starts` gave, the very
    blocks :func:`blocks` makes of the whole file there.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as fh:
    ...     _ = fh.write(b'{"key": "A"}\\n{"key": "B"}\\n{"key": "C"}\\n')
    >>> fd = os.open(fh.name, os.O_RDONLY)
    >>> [block for _, _, block in range_blocks(fd, 13, 26)]
    [b'{"key": "B"}\\n']
    >>> os.close(fd); os.unlink(fh.name)
    """
    at = start

    def chunk() -> bytes:  # the whole file's chunk boundaries: multiples of the block size
        nonlocal at
        upto = min((at // _BLOCK_BYTES + 1) * _BLOCK_BYTES, end)
        data = os.pread(fd, upto - at, at) if upto > at else b""
        at += len(data)
        return data

    yield from _whole_lines(iter(chunk, b""), first=start == 0)


def block_starts(fd: int, parts: int) -> list[int]:
    """Byte offsets cutting the open file ``fd`` into about ``parts`` ranges of whole blocks
    of :func:`blocks`: ``[0, ..., size]``, each inner offset where a block of the whole file
    starts (fewer ranges for a file of few blocks).

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as fh:
    ...     _ = fh.write(b'{"key": "A"}\\n{"key": "B"}\\n{"key": "C"}\\n')
    >>> fd = os.open(fh.name, os.O_RDONLY)
    >>> block_starts(fd, 2)  # one block
    [0, 39]
    >>> os.close(fd); os.unlink(fh.name)
    """
    size = os.fstat(fd).st_size
    cuts = [0]
    for k in range(1, parts):
        # A block ends after the last newline of the file's j-th chunk of _BLOCK_BYTES, when
        # that newline is inside the chunk (else its line is longer than a block and the
        # whole file's read makes no block end there).
        j = round(size * k / parts / _BLOCK_BYTES)
        if j < 1 or j * _BLOCK_BYTES >= size:
            continue
        newline = os.pread(fd, _BLOCK_BYTES, (j - 1) * _BLOCK_BYTES).rfind(b"\n")
        at = (j - 1) * _BLOCK_BYTES + newline + 1
        if newline >= 0 and cuts[-1] < at < size:
            cuts.append(at)
    cuts.append(size)
    return cuts


def _whole_lines(chunks: Iterator[bytes | str], *, first: bool) -> Iterator[tuple[int, int, bytes]]:
    """(first line number, number of lines, block of whole lines) of the ``chunks`` of a
    file; ``first``: they begin the file (where a byte-order mark is skipped)."""
    line_no = 1
    rest = b""
    for chunk in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        if not chunk:
            break
        if first:  # a byte-order mark (Windows editors write one) is not part of the data
            chunk, first = chunk.removeprefix(_BOM), False
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


def decode_block(
    name: str, first_line: int, count: int, block: bytes, problems: list[AgileMarketingError]
) -> tuple[list[Line], Sequence[int]]:
    """The decoded lines of a block and their line numbers."""
    try:
        lines = _DECODER.decode_lines(block)
    except _UNDECODABLE:
        lines = None
    if lines is not None and count == len(lines):
        return lines, range(first_line, first_line + count)
    # Slow path: find the bad lines (and skip blank ones).
    decoded: list[Line] = []
    numbers: list[int] = []
    for offset, raw in enumerate(block.split(b"\n")[:-1]):
        if not raw.strip():
            continue
        line_no = first_line + offset
        try:
            decoded.append(_DECODER.decode(raw))
            numbers.append(line_no)
        except _UNDECODABLE as exc:
            problems.append(
                HistoryFormatError(
                    _what(exc, raw), file=name, line=line_no, field=_field_of(str(exc))
                )
            )
    return decoded, numbers


def _what(exc: Exception, raw: bytes) -> str:
    """What was wrong with a line msgspec could not decode, in a reader's words."""
    if isinstance(exc, UnicodeDecodeError):
        try:
            raw.decode("utf-8")
        except (
            UnicodeDecodeError
        ) as where:  # msgspec counts from the string's start, not the line's
            exc = where
        return f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at column {exc.start + 1}"
    if isinstance(exc, RecursionError):
        return "nested too deeply (lists or objects inside each other beyond what is read)"
    return str(exc).split(" - at ")[0]
