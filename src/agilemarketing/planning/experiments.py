"""Experiments: test small, learn, then scale, with success criteria set up front.

An :class:`Experiment` (a campaign, an outreach, a landing-page test) gets its
:class:`SuccessCriterion` s before it starts: a metric, a threshold ("at least 50 qualified
leads") and an evaluation window. Recording results and evaluating them yields a
:class:`Decision`: **stop** when a criterion is not met once its window closes ("mission
aborted", a good decision that is recorded as learning), **scale** when every criterion is met
(and reaches its ``scale_at`` level if one is set), **continue** otherwise.

>>> from datetime import datetime, UTC
>>> outreach = Experiment(
...     "EXP-1", "LinkedIn micro-outreach",
...     criteria=[SuccessCriterion.parse("at least 10 replies within 7 days")],
...     started_at=datetime(2026, 4, 6, tzinfo=UTC),
... )
>>> outreach.record("replies", 14, at=datetime(2026, 4, 13, tzinfo=UTC))
>>> outreach.evaluate(datetime(2026, 4, 13, tzinfo=UTC)).decision
<Decision.SCALE: 'scale'>
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from agilemarketing.errors import AlreadyDecided, InvalidValue, NotFound
from agilemarketing.utc import ensure_utc
from agilemarketing.validators import Choices, number, optional_number, sequence, stripped

__all__ = [
    "Comparison",
    "CriterionResult",
    "Decision",
    "Evaluation",
    "Experiment",
    "ExperimentDecision",
    "Measurement",
    "SuccessCriterion",
    "summarise",
]


class Comparison(Choices):
    """Which side of the threshold is success."""

    AT_LEAST = "at least"
    AT_MOST = "at most"


class Decision(Choices):
    """What to do with an experiment after looking at its results."""

    STOP = "stop"
    CONTINUE = "continue"
    SCALE = "scale"


_CRITERION = re.compile(
    r"^\s*(?P<cmp>at\s+least|at\s+most|>=|<=|≥|≤|min(?:imum)?|max(?:imum)?)?\s*"
    r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<pct>%)?\s+(?P<metric>.+?)"
    r"(?:\s+(?:within|in|over)\s+(?P<n>\d+)\s+(?P<unit>days?|weeks?))?\s*\.?\s*$",
    re.I,
)


def _positive_window(instance: Any, attribute: attrs.Attribute[Any], value: timedelta) -> None:
    if value <= timedelta(0):
        raise InvalidValue(
            "the evaluation window must be longer than zero",
            where="SuccessCriterion.window",
            fix="give the days after launch when the result is judged, e.g. 7",
            value=value,
        )


_DAYS = number("SuccessCriterion.window", finite=True, fix="give days after launch, e.g. 7")


def _days(value: Any) -> float:
    return _DAYS(value)


def _window(value: timedelta | float) -> timedelta:
    if isinstance(value, timedelta):
        return value
    days = _days(value)
    if abs(days) > 36_500:
        raise InvalidValue(
            "the evaluation window is longer than a century",
            where="SuccessCriterion.window",
            fix="give days after launch, e.g. 7",
            value=days,
        )
    return timedelta(days=days)


_SUCCESSCRITERION_THRESHOLD = number(
    "SuccessCriterion.threshold", finite=True, fix="give a number, e.g. 50"
)


def _successcriterion_threshold(value: Any) -> float:
    return _SUCCESSCRITERION_THRESHOLD(value)


_SUCCESSCRITERION_SCALE_AT = optional_number(
    "SuccessCriterion.scale_at",
    finite=True,
    fix="give the scale-up bar as a number, or leave it out",
)


def _successcriterion_scale_at(value: Any) -> float | None:
    return _SUCCESSCRITERION_SCALE_AT(value)


@attrs.frozen
class SuccessCriterion:
    """A metric, a threshold and the window after launch in which it is judged.

    ``scale_at`` optionally sets a higher bar (lower for ``at most``) for scaling up; between
    the threshold and ``scale_at`` the decision is to continue.

    >>> c = SuccessCriterion("qualified leads", 50, window=14)
    >>> str(c), c.met(49), c.met(50)
    ('at least 50 qualified leads within 14 days', False, True)
    """

    metric: str = attrs.field(converter=stripped)
    threshold: float = attrs.field(converter=_successcriterion_threshold)
    comparison: Comparison = attrs.field(default=Comparison.AT_LEAST, converter=Comparison)
    window: timedelta = attrs.field(
        default=timedelta(days=7), converter=_window, validator=_positive_window
    )
    scale_at: float | None = attrs.field(
        default=None,
        converter=_successcriterion_scale_at,
    )  # fmt: skip

    def __attrs_post_init__(self) -> None:
        if not self.metric:
            raise InvalidValue(
                "a success criterion names its metric",
                where="SuccessCriterion",
                fix='name what is counted, e.g. "qualified leads"',
            )
        if self.threshold != self.threshold or (
            self.scale_at is not None and not self.met(self.scale_at)
        ):
            raise InvalidValue(
                f"scale_at must be on the success side of the threshold ({self.comparison} "
                f"{self.threshold:g})",
                where=f"success criterion {self.metric!r}",
                fix="set scale_at beyond the threshold, or leave it out",
                value=self.scale_at,
            )

    @classmethod
    def parse(cls, text: str) -> SuccessCriterion:
        """Read a criterion written the way people say it.

        >>> SuccessCriterion.parse("at least 50 qualified new leads within 2 weeks").window.days
        14
        >>> SuccessCriterion.parse("at most 40 EUR cost per lead").comparison
        <Comparison.AT_MOST: 'at most'>

        Raises:
            InvalidValue: the text holds no number and metric ("more leads" is not measurable).
        """
        match = _CRITERION.match(text) if isinstance(text, str) else None
        if not match:
            raise InvalidValue(
                "not a measurable success criterion",
                where="SuccessCriterion.parse",
                fix='write a number and what it counts, e.g. "at least 50 qualified leads '
                'within 30 days"',
                value=text,
            )
        word = (match.group("cmp") or "at least").lower()
        comparison = (
            Comparison.AT_MOST
            if word in {"at most", "<=", "≤", "max", "maximum"} or word.startswith("at most")
            else Comparison.AT_LEAST
        )
        number = float(match.group("num").replace(",", "."))
        metric = match.group("metric").strip()
        if match.group("pct"):
            metric = f"% {metric}"
        window = timedelta(days=7)
        if match.group("n"):
            days = int(match.group("n"))
            window = timedelta(
                days=days * (7 if match.group("unit").lower().startswith("week") else 1)
            )
        return cls(metric, number, comparison, window)

    def met(self, value: float) -> bool:
        """Whether ``value`` is on the success side of the threshold."""
        if self.comparison is Comparison.AT_LEAST:
            return value >= self.threshold
        return value <= self.threshold

    def scales(self, value: float) -> bool:
        """Whether ``value`` reaches the scale-up bar (the threshold when none is set)."""
        if self.scale_at is None:
            return self.met(value)
        if self.comparison is Comparison.AT_LEAST:
            return value >= self.scale_at
        return value <= self.scale_at

    def __str__(self) -> str:
        days = self.window / timedelta(days=1)
        return f"{self.comparison} {self.threshold:g} {self.metric} within {days:g} days"


_MEASUREMENT_VALUE = number(
    "Measurement.value", finite=True, fix="record the metric's value so far as a number, e.g. 14"
)


def _measurement_value(value: Any) -> float:
    return _MEASUREMENT_VALUE(value)


@attrs.frozen
class Measurement:
    """A result observed at a moment: the metric's value so far (cumulative)."""

    metric: str
    value: float = attrs.field(
        converter=_measurement_value
    )  # fmt: skip
    at: datetime = attrs.field(converter=ensure_utc)


@attrs.frozen
class CriterionResult:
    """How one criterion stands at an evaluation.

    Attributes:
        criterion: the criterion.
        value: the latest value in the window (None when nothing was recorded).
        closed: whether its window has ended.
        met: whether the value meets the threshold.
    """

    criterion: SuccessCriterion
    value: float | None
    closed: bool
    met: bool

    def __str__(self) -> str:
        got = "no result" if self.value is None else f"{self.value:g}"
        state = "met" if self.met else ("missed" if self.closed else "open")
        return f"{self.criterion.metric}: {got} ({self.criterion}; {state})"


@attrs.frozen
class Evaluation:
    """The results against the criteria at one moment, and the decision they imply."""

    experiment: str
    at: datetime
    results: tuple[CriterionResult, ...]
    decision: Decision

    @property
    def reason(self) -> str:
        """Why this decision, in one sentence."""
        if self.decision is Decision.STOP:
            missed = [r for r in self.results if r.closed and not r.met]
            return "mission aborted: " + "; ".join(str(r) for r in missed)
        if self.decision is Decision.SCALE:
            return "every success criterion is met: " + "; ".join(str(r) for r in self.results)
        return "keep going: " + "; ".join(str(r) for r in self.results)


@attrs.frozen
class ExperimentDecision:
    """A recorded decision with who took it, when, and what was learned."""

    experiment: str
    decision: Decision
    by: str
    at: datetime
    learning: str
    evaluation: Evaluation


def _criteria(value: Iterable[SuccessCriterion | str]) -> tuple[SuccessCriterion, ...]:
    given = sequence(value, "Experiment.criteria", fix='give criteria such as ["at least 50 '
                     'qualified leads within 30 days"]')  # fmt: skip
    return tuple(v if isinstance(v, SuccessCriterion) else SuccessCriterion.parse(v) for v in given)


def _up_front(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> Any:
    """on_setattr: what an experiment is judged by cannot change once results are in."""
    recorded = instance._measurements or instance._decisions
    if recorded:
        first = min([m.at for m in instance._measurements] + [d.at for d in instance._decisions])
        raise AlreadyDecided(
            f"experiment {instance.key}, {attribute.name}",
            decision=f"success criteria are fixed up front; results are recorded since "
            f"{first.isoformat()}",
            fix="start a new experiment with the new criteria (Experiment(...)), and keep this "
            "one's results as they are",
        )
    return value


_FROZEN_ONCE_RESULTS = attrs.setters.pipe(_up_front, attrs.setters.convert, attrs.setters.validate)


@attrs.define
class Experiment:
    """A small, measured test of a tactic; decided by its up-front success criteria.

    ``criteria`` (at least one, metric names unique) and ``started_at`` are frozen once a
    result or a decision is recorded: success is defined before the results are in, and a
    new experiment is the way to change it (assigning them then raises
    :class:`~agilemarketing.errors.AlreadyDecided`). ``decide`` records stop / continue /
    scale; stop and scale close the experiment, continue opens a new evaluation window from
    that moment.

    >>> from datetime import datetime, UTC
    >>> cold = Experiment("EXP-0", "Cold outreach to 2nd-degree contacts",
    ...                   ["at least 20 replies within 7 days"],
    ...                   started_at=datetime(2026, 3, 2, tzinfo=UTC))
    >>> cold.record("replies", 3, at=datetime(2026, 3, 9, tzinfo=UTC))
    >>> d = cold.decide("team", at=datetime(2026, 3, 9, tzinfo=UTC),
    ...                 learning="senior marketers ignore cold messages")
    >>> d.decision, cold.status
    (<Decision.STOP: 'stop'>, 'stopped')
    """

    key: str = attrs.field(converter=stripped)
    name: str = attrs.field(converter=stripped)
    criteria: tuple[SuccessCriterion, ...] = attrs.field(
        converter=_criteria, on_setattr=_FROZEN_ONCE_RESULTS
    )
    started_at: datetime = attrs.field(converter=ensure_utc, on_setattr=_FROZEN_ONCE_RESULTS)
    hypothesis: str = ""
    outcome: str | None = None
    _measurements: list[Measurement] = attrs.field(factory=list, alias="measurements")
    _decisions: list[ExperimentDecision] = attrs.field(factory=list, alias="decisions")

    @criteria.validator
    def _check_criteria(
        self, attribute: attrs.Attribute[Any], value: tuple[SuccessCriterion, ...]
    ) -> None:
        if not value:
            raise InvalidValue(
                "an experiment needs its success criteria up front",
                where=f"experiment {self.key}",
                fix='add at least one, e.g. "at least 50 qualified leads within 30 days"',
            )
        names = [c.metric.casefold() for c in value]
        repeated = [c.metric for n, c in enumerate(value) if names.index(names[n]) < n]
        if repeated:
            raise InvalidValue(
                f"two criteria measure the same metric ({', '.join(map(repr, repeated))})",
                where=f"experiment {self.key}",
                fix="keep one criterion per metric",
            )

    @property
    def measurements(self) -> tuple[Measurement, ...]:
        """Every recorded result, in the order recorded."""
        return tuple(self._measurements)

    @property
    def decisions(self) -> tuple[ExperimentDecision, ...]:
        """Every decision taken, oldest first."""
        return tuple(self._decisions)

    @property
    def closed(self) -> bool:
        """True once stopped or scaled."""
        return any(d.decision is not Decision.CONTINUE for d in self._decisions)

    @property
    def status(self) -> str:
        """``running``, ``stopped`` or ``scaled``."""
        for d in reversed(self._decisions):
            if d.decision is Decision.STOP:
                return "stopped"
            if d.decision is Decision.SCALE:
                return "scaled"
        return "running"

    @property
    def window_start(self) -> datetime:
        """When the current evaluation window began (the start, or the last "continue")."""
        starts = [d.at for d in self._decisions if d.decision is Decision.CONTINUE]
        return starts[-1] if starts else self.started_at

    def _criterion(self, metric: str) -> SuccessCriterion:
        for c in self.criteria:
            if c.metric.casefold() == metric.strip().casefold():
                return c
        raise NotFound(
            "metric",
            metric,
            where=f"experiment {self.key}",
            fix=f"record one of {', '.join(c.metric for c in self.criteria)} (criteria are set "
            "up front)",
        )

    def record(self, metric: str, value: float, *, at: datetime | str) -> None:
        """Record the metric's value so far at ``at`` (not before the start)."""
        if self.closed:
            raise AlreadyDecided(
                f"experiment {self.key}",
                decision=self.status,
                fix="start a follow-up experiment for new results",
            )
        criterion = self._criterion(metric)
        measurement = Measurement(criterion.metric, value, at)
        if measurement.at < self.started_at:
            raise InvalidValue(
                "a result cannot come before the experiment started",
                where=f"experiment {self.key}",
                fix=f"record results after {self.started_at.isoformat()}",
                value=measurement.at.isoformat(),
            )
        self._measurements.append(measurement)

    def evaluate(self, at: datetime | str) -> Evaluation:
        """The results against every criterion at ``at`` and the decision they imply.

        A criterion whose window has closed and is not met means **stop**; when every window
        has closed and every criterion is met (and reaches ``scale_at``), **scale**; otherwise
        **continue**.
        """
        when = ensure_utc(at)
        continues = [
            d.at for d in self._decisions if d.decision is Decision.CONTINUE and d.at <= when
        ]
        start = continues[-1] if continues else self.started_at
        results: list[CriterionResult] = []
        for c in self.criteria:
            seen = [m for m in self._measurements if m.metric == c.metric and start <= m.at <= when]
            value = max(seen, key=lambda m: m.at).value if seen else None
            closed = when >= start + c.window
            results.append(CriterionResult(c, value, closed, value is not None and c.met(value)))
        if any(r.closed and not r.met for r in results):
            decision = Decision.STOP
        elif all(r.closed for r in results) and all(
            r.value is not None and r.criterion.scales(r.value) for r in results
        ):
            decision = Decision.SCALE
        else:
            decision = Decision.CONTINUE
        return Evaluation(self.key, when, tuple(results), decision)

    def decide(
        self,
        by: str,
        *,
        at: datetime | str,
        learning: str = "",
        decision: Decision | str | None = None,
    ) -> ExperimentDecision:
        """Record the decision (by default the one :meth:`evaluate` implies) and its learning.

        Stopping needs a ``learning``: a stopped campaign is a result, not a failure, and what
        it taught is the point of having run it. A decision that goes against the evaluation
        (say, scaling while a criterion is missed) is refused: the criteria were agreed first.
        """
        if self.closed:
            raise AlreadyDecided(f"experiment {self.key}", decision=self.status)
        evaluation = self.evaluate(at)
        chosen = evaluation.decision if decision is None else Decision(decision)
        allowed = {
            Decision.STOP: {Decision.STOP},
            Decision.CONTINUE: {Decision.CONTINUE, Decision.STOP},
            Decision.SCALE: {Decision.SCALE, Decision.CONTINUE, Decision.STOP},
        }[evaluation.decision]
        if chosen not in allowed:
            raise InvalidValue(
                f"cannot {chosen} when the results say {evaluation.decision}",
                where=f"experiment {self.key}",
                fix=evaluation.reason,
            )
        if chosen is Decision.STOP and not learning.strip():
            raise InvalidValue(
                "stopping is a good decision; record what it taught",
                where=f"experiment {self.key}",
                fix='pass learning="..." (e.g. "cold messages to large firms get no replies")',
            )
        record = ExperimentDecision(
            self.key, chosen, stripped(by), evaluation.at, learning.strip(), evaluation
        )
        self._decisions.append(record)
        return record

    def status_line(self, at: datetime | str) -> str:
        """One line for a showcase: where the experiment stood at ``at``.

        Decisions taken after ``at`` are not known yet at that moment, so a showcase of an
        earlier cycle shows the experiment as it was then.
        """
        when = ensure_utc(at)
        for d in self._decisions:
            if d.at <= when and d.decision is not Decision.CONTINUE:
                status = "stopped" if d.decision is Decision.STOP else "scaled"
                return f"{self.name}: {status} ({d.evaluation.reason})"
        evaluation = self.evaluate(when)
        return f"{self.name}: running; " + "; ".join(str(r) for r in evaluation.results)


def summarise(experiments: Sequence[Experiment] | Mapping[str, Experiment]) -> str:
    """A Markdown summary of the decisions taken and what each taught.

    >>> from datetime import datetime, UTC
    >>> e = Experiment("E1", "Video teaser", ["at least 5 demo requests within 7 days"],
    ...                started_at=datetime(2026, 4, 1, tzinfo=UTC))
    >>> e.record("demo requests", 2, at="2026-04-08T00:00:00Z")
    >>> _ = e.decide("team", at="2026-04-08T00:00:00Z", learning="teasers need a clear offer")
    >>> print(summarise([e]))
    - **Video teaser**: stop (mission aborted: demo requests: 2 (at least 5 demo requests within 7 days; missed)). Learning: teasers need a clear offer
    """  # noqa: E501
    items = list(experiments.values()) if isinstance(experiments, Mapping) else list(experiments)
    lines: list[str] = []
    for e in items:
        if not e.decisions:
            lines.append(f"- **{e.name}**: running, no decision yet")
            continue
        for d in e.decisions:
            text = f"- **{e.name}**: {d.decision}"
            if d.decision is Decision.STOP:
                text += f" ({d.evaluation.reason})"
            if d.learning:
                text += f". Learning: {d.learning}"
            lines.append(text)
    return "\n".join(lines)
