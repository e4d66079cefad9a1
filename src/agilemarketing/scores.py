"""A prioritiser's :class:`Score` (a number and why), and numbers as explanations write them."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing.validators import number

__all__ = ["Score", "number_text"]


def number_text(value: float) -> str:
    """A number for an explanation: whole numbers plainly, others to about 4 significant digits.

    >>> [number_text(v) for v in (800.0, 7.3333, 12345.678, 0.25, 2.5e9)]
    ['800', '7.333', '12345.7', '0.25', '2500000000']
    """
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.1f}"


def _float_map(value: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise InvalidValue(
            "expected a mapping of input name to number",
            where="Score.inputs",
            fix='give e.g. {"reach": 800.0}',
            value=type(value).__name__,
        )
    return {str(k): number(f"Score.inputs[{k!r}]")(v) for k, v in value.items()}


@attrs.frozen
class Score:
    """A prioritiser's verdict on one item: a number (higher ranks first) and why.

    Attributes:
        value: the score; higher means more important.
        explanation: the calculation in words, e.g.
            ``"RICE = reach 2000 x impact 2 x confidence 80% / effort 4 = 800"``.
        prioritiser: the prioritiser's ``name``.
        inputs: the numbers the score was computed from, by field name.
        label: a category, where the method has one (the MoSCoW category, a value/effort
            quadrant), else ``None``.

    >>> Score(800.0, "RICE = ... = 800", "rice", {"reach": 2000.0}).value
    800.0
    """

    value: float
    explanation: str
    prioritiser: str
    inputs: Mapping[str, float] = attrs.field(factory=dict, converter=_float_map)
    label: str | None = None

    def __str__(self) -> str:
        return self.explanation
