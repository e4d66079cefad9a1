"""The ``agilemarketing`` command line.

Each group of commands lives in its own module of this package and is added to :data:`main`
below, so the command line grows without one file owning every command.
"""

from __future__ import annotations

import click

from agilemarketing._version import __version__

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="agilemarketing")
def main() -> None:
    """Backlogs, flow metrics, forecasts and sync for agile marketing teams."""


# --- Commands: each module registers here, one line each (keep sorted) ----------------------------
from agilemarketing.cli.example import example as example_command  # noqa: E402
from agilemarketing.cli.mirror import mirror as mirror_command  # noqa: E402
from agilemarketing.cli.planning import blueprint as blueprint_command  # noqa: E402
from agilemarketing.cli.planning import showcase as showcase_command  # noqa: E402
from agilemarketing.cli.plugins import plugins as plugins_command  # noqa: E402
from agilemarketing.cli.report import forecast as forecast_command  # noqa: E402
from agilemarketing.cli.report import report as report_command  # noqa: E402
from agilemarketing.cli.sync import sync as sync_command  # noqa: E402

main.add_command(blueprint_command)
main.add_command(example_command)
main.add_command(forecast_command)
main.add_command(mirror_command)
main.add_command(plugins_command)
main.add_command(report_command)
main.add_command(showcase_command)
main.add_command(sync_command)
