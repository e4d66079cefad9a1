"""Which Jira field holds what: story points, the Flagged field, the epic, sprints and rank.

Custom fields have site-specific ids (``customfield_10016``). They are taken from the adapter's
options when given, and otherwise discovered from ``GET /field`` by their type or name. When two
fields could be the one meant and no option says which, that is an error naming both.

>>> fields = [{"id": "customfield_10016", "name": "Story point estimate",
...            "schema": {"custom": "com.pyxis.greenhopper.jira:jsw-story-points"}},
...           {"id": "customfield_10020", "name": "Sprint",
...            "schema": {"custom": "com.pyxis.greenhopper.jira:gh-sprint"}}]
>>> m = discover_fields(fields, cloud=True, site="https://example.atlassian.net")
>>> m.points, m.sprint, m.epic, m.blocked
('customfield_10016', 'customfield_10020', 'parent', None)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from agilemarketing_jira.errors import AmbiguousField

__all__ = ["FieldMap", "discover_fields"]

_POINTS_NAMES = frozenset({"story points", "story point estimate"})
_POINTS_TYPES = frozenset(
    {"com.pyxis.greenhopper.jira:jsw-story-points", "com.atlassian.jpo:jpo-custom-field-sp"}
)
_SPRINT_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"
_RANK_TYPES = frozenset(
    {"com.pyxis.greenhopper.jira:gh-lexo-rank", "com.pyxis.greenhopper.jira:gh-global-rank"}
)
_EPIC_LINK_TYPE = "com.pyxis.greenhopper.jira:gh-epic-link"


@attrs.frozen
class FieldMap:
    """The ids of the fields the adapter reads and writes (None: the site has no such field).

    Attributes:
        points: story points (a number field).
        blocked: the Flagged field; its history gives blocked periods.
        epic: ``parent`` (Cloud) or the Epic Link field (Data Center).
        sprint: the Sprint field.
        rank: the Rank field (a LexoRank string, kept verbatim).
        names: every field's name by id, for error messages.
    """

    points: str | None
    blocked: str | None
    epic: str | None
    sprint: str | None
    rank: str | None
    names: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    def read_fields(self) -> list[str]:
        """The fields a read asks for (only those: a search is cheaper with fewer)."""
        base = ["summary", "issuetype", "status", "created", "updated", "resolutiondate"]
        base.append("labels")
        return base + [
            f for f in (self.points, self.blocked, self.epic, self.sprint, self.rank) if f
        ]

    def history_fields(self) -> list[str]:
        """The fields whose changelog entries make a history: status and Flagged."""
        return ["status"] + ([self.blocked] if self.blocked else [])

    def name_of(self, field_id: str) -> str:
        """The adapter's name of a Jira field id (``points`` for the points field), else the
        Jira name, else the id."""
        ours = {
            self.points: "points",
            self.blocked: "blocked",
            self.epic: "epic",
            self.sprint: "sprints",
            self.rank: "rank",
            "issuetype": "type",
        }
        if field_id in ours:
            return str(ours[field_id])
        return self.names.get(field_id, field_id)


def _custom_type(field: Mapping[str, Any]) -> str:
    schema = field.get("schema") or {}
    return str(schema.get("custom") or "")


def _one(
    role: str,
    option: str,
    candidates: Iterable[Mapping[str, Any]],
    given: str | None,
    site: str,
) -> str | None:
    if given:
        return given
    found = [(str(f["id"]), str(f.get("name", ""))) for f in candidates]
    if len(found) > 1:
        raise AmbiguousField(role, option, found, site)
    return found[0][0] if found else None


def discover_fields(
    fields: Iterable[Mapping[str, Any]],
    *,
    cloud: bool,
    site: str,
    points: str | None = None,
    blocked: str | None = None,
    epic: str | None = None,
) -> FieldMap:
    """The :class:`FieldMap` of a site, from its ``GET /field`` answer and the options."""
    every = [f for f in fields if "id" in f]
    names = {str(f["id"]): str(f.get("name", f["id"])) for f in every}
    points_id = _one(
        "story points",
        "points_field",
        [
            f
            for f in every
            if str(f.get("name", "")).lower() in _POINTS_NAMES or _custom_type(f) in _POINTS_TYPES
        ],
        points,
        site,
    )
    blocked_id = _one(
        "Flagged (blocked) state",
        "blocked_field",
        [f for f in every if str(f.get("name", "")).lower() == "flagged"],
        blocked,
        site,
    )
    if epic:
        epic_id: str | None = epic
    elif cloud:
        epic_id = "parent"
    else:
        epic_id = _one(
            "epic link",
            "epic_field",
            [f for f in every if _custom_type(f) == _EPIC_LINK_TYPE],
            None,
            site,
        )
    sprint_id = _one(
        "sprint", "sprint_field", [f for f in every if _custom_type(f) == _SPRINT_TYPE], None, site
    )
    ranks = [f for f in every if _custom_type(f) in _RANK_TYPES]
    lexo = [f for f in ranks if _custom_type(f).endswith("gh-lexo-rank")]
    rank_id = _one("rank", "rank_field", lexo or ranks, None, site)
    return FieldMap(points_id, blocked_id, epic_id, sprint_id, rank_id, names)
