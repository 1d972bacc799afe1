"""After solving: whose minutes are unmet, and which resource held them back.

The checker's ``deficit_by_pupil`` is split per pupil into categories (a category
minimum not reached; the rest of the programme total; a required activity never
attended) and summed per school, category and cause. The cause is read from the
timetable: for a short pupil and each activity it could still take, every start
on the grid is tried:

- no start where the pupil is free (window, day maximum, weekly total): **window**,
  or **pupil_unavailable** when only its unavailability is in the way;
- free, but no room of the kind free then within reach: **room**;
- a room, but not enough coaches with the skill free (availability, day and week
  load, sites): **coach**;
- room and coach free, but fewer short pupils free at that time than the
  activity's ``min_group``: **group_minimum**;
- otherwise the solver simply did not get there: **solver**.

Travel between sessions is left out of this reading, so it names the first
resource that blocks, not a proof; the proofs are in ``solver.explain.capacity``.

``schools`` limits the reading to the pupils of those schools (a re-solve reads
only the schools it changed). A finding is per school and category and is read
from that school's pupils and the whole timetable, so each finding it returns is
exactly the one the full reading returns; only the other schools' are left out.
"""

from __future__ import annotations

from collections import defaultdict

from solver.checker import CheckReport, check
from solver.explain.capacity import CapacityReport, _Context, _free, _minus, _places
from solver.explain.findings import Finding
from solver.instance import Activity, Instance, Pupil
from solver.solution import Session, Solution
from solver.times import Interval


class _Timetable:
    """The solution by pupil, room and coach, for looking up what is still free."""

    def __init__(self, instance: Instance, solution: Solution):
        self.instance = instance
        self.by_pupil: dict[str, list[Session]] = defaultdict(list)
        self.by_room: dict[tuple[str, str], list[Interval]] = defaultdict(list)
        self.by_coach: dict[tuple[str, str], list[Interval]] = defaultdict(list)
        self.coach_day: dict[tuple[str, str], int] = defaultdict(int)
        self.coach_week: dict[str, int] = defaultdict(int)
        self.sessions: dict[tuple[str, str], list[Session]] = defaultdict(list)
        for s in solution.sessions:
            if s.activity not in instance.activity or s.room not in instance.room:
                continue
            self.sessions[(s.activity, s.day)].append(s)
            self.by_room[(s.room, s.day)].append((s.start, s.end))
            for coach in s.coaches:
                self.by_coach[(coach, s.day)].append((s.start, s.end))
                self.coach_day[(coach, s.day)] += s.end - s.start
                self.coach_week[coach] += s.end - s.start
            for pupil in s.pupils:
                self.by_pupil[pupil].append(s)


def _busy(spans: list[Interval], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


class _Reader:
    def __init__(self, instance: Instance, solution: Solution):
        self.instance = instance
        self.ctx = _Context(instance)
        self.tt = _Timetable(instance, solution)
        self.resource: dict[tuple, str] = {}
        self.causes: dict[tuple, tuple[str, set, tuple]] = {}
        self.coaches_with: dict[str, list] = defaultdict(list)
        for coach in instance.coaches:
            for skill in coach.skills:
                self.coaches_with[skill].append(coach)

    def slot_resource(self, school: str, activity: Activity, day: str, start: int) -> str:
        """ "free", "room" (no room free) or "coach" (a room, but no coaches) at that start."""
        key = (school, activity.id, day, start)
        if key in self.resource:
            return self.resource[key]
        end = start + activity.minutes
        rooms_free = False
        verdict = "room"
        short_handed: set[int] = set()  # sites (their coach lists) already found short
        for spans, booked, coaches in self._day_options(school, activity, day):
            if not any(a <= start and end <= b for a, b in spans) or _busy(booked, start, end):
                continue
            rooms_free = True
            if id(coaches) in short_handed:
                continue
            free = 0
            for available, busy in coaches:
                if any(a <= start and end <= b for a, b in available) and not _busy(
                    busy, start, end
                ):
                    free += 1
                    if free >= activity.coaches:
                        verdict = "free"
                        break
            if verdict == "free":
                break
            short_handed.add(id(coaches))
        if verdict != "free" and rooms_free:
            verdict = "coach"
        self.resource[key] = verdict
        return verdict

    def _verdicts(self, school: str, activity: Activity, day: str) -> dict[int, str]:
        """Verdicts by start, shared by activities that need the same room kinds, skill,
        minutes and number of coaches."""
        key = (
            "verdicts", school, day, activity.skill, activity.room_kinds, activity.minutes,
            activity.coaches,
        )  # fmt: skip
        if key not in self.resource:
            self.resource[key] = {}  # type: ignore[assignment]
        return self.resource[key]  # type: ignore[return-value]

    def _day_options(self, school: str, activity: Activity, day: str) -> list:
        """The rooms of the kind open to X's pupils that day (their spans and bookings), each
        with the coaches who may lead the activity there that day (availability, bookings);
        what does not depend on the start, worked out once per school, activity and day."""
        key = ("options", school, day, activity.skill, activity.room_kinds, activity.minutes)
        if key in self.resource:
            return self.resource[key]  # type: ignore[return-value]
        options = []
        for site in self.ctx.reach[school]:
            rooms = self._rooms_of_kinds(site, activity.room_kinds)
            if not rooms:
                continue
            here = self._coaches_at(activity, day, site)
            for room in rooms:
                spans = self.ctx.room_spans(school, room, day)
                if spans:
                    options.append((spans, self.tt.by_room[(room.id, day)], here))
        self.resource[key] = options  # type: ignore[assignment]
        return options

    def _rooms_of_kinds(self, site: str, kinds: tuple[str, ...]) -> list:
        key = ("rooms", site, kinds)
        if key not in self.resource:
            self.resource[key] = [  # type: ignore[assignment]
                room for room in self.ctx.rooms_at.get(site, []) if set(room.kinds) & set(kinds)
            ]
        return self.resource[key]  # type: ignore[return-value]

    def _coaches_at(self, activity: Activity, day: str, site: str) -> list:
        """Coaches who may still lead the activity at the site that day: (availability, bookings)."""
        key = ("coaches", activity.skill, activity.minutes, day, site)
        if key not in self.resource:
            tt = self.tt
            self.resource[key] = [  # type: ignore[assignment]
                (coach.available[day], tt.by_coach[(coach.id, day)])
                for coach in self.coaches_with.get(activity.skill, ())
                if coach.available.get(day)
                and (coach.sites is None or site in coach.sites)
                and tt.coach_day[(coach.id, day)] + activity.minutes <= coach.max_minutes_per_day
                and tt.coach_week[coach.id] + activity.minutes <= coach.max_minutes_per_week
            ]
        return self.resource[key]  # type: ignore[return-value]

    def kept(self, pupil: Pupil, category: str | None) -> list[Session]:
        """The pupil's sessions it needs: one of a category beyond its minimum could give way."""
        instance = self.instance
        minimums = instance.programme_of(pupil).category_minutes
        mine = self.tt.by_pupil.get(pupil.id, [])
        received: dict[str, int] = defaultdict(int)
        for s in mine:
            received[instance.activity[s.activity].category] += s.end - s.start
        kept = []
        for s in mine:
            other = instance.activity[s.activity].category
            spare = received[other] - (s.end - s.start) >= minimums.get(other, 0)
            if category is None or other == category or not spare or s.activity in pupil.required:
                kept.append(s)
            else:
                received[other] -= s.end - s.start
        return kept

    def starts(
        self, pupil: Pupil, activity: Activity, day: str, unavailable: bool, mine: list[Session]
    ) -> list[int]:
        """Grid starts on the day where the pupil could still take the activity."""
        instance = self.instance
        programme = instance.programme_of(pupil)
        today = [s for s in mine if s.day == day]
        if any(s.activity == activity.id for s in today):
            return []
        if sum(s.end - s.start for s in today) + activity.minutes > programme.max_minutes_per_day:
            return []
        if sum(s.end - s.start for s in mine) + activity.minutes > programme.total_minutes:
            return []
        spans = _minus(_free(self.ctx, pupil, day, unavailable), [(s.start, s.end) for s in today])
        step = instance.slot_minutes
        return [t for a, b in spans for t in range(a + (-a) % step, b - activity.minutes + 1, step)]

    def cause(
        self, pupil: Pupil, category: str | None, activities: list[Activity]
    ) -> tuple[str, set, tuple]:
        """Why the pupil got no more of these activities; the slots where only a group was missing.

        Pupils of one cohort share their sessions, so the answer is kept per kind of pupil:
        school, grade, category, sessions, required activities and unavailability."""
        school = self.instance.school_of(pupil)
        key = (
            school,
            pupil.grade,
            category,
            tuple(s.id for s in self.tt.by_pupil.get(pupil.id, [])),
            pupil.required,
            tuple(sorted((d, tuple(spans)) for d, spans in pupil.unavailable.items())),
        )
        if key not in self.causes:
            self.causes[key] = self._cause(pupil, category, activities)
        return self.causes[key]

    def _cause(
        self, pupil: Pupil, category: str | None, activities: list[Activity]
    ) -> tuple[str, set, tuple]:
        school = self.instance.school_of(pupil)
        mine = self.kept(pupil, category)
        taken = defaultdict(int)
        for s in self.tt.by_pupil.get(pupil.id, []):
            taken[s.activity] += 1
        options = [
            a
            for a in activities
            if a.grades[0] <= pupil.grade <= a.grades[1]
            and (a.max_per_week is None or taken[a.id] < a.max_per_week)
            and _places(self.ctx, school, a) > 0
        ]
        seen_time = seen_room = False
        open_slots: set = set()
        days: set = set()
        for activity in options:
            for day in self.instance.days:
                starts = self.starts(pupil, activity, day, True, mine)
                if not starts:
                    continue
                seen_time = True
                days.add(day)
                verdicts = self._verdicts(school, activity, day)
                for start in starts:
                    verdict = verdicts.get(start)
                    if verdict is None:
                        verdict = verdicts[start] = self.slot_resource(school, activity, day, start)
                    if verdict != "room":
                        seen_room = True
                    if verdict == "free":
                        open_slots.add((activity.id, day, start))
        ordered = tuple(d for d in self.instance.days if d in days)
        if open_slots:
            return "open", open_slots, ordered
        if seen_room:
            return "coach", open_slots, ordered
        if seen_time:
            return "room", open_slots, ordered
        if options and any(
            self.starts(pupil, a, d, False, mine) for a in options for d in self.instance.days
        ):
            return "pupil_unavailable", open_slots, tuple(self.instance.days)
        return "window", open_slots, tuple(self.instance.days)


def attribute(
    instance: Instance,
    solution: Solution,
    report: CheckReport | None = None,
    capacity: CapacityReport | None = None,
    schools: set[str] | frozenset[str] | None = None,
) -> list[Finding]:
    """The unmet minutes of a solution per school, category and cause, largest first
    (only of the pupils of ``schools`` when given)."""
    if report is None:
        report = check(instance, solution)
    reader = _Reader(instance, solution)
    by_category = reader.ctx.by_category
    # (school, category or None) -> list of (pupil, minutes)
    parts: dict[tuple[str, str | None], list[tuple[Pupil, int]]] = defaultdict(list)
    for pupil_id, deficit in report.deficit_by_pupil.items():
        if deficit <= 0 or pupil_id not in instance.pupil:
            continue
        pupil = instance.pupil[pupil_id]
        school = instance.school_of(pupil)
        if schools is not None and school not in schools:
            continue
        programme = instance.programme_of(pupil)
        received: dict[str, int] = defaultdict(int)
        attended = set()
        for s in reader.tt.by_pupil.get(pupil_id, []):
            received[instance.activity[s.activity].category] += s.end - s.start
            attended.add(s.activity)
        shorts = {
            c: m - received[c] for c, m in programme.category_minutes.items() if m > received[c]
        }
        rest = programme.total_minutes - sum(received.values()) - sum(shorts.values())
        for category, minutes in shorts.items():
            parts[(school, category)].append((pupil, minutes))
        if rest > 0:
            parts[(school, None)].append((pupil, rest))
        for activity_id in dict.fromkeys(pupil.required):
            if activity_id not in attended and activity_id in instance.activity:
                activity = instance.activity[activity_id]
                parts[(school, activity.category)].append((pupil, activity.minutes))

    findings: list[Finding] = []
    names = {c.id: c.name for c in instance.categories}
    for (school, category), owed in parts.items():
        activities = by_category[category] if category else list(instance.activities)
        groups: dict[str, list[tuple[Pupil, int]]] = defaultdict(list)
        group_days: dict[str, set] = defaultdict(set)
        lonely: set[tuple] = set()  # slots with a room and coach but too few pupils
        slots: dict[tuple, set[str]] = defaultdict(set)
        pending = []
        for pupil, minutes in owed:
            cause, open_slots, days = reader.cause(pupil, category, activities)
            if cause == "open":
                pending.append((pupil, minutes, open_slots, days))
                for slot in open_slots:
                    slots[slot].add(pupil.id)
                continue
            groups[cause].append((pupil, minutes))
            group_days[cause].update(days)
        for pupil, minutes, open_slots, days in pending:
            enough = any(
                len(slots[slot]) >= instance.activity[slot[0]].min_group for slot in open_slots
            )
            cause = "solver" if enough else "group_minimum"
            if not enough:
                lonely.update(open_slots)
            groups[cause].append((pupil, minutes))
            group_days[cause].update(days)
        for cause, items in groups.items():
            finding = _finding(reader, school, category, names, cause, items, group_days[cause])
            if cause == "group_minimum" and lonely:
                blocked = [instance.activity[a] for a in dict.fromkeys(s[0] for s in lonely)]
                finding.resources = tuple(a.name for a in blocked)
                finding.details = {
                    "min_group": min(a.min_group for a in blocked),
                    "pool": max(len(slots[s]) for s in lonely),
                    "activities": [a.id for a in blocked],
                }
            findings.append(finding)
    if capacity is not None:
        proved = {(f.school, f.category, f.kind): f.suggestion for f in capacity.findings}
        for f in findings:
            f.suggestion = proved.get((f.school, f.category, f.kind))
    findings.sort(key=lambda f: (-f.short, f.school or "", f.category or "", f.kind))
    return findings


def _finding(reader, school, category, names, cause, items, days) -> Finding:
    instance = reader.instance
    ctx = reader.ctx
    activities = ctx.by_category[category] if category else list(instance.activities)
    grades = ctx.grades_at(school)
    mine = [a for a in activities if any(a.grades[0] <= g <= a.grades[1] for g in grades)]
    resources: tuple[str, ...] = ()
    details: dict = {}
    if cause == "room":
        kinds = {k for a in mine for k in a.room_kinds}
        rooms = [
            r for s in ctx.reach[school] for r in ctx.rooms_at.get(s, []) if set(r.kinds) & kinds
        ]
        resources = tuple(r.name for r in rooms)
        # full on the days it is open; on the others it is closed, not full
        days = {d for d in days if any(ctx.room_spans(school, r, d) for r in rooms)}
    elif cause in ("coach", "group_minimum"):
        resources = tuple(a.name for a in mine)
        if cause == "group_minimum":
            details = {"min_group": min((a.min_group for a in mine), default=1), "pool": len(items)}
    pupils = {p.id for p, _ in items}
    return Finding(
        phase="unmet",
        kind=cause,
        short=sum(m for _, m in items),
        school=school,
        school_name=instance.site[school].name,
        category=category,
        category_name=names.get(category, category or ""),
        days=tuple(d for d in instance.days if d in days),
        pupils=len(pupils),
        classes=len({instance.pupil[p].class_id for p in pupils}),
        resources=resources,
        details=details,
    )
