"""``agilemarketing plugins``: what is installed, from which distribution, and what is broken.

Exit codes (:class:`~agilemarketing.cli.exit_codes.ExitCode`): 0 listed; 1 two plugins claim
the same name (nothing is listed).
"""

from __future__ import annotations

import json

import attrs
import click

from agilemarketing.cli._options import json_option
from agilemarketing.cli.exit_codes import ExitCode, command_error
from agilemarketing.errors import PluginConflict
from agilemarketing.plugins import get_plugin_manager, load_registry

__all__ = ["plugins"]


@click.command("plugins")
@json_option("Print JSON instead of a table.")
def plugins(as_json: bool) -> None:
    """List installed adapters, prioritisers and metrics, and plugins that failed to load.

    A broken plugin does not stop the others; it is listed with the reason.
    """
    try:
        registry = load_registry(get_plugin_manager())
    except PluginConflict as conflict:
        raise command_error(str(conflict), ExitCode.CONFLICTS) from conflict
    entries = [entry.as_dict() for entry in registry]
    broken = [attrs.asdict(b) for b in registry.broken]
    if as_json:
        click.echo(json.dumps({"plugins": entries, "broken": broken}, indent=2))
        return
    header = {"kind": "KIND", "name": "NAME", "class": "CLASS", "distribution": "DISTRIBUTION"}
    rows = [header] + [
        {
            "kind": str(e["kind"]),
            "name": str(e["name"]),
            "class": str(e["class"]),
            "distribution": f"{e['distribution']} {e['version']}"
            if e["distribution"]
            else "(registered directly)",
        }
        for e in entries
    ]
    widths = {column: max(len(row[column]) for row in rows) for column in header}
    for row in rows:
        click.echo("  ".join(row[c].ljust(widths[c]) for c in header).rstrip())
    if registry.broken:
        click.echo()
        click.echo(f"Broken plugins ({len(registry.broken)}), ignored:")
        for plugin in registry.broken:
            click.echo(f"  {plugin}")
