"""``agilemarketing showcase`` and ``agilemarketing blueprint``: the planning commands.

Both read the JSON a team writes with :meth:`agilemarketing.serialize.PlanningFile.save`;
``showcase`` also reads a cycle from a board's history (a history JSON Lines file or an
adapter URL such as ``mirror:team.db``), optionally with a planning file beside it.

Exit codes (:class:`~agilemarketing.cli.exit_codes.ExitCode`): 0 done; 1 ``blueprint --check``:
the priority does not fit (capacity, or no Guidepoint outcome); 2 usage or input error (an
option, a planning file or history that cannot be read, a cycle or Blueprint version that does
not exist).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from agilemarketing.adapter import ItemRecord, parse_adapter_url
from agilemarketing.cli._boards import board_of, board_workflow
from agilemarketing.cli._options import adapter_option, workflow_from, workflow_options
from agilemarketing.cli.exit_codes import ExitCode, command_error, exit_code_of
from agilemarketing.cli.runlog import logged
from agilemarketing.cycles import Cycle
from agilemarketing.errors import AgileMarketingError, DoesNotServeGuidepoint, NotFound
from agilemarketing.historyio import CycleWindow, HistoryTable
from agilemarketing.mirror import Mirror
from agilemarketing.planning.blueprint import Blueprint, Priority
from agilemarketing.planning.file import PlanningFile
from agilemarketing.planning.showcase import ShowcaseSummary, cycle_from_history, team_showcase
from agilemarketing.report import load_history

__all__ = ["blueprint", "showcase"]

_MIRROR = "mirror:"


class _PlanningSource(click.ParamType[str]):
    """A planning JSON file that exists, or ``mirror:team.db`` (its stored planning document)."""

    name = "planning"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value)
        if text.startswith(_MIRROR) or Path(text).is_file():
            return text
        self.fail(
            f"{text!r}: no such file (give a planning JSON file or mirror:team.db)", param, ctx
        )


_FILE = _PlanningSource()


def _load(source: str) -> PlanningFile:
    try:
        return PlanningFile.load(source)
    except AgileMarketingError as exc:
        raise command_error(str(exc), exit_code_of(exc)) from exc


def _is_planning_file(source: str) -> bool:
    path = Path(source)
    return path.suffix.lower() == ".json" and path.is_file()


def _stored_plan(source: str) -> PlanningFile | None:
    """The planning document stored in a mirror SOURCE, if it holds one."""
    if not source.startswith(_MIRROR):
        return None
    try:
        return PlanningFile.load(source)
    except NotFound:
        return None
    except AgileMarketingError as exc:
        raise command_error(str(exc), exit_code_of(exc)) from exc


@click.command("showcase")
@click.argument("source")
@adapter_option("source")
@click.option(
    "--planning", type=_FILE,
    help="With a history or mirror: the planning JSON file for campaigns, Blueprint changes "
    "and suggestions (and cycle dates a mirror does not keep).",
)  # fmt: skip
@click.option(
    "--cycle", "cycle_name",
    help="The cycle to summarise (default: the latest one that has ended).",
)  # fmt: skip
@workflow_options(
    workflow="With a history or mirror: the workflow TOML file (where work is done).",
    stages='With a history or mirror, instead of --workflow: "Backlog,Doing,Done".',
    start="With --stages: where work starts.",
    done="With --stages: where work is done.",
    waiting=False,
)
@click.option(
    "--dates", nargs=2, type=click.DateTime(["%Y-%m-%d"]), metavar="START END",
    help="With --cycle: the cycle's first day and the day after its last (a mirror keeps "
    "no cycle dates).",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown",
    show_default=True, help="Markdown for chat and notes, HTML for a self-contained page.",
)  # fmt: skip
@click.option("--limit", type=click.IntRange(1), default=8, show_default=True,
              help="At most this many lines per section.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")  # fmt: skip
@logged("showcase")
def showcase(
    source: str,
    source_options: dict[str, object],
    planning: str | None,
    cycle_name: str | None,
    workflow_file: Path | None,
    stages: str | None,
    start_stage: str | None,
    done_stage: str | None,
    dates: tuple[datetime, datetime] | None,
    fmt: str,
    limit: int,
    output: Path | None,
) -> None:
    """Print the Team Showcase summary of a cycle.

    SOURCE is a planning JSON file (*.json, written by PlanningFile.save), a history JSON
    Lines file, or an adapter URL such as mirror:team.db.

    From a history or a mirror (give the board's workflow), the finished customer-ready
    work, committed vs completed and unplanned work come from the board; --planning (by
    default the planning document stored in the mirror, if any) adds how live campaigns do
    against their success criteria, what changed on the Blueprint and the stakeholders'
    suggestions. A mirror with a stored planning document and no workflow shows the cycles
    as the planning document recorded them.

    The summary is short enough for the next sales update call.
    """
    if _is_planning_file(source):
        if planning is not None:
            raise click.UsageError(
                "SOURCE is already a planning file; --planning goes with a history"
            )
        summary = _planned_showcase(_load(source), cycle_name, source)
    else:
        plan = _stored_plan(source) if planning is None else _load(planning)
        if plan is not None and planning is None and workflow_file is None and not stages:
            # A mirror with a stored planning document, and no workflow: the planned cycles.
            summary = _planned_showcase(plan, cycle_name, source)
            _emit(summary, fmt, limit, output)
            return
        try:
            board = (
                board_of(source, source_options) if workflow_file is None and not stages else None
            )
            flow = (
                board_workflow(source, start_stage, done_stage, board=board) if board else None
            ) or workflow_from(workflow_file, stages, start_stage, done_stage)
        except AgileMarketingError as exc:
            raise command_error(str(exc), exit_code_of(exc)) from exc
        windows = [] if plan is None else [_window(r.cycle) for r in plan.cycles]
        if board is not None:  # the board's own cycles, with their dates
            windows += [
                CycleWindow(c.name, c.start, c.end)
                for c in board.cycles
                if c.start is not None and c.end is not None and c.start < c.end
            ]
        if dates:
            if not cycle_name:
                raise click.UsageError("--dates goes with --cycle NAME")
            start, end = (d.replace(tzinfo=UTC) for d in dates)
            try:
                windows.insert(0, CycleWindow(cycle_name, start, end))
            except AgileMarketingError as exc:
                raise click.BadParameter(str(exc), param_hint="--dates") from exc
        try:
            history, has_memberships = _board_history(source, source_options)
            report = cycle_from_history(history, flow, cycle_name, windows=windows)
            summary = (
                team_showcase(report)
                if plan is None
                else plan.showcase(report.cycle.name, report=report)
            )
        except AgileMarketingError as exc:
            raise command_error(str(exc), exit_code_of(exc)) from exc
        if not has_memberships:
            click.echo(
                f"note: {source} records no cycle memberships (when items joined a cycle), so "
                "every item listed in the cycle counts as committed and none as unplanned",
                err=True,
            )
    _emit(summary, fmt, limit, output)


def _emit(summary: ShowcaseSummary, fmt: str, limit: int, output: Path | None) -> None:
    text = summary.to_html(limit=limit) if fmt == "html" else summary.to_markdown(limit=limit)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


def _board_history(
    source: str, options: dict[str, object]
) -> tuple[HistoryTable | list[ItemRecord], bool]:
    """The board's history, and whether it records when items joined their cycles.

    A mirror is read as adapter records, so each item's extra fields (its ``link``) and the
    Definition-of-Done criteria it meets reach the showcase; a mirror keeps no memberships.
    """
    if source.startswith(_MIRROR) and not Path(source).is_file():
        with Mirror(parse_adapter_url(source).location, create=False) as mirror:
            return list(mirror.records()), False
    table = load_history(source, options)
    return table, len(table.cyc_item) > 0


def _window(cycle: Cycle) -> CycleWindow:
    return CycleWindow(cycle.name, cycle.start, cycle.end)


def _planned_showcase(plan: PlanningFile, cycle_name: str | None, source: str) -> ShowcaseSummary:
    if not plan.cycles:
        raise command_error(f"{Path(source).name}: no closed cycle to summarise yet")
    try:
        return plan.showcase(cycle_name or plan.cycles[-1].cycle.name)
    except AgileMarketingError as exc:
        raise command_error(str(exc), exit_code_of(exc)) from exc


def _effort(values: tuple[str, ...]) -> dict[str, float]:
    effort: dict[str, float] = {}
    for value in values:
        month, sep, amount = value.partition("=")
        try:
            if not sep:
                raise ValueError(value)
            effort[month.strip()] = effort.get(month.strip(), 0.0) + float(amount)
        except ValueError:
            raise click.BadParameter(
                f"{value!r}: write MONTH=AMOUNT, e.g. 2026-05=8", param_hint="--effort"
            ) from None
    return effort


def _version(plan: PlanningFile, label: str | None) -> Blueprint:
    if not plan.blueprints:
        raise command_error("the planning file holds no Blueprint yet")
    if label is None:
        return plan.blueprints[-1].blueprint
    for version in plan.blueprints:
        if version.label.casefold() == label.strip().casefold():
            return version.blueprint
    known = ", ".join(v.label for v in plan.blueprints)
    raise command_error(f"no Blueprint version {label!r}; the file has: {known}")


@click.command("blueprint")
@click.argument("planning", type=_FILE)
@click.option("--at", "label", help="Show the version with this label (default: the latest).")
@click.option("--since", help="Also list what changed since the version with this label.")
@click.option("--check", "name", help="Check whether a new priority with this name fits.")
@click.option("--outcome", help="The Guidepoint outcome the checked priority serves.")
@click.option(
    "--effort", multiple=True, metavar="MONTH=AMOUNT",
    help="The checked priority's effort in a month (repeat for several months).",
)  # fmt: skip
def blueprint(
    planning: str,
    label: str | None,
    since: str | None,
    name: str | None,
    outcome: str | None,
    effort: tuple[str, ...],
) -> None:
    """Show the Blueprint of a PLANNING file (JSON, or mirror:team.db); check a new priority.

    Capacity is fixed: when --check does not fit, the command lists what must move out,
    and by how much, and exits with status 1.
    """
    # Every option is checked before anything is printed: an error never follows a calendar.
    if name is None and (outcome or effort):
        raise click.UsageError("--outcome and --effort go with --check NAME")
    if name is not None and (not outcome or not effort):
        raise click.UsageError("--check needs --outcome and at least one --effort MONTH=AMOUNT")
    per_month = _effort(effort)
    plan = _load(planning)
    current = _version(plan, label)
    earlier = None if since is None else _version(plan, since)
    click.echo(current.to_markdown())
    if earlier is not None:
        click.echo()
        click.echo(f"Changes since {since}:")
        click.echo(str(earlier.diff(current)))
    if name is None or outcome is None:
        return
    try:
        priority = Priority(name, outcome, per_month)
        current.guidepoint.require_serves(f"priority {name!r}", outcome)
        check = current.check(priority)
    except DoesNotServeGuidepoint as exc:
        raise command_error(str(exc), ExitCode.CONFLICTS) from exc
    except AgileMarketingError as exc:
        raise command_error(str(exc), exit_code_of(exc)) from exc
    click.echo()
    click.echo(str(check))
    if not check.fits:
        raise SystemExit(int(ExitCode.CONFLICTS))
