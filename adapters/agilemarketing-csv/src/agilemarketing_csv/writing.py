"""Writing CSV safely: atomically, and with spreadsheet formulas neutralised.

**Atomic.** :func:`atomic_csv` writes to a temporary file in the target's directory and moves
it over the target with :func:`os.replace` only once every row is written and flushed to disk.
If anything fails half-way (a bad value, a full disk, an exception in the code producing the
rows), the temporary file is removed and the target is left exactly as it was.

**Formula-safe.** A spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula ("CSV injection"). Every *text* cell starting with one of these
is written with a single quote in front (``'=HYPERLINK(...)``), which spreadsheets show as
text. Numbers written as numbers (``int``, ``float``, ``Decimal``...) are not touched, so a
negative number stays a negative number. A text that already starts with quotes followed by one
of those characters gets one more quote, so :func:`restore_formula` (which this package's
readers apply to the files it writes) gives back exactly the original text.

>>> neutralise_formula("=SUM(A1:A9)"), neutralise_formula("-3"), neutralise_formula("Q2 plan")
("'=SUM(A1:A9)", "'-3", 'Q2 plan')
>>> restore_formula(neutralise_formula("'=already quoted"))
"'=already quoted"
>>> cell_text(-3), cell_text(2.5), cell_text(None), cell_text(True)
('-3', '2.5', '', 'true')
"""

from __future__ import annotations

import contextlib
import csv
import glob
import hashlib
import numbers
import os
import secrets
import socket
import stat
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from agilemarketing_csv.errors import CsvRowError

__all__ = [
    "FORMULA_TRIGGERS",
    "RowWriter",
    "atomic_csv",
    "cell_text",
    "neutralise_formula",
    "restore_formula",
]

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def _is_quoted_formula(text: str) -> bool:
    return text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_TRIGGERS


def neutralise_formula(text: str) -> str:
    """``text`` made safe to open in a spreadsheet (a quote in front of a formula trigger)."""
    if text[:1] in FORMULA_TRIGGERS or _is_quoted_formula(text):
        return "'" + text
    return text


def restore_formula(text: str) -> str:
    """The inverse of :func:`neutralise_formula` (texts it did not change come back as they are).

    >>> restore_formula("'@mention"), restore_formula("'tis the season")
    ('@mention', "'tis the season")
    """
    if _is_quoted_formula(text):
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """The text written for ``value``: text neutralised, numbers as numbers, dates in ISO 8601,
    booleans as ``true``/``false``, None as an empty cell."""
    if isinstance(value, str):
        return neutralise_formula(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Number):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise_formula(str(value))


class RowWriter(Protocol):
    """What :func:`atomic_csv` yields: something with ``writerow`` taking a row of cells."""

    def writerow(self, row: Sequence[Any], /) -> Any:
        """Write one row of cells (converted with :func:`cell_text`)."""


class _SafeWriter:
    def __init__(self, writer: Any, *, file: str, encoding: str) -> None:
        self._writer = writer
        self._file = file
        self._encoding = encoding
        self.rows = 0

    def writerow(self, row: Sequence[Any], /) -> None:
        try:
            self._writer.writerow([cell_text(value) for value in row])
        except UnicodeEncodeError as exc:
            raise CsvRowError(
                f"a character cannot be written in {self._encoding}",
                file=self._file,
                row=self.rows + 1,
                value=exc.object[exc.start : exc.end],
                fix="write the file as UTF-8 (encoding='utf-8'), or remove the character",
            ) from None
        self.rows += 1


@contextlib.contextmanager
def atomic_csv(
    path: str | os.PathLike[str],
    *,
    bom: bool = False,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Iterator[RowWriter]:
    """Write a CSV file atomically: all rows, or (on any exception) no change at all.

    The file is UTF-8 unless ``encoding`` says otherwise (``bom=True`` writes UTF-8 with a
    byte-order mark, which Excel needs to recognise UTF-8), with ``\\r\\n`` line ends as
    RFC 4180 says. Cells go through :func:`cell_text`. An existing target keeps its permissions.

    >>> with atomic_csv("plan.csv") as out:
    ...     out.writerow(["key", "title"])
    ...     out.writerow(["MKT-1", "=cmd|' /C calc'!A0"])
    >>> from pathlib import Path
    >>> print(Path("plan.csv").read_text(encoding="utf-8").splitlines()[1])
    MKT-1,'=cmd|' /C calc'!A0
    """
    target = Path(path)
    temporary = target.with_name(
        f".{target.name}.{_host_tag()}.{os.getpid()}.{secrets.token_hex(_TOKEN_BYTES)}.tmp"
    )
    # os.open applies the umask like a plain open() would (mkstemp would give 0600).
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(descriptor, "w", encoding="utf-8-sig" if bom else encoding, newline="") as stream:
            writer = _SafeWriter(
                csv.writer(stream, delimiter=delimiter),
                file=str(target),
                encoding="utf-8-sig" if bom else encoding,
            )
            yield writer
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


_TOKEN_BYTES = 6
_HEX = frozenset("0123456789abcdef")


def _host_tag() -> str:
    """8 hex digits naming this machine in a temporary file's name (a folder may be shared)."""
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _is_hex(text: str, length: int) -> bool:
    return len(text) == length and set(text) <= _HEX


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:  # pragma: no cover - a system without signals: assume it runs
        return True
    return True


def _left_over(token: str) -> bool:
    """Whether the middle of a temporary file's name says its writer is gone: ``HOST.PID.HEX``
    of this machine and a process that no longer runs, or a bare ``HEX`` (an earlier release,
    which named no process: only ever removed under the file's lock)."""
    if _is_hex(token, 2 * _TOKEN_BYTES):
        return True
    host, _, rest = token.partition(".")
    pid, _, hex_digits = rest.partition(".")
    if not (_is_hex(host, 8) and pid.isdigit() and _is_hex(hex_digits, 2 * _TOKEN_BYTES)):
        return False  # not one of ours
    return host == _host_tag() and not _alive(int(pid))


def remove_leftovers(path: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files a killed :func:`atomic_csv` left beside ``path`` and return
    them. A temporary file is named ``.<name>.<host>.<pid>.<12 hex digits>.tmp``: only those of
    this machine whose process no longer runs are removed, so a writer midway (in this process,
    another one, or on another machine sharing the folder) keeps its file. Call it while holding
    the file's lock (:meth:`agilemarketing_csv.CsvAdapter.lock` does).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / ".board.csv.0123456789ab.tmp").write_text("half a file")
    >>> [p.name for p in remove_leftovers(folder / "board.csv")]
    ['.board.csv.0123456789ab.tmp']
    """
    target = Path(path)
    prefix = f".{target.name}."
    removed = []
    for candidate in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        token = candidate.name[len(prefix) : -len(".tmp")]
        if _left_over(token) and candidate.is_file():
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed
