"""``agilemarketing report`` and ``agilemarketing forecast``: flow metrics and forecasts of a board.

HISTORY is a history JSON Lines file or an adapter URL (``mirror:team.db``, ``csv:board.csv``).
The workflow comes from ``--workflow FILE.toml`` or the shorthand
``--stages "Backlog,Ready,In Progress,Review,Done" --start Ready --done Done``.

Exit codes (:class:`ReportExit`): 0 done; 2 usage or input error (bad option, missing or
invalid history or workflow); 3 no forecast possible (no item finished in the throughput
window); 4 the report could not be written (output directory, disk).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from agilemarketing.errors import (
    AgileMarketingError,
    InvalidInputGroup,
    NoThroughputError,
    ReportOutputError,
)
from agilemarketing.flow import FlowLog
from agilemarketing.forecast import ForecastMethod, how_many_by, when_done
from agilemarketing.metrics import Window, throughput
from agilemarketing.report import FlowReport, ReportSettings, load_history
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow

__all__ = ["ReportExit", "forecast", "report"]

F = TypeVar("F", bound=Callable[..., Any])


class ReportExit(enum.IntEnum):
    """What ``agilemarketing report`` and ``agilemarketing forecast`` return to the shell."""

    OK = 0  #: the report was written / the forecast printed
    USAGE = 2  #: bad command line, or a history or workflow that cannot be read
    NO_FORECAST = 3  #: no item finished in the throughput window: widen it
    OUTPUT = 4  #: the report could not be written


def _fail(message: str, code: ReportExit) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(int(code))


def _common(command: F) -> F:
    """Options shared by both commands: source, workflow, calendar, window, simulation."""
    options = [
        click.argument("history"),
        click.option(
            "--workflow",
            "workflow_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Workflow TOML file (stages, start, done, WIP limits).",
        ),
        click.option("--stages", help='Shorthand workflow: "Backlog,Ready,Doing,Done".'),
        click.option("--start", "start_stage", help="With --stages: where cycle time starts."),
        click.option("--done", "done_stage", help="With --stages: where cycle time ends."),
        click.option(
            "--waiting",
            multiple=True,
            help="With --stages: a waiting (inactive) stage; repeat for several.",
        ),
        click.option(
            "--window-weeks",
            type=click.IntRange(min=1),
            default=12,
            show_default=True,
            help="Forecasts resample the daily throughput of the last N weeks.",
        ),
        click.option(
            "--since",
            type=click.DateTime(["%Y-%m-%d"]),
            help="Resample from this date instead (with --until).",
        ),
        click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="... up to this date."),
        click.option(
            "--working-days",
            help='Count working days only, e.g. "Mon Tue Wed Thu Fri" (default: every day).',
        ),
        click.option(
            "--holiday",
            "holidays",
            multiple=True,
            help="A non-working date (YYYY-MM-DD); repeat for several.",
        ),
        click.option("--timezone", default="UTC", show_default=True, help="The team's time zone."),
        click.option(
            "--trials",
            type=click.IntRange(min=100),
            default=10_000,
            show_default=True,
            help="Monte Carlo trials.",
        ),
        click.option("--seed", type=int, default=2026, show_default=True, help="Random seed."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _workflow(
    path: Path | None,
    stages: str | None,
    start: str | None,
    done: str | None,
    waiting: tuple[str, ...],
) -> Workflow:
    if path is not None and stages:
        raise click.UsageError("give either --workflow or --stages, not both")
    if path is not None:
        if not path.is_file():
            raise click.UsageError(f"workflow file {str(path)!r} does not exist")
        return Workflow.from_toml(path)
    if stages:
        return Workflow.from_shorthand(stages, start=start, done=done, waiting=waiting)
    raise click.UsageError(
        'say how the board flows: --workflow FILE.toml, or --stages "Backlog,Doing,Done" '
        "(with --start and --done)"
    )


def _calendar(
    working_days: str | None, holidays: tuple[str, ...], timezone: str
) -> WorkCalendar | None:
    if working_days is None and not holidays and timezone == "UTC":
        return None
    return WorkCalendar(weekmask=working_days or "1111111", holidays=holidays, timezone=timezone)


def _window(weeks: int, since: Any, until: Any) -> Window:
    if (since is None) != (until is None):
        raise click.UsageError("give --since and --until together")
    if since is not None:
        return Window.between(since.date(), until.date())
    return Window.last(weeks=weeks)


def _guard(run: Callable[[], None]) -> None:
    """Run a command body, turning library errors into messages and exit codes."""
    try:
        run()
    except click.ClickException:
        raise
    except NoThroughputError as exc:
        _fail(str(exc), ReportExit.NO_FORECAST)
    except ReportOutputError as exc:
        _fail(str(exc), ReportExit.OUTPUT)
    except InvalidInputGroup as group:
        lines = [str(group)] + [f"  {problem}" for problem in group.exceptions]
        _fail("\n".join(lines), ReportExit.USAGE)
    except AgileMarketingError as exc:
        _fail(str(exc), ReportExit.USAGE)
    except OSError as exc:
        _fail(str(exc), ReportExit.OUTPUT)


@click.command("report")
@_common
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory for report.html, metrics.json, tables/ and charts/ (replaced atomically).",
)
@click.option("--title", default="Flow report", show_default=True, help="The page title.")
@click.option(
    "--items",
    type=click.IntRange(min=1),
    help="Forecast when the next N items are done (default: the work in progress).",
)
@click.option(
    "--horizon-days",
    type=click.IntRange(min=1),
    default=42,
    show_default=True,
    help="Forecast how many items are done in the next N days.",
)
@click.option(
    "--campaign-prefix",
    default="campaign:",
    show_default=True,
    help="Labels naming campaigns, for the ranked forecast.",
)
def report(
    history: str,
    workflow_file: Path | None,
    stages: str | None,
    start_stage: str | None,
    done_stage: str | None,
    waiting: tuple[str, ...],
    window_weeks: int,
    since: Any,
    until: Any,
    working_days: str | None,
    holidays: tuple[str, ...],
    timezone: str,
    trials: int,
    seed: int,
    out: Path,
    title: str,
    items: int | None,
    horizon_days: int,
    campaign_prefix: str,
) -> None:
    """Write the flow report of HISTORY (a history JSON Lines file or an adapter URL) to --out.

    The directory gets a self-contained report.html (open it offline), metrics.json, one CSV
    per table and every chart as PNG.
    """

    def run() -> None:
        settings = ReportSettings(
            title=title,
            calendar=_calendar(working_days, holidays, timezone),
            window=_window(window_weeks, since, until),
            horizon_days=horizon_days,
            items=items,
            campaign_prefix=campaign_prefix,
            trials=trials,
            seed=seed,
        )
        workflow = _workflow(workflow_file, stages, start_stage, done_stage, waiting)
        built = FlowReport.build(history, workflow, settings=settings, source=history)
        files = built.write(out)
        click.echo(
            f"Report written: {files.html} ({len(built.log)} items; {len(files.charts)} charts, "
            f"{len(files.tables)} CSV tables and metrics.json in {files.directory})"
        )
        if built.forecasts.problem:
            click.echo(f"No forecast: {built.forecasts.problem}", err=True)

    _guard(run)


@click.command("forecast")
@_common
@click.option("--items", type=click.IntRange(min=1), help="When will the next N items be done?")
@click.option(
    "--by", "by_date", type=click.DateTime(["%Y-%m-%d"]), help="How many items by this date?"
)
@click.option(
    "--method",
    type=click.Choice([m.value for m in ForecastMethod]),
    default=ForecastMethod.MONTE_CARLO.value,
    show_default=True,
    help="montecarlo (simulation) or exact (convolution; assumes independent days).",
)
@click.option(
    "--from",
    "from_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day of work (default: the day after the history's last day).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the forecast as JSON.")
def forecast(
    history: str,
    workflow_file: Path | None,
    stages: str | None,
    start_stage: str | None,
    done_stage: str | None,
    waiting: tuple[str, ...],
    window_weeks: int,
    since: Any,
    until: Any,
    working_days: str | None,
    holidays: tuple[str, ...],
    timezone: str,
    trials: int,
    seed: int,
    items: int | None,
    by_date: Any,
    method: str,
    from_date: Any,
    as_json: bool,
) -> None:
    """Forecast from HISTORY's throughput: when --items N are done, or how many --by DATE.

    Prints one line per percentile (50/70/85/95), or the forecast as JSON with --json.
    """
    if (items is None) == (by_date is None):
        raise click.UsageError("ask one question: --items N or --by YYYY-MM-DD")

    def run() -> None:
        workflow = _workflow(workflow_file, stages, start_stage, done_stage, waiting)
        calendar = _calendar(working_days, holidays, timezone)
        log = FlowLog.build(load_history(history), workflow)
        series = throughput(log, calendar=calendar).window(_window(window_weeks, since, until))
        if len(series.days) == 0:
            raise NoThroughputError(None, None, 0)
        sample = series.sample()
        if calendar is not None and calendar.weekmask != "1111111":
            sample = sample.on_workdays(calendar)
        start: date | None = None if from_date is None else from_date.date()
        options: dict[str, Any] = {
            "start": start,
            "method": method,
            "trials": trials,
            "seed": seed,
            "calendar": calendar,
        }
        result = (
            when_done(items, sample, **options)
            if items is not None
            else how_many_by(by_date.date(), sample, **options)
        )
        if as_json:
            click.echo(json.dumps(result.to_dict(), indent=2))
            return
        click.echo(
            f"From the throughput of {sample.first_day} to {sample.last_day} "
            f"({sample.days} days, {sample.total} items finished), {result.method.value}:"
        )
        for line in result.statements():
            click.echo(f"  {line}")

    _guard(run)
