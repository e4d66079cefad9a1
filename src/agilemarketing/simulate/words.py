"""The words of the simulated marketing board: item summaries from templates per type, filled
with topics, customers, events, campaigns and months.

>>> import numpy as np
>>> rng = np.random.default_rng(8)
>>> created = np.array(["2026-05-04"], dtype="datetime64[D]")
>>> summaries(rng, np.array([2]), np.array(["Spring launch"]), created)
['Newsletter: May edition']
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

__all__ = ["summaries"]

_TOPICS = (
    "choosing a CRM",
    "pricing transparency",
    "onboarding in ten minutes",
    "data privacy for small teams",
    "marketing automation ROI",
    "customer retention",
    "AI in customer service",
    "the spring product update",
    "the integrations roadmap",
    "switching from spreadsheets",
)
_CUSTOMERS = (
    "Nordlicht Bakery",
    "Kowalski Logistics",
    "Greenleaf Clinics",
    "Atlas Tooling",
    "Bright Harbor Bank",
)
_EVENTS = ("SaaS Connect Berlin", "Retail Summit Warsaw", "Partner Day", "Customer Advisory Board")
_TEMPLATES = (
    (
        "{campaign}: campaign brief and landing page",
        "{campaign}: paid search ads",
        "{campaign}: launch plan and channel mix",
    ),
    (
        "Blog post: {topic}",
        "Case study: {customer}",
        "Whitepaper chapter: {topic}",
        "Infographic: {topic}",
        "Video script: {topic}",
    ),
    (
        "Nurture email: {topic}",
        "Newsletter: {month} edition",
        "Webinar invitation: {topic}",
        "Re-engagement email for lapsed trial users",
    ),
    (
        "{event}: booth design and staffing",
        "{event}: follow-up email sequence",
        "Webinar: {topic}",
    ),
    (
        "LinkedIn carousel: {topic}",
        "Instagram stories: {campaign}",
        "Customer quote cards: {customer}",
        "Short video teaser: {campaign}",
    ),
)


def summaries(
    rng: np.random.Generator,
    kind: NDArray[np.int64],
    campaigns: NDArray[np.str_],
    created: NDArray[np.datetime64],
) -> list[str]:
    """One summary per item: a template of its type (``kind``) filled in."""
    n = kind.size
    pick = rng.integers(0, 1 << 30, n)
    topics = rng.integers(0, len(_TOPICS), n)
    customers = rng.integers(0, len(_CUSTOMERS), n)
    events = rng.integers(0, len(_EVENTS), n)
    month_names = [
        datetime(2000, m + 1, 1, tzinfo=UTC).strftime("%B")
        for m in (created.astype("datetime64[M]").astype(np.int64) % 12).tolist()
    ]
    return [
        _TEMPLATES[k][p % len(_TEMPLATES[k])].format(
            campaign=campaign,
            topic=_TOPICS[t],
            customer=_CUSTOMERS[c],
            event=_EVENTS[e],
            month=month,
        )
        for k, p, t, c, e, campaign, month in zip(
            kind.tolist(),
            pick.tolist(),
            topics.tolist(),
            customers.tolist(),
            events.tolist(),
            campaigns.tolist(),
            month_names,
            strict=True,
        )
    ]
