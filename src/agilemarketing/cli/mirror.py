"""``agilemarketing mirror check FILE``: is a mirror file sound?

Runs SQLite's full ``PRAGMA integrity_check``, the foreign-key check and a check of the tables
against the schema the file's version should have, reading the file only
(:func:`agilemarketing.mirror.check_mirror`). Every sync and report already runs the quicker
``PRAGMA quick_check`` when it opens a mirror, and refuses a damaged one.

Exit codes (:class:`~agilemarketing.cli.exit_codes.ExitCode`): 0 the file is sound; 2 it is not
(every problem is listed), or it is missing or not a mirror.
"""

from __future__ import annotations

import json

import click

from agilemarketing.cli._options import json_option
from agilemarketing.cli.exit_codes import ExitCode, fail
from agilemarketing.errors import AgileMarketingError

__all__ = ["mirror"]


@click.group("mirror")
def mirror() -> None:
    """Look after mirror files (the SQLite files syncs keep their state in)."""


@mirror.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option("Print the result as JSON.")
def check(file: str, as_json: bool) -> None:
    """Check the mirror FILE in full (integrity, foreign keys, schema); change nothing.

    Exit codes: 0 sound, 2 damaged, missing or not a mirror.
    """
    from agilemarketing.mirror import check_mirror

    try:
        result = check_mirror(file)
    except AgileMarketingError as exc:
        fail(str(exc), ExitCode.USAGE)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "path": result.path,
                    "ok": result.ok,
                    "schema_version": result.version,
                    "boards": result.boards,
                    "items": result.items,
                    "problems": list(result.problems),
                }
            )
        )
    else:
        click.echo(str(result))
    if not result.ok:
        if not as_json:
            click.echo(
                "error: the mirror file is corrupt. Fix: restore it from a backup, or sync "
                "into a new mirror file (the boards it mirrors still hold their items).",
                err=True,
            )
        raise SystemExit(int(ExitCode.USAGE))
