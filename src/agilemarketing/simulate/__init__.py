"""Realistic, seeded, synthetic histories of an agile marketing board.

:func:`simulate_board` invents a year (or any span) of a marketing team's board: campaigns,
content, emails, events and social posts with marketing summaries, flowing through
*Backlog → Ready → In Progress → Waiting for Approval → Review → Done*, with what real boards
show:

- arrivals that vary over the year (a seasonal swell, a December lull, a burst of requests
  after every quarterly Collaborative Planning Workshop) and **scope added mid-way** (a
  competitor-response campaign, labelled ``scope-added``);
- labels ``campaign:<name>`` (two campaigns a quarter) and ``channel:<name>``, and a backlog
  rank (the new campaign's work first, then oldest first);
- fortnightly launch cycles: most work is pulled into *Ready* at cycle planning, some
  ad-hoc work mid-cycle (unplanned); cycle memberships and cycle windows are recorded;
- approvals as a waiting stage with a long tail, rework (*Review → In Progress*), blocked
  periods, abandoned work (*Won't Do*) and quarterly backlog pruning of stale requests;
- a backlog that grows, because some requests are never pulled (the five-year backlog).

Generation is vectorised with numpy (no Python loop per transition), so 100,000 items take a
second or two. The result is a :class:`~agilemarketing.historyio.HistoryTable` plus the
:class:`~agilemarketing.workflow.Workflow` it follows; :meth:`SimulatedBoard.write` saves both
as ``history.jsonl`` and ``workflow.toml``.

:func:`stress_board` is its dense sibling for performance work: about ten transitions per
item (back-and-forth moves, reopened items), so 100,000 items make about 1,000,000
transitions, the size the benchmarks and the flow report are measured at.

>>> board = simulate_board(items=60, seed=3)
>>> len(board.table), board.workflow.names[:3]
(60, ('Backlog', 'Ready', 'In Progress'))
>>> board.table.keys[0], board.table.summaries[0] != ""
(np.str_('MKT-1'), True)
>>> simulate_board(items=60, seed=3).table.tr_at.tolist() == board.table.tr_at.tolist()
True
"""

from __future__ import annotations

from agilemarketing.simulate.board import SimulatedBoard
from agilemarketing.simulate.marketing import STAGES, marketing_workflow, simulate_board
from agilemarketing.simulate.stress import stress_board

__all__ = ["STAGES", "SimulatedBoard", "marketing_workflow", "simulate_board", "stress_board"]
