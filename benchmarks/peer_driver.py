"""Run jira-agile-metrics (the peer) offline on a board that ``bench_peer.py`` wrote.

Run by the *peer's* interpreter (``$AGILEMARKETING_PEER_PYTHON``), never by ours: the peer is
no dependency of this project and none of its code is used here, only its public entry points
(``config_to_options``, ``QueryManager``, ``run_calculators``), the way its command line uses
them. Its command line always connects to a Jira server, so this script hands its query
manager a stand-in client that answers ``fields()`` and ``search_issues()`` from a JSON file
shaped like Jira's REST search response (issues with their changelog).

Usage: ``peer_driver.py ISSUES.json CONFIG.yml OUTDIR MODE`` where MODE is ``metrics``
(every calculator's ``run``, no files) or ``report`` (``run`` and ``write``: every file and
chart the configuration names, like the peer's command). Prints one JSON line: seconds to
import, load, run (and each calculator's run) and write, and each item's cycle time in whole
days (null: none).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

_T0 = time.perf_counter()

from jira_agile_metrics.calculators.cycletime import CycleTimeCalculator  # noqa: E402
from jira_agile_metrics.config import CALCULATORS, config_to_options  # noqa: E402
from jira_agile_metrics.querymanager import QueryManager  # noqa: E402
from jira_agile_metrics.utils import set_chart_context  # noqa: E402

_IMPORTED = time.perf_counter()


class _Record:
    """An object whose attributes are the given names (what the jira client returns)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


class _OfflineJira:
    """The two calls the peer's query manager makes, answered from memory."""

    def __init__(self, fields: list[dict[str, str]], issues: list[_Record]) -> None:
        self._options = {"server": "https://jira.invalid"}
        self._fields = fields
        self._issues = issues

    def fields(self) -> list[dict[str, str]]:
        return self._fields

    def search_issues(self, jql: str, *args: Any, **kwargs: Any) -> list[_Record]:
        return self._issues


def _named(value: str | None) -> _Record | None:
    return None if value is None else _Record(name=value)


def _issue(raw: dict[str, Any]) -> _Record:
    f = raw["fields"]
    histories = [
        _Record(
            created=h["created"],
            items=[
                _Record(field=i["field"], fromString=i["fromString"], toString=i["toString"])
                for i in h["items"]
            ],
        )
        for h in raw["changelog"]["histories"]
    ]
    fields = _Record(
        summary=f["summary"],
        created=f["created"],
        issuetype=_named(f["issuetype"]),
        status=_named(f["status"]),
        resolution=_named(f["resolution"]),
        resolutiondate=f["resolutiondate"],
        customfield_100=f["flagged"],
    )
    return _Record(key=raw["key"], fields=fields, changelog=_Record(histories=histories))


def main(issues_path: str, config_path: str, outdir: str, mode: str) -> None:
    logging.basicConfig(level=logging.ERROR)
    start = time.perf_counter()
    with open(issues_path, encoding="utf-8") as fh:
        document = json.load(fh)
    jira = _OfflineJira(document["fields"], [_issue(raw) for raw in document["issues"]])
    with open(config_path, encoding="utf-8") as fh:
        options = config_to_options(fh.read(), cwd=os.path.dirname(os.path.abspath(config_path)))
    loaded = time.perf_counter()
    settings = options["settings"]
    set_chart_context("paper")
    os.makedirs(outdir, exist_ok=True)
    os.chdir(outdir)
    query_manager = QueryManager(jira, settings)
    results: dict[Any, Any] = {}
    calculators = [c(query_manager, settings, results) for c in CALCULATORS]
    seconds: dict[str, float] = {}
    for calculator in calculators:  # what run_calculators does, timed in its two passes
        began = time.perf_counter()
        results[type(calculator)] = calculator.run()
        seconds[type(calculator).__name__] = time.perf_counter() - began
    ran = time.perf_counter()
    if mode == "report":
        for calculator in calculators:
            try:
                calculator.write()
            except Exception as exc:  # the peer's own runner logs and goes on, so do we
                print(f"peer {type(calculator).__name__}.write failed: {exc!r}", file=sys.stderr)
    written = time.perf_counter()
    cycle = results[CycleTimeCalculator]
    days = {
        key: (None if ct != ct else int(ct.days))  # NaT is not equal to itself
        for key, ct in zip(cycle["key"], cycle["cycle_time"], strict=True)
    }
    print(
        json.dumps(
            {
                "import_s": _IMPORTED - _T0,
                "load_s": loaded - start,
                "run_s": ran - loaded,
                "write_s": written - ran,
                "calculators_s": seconds,
                "cycle_days": days,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:5])
