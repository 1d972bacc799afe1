"""Reads of the master data: one ``<entity>_<action>`` function per question, keyword-only.

The main one builds the solver's instance (spec/PROBLEM.md) of a district with
pseudonymous ids: pupils ``p<pk>``, coaches ``c<pk>``, classes ``k<pk>``, rooms
``r<pk>``, families ``f<pk>``; sites, categories, activities, programmes, skills
and room kinds by their codes. No name of a pupil or coach is ever written.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch

from schools.models import (
    WEEKDAY_ORDER,
    Activity,
    Category,
    ClassGroup,
    Coach,
    CoachAvailability,
    District,
    Programme,
    ProgrammeCategoryMinimum,
    Pupil,
    PupilPreference,
    PupilUnavailability,
    Room,
    RoomAvailability,
    Site,
    TravelTime,
)

INSTANCE_FORMAT = "extended-day-instance/1"


def district_get(*, code: str) -> District:
    return District.objects.get(code=code)


def _hhmm(value) -> str:
    return f"{value:%H:%M}"


def _spans_by_day(spans) -> dict[str, list[list[str]]]:
    """``{day: [["HH:MM", "HH:MM"], ...]}`` of (weekday, start, end) rows, in time order."""
    by_day: dict[str, list[list[str]]] = defaultdict(list)
    for weekday, start, end in sorted(spans, key=lambda s: (WEEKDAY_ORDER[s[0]], s[1])):
        by_day[weekday].append([_hhmm(start), _hhmm(end)])
    return dict(by_day)


def district_instance_build(*, district: District) -> dict[str, Any]:
    """The instance of ``district`` as a JSON-ready dict, in about twenty queries.

    Pupils are read as plain values (no model instances), so a district of
    8,000 pupils builds in about a second.
    """
    sites = list(
        Site.objects.filter(district=district).prefetch_related("windows").order_by("code")
    )
    travel = TravelTime.objects.filter(district=district).values_list(
        "site_a__code", "site_b__code", "minutes"
    )
    activities = (
        Activity.objects.filter(district=district)
        .select_related("category", "skill")
        .prefetch_related("room_kinds")
        .order_by("code")
    )
    programmes = Programme.objects.filter(district=district).prefetch_related(
        Prefetch(
            "category_minimums",
            queryset=ProgrammeCategoryMinimum.objects.select_related("category"),
        )
    )
    classes = (
        ClassGroup.objects.filter(site__district=district)
        .values_list("pk", "site__code", "name")
        .order_by("pk")
    )
    return {
        "format": INSTANCE_FORMAT,
        "name": district.code,
        "days": list(district.days),
        "slot_minutes": district.slot_minutes,
        "categories": [
            {"id": c.code, "name": c.name}
            for c in Category.objects.filter(district=district).order_by("code")
        ],
        "sites": [_site(site) for site in sites],
        "travel_minutes": [
            {"from": a, "to": b, "minutes": minutes} for a, b, minutes in travel.order_by("pk")
        ],
        "max_pupil_travel_minutes": district.max_pupil_travel_minutes,
        "rooms": _rooms(district),
        "coaches": _coaches(district),
        "activities": [_activity(activity) for activity in activities],
        "programmes": [_programme(programme) for programme in programmes],
        "classes": [{"id": f"k{pk}", "site": site, "name": name} for pk, site, name in classes],
        "pupils": _pupils(district),
        "weights": district.weights(),
    }


def _site(site: Site) -> dict[str, Any]:
    data: dict[str, Any] = {"id": site.code, "name": site.name, "kind": site.kind}
    if site.kind == Site.Kind.SCHOOL:
        data["window"] = {
            w.weekday: [_hhmm(w.start), _hhmm(w.end)]
            for w in sorted(site.windows.all(), key=lambda w: WEEKDAY_ORDER[w.weekday])
        }
    return data


def _grouped(rows) -> dict[int, list]:
    """``{owner: [rest of row, ...]}`` of rows whose first value is the owner's pk."""
    grouped: dict[int, list] = defaultdict(list)
    for owner, *rest in rows:
        grouped[owner].append(rest[0] if len(rest) == 1 else tuple(rest))
    return grouped


# Rooms and coaches are read as plain values, like pupils: a district has hundreds of
# them, and prefetching model instances would cost more than the rest of the export.


def _rooms(district: District) -> list[dict[str, Any]]:
    in_district = {"room__site__district": district}
    kinds = _grouped(
        Room.kinds.through.objects.filter(**in_district).values_list("room_id", "roomkind__code")
    )
    availability = _grouped(
        RoomAvailability.objects.filter(**in_district).values_list(
            "room_id", "weekday", "start", "end"
        )
    )
    rooms = []
    for pk, site, name, capacity in (
        Room.objects.filter(site__district=district)
        .order_by("pk")
        .values_list("pk", "site__code", "name", "capacity")
    ):
        data: dict[str, Any] = {
            "id": f"r{pk}",
            "site": site,
            "name": name,
            "kinds": sorted(kinds[pk]),
            "capacity": capacity,
        }
        if pk in availability:
            data["available"] = _spans_by_day(availability[pk])
        rooms.append(data)
    return rooms


def _coaches(district: District) -> list[dict[str, Any]]:
    in_district = {"coach__district": district}
    skills = _grouped(
        Coach.skills.through.objects.filter(**in_district).values_list("coach_id", "skill__code")
    )
    sites = _grouped(
        Coach.allowed_sites.through.objects.filter(**in_district).values_list(
            "coach_id", "site__code"
        )
    )
    availability = _grouped(
        CoachAvailability.objects.filter(**in_district).values_list(
            "coach_id", "weekday", "start", "end"
        )
    )
    coaches = []
    for pk, organisation, per_week, per_day in (
        Coach.objects.filter(district=district)
        .order_by("pk")
        .values_list("pk", "organisation__name", "max_minutes_per_week", "max_minutes_per_day")
    ):
        data: dict[str, Any] = {
            "id": f"c{pk}",
            "organisation": organisation,
            "skills": sorted(skills[pk]),
            "available": _spans_by_day(availability[pk]),
            "max_minutes_per_week": per_week,
            "max_minutes_per_day": per_day,
        }
        if pk in sites:
            data["sites"] = sorted(sites[pk])
        coaches.append(data)
    return coaches


def _activity(activity: Activity) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": activity.code,
        "name": activity.name,
        "category": activity.category.code,
        "minutes": activity.minutes,
        "min_group": activity.min_group,
        "max_group": activity.max_group,
        "grades": [activity.grade_min, activity.grade_max],
        "room_kinds": sorted(kind.code for kind in activity.room_kinds.all()),
        "skill": activity.skill.code,
        "coaches": activity.coaches_needed,
    }
    if activity.max_per_week is not None:
        data["max_per_week"] = activity.max_per_week
    return data


def _programme(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.code,
        "grades": [programme.grade_min, programme.grade_max],
        "total_minutes": programme.total_minutes,
        "category_minutes": {
            m.category.code: m.minutes
            for m in sorted(programme.category_minimums.all(), key=lambda m: m.category.code)
        },
        "max_minutes_per_day": programme.max_minutes_per_day,
        "preferred_minutes_per_day": programme.preferred_minutes_per_day,
    }


def _pupils(district: District) -> list[dict[str, Any]]:
    in_district = {"pupil__school__district": district}
    preferences: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pupil_id, category, activity in (
        PupilPreference.objects.filter(**in_district)
        .order_by("pupil_id", "category__code", "rank")
        .values_list("pupil_id", "category__code", "activity__code")
    ):
        preferences[pupil_id][category].append(activity)
    required: dict[int, list[str]] = defaultdict(list)
    for pupil_id, activity in (
        Pupil.required_activities.through.objects.filter(**in_district)
        .order_by("pupil_id", "activity__code")
        .values_list("pupil_id", "activity__code")
    ):
        required[pupil_id].append(activity)
    unavailable: dict[int, list] = defaultdict(list)
    for pupil_id, weekday, start, end in PupilUnavailability.objects.filter(
        **in_district
    ).values_list("pupil_id", "weekday", "start", "end"):
        unavailable[pupil_id].append((weekday, start, end))

    pupils = []
    for pk, class_id, grade, family_id in (
        Pupil.objects.filter(school__district=district)
        .order_by("pk")
        .values_list("pk", "class_group_id", "grade", "family_id")
    ):
        data: dict[str, Any] = {"id": f"p{pk}", "class": f"k{class_id}", "grade": grade}
        if pk in preferences:
            data["preferences"] = {c: list(ids) for c, ids in preferences[pk].items()}
        if pk in required:
            data["required"] = required[pk]
        if pk in unavailable:
            data["unavailable"] = _spans_by_day(unavailable[pk])
        if family_id is not None:
            data["family"] = f"f{family_id}"
        pupils.append(data)
    return pupils
