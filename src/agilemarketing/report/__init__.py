"""The flow report: every metric and forecast of a board, as files a person can open offline.

:meth:`FlowReport.build` reads histories (a history JSON Lines file, an adapter URL such as
``mirror:team.db``, a :class:`~agilemarketing.historyio.HistoryTable` or item histories),
builds the :class:`~agilemarketing.flow.FlowLog`, computes every metric
(:class:`~agilemarketing.metrics.FlowMetrics`) and the forecasts of
:mod:`agilemarketing.forecast`. :meth:`FlowReport.write` then writes, atomically (into a
temporary directory renamed into place, so a reader never sees half a report):

- ``report.html``: one self-contained page (CSS inline, charts embedded as base64 PNG, no
  external URL) with a summary, data quality, cycle time, throughput, CFD, WIP and ageing,
  burnup, predictability per cycle, flow efficiency, the SLE, XmR charts, forecasts (backlog
  clearance included) and what the report does not measure, and why;
- ``metrics.json``: every number (schema ``agilemarketing.report/1``, see docs/report.md);
- ``tables/*.csv``: one CSV per table; ``charts/*.png``: every chart.

Charts and tables need the ``charts`` and ``pandas`` extras.

The package holds :mod:`~agilemarketing.report.flowreport` (the :class:`FlowReport`),
:mod:`~agilemarketing.report.sources` (reading histories), :mod:`~agilemarketing.report.settings`,
:mod:`~agilemarketing.report.forecasts`, :mod:`~agilemarketing.report.files` (the directory,
written atomically), :mod:`~agilemarketing.report.page` (the HTML page, with its building blocks
in :mod:`~agilemarketing.report.html` and :mod:`~agilemarketing.report.formats`) and the page's
stylesheet, the package file ``report.css``.

>>> from agilemarketing.simulate import simulate_board
>>> board = simulate_board(items=120, seed=4)
>>> report = FlowReport.build(board.table, board.workflow, settings=ReportSettings(trials=2000))
>>> report.to_dict()["schema"], report.forecasts.how_many is not None
('agilemarketing.report/1', True)
"""

from __future__ import annotations

from agilemarketing.report.boards import load_board, load_done_states
from agilemarketing.report.files import SCHEMA, ReportFiles
from agilemarketing.report.flowreport import FlowReport
from agilemarketing.report.forecasts import ReportForecasts, open_campaigns, throughput_sample
from agilemarketing.report.page import SECTIONS
from agilemarketing.report.settings import ReportSettings
from agilemarketing.report.sources import load_history

__all__ = [
    "SCHEMA",
    "SECTIONS",
    "FlowReport",
    "ReportFiles",
    "ReportForecasts",
    "ReportSettings",
    "load_board",
    "load_done_states",
    "load_history",
    "open_campaigns",
    "throughput_sample",
]

"""The old private name of :func:`agilemarketing.report.sources.as_table` (showcase.py uses it)."""
