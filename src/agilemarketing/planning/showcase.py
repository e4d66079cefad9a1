"""The Team Showcase summary and the Team Improvement record of a cycle.

At the end of each cycle the team shows what it *finished* (customer-ready work: its Definition
of Done holds), how live campaigns do against their success criteria, what changed on the
Blueprint, and records stakeholders' suggestions as new requests for the Marketing Owner. It is
not an approval meeting: nothing here approves or rejects finished work, and a suggestion never
changes what was delivered; it becomes a :class:`~agilemarketing.planning.stakeholders.Request`
like any other. The :class:`ShowcaseSummary` is short enough for a sales update call and renders
as Markdown or a self-contained HTML page.

Team Improvement (the retrospective) is a :class:`Retrospective`: keep / change / try, tied to
the cycle's team-level :class:`CycleMetrics`.

>>> from datetime import datetime, UTC
>>> from agilemarketing.cycles import Capacity, Cycle, CycleRun
>>> from agilemarketing.items import Size, WorkItem
>>> run = CycleRun(Cycle("Cycle 1", datetime(2026, 4, 6, tzinfo=UTC), Capacity.points(8)))
>>> run.commit([WorkItem("V-1", "App teaser video", size=Size.points(3),
...                      fields={"link": "https://example.com/teaser"})],
...            at="2026-04-03T14:00:00Z")
>>> run.complete("V-1", at="2026-04-14T10:00:00Z")
>>> summary = team_showcase(run.close())
>>> print(summary.to_markdown().splitlines()[0])
## Team Showcase: Cycle 1 (06 Apr - 20 Apr 2026)
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from agilemarketing.adapter import ItemRecord
from agilemarketing.board import Board
from agilemarketing.cycles import Capacity, Cycle, CycleReport
from agilemarketing.done import DefinitionOfDone
from agilemarketing.errors import HistorySourceError, InvalidValue, NotFound
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import CycleWindow, HistoryTable, read_history
from agilemarketing.items import Size, WorkItem
from agilemarketing.planning.blueprint import Blueprint
from agilemarketing.planning.experiments import Decision, Experiment
from agilemarketing.planning.intake import Intake
from agilemarketing.planning.stakeholders import Request, RequestCheck
from agilemarketing.utc import ensure_utc
from agilemarketing.validators import instances, sequence

if TYPE_CHECKING:
    from agilemarketing.workflow import Workflow

__all__ = [
    "CycleMetrics",
    "FinishedWork",
    "Retrospective",
    "ShowcaseSummary",
    "cycle_from_history",
    "team_showcase",
]


@attrs.frozen
class CycleMetrics:
    """A cycle's team-level numbers (never per person).

    When ``by_definition_of_done`` is true, "completed" means done by the team's Definition of
    Done in every number: an item marked complete whose checklist does not hold is counted in
    ``not_done`` only. Otherwise completions were not checked, and :meth:`line` says so.

    Attributes:
        committed: items committed at Cycle Planning.
        completed_committed: of those, how many were completed.
        unplanned: items added while the cycle ran.
        throughput: items completed (committed and unplanned).
        velocity: points completed (this team's own scale).
        predictability: completed committed / committed (None when nothing was committed).
        carried_over: keys of committed items not completed.
        not_done: items marked complete whose Definition of Done does not hold.
        by_definition_of_done: whether completions were judged by a Definition of Done.
    """

    committed: int
    completed_committed: int
    unplanned: int
    throughput: int
    velocity: float
    predictability: float | None
    carried_over: tuple[str, ...] = ()
    not_done: int = 0
    by_definition_of_done: bool = False

    @classmethod
    def from_report(cls, report: CycleReport) -> CycleMetrics:
        """The metrics of a closed cycle (:class:`~agilemarketing.cycles.CycleReport`)."""
        return cls(
            len(report.committed),
            len(report.completed_committed),
            len(report.unplanned),
            report.throughput,
            report.velocity,
            report.predictability,
            report.carried_over,
            len(report.not_done),
            report.definition_of_done is not None,
        )

    def line(self) -> str:
        """One sentence: committed vs completed, unplanned, throughput, and what "completed" is.

        >>> CycleMetrics(4, 2, 1, 3, 8.0, 0.5, not_done=1, by_definition_of_done=True).line()
        'done 2 of 4 committed (50%) by the Definition of Done; 1 completed but not done; \
1 unplanned; throughput 3'
        """
        pct = "" if self.predictability is None else f"{self.predictability:.0%}"
        if self.by_definition_of_done:
            head = f"done {self.completed_committed} of {self.committed} committed"
            head += f" ({pct}) by the Definition of Done" if pct else " by the Definition of Done"
            if self.not_done:
                head += f"; {self.not_done} completed but not done"
        else:
            unchecked = "Definition of Done not checked"
            head = f"completed {self.completed_committed} of {self.committed} committed " + (
                f"({pct}; {unchecked})" if pct else f"({unchecked})"
            )
        return f"{head}; {self.unplanned} unplanned; throughput {self.throughput}"


@attrs.frozen
class FinishedWork:
    """One customer-ready piece of work shown at the showcase."""

    key: str
    title: str
    link: str | None = None
    outcome: str | None = None
    unplanned: bool = False
    done: str | None = None  #: its Definition-of-Done state, "4 of 4", where known

    def line(self) -> str:
        """``KEY title (outcome; unplanned; DoD 4 of 4)``: how the summary lists it.

        >>> FinishedWork("F-1", "Trade-fair flyer", outcome="pipeline", unplanned=True).line()
        'F-1 Trade-fair flyer (pipeline; unplanned)'
        >>> FinishedWork("F-2", "Webinar recording", done="4 of 4").line()
        'F-2 Webinar recording (DoD 4 of 4)'
        """
        done = f"DoD {self.done}" if self.done else None
        notes = [n for n in (self.outcome, "unplanned" if self.unplanned else None, done) if n]
        return f"{self.key} {self.title}" + (f" ({'; '.join(notes)})" if notes else "")


def _safe_link(link: str | None) -> str | None:
    if link is None:
        return None
    link = str(link).strip()
    return link if link.lower().startswith(("https://", "http://")) else None


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    lines = sequence(value, "showcase or retrospective lines", fix="give a list of short lines")
    return tuple(" ".join(str(v).split()) for v in lines if str(v).strip())


_REQUESTS = instances(Request, "ShowcaseSummary.suggestions", fix="give Request values")


def _requests(value: Any) -> tuple[Request, ...]:
    return _REQUESTS(value)


_FINISHED = instances(FinishedWork, "ShowcaseSummary.finished", fix="give FinishedWork values")


def _finished(value: Any) -> tuple[FinishedWork, ...]:
    return _FINISHED(value)


@attrs.frozen
class ShowcaseSummary:
    """What a cycle delivered, for stakeholders and the next sales update call.

    Attributes:
        cycle: the cycle's name.
        starts: when it started.
        ends: when it ended.
        finished: customer-ready work, in completion order.
        not_ready: keys completed in the cycle whose Definition of Done does not hold (not shown
            as finished; they go back to the board).
        campaigns: one line per live or decided experiment, against its success criteria.
        blueprint_changes: what changed on the Blueprint since the last showcase.
        suggestions: stakeholders' suggestions, recorded as requests for the Marketing Owner.
        metrics: the cycle's team-level numbers.
    """

    cycle: str
    starts: datetime
    ends: datetime
    finished: tuple[FinishedWork, ...] = attrs.field(converter=_finished)
    metrics: CycleMetrics
    not_ready: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    campaigns: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    blueprint_changes: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    suggestions: tuple[Request, ...] = attrs.field(default=(), converter=_requests)

    def submit_suggestions(self, intake: Intake) -> list[RequestCheck]:
        """Hand every suggestion to the Marketing Owner's intake (they are requests, no more)."""
        return [intake.submit(r) for r in self.suggestions]

    def _sections(self, limit: int) -> list[tuple[str, list[tuple[str, str | None]]]]:
        def capped(rows: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
            if len(rows) <= limit:
                return rows
            return [*rows[:limit], (f"... and {len(rows) - limit} more", None)]

        finished = [(w.line(), _safe_link(w.link)) for w in self.finished]
        sections: list[tuple[str, list[tuple[str, str | None]]]] = [
            ("Finished (customer-ready)", capped(finished) or [("nothing finished", None)]),
            ("Delivery", [(self.metrics.line(), None)]),
        ]
        if self.not_ready:
            sections.append(
                ("Completed but not done yet", capped([(k, None) for k in self.not_ready]))
            )
        if self.campaigns:
            sections.append(
                ("Campaigns in the market", capped([(c, None) for c in self.campaigns]))
            )
        if self.blueprint_changes:
            sections.append(
                ("Blueprint changes", capped([(c, None) for c in self.blueprint_changes]))
            )
        if self.suggestions:
            rows: list[tuple[str, str | None]] = [
                (f"{r.key} from {r.requester}: {r.summary}", None) for r in self.suggestions
            ]
            sections.append(("Suggestions (new requests for the Marketing Owner)", capped(rows)))
        return sections

    @property
    def title(self) -> str:
        """``Team Showcase: <cycle> (<dates>)``."""
        return f"Team Showcase: {self.cycle} ({self.starts:%d %b} - {self.ends:%d %b %Y})"

    def to_markdown(self, *, limit: int = 8) -> str:
        """The summary as Markdown; each list shows at most ``limit`` lines (the call is short)."""
        lines = [f"## {self.title}"]
        for heading, rows in self._sections(limit):
            lines += ["", f"**{heading}**"]
            for text, link in rows:
                shown = _md_escape(text)
                lines.append(f"- [{shown}]({link})" if link else f"- {shown}")
        return "\n".join(lines)

    def to_html(self, *, limit: int = 8) -> str:
        """A self-contained HTML page (inline style, no scripts, everything escaped)."""
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(self.title)}</title>",
            "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
            "line-height:1.4;color:#222}h1{font-size:1.4rem}h2{font-size:1.05rem;"
            "margin-bottom:.2rem}ul{margin-top:.2rem}</style>",
            "</head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        for heading, rows in self._sections(limit):
            parts.append(f"<h2>{html.escape(heading)}</h2><ul>")
            for text, link in rows:
                body = html.escape(text)
                if link:
                    body = f'<a href="{html.escape(link, quote=True)}">{body}</a>'
                parts.append(f"<li>{body}</li>")
            parts.append("</ul>")
        parts.append("</body></html>")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.to_markdown()


def _text_or_none(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def _md_escape(text: str) -> str:
    for char in "\\`*_[]<":
        text = text.replace(char, "\\" + char)
    return text


def _live_in(experiment: Experiment, report: CycleReport, moment: datetime) -> bool:
    """Started by the showcase and not already closed before the cycle began."""
    if experiment.started_at > moment:
        return False
    closed = [d.at for d in experiment.decisions if d.decision is not Decision.CONTINUE]
    return not closed or closed[0] >= report.cycle.start


def team_showcase(
    report: CycleReport,
    *,
    definition_of_done: DefinitionOfDone | None = None,
    experiments: Sequence[Experiment] = (),
    blueprint_before: Blueprint | None = None,
    blueprint_after: Blueprint | None = None,
    suggestions: Iterable[Request] = (),
    links: Mapping[str, str] | None = None,
    items: Board | Iterable[WorkItem] | None = None,
    at: datetime | str | None = None,
) -> ShowcaseSummary:
    """Build the showcase summary of a closed cycle.

    Finished work is what was completed in the cycle *and* meets the ``definition_of_done``
    (when one is given, else the report's own). The report holds items as they were committed;
    ``items`` (the live :class:`~agilemarketing.board.Board`, or the items' current versions)
    supplies the Definition-of-Done criteria they meet now. The metrics count the same done
    work (:meth:`CycleReport.judged <agilemarketing.cycles.CycleReport.judged>`): completed
    means done everywhere on the summary. A link comes from ``links`` or the item's
    ``fields["link"]``.
    Experiments are judged at ``at`` (default: the cycle's close); those not started by then,
    or stopped or scaled before the cycle began, are left out. The Blueprint change list
    is :meth:`Blueprint.diff` between the Blueprint shown at the last showcase and now.
    """
    if not isinstance(report, CycleReport):
        raise InvalidValue(
            f"expected a closed cycle's CycleReport, not a {type(report).__name__}",
            where="team_showcase(report)",
            fix="close the run first: team_showcase(run.close()), or read the cycle from "
            "the board's history with cycle_from_history(...)",
        )
    moment = report.closed_at if at is None else ensure_utc(at)
    current: list[WorkItem] = []
    if isinstance(items, Board):
        current = [p.item for p in items]
    elif items is not None:
        current = list(items)
    dod = definition_of_done or report.definition_of_done
    if dod is not None:  # every number below counts done work (the report's items now)
        report = report.judged(dod, items=current)
    by_key = {i.key: i for i in (*report.committed, *report.unplanned)}
    by_key.update({i.key: i for i in current if i.key in by_key})
    unplanned = {i.key for i in report.unplanned}
    finished: list[FinishedWork] = []
    not_ready: list[str] = []
    for key in report.marked_complete:
        item = by_key[key]
        check = None if dod is None else dod.check(item)
        if check is not None and not check.is_done:
            not_ready.append(f"{item.title} - {check}")
            continue
        link = (links or {}).get(key) or item.fields.get("link")
        done = _text_or_none(item.fields.get("done_state"))  # as the board records it
        finished.append(
            FinishedWork(key, item.title, None if link is None else str(link), item.outcome,
                         key in unplanned, done)
        )  # fmt: skip
    changes: list[str] = []
    if blueprint_before is not None and blueprint_after is not None:
        changes = blueprint_before.diff(blueprint_after).lines()
    elif (blueprint_before is None) != (blueprint_after is None):
        raise InvalidValue(
            "a Blueprint change list needs the Blueprint before and after",
            where="team_showcase",
            fix="pass both blueprint_before= and blueprint_after=, or neither",
        )
    return ShowcaseSummary(
        report.cycle.name,
        report.cycle.start,
        report.cycle.end,
        finished,
        CycleMetrics.from_report(report),
        not_ready,
        [e.status_line(moment) for e in experiments if _live_in(e, report, moment)],
        changes,
        list(suggestions),
    )


def _moment_of(value: np.datetime64) -> datetime | None:
    if np.isnat(value):
        return None
    micros = int(value.astype("datetime64[us]").astype(np.int64))
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def cycle_from_history(
    history: HistoryTable | str | os.PathLike[str] | Iterable[ItemHistory | ItemRecord],
    workflow: Workflow,
    name: str | None = None,
    *,
    windows: Iterable[CycleWindow] = (),
    grace: timedelta = timedelta(hours=24),
    definition_of_done: DefinitionOfDone | None = None,
) -> CycleReport:
    """A closed cycle as a :class:`~agilemarketing.cycles.CycleReport`, from a board's history.

    ``history`` is a history JSON Lines file, a
    :class:`~agilemarketing.historyio.HistoryTable` (read a board behind an adapter URL with
    :func:`agilemarketing.report.load_history`), item histories, or adapter records
    (:class:`~agilemarketing.adapter.ItemRecord`, e.g. ``Mirror.records()``): records also
    bring each item's extra fields (a ``link`` for the showcase) and the Definition-of-Done
    criteria it meets. The cycle's members
    are its membership records, plus the items listing it in their ``sprints``; a member is
    *committed* when it joined by ``start + grace`` (or when its joining time is unknown), and
    *unplanned* when it joined later, before the end. It is *completed* when the workflow's
    done stage was reached inside the cycle. These are the counts
    :func:`agilemarketing.metrics.cycle_report` gives for the same history.

    Cycle windows come from the history's ``cycle`` lines; ``windows`` adds the ones a source
    does not keep (a mirror keeps items and sprint names, not cycle dates nor when an item
    joined: there every listed item counts as committed). ``name`` picks the cycle; by default
    the latest one that has ended by the last timestamp in the data. The report's capacity is
    what was committed, in items: a history does not record the plan's capacity. With a
    ``definition_of_done`` the report is judged by it (:meth:`CycleReport.judged
    <agilemarketing.cycles.CycleReport.judged>`): reaching the done stage counts only when the
    item's recorded criteria hold.

    Raises:
        NotFound: no cycle window has that name (or there is none at all).

    >>> from agilemarketing.history import ItemHistory, Transition
    >>> from agilemarketing.workflow import Workflow
    >>> wf = Workflow.from_shorthand("Backlog,Doing,Done", start="Doing", done="Done")
    >>> moves = [Transition("2026-04-07T09:00:00Z", "Backlog", "Doing"),
    ...          Transition("2026-04-09T15:00:00Z", "Doing", "Done")]
    >>> video = ItemHistory("V-1", "Teaser video", status="Done", sprints=["Cycle 1"],
    ...                     created="2026-04-01T09:00:00Z", transitions=moves)
    >>> window = CycleWindow("Cycle 1", "2026-04-06T00:00:00Z", "2026-04-20T00:00:00Z")
    >>> report = cycle_from_history([video], wf, windows=[window])
    >>> report.completed_committed, report.predictability
    (('V-1',), 1.0)
    """
    table, records = _history_table(history)
    known = {w.name for w in table.cycles}
    extra = tuple(w for w in windows if w.name not in known)
    if extra:
        table = attrs.evolve(table, cycles=(*table.cycles, *extra))
    log = FlowLog.build(table, workflow)
    window = _cycle_window(log, name)
    joined = _joined(log, window)
    source = _ItemSource(
        log,
        dict(zip(table.keys.tolist(), table.summaries, strict=True)),
        _labels(log, joined),
        records,
    )
    report = _cycle_report(window, joined, source, grace)
    return report if definition_of_done is None else report.judged(definition_of_done)


def _history_table(
    history: HistoryTable | str | os.PathLike[str] | Iterable[ItemHistory | ItemRecord],
) -> tuple[HistoryTable, dict[str, ItemRecord]]:
    """The history as a table, and the adapter records among it by key (none for a file)."""
    if isinstance(history, HistoryTable):
        return history, {}
    if isinstance(history, str | os.PathLike):
        if not Path(history).is_file():
            raise HistorySourceError(
                os.fspath(history),
                "no such history file",
                fix="name a history JSON Lines file; read a board behind an adapter URL "
                "(mirror:team.db) with agilemarketing.report.load_history(url) and pass the table",
            )
        return read_history(history), {}
    given = list(history)
    records = {r.key: r for r in given if isinstance(r, ItemRecord)}
    histories = [r.history if isinstance(r, ItemRecord) else r for r in given]
    return HistoryTable.from_histories(histories), records


def _cycle_window(log: FlowLog, name: str | None) -> CycleWindow:
    """The cycle called ``name``, or the latest one ended by the last timestamp in the data."""
    ordered = sorted(log.cycles, key=lambda w: w.start)
    if not ordered:
        raise NotFound(
            "cycle", name or "(latest)", where="history",
            fix="read a history with cycle lines, or give the cycle's dates (windows=; on the "
            "command line --planning or --dates)",
        )  # fmt: skip
    if name is None:
        as_of = _moment_of(log.as_of)
        ended = [w for w in ordered if as_of is None or w.end <= as_of]
        return (ended or ordered)[-1]
    found = [w for w in ordered if w.name.casefold() == name.strip().casefold()]
    if not found:
        raise NotFound(
            "cycle", name, where="history",
            fix=f"use one of {', '.join(w.name for w in ordered)}",
        )  # fmt: skip
    return found[0]


def _joined(log: FlowLog, window: CycleWindow) -> dict[int, datetime | None]:
    """The cycle's members (flow-log rows) and when each joined (None: unknown)."""
    joined: dict[int, datetime | None] = {}
    if window.name in log.cycle_names:
        code = log.cycle_names.index(window.name)
        for row in np.flatnonzero(log.cyc_code == code).tolist():
            item, at = int(log.cyc_item[row]), _moment_of(log.cyc_joined[row])
            # An unknown join time counts as committed (as below), so it wins over any moment.
            earlier = joined.get(item, at)
            joined[item] = None if earlier is None or at is None else min(at, earlier)
    if window.name in log.sprint_names:
        code = log.sprint_names.index(window.name)
        for item in log.sprint_item[log.sprint_code == code].tolist():
            joined.setdefault(int(item), None)
    return joined


def _labels(log: FlowLog, joined: Mapping[int, datetime | None]) -> dict[int, list[str]]:
    """The labels of the cycle's members, by flow-log row."""
    labels: dict[int, list[str]] = {}
    mine = np.isin(log.label_item, np.fromiter(joined, dtype=np.int64, count=len(joined)))
    for item, code in zip(
        log.label_item[mine].tolist(), log.label_code[mine].tolist(), strict=True
    ):
        labels.setdefault(int(item), []).append(log.label_names[code])
    return labels


def _fields(record: ItemRecord) -> dict[str, Any]:
    """A record's extra fields, and its Definition-of-Done state as ``done_state`` ("3 of 4")
    where it records the checklist's size (the showcase lists it beside finished work)."""
    fields: dict[str, Any] = dict(record.fields)
    if record.done_total is not None and record.done_state is not None:
        fields.setdefault("done_state", record.done_state)
    return fields


@attrs.frozen
class _ItemSource:
    """What a member's work item is made of: the flow log, summaries, labels, records."""

    log: FlowLog
    summaries: Mapping[str, str]
    labels: Mapping[int, list[str]]
    records: Mapping[str, ItemRecord]

    def item(self, row: int) -> WorkItem:
        """The work item of flow-log row ``row``."""
        log = self.log
        key = str(log.keys[row])
        points = float(log.points[row])
        record = self.records.get(key)
        return WorkItem(
            key,
            self.summaries.get(key) or key,
            kind=log.type_names[log.types[row]] or "task",
            size=Size.points(points) if math.isfinite(points) else None,
            labels=self.labels.get(row, ()),
            done_criteria=() if record is None else record.done_criteria,
            fields={} if record is None else _fields(record),
        )


def _cycle_report(
    window: CycleWindow,
    joined: Mapping[int, datetime | None],
    source: _ItemSource,
    grace: timedelta,
) -> CycleReport:
    """Members joined by ``start + grace`` are committed, later ones unplanned; completions are
    the done stage reached inside the window."""
    cutoff = window.start + grace
    committed: list[WorkItem] = []
    unplanned: list[WorkItem] = []
    completions: list[tuple[str, datetime]] = []
    for row in sorted(joined):
        at = joined[row]
        if at is not None and at > cutoff and at >= window.end:
            continue
        work = source.item(row)
        (committed if at is None or at <= cutoff else unplanned).append(work)
        done = _moment_of(source.log.done[row])
        if done is not None and window.start <= done < window.end:
            completions.append((work.key, done))
    completions.sort(key=lambda pair: pair[1])
    cycle = Cycle(
        window.name,
        window.start,
        Capacity.items(len(committed)),
        length=window.end - window.start,
    )
    return CycleReport(cycle, window.end, committed, unplanned, completions)


@attrs.frozen
class Retrospective:
    """Team Improvement for one cycle: what to keep, change and try, next to its metrics.

    >>> from datetime import datetime, UTC
    >>> retro = Retrospective("Cycle 1", CycleMetrics(4, 3, 1, 4, 13.0, 0.75),
    ...                       keep=["short videos"], change=["approvals take 3 days"],
    ...                       try_next=["one approver for social posts"])
    >>> print(retro.to_markdown().splitlines()[1][:64])
    Metrics: completed 3 of 4 committed (75%; Definition of Done not
    """

    cycle: str
    metrics: CycleMetrics
    keep: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    change: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    try_next: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    campaign_learnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def __attrs_post_init__(self) -> None:
        if not (self.keep or self.change or self.try_next):
            raise InvalidValue(
                "a retrospective records at least one thing to keep, change or try",
                where=f"retrospective of {self.cycle}",
                fix="add keep=[...], change=[...] or try_next=[...]",
            )

    @classmethod
    def for_cycle(
        cls,
        report: CycleReport,
        *,
        keep: Iterable[str] = (),
        change: Iterable[str] = (),
        try_next: Iterable[str] = (),
        experiments: Iterable[Experiment] = (),
    ) -> Retrospective:
        """A retrospective linked to a closed cycle's metrics and its campaigns' learnings."""
        learnings = [
            f"{e.name}: {d.decision} - {d.learning}"
            for e in experiments
            for d in e.decisions
            if d.learning and report.cycle.contains(d.at)
        ]
        return cls(
            report.cycle.name,
            CycleMetrics.from_report(report),
            tuple(keep),
            tuple(change),
            tuple(try_next),
            tuple(learnings),
        )

    def to_markdown(self) -> str:
        """Keep / change / try as Markdown, under the cycle's metrics."""
        lines = [f"### Team Improvement: {self.cycle}", f"Metrics: {self.metrics.line()}"]
        for heading, entries in (
            ("Keep", self.keep),
            ("Change", self.change),
            ("Try", self.try_next),
            ("Campaign learnings", self.campaign_learnings),
        ):
            if entries:
                lines += [f"**{heading}**", *(f"- {_md_escape(e)}" for e in entries)]
        return "\n".join(lines)
