"""The options the commands share, and turning their values into library objects.

The workflow (``--workflow FILE.toml`` or the ``--stages/--start/--done`` shorthand), the
forecast window, the team's calendar, how backward moves count, the simulation, ``--json`` and
the sync configuration file. Each ``*_options`` function returns a decorator that adds its
options to a command, in the order ``--help`` lists them; each ``*_from`` function builds the
value the options describe, raising :class:`click.UsageError` for a combination that makes no
sense.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click
import numpy as np
from dateutil import parser as dateparser

from agilemarketing.flow import Backwards
from agilemarketing.historyio.checks import EARLIEST, LATEST
from agilemarketing.historyio.timestamps import datetimes
from agilemarketing.metrics import Window
from agilemarketing.sync import SyncConfig
from agilemarketing.workdays import WorkCalendar
from agilemarketing.workflow import Workflow

__all__ = [
    "adapter_option",
    "as_of_from",
    "as_of_option",
    "backwards_option",
    "calendar_from",
    "calendar_options",
    "config_option",
    "json_option",
    "load_config",
    "option_pairs",
    "simulation_options",
    "stack",
    "window_from",
    "window_options",
    "workflow_from",
    "workflow_options",
]

F = TypeVar("F", bound=Callable[..., Any])


def stack(*decorators: Callable[[Any], Any]) -> Callable[[F], F]:
    """One decorator applying ``decorators`` so that ``--help`` lists them in the given order."""

    def apply(command: F) -> F:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


# --- The workflow ---------------------------------------------------------------------------------


def workflow_options(
    *,
    workflow: str = "Workflow TOML file (stages, start, done, WIP limits).",
    stages: str = 'Shorthand workflow: "Backlog,Ready,Doing,Done".',
    start: str = "With --stages: where cycle time starts.",
    done: str = "With --stages: where cycle time ends.",
    waiting: bool = True,
) -> Callable[[F], F]:
    """``--workflow``, ``--stages``, ``--start``, ``--done`` (and ``--waiting``), with these helps.

    The values arrive as ``workflow_file``, ``stages``, ``start_stage``, ``done_stage`` and
    ``waiting``.
    """
    options: list[Callable[[Any], Any]] = [
        click.option(
            "--workflow",
            "workflow_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help=workflow,
        ),
        click.option("--stages", help=stages),
        click.option("--start", "start_stage", help=start),
        click.option("--done", "done_stage", help=done),
    ]
    if waiting:
        options.append(
            click.option(
                "--waiting",
                multiple=True,
                help="With --stages: a waiting (inactive) stage; repeat for several.",
            )
        )
    return stack(*options)


def workflow_from(
    path: Path | None,
    stages: str | None,
    start: str | None,
    done: str | None,
    waiting: tuple[str, ...] = (),
) -> Workflow:
    """The workflow the options describe: a TOML file, or the ``--stages`` shorthand."""
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


def backwards_option() -> Callable[[F], F]:
    """``--backwards``: how backward moves and reopened items count (a :class:`Backwards`)."""
    return click.option(
        "--backwards",
        type=click.Choice([b.value for b in Backwards]),
        default=Backwards.RESTART_FROM_TODO.value,
        show_default=True,
        help="Backward moves and reopened items: the clock restarts only on a return to a "
        "stage before the start, to the last done (restart); cycle time from the first entry "
        "to the first done (first), the last entry to the last done (last), or the first "
        "entry to the last done (reopened).",
    )


# --- The forecast window and the team's calendar --------------------------------------------------


def window_options() -> Callable[[F], F]:
    """``--window-weeks``, ``--window-days``, ``--since`` and ``--until``."""
    return stack(
        click.option(
            "--window-weeks",
            type=click.IntRange(min=1),
            default=12,
            show_default=True,
            help="Forecasts resample the daily throughput of the last N weeks.",
        ),
        click.option(
            "--window-days",
            type=click.IntRange(min=1),
            help="Resample the last N days instead of weeks.",
        ),
        click.option(
            "--since",
            type=click.DateTime(["%Y-%m-%d"]),
            help="Resample from this date instead (with --until).",
        ),
        click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="... up to this date."),
    )


def window_from(weeks: int, days: int | None, since: Any, until: Any) -> Window:
    """The forecast window: ``--since/--until``, else the last ``days``, else ``weeks``."""
    if (since is None) != (until is None):
        raise click.UsageError("give --since and --until together")
    if since is not None:
        if days is not None:
            raise click.UsageError("give either --window-days or --since/--until, not both")
        return Window.between(since.date(), until.date())
    if days is not None:
        return Window.last(days=days)
    return Window.last(weeks=weeks)


def calendar_options() -> Callable[[F], F]:
    """``--working-days``, ``--holiday`` and ``--timezone``."""
    return stack(
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
    )


def calendar_from(
    working_days: str | None, holidays: tuple[str, ...], timezone: str
) -> WorkCalendar | None:
    """The team's calendar, or None for the default (every day, UTC)."""
    if working_days is None and not holidays and timezone == "UTC":
        return None
    return WorkCalendar(weekmask=working_days or "1111111", holidays=holidays, timezone=timezone)


def as_of_option() -> Callable[[F], F]:
    """``--as-of``: the moment a report or forecast describes."""
    return click.option(
        "--as-of",
        "as_of",
        metavar="MOMENT",
        help="The moment to describe: a date (its end, in --timezone), a timestamp with a "
        "zone (2026-03-02T09:30:00Z) or 'now' (default: the data's latest timestamp). 'now' "
        "ages a live board's open work to today; an earlier moment shows the board as it was.",
    )


def as_of_from(
    value: str | None, timezone: str = "UTC", *, now: datetime | None = None
) -> datetime | None:
    """The UTC moment ``--as-of`` names: a date ends at the next midnight in ``timezone``
    (days are [00:00, 24:00)), a timestamp must carry its zone, ``now`` is this moment.

    >>> as_of_from("2026-03-20", "Europe/Berlin").isoformat()
    '2026-03-20T22:59:59.999999+00:00'
    >>> as_of_from("2026-03-02T09:30:00+01:00").isoformat()
    '2026-03-02T08:30:00+00:00'
    >>> as_of_from(None) is None
    True
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        raise _not_a_moment(value, "empty")
    if text.lower() == "now":
        return now or datetime.now(UTC)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise _not_a_moment(value, "no such date") from None
        if not EARLIEST.year <= day.year < LATEST.year:
            raise _not_a_moment(value, _YEARS)
        # The day ends where the metrics' days end: the team calendar's next local midnight.
        (midnight,) = WorkCalendar.every_day(timezone).midnights(
            day + timedelta(days=1), day + timedelta(days=1)
        )
        (end,) = datetimes(np.array([midnight - np.timedelta64(1, "us")]))
        assert end is not None  # a midnight is a moment
        return end
    try:
        moment = dateparser.isoparse(text).astimezone(UTC) if _zoned(text) else None
    except (ValueError, OverflowError):
        raise _not_a_moment(value, "not a date or an ISO-8601 timestamp") from None
    if moment is None:
        raise _not_a_moment(value, "a timestamp without a time zone (add Z or +01:00)")
    if not EARLIEST <= moment < LATEST:
        raise _not_a_moment(value, _YEARS)
    return moment


_YEARS = f"outside the years a board can hold ({EARLIEST.year} to {LATEST.year - 1})"


def _zoned(text: str) -> bool:
    """Whether an ISO-8601 timestamp names its zone (``Z`` or an offset after the time)."""
    return bool(re.search(r"\d(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$", text))


def _not_a_moment(value: str, what: str) -> click.BadParameter:
    return click.BadParameter(
        f"{value!r}: {what}; give a date (2026-03-20), a timestamp with a zone "
        "(2026-03-20T17:00:00Z) or 'now'",
        param_hint="'--as-of'",
    )


# --- The simulation, the output, the configuration ------------------------------------------------


def simulation_options() -> Callable[[F], F]:
    """``--trials`` and ``--seed`` of the Monte Carlo forecasts."""
    return stack(
        click.option(
            "--trials",
            type=click.IntRange(min=100),
            default=10_000,
            show_default=True,
            help="Monte Carlo trials.",
        ),
        click.option("--seed", type=int, default=2026, show_default=True, help="Random seed."),
    )


def json_option(help: str) -> Callable[[F], F]:
    """``--json`` (the value arrives as ``as_json``), with the command's own help text."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def config_option() -> Callable[[F], F]:
    """``--config FILE.toml``: the sync configuration (the value arrives as ``config_path``)."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="TOML file: status_map, fields, ignore, on_conflict, batch_size, [source]/[target] "
        "adapter options (secrets only as *_env variable names).",
    )


def load_config(path: Path | None) -> SyncConfig:
    """The sync configuration in ``path``; the defaults without one."""
    return SyncConfig.load(path) if path else SyncConfig()


def option_pairs(values: tuple[str, ...], flag: str) -> dict[str, object]:
    """``KEY=VALUE`` values of ``flag`` as a mapping (a value stays text: the adapter converts
    it); the last of a key given twice wins.

    >>> option_pairs(("page_size=50", "timezone=Europe/Paris"), "--source-option")
    {'page_size': '50', 'timezone': 'Europe/Paris'}
    """
    pairs: dict[str, object] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            # Never echo the value: it may be a secret typed where it does not belong.
            raise click.BadParameter(
                "write it as KEY=VALUE (the value was not shown: it may be a secret)",
                param_hint=flag,
            )
        pairs[key.strip()] = text
    return pairs


def adapter_option(side: str) -> Callable[[F], F]:
    """``--source-option KEY=VALUE`` (or ``--target-option``, ``side="target"``), repeatable: an
    option of that side's adapter, over the ``[source]``/``[target]`` table of ``--config``. The
    value arrives as a ``dict`` named ``source_options`` (``target_options``)."""
    flag = f"--{side}-option"

    def parse(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
        return option_pairs(values, flag)

    return click.option(
        flag,
        f"{side}_options",
        multiple=True,
        metavar="KEY=VALUE",
        callback=parse,
        help=f"An option of the {side} adapter (repeat for several), over [{side}] in --config. "
        "Secrets only as *_env variable names.",
    )
