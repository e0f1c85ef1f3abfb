"""Blocks other apps put on the staff dashboard — declared here, filled in ``AppConfig.ready``.

Approval registers "waiting" and "en_route", the rooms part "bookings_today" and
"booking_requests"; each provider receives a ``DashboardRequest`` and returns a
``Section``. A provider's failure is a bug to see, not a block to hide: nothing is
caught here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from suite.registry import Registry


@dataclass
class Section:
    """One block of the dashboard: items to show, how many (``more``: there are more
    than ``count``, shown as "5+"), availability."""

    items: list = field(default_factory=list)
    count: int = 0
    available: bool = True
    url: str = ""
    more: bool = False

    @classmethod
    def of(cls, rows: Any, limit: int, url: str = "") -> Section:
        """The first ``limit`` rows of a queryset or list. A queryset is read once, one row
        past ``limit`` (whether more follow), never counted: the dashboard costs the same
        number of queries whether a block is full or not."""
        if isinstance(rows, list):
            return cls(items=rows[:limit], count=len(rows), url=url)
        items = list(rows[: limit + 1])
        more = len(items) > limit
        return cls(items=items[:limit], count=min(len(items), limit), url=url, more=more)


@dataclass(frozen=True)
class DashboardRequest:
    """Who asks, where, and the day shown (local midnight to midnight)."""

    request: Any
    day_start: dt.datetime
    day_end: dt.datetime

    @property
    def user(self):
        return self.request.user

    @property
    def institution(self):
        return self.request.institution


dashboard_sections: Registry[DashboardRequest, Section] = Registry("groupware.dashboard")
