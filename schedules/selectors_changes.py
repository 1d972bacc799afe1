"""Reads for re-solving after a change: recorded changes, pins, roster edits since publishing.

See ``schedules.changes`` for how dated changes map onto the template week and
docs/changes.md for the coordinator's side of it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from schedules.changes import AppliedChange, days_in_week
from schedules.models import ScheduleChange, ScheduleVersion, Session
from schools.models import WEEKDAY_ORDER, Coach, District, Pupil, Room, Weekday


def schedule_changes_of_district(
    *, district: District, today: datetime.date
) -> dict[str, list[ScheduleChange]]:
    """The district's changes: ``current`` (not ended before today) and the last ten ``ended``."""
    changes = ScheduleChange.objects.filter(district=district).select_related(
        "coach", "room__site", "created_by"
    )
    return {
        "current": list(
            changes.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).order_by(
                "starts_on", "pk"
            )
        ),
        "ended": list(changes.filter(ends_on__lt=today).order_by("-ends_on", "-pk")[:10]),
    }


def schedule_changes_for_week(*, district: District, monday: datetime.date) -> list[AppliedChange]:
    """The changes that count in the week of ``monday``, each with its days in that week."""
    sunday = monday + datetime.timedelta(days=6)
    applied = []
    for change in (
        ScheduleChange.objects.filter(district=district, starts_on__lte=sunday)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=monday))
        .order_by("starts_on", "pk")
    ):
        days = days_in_week(
            monday=monday,
            starts_on=change.starts_on,
            ends_on=change.ends_on,
            weekdays=list(change.weekdays),
            district_days=list(district.days),
        )
        if not days:
            continue
        if change.kind == ScheduleChange.Kind.COACH_UNAVAILABLE:
            target = f"c{change.coach_id}"
        else:
            target = f"r{change.room_id}"
        applied.append(
            AppliedChange(
                change_id=change.pk,
                kind=change.kind,
                target=target,
                days=tuple(days),
                starts_on=change.starts_on.isoformat(),
                ends_on=change.ends_on.isoformat() if change.ends_on else None,
            )
        )
    return applied


def sessions_pinned(*, version: ScheduleVersion) -> QuerySet[Session]:
    return (
        Session.objects.filter(version=version, pinned=True)
        .select_related("activity", "room__site")
        .prefetch_related("coaches")
        .order_by("day", "start", "room__name")
    )


def sessions_of_site_for_pinning(*, version: ScheduleVersion, site_id: int) -> list[Session]:
    """The version's sessions held at one site, in week order, to pin or unpin."""
    rows = list(
        Session.objects.filter(version=version, room__site_id=site_id)
        .select_related("activity", "room__site")
        .prefetch_related("coaches")
    )
    rows.sort(key=lambda s: (WEEKDAY_ORDER.get(s.day, 9), s.start, s.room.name))
    return rows


@dataclass
class RosterChanges:
    """Pupils joined, left or moved to another class since a version's snapshot."""

    added: list[Pupil] = field(default_factory=list)
    removed: int = 0
    moved: list[tuple[Pupil, str]] = field(default_factory=list)  # (pupil, old class name)
    removed_by_class: dict[str, int] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.moved)

    def to_dict(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": self.removed, "moved": len(self.moved)}


def roster_changes_since(*, version: ScheduleVersion | None) -> RosterChanges:
    """What the master data changed in pupils since the version was solved (its run's snapshot).

    Pupils who joined, left or changed class are edited in the master data
    (admin, import); a re-solve reads them from there. This shows what it will find.
    """
    result = RosterChanges()
    run = version.run if version is not None else None
    if run is None or not run.instance:
        return result
    snapshot = run.instance
    class_names = {k["id"]: k["name"] for k in snapshot.get("classes", [])}
    before = {p["id"]: p["class"] for p in snapshot.get("pupils", [])}
    current = dict(
        Pupil.objects.filter(school__district_id=version.district_id).values_list(
            "pk", "class_group_id"
        )
    )
    new_ids = [pk for pk in current if f"p{pk}" not in before]
    moved_ids = {
        pk: before[f"p{pk}"]
        for pk, class_id in current.items()
        if f"p{pk}" in before and before[f"p{pk}"] != f"k{class_id}"
    }
    current_ids = {f"p{pk}" for pk in current}
    removed_by_class: dict[str, int] = defaultdict(int)
    for pupil_id, class_id in before.items():
        if pupil_id not in current_ids:
            result.removed += 1
            removed_by_class[class_names.get(class_id, class_id)] += 1
    result.removed_by_class = dict(sorted(removed_by_class.items()))
    pupils = Pupil.objects.select_related("class_group", "school").order_by(
        "school__name", "class_group__name", "surname", "given_name"
    )
    result.added = list(pupils.filter(pk__in=new_ids))
    result.moved = [
        (pupil, class_names.get(moved_ids[pupil.pk], moved_ids[pupil.pk]))
        for pupil in pupils.filter(pk__in=list(moved_ids))
    ]
    return result


def run_changes_described(*, run) -> list[dict[str, Any]]:
    """The changes a re-solve included, with the coach's or room's name and the days in words."""
    if run is None or not run.changes:
        return []
    targets = {c.get("target", "") for c in run.changes}
    coaches = {
        f"c{c.pk}": c.full_name
        for c in Coach.objects.filter(pk__in=[int(t[1:]) for t in targets if t[:1] == "c"])
    }
    rooms = {
        f"r{r.pk}": f"{r.name}, {r.site.name}"
        for r in Room.objects.filter(
            pk__in=[int(t[1:]) for t in targets if t[:1] == "r"]
        ).select_related("site")
    }
    described = []
    for change in run.changes:
        if change.get("kind") == "roster":
            described.append({"kind": "roster", **change})
            continue
        target = change.get("target", "")
        described.append(
            {
                **change,
                "kind_display": ScheduleChange.Kind(change["kind"]).label,
                "name": coaches.get(target) or rooms.get(target) or target,
                "days_display": ", ".join(str(Weekday(d).label) for d in change.get("days", [])),
            }
        )
    return described
