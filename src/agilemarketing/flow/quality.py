"""Data quality: what the flow log found (and fixed) in the histories, with item keys per issue.

:data:`ISSUES` names every kind of problem the build looks for; a :class:`DataQualityReport`
holds one :class:`QualityIssue` per kind.

>>> sorted(ISSUES)[:3]
['abandoned', 'backwards_move', 'created_done']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing._display import Summary, summary
from agilemarketing.errors import NotFound
from agilemarketing.extras import require_pandas

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ISSUES", "DataQualityReport", "QualityIssue"]

ISSUES: Mapping[str, str] = {
    "unmapped_status": "moved to a status the workflow does not map",
    "abandoned": "ended in a status outside the workflow (e.g. Won't Do): not counted as done",
    "skipped_stage": "moved forward past one or more stages",
    "backwards_move": "moved back to an earlier stage",
    "reopened": "left a done stage for an earlier one",
    "out_of_order": "transitions not in time order in the input (sorted)",
    "duplicate_event": "the same transition twice at the same time (kept once)",
    "status_gap": "a transition's 'from' is not the previous transition's 'to'",
    "self_transition": "moved from a status to the same status (merged into one stay)",
    "done_without_start": "done without passing an in-progress stage (no cycle time)",
    "created_done": "already done when first seen (no cycle time)",
    "implausible_date": "a date far outside the rest of the data (a typo?): left out, so it "
    "does not move the report (docs/history-format.md, Implausible dates)",
    "truncated": "history looks cut short (starts mid-workflow before its created date, no "
    "created date, or the current status differs from the last transition)",
}


def _str_array(value: Any) -> npt.NDArray[np.str_]:
    return np.asarray(value, dtype=np.str_) if len(value) else np.empty(0, dtype=np.str_)


@attrs.frozen
class QualityIssue:
    """One kind of data problem and the items it affects.

    >>> QualityIssue("reopened", "left a done stage", ("M-2",)).count
    1
    """

    name: str
    description: str
    item_keys: npt.NDArray[np.str_] = attrs.field(converter=_str_array, eq=False, repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys of the affected items, in item order."""
        return tuple(self.item_keys.tolist())

    @property
    def count(self) -> int:
        """How many items have this issue."""
        return len(self.item_keys)


@attrs.frozen
class DataQualityReport:
    """What the flow log found (and fixed) in the histories, with item keys per issue.

    ``unmapped_statuses`` maps each status the workflow does not know to the items that used it.

    >>> report = DataQualityReport(
    ...     n_items=3, issues=(QualityIssue("reopened", "left done", ("M-2",)),))
    >>> report["reopened"].keys, report.ok
    (('M-2',), False)
    """

    n_items: int
    issues: tuple[QualityIssue, ...]
    unmapped_statuses: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    def __getitem__(self, name: str) -> QualityIssue:
        for issue in self.issues:
            if issue.name == name:
                return issue
        if name in ISSUES:
            return QualityIssue(name, ISSUES[name], ())
        raise NotFound("data-quality issue", name, fix=f"use one of {', '.join(ISSUES)}")

    def with_issue(self, name: str, keys: npt.NDArray[np.str_]) -> DataQualityReport:
        """This report with the items of issue ``name`` set to ``keys``.

        >>> report = DataQualityReport(n_items=2, issues=(QualityIssue("reopened", "x", ()),))
        >>> report.with_issue("reopened", np.array(["M-1"]))["reopened"].keys
        ('M-1',)
        """
        issues = tuple(
            QualityIssue(i.name, i.description, keys) if i.name == name else i for i in self.issues
        )
        return attrs.evolve(self, issues=issues)

    @property
    def ok(self) -> bool:
        """True when no issue affects any item."""
        return all(issue.count == 0 for issue in self.issues)

    def to_dict(self, *, max_keys: int = 50) -> dict[str, Any]:
        """A JSON-ready summary: counts plus up to ``max_keys`` example keys per issue."""
        return {
            "items": self.n_items,
            "issues": {
                i.name: {
                    "description": i.description,
                    "count": i.count,
                    "keys": i.item_keys[:max_keys].tolist(),
                }
                for i in self.issues
            },
            "unmapped_statuses": {
                status: {"count": len(keys), "keys": list(keys[:max_keys])}
                for status, keys in self.unmapped_statuses.items()
            },
        }

    def __str__(self) -> str:
        lines = [f"data quality: {self.n_items} items"]
        for issue in self.issues:
            if issue.count:
                shown = ", ".join(issue.item_keys[:5].tolist())
                shown += ", ..." if issue.count > 5 else ""
                lines.append(f"  {issue.name}: {issue.count} ({issue.description}): {shown}")
        for status, keys in self.unmapped_statuses.items():
            lines.append(f"  status {status!r} not in the workflow: {len(keys)} items")
        if len(lines) == 1:
            lines.append("  no issues")
        return "\n".join(lines)

    def _summary(self) -> Summary:
        found = [i for i in self.issues if i.count]
        facts = [f"{self.n_items:,} items", "no issues" if self.ok else f"{len(found)} issues"]
        rows = [
            (i.name, i.count, i.description, ", ".join(i.item_keys[:3].tolist())) for i in found
        ]
        rows.extend(
            (
                "unmapped status " + repr(status),
                len(keys),
                "not in the workflow",
                ", ".join(keys[:3]),
            )
            for status, keys in self.unmapped_statuses.items()
        )
        return summary(
            "DataQualityReport",
            facts,
            ["issue", "items", "what", "for example"],
            rows,
            total=len(rows),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()

    def to_pandas(self) -> pd.DataFrame:
        """One row per affected item and issue (``issue``, ``description``, ``key``; ``status``
        names the unmapped status of an ``unmapped_status`` row), for filtering and grouping.

        Needs pandas (``pip install "agilemarketing[pandas]"``).
        """
        require_pandas()
        import pandas as pd

        rows: list[tuple[str, str, str, str | None]] = []
        unmapped = {key: status for status, keys in self.unmapped_statuses.items() for key in keys}
        for issue in self.issues:
            status_of = unmapped if issue.name == "unmapped_status" else {}
            rows.extend(
                (issue.name, issue.description, key, status_of.get(key))
                for key in issue.item_keys.tolist()
            )
        return pd.DataFrame(rows, columns=["issue", "description", "key", "status"])
