"""The agilemarketing plugin of this distribution (entry point ``jira`` in the ``agilemarketing``
group): it registers the ``jira`` adapter.

>>> [adapter.name for adapter in register_adapters()]
['jira']
"""

from __future__ import annotations

from collections.abc import Sequence

from agilemarketing.adapter import Adapter
from agilemarketing.hookspecs import hookimpl
from agilemarketing_jira.adapter import JiraAdapter

__all__ = ["register_adapters"]


@hookimpl
def register_adapters() -> Sequence[type[Adapter]]:
    """The Jira adapter: ``jira:https://<site>?project=<KEY>``."""
    return [JiraAdapter]
