"""``agilemarketing sync SOURCE TARGET``: plan, print or apply a sync between two adapters.

Exit codes (:class:`~agilemarketing.cli.exit_codes.ExitCode`, the table every command shares;
the same numbers as :class:`agilemarketing.sync.ExitCode`): 0 done (or planned, with
``--dry-run``); 1 conflicts under policy ``fail`` (nothing written); 2 usage or input error
(bad URL, option, configuration file, missing secret, missing or unreadable input file or
mirror, a target that cannot be written such as a Jira export, a read-only or corrupt mirror);
3 some changes failed at the target (the others were applied); 4 the sync stopped on an adapter
error (a server, the disk, a full disk under the mirror): run it again, it resumes; 6 another
sync holds the target or the mirror (after waiting ``--wait`` seconds): nothing was changed.

A sync holds its target and its mirror for its whole run, plan and apply
(:func:`agilemarketing.sync.locked`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import attrs
import click

from agilemarketing._redaction import Redactor, secrets_seen
from agilemarketing.adapter import Adapter, parse_adapter_url
from agilemarketing.cli._options import adapter_option, config_option, json_option, load_config
from agilemarketing.cli.exit_codes import ExitCode, fail
from agilemarketing.cli.problems import problem_lines, problems_json
from agilemarketing.cli.runlog import RunLog, logging_options, run_log
from agilemarketing.errors import (
    AgileMarketingError,
    AuthenticationFailed,
    InvalidInputGroup,
    InvalidValue,
    MirrorDiskError,
    MirrorError,
    MissingSecret,
    NotFound,
    RemoteError,
    SourceError,
    SyncConflictError,
    SyncLocked,
    UnsupportedChange,
)
from agilemarketing.mirror import Mirror, MirrorAdapter
from agilemarketing.sync import (
    ConflictPolicy,
    Progress,
    SyncPlan,
    apply,
    locked,
    plan,
)

__all__ = ["sync"]

_LOG = logging.getLogger(__name__)  # -v shows these (agilemarketing.cli.runlog)

_POLICIES = [p.value for p in ConflictPolicy]


def _adapter(url: str, options: dict[str, object], *, source: bool = False) -> Adapter:
    if parse_adapter_url(url).name == MirrorAdapter.name:
        # A source mirror must exist: a mistyped path is an error, not an empty board.
        return MirrorAdapter.from_url(url, {"create": not source, **options})
    from agilemarketing.plugins import adapter_for_url

    return adapter_for_url(url, options)


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress display on a terminal; nothing otherwise (or without rich)."""
    if not enabled:
        yield None
        return
    try:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
        from rich.progress import Progress as RichProgress
    except ImportError:  # rich is the optional `agilemarketing[rich]` extra
        yield None
        return
    with RichProgress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield report


@click.command("sync")
@click.argument("source")
@click.argument("target")
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Mirror file holding the sync state (default: the target if it is mirror:..., "
    "else the source if it is).",
)
@config_option()
@click.option(
    "--on-conflict",
    type=click.Choice(_POLICIES),
    help="What to do with fields changed on both sides (default: the config's, else fail).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option(
    "--full",
    is_flag=True,
    help="Read the source in full, ignoring the stored cursor (a nightly reconciliation: "
    "items a tool deleted are marked removed).",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another sync holding the target or the mirror (then exit 6).",
)
@adapter_option("source")
@adapter_option("target")
@json_option("Print JSON for machines.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary.")
@logging_options()
def sync(
    source: str,
    target: str,
    state: Path | None,
    config_path: Path | None,
    on_conflict: str | None,
    dry_run: bool,
    full: bool,
    wait: float,
    source_options: dict[str, object],
    target_options: dict[str, object],
    as_json: bool,
    quiet: bool,
    verbose: int,
    log_format: str,
) -> None:
    """Bring TARGET in line with SOURCE (adapter URLs such as csv:export.csv, mirror:team.db).

    Changes made on both sides since the last sync are conflicts, settled by --on-conflict.
    Secrets (API tokens) come from environment variables only, named in the config file.

    Exit codes: 0 ok, 1 conflicts under policy fail, 2 usage or input error, 3 some changes
    failed at the target, 4 the sync stopped (run it again to resume), 6 another sync holds the
    target or the mirror (nothing changed; run again later, or --wait longer).
    """
    options = (source_options, target_options)
    with secrets_seen() as seen, run_log("sync", verbose, log_format) as log:
        log.fields.update(source=source, target=target, dry_run=dry_run)
        run = _Run(
            source, target, state, config_path, on_conflict, dry_run, as_json, quiet, wait, full
        )
        _sync(run, options, seen, log)


@attrs.frozen
class _Run:
    """What the command line asked of one sync run."""

    source: str
    target: str
    state: Path | None
    config_path: Path | None
    on_conflict: str | None
    dry_run: bool
    as_json: bool
    quiet: bool
    wait: float
    full: bool = False


def _sync(
    run: _Run,
    options: tuple[dict[str, object], dict[str, object]],
    seen: Callable[[], Redactor],
    log: RunLog,
) -> None:
    source, target, state, as_json, quiet = (
        run.source,
        run.target,
        run.state,
        run.as_json,
        run.quiet,
    )
    adapters: list[Adapter] = []

    def clean(text: str) -> str:
        """``text`` without a secret of the adapters, or of any adapter that failed as it was
        built (before it could join ``adapters``)."""
        hide = seen()
        for adapter in adapters:
            hide += adapter.redactor
        return hide(text)

    log.hide = clean

    def stop(exc: BaseException, code: ExitCode, lines: list[str] | None = None) -> NoReturn:
        """Print every problem of ``exc`` (stderr; also stdout as JSON with --json), exit."""
        if as_json:
            document = problems_json(exc, hide=clean, exit_code=int(code))
            click.echo(json.dumps({"error": document}))
        fail("\n".join(lines or problem_lines(exc, hide=clean)), code)

    try:
        config = load_config(run.config_path)
        source_adapter = _adapter(source, {**config.source_options, **options[0]}, source=True)
        adapters.append(source_adapter)
        target_adapter = _adapter(target, {**config.target_options, **options[1]})
        adapters.append(target_adapter)
        with contextlib.ExitStack() as stack:
            for adapter in adapters:
                stack.enter_context(adapter)
            mirror = _state(state, source_adapter, target_adapter)
            if state is not None:
                stack.enter_context(mirror)
            show = not quiet and not as_json and sys.stdout.isatty()
            target_adapter.check_writable()  # before a lock file is made beside a Jira export
            stack.enter_context(locked(target_adapter, mirror, wait=run.wait))
            _LOG.info("planning %s -> %s", source, target)
            with _progress(show) as progress:
                the_plan = plan(
                    source_adapter,
                    target_adapter,
                    mirror,
                    run.on_conflict,
                    config=config,
                    progress=progress,
                    full=run.full,
                )
                log.fields.update(the_plan.counts, cursor=the_plan.context.source_cursor)
                _LOG.info("plan: %s", ", ".join(f"{n} {k}" for k, n in the_plan.counts.items()))
                if run.dry_run:
                    _print_plan(the_plan, as_json)
                    return
                if the_plan.blocked_by_conflicts:
                    _print_plan(the_plan, as_json, to_stderr=not as_json)
                    raise SyncConflictError(the_plan.conflicts)
                report = apply(the_plan, progress=progress)
            log.fields.update(
                applied=report.applied, failed=len(report.failed), compacted=report.compacted
            )
            _LOG.info("applied %d changes, %d failed", report.applied, len(report.failed))
            if as_json:
                click.echo(json.dumps({"plan": the_plan.as_dict(), "report": report.as_dict()}))
            elif not quiet:
                click.echo(str(report))
                for warning in the_plan.warnings():
                    click.echo(warning, err=True)
            code = ExitCode(report.exit_code)  # the engine's codes are the table's
            if code is not ExitCode.OK:
                raise SystemExit(int(code))
    except click.ClickException:
        raise  # usage errors: click prints them and exits 2
    except Exception as exc:
        if isinstance(exc, AgileMarketingError | OSError | InvalidInputGroup):
            stop(exc, _exit_code(exc))
        # an adapter's own failure: keep exit code 1 for conflicts only
        stop(exc, ExitCode.ERROR, [f"{type(exc).__name__}: {clean(str(exc))}"])


#: The exit code of each error a sync stops on, the first that matches (the rest: ERROR).
_CODES: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], ExitCode], ...] = (
    (SyncConflictError, ExitCode.CONFLICTS),
    (SyncLocked, ExitCode.BUSY),
    (MirrorDiskError, ExitCode.ERROR),
    (InvalidInputGroup, ExitCode.USAGE),  # every problem of the input, capped
    (AuthenticationFailed, ExitCode.USAGE),  # the tool refused the secret: fix the variable
    (RemoteError, ExitCode.ERROR),  # the tool failed after the adapter's retries: run again
    (
        (InvalidValue, NotFound, MissingSecret, MirrorError, SourceError, UnsupportedChange),
        ExitCode.USAGE,
    ),
)


def _exit_code(error: BaseException) -> ExitCode:
    return next((code for kind, code in _CODES if isinstance(error, kind)), ExitCode.ERROR)


def _state(state: Path | None, source: Adapter, target: Adapter) -> Mirror:
    if state is not None:
        return Mirror(state)
    for adapter in (target, source):
        if isinstance(adapter, MirrorAdapter):
            return adapter.mirror
    raise click.UsageError(
        "neither side is a mirror: give --state PATH for the file that remembers this sync"
    )


def _print_plan(the_plan: SyncPlan, as_json: bool, *, to_stderr: bool = False) -> None:
    if as_json:
        click.echo(json.dumps({"plan": the_plan.as_dict()}))
    else:
        click.echo(str(the_plan), err=to_stderr)
