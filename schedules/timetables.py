"""Reads for people's timetables: a coach's week, a school's classes, pupils, rooms and coaches.

Every function takes an already scoped queryset or object (see ``schedules.access``)
and returns plain lists, sorted the way a timetable reads: day, then time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from schedules.models import ScheduleVersion, Session, SessionPupil
from schools.models import (
    WEEKDAY_ORDER,
    Category,
    ClassGroup,
    Coach,
    District,
    ProgrammeCategoryMinimum,
    Pupil,
    Room,
    Site,
    Weekday,
    minutes_of,
)


def _timetable_order(session: Session) -> tuple:
    return (WEEKDAY_ORDER.get(session.day, 9), session.start, session.room.name, session.pk)


def sessions_listed(sessions: QuerySet[Session]) -> list[Session]:
    """The sessions with everything a timetable shows, in day and time order."""
    rows = list(
        sessions.select_related("activity__category", "room__site").prefetch_related("coaches")
    )
    rows.sort(key=_timetable_order)
    return rows


def sessions_of_week(sessions: QuerySet[Session]) -> list[Session]:
    """What the coach's week shows of each session, in one query, in day and time order.

    Only the fields on the page: time, activity and category, room and site (with
    its address, as ``address``), and the number of pupils (``pupil_count``).
    """
    rows = list(
        sessions.select_related("activity__category", "room__site")
        .only(
            "day",
            "start",
            "end",
            "activity__name",
            "activity__category__name",
            "activity__category__colour",
            "room__name",
            "room__site__name",
            "room__site__address",
            "room__site__postcode",
            "room__site__city",
            "changed",
        )
        .annotate(pupil_count=Count("pupils"))
        .order_by()
    )
    for session in rows:
        session.address = site_address(session.room.site)
    rows.sort(key=_timetable_order)
    return rows


def published_version_light(*, district_id: int) -> ScheduleVersion | None:
    """The published version without its large JSON fields (report, solution), for headers."""
    return (
        ScheduleVersion.objects.filter(
            district_id=district_id, status=ScheduleVersion.Status.PUBLISHED
        )
        .defer("report", "solution", "penalty_terms")
        .first()
    )


def site_address(site: Site) -> str:
    """Street, postcode and city of a site, as one line (empty parts left out)."""
    place = " ".join(part for part in (site.postcode, site.city) if part)
    return ", ".join(part for part in (site.address, place) if part)


def week_days(district: District, sessions: list[Session]) -> list[dict[str, Any]]:
    """The district's days (and any other day a session falls on) with their sessions."""
    days = list(district.days or [])
    days += sorted({s.day for s in sessions} - set(days), key=lambda d: WEEKDAY_ORDER.get(d, 9))
    days.sort(key=lambda d: WEEKDAY_ORDER.get(d, 9))
    per_day: dict[str, list[Session]] = defaultdict(list)
    for session in sessions:
        per_day[session.day].append(session)
    return [{"day": day, "label": Weekday(day).label, "sessions": per_day[day]} for day in days]


def pupil_counts(sessions: list[Session]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for session_id in SessionPupil.objects.filter(
        session_id__in=[s.pk for s in sessions]
    ).values_list("session_id", flat=True):
        counts[session_id] += 1
    return counts


def sessions_per_pupil(*, pupils: list[Pupil], sessions: list[Session]) -> dict[int, list[Session]]:
    """Each pupil's sessions (among ``sessions``), in day and time order."""
    by_pk = {s.pk: s for s in sessions}
    result: dict[int, list[Session]] = {p.pk: [] for p in pupils}
    for session_id, pupil_id in SessionPupil.objects.filter(
        session_id__in=by_pk, pupil_id__in=result
    ).values_list("session_id", "pupil_id"):
        result[pupil_id].append(by_pk[session_id])
    for rows in result.values():
        rows.sort(key=lambda s: (WEEKDAY_ORDER.get(s.day, 9), s.start))
    return result


def sessions_of_class(*, group: ClassGroup, sessions: list[Session]) -> list[Session]:
    """The sessions (among ``sessions``) with at least one pupil of the class."""
    ids = set(
        SessionPupil.objects.filter(
            session_id__in=[s.pk for s in sessions], pupil__class_group=group
        ).values_list("session_id", flat=True)
    )
    return [s for s in sessions if s.pk in ids]


def categories_of(district_id: int) -> list[Category]:
    return list(Category.objects.filter(district_id=district_id).order_by("name"))


@dataclass
class ClassCoverage:
    group: ClassGroup
    pupils: int
    categories: list[dict[str, Any]]  # category, required, met, coverage


def school_class_coverage(*, site: Site, version: ScheduleVersion | None) -> list[ClassCoverage]:
    """Per class and category: minutes received up to each pupil's minimum, over the minimums."""
    categories = categories_of(site.district_id)
    minimums: dict[tuple[int, int], int] = {}  # (grade, category) -> minutes
    for grade_min, grade_max, category_id, minutes in ProgrammeCategoryMinimum.objects.filter(
        programme__district_id=site.district_id
    ).values_list("programme__grade_min", "programme__grade_max", "category_id", "minutes"):
        for grade in range(grade_min, grade_max + 1):
            minimums[(grade, category_id)] = minutes
    received: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    if version is not None:
        for pupil_id, category_id, start, end in SessionPupil.objects.filter(
            session__version=version, pupil__school=site
        ).values_list(
            "pupil_id", "session__activity__category_id", "session__start", "session__end"
        ):
            received[pupil_id][category_id] += minutes_of(end) - minutes_of(start)
    groups = {g.pk: g for g in ClassGroup.objects.filter(site=site).order_by("name")}
    totals: dict[int, dict[int, list[int]]] = {
        pk: {c.pk: [0, 0] for c in categories} for pk in groups
    }
    pupils_per_class: dict[int, int] = defaultdict(int)
    for pupil_id, class_id, grade in Pupil.objects.filter(school=site).values_list(
        "pk", "class_group_id", "grade"
    ):
        pupils_per_class[class_id] += 1
        for category in categories:
            need = minimums.get((grade, category.pk), 0)
            totals[class_id][category.pk][0] += need
            totals[class_id][category.pk][1] += min(need, received[pupil_id][category.pk])
    result = []
    for pk, group in groups.items():
        rows = []
        for category in categories:
            required, met = totals[pk][category.pk]
            rows.append(
                {
                    "category": category,
                    "required": required,
                    "met": met,
                    "coverage": 1.0 if required == 0 else met / required,
                    "percent": 100 if required == 0 else round(100 * met / required),
                }
            )
        result.append(ClassCoverage(group=group, pupils=pupils_per_class[pk], categories=rows))
    return result


def coaches_of_sessions(sessions: list[Session]) -> list[Coach]:
    seen: dict[int, Coach] = {}
    for session in sessions:
        for coach in session.coaches.all():
            seen.setdefault(coach.pk, coach)
    return sorted(seen.values(), key=lambda c: (c.surname, c.given_name))


def coach_and_room_use(*, version: ScheduleVersion) -> dict[str, list[dict[str, Any]]]:
    """Minutes per week each coach leads (against their weekly maximum) and each room is used."""
    coach_minutes: dict[int, int] = defaultdict(int)
    room_minutes: dict[int, int] = defaultdict(int)
    sessions = list(
        Session.objects.filter(version=version).values_list("pk", "room_id", "start", "end")
    )
    length = {pk: minutes_of(end) - minutes_of(start) for pk, _room, start, end in sessions}
    for _pk, room_id, start, end in sessions:
        room_minutes[room_id] += minutes_of(end) - minutes_of(start)
    for session_id, coach_id in Session.coaches.through.objects.filter(
        session__version=version
    ).values_list("session_id", "coach_id"):
        coach_minutes[coach_id] += length[session_id]
    coaches = []
    for coach in Coach.objects.filter(district_id=version.district_id).order_by(
        "surname", "given_name"
    ):
        used = coach_minutes.get(coach.pk, 0)
        most = coach.max_minutes_per_week or 0
        coaches.append(
            {
                "coach": coach,
                "minutes": used,
                "max": most,
                "percent": min(100, round(100 * used / most)) if most else 0,
            }
        )
    busiest = max(room_minutes.values(), default=0)
    rooms = [
        {
            "room": room,
            "minutes": room_minutes.get(room.pk, 0),
            "percent": round(100 * room_minutes.get(room.pk, 0) / busiest) if busiest else 0,
        }
        for room in Room.objects.filter(site__district_id=version.district_id)
        .select_related("site")
        .order_by("site__name", "name")
    ]
    return {"coaches": coaches, "rooms": rooms}
