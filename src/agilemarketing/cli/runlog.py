"""Logging for scheduled jobs: ``-v/--verbose`` and ``--log-format text|json``.

Everything here goes to standard error, so standard output holds only what a command prints
for its reader (the ``--json`` document). With ``--log-format json`` (or ``-v``) each run ends
with one line: the command, its source (and target), the counts, how long it took, the
source's cursor, the exit code and, when it failed, the first line of its error. ``-v`` also
shows the log messages of the library and of its adapters (loggers named ``agilemarketing*``;
``-vv`` their debug messages), in the same format. With ``--log-format json`` each of these is
one JSON object on one line (a message's own line breaks are escaped), so a reader takes the
lines of standard error that start with ``{``; the other lines are the messages for people
(the error, notes). Every line passes through the command's redaction first, so no secret an
adapter read reaches a log.

>>> import json
>>> line = run_line({"command": "sync", "exit_code": 0, "duration_s": 0.25}, "json")
>>> json.loads(line)["exit_code"]
0
>>> run_line({"command": "sync", "exit_code": 0, "duration_s": 0.25, "creates": 3}, "text")
'sync: exit 0 in 0.25s; creates=3'
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

import attrs
import click

__all__ = ["LOG_FORMATS", "RunLog", "logged", "logging_options", "run_line", "run_log"]

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
    """One line per record (JSON or text), redacted; an exception shows as its type and
    message, never a traceback."""

    def __init__(self, fmt: str, hide: Callable[[], Callable[[str], str]]) -> None:
        super().__init__()
        self._as = fmt
        self._hide = hide

    def format(self, record: logging.LogRecord) -> str:
        hide = self._hide()
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += f" ({type(error).__name__}: {error})"
        if self._as == "json":
            return json.dumps(
                {"level": record.levelname.lower(), "logger": record.name, "message": hide(message)}
            )
        return hide(f"{record.levelname} {record.name}: {message}")


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


def _error_of(error: BaseException | None) -> str | None:
    """The first line of what a failed run printed (None: the run did not fail)."""
    if error is None or (isinstance(error, SystemExit) and error.code in (0, None)):
        return None
    if isinstance(error, click.exceptions.Exit):
        return None if error.exit_code == 0 else f"exit {error.exit_code}"
    if isinstance(error, SystemExit):  # exit_codes.fail notes the message it printed
        notes = getattr(error, "__notes__", None)
        text = notes[0] if notes else f"exit {error.code}"
    elif isinstance(error, click.ClickException):
        text = error.format_message()
    else:
        text = f"{type(error).__name__}: {error}"
    return (str(text).strip().splitlines() or [""])[0]


class _Ours(logging.Filter):
    """Records of the library and its adapters (``agilemarketing``, ``agilemarketing_jira``...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.startswith("agilemarketing")


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
    root = logging.getLogger()  # adapters log under their own names (agilemarketing_jira...)
    handler: logging.Handler | None = None
    old_level = root.level
    if verbose:
        handler = logging.StreamHandler(sys.stderr)  # stdout is for the --json reader
        handler.setFormatter(_Redacting(fmt, lambda: log.hide))
        handler.addFilter(_Ours())
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
            if (failure := _error_of(error)) is not None:
                fields["error"] = failure
            click.echo(log.hide(run_line(fields, fmt)), err=True)


def logged(command: str) -> Callable[[Any], Any]:
    """Give a click command ``-v/--verbose`` and ``--log-format``, and run its body inside
    :func:`run_log`, its lines redacted of every secret an adapter read (put it right above
    the ``def``). The run line holds the command's ``source`` argument when it has one."""
    from agilemarketing._redaction import secrets_seen

    def decorate(body: Any) -> Any:
        @functools.wraps(body)
        def run(*args: Any, verbose: int, log_format: str, **kwargs: Any) -> Any:
            with secrets_seen() as seen, run_log(command, verbose, log_format) as log:
                log.hide = lambda text: seen()(text)
                if "source" in kwargs:
                    log.fields["source"] = kwargs["source"]
                return body(*args, **kwargs)

        return logging_options()(run)

    return decorate
