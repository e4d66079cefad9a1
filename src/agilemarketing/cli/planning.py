"""``agilemarketing showcase`` and ``agilemarketing blueprint``: planning from a planning file.

Both read the JSON a team writes with :meth:`agilemarketing.serialize.PlanningFile.save`.
"""

from __future__ import annotations

from pathlib import Path

import click

from agilemarketing.errors import AgileMarketingError, InvalidValue
from agilemarketing.guidepoint import Blueprint, Priority
from agilemarketing.serialize import PlanningFile

__all__ = ["blueprint", "showcase"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _load(path: Path) -> PlanningFile:
    try:
        return PlanningFile.load(path)
    except AgileMarketingError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("showcase")
@click.argument("planning", type=_FILE)
@click.option("--cycle", "cycle_name", help="The cycle to summarise (default: the latest).")
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "html"]), default="markdown",
    show_default=True, help="Markdown for chat and notes, HTML for a self-contained page.",
)  # fmt: skip
@click.option("--limit", type=click.IntRange(1), default=8, show_default=True,
              help="At most this many lines per section.")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")  # fmt: skip
def showcase(
    planning: Path, cycle_name: str | None, fmt: str, limit: int, output: Path | None
) -> None:
    """Print the Team Showcase summary of a cycle from a PLANNING JSON file.

    What the team finished (customer-ready work, with links), how live campaigns do against
    their success criteria, what changed on the Blueprint, and the stakeholders' suggestions:
    short enough for the next sales update call.
    """
    plan = _load(planning)
    if not plan.cycles:
        raise click.ClickException(f"{planning.name}: no closed cycle to summarise yet")
    name = cycle_name or plan.cycles[-1].cycle.name
    try:
        summary = plan.showcase(name)
    except AgileMarketingError as exc:
        raise click.ClickException(str(exc)) from exc
    text = summary.to_html(limit=limit) if fmt == "html" else summary.to_markdown(limit=limit)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


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
        raise click.ClickException("the planning file holds no Blueprint yet")
    if label is None:
        return plan.blueprints[-1].blueprint
    for version in plan.blueprints:
        if version.label.casefold() == label.strip().casefold():
            return version.blueprint
    known = ", ".join(v.label for v in plan.blueprints)
    raise click.ClickException(f"no Blueprint version {label!r}; the file has: {known}")


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
    planning: Path,
    label: str | None,
    since: str | None,
    name: str | None,
    outcome: str | None,
    effort: tuple[str, ...],
) -> None:
    """Show the Blueprint of a PLANNING JSON file, and check a new priority against capacity.

    Capacity is fixed: when ``--check`` does not fit, the command lists what must move out,
    and by how much, and exits with status 1.
    """
    plan = _load(planning)
    current = _version(plan, label)
    click.echo(current.to_markdown())
    if since is not None:
        click.echo()
        click.echo(f"Changes since {since}:")
        click.echo(str(_version(plan, since).diff(current)))
    if name is None:
        if outcome or effort:
            raise click.UsageError("--outcome and --effort go with --check NAME")
        return
    if not outcome or not effort:
        raise click.UsageError("--check needs --outcome and at least one --effort MONTH=AMOUNT")
    try:
        priority = Priority(name, outcome, _effort(effort))
        current.guidepoint.require_serves(f"priority {name!r}", outcome)
        check = current.check(priority)
    except (AgileMarketingError, InvalidValue) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo()
    click.echo(str(check))
    if not check.fits:
        raise SystemExit(1)
