"""``agilemarketing example board DIRECTORY``: write the bundled example board, to start from.

Exit codes (:class:`~agilemarketing.cli.exit_codes.ExitCode`): 0 written; 2 the directory is a
file or already holds the board's files (nothing is written; ``--force`` replaces them); 4 the
files could not be written (the disk).
"""

from __future__ import annotations

from pathlib import Path

import click

from agilemarketing.cli.exit_codes import ExitCode, fail
from agilemarketing.errors import ExampleBoardError
from agilemarketing.example import write_example_board

__all__ = ["example"]


@click.group("example")
def example() -> None:
    """Write the bundled example data, to try the library and the commands on."""


@example.command("board")
@click.argument("directory", type=click.Path(path_type=Path), default="board")
@click.option("--force", is_flag=True, help="Replace the board's files if they are there.")
def board(directory: Path, force: bool) -> None:
    """Write a year of a simulated marketing team's board (history.jsonl, workflow.toml) into
    DIRECTORY (default ./board), then print the commands that report and forecast on it."""
    try:
        history, workflow = write_example_board(directory, overwrite=force)
    except ExampleBoardError as exc:
        fail(str(exc), ExitCode.USAGE)
    except OSError as exc:
        fail(f"example board output {str(directory)!r}: {exc}", ExitCode.ERROR)
    click.echo(f"Wrote {history} and {workflow}. Try:")
    click.echo(f"  agilemarketing report {history} --workflow {workflow} --out report/")
    click.echo(f"  agilemarketing forecast {history} --workflow {workflow} --items 30")
