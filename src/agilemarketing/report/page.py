"""The report page: one self-contained HTML document, a section per metric and forecast.

:func:`render_page` renders what a :class:`~agilemarketing.report.FlowReport` holds (any
:class:`ReportView`) with its charts embedded as base64 PNG and the stylesheet inlined, so the
page needs nothing from the network. Text from the data is always escaped.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import attrs
import numpy as np

from agilemarketing._version import __version__
from agilemarketing.flow import FlowLog
from agilemarketing.forecast import DEFAULT_CONFIDENCES
from agilemarketing.metrics import ANTI_METRICS, FlowMetrics
from agilemarketing.report.forecasts import ReportForecasts
from agilemarketing.report.formats import day_text, num, pct, per_week, shown_source, utc_text
from agilemarketing.report.html import card, esc, html_table, statements, stylesheet
from agilemarketing.report.settings import ReportSettings

__all__ = ["SECTIONS", "Page", "ReportView", "render_page"]

SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("data-quality", "Data quality"),
    ("cycle-time", "Cycle time"),
    ("throughput", "Throughput"),
    ("cfd", "Cumulative flow"),
    ("wip", "WIP and ageing"),
    ("burnup", "Burnup"),
    ("predictability", "Predictability per cycle"),
    ("flow-efficiency", "Flow efficiency"),
    ("sle", "Service level expectation"),
    ("xmr", "Process behaviour (XmR)"),
    ("forecasts", "Forecasts"),
    ("not-measured", "What we do not measure, and why"),
)
"""The sections of ``report.html``, in order: (anchor id, title)."""


class ReportView(Protocol):
    """What the page shows: what a :class:`~agilemarketing.report.FlowReport` holds."""

    @property
    def title(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def generated_at(self) -> datetime: ...

    @property
    def settings(self) -> ReportSettings: ...

    @property
    def log(self) -> FlowLog: ...

    @property
    def metrics(self) -> FlowMetrics: ...

    @property
    def forecasts(self) -> ReportForecasts: ...

    @property
    def done_states(self) -> Mapping[str, str]: ...

    def summary(self) -> dict[str, Any]: ...

    def days_per_week(self) -> int: ...


def render_page(report: ReportView, charts: Mapping[str, bytes]) -> str:
    """The whole page of ``report``, with ``charts`` (PNG bytes by name) embedded."""
    return Page(report, charts).render()


@attrs.define
class Page:
    """Renders one report as HTML (escaped text, embedded charts), one method per section."""

    report: ReportView
    charts: Mapping[str, bytes]

    def figure(self, name: str, caption: str) -> str:
        png = self.charts.get(name)
        if png is None:
            return ""
        data = base64.b64encode(png).decode("ascii")
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>"
        )

    def pair(self, *figures: str) -> str:
        """Figures side by side (stacked on a narrow screen)."""
        shown = [f for f in figures if f]
        return f'<div class="pair">{"".join(shown)}</div>' if len(shown) > 1 else "".join(shown)

    def weekly(self, per_day: float | None, digits: int = 1) -> str:
        """A rate per forecast day as ``"4.2 a week"``."""
        return f"{num(per_week(per_day, self.report.days_per_week()), digits)} a week"

    def clearance_warning(self) -> str:
        """The backlog-clearance warning, its rates per week like every rate on the page."""
        c = self.report.forecasts.clearance
        if c is None or not c.warning:
            return ""
        if not c.never_clears:
            return c.warning
        return (
            f"Requests arrive at {self.weekly(c.arrivals_per_day)}, faster than the team "
            f"finishes them ({self.weekly(c.throughput_per_day)}): at this rate the backlog of "
            f"{c.backlog} items never clears. Prune it, or take fewer requests in."
        )

    def section(self, anchor: str) -> str:
        draw: Callable[[], str] = getattr(self, "s_" + anchor.replace("-", "_"))
        return draw()

    def render(self) -> str:
        r = self.report
        body = "".join(
            f'<section id="{anchor}"><h2>{esc(title)}</h2>{self.section(anchor)}</section>'
            for anchor, title in SECTIONS
        )
        nav = " ".join(f'<a href="#{anchor}">{esc(title)}</a>' for anchor, title in SECTIONS)
        subtitle = f"{len(r.log)} items · data as of {utc_text(r.log.as_of)}" + (
            f" · source {shown_source(r.source)}" if r.source else ""
        )
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(r.title)}</title><style>\n{stylesheet()}</style></head><body>"
            f"<header><h1>{esc(r.title)}</h1><p>{esc(subtitle)}</p></header>"
            f"<nav>{nav}</nav><main>{body}</main>"
            f"<footer>Generated {esc(utc_text(r.generated_at))} by agilemarketing "
            f"{esc(__version__)}. Every number is also in <code>metrics.json</code> and the "
            "CSV files next to this page.</footer></body></html>\n"
        )

    # --- sections ---------------------------------------------------------------------------------

    def s_summary(self) -> str:
        r, s = self.report, self.report.summary()
        f = r.forecasts
        cards = [
            card("Items", num(s["items"]), f"{s['open']} open · {s['abandoned']} abandoned"),
            card("Done", num(s["done"]), "customer-ready items finished"),
            card(
                "Throughput",
                f"{num(s['throughput_per_week'])} / week",
                "average over the forecast window",
            ),
            card(
                "Cycle time (85%)",
                f"{num(s['cycle_time_p85_days'])} days",
                f"median {num(s['cycle_time_p50_days'])} days",
            ),
            card("Work in progress", num(s["in_progress"]), "items started, not finished"),
            card("Flow efficiency", pct(s["flow_efficiency"]), "active time / cycle time"),
        ]
        lines = [f"Service level expectation: {s['sle']}."]
        if f.how_many is not None:
            lines.append(f.how_many.statements()[2] + ".")
        if f.clearance is not None and not f.clearance.never_clears:
            p85 = f.clearance.forecast.likely(0.85)
            if p85 is not None:
                lines.append(
                    f"The open backlog of {f.clearance.backlog} items: 85% likely "
                    f"cleared by {p85.isoformat()}, counting the requests that keep "
                    "arriving."
                )
        warning = ""
        if self.clearance_warning():
            warning = f'<div class="callout">{esc(self.clearance_warning())}</div>'
        if s["history"]:
            warning += f'<div class="callout">{esc(s["history"])}</div>'
        if f.problem:
            warning += f'<div class="callout">No forecast: {esc(f.problem)}</div>'
        return (
            '<p class="lead">The team\'s flow at a glance. Every section below says how to read '
            "its chart; all metrics are about the team, never about one person.</p>"
            f'<div class="cards">{"".join(cards)}</div>{warning}{statements(lines)}'
        )

    def s_data_quality(self) -> str:
        q = self.report.log.quality
        rows = [
            [i.description, i.count, ", ".join(i.keys[:8]) + (" …" if i.count > 8 else "")]
            for i in q.issues
            if i.count
        ]
        intro = (
            '<p class="lead">What the flow log found in the histories and how it was handled '
            "before any metric was computed. Items ending in a status outside the workflow "
            "(such as <em>Won't Do</em>) are abandoned: they count neither as throughput nor in "
            "cycle time.</p>"
        )
        if not rows:
            return intro + '<div class="callout ok">No data-quality issue found.</div>'
        table = html_table(["what", "items", "examples"], rows, {1})
        unmapped = ""
        if q.unmapped_statuses:
            unmapped = "<h3>Statuses the workflow does not map</h3>" + html_table(
                ["status", "items"],
                [[name, len(keys)] for name, keys in q.unmapped_statuses.items()],
                {1},
            )
        return intro + table + unmapped

    def s_cycle_time(self) -> str:
        ct = self.report.metrics.cycle_times
        units = (
            ("calendar days (start day to done day)", "calendar_days"),
            ("working days", "work_days"),
            ("lead time, days from creation", "lead_days"),
        )
        rows = [[label, *(num(v) for v in ct.percentiles(unit).values())] for label, unit in units]
        by_type = [
            [name, *(num(v) for v in values.values())] for name, values in ct.by("type").items()
        ]
        return (
            '<p class="lead">Each dot is a finished item: when it finished and how many days it '
            "took from the start of work to done. The dashed lines are percentiles: 85% of "
            "items finished at or below the 85th percentile line. Beside it, how many items "
            "took each number of days. Cycle times are durations, so they are in days, where "
            "every rate on this page is per week.</p>"
            + self.pair(
                self.figure("cycle_time", "Cycle time per finished item"),
                self.figure("cycle_time_histogram", "How many items took each number of days"),
            )
            + html_table(["", "50%", "70%", "85%", "95%"], rows, {1, 2, 3, 4})
            + "<h3>By type (calendar days)</h3>"
            + html_table(["type", "50%", "70%", "85%", "95%"], by_type, {1, 2, 3, 4})
        )

    def s_throughput(self) -> str:
        m = self.report.metrics
        weeks, weekly = m.throughput.weekly()
        recent = weekly[-5:-1] if len(weekly) > 4 else weekly
        return (
            '<p class="lead">Items finished per week. Forecasts resample the daily counts of the '
            "forecast window. The net-flow chart compares items started with items finished: "
            "when the started line climbs away, work in progress is growing.</p>"
            + statements(
                [
                    f"{m.throughput.total} items finished over {len(weeks)} weeks.",
                    f"The last four full weeks: {', '.join(str(int(v)) for v in recent)} items.",
                ]
            )
            + self.figure("throughput", "Throughput per week")
            + self.figure("net_flow", "Items started vs finished, cumulative")
        )

    def s_cfd(self) -> str:
        return (
            '<p class="lead">Each band is a stage: its height on a day is the number of items in '
            "it. Bands that widen show a queue building up; the slope of the bottom band is "
            "throughput.</p>" + self.figure("cfd", "Cumulative flow diagram")
        )

    def s_wip(self) -> str:
        m = self.report.metrics
        ageing = m.ageing
        order = np.argsort(-ageing.age_days, kind="stable")[:10]
        done = self.report.done_states  # Definition-of-Done state by key, where known
        rows = [
            [
                ageing.keys[i],
                ageing.stages[i],
                int(ageing.age_days[i]),
                f"above {ageing.beyond[i]}%" if ageing.beyond[i] else "within 50%",
                *([done.get(str(ageing.keys[i]), "")] if done else []),
            ]
            for i in order.tolist()
        ]
        headers = ["item", "stage", "age (days)", "compared with past cycle times"]
        headers += ["Definition of Done"] if done else []
        breaches = m.wip_breaches.to_dict()
        breach_rows = [
            [stage, info["maximum"], info["days_over"]] for stage, info in breaches.items()
        ]
        return (
            '<p class="lead">How much work is started and not finished, over time, and how old '
            "each item in progress already is compared with the cycle times of finished work. "
            "An item above the 85th percentile is older than 85% of what the team ever "
            "finished: talk about it at the Daily Huddle.</p>"
            + self.figure("wip", "Work in progress per day")
            + self.figure("ageing", "Age of the items in progress, by stage")
            + (
                "<h3>Oldest items in progress</h3>" + html_table(headers, rows, {2})
                if rows
                else '<p class="muted">Nothing is in progress.</p>'
            )
            + (
                "<h3>WIP limits</h3>"
                + html_table(["stage", "limit", "days over the limit"], breach_rows, {1, 2})
                + self.figure("wip_limits", "Items per WIP-limited stage, limits dotted")
                if breach_rows
                else ""
            )
        )

    def s_burnup(self) -> str:
        b = self.report.metrics.burnup
        last30 = slice(max(len(b.days) - 30, 0), None)
        lines = []
        if len(b.days):
            lines = [
                f"Scope now {int(b.scope[-1])} items, {int(b.done[-1])} done.",
                f"The last 30 days added {int(b.added[last30].sum())} items to the scope and "
                f"removed {int(b.removed[last30].sum())} (abandoned or pruned).",
            ]
        cone = self.report.forecasts.burnup
        if cone is not None:
            likely = [
                f"{p.confidence:.0%} likely by {p.date.isoformat()}"
                for p in cone.percentiles
                if p.date is not None
            ]
            lines.append(
                f"Without new work, the {cone.items} open items are done: "
                + (", ".join(likely) if likely else f"not within {cone.horizon_days} days")
                + "."
            )
        return (
            '<p class="lead">Done versus total scope over time. The gap is the work still to '
            "do; a rising scope line is work being added. The dashed cone is when today's "
            "scope is likely done at the team's throughput, if nothing is added (the "
            "backlog-clearance forecast below accounts for new work).</p>"
            + statements(lines)
            + self.figure("burnup", "Burnup, with when the open scope is likely done")
        )

    def s_predictability(self) -> str:
        c = self.report.metrics.cycles
        if not len(c.names):
            return '<p class="muted">The history names no launch cycles.</p>'
        if (c.committed < 0).any():
            return (
                '<p class="lead">Cycle windows are unknown, so only velocity per cycle is '
                "shown.</p>" + self.figure("predictability", "Velocity per cycle")
            )
        rows = [
            [
                c.names[k] + (" (running)" if c.running[k] else ""),
                day_text(c.start[k]),
                int(c.committed[k]),
                int(c.completed[k]),
                pct(float(c.predictability[k])),
                int(c.unplanned[k]),
            ]
            for k in np.flatnonzero(~c.planned)[-10:].tolist()
        ]
        mean = c.mean_predictability
        ended = int(c.ended.sum())
        average = (
            f"Average predictability of the {ended} ended cycle{'s' if ended != 1 else ''}: "
            f"<strong>{pct(mean)}</strong>."
            if np.isfinite(mean)
            else "No cycle with commitments has ended yet, so there is no average."
        )
        return (
            '<p class="lead">Work committed at cycle planning versus work completed within the '
            "cycle. A team that finishes 10 of 10 is more predictable than one that started 15 "
            f"and finished 4. {average}</p>"
            + (
                statements(self._running_cycle_line(int(k)) for k in np.flatnonzero(c.running))
                if c.running.any()
                else ""
            )
            + self.figure("predictability", "Committed vs completed per cycle")
            + self._planned_cycles_line()
            + "<h3>The last cycles</h3>"
            + html_table(
                ["cycle", "start", "committed", "completed", "predictability", "unplanned"],
                rows,
                {2, 3, 4, 5},
            )
        )

    def _planned_cycles_line(self) -> str:
        """The cycles planned ahead (they start after the moment described): counted, with
        when the first starts, but neither charted nor in the table."""
        c = self.report.metrics.cycles
        planned = np.flatnonzero(c.planned)
        if not planned.size:
            return ""
        first = int(planned[np.argmin(c.start[planned])])
        many = planned.size != 1
        return (
            f'<p class="muted">{planned.size} cycle{"s are" if many else " is"} planned ahead '
            f"(the first, {c.names[first]}, starts {day_text(c.start[first])}): not started "
            "by the moment this report describes, so neither charted nor listed.</p>"
        )

    def _running_cycle_line(self, k: int) -> str:
        """The cycle still running, shown apart: how far it has got, not averaged in."""
        c = self.report.metrics.cycles
        return (
            f"{c.names[k]} is still running (ends {day_text(c.end[k])}): so far "
            f"{int(c.completed[k])} of {int(c.committed[k])} committed items completed; it is "
            "not in the average until it ends."
        )

    def s_flow_efficiency(self) -> str:
        m = self.report.metrics
        fe, blocked = m.flow_efficiency.to_dict(), m.blocked.to_dict()
        waiting = [s.name for s in self.report.log.workflow.stages if not s.active]
        return (
            '<p class="lead">The share of an item\'s cycle time spent in active stages; the rest '
            "is waiting ("
            + esc(", ".join(waiting) or "no waiting stage is declared")
            + "). Waiting on approvals and experts is waste: fewer hand-offs raise it.</p>"
            + statements(
                [
                    f"Team flow efficiency: {pct(fe['overall'])} "
                    f"(median item {pct(fe['median_item'])}).",
                    f"{blocked['items_blocked']} items were blocked, "
                    f"{num(blocked['blocked_days'])} days in all "
                    f"({pct(blocked['share_of_cycle_time'])} of the cycle time of finished "
                    "work).",
                ]
            )
            + self.figure("flow_efficiency", "Flow efficiency per finished item")
            + self.figure("blocked", "The most blocked items")
        )

    def s_sle(self) -> str:
        sle = self.report.metrics.sle
        status = [str(v) for v in sle.status.tolist()]
        rows = [
            [sle.keys[i], int(sle.age_days[i]), pct(float(sle.risk[i])), status[i]]
            for i in np.lexsort((-sle.age_days, -np.nan_to_num(sle.risk, nan=-1.0))).tolist()
            if status[i] != "on track"
        ][:15]
        return (
            f'<p class="lead">The service level expectation: <strong>{esc(sle)}</strong> '
            f"({'derived from past cycle times' if sle.derived else 'set by the team'}; "
            f"{pct(sle.hit_rate)} of finished items met it). For each item in progress, the "
            "risk is the share of past items of the same age that went on to miss it.</p>"
            + self.figure("sle", "Items in progress against the SLE (at most the 40 oldest)")
            + (
                "<h3>At risk or breached</h3>"
                + html_table(["item", "age (days)", "risk", "status"], rows, {1, 2})
                if rows
                else '<div class="callout ok">Every item in progress is on track.</div>'
            )
        )

    def s_xmr(self) -> str:
        m = self.report.metrics
        lines = [
            f"{chart.label}: mean {num(chart.mean)}, natural limits "
            f"{num(chart.lower)} to {num(chart.upper)}; "
            f"{int(chart.signals.sum())} points signal a change worth a look."
            for chart in (m.xmr_throughput, m.xmr_cycle_time)
        ]
        return (
            '<p class="lead">Process behaviour charts separate routine variation from signals: '
            "a point outside the limits, or a long run on one side of the mean, says something "
            "changed. Do not react to points inside the limits.</p>"
            + statements(lines)
            + self.figure("xmr_throughput", "XmR: weekly throughput")
            + self.figure("xmr_cycle_time", "XmR: cycle time of items in finishing order")
        )

    def s_forecasts(self) -> str:
        r = self.report
        f = r.forecasts
        if f.problem or f.sample is None:
            return f'<div class="callout">No forecast: {esc(f.problem or "no data")}</div>'
        s = f.sample
        intro = (
            '<p class="lead">Monte Carlo forecasts: '
            f"{r.settings.trials:,} simulated futures, each drawing days from the team's own "
            f"throughput between {s.first_day.isoformat()} and {s.last_day.isoformat()} "
            f"({s.days} days, {s.total} items finished, {self.weekly(s.mean, 2)}). They assume "
            "the "
            "coming weeks look like those days. Read them as likelihoods, never as promises; "
            "the same numbers are in <code>metrics.json</code>.</p>"
        )
        parts = [intro]
        if f.when is not None:
            parts += [
                f"<h3>When will the next {f.when.items} items be done?</h3>",
                statements(f.when.statements()),
                self.figure("forecast_when", "Likely finishing dates"),
            ]
        if f.how_many is not None:
            parts += [
                f"<h3>How many items by {f.how_many.by.isoformat()}?</h3>",
                statements(f.how_many.statements()),
                self.figure("forecast_how_many", "Likely numbers of items finished"),
            ]
        if f.ranked is not None:
            rows = [
                [
                    rank,
                    e.name,
                    e.remaining,
                    e.cumulative,
                    *(
                        "–" if p.date is None else p.date.isoformat()
                        for p in e.forecast.percentiles
                    ),
                ]
                for rank, e in enumerate(f.ranked.entries, start=1)
            ]
            headers = ["rank", "campaign", "open items", "with those above"]
            headers += [f"{c:.0%} likely by" for c in DEFAULT_CONFIDENCES]
            parts += [
                "<h3>Campaigns in backlog order</h3>",
                '<p class="muted">Each campaign is done when its open items and those of every '
                "campaign ranked above it are done.</p>",
                html_table(headers, rows, {0, 2, 3}),
                self.figure("forecast_ranked", "Campaigns: likely done between"),
            ]
        if f.clearance is not None:
            c = f.clearance
            parts.append(f"<h3>Clearing the whole backlog ({c.backlog} open items)</h3>")
            if self.clearance_warning():
                parts.append(f'<div class="callout">{esc(self.clearance_warning())}</div>')
            years = c.expected_days
            parts.append(
                statements(
                    [
                        f"Throughput {self.weekly(c.throughput_per_day)}; requests arrive at "
                        f"{self.weekly(c.arrivals_per_day)}.",
                        *c.forecast.statements(),
                    ]
                    + (
                        [f"On average that is about {years / 365.25:.1f} years of days."]
                        if years is not None and years > 365
                        else []
                    )
                )
            )
            parts.append(self.figure("forecast_clearance", "Backlog clearance"))
        return "".join(parts)

    def s_not_measured(self) -> str:
        rows = [[name, why, instead] for name, (why, instead) in ANTI_METRICS.items()]
        return (
            '<p class="lead">Some numbers are easy to compute and harmful to manage by. This '
            "report leaves them out on purpose.</p>"
            + html_table(["not measured", "why", "look at instead"], rows)
            + statements(
                [
                    "Item counts are used to forecast flow, not to judge value: outcomes are "
                    "judged against the Guidepoint and each campaign's success criteria.",
                    "Story points stay inside the team: they are never compared between teams.",
                    "Forecasts resample the past; a change in the team or in the kind of work "
                    "makes the window less representative (pick a window after the change).",
                ]
            )
        )
