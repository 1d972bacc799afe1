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
    Organisation,
    Programme,
    ProgrammeCategoryMinimum,
    Pupil,
    PupilPreference,
    PupilUnavailability,
    Room,
    RoomAvailability,
    Site,
    SiteWindow,
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


# -- the district's rosters, as the importer reads them ---------------------------------------

DUTCH_DAYS = {
    "mon": "ma",
    "tue": "di",
    "wed": "wo",
    "thu": "do",
    "fri": "vr",
    "sat": "za",
    "sun": "zo",
}
SITE_KIND_WORDS = {Site.Kind.SCHOOL: "school", Site.Kind.VENUE: "locatie"}


def _grade_text(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def _joined(codes) -> str:
    return ", ".join(sorted(codes))


def _spans(rows) -> list[dict[str, Any]]:
    """Rows of (owner cells, weekday, start, end) as span cells, in week order."""
    return [
        {**owner, "weekday": DUTCH_DAYS[day], "start": _hhmm(start), "end": _hhmm(end)}
        for owner, day, start, end in sorted(
            rows, key=lambda r: (tuple(r[0].values()), WEEKDAY_ORDER[r[1]], r[2])
        )
    ]


def district_rosters_build(*, district: District) -> dict[str, list[dict[str, Any]]]:
    """The master data of ``district`` as roster rows: ``{kind key: [{column name: cell}]}``.

    The keys and column names are those of ``schools.importing.kinds``, and every
    cell is written so that importing it gives back the stored value: codes for
    references, ``HH:MM`` times, Dutch weekdays, ``dd-mm-jjjj`` birth dates. So a
    workbook of these rows, imported into the same district, changes nothing.
    Read as plain values, like the instance: 8,000 pupils take about a second.
    """
    site_codes = dict(Site.objects.filter(district=district).values_list("pk", "code"))
    sites = Site.objects.filter(district=district).order_by("code")
    rooms = (
        Room.objects.filter(site__district=district)
        .order_by("site__code", "name")
        .values_list("pk", "site__code", "name", "capacity")
    )
    room_kinds = _grouped(
        Room.kinds.through.objects.filter(room__site__district=district).values_list(
            "room_id", "roomkind__code"
        )
    )
    coaches = list(
        Coach.objects.filter(district=district)
        .order_by("code")
        .values_list(
            "pk", "code", "email", "given_name", "surname", "organisation__name", "phone",
            "max_minutes_per_day", "max_minutes_per_week",
        )
    )  # fmt: skip
    in_coach_district = {"coach__district": district}
    coach_skills = _grouped(
        Coach.skills.through.objects.filter(**in_coach_district).values_list(
            "coach_id", "skill__code"
        )
    )
    coach_sites = _grouped(
        Coach.allowed_sites.through.objects.filter(**in_coach_district).values_list(
            "coach_id", "site__code"
        )
    )
    activity_kinds = _grouped(
        Activity.room_kinds.through.objects.filter(activity__district=district).values_list(
            "activity_id", "roomkind__code"
        )
    )
    class_grades: dict[int, list[int]] = {}
    for class_id, grade in (
        Pupil.objects.filter(school__district=district)
        .values_list("class_group_id", "grade")
        .distinct()
    ):
        low, high = class_grades.get(class_id, [grade, grade])
        class_grades[class_id] = [min(low, grade), max(high, grade)]
    in_district = {"pupil__school__district": district}
    required = _grouped(
        Pupil.required_activities.through.objects.filter(**in_district).values_list(
            "pupil_id", "activity__code"
        )
    )
    pupils = list(
        Pupil.objects.filter(school__district=district)
        .order_by("school__code", "pupil_number")
        .values_list(
            "pk", "school__code", "pupil_number", "given_name", "surname_prefix", "surname",
            "birth_date", "grade", "class_group__name", "family__code",
        )
    )  # fmt: skip
    return {
        "categories": [
            {"code": c.code, "name": c.name, "colour": c.colour}
            for c in Category.objects.filter(district=district).order_by("code")
        ],
        "sites": [
            {
                "code": s.code,
                "name": s.name,
                "kind": SITE_KIND_WORDS[s.kind],
                "address": s.address,
                "postcode": s.postcode,
                "city": s.city,
            }
            for s in sites
        ],  # fmt: skip
        "windows": _spans(
            ({"site": code}, day, start, end)
            for code, day, start, end in SiteWindow.objects.filter(
                site__district=district
            ).values_list("site__code", "weekday", "start", "end")
        ),
        "travel": [
            {"from": site_codes[a], "to": site_codes[b], "minutes": minutes}
            for a, b, minutes in TravelTime.objects.filter(district=district)
            .order_by("site_a__code", "site_b__code")
            .values_list("site_a_id", "site_b_id", "minutes")
        ],
        "organisations": [
            {"name": name, "kind": kind}
            for name, kind in Organisation.objects.filter(district=district)
            .order_by("name")
            .values_list("name", "kind")
        ],
        "rooms": [
            {"site": site, "name": name, "kinds": _joined(room_kinds[pk]), "capacity": capacity}
            for pk, site, name, capacity in rooms
        ],
        "room_availability": _spans(
            ({"site": site, "room": name}, day, start, end)
            for site, name, day, start, end in RoomAvailability.objects.filter(
                room__site__district=district
            ).values_list("room__site__code", "room__name", "weekday", "start", "end")
        ),
        "coaches": [
            {
                "code": code,
                "email": email,
                "given_name": given,
                "surname": surname,
                "organisation": organisation,
                "skills": _joined(coach_skills[pk]),
                "max_day": per_day,
                "max_week": per_week,
                "phone": phone,
                "sites": _joined(coach_sites[pk]),
            }
            for pk, code, email, given, surname, organisation, phone, per_day, per_week in coaches
        ],  # fmt: skip
        "coach_availability": _spans(
            ({"coach": code}, day, start, end)
            for code, day, start, end in CoachAvailability.objects.filter(
                **in_coach_district
            ).values_list("coach__code", "weekday", "start", "end")
        ),
        "activities": [
            {
                "code": a.code,
                "name": a.name,
                "category": a.category.code,
                "minutes": a.minutes,
                "min_group": a.min_group,
                "max_group": a.max_group,
                "grades": _grade_text(a.grade_min, a.grade_max),
                "room_kinds": _joined(activity_kinds[a.pk]),
                "skill": a.skill.code,
                "coaches_needed": a.coaches_needed,
                "max_per_week": a.max_per_week,
            }
            for a in Activity.objects.filter(district=district)
            .select_related("category", "skill")
            .order_by("code")
        ],  # fmt: skip
        "programmes": [
            {
                "code": p.code,
                "name": p.name,
                "grades": _grade_text(p.grade_min, p.grade_max),
                "total_minutes": p.total_minutes,
                "max_day": p.max_minutes_per_day,
                "preferred_day": p.preferred_minutes_per_day,
            }
            for p in Programme.objects.filter(district=district).order_by("grade_min", "code")
        ],  # fmt: skip
        "programme_minimums": [
            {"programme": programme, "category": category, "minutes": minutes}
            for programme, category, minutes in ProgrammeCategoryMinimum.objects.filter(
                programme__district=district
            )
            .order_by("programme__code", "category__code")
            .values_list("programme__code", "category__code", "minutes")
        ],
        "classes": [
            {
                "site": site,
                "name": name,
                "grades": "/".join(str(g) for g in dict.fromkeys(class_grades[pk]))
                if pk in class_grades
                else None,
            }
            for pk, site, name in ClassGroup.objects.filter(site__district=district)
            .order_by("site__code", "name")
            .values_list("pk", "site__code", "name")
        ],  # fmt: skip
        "pupils": [
            {
                "site": site,
                "pupil_number": number,
                "given_name": given,
                "surname_prefix": prefix,
                "surname": surname,
                "birth_date": f"{birth:%d-%m-%Y}" if birth else None,
                "grade": grade,
                "class": class_name,
                "family": family,
                "required": _joined(required[pk]),
            }
            for pk, site, number, given, prefix, surname, birth, grade, class_name, family in pupils
        ],  # fmt: skip
        "preferences": [
            {
                "site": site,
                "pupil_number": number,
                "category": category,
                "rank": rank,
                "activity": activity,
            }
            for site, number, category, rank, activity in PupilPreference.objects.filter(
                **in_district
            )
            .order_by("pupil__school__code", "pupil__pupil_number", "category__code", "rank")
            .values_list(
                "pupil__school__code",
                "pupil__pupil_number",
                "category__code",
                "rank",
                "activity__code",
            )
        ],  # fmt: skip
        "pupil_unavailability": _spans(
            ({"site": site, "pupil_number": number}, day, start, end)
            for site, number, day, start, end in PupilUnavailability.objects.filter(
                **in_district
            ).values_list("pupil__school__code", "pupil__pupil_number", "weekday", "start", "end")
        ),
    }
