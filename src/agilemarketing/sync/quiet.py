"""A sync with nothing to do that reads neither side: an unchanged re-sync costs a hash, not a read.

Reading a 30,000-item CSV file and the mirror's board to find that nothing changed costs
seconds. An adapter that can name its whole state cheaply says so with
:meth:`~agilemarketing.adapter.Adapter.current_cursor` (a CSV file: a hash of its bytes and
reading options; the mirror: its board's revision). A clean run of a ``source -> target`` sync
leaves behind, in the mirror (:meth:`~agilemarketing.mirror.Mirror.sync_state`), a
:class:`QuietState`:

* the source's current cursor, taken *before* the run read it;
* the target's current cursor, taken once the run's own writes were done (while the sync still
  holds the target's lock), and only when the target's cursor did not move between the plan's
  read and the start of the apply (someone else wrote in between: nothing is left behind);
* the revisions of both merge bases in the mirror;
* a digest of the sync's settings (the whole :class:`~agilemarketing.sync.SyncConfig`, the
  conflict policy and the library's version).

The next :func:`~agilemarketing.sync.plan` compares them with the adapters' cursors now and
with the mirror: when every one is equal, no journal entry is left *planned* by an interrupted
run, no board is to be renamed and ``full`` is not asked for, the plan is empty without a read.
Anything else (an edit of the file, however small; a write on the target side; a killed or
failed run; a different config; ``--full``) makes a real plan. An apply that will write
forgets the state first, so a run killed halfway leaves none; a run that ends with conflicts,
failed changes, blocked items or unmapped statuses leaves none either (the next run reports
them again).
"""

from __future__ import annotations

import hashlib
import json

import attrs

from agilemarketing._version import __version__
from agilemarketing.adapter import Adapter
from agilemarketing.errors import AgileMarketingError
from agilemarketing.mirror import Mirror, target_base
from agilemarketing.sync.config import SyncConfig
from agilemarketing.sync.conflicts import ConflictPolicy

__all__ = [
    "QuietStart",
    "QuietState",
    "current",
    "cursor_of",
    "forget",
    "remember",
    "settings_digest",
    "unchanged",
]


@attrs.frozen
class QuietStart:
    """What a plan noted before it read: the source's and the target's current cursors (None:
    the adapter cannot tell) and the digest of its settings."""

    source: str | None
    target: str | None
    settings: str


@attrs.frozen
class QuietState:
    """What a clean run leaves behind for a pair (see the module's description)."""

    source: str
    target: str
    bases: tuple[int, int]
    settings: str

    def as_text(self) -> str:
        return json.dumps(
            {
                "source": self.source,
                "target": self.target,
                "bases": list(self.bases),
                "settings": self.settings,
            },
            sort_keys=True,
        )

    @classmethod
    def from_text(cls, text: str | None) -> QuietState | None:
        """The state stored as ``text`` (None for none, or for a text this release cannot
        read: the next run is then a real one)."""
        if text is None:
            return None
        try:
            data = json.loads(text)
            source, target, settings = data["source"], data["target"], data["settings"]
            first, second = data["bases"]
        except (ValueError, KeyError, TypeError):
            return None
        return cls(str(source), str(target), (int(first), int(second)), str(settings))


def settings_digest(config: SyncConfig, policy: ConflictPolicy) -> str:
    """A digest of everything in a sync's settings that could change its plan."""
    text = repr((__version__, repr(config), policy.value))
    return hashlib.sha256(text.encode()).hexdigest()


def cursor_of(adapter: Adapter) -> str | None:
    """``adapter``'s current cursor as text (None when it cannot tell, or fails to, or when
    the text holds a secret of the adapter: it is stored in the mirror)."""
    try:
        cursor = adapter.current_cursor()
    except (AgileMarketingError, OSError):  # the real read says what is wrong
        return None
    if cursor is None or adapter.redact(cursor.token) != cursor.token:
        return None
    return cursor.token


def current(
    start: QuietStart, target: str | None, mirror: Mirror, pair: tuple[str, str]
) -> QuietState | None:
    """The state of a pair now, from the cursors noted and the mirror's bases (None when an
    adapter cannot name its state)."""
    if start.source is None or target is None:
        return None
    src, tgt = pair
    bases = (mirror.revision(src), mirror.revision(target_base(tgt)))
    return QuietState(start.source, target, bases, start.settings)


def unchanged(start: QuietStart, mirror: Mirror, pair: tuple[str, str]) -> bool:
    """Whether the pair is as its last clean run left it: the plan may be empty unread."""
    stored = QuietState.from_text(mirror.sync_state(*pair))
    if stored is None:
        return False
    now = current(start, start.target, mirror, pair)
    return now == stored and not mirror.planned_count(pair[1])


def forget(mirror: Mirror, pair: tuple[str, str]) -> None:
    """Forget the pair's state before an apply writes (a run killed halfway leaves none)."""
    if mirror.sync_state(*pair) is not None:
        with mirror.transaction():
            mirror.set_sync_state(*pair, None)


def remember(state: QuietState | None, mirror: Mirror, pair: tuple[str, str]) -> None:
    """Store the state a clean run leaves behind (nothing is written when it is unchanged)."""
    text = None if state is None else state.as_text()
    if mirror.sync_state(*pair) != text:
        with mirror.transaction():
            mirror.set_sync_state(*pair, text)
