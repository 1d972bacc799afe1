"""Writes for re-solving after a change: record a change, pin a session, re-solve.

The life of a re-solve::

    schedule_change_create    a coach away or a room closed, on dates (validated, or nothing stored)
    session_pin_set           lock a session of the published version (or unlock it)
    resolve_run_enqueue       snapshot the district's instance with the week's changes applied and
                              the published version as ``previous`` (pins kept exactly), then
                              solve like any run (``services.solve_run_execute``)
    schedule_version_publish  as ever; it marks the changed sessions and e-mails those affected
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from schedules.changes import instance_with_changes, week_start
from schedules.models import ScheduleChange, ScheduleVersion, Session, SolveRun
from schedules.selectors import schedule_version_published, schedule_version_solution
from schedules.selectors_changes import (
    roster_changes_since,
    schedule_changes_for_week,
)
from schedules.services import SolveRunError, solve_run_enqueue_on_commit
from schools.models import WEEKDAY_ORDER, Coach, District, Room
from schools.selectors import district_instance_build
from solver.changes import with_previous
from solver.checker import check
from solver.instance import Instance, InstanceError
from solver.solution import Solution


def schedule_change_create(
    *,
    district: District,
    user,
    kind: str,
    coach: Coach | None = None,
    room: Room | None = None,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    weekdays: list[str] = (),
    note: str = "",
) -> ScheduleChange:
    """Records a change; raises ``ValidationError`` naming the field and stores nothing."""
    change = ScheduleChange(
        district=district,
        kind=kind,
        coach=coach if kind == ScheduleChange.Kind.COACH_UNAVAILABLE else None,
        room=room if kind == ScheduleChange.Kind.ROOM_CLOSED else None,
        starts_on=starts_on,
        ends_on=ends_on,
        weekdays=sorted(set(weekdays), key=lambda day: WEEKDAY_ORDER.get(day, len(WEEKDAY_ORDER))),
        note=note.strip(),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    change.full_clean()
    change.save()
    return change


def schedule_change_delete(*, change: ScheduleChange) -> None:
    """Removes a change recorded by mistake; runs that included it keep their record of it."""
    change.delete()


def session_pin_set(*, session: Session, pinned: bool) -> Session:
    """Pins (or unpins) a session of the published version: a re-solve keeps it exactly."""
    if session.version.status != ScheduleVersion.Status.PUBLISHED:
        raise SolveRunError(_("Only sessions of the published version can be pinned."))
    Session.objects.filter(pk=session.pk).update(pinned=pinned)
    session.pinned = pinned
    return session


def _pins_check(*, instance: Instance, previous: Solution) -> None:
    """Pinned sessions that the week's changes (or the master data) make impossible, by name."""
    pins = [s for s in previous.sessions if s.pinned]
    if not pins:
        return
    report = check(instance, Solution(instance=previous.instance, sessions=pins))
    violations = [v for v in report.violations if v.rule != "H10"]
    if not violations:
        return
    named = {i for v in violations for i in v.ids}
    broken = [s for s in pins if s.id in named] or pins
    sessions = Session.objects.filter(pk__in=[int(s.id[1:]) for s in broken]).select_related(
        "activity", "room"
    )
    raise SolveRunError(
        _(
            "These pinned sessions cannot be kept with the changes of this week; unpin them "
            "or change the dates: %(sessions)s"
        )
        % {
            "sessions": "; ".join(
                f"{s.activity.name} {s.get_day_display()} {s.start:%H:%M} ({s.room.name})"
                for s in sessions
            )
        }
    )


def resolve_run_create(
    *, district: District, user, time_limit: int, week_of: datetime.date
) -> SolveRun:
    """A queued re-solve of the published version for the week of ``week_of`` (no task yet).

    Its snapshot is the district's instance now, with the changes that count in
    that week applied, and the published version as ``previous`` with its pins.
    """
    if time_limit <= 0:
        raise SolveRunError(_("The time limit must be at least one second."))
    published = schedule_version_published(district=district)
    if published is None:
        raise SolveRunError(
            _("Nothing is published yet: solve and publish a schedule before re-solving.")
        )
    if SolveRun.objects.filter(district=district, status__in=SolveRun.ACTIVE).exists():
        raise SolveRunError(
            _("A solve of %(district)s is already queued or running; wait for it or cancel it.")
            % {"district": district.name}
        )
    monday = week_start(week_of)
    applied = schedule_changes_for_week(district=district, monday=monday)
    try:
        instance = Instance.from_dict(district_instance_build(district=district))
    except InstanceError as error:
        raise SolveRunError(
            _("The district's data cannot be solved yet: %(problems)s")
            % {"problems": "; ".join(error.problems[:10])}
        ) from error
    instance = instance_with_changes(instance, applied)
    previous = Solution.from_dict(schedule_version_solution(version=published, pins=True))
    _pins_check(instance=instance, previous=previous)
    instance = with_previous(instance, previous)
    roster = roster_changes_since(version=published)
    record = [change.to_dict() for change in applied]
    if roster.any:
        record.append({"kind": "roster", **roster.to_dict()})
    return SolveRun.objects.create(
        district=district,
        requested_by=user if user is not None and user.is_authenticated else None,
        time_limit=time_limit,
        instance=instance.to_dict(),
        previous_version=published,
        week_of=monday,
        changes=record,
    )


def resolve_run_enqueue(
    *, district: District, user, time_limit: int, week_of: datetime.date
) -> SolveRun:
    """Creates the re-solve and hands it to a worker once the transaction commits."""
    with transaction.atomic():
        run = resolve_run_create(
            district=district, user=user, time_limit=time_limit, week_of=week_of
        )
        solve_run_enqueue_on_commit(run=run)
    return run
