"""What the report computes: :class:`ReportSettings`."""

from __future__ import annotations

from datetime import datetime

import attrs

from agilemarketing.flow import FlowPolicy
from agilemarketing.metrics import Window
from agilemarketing.workdays import WorkCalendar

__all__ = ["ReportSettings"]


def _window(value: Window | None) -> Window:
    return Window.last(weeks=12) if value is None else value


@attrs.frozen
class ReportSettings:
    """What the report computes.

    Args:
        title: the page title.
        calendar: the team's calendar (time zone, working days); default every day, UTC.
            With working days, forecasts resample working days and count in them.
        window: the past days forecasts resample (default the last 12 weeks).
        horizon_days: "how many items in the next ``horizon_days`` days?".
        items: "when will the next ``items`` items be done?"; default the work in progress.
        campaign_prefix: labels that name campaigns (``campaign:spring-launch``); their open
            items, in backlog rank order, make the ranked forecast.
        trials: Monte Carlo trials per forecast.
        seed: the forecasts' random seed (the same data gives the same report).
        sle_percentile: the percentile of the service level expectation.
        as_of: the moment the report describes (default the latest timestamp in the data).
        policy: how the flow log treats messy histories, e.g. backward moves
            (:class:`~agilemarketing.flow.FlowPolicy`).
    """

    title: str = "Flow report"
    calendar: WorkCalendar | None = None
    window: Window = attrs.field(default=None, converter=_window)
    horizon_days: int = 42
    items: int | None = None
    campaign_prefix: str = "campaign:"
    trials: int = 10_000
    seed: int = 2026
    sle_percentile: int = 85
    as_of: datetime | None = None
    policy: FlowPolicy = attrs.field(factory=FlowPolicy)
