"""The Jira adapter's read cursor: where the next incremental read starts.

A cursor holds the server's clock at the start of the read that made it (``serverInfo``
``serverTime``), the scope it belongs to, and the versions (``updated`` stamps) of the issues
changed within the overlap window before that moment. The next read asks for
``updated >= <cursor time - overlap>`` (JQL is minute-precise, and Jira's search index may lag
a little), and leaves out an issue only when its version is one the window already served: so
nothing is missed, and an unchanged issue is not served again.

>>> from datetime import UTC, datetime
>>> c = ReadCursor("ab12", datetime(2026, 3, 2, 9, 30, tzinfo=UTC), {"MKT-3": "v1"})
>>> ReadCursor.decode(c.encode(), scope="ab12", adapter="jira") == c
True
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from agilemarketing.errors import InvalidCursor, InvalidValue
from agilemarketing_jira.timestamps import parse_jira_time

__all__ = ["ReadCursor"]

_PREFIX = "jira1:"


def _frozen(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen
class ReadCursor:
    """The decoded cursor: ``scope`` (a digest of the site and the scope's JQL), ``at`` (the
    server's time when the read started) and ``seen`` (key -> version in the overlap window)."""

    scope: str
    at: datetime
    seen: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, eq=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReadCursor):
            return NotImplemented
        return (self.scope, self.at, dict(self.seen)) == (other.scope, other.at, dict(other.seen))

    def __hash__(self) -> int:
        return hash((self.scope, self.at))

    def encode(self) -> str:
        """The token text (what the mirror stores)."""
        payload = {"s": self.scope, "t": self.at.isoformat(), "v": dict(sorted(self.seen.items()))}
        raw = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        return _PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str, *, scope: str, adapter: str) -> ReadCursor:
        """Read a token back; a token of another adapter or scope is an InvalidCursor."""
        if not token.startswith(_PREFIX):
            raise InvalidCursor(adapter, token, why="it is not a Jira adapter cursor")
        text = token[len(_PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            payload = json.loads(raw)
            at = parse_jira_time(str(payload["t"]))
            seen = {str(k): str(v) for k, v in dict(payload.get("v") or {}).items()}
            made_for = str(payload["s"])
        except (binascii.Error, ValueError, KeyError, TypeError, InvalidValue) as exc:
            raise InvalidCursor(adapter, token, why="it is damaged") from exc
        if made_for != scope:
            raise InvalidCursor(adapter, token, why="it was made for another site or scope")
        return cls(made_for, at, seen)
