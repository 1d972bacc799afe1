"""Capacity analysis before solving: what no timetable can deliver, proved by counting.

Plain Python over the instance only, milliseconds per school. For each school X
and category c, with N = the pupil-minutes X's pupils need in c (programme
minimums):

- **rooms**: X's pupils attend only at X and at sites within
  ``max_pupil_travel_minutes`` (H3), inside X's window (H2; at another site from
  ``open + travel``), in rooms of an activity's kind (H7), at most
  ``min(capacity, max_group)`` pupils a session (H6), one session a room at a time.
  So c gives X's pupils at most ``R = sum_rooms open minutes * places``.
- **coaches**: a session of activity a with ``k`` coaches and ``n`` pupils uses
  ``minutes * k`` coach-minutes and gives ``minutes * n`` pupil-minutes, so each
  coach-minute gives at most ``places(a) / k``. A coach gives at most
  ``min(week max, sum_days min(day max, availability within X's window))``
  minutes (H8, H9); summed over coaches with a skill of c that may work within
  X's reach: ``K``.
- **pupils**: each pupil p gets at most ``U_p`` minutes of c: per day
  ``min(day max, free minutes in the window, the c-activities it may take that day)``,
  each activity at most once a day and ``max_per_week`` times (H4, H5); an
  activity whose ``min_group`` exceeds every pupil who could join it never runs.

- **rooms and coaches on the same day**: a session needs both at once, so with
  ``R_d`` and ``K_d`` the same bounds for one day, c gives at most
  ``J = sum_d min(R_d, K_d)`` (a gym open only on days no coach of the skill works
  gives nothing; this keeps a suggestion from opening a room on such a day).

Then c delivers at most ``min(R, K, J, sum_p min(m_p, U_p))`` of the N minutes, and
since a pupil's deficit is at least the sum of its category shortfalls, X is short
at least ``N - that`` (the spec's deficit formula; all bounds are per school, so
they add up over schools). Likewise a pupil's whole programme: at most
``min(T, sum_days min(day max, free window minutes))``. Each proved shortfall
becomes a ``Finding``; its suggestion is tried on a copy of the instance and the
analysis re-run, so the minutes it claims to recover are measured.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from solver.explain.findings import Finding, Suggestion
from solver.instance import Activity, Coach, Instance, Pupil, Room
from solver.times import Interval, format_time, merge, parse_time

INF = 10**9


@dataclass
class Cell:
    """One school and category: what is needed, and each proven ceiling."""

    school: str
    category: str
    need: int
    pupils: int
    rooms: int  # R: pupil-minutes the rooms within reach can hold
    coaches: int  # K: pupil-minutes the coaches can lead
    pupil_cap: int  # sum_p min(m_p, U_p)
    pupil_cap_free: int  # the same without unavailability (to name the cause)
    pupil_cap_all: int  # the same without group minimums (to name the cause)
    room_names: list[str] = field(default_factory=list)
    room_days: list[str] = field(default_factory=list)
    coach_activities: list[str] = field(default_factory=list)
    coach_days: list[str] = field(default_factory=list)
    blocked: list[tuple[Activity, int]] = field(default_factory=list)  # (activity, pool)
    # per day: pupil-minutes the rooms can hold and the coaches can lead that day
    room_by_day: dict[str, int] = field(default_factory=dict)
    coach_by_day: dict[str, int] = field(default_factory=dict)

    @property
    def joint(self) -> int:
        """A session needs a room and a coach on the same day: ``sum_d min(R_d, K_d)``."""
        days = self.room_by_day.keys() | self.coach_by_day.keys()
        if not days:
            return INF
        return sum(min(self.room_by_day.get(d, 0), self.coach_by_day.get(d, 0)) for d in days)

    @property
    def deliverable(self) -> int:
        return min(self.rooms, self.coaches, self.joint, self.pupil_cap)

    @property
    def short(self) -> int:
        return max(0, self.need - self.deliverable)


@dataclass
class SchoolWindow:
    """A school's whole programme against its window: ``sum_p T - sum_p W_p``."""

    school: str
    pupils: int  # pupils short
    short: int
    short_free: int  # without unavailability


@dataclass
class CapacityReport:
    cells: dict[tuple[str, str], Cell]
    windows: dict[str, SchoolWindow]
    findings: list[Finding]

    def school_short(self, school: str) -> int:
        """Pupil-minutes the school is proved short: the larger of both arguments."""
        by_category = sum(c.short for (s, _), c in self.cells.items() if s == school)
        window = self.windows[school].short if school in self.windows else 0
        return max(by_category, window)

    @property
    def total_short(self) -> int:
        """A lower bound on the unmet minutes of every solution."""
        return sum(self.school_short(s) for s in {s for s, _ in self.cells} | set(self.windows))


# -- interval helpers ---------------------------------------------------------------


def _clip(spans: list[Interval] | None, lo: int, hi: int) -> list[Interval]:
    if spans is None:
        return [(lo, hi)] if hi > lo else []
    return [(max(a, lo), min(b, hi)) for a, b in spans if min(b, hi) > max(a, lo)]


def _minus(spans: list[Interval], cuts: list[Interval]) -> list[Interval]:
    out = []
    for a, b in spans:
        pieces = [(a, b)]
        for c, d in cuts:
            pieces = [
                piece
                for x, y in pieces
                for piece in ((x, min(y, c)), (max(x, d), y))
                if piece[1] > piece[0]
            ]
        out += pieces
    return merge(out)


def _length(spans: list[Interval]) -> int:
    return sum(b - a for a, b in spans)


# -- the analysis -------------------------------------------------------------------


class _Context:
    """Look-ups shared by every school of one instance."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.pupils_at: dict[str, list[Pupil]] = defaultdict(list)
        for pupil in instance.pupils:
            self.pupils_at[instance.school_of(pupil)].append(pupil)
        self.reach: dict[str, list[str]] = {}
        for site in instance.sites:
            if site.kind != "school":
                continue
            self.reach[site.id] = [site.id] + [
                s.id
                for s in instance.sites
                if s.id != site.id
                and (t := instance.travel_minutes(site.id, s.id)) is not None
                and t <= instance.max_pupil_travel_minutes
            ]
        self.rooms_at: dict[str, list[Room]] = defaultdict(list)
        for room in instance.rooms:
            self.rooms_at[room.site].append(room)
        self.memo: dict[tuple, int] = {}
        self.grade_counts = {
            school: Counter(p.grade for p in pupils) for school, pupils in self.pupils_at.items()
        }
        self.by_category: dict[str, list[Activity]] = defaultdict(list)
        for activity in instance.activities:
            self.by_category[activity.category].append(activity)

    def grades_at(self, school: str) -> set[int]:
        return {p.grade for p in self.pupils_at.get(school, [])}

    def pool(self, school: str, activity: Activity) -> int:
        """Pupils who could ever sit together in a session of the activity with X's pupils."""
        lo, hi = activity.grades
        mine = set(self.reach[school])
        total = 0
        for other, grades in self.grade_counts.items():
            if other != school and not (mine & set(self.reach.get(other, ()))):
                continue
            total += sum(n for g, n in grades.items() if lo <= g <= hi)
        return total

    def room_spans(self, school: str, room: Room, day: str) -> list[Interval]:
        """When the room is open to X's pupils that day (X's window, after the walk)."""
        key = ("room", school, room.id, day)
        if key not in self.memo:
            self.memo[key] = self._room_spans(school, room, day)
        return self.memo[key]

    def _room_spans(self, school: str, room: Room, day: str) -> list[Interval]:
        window = self.instance.site[school].window.get(day)
        if window is None:
            return []
        travel = self.instance.travel_minutes(school, room.site) or 0
        lo, hi = window
        return _clip(
            None if room.available is None else room.available.get(day, []), lo + travel, hi
        )

    def coach_minutes(self, school: str, coach: Coach) -> tuple[int, dict[str, int]]:
        """Most minutes the coach can work within X's window, and per day."""
        key = ("coach", school, coach.id)
        if key not in self.memo:
            self.memo[key] = self._coach_minutes(school, coach)
        return self.memo[key]

    def _coach_minutes(self, school: str, coach: Coach) -> tuple[int, dict[str, int]]:
        week = 0
        days: dict[str, int] = {}
        for day in self.instance.days:
            window = self.instance.site[school].window.get(day)
            if window is None:
                continue
            spans = _clip(coach.available.get(day, []), *window)
            minutes = min(coach.max_minutes_per_day, _length(spans))
            if minutes > 0:
                week += minutes
                days[day] = min(minutes, coach.max_minutes_per_week)
        return min(week, coach.max_minutes_per_week), days


def _usable(ctx: _Context, school: str, category: str) -> tuple[list[Activity], list]:
    """The category's activities X's pupils may take, and those a group minimum rules out."""
    grades = ctx.grades_at(school)
    usable, blocked = [], []
    for activity in ctx.by_category.get(category, []):
        lo, hi = activity.grades
        if not any(lo <= g <= hi for g in grades):
            continue
        pool = ctx.pool(school, activity)
        if pool < activity.min_group:
            blocked.append((activity, pool))
        else:
            usable.append(activity)
    return usable, blocked


def _places(ctx: _Context, school: str, activity: Activity) -> int:
    """Most pupils one session of the activity can hold within X's reach (0: no room)."""
    key = ("places", school, activity.id)
    if key not in ctx.memo:
        ctx.memo[key] = _places_of(ctx, school, activity)
    return ctx.memo[key]


def _places_of(ctx: _Context, school: str, activity: Activity) -> int:
    best = 0
    for site in ctx.reach[school]:
        for room in ctx.rooms_at.get(site, []):
            if set(room.kinds) & set(activity.room_kinds):
                best = max(best, min(room.capacity, activity.max_group))
    return best


def _room_bound(ctx: _Context, school: str, activities: list[Activity]):
    total = 0
    names, days = [], set()
    by_day: dict[str, int] = defaultdict(int)
    for site in ctx.reach[school]:
        for room in ctx.rooms_at.get(site, []):
            fitting = [a for a in activities if set(room.kinds) & set(a.room_kinds)]
            if not fitting:
                continue
            places = max(min(room.capacity, a.max_group) for a in fitting)
            shortest = min(a.minutes for a in fitting)
            minutes = 0
            for day in ctx.instance.days:
                spans = ctx.room_spans(school, room, day)
                usable = sum(b - a for a, b in spans if b - a >= shortest)
                if usable:
                    days.add(day)
                    by_day[day] += usable * places
                minutes += usable
            if minutes:
                total += minutes * places
                names.append(room.name)
    order = [d for d in ctx.instance.days if d in days]
    return total, names, order, dict(by_day)


def _coach_bound(ctx: _Context, school: str, activities: list[Activity]):
    instance = ctx.instance
    reach = set(ctx.reach[school])
    rate = {a.id: _places(ctx, school, a) / a.coaches for a in activities}
    total = 0.0
    names, days = [], set()
    by_day: dict[str, float] = defaultdict(float)
    for coach in instance.coaches:
        if coach.sites is not None and not (reach & set(coach.sites)):
            continue
        best = max((rate[a.id] for a in activities if a.skill in coach.skills), default=0)
        if best <= 0:
            continue
        minutes, on = ctx.coach_minutes(school, coach)
        if minutes:
            total += minutes * best
            days.update(on)
            for day, today in on.items():
                by_day[day] += today * best
            names += [a.name for a in activities if a.skill in coach.skills]
    order = [d for d in instance.days if d in days]
    per_day = {d: int(v) for d, v in by_day.items()}
    return int(total), list(dict.fromkeys(names)), order, per_day


def _free(ctx: _Context, pupil: Pupil, day: str, unavailable: bool = True) -> list[Interval]:
    window = ctx.instance.site[ctx.instance.school_of(pupil)].window.get(day)
    if window is None:
        return []
    spans = [window]
    if unavailable and day in pupil.unavailable:
        spans = _minus(spans, pupil.unavailable[day])
    return spans


def _pupil_category_cap(
    ctx: _Context, pupil: Pupil, activities: list[Activity], unavailable: bool
) -> int:
    """Most minutes of these activities the pupil can attend in a week (memoised by kind of pupil)."""
    absent = (
        tuple(sorted((d, tuple(s)) for d, s in pupil.unavailable.items())) if unavailable else ()
    )
    key = (ctx.instance.school_of(pupil), pupil.grade, absent, tuple(a.id for a in activities))
    if key not in ctx.memo:
        ctx.memo[key] = _category_cap(ctx, pupil, activities, unavailable)
    return ctx.memo[key]


def _category_cap(
    ctx: _Context, pupil: Pupil, activities: list[Activity], unavailable: bool
) -> int:
    programme = ctx.instance.programme_of(pupil)
    mine = [a for a in activities if a.grades[0] <= pupil.grade <= a.grades[1]]
    if not mine:
        return 0
    per_day = 0
    fits_on: dict[str, int] = defaultdict(int)
    for day in ctx.instance.days:
        spans = _free(ctx, pupil, day, unavailable)
        longest = max((b - a for a, b in spans), default=0)
        today = [a for a in mine if a.minutes <= longest]
        for a in today:
            fits_on[a.id] += 1
        per_day += min(programme.max_minutes_per_day, _length(spans), sum(a.minutes for a in today))
    per_activity = sum(
        a.minutes * min(fits_on[a.id], a.max_per_week if a.max_per_week is not None else INF)
        for a in mine
    )
    return min(per_day, per_activity, programme.total_minutes)


def _window_cap(ctx: _Context, pupil: Pupil, unavailable: bool) -> int:
    """Most minutes the pupil can attend in a week: its programme against its free window."""
    absent = (
        tuple(sorted((d, tuple(s)) for d, s in pupil.unavailable.items())) if unavailable else ()
    )
    key = ("window", ctx.instance.school_of(pupil), pupil.grade, absent)
    if key not in ctx.memo:
        ctx.memo[key] = _window_cap_of(ctx, pupil, unavailable)
    return ctx.memo[key]


def _window_cap_of(ctx: _Context, pupil: Pupil, unavailable: bool) -> int:
    """Free minutes a day, counting only stretches that hold the pupil's shortest activity."""
    programme = ctx.instance.programme_of(pupil)
    shortest = min(
        (a.minutes for a in ctx.instance.activities if a.grades[0] <= pupil.grade <= a.grades[1]),
        default=INF,
    )
    total = 0
    for day in ctx.instance.days:
        spans = _free(ctx, pupil, day, unavailable)
        usable = sum(b - a for a, b in spans if b - a >= shortest)
        total += min(programme.max_minutes_per_day, usable)
    return min(programme.total_minutes, total)


def _school_cells(ctx: _Context, school: str) -> tuple[dict[tuple[str, str], Cell], SchoolWindow]:
    instance = ctx.instance
    pupils = ctx.pupils_at.get(school, [])
    categories = sorted(
        {c for p in pupils for c, m in instance.programme_of(p).category_minutes.items() if m > 0}
    )
    cells = {}
    for category in categories:
        usable, blocked = _usable(ctx, school, category)
        usable = [a for a in usable if _places(ctx, school, a) > 0]
        every = usable + [a for a, _ in blocked if _places(ctx, school, a) > 0]
        need = cap = cap_free = cap_all = count = 0
        for pupil in pupils:
            m = instance.programme_of(pupil).category_minutes.get(category, 0)
            if m <= 0:
                continue
            count += 1
            need += m
            cap += min(m, _pupil_category_cap(ctx, pupil, usable, True))
            cap_free += min(m, _pupil_category_cap(ctx, pupil, usable, False))
            cap_all += min(m, _pupil_category_cap(ctx, pupil, every, True))
        rooms, room_names, room_days, room_by_day = _room_bound(ctx, school, usable)
        coaches, coach_acts, coach_days, coach_by_day = _coach_bound(ctx, school, usable)
        cells[(school, category)] = Cell(
            school, category, need, count, rooms, coaches, cap, cap_free, cap_all,
            room_names, room_days, coach_acts, coach_days, blocked, room_by_day, coach_by_day,
        )  # fmt: skip
    short = short_free = short_pupils = 0
    for pupil in pupils:
        total = instance.programme_of(pupil).total_minutes
        gap = total - _window_cap(ctx, pupil, True)
        if gap > 0:
            short += gap
            short_pupils += 1
            short_free += max(0, total - _window_cap(ctx, pupil, False))
    return cells, SchoolWindow(school, short_pupils, short, short_free)


def _numbers(instance: Instance, schools: list[str] | None = None):
    ctx = _Context(instance)
    cells: dict[tuple[str, str], Cell] = {}
    windows: dict[str, SchoolWindow] = {}
    for school in ctx.reach if schools is None else schools:
        if school not in ctx.pupils_at:
            continue
        found, window = _school_cells(ctx, school)
        cells.update(found)
        windows[school] = window
    return ctx, cells, windows


def school_shortfall(instance: Instance, school: str) -> int:
    """The proved shortfall of one school (pupil-minutes a week)."""
    _, cells, windows = _numbers(instance, [school])
    return CapacityReport(cells, windows, []).school_short(school)


def analyse(instance: Instance, *, suggest: bool = True) -> CapacityReport:
    """Every shortfall the counting arguments prove, largest first, with suggestions."""
    ctx, cells, windows = _numbers(instance)
    report = CapacityReport(cells, windows, [])
    findings: list[Finding] = []
    for cell in cells.values():
        findings += _cell_findings(ctx, cell)
    for window in windows.values():
        if window.short > 0:
            findings.append(_window_finding(ctx, window))
    findings.sort(key=lambda f: (-f.short, f.school or "", f.category or "", f.kind))
    if suggest:
        for finding in findings:
            finding.suggestion = _suggest(instance, report, finding)
    report.findings = findings
    return report


def _base(ctx: _Context, cell: Cell, kind: str, short: int) -> Finding:
    category = next((c for c in ctx.instance.categories if c.id == cell.category), None)
    return Finding(
        phase="capacity",
        kind=kind,
        short=short,
        school=cell.school,
        school_name=ctx.instance.site[cell.school].name,
        category=cell.category,
        category_name=category.name if category else cell.category,
        need=cell.need,
        pupils=cell.pupils,
        classes=len({p.class_id for p in ctx.pupils_at[cell.school]}),
    )


def _cell_findings(ctx: _Context, cell: Cell) -> list[Finding]:
    """A cell's shortfall split by cause: the pupils' own limits, then the scarcer resource."""
    found = []
    pupil_part = cell.need - cell.pupil_cap
    if pupil_part > 0:
        if cell.pupil_cap_all > cell.pupil_cap:
            f = _base(ctx, cell, "group_minimum", cell.pupil_cap_all - cell.pupil_cap)
            f.resources = tuple(a.name for a, _ in cell.blocked)
            f.details = {
                "min_group": min(a.min_group for a, _ in cell.blocked),
                "pool": max(p for _, p in cell.blocked),
                "activities": [a.id for a, _ in cell.blocked],
            }
            found.append(f)
        rest = pupil_part - max(0, cell.pupil_cap_all - cell.pupil_cap)
        if rest > 0:
            kind = "pupil_unavailable" if cell.pupil_cap_free > cell.pupil_cap else "window"
            f = _base(ctx, cell, kind, rest)
            f.days = tuple(ctx.instance.site[cell.school].window)
            f.supply = cell.pupil_cap
            found.append(f)
    supply = min(cell.rooms, cell.coaches, cell.joint)
    resource = max(0, min(cell.need, cell.pupil_cap) - supply)
    if resource > 0:
        if supply < min(cell.rooms, cell.coaches):
            # enough of both over the week, but not on the same days: which is missing where
            rooms_idle = sum(
                max(0, r - cell.coach_by_day.get(d, 0)) for d, r in cell.room_by_day.items()
            )
            coaches_idle = sum(
                max(0, k - cell.room_by_day.get(d, 0)) for d, k in cell.coach_by_day.items()
            )
            room_side = coaches_idle > rooms_idle
        else:
            room_side = cell.rooms <= cell.coaches
        if room_side:
            f = _base(ctx, cell, "room", resource)
            f.supply, f.resources, f.days = (
                supply,
                tuple(cell.room_names),
                tuple(cell.room_days),
            )
        else:
            f = _base(ctx, cell, "coach", resource)
            f.supply = supply
            f.resources = tuple(cell.coach_activities) or tuple(
                a.name for a in ctx.by_category[cell.category]
            )
            f.days = tuple(cell.coach_days)
        found.append(f)
    return found


def _window_finding(ctx: _Context, window: SchoolWindow) -> Finding:
    kind = "pupil_unavailable" if window.short_free < window.short else "window"
    return Finding(
        phase="capacity",
        kind=kind,
        short=window.short,
        school=window.school,
        school_name=ctx.instance.site[window.school].name,
        pupils=window.pupils,
        days=tuple(ctx.instance.site[window.school].window),
    )


# -- suggestions: try each on a copy, keep the one that recovers most ----------------


def _suggest(instance: Instance, report: CapacityReport, finding: Finding) -> Suggestion | None:
    school = finding.school
    if school is None:
        return None
    before = report.school_short(school)
    candidates = _candidates(instance, report, finding)
    for candidate in candidates:
        changed = candidate.apply(instance)
        candidate.recovers = max(0, before - school_shortfall(changed, school))
    # most recovered first; at a tie, using what is there before adding something new
    candidates.sort(key=lambda c: (-c.recovers, c.kind != "open_room"))
    return candidates[0] if candidates and candidates[0].recovers > 0 else None


def _candidates(instance: Instance, report: CapacityReport, f: Finding) -> list[Suggestion]:
    school = f.school
    assert school is not None
    site = instance.site[school]
    ctx = _Context(instance)
    out: list[Suggestion] = []
    if f.kind == "room" and f.category:
        usable, _ = _usable(ctx, school, f.category)
        if not usable:
            return out
        # the room kind most of the category's activities accept, as big as the rooms there
        kinds = Counter(k for a in usable for k in a.room_kinds)
        kind = max(kinds, key=lambda k: (kinds[k], k))
        existing = [
            r
            for s in ctx.reach[school]
            for r in ctx.rooms_at.get(s, [])
            if set(r.kinds) & {k for a in usable for k in a.room_kinds}
        ]
        largest = max((a.max_group for a in usable if kind in a.room_kinds), default=1)
        capacity = min(max((r.capacity for r in existing), default=largest), largest)
        for day, (lo, hi) in site.window.items():
            for room in existing:
                closed = room.available is not None and (
                    _length(_clip(room.available.get(day, []), lo, hi)) < hi - lo
                )
                if room.site == school and closed:
                    edit = {"kind": "open_room", "room": room.id, "day": day}
                    out.append(_suggestion(instance, {**edit, **_span(lo, hi)}))
            edit = {"kind": "extra_room", "site": school, "room_kind": kind, "capacity": capacity}
            out.append(_suggestion(instance, {**edit, "day": day, **_span(lo, hi)}))
    elif f.kind == "coach" and f.category:
        usable, _ = _usable(ctx, school, f.category)
        rated = sorted(
            (a for a in usable if _places(ctx, school, a)),
            key=lambda a: -_places(ctx, school, a) / a.coaches,
        )
        for activity in rated[:2]:
            for day, (lo, hi) in site.window.items():
                edit = {"kind": "extra_coach", "site": school, "skill": activity.skill}
                suggestion = _suggestion(instance, {**edit, "day": day, **_span(lo, hi)})
                suggestion.params["activity"] = activity.name
                out.append(suggestion)
    elif f.kind == "window":
        for day, (_, hi) in site.window.items():
            end = min(hi + 60, 24 * 60)
            if end > hi:
                edit = {"kind": "extend_window", "site": school, "day": day}
                out.append(_suggestion(instance, {**edit, "end": format_time(end)}))
    elif f.kind == "pupil_unavailable":
        suggestion = _suggestion(instance, {"kind": "clear_unavailable", "site": school})
        suggestion.params["pupils"] = f.pupils
        out.append(suggestion)
    elif f.kind == "group_minimum":
        for activity_id in f.details.get("activities", []):
            size = max(1, int(f.details.get("pool", 1)))
            edit = {"kind": "lower_min_group", "activity": activity_id, "size": size}
            out.append(_suggestion(instance, edit))
    return out


# -- edits: a suggestion or a coordinator's what-if, as data ------------------------------
#
# An edit is a JSON-ready dict (ids and "HH:MM" times) so a suggestion can be stored,
# shown and tried again later on a copy of the data (a what-if solve):
#
#   {"kind": "extra_coach", "site": S, "skill": K, "day": D, "start": T, "end": T}
#   {"kind": "extra_room", "site": S, "room_kind": K, "capacity": N, "day": D, "start": T, "end": T}
#   {"kind": "extend_window", "site": S, "day": D, "end": T}
#   {"kind": "open_room", "room": R, "day": D, "start": T, "end": T}
#   {"kind": "lower_min_group", "activity": A, "size": N}
#   {"kind": "clear_unavailable", "site": S}
#
# Coaches and rooms an edit adds get ids starting with HYPOTHETICAL, so a stored draft
# can tell them from real ones.

HYPOTHETICAL = "x-"

EDIT_KINDS = (
    "extra_coach",
    "extra_room",
    "extend_window",
    "open_room",
    "lower_min_group",
    "clear_unavailable",
)

# The suggestion kind that reads an edit kind (reviewing absences, not clearing them).
_SUGGESTION_KIND = {"clear_unavailable": "check_unavailable"}


def _span(lo: int, hi: int) -> dict[str, str]:
    return {"start": format_time(lo), "end": format_time(hi)}


def _suggestion(instance: Instance, edit: dict[str, Any]) -> Suggestion:
    suggestion = edit_suggestion(instance, edit)
    suggestion.change = lambda changed: apply_edit(changed, edit)
    return suggestion


def edit_suggestion(instance: Instance, edit: dict[str, Any]) -> Suggestion:
    """The edit as a ``Suggestion`` (names the coordinator knows), for its text in either language."""
    check_edit(instance, edit)
    kind = edit["kind"]
    params: dict[str, Any] = {}
    if "day" in edit:
        params["day"] = edit["day"]
    for key in ("start", "end"):
        if key in edit:
            params[key] = parse_time(edit[key])
    if "site" in edit:
        params["site"] = instance.site[edit["site"]].name
    if kind == "extra_coach":
        names = [a.name for a in instance.activities if a.skill == edit["skill"]]
        params["activity"] = ", ".join(dict.fromkeys(names)) or edit["skill"]
    elif kind == "extra_room":
        params["room_kind"] = edit["room_kind"]
        params["capacity"] = int(edit["capacity"])
    elif kind == "open_room":
        room = instance.room[edit["room"]]
        params["room"] = room.name
        params["site"] = instance.site[room.site].name
    elif kind == "lower_min_group":
        params["activity"] = instance.activity[edit["activity"]].name
        params["size"] = int(edit["size"])
    elif kind == "clear_unavailable":
        params["pupils"] = sum(
            1 for p in instance.pupils if p.unavailable and instance.school_of(p) == edit["site"]
        )
    return Suggestion(_SUGGESTION_KIND.get(kind, kind), params, edit=dict(edit))


def check_edit(instance: Instance, edit: Any) -> None:
    """Raises ``ValueError`` with a short message when the edit does not fit the instance."""
    if not isinstance(edit, dict) or edit.get("kind") not in EDIT_KINDS:
        raise ValueError(f"unknown change {edit!r}")
    kind = edit["kind"]
    if "site" in edit and edit["site"] not in instance.site:
        raise ValueError(f'unknown site "{edit["site"]}"')
    if kind in ("extend_window", "clear_unavailable") and (
        "site" not in edit or instance.site[edit["site"]].kind != "school"
    ):
        raise ValueError(f"{kind}: a school is needed")
    if "day" in edit and edit["day"] not in instance.days:
        raise ValueError(f'unknown day "{edit["day"]}"')
    times = [parse_time(edit[k]) for k in ("start", "end") if k in edit]
    if len(times) == 2 and times[0] >= times[1]:
        raise ValueError(f"{kind}: the start must be before the end")
    if kind == "extra_coach" and edit.get("skill") not in {a.skill for a in instance.activities}:
        raise ValueError(f'no activity needs the skill "{edit.get("skill")}"')
    if kind == "extra_room":
        kinds = {k for a in instance.activities for k in a.room_kinds}
        if edit.get("room_kind") not in kinds:
            raise ValueError(f'no activity uses a room of kind "{edit.get("room_kind")}"')
        if int(edit.get("capacity", 0)) < 1:
            raise ValueError("extra_room: the capacity must be at least 1")
    if kind == "extend_window":
        window = instance.site[edit["site"]].window.get(edit["day"])
        if window is None:
            raise ValueError(f"extend_window: the school has no window on {edit['day']}")
        if parse_time(edit["end"]) <= window[1]:
            raise ValueError("extend_window: the new end must be later than the current end")
    if kind == "open_room" and edit.get("room") not in instance.room:
        raise ValueError(f'unknown room "{edit.get("room")}"')
    if kind == "lower_min_group":
        if edit.get("activity") not in instance.activity:
            raise ValueError(f'unknown activity "{edit.get("activity")}"')
        if int(edit.get("size", 0)) < 1:
            raise ValueError("lower_min_group: the size must be at least 1")


def apply_edits(instance: Instance, edits: list[dict[str, Any]]) -> Instance:
    """A copy of the instance with every edit made, in order (the original is untouched)."""
    for number, edit in enumerate(edits, 1):
        instance = apply_edit(instance, edit, number)
    return instance


def apply_edit(instance: Instance, edit: dict[str, Any], number: int = 0) -> Instance:
    """A copy of the instance with one edit made; ``number`` keeps added ids apart."""
    check_edit(instance, edit)
    kind = edit["kind"]
    day = edit.get("day", "")
    lo = parse_time(edit["start"]) if "start" in edit else 0
    hi = parse_time(edit["end"]) if "end" in edit else 0
    if kind == "extra_coach":
        ident = f"{HYPOTHETICAL}{number}-coach-{edit['skill']}-{day}"
        return _add_coach(instance, ident, edit["site"], edit["skill"], day, lo, hi)
    if kind == "extra_room":
        ident = f"{HYPOTHETICAL}{number}-room-{edit['room_kind']}-{day}"
        capacity = int(edit["capacity"])
        return _add_room(instance, ident, edit["site"], edit["room_kind"], capacity, day, lo, hi)
    if kind == "extend_window":
        return _extend_window(instance, edit["site"], day, hi)
    if kind == "open_room":
        return _open_room(instance, edit["room"], day, lo, hi)
    if kind == "lower_min_group":
        return _lower_min_group(instance, edit["activity"], int(edit["size"]))
    return _clear_unavailable(instance, edit["site"])


def _add_room(instance, ident, site, kind, capacity, day, lo, hi) -> Instance:
    room = Room(ident, site, f"extra {kind}", (kind,), capacity, {day: [(lo, hi)]})
    return dataclasses.replace(instance, rooms=(*instance.rooms, room))


def _open_room(instance: Instance, room_id: str, day: str, lo: int, hi: int) -> Instance:
    rooms = []
    for room in instance.rooms:
        if room.id == room_id and room.available is not None:
            available = dict(room.available)
            available[day] = merge([*available.get(day, []), (lo, hi)])
            room = dataclasses.replace(room, available=available)
        rooms.append(room)
    return dataclasses.replace(instance, rooms=tuple(rooms))


def _add_coach(instance, ident, site, skill, day, lo, hi) -> Instance:
    """A coach for one afternoon "at" the site: for a school also at the venues its pupils
    walk to (the gym of a school may be in the sports hall next door)."""
    sites = [site]
    if instance.site[site].kind == "school":
        sites += [
            s.id
            for s in instance.sites
            if s.id != site
            and (t := instance.travel_minutes(site, s.id)) is not None
            and t <= instance.max_pupil_travel_minutes
        ]
    coach = Coach(ident, "extra", (skill,), {day: [(lo, hi)]}, hi - lo, hi - lo, tuple(sites))
    return dataclasses.replace(instance, coaches=(*instance.coaches, coach))


def _extend_window(instance: Instance, school: str, day: str, end: int) -> Instance:
    sites = []
    for site in instance.sites:
        if site.id == school and day in site.window:
            window = dict(site.window)
            window[day] = (window[day][0], end)
            site = dataclasses.replace(site, window=window)
        sites.append(site)
    return dataclasses.replace(instance, sites=tuple(sites))


def _clear_unavailable(instance: Instance, school: str) -> Instance:
    pupils = tuple(
        dataclasses.replace(p, unavailable={}) if instance.school_of(p) == school else p
        for p in instance.pupils
    )
    return dataclasses.replace(instance, pupils=pupils)


def _lower_min_group(instance: Instance, activity_id: str, size: int) -> Instance:
    activities = tuple(
        dataclasses.replace(a, min_group=min(a.min_group, size)) if a.id == activity_id else a
        for a in instance.activities
    )
    return dataclasses.replace(instance, activities=activities)
