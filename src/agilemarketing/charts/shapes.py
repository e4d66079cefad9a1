"""What each chart reads from the result it draws, as typing Protocols.

The charts depend on these shapes only, never on the metric or forecast classes, so
:mod:`agilemarketing.charts` imports nothing from :mod:`agilemarketing.metrics` or
:mod:`agilemarketing.forecast` (they call into it). Every member is a read-only property: a
result's attribute of a narrower type (``NDArray[np.int64]``, a ``StrEnum``) fits it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from numpy.typing import NDArray

__all__ = [
    "AgeingLike",
    "BlockedLike",
    "BurnupLike",
    "CfdLike",
    "ClearanceLike",
    "ConfidenceCountLike",
    "ConfidenceDateLike",
    "CycleTimesLike",
    "CyclesLike",
    "FlowEfficiencyLike",
    "HowManyLike",
    "NetFlowLike",
    "RankedEntryLike",
    "RankedLike",
    "ServiceLevelLike",
    "ThroughputLike",
    "WhenLike",
    "WipBreachesLike",
    "WipLike",
    "XmrLike",
]

# --- Metric results -------------------------------------------------------------------------------


class CycleTimesLike(Protocol):
    """Finishing moments and cycle times (:class:`agilemarketing.metrics.CycleTimes`)."""

    def __len__(self) -> int: ...

    @property
    def done(self) -> NDArray[Any]: ...

    @property
    def calendar_days(self) -> NDArray[Any]: ...

    def percentiles(self, unit: str = ...) -> dict[int, float]: ...


class ThroughputLike(Protocol):
    """Weekly counts and their total (:class:`agilemarketing.metrics.Throughput`)."""

    @property
    def total(self) -> int: ...

    def weekly(self) -> tuple[NDArray[Any], NDArray[Any]]: ...


class NetFlowLike(Protocol):
    """Daily arrivals and departures (:class:`agilemarketing.metrics.NetFlow`)."""

    @property
    def days(self) -> NDArray[Any]: ...

    @property
    def arrivals(self) -> NDArray[Any]: ...

    @property
    def departures(self) -> NDArray[Any]: ...


class WipLike(Protocol):
    """Daily counts per stage (:class:`agilemarketing.metrics.Wip`)."""

    @property
    def days(self) -> NDArray[Any]: ...

    @property
    def per_stage(self) -> NDArray[Any]: ...

    @property
    def stages(self) -> tuple[str, ...]: ...


class CfdLike(Protocol):
    """Daily bands per stage (:class:`agilemarketing.metrics.CumulativeFlow`)."""

    @property
    def days(self) -> NDArray[Any]: ...

    @property
    def bands(self) -> NDArray[Any]: ...

    @property
    def stages(self) -> tuple[str, ...]: ...


class AgeingLike(Protocol):
    """Ages and stages of the items in progress (:class:`agilemarketing.metrics.AgeingWip`)."""

    @property
    def keys(self) -> NDArray[Any]: ...

    @property
    def stages(self) -> NDArray[Any]: ...

    @property
    def age_days(self) -> NDArray[Any]: ...

    @property
    def thresholds(self) -> Mapping[int, float]: ...

    @property
    def board(self) -> tuple[str, ...]: ...


class BurnupLike(Protocol):
    """Daily done and scope (:class:`agilemarketing.metrics.Burnup`)."""

    @property
    def days(self) -> NDArray[Any]: ...

    @property
    def done(self) -> NDArray[Any]: ...

    @property
    def scope(self) -> NDArray[Any]: ...


class CyclesLike(Protocol):
    """Per-cycle commitments and velocity (:class:`agilemarketing.metrics.CyclePredictability`)."""

    @property
    def names(self) -> tuple[str, ...]: ...

    @property
    def committed(self) -> NDArray[Any]: ...

    @property
    def completed(self) -> NDArray[Any]: ...

    @property
    def velocity(self) -> NDArray[Any]: ...

    @property
    def running(self) -> NDArray[Any]: ...

    @property
    def planned(self) -> NDArray[Any]: ...


class FlowEfficiencyLike(Protocol):
    """Per-item and overall efficiency (:class:`agilemarketing.metrics.FlowEfficiency`)."""

    @property
    def per_item(self) -> NDArray[Any]: ...

    @property
    def overall(self) -> float: ...


class BlockedLike(Protocol):
    """Blocked days per item (:class:`agilemarketing.metrics.BlockedTime`)."""

    @property
    def keys(self) -> NDArray[Any]: ...

    @property
    def blocked_days(self) -> NDArray[Any]: ...


class WipBreachesLike(Protocol):
    """Daily counts and maxima of limited stages (:class:`agilemarketing.metrics.WipBreaches`)."""

    @property
    def days(self) -> NDArray[Any]: ...

    @property
    def stages(self) -> tuple[str, ...]: ...

    @property
    def counts(self) -> NDArray[Any]: ...

    @property
    def maximum(self) -> NDArray[Any]: ...


class ServiceLevelLike(Protocol):
    """The SLE and the items in progress (:class:`agilemarketing.metrics.ServiceLevel`);
    ``str()`` of it is the SLE statement."""

    @property
    def days(self) -> float: ...

    @property
    def keys(self) -> NDArray[Any]: ...

    @property
    def age_days(self) -> NDArray[Any]: ...

    @property
    def status(self) -> NDArray[Any]: ...


class XmrLike(Protocol):
    """A series with its limits and signals (:class:`agilemarketing.metrics.ProcessBehaviour`)."""

    @property
    def label(self) -> str: ...

    @property
    def x(self) -> NDArray[Any]: ...

    @property
    def values(self) -> NDArray[Any]: ...

    @property
    def mean(self) -> float: ...

    @property
    def lower(self) -> float: ...

    @property
    def upper(self) -> float: ...

    @property
    def signals(self) -> NDArray[Any]: ...


# --- Forecast results -----------------------------------------------------------------------------


class ConfidenceDateLike(Protocol):
    """A confidence level and the date reached with it (``None``: not within the horizon)."""

    @property
    def confidence(self) -> float: ...

    @property
    def date(self) -> dt.date | None: ...


class ConfidenceCountLike(Protocol):
    """A confidence level and the item count reached with it."""

    @property
    def confidence(self) -> float: ...

    @property
    def items(self) -> int: ...


class WhenLike(Protocol):
    """A finishing-date distribution (:class:`agilemarketing.forecast.WhenForecast`)."""

    @property
    def items(self) -> int: ...

    @property
    def start(self) -> dt.date: ...

    @property
    def method(self) -> str: ...

    @property
    def probabilities(self) -> NDArray[Any]: ...

    @property
    def dates(self) -> NDArray[Any]: ...

    @property
    def percentiles(self) -> Sequence[ConfidenceDateLike]: ...

    @property
    def horizon_days(self) -> int: ...


class HowManyLike(Protocol):
    """An item-count distribution (:class:`agilemarketing.forecast.HowManyForecast`)."""

    @property
    def by(self) -> dt.date: ...

    @property
    def method(self) -> str: ...

    @property
    def probabilities(self) -> NDArray[Any]: ...

    @property
    def percentiles(self) -> Sequence[ConfidenceCountLike]: ...


class RankedEntryLike(Protocol):
    """One entry of a ranked list and its forecast."""

    @property
    def name(self) -> str: ...

    @property
    def forecast(self) -> WhenLike: ...


class RankedLike(Protocol):
    """A ranked list's forecasts (:class:`agilemarketing.forecast.RankedForecast`)."""

    @property
    def entries(self) -> Sequence[RankedEntryLike]: ...


class ClearanceLike(Protocol):
    """A backlog-clearance forecast (:class:`agilemarketing.forecast.ClearanceForecast`)."""

    @property
    def backlog(self) -> int: ...

    @property
    def never_clears(self) -> bool: ...

    @property
    def throughput_per_day(self) -> float: ...

    @property
    def arrivals_per_day(self) -> float | None: ...

    @property
    def probability_within_horizon(self) -> float: ...

    @property
    def forecast(self) -> WhenLike: ...
