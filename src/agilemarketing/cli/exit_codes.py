"""What every ``agilemarketing`` command returns to the shell: one table, one meaning per number.

- ``0`` ``OK``: the command did what was asked (``sync --dry-run``: the plan was printed).
- ``1`` ``CONFLICTS``: something conflicts, so nothing was changed: fields changed on both sides
  since the last sync (``sync``, policy ``fail``); a priority that does not fit the Blueprint's
  capacity or serve its Guidepoint (``blueprint --check``); two plugins claiming one name
  (``plugins``).
- ``2`` ``USAGE``: a usage or input error: a bad option, URL, configuration or planning file; a
  missing or invalid history, workflow, mirror or secret; a secret the tool refused
  (:class:`~agilemarketing.errors.AuthenticationFailed`, HTTP 401/403: the message names the
  environment variable); an adapter option the adapter does not know; a cycle or Blueprint
  version that does not exist; a target that cannot be written as asked (a Jira export).
- ``3`` ``FAILED_CHANGES``: ``sync`` applied some changes and the target refused others.
- ``4`` ``ERROR``: the command stopped on an error outside its input: the output could not be
  written (``report``: a directory holding other files, a full disk; ``sync``: a full disk under
  the mirror) or a system failed: a
  remote tool that did not answer or answered with a server error after the adapter's retries
  (:class:`~agilemarketing.errors.RemoteError`), the disk. Fix that (or wait) and run it
  again; a sync resumes where it stopped.
- ``5`` ``NO_FORECAST``: ``forecast`` found no finished item in the throughput window; widen it.
- ``6`` ``BUSY``: ``sync``: another sync holds the target or the mirror (its lock), so nothing was
  changed; the message names the process holding it and since when. Run again once it is done,
  or let the command wait for it (``--wait SECONDS``).

``sync`` keeps the numbers of :class:`agilemarketing.sync.ExitCode` (the same names and values).
"""

from __future__ import annotations

import enum
from typing import NoReturn

import click

__all__ = ["ExitCode", "command_error", "exit_code_of", "fail"]


class ExitCode(enum.IntEnum):
    """What an ``agilemarketing`` command returns to the shell (the table above)."""

    OK = 0  #: the command did what was asked
    CONFLICTS = 1  #: a conflict (sync fields, Blueprint capacity, plugin names): nothing changed
    USAGE = 2  #: bad command line or input (option, URL, file, mirror, secret, read-only target)
    FAILED_CHANGES = 3  #: sync: some changes failed at the target; the rest were applied
    ERROR = 4  #: stopped on an error outside the input (output, disk, server): fix, run again
    NO_FORECAST = 5  #: no item finished in the throughput window: widen it
    BUSY = 6  #: another sync holds the target or the mirror: nothing changed; run again later


def exit_code_of(error: BaseException) -> ExitCode:
    """The table's code for an error a command stops on: a secret the tool refused is ``USAGE``
    (fix the secret), any other failure of a remote tool ``ERROR`` (run it again), the rest of
    the library's errors ``USAGE`` (fix the input), anything else ``ERROR``.

    >>> from agilemarketing.errors import AuthenticationFailed, InvalidValue, RemoteError
    >>> [exit_code_of(e).name for e in (AuthenticationFailed("T"), RemoteError("GET", "/x"),
    ...                                   InvalidValue("bad"), OSError("disk full"))]
    ['USAGE', 'ERROR', 'USAGE', 'ERROR']
    """
    from agilemarketing.errors import AgileMarketingError, AuthenticationFailed, RemoteError

    if isinstance(error, AuthenticationFailed):
        return ExitCode.USAGE
    if isinstance(error, RemoteError):
        return ExitCode.ERROR
    return ExitCode.USAGE if isinstance(error, AgileMarketingError) else ExitCode.ERROR


def fail(message: str, code: ExitCode) -> NoReturn:
    """Print ``error: message`` on standard error and exit with ``code`` (the exit carries the
    message as a note, for the run's log line: :mod:`agilemarketing.cli.runlog`)."""
    click.echo(f"error: {message}", err=True)
    stop = SystemExit(int(code))
    stop.add_note(message)
    raise stop


def command_error(message: str, code: ExitCode = ExitCode.USAGE) -> click.ClickException:
    """A message for the user (click prints ``Error: message``) that exits with ``code``.

    ``raise command_error(...)`` from a command; click's own exception, so no new error class.
    """
    error = click.ClickException(message)
    # click declares exit_code a ClassVar but reads it from the instance (e.exit_code)
    error.exit_code = int(code)  # type: ignore[misc]
    return error
