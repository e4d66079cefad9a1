"""The Definition of Done: a team's own checklist of what makes an item done.

An item is only done when its Definition of Done holds. The checklist is the team's balance of
quality and speed ("good enough"), so it is short, named, and the same for every item of a kind.
Items record the criteria they meet in :attr:`WorkItem.done_criteria
<agilemarketing.items.WorkItem.done_criteria>`; a :class:`DefinitionOfDone` checks them.

>>> from agilemarketing.items import WorkItem
>>> dod = DefinitionOfDone(
...     ["Copy proofread", "Links tested", "Tracking in place"],
...     per_kind={"email": ["Spam check passed"]},
... )
>>> email = WorkItem("EM-4", "Nurture email 2", kind="email")
>>> email = email.with_criteria_met("Copy proofread", "Links tested")
>>> print(dod.check(email))
EM-4: 2/4 criteria met; unmet: Tracking in place, Spam check passed
>>> dod.check(email).is_done
False
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from agilemarketing.errors import InvalidValue, NotDone, NotFound, raise_all
from agilemarketing.items import WorkItem
from agilemarketing.validators import sequence

__all__ = ["DefinitionOfDone", "DoneCheck"]


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


_FIX = 'list the criteria by name, e.g. ["Copy proofread", "Links tested"]'


def _criteria(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    names = sequence(value, "DefinitionOfDone criteria", fix=_FIX)
    return tuple(" ".join(str(c).split()) for c in names)


def _per_kind(value: Mapping[str, Iterable[str]] | None) -> Mapping[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidValue(
            "expected a mapping of item kind to criteria",
            where="DefinitionOfDone.per_kind",
            fix='give e.g. {"email": ["Spam check passed"]}',
            value=type(value).__name__,
        )
    kinds: dict[str, tuple[str, ...]] = {}
    spelled: dict[str, str] = {}
    for kind, names in value.items():
        key = str(kind).strip().lower()
        if key in kinds:
            raise InvalidValue(
                f"kinds {spelled[key]!r} and {kind!r} are the same kind (kinds are matched in "
                "lower case), so one list would silently replace the other",
                where="DefinitionOfDone.per_kind",
                fix="give each kind once, with all its criteria in one list",
            )
        kinds[key], spelled[key] = _criteria(names), str(kind)
    return kinds


@attrs.frozen
class DoneCheck:
    """The result of checking one item against a Definition of Done.

    ``met`` and ``unmet`` follow the checklist order; together they are the whole checklist for
    the item's kind.

    >>> check = DoneCheck("C-1", met=("Brief agreed",), unmet=("Legal approved",))
    >>> check.progress, check.is_done, check.summary
    (0.5, False, '1/2 criteria met')
    """

    key: str
    met: tuple[str, ...] = ()
    unmet: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        """How many criteria apply to the item."""
        return len(self.met) + len(self.unmet)

    @property
    def progress(self) -> float:
        """The fraction of criteria met, from 0.0 to 1.0 (1.0 when the checklist is empty)."""
        return 1.0 if self.total == 0 else len(self.met) / self.total

    @property
    def is_done(self) -> bool:
        """Whether every criterion is met."""
        return not self.unmet

    @property
    def summary(self) -> str:
        """Partial progress in words, e.g. ``"3/5 criteria met"``."""
        return f"{len(self.met)}/{self.total} criteria met"

    def __str__(self) -> str:
        text = f"{self.key}: {self.summary}"
        if self.unmet:
            text += "; unmet: " + ", ".join(self.unmet)
        return text


@attrs.frozen
class DefinitionOfDone:
    """A team's checklist of named criteria, the same for every item, plus extras per item kind.

    ``default`` applies to every item; ``per_kind`` adds criteria for items of one kind (kinds are
    matched in lower case, as :class:`~agilemarketing.items.WorkItem` stores them). Criterion
    names are matched ignoring case and repeated spaces, so ``"Links tested"`` recorded on an
    item meets ``"links  tested"`` on the checklist.

    Args:
        default: criteria every item must meet.
        per_kind: extra criteria by item kind (``{"email": ["Spam check passed"]}``).

    >>> dod = DefinitionOfDone(["Brief agreed", "Published"])
    >>> dod.criteria_for("blog")
    ('Brief agreed', 'Published')
    """

    default: tuple[str, ...] = attrs.field(default=(), converter=_criteria)
    per_kind: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_per_kind)

    def __attrs_post_init__(self) -> None:
        problems: list[InvalidValue] = []
        shared = {_fold(name) for name in self.default}
        # Each kind's extras are checked against the default, not the default again: a problem
        # in the default is reported once, under "default".
        checklists = [("default", self.default, set[str]())] + [
            (f"kind {kind!r}", extra, set(shared)) for kind, extra in self.per_kind.items()
        ]
        for where, names, seen in checklists:
            for name in names:
                if not name:
                    problems.append(
                        InvalidValue(
                            "a criterion needs a name",
                            where=f"DefinitionOfDone, {where}",
                            fix="name every criterion, e.g. 'Copy proofread'",
                        )
                    )
                elif _fold(name) in seen:
                    problems.append(
                        InvalidValue(
                            f"criterion {name!r} is listed twice",
                            where=f"DefinitionOfDone, {where}",
                            fix="list each criterion once (per-kind criteria add to the default)",
                        )
                    )
                seen.add(_fold(name))
        raise_all(problems, "invalid Definition of Done")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DefinitionOfDone:
        """Build one from plain data, as read from TOML or JSON.

        ``default`` holds the shared list; every other key is an item kind.

        >>> dod = DefinitionOfDone.from_mapping(
        ...     {"default": ["Proofread"], "event": ["Venue booked"]}
        ... )
        >>> dod.criteria_for("Event")
        ('Proofread', 'Venue booked')
        """
        problems: list[InvalidValue] = []
        lists: dict[str, list[str]] = {}
        for key, value in data.items():
            if isinstance(value, str) or not isinstance(value, list | tuple):
                problems.append(
                    InvalidValue(
                        "expected a list of criterion names",
                        where=f"Definition of Done, key {key!r}",
                        fix='write it as a list, e.g. ["Copy proofread", "Links tested"]',
                        value=value,
                    )
                )
                continue
            lists[str(key)] = [str(v) for v in value]
        raise_all(problems, "invalid Definition of Done")
        default = lists.pop("default", [])
        return cls(default, per_kind=lists)

    def criteria_for(self, kind: str) -> tuple[str, ...]:
        """Every criterion an item of ``kind`` must meet: the default, then the kind's extras."""
        extra = self.per_kind.get(kind.strip().lower(), ())
        return self.default + extra

    def criteria_named(self, names: Iterable[str], item: WorkItem) -> tuple[str, ...]:
        """The checklist's own names for ``names``, as criteria of ``item``'s kind.

        Names match ignoring case and repeated spaces. A name that is not on the item's
        checklist is refused, naming the closest criterion, so a typo is never recorded as met.

        >>> from agilemarketing.items import WorkItem
        >>> dod = DefinitionOfDone(["Copy proofread", "Links tested"])
        >>> dod.criteria_named(["links  TESTED"], WorkItem("B-1", "Blog post"))
        ('Links tested',)
        >>> dod.criteria_named(["Copy proofed"], WorkItem("B-1", "Blog post"))
        Traceback (most recent call last):
        ...
        agilemarketing.errors.NotFound: item B-1, Definition of Done: no criterion named \
'Copy proofed'. Fix: did you mean 'Copy proofread'? The checklist: 'Copy proofread', \
'Links tested'.
        """
        checklist = self.criteria_for(item.kind)
        by_fold = {_fold(c): c for c in checklist}
        named: list[str] = []
        for name in names:
            found = by_fold.get(_fold(str(name)))
            if found is None:
                closest = difflib.get_close_matches(_fold(str(name)), list(by_fold), n=1, cutoff=0)
                listed = ", ".join(repr(c) for c in checklist) or "(empty)"
                hint = f"did you mean {by_fold[closest[0]]!r}? " if closest else ""
                raise NotFound(
                    "criterion",
                    str(name),
                    where=f"item {item.key}, Definition of Done",
                    fix=f"{hint}The checklist: {listed}",
                )
            named.append(found)
        return tuple(named)

    def check(self, item: WorkItem) -> DoneCheck:
        """Which criteria ``item`` meets and which it does not yet meet.

        >>> from agilemarketing.items import WorkItem
        >>> dod = DefinitionOfDone(["Proofread", "Published"])
        >>> dod.check(WorkItem("B-1", "Blog post").with_criteria_met("proofread")).summary
        '1/2 criteria met'
        """
        recorded = {_fold(c) for c in item.done_criteria}
        met: list[str] = []
        unmet: list[str] = []
        for name in self.criteria_for(item.kind):
            (met if _fold(name) in recorded else unmet).append(name)
        return DoneCheck(item.key, tuple(met), tuple(unmet))

    def require(self, item: WorkItem) -> DoneCheck:
        """Return the check when ``item`` is done; otherwise raise :class:`NotDone`.

        The error lists every unmet criterion at once, so the team sees the whole gap.

        >>> from agilemarketing.items import WorkItem
        >>> dod = DefinitionOfDone(["Proofread", "Published"])
        >>> dod.require(WorkItem("B-1", "Blog post"))
        Traceback (most recent call last):
        ...
        agilemarketing.errors.NotDone: item B-1: not done, 0/2 Definition-of-Done criteria met; \
unmet: 'Proofread'; 'Published'. Fix: ...
        """
        check = self.check(item)
        if not check.is_done:
            raise NotDone(item.key, check.unmet, check.met)
        return check
