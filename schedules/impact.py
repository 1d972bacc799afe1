"""The impact of replacing one version by another, read from their diff.

:func:`version_impact` regroups :func:`schedules.selectors.version_diff` (the
very same added, removed and moved sessions and affected pupils) per school and
per coach, with the names a coordinator reads. Nothing is counted twice and
nothing is added: the report *is* the diff, arranged for people.

- a **school** is touched when a changed session is held there or one of its
  pupils is affected; its pupils are counted per class; schools without either
  are listed as untouched;
- a **coach** is touched when they lead a changed session before or after: the
  session is *moved* for them when they lead it on both sides, *removed* when
  only before, *added* when only after.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from schedules.models import ScheduleVersion
from schedules.selectors import SessionRow, VersionDiff, version_diff
from schools.models import Activity, Coach, District, Pupil, Room, Site, Weekday


@dataclass
class SessionChange:
    """An added, removed or moved session, with the words to show it."""

    kind: str  # "added" | "removed" | "moved"
    old: SessionRow | None
    new: SessionRow | None
    activity: str = ""
    before: str = ""
    after: str = ""
    sites: set[int] = field(default_factory=set)

    @property
    def rows(self) -> list[SessionRow]:
        return [row for row in (self.old, self.new) if row is not None]

    @property
    def pupils(self) -> frozenset[str]:
        return frozenset().union(*(row.pupils for row in self.rows))

    @property
    def coaches(self) -> frozenset[str]:
        return frozenset().union(*(row.coaches for row in self.rows))


@dataclass
class ClassCount:
    name: str
    pupils: int


@dataclass
class SchoolImpact:
    site: Site
    changes: list[SessionChange]
    pupil_count: int
    classes: list[ClassCount]
    pupils: list[Pupil] | None  # None: the viewer may not see names


@dataclass
class CoachImpact:
    coach: Coach
    items: list[tuple[str, SessionChange]]  # (what it is for this coach, the change)


@dataclass
class Impact:
    diff: VersionDiff
    changes: list[SessionChange]
    schools: list[SchoolImpact]
    untouched: list[Site]
    coaches: list[CoachImpact]

    @property
    def pupils_affected(self) -> int:
        return len(self.diff.pupils_affected)


def _pk(solver_id: str) -> int:
    return int(solver_id[1:])


def version_impact(
    *, old: ScheduleVersion | None, new: ScheduleVersion, show_names: bool
) -> Impact:
    """Who and what changes when ``new`` replaces ``old``; pupil names only with ``show_names``."""
    diff = version_diff(old=old, new=new)
    return diff_impact(diff=diff, district=new.district, show_names=show_names)


def diff_impact(*, diff: VersionDiff, district: District, show_names: bool) -> Impact:
    """The diff regrouped per school and per coach (see the module's rules)."""
    changes = (
        [SessionChange("added", None, row) for row in diff.added]
        + [SessionChange("removed", row, None) for row in diff.removed]
        + [SessionChange("moved", old, new) for old, new in diff.moved]
    )
    rows = [row for change in changes for row in change.rows]
    rooms = {
        f"r{room.pk}": room
        for room in Room.objects.filter(pk__in={_pk(r.room) for r in rows}).select_related("site")
    }
    activities = dict(
        Activity.objects.filter(district=district, code__in={r.activity for r in rows}).values_list(
            "code", "name"
        )
    )
    pupils = {
        f"p{p.pk}": p
        for p in Pupil.objects.filter(pk__in={_pk(p) for p in diff.pupils_affected})
        .select_related("class_group")
        .order_by("class_group__name", "surname", "given_name")
    }
    coaches = {
        f"c{c.pk}": c
        for c in Coach.objects.filter(pk__in={_pk(c) for ch in changes for c in ch.coaches})
    }

    def placement(row: SessionRow | None) -> str:
        if row is None:
            return ""
        room = rooms.get(row.room)
        where = f"{room.name}, {room.site.name}" if room else row.room
        names = ", ".join(sorted(coaches[c].full_name for c in row.coaches if c in coaches))
        return f"{Weekday(row.day).label} {row.start_text}–{row.end_text}, {where}" + (
            f" ({names})" if names else ""
        )

    for change in changes:
        any_row = change.new or change.old
        change.activity = activities.get(any_row.activity, any_row.activity)
        change.before, change.after = placement(change.old), placement(change.new)
        change.sites = {rooms[r.room].site_id for r in change.rows if r.room in rooms}
        change.sites |= {pupils[p].school_id for p in change.pupils if p in pupils}

    schools = []
    untouched = []
    for site in Site.objects.filter(district=district, kind=Site.Kind.SCHOOL).order_by("name"):
        mine = [c for c in changes if site.pk in c.sites]
        own_pupils = [p for p in pupils.values() if p.school_id == site.pk]
        if not mine and not own_pupils:
            untouched.append(site)
            continue
        per_class: dict[str, int] = defaultdict(int)
        for pupil in own_pupils:
            per_class[pupil.class_group.name] += 1
        schools.append(
            SchoolImpact(
                site=site,
                changes=mine,
                pupil_count=len(own_pupils),
                classes=[ClassCount(name, n) for name, n in sorted(per_class.items())],
                pupils=own_pupils if show_names else None,
            )
        )

    per_coach: dict[str, list[tuple[str, SessionChange]]] = defaultdict(list)
    for change in changes:
        before = change.old.coaches if change.old else frozenset()
        after = change.new.coaches if change.new else frozenset()
        for coach_id in before | after:
            kind = (
                "moved"
                if coach_id in before and coach_id in after
                else ("removed" if coach_id in before else "added")
            )
            per_coach[coach_id].append((kind, change))
    coach_rows = [
        CoachImpact(coach=coaches[coach_id], items=items)
        for coach_id, items in per_coach.items()
        if coach_id in coaches
    ]
    coach_rows.sort(key=lambda c: (c.coach.surname, c.coach.given_name, c.coach.pk))
    return Impact(
        diff=diff, changes=changes, schools=schools, untouched=untouched, coaches=coach_rows
    )
