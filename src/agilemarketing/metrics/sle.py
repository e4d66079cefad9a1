"""The service level expectation ("85% of items done within 8 days") and each item in
progress's risk of missing it.

>>> from agilemarketing.flow import FlowLog
>>> str(service_level(FlowLog.example()))
'85% of items done within 8 days'
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from agilemarketing import charts
from agilemarketing._display import Summary, summary
from agilemarketing.errors import InvalidValue
from agilemarketing.extras import require_pandas
from agilemarketing.flow import FlowLog
from agilemarketing.metrics.ageing import AgeingWip, ageing_wip
from agilemarketing.metrics.arrays import FloatArray, IntArray, json_number
from agilemarketing.metrics.cycle_time import CycleTimes, cycle_times
from agilemarketing.metrics.percentile import percentiles
from agilemarketing.workdays import WorkCalendar

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Risk", "ServiceLevel", "service_level"]


class Risk(enum.StrEnum):
    """How an item in progress stands against the service level expectation.

    >>> str(Risk.AT_RISK)
    'at risk'
    """

    ON_TRACK = "on track"
    AT_RISK = "at risk"
    BREACHED = "breached"


@attrs.frozen(eq=False)
class ServiceLevel:
    """ "``percentile`` % of items finish within ``days`` calendar days" and each item in
    progress's risk of missing it.

    ``risk[i]`` is the share of past items that, having reached item ``i``'s age, went on past
    the SLE (the empirical conditional probability); 1 once the age is beyond the SLE.

    >>> [str(s) for s in service_level(FlowLog.example()).status]
    ['on track']
    """

    percentile: int
    days: float
    derived: bool
    hit_rate: float
    keys: npt.NDArray[np.str_]
    age_days: IntArray
    risk: FloatArray

    @property
    def status(self) -> npt.NDArray[np.object_]:
        """On track (risk < 0.5), at risk, or breached (a :class:`Risk`), per item in progress."""
        on_track, at_risk, breached = range(3)  # the order of Risk
        pick = np.where(
            self.age_days > self.days, breached, np.where(self.risk >= 0.5, at_risk, on_track)
        )
        return np.array(list(Risk), dtype=object)[pick]

    def __str__(self) -> str:
        if not np.isfinite(self.days):
            return (
                f"no {self.percentile}% service level expectation yet: no finished item has a "
                "cycle time"
            )
        return f"{self.percentile}% of items done within {self.days:g} days"

    def to_dict(self) -> dict[str, Any]:
        """The SLE, its hit rate and each item's risk, see docs/metrics.md."""
        return {
            "statement": str(self),
            "percentile": self.percentile,
            "days": json_number(self.days),
            "derived": self.derived,
            "hit_rate": json_number(self.hit_rate),
            "items": [
                {"key": k, "age_days": int(a), "risk": json_number(r), "status": str(s)}
                for k, a, r, s in zip(
                    self.keys.tolist(),
                    self.age_days.tolist(),
                    self.risk.tolist(),
                    self.status.tolist(),
                    strict=True,
                )
            ],
        }

    def to_pandas(self) -> pd.DataFrame:
        """One row per item in progress."""
        require_pandas()
        import pandas as pd

        return pd.DataFrame(
            {
                "key": self.keys,
                "age_days": self.age_days,
                "risk": self.risk,
                "status": [str(s) for s in self.status.tolist()],
            }
        )

    def plot(self, ax: Any = None) -> Any:
        """Ages of items in progress against the SLE, coloured by risk."""
        return charts.plot_service_level(self, ax)

    def _summary(self) -> Summary:
        status = [str(s) for s in self.status.tolist()]
        order = np.argsort(-np.nan_to_num(self.risk, nan=-1.0), kind="stable")
        hit = "-" if np.isnan(self.hit_rate) else f"{self.hit_rate:.0%}"
        return summary(
            "ServiceLevel",
            [
                str(self),
                "derived from past cycle times" if self.derived else "given",
                f"met by {hit} of past items",
                f"{status.count('at risk'):,} at risk, {status.count('breached'):,} breached",
            ],
            ["item (riskiest first)", "age days", "risk", "status"],
            ((self.keys[i], self.age_days[i], f"{self.risk[i]:.0%}", status[i]) for i in order),
            total=len(order),
        )

    def __repr__(self) -> str:
        return self._summary().line()

    def _repr_html_(self) -> str:
        return self._summary().html()


def service_level(
    log: FlowLog,
    *,
    percentile: int = 85,
    days: float | None = None,
    calendar: WorkCalendar | None = None,
    history: CycleTimes | None = None,
    ageing: AgeingWip | None = None,
) -> ServiceLevel:
    """The service level expectation (given, or derived from past cycle times in calendar days)
    with the risk of every item in progress. ``history`` and ``ageing`` reuse results already
    computed with the same calendar.

    >>> sle = service_level(FlowLog.example())
    >>> str(sle), sle.keys.tolist(), sle.risk.tolist()
    ('85% of items done within 8 days', ['C'], [0.0])
    """
    if not 0 < percentile < 100:
        raise InvalidValue(
            "the SLE percentile must be between 0 and 100",
            where="service_level",
            fix="use e.g. 85",
            value=percentile,
        )
    ct = history if history is not None else cycle_times(log, calendar=calendar)
    past = np.sort(ct.calendar_days.astype(np.float64))
    derived = days is None
    target = percentiles(past, (percentile,))[percentile] if days is None else float(days)
    hit = float((past <= target).mean()) if past.size else float("nan")
    age = ageing if ageing is not None else ageing_wip(log, calendar=calendar, history=ct)
    # P(CT > target | CT >= age) from the finished items.
    reached = past.size - np.searchsorted(past, age.age_days, side="left")
    beyond = past.size - np.searchsorted(past, target, side="right")
    with np.errstate(invalid="ignore", divide="ignore"):
        risk = np.where(reached > 0, beyond / np.maximum(reached, 1), 1.0)
    risk = np.where(age.age_days > target, 1.0, np.minimum(risk, 1.0))
    return ServiceLevel(percentile, target, derived, hit, age.keys, age.age_days, risk)
