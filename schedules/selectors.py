"""Reads of the schedules app: runs, versions, their differences and coverage.

Matching rule of :func:`version_diff`: a session is identified by its activity
and the exact set of its pupils (the group a coordinator recognises: "group 5b
football"). Two sessions with the same identity in both versions are

- *unchanged* when day, start, end, room and coaches are equal as well,
- *moved* otherwise (another time, room or coach);

identities present only in the new version are *added*, only in the old one
*removed*. When one identity occurs several times, equal sessions pair first,
then the rest pair in time order. A pupil is *affected* when they are in an
added, removed or moved session (of either version).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from schedules.models import ScheduleVersion, Session, SessionPupil, SolveRun
from schools.models import WEEKDAY_ORDER, District, Weekday, minutes_of


def solve_runs_of_district(*, district: District, limit: int = 20) -> list[SolveRun]:
    return list(
        SolveRun.objects.filter(district=district)
        .select_related("requested_by")
        .defer("instance", "log")[:limit]
    )


def schedule_versions_of_district(*, district: District) -> list[ScheduleVersion]:
    return list(
        ScheduleVersion.objects.filter(district=district)
        .select_related("published_by", "run")
        .defer("report", "solution", "run__instance", "run__log")
        .order_by("-number")
    )


def schedule_version_published(*, district: District) -> ScheduleVersion | None:
    return ScheduleVersion.objects.filter(
        district=district, status=ScheduleVersion.Status.PUBLISHED
    ).first()


def solve_run_progress(*, run: SolveRun) -> dict[str, Any]:
    """What the run page polls every second."""
    version = ScheduleVersion.objects.filter(run=run).values_list("number", flat=True).first()
    return {
        "id": run.pk,
        "status": run.status,
        "status_display": run.get_status_display(),
        "finished": not run.is_active,
        "time_limit": run.time_limit,
        "elapsed": round(run.elapsed, 1),
        "coverage": run.coverage,
        "penalty": run.penalty,
        "stage": run.stage,
        "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None,
        "error": run.error,
        "log": run.log.splitlines()[-10:],
        "version": version,
    }


@dataclass(frozen=True)
class SessionRow:
    """A session as plain values, with solver ids for its room, coaches and pupils."""

    pk: int
    activity: str
    day: str
    start: int
    end: int
    room: str
    coaches: frozenset[str]
    pupils: frozenset[str]

    @property
    def identity(self) -> tuple[str, frozenset[str]]:
        return (self.activity, self.pupils)

    @property
    def placement(self) -> tuple:
        return (self.day, self.start, self.end, self.room, self.coaches)

    @property
    def start_text(self) -> str:
        return f"{self.start // 60:02d}:{self.start % 60:02d}"

    @property
    def end_text(self) -> str:
        return f"{self.end // 60:02d}:{self.end % 60:02d}"

    def sort_key(self) -> tuple:
        return (WEEKDAY_ORDER.get(self.day, 9), self.start, self.room, self.pk)


def schedule_version_session_rows(*, version: ScheduleVersion) -> list[SessionRow]:
    """The version's sessions in solver terms (activity codes, ``r``/``c``/``p`` ids), in three queries."""
    coaches: dict[int, set[str]] = defaultdict(set)
    for session_id, coach_id in Session.coaches.through.objects.filter(
        session__version=version
    ).values_list("session_id", "coach_id"):
        coaches[session_id].add(f"c{coach_id}")
    pupils: dict[int, set[str]] = defaultdict(set)
    for session_id, pupil_id in SessionPupil.objects.filter(session__version=version).values_list(
        "session_id", "pupil_id"
    ):
        pupils[session_id].add(f"p{pupil_id}")
    return [
        SessionRow(
            pk=pk,
            activity=activity,
            day=day,
            start=minutes_of(start),
            end=minutes_of(end),
            room=f"r{room_id}",
            coaches=frozenset(coaches[pk]),
            pupils=frozenset(pupils[pk]),
        )
        for pk, activity, day, start, end, room_id in Session.objects.filter(
            version=version
        ).values_list("pk", "activity__code", "day", "start", "end", "room_id")
    ]


def schedule_version_solution(*, version: ScheduleVersion, pins: bool = False) -> dict[str, Any]:
    """The version rebuilt from its rows as a solution dict (spec/PROBLEM.md): for the
    checker, or with ``pins`` marked as the ``previous`` of a re-solve."""
    pinned: set[int] = set()
    if pins:
        pinned = set(
            Session.objects.filter(version=version, pinned=True).values_list("pk", flat=True)
        )
    sessions = []
    for row in sorted(schedule_version_session_rows(version=version), key=SessionRow.sort_key):
        session = {
            "id": f"s{row.pk}",
            "activity": row.activity,
            "day": row.day,
            "start": row.start_text,
            "end": row.end_text,
            "room": row.room,
            "coaches": sorted(row.coaches),
            "pupils": sorted(row.pupils),
        }
        if row.pk in pinned:
            session["pinned"] = True
        sessions.append(session)
    return {
        "format": "extended-day-solution/1",
        "instance": version.district.code,
        "sessions": sessions,
    }


@dataclass
class VersionDiff:
    added: list[SessionRow] = field(default_factory=list)
    removed: list[SessionRow] = field(default_factory=list)
    moved: list[tuple[SessionRow, SessionRow]] = field(default_factory=list)  # (old, new)
    unchanged: int = 0
    pupils_affected: set[str] = field(default_factory=set)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.moved)


def session_rows_diff(*, old: list[SessionRow], new: list[SessionRow]) -> VersionDiff:
    """The difference of two lists of sessions by the module's matching rule."""
    diff = VersionDiff()
    old_by_id: dict[tuple, list[SessionRow]] = defaultdict(list)
    new_by_id: dict[tuple, list[SessionRow]] = defaultdict(list)
    for row in sorted(old, key=SessionRow.sort_key):
        old_by_id[row.identity].append(row)
    for row in sorted(new, key=SessionRow.sort_key):
        new_by_id[row.identity].append(row)
    for identity in old_by_id.keys() | new_by_id.keys():
        olds, news = old_by_id.get(identity, []), new_by_id.get(identity, [])
        rest_new = []
        for row in news:
            twin = next((o for o in olds if o.placement == row.placement), None)
            if twin is None:
                rest_new.append(row)
            else:
                olds.remove(twin)
                diff.unchanged += 1
        for old_row, new_row in zip(olds, rest_new, strict=False):
            diff.moved.append((old_row, new_row))
        diff.removed.extend(olds[len(rest_new) :])
        diff.added.extend(rest_new[len(olds) :])
    diff.added.sort(key=SessionRow.sort_key)
    diff.removed.sort(key=SessionRow.sort_key)
    diff.moved.sort(key=lambda pair: pair[1].sort_key())
    for row in [*diff.added, *diff.removed]:
        diff.pupils_affected |= row.pupils
    for old_row, new_row in diff.moved:
        diff.pupils_affected |= old_row.pupils | new_row.pupils
    return diff


def version_diff(*, old: ScheduleVersion | None, new: ScheduleVersion) -> VersionDiff:
    """Sessions added, removed and moved from ``old`` (None: nothing published) to ``new``."""
    old_rows = schedule_version_session_rows(version=old) if old is not None else []
    return session_rows_diff(old=old_rows, new=schedule_version_session_rows(version=new))


def schedule_version_coverage(*, version: ScheduleVersion) -> dict[str, list[dict[str, Any]]]:
    """Coverage per school and per category, from the run's instance snapshot and the sessions.

    Per school: ``1 - unmet / demand`` over its pupils (the checker's deficits).
    Per category: minutes received up to each pupil's minimum, over the sum of minimums.
    Empty lists when the version has no snapshot (made by hand).
    """
    run = version.run
    if run is None or not run.instance:
        return {"schools": [], "categories": []}
    instance = run.instance
    deficits: dict[str, int] = version.report.get("deficit_by_pupil", {})
    site_names = {s["id"]: s["name"] for s in instance["sites"]}
    class_site = {k["id"]: k["site"] for k in instance["classes"]}
    activity_category = {a["id"]: a["category"] for a in instance["activities"]}
    activity_minutes = {a["id"]: a["minutes"] for a in instance["activities"]}
    category_names = {c["id"]: c["name"] for c in instance["categories"]}

    def programme_of(grade: int) -> dict[str, Any]:
        return next(p for p in instance["programmes"] if p["grades"][0] <= grade <= p["grades"][1])

    received: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in schedule_version_session_rows(version=version):
        category = activity_category.get(row.activity)
        for pupil in row.pupils:
            received[pupil][category] += activity_minutes.get(row.activity, 0)

    schools: dict[str, dict[str, int]] = defaultdict(lambda: {"demand": 0, "unmet": 0, "pupils": 0})
    categories: dict[str, dict[str, int]] = defaultdict(lambda: {"required": 0, "met": 0})
    for pupil in instance["pupils"]:
        programme = programme_of(pupil["grade"])
        school = schools[class_site[pupil["class"]]]
        school["pupils"] += 1
        school["demand"] += programme["total_minutes"]
        school["unmet"] += deficits.get(pupil["id"], 0)
        for category, minimum in programme["category_minutes"].items():
            categories[category]["required"] += minimum
            categories[category]["met"] += min(minimum, received[pupil["id"]][category])

    def ratio(part: int, whole: int) -> float:
        return 1.0 if whole <= 0 else max(0.0, min(1.0, part / whole))

    return {
        "schools": [
            {
                "site": site,
                "name": site_names.get(site, site),
                "pupils": figures["pupils"],
                "unmet_minutes": figures["unmet"],
                "coverage": ratio(figures["demand"] - figures["unmet"], figures["demand"]),
            }
            for site, figures in sorted(schools.items(), key=lambda i: site_names.get(i[0], i[0]))
        ],
        "categories": [
            {
                "category": category,
                "name": category_names.get(category, category),
                "required_minutes": figures["required"],
                "unmet_minutes": figures["required"] - figures["met"],
                "coverage": ratio(figures["met"], figures["required"]),
            }
            for category, figures in sorted(categories.items())
        ],
    }


def schedule_version_timetable(*, version: ScheduleVersion) -> list[dict[str, Any]]:
    """The sessions grouped per school (site of the room) and day, for the version page."""
    sessions = (
        Session.objects.filter(version=version)
        .select_related("activity__category", "room__site")
        .prefetch_related("coaches")
        .order_by("room__site__name", "day", "start", "room__name")
    )
    counts = _pupil_counts(version)
    schools: dict[int, dict[str, Any]] = {}
    for session in sessions:
        site = session.room.site
        school = schools.setdefault(site.pk, {"site": site, "days": defaultdict(list)})
        session.pupil_count = counts.get(session.pk, 0)
        school["days"][session.day].append(session)
    result = []
    for school in schools.values():
        days = [
            (Weekday(day).label, rows)
            for day, rows in sorted(school["days"].items(), key=lambda i: WEEKDAY_ORDER[i[0]])
        ]
        result.append({"site": school["site"], "days": days})
    return result


def _pupil_counts(version: ScheduleVersion) -> dict[int, int]:
    return dict(
        SessionPupil.objects.filter(session__version=version)
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
