"""The transitions of a block's lines, read straight from their JSON text with numpy.

Decoding every transition into an object (a struct and three strings each) and freeing it
again is most of the cost of reading a large history. The reader first decodes a block with
:class:`FastLine`, which keeps each line's ``transitions`` as raw JSON (msgspec checks that it
is well-formed JSON: brackets, quotes, no control characters, but not what it holds), and
:func:`raw_transitions` reads the transitions of all the block's items at once, in the one
layout the writer gives them: ``[{"at":"…","from":"…","to":"…"},…]`` (``"from":null`` for a
creation), without spaces, escapes or other keys, every ``at`` in the layout the bulk
timestamp parser takes. Anything else (another key order, spaces, an escape, an ``observed``
flag, an unusual timestamp) makes it answer None, and the block is decoded again into
:class:`~agilemarketing.historyio.lines.Line` objects, the way that finds and words every
problem. Both ways give the same table.

>>> import msgspec
>>> raws = [msgspec.Raw(b'[{"at":"2026-03-02T09:30:00Z","from":null,"to":"Doing"}]'),
...         msgspec.Raw(b"[]")]
>>> t = raw_transitions(raws)
>>> t.counts.tolist(), t.at.tolist(), t.names, t.to_ids.tolist(), t.from_ids.tolist()
([1, 0], [datetime.datetime(2026, 3, 2, 9, 30)], ['Doing'], [0], [-1])
>>> raw_transitions([msgspec.Raw(b'[{"at": "2026-03-02T09:30:00Z", "to": "Doing"}]')]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import msgspec
import numpy as np
import numpy.typing as npt

from agilemarketing.historyio.lines import ItemFields
from agilemarketing.historyio.timestamps import Times, parse_fast

__all__ = ["FastLine", "RawTransitions", "decode_fast", "raw_transitions"]

Positions = npt.NDArray[np.intp]


class FastLine(ItemFields, gc=False):
    """One line of the file with its ``transitions`` left as raw JSON."""

    transitions: msgspec.Raw = msgspec.Raw(b"[]")


class RawTransitions(NamedTuple):
    """The transitions of a block's items, in file order."""

    counts: Positions  # transitions of each item
    at: Times  # when each happened (UTC)
    names: list[str]  # the statuses they name: first those of "to", then those only in "from"
    to_ids: npt.NDArray[np.int32]  # into names
    from_ids: npt.NDArray[np.int32]  # into names; -1: null (created into the status)


_MOST_NAMES = 64  # more distinct statuses in one block than this: read the ordinary way
_WIDEST_TIME = 40  # bytes; the bulk parser takes nothing longer
_WIDEST_NAME = 256  # bytes; a longer status is read the ordinary way
_PAD = _WIDEST_NAME + 64  # bytes after the text: every span and word read stays inside
_HASH = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
    dtype=np.uint64,
)


def raw_transitions(raws: Sequence[msgspec.Raw]) -> RawTransitions | None:
    """The transitions of items whose ``transitions`` are ``raws``; None unless every one is
    in the writer's layout (see the module's description)."""
    text = b"\n".join(raws)
    if b"\\" in text:  # an escape: a string's bytes are not its text
        return None
    sizes = np.fromiter(map(len, raws), dtype=np.intp, count=len(raws))
    starts = np.cumsum(sizes + 1) - (sizes + 1)
    a = np.frombuffer(text + b"\n" * _PAD, dtype=np.uint8)
    quotes = np.flatnonzero(a == 34)
    if len(quotes) % 2:
        return None
    opens, closes = quotes[0::2], quotes[1::2]
    objects = _objects(a, opens, closes)
    if objects is None:
        return None
    first, last, with_from = objects
    counts = _item_counts(a, starts, sizes, opens[first] - 1, closes[last] + 1)
    if counts is None:
        return None
    at = _times(a, opens[first + 1] + 1, closes[first + 1])
    if at is None:
        return None
    named = _statuses(a, opens, closes, last, first[with_from] + 3)
    if named is None:
        return None
    names, ids = named
    m = len(first)
    from_ids = np.full(m, -1, dtype=np.int32)
    from_ids[with_from] = ids[m:]
    return RawTransitions(counts, at, names, ids[:m], from_ids)


def _word(text: bytes) -> np.uint64:
    """Up to 8 bytes as the 64-bit little-endian word that :func:`_words` reads."""
    return np.uint64(int.from_bytes(text, "little"))


def _low(k: int) -> np.uint64:
    """The mask of a word's first ``k`` bytes."""
    return np.uint64((1 << (8 * k)) - 1)


def _words(a: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """``w[i]``: the 8 bytes ``a[i:i + 8]`` as one little-endian word (a view, no copy)."""
    return np.ndarray((len(a) - 7,), dtype="<u8", buffer=a, strides=(1,))


def _objects(
    a: npt.NDArray[np.uint8], opens: Positions, closes: Positions
) -> tuple[Positions, Positions, npt.NDArray[np.bool_]] | None:
    """Each object's first and last string, and whether its ``from`` is a string (else
    null), when every object is ``{"at":"…","from":"…","to":"…"}`` or
    ``{"at":"…","from":null,"to":"…"}`` to the byte, but the texts of the values; else None.

    Each check reads the bytes after a quote that the layout fixes, so every quote in them is
    the next one of the text: the strings are then the object's, in order."""
    first = np.flatnonzero(a[opens - 1] == 123)  # the strings right after a {
    if len(first) == 0:
        return (first, first, np.empty(0, bool)) if len(opens) == 0 else None
    per = np.diff(first, append=len(opens))  # strings per object
    if first[0] != 0 or not ((per == 5) | (per == 6)).all():
        return None
    w = _words(a)
    ok = (w[opens[first] - 1] & _low(7)) == _word(b'{"at":"')
    c1 = closes[first + 1]  # the end of the "at" value
    ok &= w[c1] == _word(b'","from"')
    after = w[c1 + 8]
    with_from = (after & _low(2)) == _word(b':"')
    null = (after == _word(b':null,"t')) & ((w[c1 + 16] & _low(4)) == _word(b'o":"'))
    ok &= (with_from & (per == 6)) | (null & (per == 5))
    # with a "from" value: then ","to":"…"
    ok[with_from] &= w[closes[first[with_from] + 3]] == _word(b'","to":"')
    last = first + per - 1
    ok &= a[closes[last] + 1] == 125  # }
    return (first, last, with_from) if ok.all() else None


def _item_counts(
    a: npt.NDArray[np.uint8],
    starts: Positions,
    sizes: Positions,
    braces: Positions,
    ends: Positions,
) -> Positions | None:
    """How many objects each item's array holds, when it is ``[`` then its objects joined by
    ``,`` then ``]``, nothing else; else None."""
    n = len(starts)
    ok = bool((a[starts] == 91).all() and (a[starts + sizes - 1] == 93).all())
    item = np.searchsorted(starts, braces, side="right") - 1
    counts = np.bincount(item, minlength=n)
    if not ok or len(counts) != n:
        return None
    empty = counts == 0
    if not (sizes[empty] == 2).all():
        return None
    if len(braces):
        same = item[1:] == item[:-1]
        first = np.concatenate(([True], ~same))
        last = np.concatenate((~same, [True]))
        ok = bool((braces[first] == starts[item[first]] + 1).all())
        ok &= bool((ends[last] == starts[item[last]] + sizes[item[last]] - 2).all())
        ok &= bool((braces[1:][same] == ends[:-1][same] + 2).all())
        ok &= bool((a[ends[:-1][same] + 1] == 44).all())
        if not ok:
            return None
    return counts.astype(np.intp)


def _spans(
    a: npt.NDArray[np.uint8], begin: Positions, end: Positions, width: int
) -> npt.NDArray[np.uint8]:
    """The bytes ``a[begin:end]`` of each span, as rows of ``width`` bytes (past its end, a
    row holds the bytes that follow the span)."""
    rows: npt.NDArray[np.uint8] = np.lib.stride_tricks.sliding_window_view(a, width)[begin]
    return rows


def _times(a: npt.NDArray[np.uint8], begin: Positions, end: Positions) -> Times | None:
    """The timestamps written in the spans; None if one is not in the bulk parser's layout."""
    if len(begin) == 0:
        return np.empty(0, dtype="datetime64[us]")
    sizes = end - begin
    width = int(sizes.max())
    if not 20 <= width <= _WIDEST_TIME:  # the bulk parser takes 20 bytes and more
        return None
    rows = _spans(a, begin, end, width)
    if sizes.min() != width:
        rows[np.arange(width) >= sizes[:, None]] = 0
    values, slow = parse_fast(rows.view(f"S{width}").ravel())
    return None if slow.any() else values


_LOW_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
"""The mask of a 64-bit word's first k bytes (little-endian), for k = 0..8."""


def _statuses(
    a: npt.NDArray[np.uint8], opens: Positions, closes: Positions, *strings: Positions
) -> tuple[list[str], npt.NDArray[np.int32]] | None:
    """The distinct texts of the ``strings`` (in first-seen order, the groups one after the
    other) and each string's index into them; None when a text is not UTF-8, is too long, or
    there are too many of them."""
    index = np.concatenate(strings)
    if len(index) == 0:
        return [], np.empty(0, np.int32)
    begin, end = opens[index] + 1, closes[index]
    sizes = end - begin
    nwords = -(-int(sizes.max()) // 8) or 1
    if nwords * 8 > _WIDEST_NAME:
        return None
    w = _words(a)
    words = [  # each text's 64-bit words, zero past its end
        w[begin + 8 * j] & _LOW_BYTES[np.clip(sizes - 8 * j, 0, 8)] for j in range(nwords)
    ]
    mixed = words[0] * _HASH[0]
    for j in range(1, nwords):
        mixed ^= words[j] * _HASH[j % len(_HASH)]
    bucket = (mixed >> np.uint64(52)).astype(np.intp)
    present = np.flatnonzero(np.bincount(bucket, minlength=4096))
    if len(present) > _MOST_NAMES:
        return None
    firsts = np.array([int(np.argmax(bucket == b)) for b in present.tolist()], dtype=np.intp)
    seen = np.zeros(4096, dtype=np.uint64)  # per bucket, the word of its first text
    for word in words:
        seen[present] = word[firsts]
        if not (word == seen[bucket]).all():
            return None  # two texts share a bucket
    code = np.empty(4096, dtype=np.intp)
    order = np.argsort(firsts)
    try:
        names = [
            a[b : b + n].tobytes().decode("utf-8")
            for b, n in zip(
                begin[firsts[order]].tolist(), sizes[firsts[order]].tolist(), strict=True
            )
        ]
    except UnicodeDecodeError:
        return None
    code[present[order]] = np.arange(len(order))
    return names, code[bucket].astype(np.int32)


_FAST_DECODER = msgspec.json.Decoder(FastLine)
_UNDECODABLE = (msgspec.DecodeError, UnicodeDecodeError, RecursionError)


def decode_fast(block: bytes, count: int) -> list[FastLine] | None:
    """The ``count`` lines of a block as :class:`FastLine`; None if it does not decode so (a
    bad or blank line: the ordinary decoding finds and words it)."""
    try:
        lines = _FAST_DECODER.decode_lines(block)
    except _UNDECODABLE:
        return None
    return lines if len(lines) == count else None
