"""Hand-made versions and sessions for the schedules tests."""

from __future__ import annotations

import datetime

from schedules.models import ScheduleVersion, Session, SessionPupil
from schools.models import Activity, Coach, District, Pupil, Room


def version_make(district: District, number: int, status=ScheduleVersion.Status.DRAFT):
    return ScheduleVersion.objects.create(district=district, number=number, status=status)


def session_make(
    version: ScheduleVersion,
    *,
    activity: Activity,
    day: str,
    start: str,
    room: Room,
    pupils: list[Pupil],
    coaches: list[Coach] = (),
) -> Session:
    hours, minutes = map(int, start.split(":"))
    begin = datetime.datetime(2000, 1, 1, hours, minutes)
    session = Session.objects.create(
        version=version,
        activity=activity,
        day=day,
        start=begin.time(),
        end=(begin + datetime.timedelta(minutes=activity.minutes)).time(),
        room=room,
    )
    session.coaches.set(coaches)
    SessionPupil.objects.bulk_create(SessionPupil(session=session, pupil=p) for p in pupils)
    return session
