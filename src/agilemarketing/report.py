"""The flow report: every metric and forecast of a board, as files a person can open offline.

:meth:`FlowReport.build` reads histories (a history JSON Lines file, an adapter URL such as
``mirror:team.db``, a :class:`~agilemarketing.historyio.HistoryTable` or item histories),
builds the :class:`~agilemarketing.flow.FlowLog`, computes every metric
(:class:`~agilemarketing.metrics.FlowMetrics`) and the forecasts of
:mod:`agilemarketing.forecast`. :meth:`FlowReport.write` then writes, atomically (into a
temporary directory renamed into place, so a reader never sees half a report):

- ``report.html``: one self-contained page (CSS inline, charts embedded as base64 PNG, no
  external URL) with a summary, data quality, cycle time, throughput, CFD, WIP and ageing,
  burnup, predictability per cycle, flow efficiency, the SLE, XmR charts, forecasts (backlog
  clearance included) and what the report does not measure, and why;
- ``metrics.json``: every number (schema ``agilemarketing.report/1``, see docs/report.md);
- ``tables/*.csv``: one CSV per table; ``charts/*.png``: every chart.

Charts and tables need the ``charts`` and ``pandas`` extras.

>>> from agilemarketing.simulate import simulate_board
>>> board = simulate_board(items=120, seed=4)
>>> report = FlowReport.build(board.table, board.workflow, settings=ReportSettings(trials=2000))
>>> report.to_dict()["schema"], report.forecasts.how_many is not None
('agilemarketing.report/1', True)
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import re
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from agilemarketing._version import __version__
from agilemarketing.errors import (
    HistorySourceError,
    NoThroughputError,
    ReportOutputError,
)
from agilemarketing.flow import FlowLog, FlowPolicy
from agilemarketing.forecast import (
    DEFAULT_CONFIDENCES,
    ClearanceForecast,
    HowManyForecast,
    RankedForecast,
    ThroughputSample,
    WhenForecast,
    backlog_clearance,
    how_many_by,
    ranked_completion,
    when_done,
)
from agilemarketing.history import ItemHistory
from agilemarketing.historyio import HistoryTable, read_history
from agilemarketing.metrics import ANTI_METRICS, FlowMetrics, Throughput, Window
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SCHEMA",
    "SECTIONS",
    "FlowReport",
    "ReportFiles",
    "ReportForecasts",
    "ReportSettings",
    "load_history",
    "open_campaigns",
    "throughput_sample",
]

SCHEMA = "agilemarketing.report/1"
"""The ``schema`` of ``metrics.json``."""

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

_URL_LIKE = re.compile(r"^[a-z][a-z0-9_-]+:", re.I)


# --- Reading a source -----------------------------------------------------------------------


def load_history(source: str | os.PathLike[str]) -> HistoryTable:
    """Read histories from a history JSON Lines file or from an adapter URL.

    An existing path is read as history JSON Lines; ``mirror:team.db`` reads the mirror's
    board, and any other ``<adapter>:<location>`` goes through the installed adapters
    (``csv:board.csv``...). Every adapter's items come with their history, so the report does
    not care where they came from.

    Raises:
        HistorySourceError: the file does not exist and the text is no adapter URL.
    """
    text = os.fspath(source)
    path = Path(text)
    if path.is_file():
        return read_history(path)
    if path.is_dir():
        raise HistorySourceError(
            text, "is a directory", fix="name the history JSON Lines file inside it"
        )
    if _URL_LIKE.match(text) and not re.match(r"^[a-z]:[\\/]", text, re.I):
        return _from_adapter(text)
    raise HistorySourceError(
        text,
        "no such file",
        fix="give a history JSON Lines file, or an adapter URL such as mirror:team.db",
    )


def _from_adapter(url: str) -> HistoryTable:
    from agilemarketing.adapter import Adapter, parse_adapter_url

    adapter: Adapter
    if parse_adapter_url(url).name == "mirror":
        from agilemarketing.mirror import MirrorAdapter

        adapter = MirrorAdapter.from_url(url, {"create": False})
    else:
        from agilemarketing.plugins import adapter_for_url

        adapter = adapter_for_url(url)
    with adapter:
        return HistoryTable.from_histories(record.history for record in adapter.read())


def _as_table(
    histories: HistoryTable | str | os.PathLike[str] | Iterable[ItemHistory],
) -> HistoryTable:
    if isinstance(histories, HistoryTable):
        return histories
    if isinstance(histories, str | os.PathLike):
        return load_history(histories)
    return HistoryTable.from_histories(histories)


# --- Settings and forecasts ----------------------------------------------------------------


def _window(value: Window | None) -> Window:
    return Window.last(weeks=12) if value is None else value


@attrs.frozen
class ReportSettings:
    """What the report computes.

    Args:
        title: the page title.
        calendar: the team's calendar (time zone, working days); default every day, UTC.
            With working days, forecasts resample working days and count in them.
        window: the past days forecasts resample (default the last 12 weeks).
        horizon_days: "how many items in the next ``horizon_days`` days?".
        items: "when will the next ``items`` items be done?"; default the work in progress.
        campaign_prefix: labels that name campaigns (``campaign:spring-launch``); their open
            items, in backlog rank order, make the ranked forecast.
        trials: Monte Carlo trials per forecast.
        seed: the forecasts' random seed (the same data gives the same report).
        sle_percentile: the percentile of the service level expectation.
        as_of: the moment the report describes (default the latest timestamp in the data).
        policy: how the flow log treats messy histories, e.g. backward moves
            (:class:`~agilemarketing.flow.FlowPolicy`).
    """

    title: str = "Flow report"
    calendar: WorkCalendar | None = None
    window: Window = attrs.field(default=None, converter=_window)
    horizon_days: int = 42
    items: int | None = None
    campaign_prefix: str = "campaign:"
    trials: int = 10_000
    seed: int = 2026
    sle_percentile: int = 85
    as_of: datetime | None = None
    policy: FlowPolicy = attrs.field(factory=FlowPolicy)


@attrs.frozen(eq=False)
class ReportForecasts:
    """The report's forecasts; ``problem`` says why they are missing when they are."""

    sample: ThroughputSample | None
    when: WhenForecast | None = None
    how_many: HowManyForecast | None = None
    ranked: RankedForecast | None = None
    clearance: ClearanceForecast | None = None
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (each forecast's own ``to_dict``)."""
        sample = self.sample
        return {
            "problem": self.problem,
            "window": None
            if sample is None or not sample.days
            else {
                "first_day": sample.first_day.isoformat(),
                "last_day": sample.last_day.isoformat(),
                "days": sample.days,
                "items_finished": sample.total,
                "throughput_per_day": sample.mean,
                "arrivals_per_day": sample.arrival_mean,
            },
            "when": None if self.when is None else self.when.to_dict(),
            "how_many": None if self.how_many is None else self.how_many.to_dict(),
            "ranked": None if self.ranked is None else self.ranked.to_dict(),
            "clearance": None if self.clearance is None else self.clearance.to_dict(),
        }


def _day_of(moment: np.datetime64, calendar: WorkCalendar | None) -> date:
    cal = calendar or WorkCalendar.every_day()
    day = cal.local_days(np.array([moment], dtype="datetime64[us]"))[0]
    value = day.astype("datetime64[D]").astype(object)
    assert isinstance(value, date)
    return value


def throughput_sample(
    series: Throughput, window: Window, calendar: WorkCalendar | None = None
) -> ThroughputSample | None:
    """The daily throughput forecasts resample: ``series`` within ``window``.

    With a calendar that has non-working days, only working days are kept (forecasts then
    count working days). None when the window holds no day of the history.

    >>> from agilemarketing.metrics import throughput
    >>> sample = throughput_sample(throughput(FlowLog.example()), Window.last(weeks=2))
    >>> sample.days, sample.total   # the example's 8 days, 2 items finished
    (8, 2)
    """
    days = series.window(window)
    if len(days.days) == 0:
        return None
    sample = days.sample()
    if calendar is not None and calendar.weekmask != "1111111":
        sample = sample.on_workdays(calendar)
    return sample


def open_campaigns(
    table: HistoryTable, log: FlowLog, prefix: str = "campaign:"
) -> list[tuple[str, int]]:
    """Open items per campaign, campaigns in the backlog rank order of their best open item.

    A campaign is a label starting with ``prefix`` (``campaign:spring-launch``); its name is
    the rest of the label. Open means neither done nor abandoned. Items without a rank come
    after ranked ones, oldest first. The result feeds
    :func:`~agilemarketing.forecast.ranked_completion`.

    >>> from agilemarketing.simulate import simulate_board
    >>> board = simulate_board(items=300, seed=4)
    >>> log = FlowLog.build(board.table, board.workflow)
    >>> open_campaigns(board.table, log)[0]   # the scope-added campaign jumps the queue
    ('competitor-response', 6)
    """
    if not prefix or len(table) != len(log) or not np.array_equal(table.keys, log.keys):
        return []
    open_items = ~log.is_done & ~log.abandoned
    codes = [k for k, name in enumerate(table.label_names) if name.startswith(prefix)]
    if not codes:
        return []
    ranks = np.array(["\U0010ffff" if r is None else r for r in table.ranks], dtype=np.str_)
    position = np.empty(len(table), dtype=np.int64)
    position[np.lexsort((table.created.astype(np.int64), ranks))] = np.arange(len(table))
    member = np.isin(table.label_code, codes) & open_items[table.label_item]
    item, code = table.label_item[member], table.label_code[member]
    counts = np.bincount(code, minlength=len(table.label_names))
    best = np.full(len(table.label_names), np.iinfo(np.int64).max)
    np.minimum.at(best, code, position[item])
    chosen = [c for c in codes if counts[c] > 0]
    chosen.sort(key=lambda c: int(best[c]))
    return [(table.label_names[c][len(prefix) :], int(counts[c])) for c in chosen]


def _forecasts(
    table: HistoryTable, log: FlowLog, metrics: FlowMetrics, settings: ReportSettings
) -> ReportForecasts:
    calendar = settings.calendar
    sample = throughput_sample(metrics.throughput, settings.window, calendar)
    if sample is None:
        return ReportForecasts(None, problem="the history has no days to resample")
    start = _day_of(log.as_of, calendar) + timedelta(days=1)
    common: dict[str, Any] = {
        "start": start,
        "trials": settings.trials,
        "seed": settings.seed,
        "calendar": calendar,
    }
    open_items = int((~log.is_done & ~log.abandoned).sum())
    in_progress = int(log.in_progress.sum())
    items = settings.items or max(in_progress, 1)
    try:
        when = when_done(items, sample, **common)
        how_many = how_many_by(start + timedelta(days=settings.horizon_days - 1), sample, **common)
        campaigns = open_campaigns(table, log, settings.campaign_prefix)
        ranked = ranked_completion(campaigns, sample, **common) if campaigns else None
        clearance = (
            backlog_clearance(open_items, sample, scope_growth=True, **common)
            if open_items
            else None
        )
    except NoThroughputError as exc:
        return ReportForecasts(sample, problem=str(exc))
    return ReportForecasts(sample, when, how_many, ranked, clearance)


# --- The report --------------------------------------------------------------------------


@attrs.frozen
class ReportFiles:
    """Where :meth:`FlowReport.write` put everything."""

    directory: Path
    html: Path
    metrics: Path
    tables: tuple[Path, ...]
    charts: tuple[Path, ...]


def _utc_text(moment: np.datetime64 | datetime) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return str(moment.astype("datetime64[s]")) + "Z"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


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

    @classmethod
    def build(
        cls,
        histories: HistoryTable | str | os.PathLike[str] | Iterable[ItemHistory],
        workflow: Workflow,
        *,
        settings: ReportSettings | None = None,
        source: str | None = None,
    ) -> FlowReport:
        """Read the histories, build the flow log and compute every metric and forecast."""
        options = settings or ReportSettings()
        table = _as_table(histories)
        log = FlowLog.build(table, workflow, policy=options.policy, as_of=options.as_of)
        metrics = FlowMetrics.compute(
            log, calendar=options.calendar, sle_percentile=options.sle_percentile
        )
        if source is None:
            source = os.fspath(histories) if isinstance(histories, str | os.PathLike) else ""
        return cls(
            title=options.title,
            source=source,
            generated_at=datetime.now(UTC),
            settings=options,
            log=log,
            metrics=metrics,
            forecasts=_forecasts(table, log, metrics, options),
        )

    # -- numbers ---------------------------------------------------------------------------

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
        document: dict[str, Any] = _clean(
            {
                "schema": SCHEMA,
                "report": {
                    "title": self.title,
                    "source": self.source,
                    "generated_at": _utc_text(self.generated_at),
                    "as_of": _utc_text(self.log.as_of),
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

    def _chart_makers(self) -> dict[str, tuple[Callable[[Any], Any], tuple[float, float]]]:
        m, f = self.metrics, self.forecasts
        wide, tall = (10.0, 4.2), (10.0, 5.0)
        makers: dict[str, tuple[Callable[[Any], Any], tuple[float, float]]] = {
            "cycle_time": (m.cycle_times.plot, tall),
            "throughput": (m.throughput.plot, wide),
            "net_flow": (m.net_flow.plot, wide),
            "cfd": (m.cfd.plot, tall),
            "wip": (m.wip.plot, wide),
            "ageing": (m.ageing.plot, wide),
            "wip_limits": (m.wip_breaches.plot, wide),
            "burnup": (m.burnup.plot, wide),
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
            makers["forecast_clearance"] = (f.clearance.plot, wide)
        return makers

    def charts(self) -> dict[str, bytes]:
        """Every chart as PNG bytes, by file stem (needs matplotlib)."""
        from agilemarketing.charts import _pyplot

        plt = _pyplot()
        out: dict[str, bytes] = {}
        for name, (draw, size) in self._chart_makers().items():
            fig = plt.figure(figsize=size)
            try:
                ax = fig.add_subplot()
                with warnings.catch_warnings():
                    # an empty series draws an empty chart; matplotlib warns about its legend
                    warnings.filterwarnings("ignore", "No artists with labels", UserWarning)
                    draw(ax)
                fig.tight_layout()
                buffer = io.BytesIO()
                fig.savefig(buffer, format="png", dpi=100)
                out[name] = buffer.getvalue()
            finally:
                plt.close(fig)
        return out

    def to_html(self, charts: Mapping[str, bytes] | None = None) -> str:
        """The self-contained page (charts embedded; rendered now when not given)."""
        return _Page(self, self.charts() if charts is None else charts).render()

    # -- writing ---------------------------------------------------------------------------

    def write(self, directory: str | os.PathLike[str]) -> ReportFiles:
        """Write report.html, metrics.json, tables/*.csv and charts/*.png into ``directory``.

        Everything is written into a temporary sibling directory first and renamed into
        place, replacing an earlier report there. A directory that holds something other than
        a report is never replaced.

        Raises:
            ReportOutputError: ``directory`` is a file, or a directory that is not a report.
        """
        out = Path(directory)
        _check_target(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
        try:
            charts = self.charts()
            tables = self.tables()
            (temp / "charts").mkdir()
            (temp / "tables").mkdir()
            for name, png in charts.items():
                (temp / "charts" / f"{name}.png").write_bytes(png)
            for name, frame in tables.items():
                frame.to_csv(
                    temp / "tables" / f"{name}.csv", index=False, date_format="%Y-%m-%d %H:%M:%S"
                )
            files = {
                "html": "report.html",
                "tables": [f"tables/{name}.csv" for name in tables],
                "charts": [f"charts/{name}.png" for name in charts],
            }
            document = json.dumps(self.to_dict(files), indent=2, allow_nan=False)
            (temp / "metrics.json").write_text(document + "\n", encoding="utf-8")
            (temp / "report.html").write_text(self.to_html(charts), encoding="utf-8")
            _swap_into_place(temp, out)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        return ReportFiles(
            directory=out,
            html=out / "report.html",
            metrics=out / "metrics.json",
            tables=tuple(out / "tables" / f"{name}.csv" for name in tables),
            charts=tuple(out / "charts" / f"{name}.png" for name in charts),
        )


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ReportOutputError(out, "is a file, not a directory")
    if out.is_dir() and any(out.iterdir()):
        marker = out / "metrics.json"
        try:
            schema = json.loads(marker.read_text(encoding="utf-8")).get("schema")
        except (OSError, ValueError, AttributeError):
            schema = None
        if schema != SCHEMA:
            raise ReportOutputError(out, "holds files that are not an agilemarketing report")


def _swap_into_place(temp: Path, out: Path) -> None:
    if not out.exists():
        os.replace(temp, out)
        return
    old = out.parent / f".{out.name}.{uuid.uuid4().hex}.old"
    os.replace(out, old)
    try:
        os.replace(temp, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


# --- The page ----------------------------------------------------------------------------

_CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #1c7ed6;
        --warn: #c92a2a; --warn-bg: #fff5f5; --ok: #2b8a3e; --card: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
       sans-serif; color: var(--ink); background: #fff; }
header { background: #102a43; color: #fff; padding: 28px 40px 20px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
header p { margin: 0; color: #bcccdc; font-size: 14px; }
nav { background: #f0f4f8; border-bottom: 1px solid var(--line); padding: 10px 40px;
      font-size: 14px; line-height: 2; }
nav a { color: #243b53; text-decoration: none; margin-right: 16px; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
main { max-width: 1120px; margin: 0 auto; padding: 8px 40px 60px; }
section { border-bottom: 1px solid var(--line); padding: 18px 0 26px; }
h2 { font-size: 22px; margin: 12px 0 8px; }
h3 { font-size: 17px; margin: 20px 0 6px; }
p.lead { color: var(--muted); margin-top: 0; max-width: 860px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
         gap: 12px; margin: 12px 0 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
        padding: 12px 14px; }
.card .label { font-size: 13px; color: var(--muted); text-transform: uppercase;
               letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 600; margin: 2px 0; }
.card .note { font-size: 13px; color: var(--muted); }
figure { margin: 14px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
table { border-collapse: collapse; margin: 10px 0 14px; font-size: 14px; min-width: 50%; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 12px 5px 0; text-align: left;
         vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
ul.statements li { margin: 2px 0; }
.callout { border-left: 4px solid var(--warn); background: var(--warn-bg); padding: 10px 14px;
           margin: 12px 0; border-radius: 4px; }
.callout.ok { border-color: var(--ok); background: #ebfbee; }
.muted { color: var(--muted); font-size: 14px; }
code { background: #f0f4f8; padding: 1px 4px; border-radius: 3px; font-size: 90%; }
footer { max-width: 1120px; margin: 0 auto; padding: 16px 40px 40px; color: var(--muted);
         font-size: 13px; }
@media print { nav { display: none; } section { break-inside: avoid-page; } }
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    number = float(value)
    if not math.isfinite(number):
        return "–"
    if number == int(number) and digits <= 1:
        return f"{int(number):,}"
    return f"{number:,.{digits}f}"


def _pct(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.0%}"


def _date(value: np.datetime64) -> str:
    return "–" if np.isnat(value) else str(value.astype("datetime64[D]"))


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int] | None = None
) -> str:
    right = numeric or set()
    head = "".join(
        f'<th class="num">{_esc(h)}</th>' if i in right else f"<th>{_esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_esc(c)}</td>' if i in right else f"<td>{_esc(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _card(label: str, value: str, note: str = "") -> str:
    return (
        f'<div class="card"><div class="label">{_esc(label)}</div>'
        f'<div class="value">{_esc(value)}</div><div class="note">{_esc(note)}</div></div>'
    )


def _statements(lines: Iterable[str]) -> str:
    items = "".join(f"<li>{_esc(line)}</li>" for line in lines)
    return f'<ul class="statements">{items}</ul>'


@attrs.define
class _Page:
    """Renders one :class:`FlowReport` as HTML (escaped text, embedded charts)."""

    report: FlowReport
    charts: Mapping[str, bytes]

    def figure(self, name: str, caption: str) -> str:
        png = self.charts.get(name)
        if png is None:
            return ""
        data = base64.b64encode(png).decode("ascii")
        return (
            f'<figure><img src="data:image/png;base64,{data}" alt="{_esc(caption)}">'
            f"<figcaption>{_esc(caption)}</figcaption></figure>"
        )

    def section(self, anchor: str) -> str:
        draw: Callable[[], str] = getattr(self, "s_" + anchor.replace("-", "_"))
        return draw()

    def render(self) -> str:
        r = self.report
        body = "".join(
            f'<section id="{anchor}"><h2>{_esc(title)}</h2>{self.section(anchor)}</section>'
            for anchor, title in SECTIONS
        )
        nav = " ".join(f'<a href="#{anchor}">{_esc(title)}</a>' for anchor, title in SECTIONS)
        subtitle = f"{len(r.log)} items · data as of {_utc_text(r.log.as_of)}" + (
            f" · source {r.source}" if r.source else ""
        )
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(r.title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{_esc(r.title)}</h1><p>{_esc(subtitle)}</p></header>"
            f"<nav>{nav}</nav><main>{body}</main>"
            f"<footer>Generated {_esc(_utc_text(r.generated_at))} by agilemarketing "
            f"{_esc(__version__)}. Every number is also in <code>metrics.json</code> and the "
            "CSV files next to this page.</footer></body></html>\n"
        )

    # -- sections --------------------------------------------------------------------------

    def s_summary(self) -> str:
        r, s = self.report, self.report.summary()
        f = r.forecasts
        cards = [
            _card("Items", _num(s["items"]), f"{s['open']} open · {s['abandoned']} abandoned"),
            _card("Done", _num(s["done"]), "customer-ready items finished"),
            _card(
                "Throughput",
                f"{_num(s['throughput_per_week'])} / week",
                "average over the forecast window",
            ),
            _card(
                "Cycle time (85%)",
                f"{_num(s['cycle_time_p85_days'])} days",
                f"median {_num(s['cycle_time_p50_days'])} days",
            ),
            _card("Work in progress", _num(s["in_progress"]), "items started, not finished"),
            _card("Flow efficiency", _pct(s["flow_efficiency"]), "active time / cycle time"),
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
        if f.clearance is not None and f.clearance.warning:
            warning = f'<div class="callout">{_esc(f.clearance.warning)}</div>'
        if f.problem:
            warning += f'<div class="callout">No forecast: {_esc(f.problem)}</div>'
        return (
            '<p class="lead">The team\'s flow at a glance. Every section below says how to read '
            "its chart; all metrics are about the team, never about one person.</p>"
            f'<div class="cards">{"".join(cards)}</div>{warning}{_statements(lines)}'
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
        table = _table(["what", "items", "examples"], rows, {1})
        unmapped = ""
        if q.unmapped_statuses:
            unmapped = "<h3>Statuses the workflow does not map</h3>" + _table(
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
        rows = [[label, *(_num(v) for v in ct.percentiles(unit).values())] for label, unit in units]
        by_type = [
            [name, *(_num(v) for v in values.values())] for name, values in ct.by("type").items()
        ]
        return (
            '<p class="lead">Each dot is a finished item: when it finished and how many days it '
            "took from the start of work to done. The dashed lines are percentiles: 85% of "
            "items finished at or below the 85th percentile line.</p>"
            + self.figure("cycle_time", "Cycle time per finished item")
            + _table(["", "50%", "70%", "85%", "95%"], rows, {1, 2, 3, 4})
            + "<h3>By type (calendar days)</h3>"
            + _table(["type", "50%", "70%", "85%", "95%"], by_type, {1, 2, 3, 4})
        )

    def s_throughput(self) -> str:
        m = self.report.metrics
        weeks, weekly = m.throughput.weekly()
        recent = weekly[-5:-1] if len(weekly) > 4 else weekly
        return (
            '<p class="lead">Items finished per week. Forecasts resample the daily counts of the '
            "forecast window. The net-flow chart compares items started with items finished: "
            "when the started line climbs away, work in progress is growing.</p>"
            + _statements(
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
        rows = [
            [
                ageing.keys[i],
                ageing.stages[i],
                int(ageing.age_days[i]),
                f"above {ageing.beyond[i]}%" if ageing.beyond[i] else "within 50%",
            ]
            for i in order.tolist()
        ]
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
                "<h3>Oldest items in progress</h3>"
                + _table(
                    ["item", "stage", "age (days)", "compared with past cycle times"], rows, {2}
                )
                if rows
                else '<p class="muted">Nothing is in progress.</p>'
            )
            + (
                "<h3>WIP limits</h3>"
                + _table(["stage", "limit", "days over the limit"], breach_rows, {1, 2})
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
        return (
            '<p class="lead">Done versus total scope over time. The gap is the work still to '
            "do; a rising scope line is work being added (the backlog-clearance forecast below "
            "accounts for it).</p>" + _statements(lines) + self.figure("burnup", "Burnup")
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
                c.names[k],
                _date(c.start[k]),
                int(c.committed[k]),
                int(c.completed[k]),
                _pct(float(c.predictability[k])),
                int(c.unplanned[k]),
            ]
            for k in range(max(len(c.names) - 10, 0), len(c.names))
        ]
        mean = float(np.nanmean(c.predictability)) if np.isfinite(c.predictability).any() else None
        return (
            '<p class="lead">Work committed at cycle planning versus work completed within the '
            "cycle. A team that finishes 10 of 10 is more predictable than one that started 15 "
            f"and finished 4. Average predictability: <strong>{_pct(mean)}</strong>.</p>"
            + self.figure("predictability", "Committed vs completed per cycle")
            + "<h3>The last cycles</h3>"
            + _table(
                ["cycle", "start", "committed", "completed", "predictability", "unplanned"],
                rows,
                {2, 3, 4, 5},
            )
        )

    def s_flow_efficiency(self) -> str:
        m = self.report.metrics
        fe, blocked = m.flow_efficiency.to_dict(), m.blocked.to_dict()
        waiting = [s.name for s in self.report.log.workflow.stages if not s.active]
        return (
            '<p class="lead">The share of an item\'s cycle time spent in active stages; the rest '
            "is waiting ("
            + _esc(", ".join(waiting) or "no waiting stage is declared")
            + "). Waiting on approvals and experts is waste: fewer hand-offs raise it.</p>"
            + _statements(
                [
                    f"Team flow efficiency: {_pct(fe['overall'])} "
                    f"(median item {_pct(fe['median_item'])}).",
                    f"{blocked['items_blocked']} items were blocked, "
                    f"{_num(blocked['blocked_days'])} days in all "
                    f"({_pct(blocked['share_of_cycle_time'])} of the cycle time of finished "
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
            [sle.keys[i], int(sle.age_days[i]), _pct(float(sle.risk[i])), status[i]]
            for i in np.argsort(-sle.risk, kind="stable").tolist()
            if status[i] != "on track"
        ][:15]
        return (
            f'<p class="lead">The service level expectation: <strong>{_esc(sle)}</strong> '
            f"({'derived from past cycle times' if sle.derived else 'set by the team'}; "
            f"{_pct(sle.hit_rate)} of finished items met it). For each item in progress, the "
            "risk is the share of past items of the same age that went on to miss it.</p>"
            + self.figure("sle", "Items in progress against the SLE (at most the 40 oldest)")
            + (
                "<h3>At risk or breached</h3>"
                + _table(["item", "age (days)", "risk", "status"], rows, {1, 2})
                if rows
                else '<div class="callout ok">Every item in progress is on track.</div>'
            )
        )

    def s_xmr(self) -> str:
        m = self.report.metrics
        lines = [
            f"{chart.label}: mean {_num(chart.mean)}, natural limits "
            f"{_num(chart.lower)} to {_num(chart.upper)}; "
            f"{int(chart.signals.sum())} points signal a change worth a look."
            for chart in (m.xmr_throughput, m.xmr_cycle_time)
        ]
        return (
            '<p class="lead">Process behaviour charts separate routine variation from signals: '
            "a point outside the limits, or a long run on one side of the mean, says something "
            "changed. Do not react to points inside the limits.</p>"
            + _statements(lines)
            + self.figure("xmr_throughput", "XmR: weekly throughput")
            + self.figure("xmr_cycle_time", "XmR: cycle time of items in finishing order")
        )

    def s_forecasts(self) -> str:
        r = self.report
        f = r.forecasts
        if f.problem or f.sample is None:
            return f'<div class="callout">No forecast: {_esc(f.problem or "no data")}</div>'
        s = f.sample
        intro = (
            '<p class="lead">Monte Carlo forecasts: '
            f"{r.settings.trials:,} simulated futures, each drawing days from the team's own "
            f"throughput between {s.first_day.isoformat()} and {s.last_day.isoformat()} "
            f"({s.days} days, {s.total} items finished, {s.mean:.2f} a day). They assume the "
            "coming weeks look like those days. Read them as likelihoods, never as promises; "
            "the same numbers are in <code>metrics.json</code>.</p>"
        )
        parts = [intro]
        if f.when is not None:
            parts += [
                f"<h3>When will the next {f.when.items} items be done?</h3>",
                _statements(f.when.statements()),
                self.figure("forecast_when", "Likely finishing dates"),
            ]
        if f.how_many is not None:
            parts += [
                f"<h3>How many items by {f.how_many.by.isoformat()}?</h3>",
                _statements(f.how_many.statements()),
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
                _table(headers, rows, {0, 2, 3}),
                self.figure("forecast_ranked", "Campaigns: likely done between"),
            ]
        if f.clearance is not None:
            c = f.clearance
            parts.append(f"<h3>Clearing the whole backlog ({c.backlog} open items)</h3>")
            if c.warning:
                parts.append(f'<div class="callout">{_esc(c.warning)}</div>')
            years = c.expected_days
            parts.append(
                _statements(
                    [
                        f"Throughput {c.throughput_per_day:.2f} items a day; requests arrive at "
                        f"{_num(c.arrivals_per_day, 2)} a day.",
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
            + _table(["not measured", "why", "look at instead"], rows)
            + _statements(
                [
                    "Item counts are used to forecast flow, not to judge value: outcomes are "
                    "judged against the Guidepoint and each campaign's success criteria.",
                    "Story points stay inside the team: they are never compared between teams.",
                    "Forecasts resample the past; a change in the team or in the kind of work "
                    "makes the window less representative (pick a window after the change).",
                ]
            )
        )
