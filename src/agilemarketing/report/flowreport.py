"""The flow report of one board: :class:`FlowReport` gathers every metric and forecast.

:meth:`FlowReport.build` reads the histories, builds the flow log and computes the metrics and
forecasts; the report then gives them as numbers (:meth:`~FlowReport.to_dict`, the
``metrics.json`` document), tables (pandas), charts (PNG), the HTML page, or writes them all.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from agilemarketing._version import __version__
from agilemarketing.errors.report import MissingGlyphWarning
from agilemarketing.flow import FlowLog
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import HistoryTable
from agilemarketing.metrics import ANTI_METRICS, FlowMetrics
from agilemarketing.report.drawing import Drawing, png, start_charts
from agilemarketing.report.files import SCHEMA, ReportFiles, check_target, replace_directory
from agilemarketing.report.forecasts import ReportForecasts, build_forecasts
from agilemarketing.report.formats import json_safe, shown_source, utc_text
from agilemarketing.report.page import render_page
from agilemarketing.report.settings import ReportSettings
from agilemarketing.report.sources import as_table
from agilemarketing.workflow import Workflow

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FlowReport", "MissingGlyphWarning"]


_png = png
"""One chart as PNG bytes (:func:`agilemarketing.report.drawing.png`)."""


@attrs.frozen(eq=False)
class FlowReport:
    """Every metric and forecast of one board, ready to write as HTML, JSON, CSV and PNG."""

    title: str
    source: str
    generated_at: datetime
    settings: ReportSettings
    log: FlowLog
    metrics: FlowMetrics
    forecasts: ReportForecasts
    #: The Definition-of-Done state of items, by key (``"3 of 4"``), where the source records it.
    done_states: Mapping[str, str] = attrs.field(factory=dict)

    @classmethod
    def build(
        cls,
        histories: HistoryTable | str | os.PathLike[str] | Iterable[ItemHistory],
        workflow: Workflow,
        *,
        settings: ReportSettings | None = None,
        source: str | None = None,
        done_states: Mapping[str, str] | None = None,
    ) -> FlowReport:
        """Read the histories, build the flow log and compute every metric and forecast.

        ``done_states`` (``{"MKT-4": "3 of 4"}``) is each item's Definition-of-Done state, shown
        where the page lists items (:func:`~agilemarketing.report.load_done_states` reads it
        from a mirror). ``source`` is named as given (the command-line argument as typed),
        never as an absolute local path (:func:`~agilemarketing.report.formats.shown_source`)."""
        options = settings or ReportSettings()
        table = as_table(histories)
        log = FlowLog.build(table, workflow, policy=options.policy, as_of=options.as_of)
        metrics = FlowMetrics.compute(
            log, calendar=options.calendar, sle_percentile=options.sle_percentile
        )
        if source is None:
            source = os.fspath(histories) if isinstance(histories, str | os.PathLike) else ""
        return cls(
            title=options.title,
            source=shown_source(source),
            generated_at=datetime.now(UTC),
            settings=options,
            log=log,
            metrics=metrics,
            forecasts=build_forecasts(table, log, metrics, options),
            done_states=dict(done_states or {}),
        )

    # --- numbers ----------------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """The headline numbers of the summary section."""
        log, m = self.log, self.metrics
        sample = self.forecasts.sample
        weekly = None if sample is None or not sample.days else sample.mean * 7
        if self.settings.calendar is not None and sample is not None and sample.days:
            weekly = sample.mean * self.settings.calendar.weekmask.count("1")
        ct = m.cycle_times.percentiles()
        return {
            "items": len(log),
            "done": int(log.is_done.sum()),
            "in_progress": int(log.in_progress.sum()),
            "abandoned": int(log.abandoned.sum()),
            "open": int((~log.is_done & ~log.abandoned).sum()),
            "throughput_per_week": weekly,
            "cycle_time_p50_days": ct.get(50),
            "cycle_time_p85_days": ct.get(85),
            "sle": str(m.sle),
            "flow_efficiency": m.flow_efficiency.overall,
            "history": no_history_note(log),
        }

    def workflow_dict(self) -> dict[str, Any]:
        """The workflow, as the report used it."""
        wf = self.log.workflow
        return {
            "start": wf.start,
            "done": wf.done,
            "stages": [
                {
                    "name": s.name,
                    "category": s.category.value,
                    "active": s.active,
                    "wip_max": s.wip.maximum,
                    "wip_min": s.wip.minimum,
                }
                for s in wf.stages
            ],
        }

    def to_dict(self, files: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The ``metrics.json`` document (schema ``agilemarketing.report/1``, docs/report.md)."""
        window = self.settings.window
        document: dict[str, Any] = json_safe(
            {
                "schema": SCHEMA,
                "report": {
                    "title": self.title,
                    "source": self.source,
                    "generated_at": utc_text(self.generated_at),
                    "as_of": utc_text(self.log.as_of),
                    "library_version": __version__,
                    "forecast_window": {
                        "days": window.days,
                        "start": None if window.start is None else window.start.isoformat(),
                        "end": None if window.end is None else window.end.isoformat(),
                    },
                    "trials": self.settings.trials,
                    "seed": self.settings.seed,
                    "backwards": self.settings.policy.backwards.value,
                    "files": dict(files or {}),
                },
                "workflow": self.workflow_dict(),
                "summary": self.summary(),
                "metrics": self.metrics.to_dict(),
                "forecasts": self.forecasts.to_dict(),
                "not_measured": {
                    name: {"why": why, "instead": instead}
                    for name, (why, instead) in ANTI_METRICS.items()
                },
            }
        )
        return document

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table of the report as a DataFrame, by CSV file stem (needs pandas)."""
        import pandas as pd

        m = self.metrics
        out: dict[str, pd.DataFrame] = {
            "cycle_times": m.cycle_times.to_pandas(),
            "throughput": m.throughput.to_pandas(),
            "net_flow": m.net_flow.to_pandas(),
            "wip": m.wip.to_pandas(),
            "cfd": m.cfd.to_pandas(),
            "ageing_wip": m.ageing.to_pandas(),
            "burnup": m.burnup.to_pandas(),
            "cycles": m.cycles.to_pandas(),
            "flow_efficiency": m.flow_efficiency.to_pandas(),
            "blocked_time": m.blocked.to_pandas(),
            "wip_breaches": m.wip_breaches.to_pandas(),
            "sle_items": m.sle.to_pandas(),
            "xmr_throughput": m.xmr_throughput.to_pandas(),
            "xmr_cycle_time": m.xmr_cycle_time.to_pandas(),
            "data_quality": pd.DataFrame(
                [
                    {
                        "issue": i.name,
                        "items": i.count,
                        "description": i.description,
                        "examples": " ".join(i.keys[:10]),
                    }
                    for i in self.log.quality.issues
                ],
                columns=["issue", "items", "description", "examples"],
            ),
        }
        f = self.forecasts
        if f.when is not None:
            out["forecast_when"] = f.when.to_pandas()
        if f.how_many is not None:
            out["forecast_how_many"] = f.how_many.to_pandas()
        if f.ranked is not None:
            out["forecast_ranked"] = f.ranked.to_pandas()
        if f.clearance is not None:
            out["forecast_clearance"] = f.clearance.to_pandas()
        return out

    def days_per_week(self) -> int:
        """Forecast days in a week: the calendar's working days, else 7."""
        calendar = self.settings.calendar
        return 7 if calendar is None else calendar.weekmask.count("1") or 7

    def _chart_makers(self) -> dict[str, tuple[Callable[[Any], Any], tuple[float, float]]]:
        from agilemarketing.charts import (
            plot_backlog_clearance,
            plot_burnup,
            plot_cycle_time_histogram,
        )

        m, f = self.metrics, self.forecasts
        wide, tall, half = (10.0, 4.2), (10.0, 5.0), (6.0, 5.0)
        makers: dict[str, tuple[Callable[[Any], Any], tuple[float, float]]] = {
            "cycle_time": (m.cycle_times.plot, tall),
            "cycle_time_histogram": (lambda ax: plot_cycle_time_histogram(m.cycle_times, ax), half),
            "throughput": (m.throughput.plot, wide),
            "net_flow": (m.net_flow.plot, wide),
            "cfd": (m.cfd.plot, tall),
            "wip": (m.wip.plot, wide),
            "ageing": (m.ageing.plot, wide),
            "wip_limits": (m.wip_breaches.plot, wide),
            "burnup": (lambda ax: plot_burnup(m.burnup, ax, forecast=f.burnup), tall),
            "predictability": (m.cycles.plot, tall),
            "flow_efficiency": (m.flow_efficiency.plot, wide),
            "blocked": (m.blocked.plot, tall),
            "sle": (m.sle.plot, tall),
            "xmr_throughput": (m.xmr_throughput.plot, wide),
            "xmr_cycle_time": (m.xmr_cycle_time.plot, wide),
        }
        if f.when is not None:
            makers["forecast_when"] = (f.when.plot, wide)
        if f.how_many is not None:
            makers["forecast_how_many"] = (f.how_many.plot, wide)
        if f.ranked is not None:
            size = (10.0, 1.5 + 0.45 * len(f.ranked.entries))
            makers["forecast_ranked"] = (f.ranked.plot, size)
        if f.clearance is not None:
            clearance, days = f.clearance, self.days_per_week()
            makers["forecast_clearance"] = (
                lambda ax: plot_backlog_clearance(clearance, ax, days_per_week=days),
                wide,
            )
        return makers

    def charts(self) -> dict[str, bytes]:
        """Every chart as PNG bytes, by file stem (needs matplotlib).

        Each chart is a figure of no backend, so the user's pyplot and notebook stay untouched.
        Where it is safe, worker processes draw them (:mod:`agilemarketing.report.drawing`;
        the same bytes as drawn here, one after the other).
        Names in scripts the default font lacks (a Japanese board's stages) use an installed
        CJK font (:mod:`agilemarketing.charts.fonts`); without one, the charts still render,
        and one :class:`MissingGlyphWarning` says what to install (not one per character).
        """
        return self._charts_of(self._start_charts())

    def _start_charts(self) -> Drawing:
        """Start drawing every chart (in worker processes where safe)."""
        from agilemarketing.charts.fonts import use_fallback_font

        use_fallback_font()
        return start_charts(self._chart_makers())

    def _charts_of(self, drawing: Drawing) -> dict[str, bytes]:
        """The charts of ``drawing``; its warnings raised here (one for missing glyphs)."""
        from agilemarketing.charts.fonts import NO_FONT_FIX, missing_glyph

        out, caught = drawing.result()
        missing = False
        for warning in caught:
            if missing_glyph(warning.message):
                missing = True
            elif "No artists with labels" not in warning.message:
                # an empty series draws an empty chart; matplotlib warns about its legend
                warnings.warn_explicit(
                    warning.message, warning.category, warning.filename, warning.lineno
                )
        if missing:
            warnings.warn(
                MissingGlyphWarning(
                    f"Some chart text uses characters no font covers: {NO_FONT_FIX}"
                ),
                stacklevel=3,
            )
        return out

    def to_html(self, charts: Mapping[str, bytes] | None = None) -> str:
        """The self-contained page (charts embedded; rendered now when not given)."""
        return render_page(self, self.charts() if charts is None else charts)

    # --- writing ----------------------------------------------------------------------------------

    def write(self, directory: str | os.PathLike[str]) -> ReportFiles:
        """Write report.html, metrics.json, tables/*.csv and charts/*.png into ``directory``.

        Everything is written into a temporary sibling directory first and renamed into
        place, replacing an earlier report there. A directory that holds something other than
        a report is never replaced.

        Raises:
            ReportOutputError: ``directory`` is a file, or a directory that is not a report.
        """
        out = Path(directory)
        check_target(out)
        tables, charts = replace_directory(out, self._write_files)
        return ReportFiles(
            directory=out,
            html=out / "report.html",
            metrics=out / "metrics.json",
            tables=tuple(out / "tables" / f"{name}.csv" for name in tables),
            charts=tuple(out / "charts" / f"{name}.png" for name in charts),
        )

    def _write_files(self, temp: Path) -> tuple[list[str], list[str]]:
        """Write every file of the report into ``temp``; the stems of its tables and charts."""
        drawing = self._start_charts()  # in worker processes, while the tables are written
        try:
            tables = self.tables()
            (temp / "charts").mkdir()
            (temp / "tables").mkdir()
            for name, frame in tables.items():
                frame.to_csv(
                    temp / "tables" / f"{name}.csv", index=False, date_format="%Y-%m-%d %H:%M:%S"
                )
            files = {
                "html": "report.html",
                "tables": [f"tables/{name}.csv" for name in tables],
                "charts": [f"charts/{name}.png" for name in drawing.names],
            }
            text = json.dumps(self.to_dict(files), indent=2, allow_nan=False)
            (temp / "metrics.json").write_text(text + "\n", encoding="utf-8")
            charts = self._charts_of(drawing)
        finally:
            drawing.close()
        for name, png_bytes in charts.items():
            (temp / "charts" / f"{name}.png").write_bytes(png_bytes)
        (temp / "report.html").write_text(self.to_html(charts), encoding="utf-8")
        return list(tables), list(charts)


NO_HISTORY = (
    "This source has no status history yet: it holds each item's current status only (a "
    "snapshot, such as a Jira CSV export), so cycle times, ageing, flow efficiency and the "
    "service level expectation cannot be measured, and throughput dates each finished item "
    "at its resolution date where the source gives one (a Jira export's Resolved), else when "
    "it was first seen (its created date, or the sync that first saw it). Repeated syncs into "
    "a mirror "
    "(agilemarketing sync ... mirror:team.db) record each status change they observe from now "
    "on; a history file (history.jsonl or a history CSV) or the Jira adapter gives the exact "
    "history."
)


def no_history_note(log: FlowLog) -> str | None:
    """:data:`NO_HISTORY` when no item of a non-empty log ever moved between statuses."""
    if not len(log):
        return None
    stays = np.bincount(log.seg_item, minlength=len(log))
    return NO_HISTORY if not (stays > 1).any() else None
