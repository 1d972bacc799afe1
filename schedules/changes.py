"""Recorded changes applied to a solver instance: from dates to the template week.

The schedule is one recurring week. A change has a period of dates (and
optionally weekdays); a re-solve is made *for a week* (its Monday), and each
change counts on the weekdays of that week that lie in its period and its
weekdays. A coach away on those days has no availability left on them; a
room closed on them is not available on them. Everything else of the instance
stays as the master data says.

Pure functions on plain values; the edits of the instance themselves are the
solver's (``solver.changes``). The services (``schedules.services_changes``)
read the changes from the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from schools.models import Weekday
from solver.changes import coach_unavailable, room_closed
from solver.instance import Instance

DAY_CODES: tuple[str, ...] = tuple(Weekday.values)  # mon .. sun, as date.weekday() counts


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week of ``day``."""
    return day - datetime.timedelta(days=day.weekday())


def days_in_week(
    *,
    monday: datetime.date,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    weekdays: list[str],
    district_days: list[str],
) -> list[str]:
    """The day codes of the week of ``monday`` on which a change counts, in week order."""
    days = []
    for offset, code in enumerate(DAY_CODES):
        date = monday + datetime.timedelta(days=offset)
        if date < starts_on or (ends_on is not None and date > ends_on):
            continue
        if weekdays and code not in weekdays:
            continue
        if code in district_days:
            days.append(code)
    return days


@dataclass(frozen=True)
class AppliedChange:
    """One change as a re-solve applied it: recorded with the run, shown in the impact report."""

    change_id: int
    kind: str
    target: str  # solver id: c<pk> or r<pk>
    days: tuple[str, ...]
    starts_on: str
    ends_on: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change_id,
            "kind": self.kind,
            "target": self.target,
            "days": list(self.days),
            "starts_on": self.starts_on,
            "ends_on": self.ends_on,
        }


APPLY = {"coach_unavailable": coach_unavailable, "room_closed": room_closed}


def instance_with_changes(instance: Instance, changes: list[AppliedChange]) -> Instance:
    """``instance`` with every change applied on its days (``solver.changes``)."""
    for change in changes:
        if change.days:
            instance = APPLY[change.kind](instance, change.target, change.days)
    return instance
