"""A tool for tests of creates whose answer was lost: :class:`MarkedByChange`.

>>> from agilemarketing.adapter import CreateItem
>>> tool = MarkedByChange("tool")
>>> made = tool.apply(CreateItem("MKT-1", "Webinar")).key
>>> tool.find_created(CreateItem("MKT-1", "Webinar")) == made
True
>>> tool.find_created(CreateItem("MKT-1", "Renamed")) is None  # another change
True
"""

from __future__ import annotations

from collections.abc import Iterable

from agilemarketing.adapter import AnyChange, ChangeResult, ChangeStatus, CreateItem
from agilemarketing.testing import KeyAssigningAdapter


class LostAnswer(Exception):
    """The connection was lost after the tool applied a write: its answer never came."""


class MarkedByChange(KeyAssigningAdapter):
    """A tool that recognises a create sent again only by the change's id (as Jira finds its
    issue property), not by the item's key. With ``crash`` it loses the answer of its writes;
    :meth:`find_created` answers by the change's id (not at all when ``finds`` is False)."""

    crash = False
    finds = True

    def __init__(self, location: str = "") -> None:
        super().__init__(location)
        self.made: dict[str, str] = {}  # change id -> the key given

    def apply(self, change: AnyChange) -> ChangeResult:
        if isinstance(change, CreateItem):
            if change.change_id in self.made:
                key = self.made[change.change_id]
                return ChangeResult(change, ChangeStatus.ALREADY_APPLIED, key=key)
            self._assigned.pop(change.key, None)  # the item's key is no way to find it
        result = super().apply(change)
        if isinstance(change, CreateItem) and result.key is not None:
            self.made[change.change_id] = result.key
        return result

    def write(self, changes: Iterable[AnyChange]) -> list[ChangeResult]:
        results = super().write(changes)
        if self.crash:
            raise LostAnswer("connection lost after the tool applied the batch")
        return results

    def find_created(self, change: CreateItem) -> str | None:
        return self.made.get(change.change_id) if self.finds else None
