"""`make demo`: the domain tour, then the flow report on the bundled example marketing board.

No account, no network: everything comes from files in examples/.
"""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import domain_tour  # noqa: E402

from agilemarketing.cli import main as cli  # noqa: E402


def run() -> int:
    domain_tour.main()
    print("\n== Flow report on the example marketing board ==\n")
    out = Path.cwd() / "demo-output"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(HERE / "board" / "history.jsonl"),
            "--workflow",
            str(HERE / "board" / "workflow.toml"),
            "--out",
            str(out),
        ],
    )
    print(result.output, end="")
    if result.exit_code:
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code
    print(f"\nOpen {out / 'report.html'} in a browser (it works offline).")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
