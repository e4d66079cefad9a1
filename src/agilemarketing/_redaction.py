"""Hiding secrets in text, in every usual encoding (:class:`Redactor`).

:func:`agilemarketing.errors.redact` and :meth:`agilemarketing.adapter.Adapter.redact` are built on
this; the sync scrubs every record it reads with it. A secret is found and replaced by ``***``

* **as itself**, and in any mix of the per-character encodings a URL, a JSON string or an HTML
  page uses: percent-encoding of its UTF-8 bytes (any ``safe`` set, upper- or lower-case hex,
  ``+`` for a space, ``%25`` for a ``%`` encoded twice), JSON escapes (``\\"``, ``\\\\``,
  ``\\/``, ``\\n``..., ``\\uXXXX`` with surrogate pairs) and HTML escapes of ``& < > " '``. One
  regular expression per secret matches each character as any of its encodings, so
  ``quote(s)``, ``quote(s, safe="")``, ``quote_plus(s)``, ``json.dumps(s)`` and ``html.escape(s)``
  are all caught without listing them;
* **inside base64**, as in an HTTP Basic header ``base64(user + ":" + secret)``. The user name
  is unknown, so no fixed encoded string can be searched for (the secret's bytes sit at one of
  three offsets in the 3-byte groups, and the characters around the user/secret boundary mix
  both). Instead every run of base64 characters long enough to hold the shortest secret
  (``ceil(4n/3)`` characters for ``n`` bytes; standard or URL-safe alphabet, padded or not,
  optionally URL- or JSON-escaped) is decoded at each of its four alignments, and the whole run
  is replaced when the decoded text holds any form above. This is exact (a run is hidden only
  if it really decodes to the secret, whatever the user name or what else it encodes) and cheap:
  runs that long are rare in ordinary text, and nothing is decoded when there are none.

Replacing can join the text around a secret into a new occurrence (``a`` + ``a**`` gives
``a***``, which holds ``a**``), so redaction repeats until nothing changes (at most
:data:`_ROUNDS` times). A secret made only of ``*`` cannot be hidden by ``***`` and is ignored.

>>> hide = Redactor(["s3cr/t"])
>>> hide("GET /x?token=s3cr%2Ft, then s3cr/t, then s3cr%2ft")
'GET /x?token=***, then ***, then ***'
>>> hide("Authorization: Basic " + __import__("base64").b64encode(b"me:s3cr/t").decode())
'Authorization: Basic ***'
>>> hide, Redactor([]), bool(Redactor([])), bool(hide)
(<Redactor of 1 secret>, <Redactor of 0 secrets>, False, True)
"""

from __future__ import annotations

import binascii
import contextlib
import contextvars
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Final
from urllib.parse import unquote

__all__ = ["MARK", "Redactor", "note_secret", "redactor_for", "secrets_seen"]

#: What a secret is replaced by.
MARK: Final = "***"
#: How many times redaction runs over a text at most (each round only if the last changed it).
_ROUNDS: Final = 4

_JSON_SHORT: Final = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f"}
_JSON_SHORT.update({"\n": "\\n", "\r": "\\r", "\t": "\\t"})
_HTML: Final = {
    "&": ("&amp;",),
    "<": ("&lt;",),
    ">": ("&gt;",),
    '"': ("&quot;",),
    "'": ("&#x27;", "&#39;", "&apos;"),
}
# A backslash in an escape may itself be percent-encoded (a JSON body in a query string).
_BACKSLASH: Final = r"(?:\\|%5[cC])"
# A base64 character, raw or escaped (%2B %2F in a URL, \/ in JSON); "=" padding (%3D) may end
# a run and goes with it, but decoding does not need it.
_B64_RAW: Final = "[A-Za-z0-9+/_-]"
_B64_ESCAPED: Final = r"(?:[A-Za-z0-9+/_-]|%2[bBfF]|\\/)"
_B64_TO_STANDARD: Final = str.maketrans("-_", "+/")
_NEVER: Final = re.compile("(?!)")  # the patterns of a redactor without secrets


def _hex(value: int, width: int) -> str:
    """``value`` in hex, each letter digit matching either case."""
    return "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in f"{value:0{width}X}")


def _char(char: str) -> str:
    """A pattern matching ``char`` as itself or any of its encodings."""
    forms = [re.escape(char)]
    data = char.encode("utf-8", "surrogatepass")
    forms.append("".join(f"%(?:25)?{_hex(byte, 2)}" for byte in data))
    if char == " ":
        forms.append(r"\+")
    point = ord(char)
    if point > 0xFFFF:
        point -= 0x10000
        high, low = 0xD800 + (point >> 10), 0xDC00 + (point & 0x3FF)
        forms.append(f"{_BACKSLASH}u{_hex(high, 4)}{_BACKSLASH}u{_hex(low, 4)}")
    else:
        forms.append(f"{_BACKSLASH}u{_hex(point, 4)}")
    if char in _JSON_SHORT:
        forms.append(_BACKSLASH + re.escape(_JSON_SHORT[char][1:]))
    forms += [re.escape(entity) for entity in _HTML.get(char, ())]
    if char in _HTML:
        forms += [f"&#0*{point};", f"&#[xX]0*{_hex(point, 1)};"]
    return "(?:" + "|".join(forms) + ")"


def _pattern(secret: str) -> str:
    return "".join(_char(c) for c in secret)


class Redactor:
    """Replaces every given secret, in every usual encoding, by ``***`` (see the module).

    Build it once and call it on many texts: the patterns are compiled when it is made. It is
    false when it holds no secret, so callers can skip work: ``if redactor: ...``. Its repr
    counts the secrets and never shows one.
    """

    __slots__ = ("_b64_escaped", "_b64_raw", "_count", "_plain", "_secrets")

    def __init__(self, secrets: Iterable[str | None]) -> None:
        kept = {s for s in secrets if s and s.strip("*")}
        # Longest first: the alternation takes the first that matches, so a secret holding
        # another is hidden whole.
        self._secrets = tuple(sorted(kept, key=lambda s: (-len(s), s)))
        self._count = len(self._secrets)
        self._plain = self._b64_raw = self._b64_escaped = _NEVER
        if self._secrets:
            self._plain = re.compile("|".join(_pattern(s) for s in self._secrets))
            shortest = min(len(s.encode("utf-8", "surrogatepass")) for s in self._secrets)
            length = -(-4 * shortest // 3)
            self._b64_raw = re.compile(f"{_B64_RAW}{{{length},}}={{0,2}}")
            self._b64_escaped = re.compile(f"{_B64_ESCAPED}{{{length},}}(?:=|%3[dD]){{0,2}}")

    def __bool__(self) -> bool:
        return self._count > 0

    def __repr__(self) -> str:
        return f"<Redactor of {self._count} secret{'' if self._count == 1 else 's'}>"

    def __add__(self, other: Redactor) -> Redactor:
        """A redactor hiding the secrets of both."""
        if not other:
            return self
        if not self:
            return other
        return redactor_for(self._secrets + other._secrets)

    def __call__(self, text: str) -> str:
        """``text`` with every secret, in every encoding, replaced by ``***``."""
        if not self._count or not text:
            return text
        for _ in range(_ROUNDS):
            hidden = self._once(text)
            if hidden == text:
                break
            text = hidden
        return text

    def _once(self, text: str) -> str:
        text = self._plain.sub(MARK, text)
        text = self._b64_raw.sub(self._base64_run, text)
        if "%" in text or "\\" in text:
            text = self._b64_escaped.sub(self._base64_run, text)
        return text

    def _base64_run(self, match: re.Match[str]) -> str:
        """The run of base64 characters itself, or ``***`` if it decodes to a secret."""
        run = match[0]
        starts = [run]
        if run[0] == "%":
            # The "%" or "%2" of a leading "%2B" may be the text's, not an escaped "+" (as in
            # "100%" + "2b..."): read on from the next character too. The four alignments
            # below absorb the character or two of the text left at the start either way.
            starts.append(run[1:])
        for candidate in starts:
            data = unquote(candidate.replace("\\/", "/")).rstrip("=").translate(_B64_TO_STANDARD)
            for offset in range(4):
                if self._holds_secret(data[offset:]):
                    return MARK
        return run

    def _holds_secret(self, chars: str) -> bool:
        if len(chars) % 4 == 1:
            chars = chars[:-1]  # a lone trailing character carries no whole byte
        try:
            data = binascii.a2b_base64(chars + "=" * (-len(chars) % 4))
        except binascii.Error:
            return False
        return self._plain.search(data.decode("utf-8", "replace")) is not None


@functools.lru_cache(maxsize=64)
def _cached(secrets: tuple[str, ...]) -> Redactor:
    return Redactor(secrets)


def redactor_for(secrets: Iterable[str | None]) -> Redactor:
    """The :class:`Redactor` of ``secrets`` (compiled once per set of secrets, then reused)."""
    return _cached(tuple(sorted({s for s in secrets if s})))


# --- the secrets a command has seen ---------------------------------------------------------------

_SEEN: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "agilemarketing_secrets_seen", default=None
)


def note_secret(secret: str) -> None:
    """Record that ``secret`` was read (:meth:`~agilemarketing.adapter.Adapter.secret` calls
    this), for the :func:`secrets_seen` block around it, if any."""
    seen = _SEEN.get()
    if seen is not None:
        seen.add(secret)


@contextlib.contextmanager
def secrets_seen() -> Iterator[Callable[[], Redactor]]:
    """A block that records every secret adapters read inside it; yields a function returning
    the :class:`Redactor` of those seen so far. A command wraps its body in one, so an error
    from an adapter it never got hold of (one failing as it is built) is redacted too.

    >>> with secrets_seen() as seen:
    ...     note_secret("s3cr3t")
    ...     seen()("token=s3cr3t")
    'token=***'
    """
    token = _SEEN.set(set())
    try:
        yield lambda: redactor_for(_SEEN.get() or ())
    finally:
        _SEEN.reset(token)
