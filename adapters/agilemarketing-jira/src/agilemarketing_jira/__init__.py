"""agilemarketing-jira: Jira Cloud and Data Center as an agilemarketing adapter.

The :class:`~agilemarketing_jira.adapter.JiraAdapter` (``jira:https://<site>?project=<KEY>``)
reads issues with their complete history (status changes, Flagged periods, sprints, rank) and
writes changes back idempotently; :func:`~agilemarketing_jira.board.read_board_configuration`
describes a board (columns as stages, WIP limits, sprints as cycles).
"""

from agilemarketing_jira.adapter import JiraAdapter

__all__ = ["JiraAdapter"]
