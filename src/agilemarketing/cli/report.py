"""``agilemarketing report`` and ``agilemarketing forecast``: flow metrics and forecasts of a board.

HISTORY is a history JSON Lines file or an adapter URL (``mirror:team.db``, ``csv:board.csv``).
The workflow comes from ``--workflow FILE.toml`` or the shorthand
``--stages "Backlog,Ready,In Progress,Review,Done" --start Ready --done Done``. ``report``
without either infers one from the data (statuses in their usual order; ``To Do``, ``Backlog``...
before the start, ``Done``, ``Closed``... and the status of resolved items as done) and prints it
as the ``--stages`` shorthand, to copy and adjust.

``forecast`` answers one question per run: ``--items N`` (when are the next N items done?),
``--by DATE`` (how many items by then?), ``--ranked`` (when is each campaign done, working
them in backlog rank order?) or ``--backlog`` (when does the whole open backlog clear,
optionally ``--scope-growth`` at the observed arrival rate?).

Exit codes (:class:`~agilemarketing.cli.exit_codes.ExitCode`, the table every command shares):
0 done; 2 usage or input error (bad option, missing or invalid history or workflow); 4 the
report could not be written (output directory, disk); 5 no forecast possible (no item finished
in the throughput window).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import click

from agilemarketing._redaction import secrets_seen
from agilemarketing.cli._boards import board_of, board_workflow, with_board_cycles
from agilemarketing.cli._options import (
    adapter_option,
    as_of_from,
    as_of_option,
    backwards_option,
    calendar_from,
    calendar_options,
    json_option,
    simulation_options,
    stack,
    window_from,
    window_options,
    workflow_from,
    workflow_options,
)
from agilemarketing.cli._stage_names import stage_name_warnings
from agilemarketing.cli.exit_codes import ExitCode, exit_code_of, fail
from agilemarketing.cli.problems import problem_lines
from agilemarketing.cli.runlog import RunLog, logging_options, run_log
from agilemarketing.errors import (
    AgileMarketingError,
    HistorySourceError,
    InvalidInputGroup,
    InvalidValue,
    NoThroughputError,
    ReportOutputError,
)
from agilemarketing.extras import require_report
from agilemarketing.flow import FlowLog, FlowPolicy
from agilemarketing.flow.infer import infer_workflow
from agilemarketing.forecast import (
    ForecastMethod,
    ThroughputSample,
    backlog_clearance,
    how_many_by,
    ranked_completion,
    when_done,
)
from agilemarketing.historyio import HistoryTable
from agilemarketing.metrics import Window, throughput
from agilemarketing.report import (
    FlowReport,
    ReportSettings,
    load_done_states,
    load_history,
    open_campaigns,
    throughput_sample,
)
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow

__all__ = ["ReportExit", "forecast", "report"]


class ReportExit(enum.IntEnum):
    """The exit codes of ``report`` and ``forecast`` under their old names.

    Deprecated: use :class:`~agilemarketing.cli.exit_codes.ExitCode`, the one table of every
    command (``OUTPUT`` is its ``ERROR``; ``NO_FORECAST`` is now 5, it was 3).
    """

    OK = ExitCode.OK  #: the report was written / the forecast printed
    USAGE = ExitCode.USAGE  #: bad command line, or a history or workflow that cannot be read
    NO_FORECAST = ExitCode.NO_FORECAST  #: no item finished in the throughput window: widen it
    OUTPUT = ExitCode.ERROR  #: the report could not be written


_common = stack(
    click.argument("history"),
    adapter_option("source"),
    workflow_options(),
    window_options(),
    backwards_option(),
    calendar_options(),
    as_of_option(),
    simulation_options(),
    logging_options(),
)
"""Options shared by both commands: source and its adapter's options, workflow, window,
backward moves, calendar, the moment described, simulation, logging."""


def _guard(command: str, common: dict[str, Any], run: Callable[[RunLog], None]) -> None:
    """Run a command body, turning library errors into messages and exit codes; no message
    (nor log line) shows a secret an adapter read (from an adapter URL source). With ``-v`` or
    ``--log-format json`` the run ends with its line on stderr (:mod:`.runlog`)."""
    with (
        secrets_seen() as seen,
        run_log(command, common.pop("verbose"), common.pop("log_format")) as log,
    ):
        log.hide = lambda text: seen()(text)
        log.fields.update(source=common["history"])
        try:
            run(log)
        except click.ClickException:
            raise
        except NoThroughputError as exc:
            fail(seen()(str(exc)), ExitCode.NO_FORECAST)
        except ReportOutputError as exc:
            fail(seen()(str(exc)), ExitCode.ERROR)
        except InvalidInputGroup as group:  # every problem, capped with "... and N more"
            fail("\n".join(problem_lines(group, hide=seen())), ExitCode.USAGE)
        except AgileMarketingError as exc:  # a remote tool's failure is ERROR, a refused secret
            fail(seen()(str(exc)), exit_code_of(exc))  # and every input error USAGE
        except OSError as exc:
            fail(seen()(str(exc)), ExitCode.ERROR)


def _not_empty(log: FlowLog, source: str, as_of: datetime | None = None) -> None:
    """Refuse a history without items: its report would describe an empty 1970 (or, with
    ``--as-of``, a moment before the first item)."""
    if len(log) == 0 and as_of is not None:
        raise click.BadParameter(
            f"no item had been created by {as_of.isoformat()}: the board held nothing then; "
            "give a later moment, or leave --as-of out",
            param_hint="'--as-of'",
        )
    if len(log) == 0:
        raise HistorySourceError(
            source,
            "holds no items (an empty file or board): there is nothing to report or forecast",
            fix="name the history file or board that holds the items (export them first)",
        )


_campaign_prefix = click.option(
    "--campaign-prefix",
    default="campaign:",
    show_default=True,
    help="Labels naming campaigns, for the ranked forecast.",
)


def _warn_stage_names(log: FlowLog, waiting: tuple[str, ...]) -> None:
    """Warn (standard error) about stage names that match nothing on the board."""
    for line in stage_name_warnings(log, waiting):
        click.echo(line, err=True)


@attrs.frozen
class _Inputs:
    """What the options shared by both commands say: the source and how to read it."""

    history: str
    workflow: Workflow
    calendar: WorkCalendar | None
    window: Window
    trials: int
    seed: int
    policy: FlowPolicy
    as_of: datetime | None

    @classmethod
    def of(cls, options: dict[str, Any], described: Workflow | None = None) -> _Inputs:
        if described is None and options["workflow_file"] is None and not options["stages"]:
            # No workflow given: the board's own description, when it has one.
            described = board_workflow(
                options["history"],
                options["start_stage"],
                options["done_stage"],
                options=options["source_options"],
            )
        return cls(
            history=options["history"],
            workflow=described
            or workflow_from(
                options["workflow_file"],
                options["stages"],
                options["start_stage"],
                options["done_stage"],
                options["waiting"],
            ),
            calendar=calendar_from(
                options["working_days"], options["holidays"], options["timezone"]
            ),
            window=window_from(
                options["window_weeks"],
                options["window_days"],
                options["since"],
                options["until"],
            ),
            trials=options["trials"],
            seed=options["seed"],
            policy=FlowPolicy(options["backwards"]),
            as_of=as_of_from(options["as_of"], options["timezone"]),
        )


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
@_campaign_prefix
def report(
    out: Path,
    title: str,
    items: int | None,
    horizon_days: int,
    campaign_prefix: str,
    **common: Any,
) -> None:
    """Write the flow report of HISTORY (a history JSON Lines file or an adapter URL) to --out.

    The directory gets a self-contained report.html (open it offline), metrics.json, one CSV
    per table and every chart as PNG.
    """

    def run(log: RunLog) -> None:
        require_report()  # pandas and matplotlib, before any work
        options = common["source_options"]
        described = None
        board = board_of(common["history"], options)  # None for a file or an undescribed board
        if board is not None and common["workflow_file"] is None and not common["stages"]:
            described = board_workflow(
                common["history"], common["start_stage"], common["done_stage"], board=board
            )
        source = load_history(common["history"], options)  # read once, with its options
        source = with_board_cycles(source, board)  # its sprints' dates: the cycle windows
        if described is None and common["workflow_file"] is None and not common["stages"]:
            guessed = infer_workflow(
                source.histories(), common["start_stage"], common["done_stage"], common["waiting"]
            )
            inferred = guessed.workflow
            click.echo(
                f"No workflow given; inferred from the data: {guessed.shorthand()}", err=True
            )
            common["stages"] = ",".join(inferred.names)
            common["start_stage"], common["done_stage"] = inferred.start, inferred.done
        given = _Inputs.of(common, described)
        settings = ReportSettings(
            title=title,
            calendar=given.calendar,
            window=given.window,
            horizon_days=horizon_days,
            items=items,
            campaign_prefix=campaign_prefix,
            trials=given.trials,
            seed=given.seed,
            policy=given.policy,
            as_of=given.as_of,
        )
        built = FlowReport.build(
            source,
            given.workflow,
            settings=settings,
            source=given.history,
            done_states=load_done_states(given.history),
        )
        _not_empty(built.log, given.history, given.as_of)
        _warn_stage_names(built.log, common["waiting"])
        files = built.write(out)
        log.fields.update(items=len(built.log), out=str(files.directory))
        click.echo(
            f"Report written: {files.html} ({len(built.log)} items; {len(files.charts)} charts, "
            f"{len(files.tables)} CSV tables and metrics.json in {files.directory})"
        )
        history_note = built.summary()["history"]
        if history_note:
            click.echo(history_note, err=True)
        if built.forecasts.problem:
            click.echo(f"No forecast: {built.forecasts.problem}", err=True)

    _guard("report", common, run)


@click.command("forecast")
@_common
@click.option("--items", type=click.IntRange(min=1), help="When will the next N items be done?")
@click.option(
    "--by", "by_date", type=click.DateTime(["%Y-%m-%d"]), help="How many items by this date?"
)
@click.option(
    "--ranked",
    is_flag=True,
    help="When is each campaign done, worked in backlog rank order? (open items per campaign "
    "label, see --campaign-prefix)",
)
@click.option(
    "--backlog",
    is_flag=True,
    help="When does the whole open backlog (not done, not abandoned) clear?",
)
@click.option(
    "--scope-growth",
    is_flag=True,
    help="With --backlog: new requests keep arriving at the window's daily arrival rate "
    "(Monte Carlo only); warns when arrivals outpace throughput.",
)
@_campaign_prefix
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
@json_option("Print the forecast as JSON.")
def forecast(
    items: int | None,
    by_date: Any,
    ranked: bool,
    backlog: bool,
    scope_growth: bool,
    campaign_prefix: str,
    method: str,
    from_date: Any,
    as_json: bool,
    **common: Any,
) -> None:
    """Forecast from HISTORY's throughput: one question per run.

    --items N: when are the next N items done? --by DATE: how many items by then? --ranked:
    when is each campaign done, worked in rank order? --backlog: when does the open backlog
    clear (--scope-growth: while requests keep arriving)?

    Prints one line per percentile (50/70/85/95), or the forecast as JSON with --json.
    """
    asked = [items is not None, by_date is not None, ranked, backlog]
    if sum(asked) != 1:
        raise click.UsageError(
            "ask one question: --items N, --by YYYY-MM-DD, --ranked or --backlog"
        )
    if scope_growth and not backlog:
        raise click.UsageError("--scope-growth goes with --backlog")

    def run(runlog: RunLog) -> None:
        given = _Inputs.of(common)
        table = load_history(given.history, common["source_options"])
        log = FlowLog.build(table, given.workflow, policy=given.policy, as_of=given.as_of)
        runlog.fields.update(items=len(log))
        _not_empty(log, given.history, given.as_of)
        _warn_stage_names(log, common["waiting"])
        sample = throughput_sample(
            throughput(log, calendar=given.calendar), given.window, given.calendar
        )
        if sample is None:
            raise NoThroughputError(None, None, 0)
        options: dict[str, Any] = {
            "start": None if from_date is None else from_date.date(),
            "method": method,
            "trials": given.trials,
            "seed": given.seed,
            "calendar": given.calendar,
        }
        question = _Question(items, by_date, ranked, backlog, scope_growth, campaign_prefix)
        result = _answer(question, table, log, sample, options, where=given.history)
        if as_json:
            click.echo(json.dumps(result.to_dict(), indent=2))
            return
        click.echo(
            f"From the throughput of {sample.first_day} to {sample.last_day} "
            f"({sample.days} days, {sample.total} items finished), {method}:"
        )
        for line in result.statements():
            click.echo(f"  {line}")

    _guard("forecast", common, run)


@attrs.frozen
class _Question:
    """The one question a ``forecast`` run asks, as its options say it."""

    items: int | None
    by_date: datetime | None
    ranked: bool
    backlog: bool
    scope_growth: bool
    campaign_prefix: str


def _answer(
    question: _Question,
    table: HistoryTable,
    log: FlowLog,
    sample: ThroughputSample,
    options: dict[str, Any],
    *,
    where: str,
) -> Any:
    """The forecast answering ``question``: when, how many, ranked campaigns or clearance."""
    if question.items is not None:
        return when_done(question.items, sample, **options)
    if question.by_date is not None:
        return how_many_by(question.by_date.date(), sample, **options)
    if question.ranked:
        campaigns = open_campaigns(table, log, question.campaign_prefix)
        if not campaigns:
            raise InvalidValue(
                f"no open item has a label starting with {question.campaign_prefix!r}",
                where=where,
                fix="label campaign work (campaign:<name>) or pass --campaign-prefix",
            )
        return ranked_completion(campaigns, sample, **options)
    open_items = int((~log.is_done & ~log.abandoned).sum())
    if open_items == 0:
        raise InvalidValue(
            "the backlog is empty: every item is done or abandoned",
            where=where,
            fix="nothing to forecast; ask --items N for future work",
        )
    return backlog_clearance(open_items, sample, scope_growth=question.scope_growth, **options)
