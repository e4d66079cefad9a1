"""Logging for scheduled jobs: ``-v/--verbose`` and ``--log-format text|json``.

Everything here goes to standard error, so standard output holds only what a command prints
for its reader (the ``--json`` document). With ``--log-format json`` (or ``-v``) each run ends
with one line: the command, both sides, the counts, how long it took, the source's cursor and
the exit code. ``-v`` also shows the library's own log messages (``-vv`` its debug messages),
in the same format. Every line passes through the command's redaction first, so no secret an
adapter read reaches a log.

>>> import json
>>> line = run_line({"command": "sync", "exit_code": 0, "duration_s": 0.25}, "json")
>>> json.loads(line)["exit_code"]
0
>>> run_line({"command": "sync", "exit_code": 0, "duration_s": 0.25, "creates": 3}, "text")
'sync: exit 0 in 0.25s; creates=3'
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

import attrs
import click

__all__ = ["LOG_FORMATS", "RunLog", "logging_options", "run_line", "run_log"]

LOG_FORMATS: Final = ("text", "json")
_FIXED = ("command", "exit_code", "duration_s")


def logging_options() -> Callable[[Any], Any]:
    """``-v/--verbose`` (repeat for debug) and ``--log-format text|json``."""

    def apply(command: Any) -> Any:
        command = click.option(
            "--log-format",
            type=click.Choice(LOG_FORMATS),
            default="text",
            show_default=True,
            help="Log lines on stderr as text or JSON; json also logs one line per run "
            "(counts, duration, cursor, exit code).",
        )(command)
        return click.option(
            "-v",
            "--verbose",
            count=True,
            help="Log what the run does on stderr (-vv: debug), and one line per run.",
        )(command)

    return apply


def run_line(fields: Mapping[str, Any], fmt: str) -> str:
    """The one line a run ends with, as JSON or as text."""
    if fmt == "json":
        return json.dumps(dict(fields), sort_keys=True, default=str)
    head = f"{fields.get('command')}: exit {fields.get('exit_code')} in {fields.get('duration_s')}s"
    rest = [f"{k}={v}" for k, v in fields.items() if k not in _FIXED and v is not None]
    return head + ("; " + ", ".join(rest) if rest else "")


class _Redacting(logging.Formatter):
    def __init__(self, fmt: str, hide: Callable[[], Callable[[str], str]]) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self._as = fmt
        self._hide = hide

    def format(self, record: logging.LogRecord) -> str:
        hide = self._hide()
        if self._as == "json":
            return json.dumps(
                {
                    "level": record.levelname.lower(),
                    "logger": record.name,
                    "message": hide(record.getMessage()),
                }
            )
        return hide(super().format(record))


@attrs.define
class RunLog:
    """What a run reports in its closing line; the command fills :attr:`fields` as it goes and
    sets :attr:`hide` to its redaction once it holds its adapters."""

    command: str
    verbose: int
    fmt: str
    fields: dict[str, Any] = attrs.Factory(dict)
    hide: Callable[[str], str] = str

    @property
    def enabled(self) -> bool:
        """Whether the run ends with a line (``-v``, or ``--log-format json``)."""
        return self.verbose > 0 or self.fmt == "json"


def _code_of(error: BaseException | None) -> int:
    if error is None:
        return 0
    if isinstance(error, SystemExit):
        return error.code if isinstance(error.code, int) else 1
    if isinstance(error, click.exceptions.Exit):
        return int(error.exit_code)
    if isinstance(error, click.ClickException):
        return int(error.exit_code)
    return 4


@contextmanager
def run_log(command: str, verbose: int, fmt: str) -> Iterator[RunLog]:
    """Log the library's messages to stderr while the block runs (with ``-v``), and end it with
    the run's line (with ``-v`` or ``--log-format json``), whatever the block raised."""
    log = RunLog(command, verbose, fmt)
    root = logging.getLogger("agilemarketing")
    handler: logging.Handler | None = None
    old_level = root.level
    if verbose:
        handler = logging.StreamHandler(sys.stderr)  # stdout is for the --json reader
        handler.setFormatter(_Redacting(fmt, lambda: log.hide))
        root.addHandler(handler)
        root.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    started = time.monotonic()
    error: BaseException | None = None
    try:
        yield log
    except BaseException as exc:
        error = exc
        raise
    finally:
        if handler is not None:
            root.removeHandler(handler)
            root.setLevel(old_level)
        if log.enabled:
            fields = {
                "command": command,
                "exit_code": _code_of(error),
                "duration_s": round(time.monotonic() - started, 3),
                **log.fields,
            }
            click.echo(log.hide(run_line(fields, fmt)), err=True)
