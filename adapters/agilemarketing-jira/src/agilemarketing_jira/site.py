"""What the adapter learns about a Jira site once: Cloud or Data Center, the REST version to use,
the user's profile time zone (JQL dates are written in it) and the field map.

>>> site = Site.from_answers({"deploymentType": "Cloud"}, {"timeZone": "Europe/Berlin"},
...                          [], base="https://example.atlassian.net")
>>> site.cloud, site.api, str(site.zone)
(True, '/rest/api/3', 'Europe/Berlin')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from agilemarketing.errors import InvalidValue
from agilemarketing_jira.fields import FieldMap, discover_fields

__all__ = ["Site"]


@attrs.frozen
class Site:
    """A Jira site as the adapter sees it.

    Attributes:
        base: the site's base URL.
        cloud: True for Jira Cloud (``deploymentType`` ``Cloud``), False for Data Center/Server.
        zone: the user's profile time zone.
        fields: which fields hold what.
        version: the server's version numbers.
    """

    base: str
    cloud: bool
    zone: ZoneInfo
    fields: FieldMap
    version: tuple[int, ...] = ()

    @property
    def api(self) -> str:
        """The REST path prefix: ``/rest/api/3`` on Cloud, ``/rest/api/2`` on Data Center."""
        return "/rest/api/3" if self.cloud else "/rest/api/2"

    @classmethod
    def from_answers(
        cls,
        server_info: Mapping[str, Any],
        myself: Mapping[str, Any],
        field_list: Sequence[Mapping[str, Any]],
        *,
        base: str,
        points: str | None = None,
        blocked: str | None = None,
        epic: str | None = None,
    ) -> Site:
        """Build it from the answers of ``serverInfo``, ``myself`` and ``field``."""
        cloud = str(server_info.get("deploymentType", "")).lower() == "cloud"
        zone_name = str(myself.get("timeZone") or "UTC")
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidValue(
                "the user's profile time zone is not one this machine knows",
                where=f"Jira {base}, /myself",
                fix="install tzdata, or set an IANA time zone in the Jira profile",
                value=zone_name,
            ) from exc
        field_map = discover_fields(
            field_list, cloud=cloud, site=base, points=points, blocked=blocked, epic=epic
        )
        version = tuple(int(v) for v in server_info.get("versionNumbers") or () if str(v).isdigit())
        return cls(base, cloud, zone, field_map, version)
