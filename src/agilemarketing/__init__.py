"""agilemarketing: the backlog, planning practices, flow metrics and forecasts of agile marketing.

The public API is re-exported here; every name lives in a module named after its domain noun.
"""

from agilemarketing.errors import AgileMarketingError, AntiMetricError, InvalidInputGroup
from agilemarketing.history import BlockedPeriod, ItemHistory, Transition
from agilemarketing.items import CustomerStory, Size, SizeUnit, TShirt, WorkItem
from agilemarketing.workflow import Stage, StageCategory, WipLimit, Workflow

__version__ = "0.1.0"

__all__ = [
    "AgileMarketingError",
    "AntiMetricError",
    "BlockedPeriod",
    "CustomerStory",
    "InvalidInputGroup",
    "ItemHistory",
    "Size",
    "SizeUnit",
    "Stage",
    "StageCategory",
    "TShirt",
    "Transition",
    "WipLimit",
    "WorkItem",
    "Workflow",
    "__version__",
]
