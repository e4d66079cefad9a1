"""The planning file: everything a team planned and learned in a period, as one JSON document.

A :class:`PlanningFile` bundles the planning objects of one team for the command line
(``agilemarketing showcase``, ``agilemarketing blueprint``); it is saved as a JSON file
(:meth:`PlanningFile.save`, written by :mod:`agilemarketing.planning.serialise`) or as a
document in the team's SQLite mirror (:meth:`PlanningFile.save_to_mirror`).

>>> from datetime import date
>>> from agilemarketing.planning.guidepoint import Guidepoint, Outcome
>>> gp = Guidepoint("Pipeline", date(2026, 4, 1), date(2026, 6, 30), [Outcome("pipeline")])
>>> PlanningFile("Demand gen", guidepoint=gp).guidepoint.outcome_names
('pipeline',)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import msgspec

from agilemarketing.cycles import CycleReport
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import NotFound, SerializationError
from agilemarketing.items import WorkItem
from agilemarketing.planning.blueprint import Blueprint
from agilemarketing.planning.experiments import Experiment
from agilemarketing.planning.guidepoint import Guidepoint
from agilemarketing.planning.intake import TriageDecision
from agilemarketing.planning.serialise import dumps, loads
from agilemarketing.planning.showcase import Retrospective, ShowcaseSummary, team_showcase
from agilemarketing.planning.stakeholders import Request, Stakeholder

if TYPE_CHECKING:
    from agilemarketing.mirror import Mirror

__all__ = ["BlueprintVersion", "PlanningFile", "load", "save"]

_MIRROR_URL = "mirror:"


@attrs.frozen
class BlueprintVersion:
    """The Blueprint as agreed at one moment (usually a Team Showcase).

    Attributes:
        label: what the moment was ("workshop", "showcase Cycle 1").
        blueprint: the Blueprint then.
        cycle: the cycle whose showcase agreed it (None for the planning workshop).
    """

    label: str
    blueprint: Blueprint
    cycle: str | None = None


@attrs.frozen
class PlanningFile:
    """Everything a team planned and learned in a period, as one JSON document.

    Write it with :meth:`save`, read it with :meth:`load`; the command line reads it too.
    ``suggestions`` maps a cycle's name to the keys of requests stakeholders made at its
    showcase; ``items`` holds the current versions of the team's work items (what their
    Definition of Done says now), for instance everything on the board.
    """

    team: str = ""
    guidepoint: Guidepoint | None = None
    blueprints: tuple[BlueprintVersion, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()
    requests: tuple[Request, ...] = ()
    decisions: tuple[TriageDecision, ...] = ()
    experiments: tuple[Experiment, ...] = ()
    cycles: tuple[CycleReport, ...] = ()
    retrospectives: tuple[Retrospective, ...] = ()
    definition_of_done: DefinitionOfDone | None = None
    suggestions: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    items: tuple[WorkItem, ...] = ()
    version: int = 1

    @property
    def blueprint(self) -> Blueprint | None:
        """The latest Blueprint (None when there is none yet)."""
        return self.blueprints[-1].blueprint if self.blueprints else None

    def cycle(self, name: str) -> CycleReport:
        """The closed cycle called ``name``."""
        for report in self.cycles:
            if report.cycle.name.casefold() == name.strip().casefold():
                return report
        raise NotFound(
            "cycle", name, where="planning file",
            fix=f"use one of {', '.join(r.cycle.name for r in self.cycles) or '(none)'}",
        )  # fmt: skip

    def showcase(self, name: str, *, report: CycleReport | None = None) -> ShowcaseSummary:
        """The Team Showcase summary of cycle ``name``, from what the file holds.

        The Blueprint change list compares the version agreed at this cycle's showcase with the
        one before it; the suggestions are the requests listed for this cycle. ``report``
        replaces the file's own record of the cycle, for instance the cycle as the board's
        history shows it (:func:`~agilemarketing.planning.showcase.cycle_from_history`):
        finished work and committed vs completed then come from the board, campaigns,
        Blueprint changes and suggestions from the file.
        """
        if report is None:
            report = self.cycle(name)
        name = report.cycle.name
        before = after = None
        for n, version in enumerate(self.blueprints):
            if version.cycle is not None and version.cycle.casefold() == name.casefold() and n:
                before, after = self.blueprints[n - 1].blueprint, version.blueprint
        wanted = set(self.suggestions.get(report.cycle.name, ()))
        return team_showcase(
            report,
            definition_of_done=self.definition_of_done,
            experiments=[e for e in self.experiments if e.started_at <= report.closed_at],
            blueprint_before=before,
            blueprint_after=after,
            suggestions=[r for r in self.requests if r.key in wanted],
            items=self.items,
        )

    def save(self, path: str | Path) -> Path:
        """Write the file as JSON (UTF-8); return its path."""
        target = Path(path)
        target.write_bytes(msgspec.json.format(dumps(self), indent=2))
        return target

    @classmethod
    def load(cls, path: str | Path) -> PlanningFile:
        """Read a file written by :meth:`save` (errors name the file and the JSON path).

        ``mirror:team.db`` reads the planning document stored in that mirror instead
        (:meth:`from_mirror`).
        """
        text = str(path)
        if text.startswith(_MIRROR_URL) and not Path(text).is_file():
            return cls.from_mirror(text[len(_MIRROR_URL) :])
        source = Path(path)
        try:
            return loads(source.read_bytes(), cls)
        except SerializationError as exc:
            raise SerializationError(
                f"file {source.name}, {exc.path}", expected=exc.expected, value=exc.value
            ) from None

    def save_to_mirror(self, mirror: Mirror | str | Path, *, name: str = "planning") -> None:
        """Store the file in a SQLite mirror (the one a team syncs its board into).

        ``mirror`` is an open :class:`~agilemarketing.mirror.Mirror` or its path (created
        when missing). The document replaces an earlier one of the same ``name``; the
        command line reads it as ``mirror:team.db``.

        >>> from agilemarketing.mirror import Mirror
        >>> with Mirror(":memory:") as db:
        ...     PlanningFile("Demand gen").save_to_mirror(db)
        ...     PlanningFile.from_mirror(db).team
        'Demand gen'
        """
        from agilemarketing.mirror import Mirror

        body = dumps(self).decode("utf-8")
        if isinstance(mirror, Mirror):
            with mirror.transaction():
                mirror.save_document(name, body)
            return
        with Mirror(mirror) as db, db.transaction():
            db.save_document(name, body)

    @classmethod
    def from_mirror(cls, mirror: Mirror | str | Path, *, name: str = "planning") -> PlanningFile:
        """Read the planning document ``name`` stored with :meth:`save_to_mirror`.

        Raises:
            NotFound: the mirror holds no such document.
            MirrorError: there is no mirror at that path.
        """
        from agilemarketing.mirror import Mirror

        if isinstance(mirror, Mirror):
            body, where = mirror.document(name), f"mirror {mirror.path}"
        else:
            with Mirror(mirror, create=False) as db:
                body, where = db.document(name), f"mirror {db.path}"
        if body is None:
            raise NotFound(
                "planning document", name, where=where,
                fix="store one with PlanningFile.save_to_mirror(mirror)",
            )  # fmt: skip
        try:
            return loads(body, cls)
        except SerializationError as exc:
            raise SerializationError(
                f"{where}, document {name}, {exc.path}", expected=exc.expected, value=exc.value
            ) from None


def save(planning: PlanningFile, path: str | Path) -> Path:
    """Write ``planning`` to ``path`` (see :meth:`PlanningFile.save`)."""
    return planning.save(path)


def load(path: str | Path) -> PlanningFile:
    """Read a :class:`PlanningFile` (see :meth:`PlanningFile.load`)."""
    return PlanningFile.load(path)
