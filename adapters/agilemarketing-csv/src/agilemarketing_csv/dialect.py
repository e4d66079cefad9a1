"""How a CSV file is written: its encoding, delimiter and decimal mark, sniffed or given.

Spreadsheets and trackers disagree on all three. Jira writes UTF-8 with commas; Excel on a
German or French desktop saves ``;``-separated files with decimal commas in the Windows code
page (cp1252); some tools add a byte-order mark. :meth:`CsvDialect.sniff` looks at the start of a
file and decides:

* **encoding**: a UTF-8 byte-order mark means ``utf-8-sig``, a UTF-16 mark ``utf-16``; otherwise
  the sample must decode as UTF-8, and if it does not, ``cp1252`` is used. The sniff sees only
  the first :data:`SAMPLE_BYTES`; a file that turns invalid later is reported with its row.
* **delimiter**: the most frequent of ``,`` ``;`` tab ``|`` outside quotes in the header line.
* **decimal mark**: ``.`` with a comma delimiter, otherwise ``,`` is accepted too (``3,5`` is
  three and a half; ``3.5`` still reads as three and a half).

>>> from pathlib import Path
>>> _ = Path("sniff-demo.csv").write_bytes("Issue key;Résumé\\nMKT-1;3,5\\n".encode("cp1252"))
>>> CsvDialect.sniff("sniff-demo.csv")
CsvDialect(encoding='cp1252', delimiter=';', decimal=',')
>>> CsvDialect.sniff("sniff-demo.csv").number("3,5")
3.5
"""

from __future__ import annotations

import codecs
import csv
import os
from pathlib import Path

import attrs

from agilemarketing_csv.errors import CsvFileError

__all__ = ["DELIMITERS", "SAMPLE_BYTES", "CsvDialect", "raise_field_size_limit"]

#: How many bytes of a file :meth:`CsvDialect.sniff` looks at.
SAMPLE_BYTES = 256 * 1024
#: The delimiters :meth:`CsvDialect.sniff` chooses from, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")

# The csv module refuses fields above 128 KiB by default; Jira descriptions can be larger.
# 2**31 - 1 is the largest value every platform's C long accepts.
_FIELD_SIZE_LIMIT = 2**31 - 1


def raise_field_size_limit() -> None:
    """Let the csv module read fields of any size (it refuses fields over 128 KiB by default).

    The limit is process-wide state of the :mod:`csv` module; this only ever raises it.
    """
    if csv.field_size_limit() < _FIELD_SIZE_LIMIT:
        csv.field_size_limit(_FIELD_SIZE_LIMIT)


def _check_delimiter(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if len(value) != 1 or value in '"\r\n':
        raise CsvFileError(
            f"the {attribute.name} must be one character other than a quote or a line break",
            file=None,
            reason="delimiter",
            fix="pass delimiter=',' or ';' or '\\t'",
        )


def _check_decimal(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in (".", ","):
        raise CsvFileError(
            f"the decimal mark must be '.' or ',', not {value!r}",
            file=None,
            reason="decimal",
            fix="pass decimal='.' or decimal=','",
        )


def _check_encoding(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    try:
        codecs.lookup(value)
    except LookupError:
        raise CsvFileError(
            f"unknown encoding {value!r}",
            file=None,
            reason="encoding",
            fix="pass an encoding Python knows, such as 'utf-8' or 'cp1252'",
        ) from None


@attrs.frozen
class CsvDialect:
    """The encoding, delimiter and decimal mark of one CSV file.

    Build it with :meth:`sniff`, or directly when you know the file:

    >>> CsvDialect(encoding="cp1252", delimiter=";", decimal=",").number("1.234,5")
    1234.5
    """

    encoding: str = attrs.field(default="utf-8", validator=_check_encoding)
    delimiter: str = attrs.field(default=",", validator=_check_delimiter)
    decimal: str = attrs.field(default=".", validator=_check_decimal)

    @classmethod
    def sniff(
        cls,
        path: str | os.PathLike[str],
        *,
        encoding: str | None = None,
        delimiter: str | None = None,
        decimal: str | None = None,
    ) -> CsvDialect:
        """Look at the start of ``path`` and work out what was not given.

        Raises:
            CsvFileError: the file cannot be opened, is empty, or is neither UTF-8 nor cp1252.
        """
        file = Path(path)
        try:
            with file.open("rb") as stream:
                sample = stream.read(SAMPLE_BYTES)
        except OSError as exc:
            raise CsvFileError(
                f"cannot open the file ({exc.strerror or exc})",
                file=str(file),
                reason="io",
                fix="check the path and that the file is readable",
            ) from exc
        if encoding is None:
            encoding = _sniff_encoding(sample, file)
        text = _decode_sample(sample, encoding, file)
        if not text.strip():
            raise CsvFileError(
                "the file is empty",
                file=str(file),
                reason="empty",
                fix="export again; a CSV file needs at least a header line",
            )
        if delimiter is None:
            delimiter = _sniff_delimiter(text)
        if decimal is None:
            decimal = "." if delimiter == "," else ","
        return cls(encoding=encoding, delimiter=delimiter, decimal=decimal)

    def number(self, text: str) -> float:
        """Parse a number written in this dialect (``3``, ``2.5``, ``2,5`` with a ``,`` mark).

        Raises:
            ValueError: ``text`` is not a number.
        """
        text = text.strip().replace("\u00a0", "").replace(" ", "")
        if self.decimal == "," and "," in text:
            text = text.replace(".", "").replace(",", ".")
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(text)
        return value


def _sniff_encoding(sample: bytes, file: Path) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"the file is neither UTF-8 nor cp1252 (byte {sample[exc.start]:#04x} at offset "
            f"{exc.start} is undefined in both)",
            file=str(file),
            reason="encoding",
            fix="save the file as UTF-8, or pass encoding= with the encoding it was saved in",
        ) from None
    return "cp1252"


def _decode_sample(sample: bytes, encoding: str, file: Path) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"the file is not valid {encoding} (byte offset {exc.start}: {exc.reason})",
            file=str(file),
            reason="encoding",
            fix="pass the encoding the file was saved in, or leave encoding=None to sniff it",
        ) from None
    except LookupError:
        raise CsvFileError(
            f"unknown encoding {encoding!r}",
            file=str(file),
            reason="encoding",
            fix="pass an encoding Python knows, such as 'utf-8' or 'cp1252'",
        ) from None


def _header_line(text: str) -> str:
    """The first record of ``text``, honouring quoted line breaks."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:index]
    return text


def _sniff_delimiter(text: str) -> str:
    line = _header_line(text.lstrip("\ufeff"))
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
