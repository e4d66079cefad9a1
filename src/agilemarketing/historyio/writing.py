"""Writing history JSON Lines: a table's columns (or ItemHistory objects) one item per line.

Timestamps are written in UTC with ``Z`` (whole seconds when every value of a column has no
fraction); a path is replaced atomically.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Literal

import msgspec
import numpy as np

from agilemarketing.history import ItemHistory
from agilemarketing.historyio.columns import HistoryColumns, rows_by_item
from agilemarketing.historyio.objects import columns_from_histories
from agilemarketing.historyio.timestamps import Times

__all__ = ["write_history"]

_FLUSH_BYTES = 4 << 20
"""Lines are gathered in memory up to about this many bytes, then written out."""


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
    histories: HistoryColumns | Iterable[ItemHistory], dest: str | os.PathLike[str] | IO[str]
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
        histories
        if isinstance(histories, HistoryColumns)
        else columns_from_histories(HistoryColumns, histories)
    )
    if isinstance(dest, str | os.PathLike):
        _write_atomically(table, Path(dest))
    else:
        _write(table, dest)


def _write_atomically(table: HistoryColumns, target: Path) -> None:
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


def _write(t: HistoryColumns, out: IO[str]) -> None:
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
    tr, lab, spr = (
        rows_by_item(t.tr_item, n),
        rows_by_item(t.label_item, n),
        rows_by_item(t.sprint_item, n),
    )
    blk, cyc = rows_by_item(t.blk_item, n), rows_by_item(t.cyc_item, n)
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
        if buffer.tell() > _FLUSH_BYTES:
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
