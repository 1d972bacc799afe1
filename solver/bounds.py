"""Provable lower bounds on each soft term, from the instance alone (issue 3).

``lower_bounds(instance)`` returns, per soft term of spec/PROBLEM.md, two raw
lower bounds with the one-line argument behind them:

- ``full``: on every valid solution (no hard violation) that covers every pupil
  fully (coverage 100%);
- ``any``: on every valid solution at all (an empty week is valid, so these are
  0 except what pins, previous sessions and window starts force).

Every bound is a relaxation: a condition that some hard rule (H1–H11) or full
coverage implies is dropped or loosened, never added, so the bound is never
above what the checker computes (tests/solver/test_bounds.py checks that on
the engine's solutions). When some pupil cannot be covered fully at all the
``full`` bounds are vacuous; ``full_coverage_possible`` says so and they are
reported equal to the ``any`` bounds.

Full coverage, used throughout: ``deficit(p) = 0`` needs ``sum_c r_c >= T``
and H5 caps it at ``T``, so a fully covered pupil gets exactly ``T`` minutes,
at least ``m_c`` in each category and each required activity at least once.

``python -m solver bounds INSTANCE`` prints the table.
"""

from __future__ import annotations

import math
import sys
import time
from argparse import Namespace
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from solver.instance import Activity, Instance, InstanceError, Pupil, load_instance
from solver.solution import Solution, SolutionError
from solver.times import Interval, merge

INF = float("inf")
TERMS = (
    "preference",
    "mixed_classes",
    "day_load",
    "siblings",
    "coach_site_changes",
    "coach_idle",
    "stability",
)


@dataclass(frozen=True)
class TermBound:
    """A soft term's raw lower bounds and the argument behind them."""

    term: str
    weight: int
    full: float  # every valid solution with coverage 100%
    any: float  # every valid solution
    reason: str

    @property
    def weighted_full(self) -> float:
        return self.full * self.weight

    @property
    def weighted_any(self) -> float:
        return self.any * self.weight


@dataclass
class Bounds:
    instance_name: str
    terms: dict[str, TermBound]
    full_coverage_possible: bool
    # Why full coverage is impossible (a pupil and what it lacks), if it is.
    infeasible_because: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # term -> pupil -> raw bound on that pupil's share of the term, in every valid
    # solution that covers that pupil fully (whatever happens to the others).
    per_pupil: dict[str, dict[str, float]] = field(default_factory=dict)
    pupils: int = 0

    def given_covered(self, covered: set[str] | frozenset[str]) -> dict[str, float]:
        """Raw bounds on a valid solution that covers exactly ``covered`` fully.

        preference and day_load are sums over pupils and each pupil's bound needs only
        its own full coverage, so the fully covered pupils' bounds add up; the other
        terms' 'full' bounds need everyone covered, else their 'any' bound holds.
        """
        everyone = len(covered) >= self.pupils
        out = {}
        for name, t in self.terms.items():
            by_pupil = self.per_pupil.get(name)
            if by_pupil is not None:
                out[name] = max(t.any, sum(v for p, v in by_pupil.items() if p in covered))
            else:
                out[name] = t.full if everyone and self.full_coverage_possible else t.any
        return out

    @property
    def total_full(self) -> float:
        return sum(t.weighted_full for t in self.terms.values())

    @property
    def total_any(self) -> float:
        return sum(t.weighted_any for t in self.terms.values())

    def to_dict(self) -> dict:
        return {
            "instance": self.instance_name,
            "full_coverage_possible": self.full_coverage_possible,
            "infeasible_because": self.infeasible_because,
            "total_full": self.total_full,
            "total_any": self.total_any,
            "seconds": round(self.seconds, 2),
            "terms": {
                t.term: {
                    "weight": t.weight,
                    "full": t.full,
                    "any": t.any,
                    "weighted_full": t.weighted_full,
                    "weighted_any": t.weighted_any,
                    "reason": t.reason,
                }
                for t in self.terms.values()
            },
        }

    def format_text(self) -> str:
        lines = [
            f"Lower bounds on the soft penalty of {self.instance_name} ({self.seconds:.1f} s)",
            "  full: any valid solution with coverage 100%; any: any valid solution",
            "",
            f"  {'term':<19}{'weight':>7}{'full raw':>11}{'weighted':>11}"
            f"{'any raw':>10}{'weighted':>11}  argument",
        ]
        for t in self.terms.values():
            lines.append(
                f"  {t.term:<19}{t.weight:>7}{_num(t.full):>11}{_num(t.weighted_full):>11}"
                f"{_num(t.any):>10}{_num(t.weighted_any):>11}  {t.reason}"
            )
        lines.append(
            f"  {'total':<19}{'':>7}{'':>11}{_num(self.total_full):>11}"
            f"{'':>10}{_num(self.total_any):>11}"
        )
        if not self.full_coverage_possible:
            lines.append("")
            lines.append(
                "  No solution covers every pupil fully, so the 'full' bounds are vacuous "
                f"(shown as 'any'): {self.infeasible_because}"
            )
            for name, by_pupil in self.per_pupil.items():
                lines.append(
                    f"  {name}: each pupil a solution covers fully still pays its own bound; "
                    f"all pupils' together: {_num(sum(by_pupil.values()))}"
                )
        for note in self.notes:
            lines.append(f"  {note}")
        return "\n".join(lines)


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


# -- what a pupil can attend at all ------------------------------------------


class _Model:
    """Per school, activity and day: whether some room and enough coaches could hold it."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.days = list(instance.days)
        self.school = {p.id: instance.class_group[p.class_id].site for p in instance.pupils}
        self.pins = _pinned_sessions(instance)
        # (site, activity id) -> days on which a room and the coaches exist there (H6-H9).
        self._site_days: dict[tuple[str, str], frozenset[str]] = {}
        self._activity_days: dict[tuple[str, str], frozenset[str]] = {}
        self.rooms_at: dict[str, list] = defaultdict(list)
        for r in instance.rooms:
            self.rooms_at[r.site].append(r)
        self.coaches_with: dict[str, list] = defaultdict(list)
        for c in instance.coaches:
            for skill in set(c.skills):
                self.coaches_with[skill].append(c)
        # Longest open (available) stretch per room (coach) and day; a room without
        # ``available`` is open all day.
        self.room_longest = {
            (r.id, d): 24 * 60 if r.available is None else _longest(r.available.get(d, []))
            for r in instance.rooms
            for d in self.days
        }
        self.coach_longest = {
            (c.id, d): _longest(c.available.get(d, [])) for c in instance.coaches for d in self.days
        }

    def reachable(self, school: str) -> list[str]:
        """H3: the school's site and sites within the pupils' walking distance."""
        limit = self.instance.max_pupil_travel_minutes
        return [
            s.id
            for s in self.instance.sites
            if s.id == school
            or ((t := self.instance.travel_minutes(school, s.id)) is not None and t <= limit)
        ]

    def site_days(self, site: str, activity: Activity) -> frozenset[str]:
        """Days on which activity could run at the site at all.

        H6/H7: a room of one of its kinds, capacity at least max(1, min_group),
        open for a stretch of its minutes that day; H8/H9: ``coaches`` coaches
        with the skill, allowed at the site, available that long that day, whose
        daily and weekly maxima allow its minutes. Also H4: ``max_per_week``
        not 0, and H6: ``min_group <= max_group``.
        """
        key = (site, activity.id)
        if key in self._site_days:
            return self._site_days[key]
        a = activity
        days: set[str] = set()
        if (a.max_per_week is None or a.max_per_week >= 1) and a.min_group <= a.max_group:
            need = max(1, a.min_group)
            kinds = set(a.room_kinds)
            rooms = [
                r
                for r in self.rooms_at.get(site, [])
                if r.capacity >= need and kinds.intersection(r.kinds)
            ]
            coaches = [
                c
                for c in self.coaches_with.get(a.skill, [])
                if (c.sites is None or site in c.sites)
                and c.max_minutes_per_day >= a.minutes
                and c.max_minutes_per_week >= a.minutes
            ]
            for day in self.days:
                room_ok = any(self.room_longest[r.id, day] >= a.minutes for r in rooms)
                free = sum(1 for c in coaches if self.coach_longest[c.id, day] >= a.minutes)
                if room_ok and free >= max(1, a.coaches):
                    days.add(day)
        result = frozenset(days)
        self._site_days[key] = result
        return result

    def activity_days(self, school: str, activity: Activity) -> frozenset[str]:
        key = (school, activity.id)
        days = self._activity_days.get(key)
        if days is None:
            found: set[str] = set()
            for site in self.reachable(school):
                found |= self.site_days(site, activity)
            days = self._activity_days[key] = frozenset(found)
        return days


def _longest(intervals: list[Interval]) -> int:
    return max((b - a for a, b in merge(list(intervals))), default=0)


def _free(window: Interval | None, unavailable: list[Interval]) -> tuple[Interval, ...]:
    """H2: the window less the pupil's unavailable intervals."""
    if window is None:
        return ()
    pieces = [window]
    for u0, u1 in merge(list(unavailable)):
        nxt = []
        for a, b in pieces:
            if u1 <= a or b <= u0:
                nxt.append((a, b))
                continue
            if a < u0:
                nxt.append((a, u0))
            if u1 < b:
                nxt.append((u1, b))
        pieces = nxt
    return tuple(pieces)


@dataclass(frozen=True)
class _Profile:
    """What decides a pupil's possible weeks: programme, grade, school, free time, pins."""

    grade: int
    school: str
    free: tuple[tuple[str, tuple[Interval, ...]], ...]  # per instance day with a window
    pinned: tuple[tuple[str, int, int], ...]  # (day, minutes, latest end) of pinned sessions


@dataclass
class _Week:
    """A profile's relaxation: the day totals it may reach and what full coverage forces."""

    # activity id -> days on which the pupil could attend it (H2-H9 relaxed, see _week)
    fits: dict[str, frozenset[str]]
    # day -> possible minutes that day (0 included unless pinned minutes forbid it)
    day_values: dict[str, tuple[int, ...]]
    # day -> most minutes that day (max a day, free stretches long enough for an activity)
    day_cap: dict[str, int]
    feasible: bool  # some choice of day totals adds up to the programme's total
    day_load_slots_full: float
    day_load_slots_any: float
    forced_days: frozenset[str]  # days with a session in every fully covering week


class _Bounder:
    def __init__(self, instance: Instance):
        self.instance = instance
        self.model = _Model(instance)
        self.weeks: dict[_Profile, _Week] = {}
        self.infeasible_because = ""

    def profile(self, pupil: Pupil) -> _Profile:
        inst = self.instance
        school = self.model.school[pupil.id]
        site = inst.site[school]
        free = []
        for day in inst.days:
            window = site.window.get(day)
            if window is not None:
                free.append((day, _free(window, pupil.unavailable.get(day, []))))
        pins = tuple(
            sorted((s.day, s.end - s.start, s.end) for s in self.model.pins.get(pupil.id, []))
        )
        return _Profile(pupil.grade, school, tuple(free), pins)

    def week(self, pupil: Pupil) -> _Week:
        profile = self.profile(pupil)
        week = self.weeks.get(profile)
        if week is None:
            week = self._week(profile)
            self.weeks[profile] = week
        if not week.feasible and not self.infeasible_because:
            programme = self.instance.programme_of(pupil)
            self.infeasible_because = (
                f"pupil {pupil.id} cannot be given {programme.total_minutes} minutes "
                "in the week (window, unavailability, max a day, activities it can attend)"
            )
        return week

    def _week(self, profile: _Profile) -> _Week:
        inst = self.instance
        programme = inst.programme_for_grade[profile.grade]
        cap_day = programme.max_minutes_per_day
        free = dict(profile.free)
        fits: dict[str, frozenset[str]] = {}
        for a in inst.activities:
            if not (a.grades[0] <= profile.grade <= a.grades[1]):
                continue  # H4
            if a.minutes > cap_day or a.minutes > programme.total_minutes:
                continue  # H5
            days = self.model.activity_days(profile.school, a)
            fits[a.id] = frozenset(
                d for d in days if any(b - s >= a.minutes for s, b in free.get(d, ()))
            )
        pinned_minutes: dict[str, int] = defaultdict(int)
        for day, minutes, _end in profile.pinned:
            pinned_minutes[day] += minutes
        pref = programme.preferred_minutes_per_day
        day_values: dict[str, tuple[int, ...]] = {}
        day_cap: dict[str, int] = {}
        for day in inst.days:
            lengths = [inst.activity[a].minutes for a, ds in fits.items() if day in ds]
            shortest = min(lengths, default=INF)
            # Each session lies in one free stretch (H2), so a stretch shorter than
            # every activity holds nothing; the day's total is at most max a day (H5).
            cap = min(cap_day, sum(b - s for s, b in free.get(day, ()) if b - s >= shortest))
            day_cap[day] = cap
            # H4: an activity at most once a day, so the total is a sum of distinct lengths.
            sums = {0}
            for m in lengths:
                sums |= {x + m for x in sums if x + m <= cap}
            low = pinned_minutes.get(day, 0)  # H10: the pins are there
            day_values[day] = tuple(sorted(x for x in sums if x >= low))
        total = programme.total_minutes

        def best(days: list[str]) -> dict[int, int]:
            # total minutes -> least excess minutes over the days
            reach = {0: 0}
            for day in days:
                nxt: dict[int, int] = {}
                for got, cost in reach.items():
                    for x in day_values[day]:
                        t = got + x
                        if t > total:
                            break
                        c = cost + max(0, x - pref)
                        if c < nxt.get(t, INF):
                            nxt[t] = c
                reach = nxt
            return reach

        days = list(inst.days)
        reach = best(days)
        feasible = total in reach
        slot = inst.slot_minutes
        # Reachable week totals as bit masks, to find the days without which the
        # total cannot be reached (a session that day in every fully covering week).
        masks = []
        for day in days:
            mask = 0
            for x in day_values[day]:
                mask |= 1 << x
            masks.append(mask)
        limit = (1 << (total + 1)) - 1

        def combine(a: int, b: int) -> int:
            out, x = 0, 0
            while b:
                if b & 1:
                    out |= a << x
                b >>= 1
                x += 1
            return out & limit

        prefix = [1]
        for mask in masks:
            prefix.append(combine(prefix[-1], mask))
        suffix = [1]
        for mask in reversed(masks):
            suffix.append(combine(suffix[-1], mask))
        suffix.reverse()
        forced = set()
        if feasible:
            for i, day in enumerate(days):
                if 0 not in day_values[day] or not (combine(prefix[i], suffix[i + 1]) >> total) & 1:
                    forced.add(day)
        any_excess = sum(max(0, pinned_minutes.get(d, 0) - pref) for d in days)
        full_excess = reach[total] if feasible else any_excess
        return _Week(
            fits=fits,
            day_values=day_values,
            day_cap=day_cap,
            feasible=feasible,
            day_load_slots_full=full_excess / slot,
            day_load_slots_any=any_excess / slot,
            forced_days=frozenset(forced),
        )


def _pinned_sessions(instance: Instance) -> dict[str, list]:
    """Pupil id -> the previous sessions pinned with it (H10 keeps them exactly)."""
    previous = _previous(instance)
    by_pupil: dict[str, list] = defaultdict(list)
    if previous is None:
        return by_pupil
    seen = set()
    for s in previous.sessions:
        if not s.pinned:
            continue
        key = (s.activity, s.day, s.start, s.room, frozenset(s.coaches), frozenset(s.pupils))
        if key in seen:
            continue
        seen.add(key)
        for pupil in set(s.pupils):
            by_pupil[pupil].append(s)
    return by_pupil


def _previous(instance: Instance) -> Solution | None:
    if instance.previous is None:
        return None
    try:
        return Solution.from_dict(instance.previous)
    except SolutionError:
        return None


def _distinct_pins(instance: Instance) -> list:
    previous = _previous(instance)
    if previous is None:
        return []
    out, seen = [], set()
    for s in previous.sessions:
        if not s.pinned:
            continue
        key = (s.activity, s.day, s.start, s.room, frozenset(s.coaches), frozenset(s.pupils))
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


# -- the terms ---------------------------------------------------------------

DAY_LOAD_REASON = (
    "a fully covered pupil gets exactly T minutes (deficit 0 and H5), its category minimums "
    "and required activities; per pupil, the least sum of max(0, x_d - preferred) over weeks "
    "of activities it can attend, each once a day, <= max_per_week, day totals <= max a day "
    "and its free window (CP-SAT's proven bound per profile)"
)


def _day_load(bounder: _Bounder) -> tuple[dict[str, float], float]:
    """Per pupil (fully covered): least excess slots; and the bound for any solution."""
    inst = bounder.instance
    slot = inst.slot_minutes
    any_ = 0.0
    keys: dict = {}
    for pupil in inst.pupils:
        week = bounder.week(pupil)
        any_ += week.day_load_slots_any
        if not week.feasible:
            continue
        pins = tuple(sorted({(s.activity, s.day) for s in bounder.model.pins.get(pupil.id, [])}))
        key = (
            inst.programme_of(pupil).id,
            tuple(sorted((a, tuple(sorted(d))) for a, d in week.fits.items() if d)),
            tuple(sorted(week.day_cap.items())),
            tuple(sorted(set(pupil.required))),
            pins,
        )
        keys[pupil.id] = key
    # A small model per profile (one model for all was slower: its bound came late).
    excess: dict = {}
    per_pupil: dict[str, float] = {}
    for pupil in inst.pupils:
        key = keys.get(pupil.id)
        if key is None:
            continue
        if key not in excess:
            excess[key] = _least_excess(inst, {key: 1})
        if excess[key] is None:
            if not bounder.infeasible_because:
                bounder.infeasible_because = (
                    f"pupil {pupil.id} cannot meet its programme (minutes, category "
                    "minimums, required activities) with the activities it can attend"
                )
            continue
        per_pupil[pupil.id] = max(bounder.week(pupil).day_load_slots_full, excess[key] / slot)
    return per_pupil, any_


def _least_excess(inst: Instance, count: dict) -> float | None:
    """CP-SAT's proven lower bound on the sum of pupils' least excess minutes; None: infeasible.

    Per profile, one boolean per (day, activity it can attend that day): H4 once a day
    and at most ``max_per_week``; day totals <= the day's cap (H2, H5); the week exactly
    T; each category minimum and required activity met (full coverage); pins taken (H10).
    """
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    minutes = {a.id: a.minutes for a in inst.activities}
    programmes = {p.id: p for p in inst.programmes}
    objective = []
    for index, (key, pupils) in enumerate(count.items()):
        programme_id, fits, caps, required, pins = key
        programme = programmes[programme_id]
        cap = dict(caps)
        take: dict[tuple[str, str], cp_model.IntVar] = {}
        for a_id, days in fits:
            for day in days:
                take[day, a_id] = model.new_bool_var(f"{index}-{day}-{a_id}")
        totals = []
        for day in inst.days:
            items = [minutes[a] * v for (d, a), v in take.items() if d == day]
            if not items:
                continue
            total = sum(items)
            model.add(total <= cap.get(day, 0))
            excess = model.new_int_var(0, programme.max_minutes_per_day, f"{index}-e-{day}")
            model.add(excess >= total - programme.preferred_minutes_per_day)
            objective.append(pupils * excess)
            totals.append(total)
        if not totals:
            return None
        model.add(sum(totals) == programme.total_minutes)
        for category, least in programme.category_minutes.items():
            items = [
                minutes[a] * v
                for (_d, a), v in take.items()
                if inst.activity[a].category == category
            ]
            if least > 0:
                if not items:
                    return None
                model.add(sum(items) >= least)
        for a_id in set(required) | {a for a, _d in pins}:
            items = [v for (_d, a), v in take.items() if a == a_id]
            if not items:
                return None
            model.add(sum(items) >= 1)
        for a_id, day in pins:
            if (day, a_id) not in take:
                return None
            model.add(take[day, a_id] == 1)
        for a in inst.activities:
            if a.max_per_week is not None:
                items = [v for (_d, b), v in take.items() if b == a.id]
                if items:
                    model.add(sum(items) <= a.max_per_week)
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 1.0
    solver.parameters.max_presolve_iterations = 1  # tiny models: presolve is most of it
    solver.parameters.symmetry_level = 0
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return float(solver.best_objective_bound)
    return 0.0


PREFERENCE_REASON = (
    "per pupil and listed category: sessions meeting the category minimum (and its required "
    "activities) cost at least the cheapest ranks among activities it can attend, each at most "
    "max_per_week times and once a day (knapsack); any solution: ranks of pinned sessions"
)


def _preference(bounder: _Bounder) -> tuple[dict[str, float], float]:
    """Per pupil (fully covered): least sum of ranks; and the bound for any solution."""
    inst = bounder.instance
    per_pupil: dict[str, float] = defaultdict(float)
    cache: dict = {}
    for pupil in inst.pupils:
        if not pupil.preferences:
            continue
        week = bounder.week(pupil)
        programme = inst.programme_of(pupil)
        for category, ranked in pupil.preferences.items():
            if not ranked:
                continue
            need = programme.category_minutes.get(category, 0)
            required = tuple(
                sorted(a for a in set(pupil.required) if inst.activity[a].category == category)
            )
            if need <= 0 and not required:
                continue
            items = []
            for a_id, days in week.fits.items():
                a = inst.activity[a_id]
                if a.category != category or not days:
                    continue
                times = len(days) if a.max_per_week is None else min(a.max_per_week, len(days))
                rank = ranked.index(a_id) if a_id in ranked else len(ranked) + 1
                items.append((a_id, a.minutes, rank, times))
            key = (tuple(sorted(items)), need, required)
            if key not in cache:
                cache[key] = _least_rank(items, need, required)
            per_pupil[pupil.id] += cache[key]
    any_ = 0.0
    for s in _distinct_pins(inst):
        a = inst.activity.get(s.activity)
        if a is None:
            continue
        for pupil_id in set(s.pupils):
            pupil = inst.pupil.get(pupil_id)
            if pupil is None:
                continue
            ranked = pupil.preferences.get(a.category)
            if ranked:
                any_ += ranked.index(a.id) if a.id in ranked else len(ranked) + 1
    return dict(per_pupil), any_


def _least_rank(items: list, need: int, required: tuple[str, ...]) -> float:
    """Least sum of ranks of sessions reaching ``need`` minutes, each required one at least once.

    Infeasible (the pupil cannot be covered): 0, which is true of every solution.
    """
    base_minutes = base_cost = 0
    rest = []
    for a_id, minutes, rank, times in items:
        if a_id in required:
            base_minutes += minutes
            base_cost += rank
            times -= 1
        rest.extend([(minutes, rank)] * max(0, times))
    if len(set(required) & {i[0] for i in items}) < len(required):
        return 0.0
    # Every length is a multiple of g: reaching ``need`` is reaching ceil(need / g) units.
    g = 0
    for minutes, _rank in rest:
        g = math.gcd(g, minutes)
    g = g or 1
    target = max(0, -(-(need - base_minutes) // g))
    # cost[m] = least cost of reaching at least m more units (0/1 knapsack over copies)
    cost = [0.0] + [INF] * target
    for minutes, rank in rest:
        units = minutes // g
        for m in range(target, 0, -1):
            c = cost[max(0, m - units)] + rank
            if c < cost[m]:
                cost[m] = c
    if cost[target] == INF:
        return 0.0
    return float(base_cost + cost[target])


MIXED_REASON = (
    "a pupil who must take a category (minimum or required) where, for every activity it can "
    "attend, fewer classmates can attend it than its min_group, sits in mixed sessions only: "
    "ceil(minutes / longest) of them; a session with j such classes costs >= j/2"
)


def _mixed_classes(bounder: _Bounder) -> tuple[float, float]:
    inst = bounder.instance
    by_class: dict[str, list[Pupil]] = defaultdict(list)
    for pupil in inst.pupils:
        by_class[pupil.class_id].append(pupil)
    forced_sessions = 0  # sum over (class, category) of sessions that must be mixed
    for members in by_class.values():
        weeks = {p.id: bounder.week(p) for p in members}
        # activity -> classmates who could attend it at all
        able: dict[str, int] = defaultdict(int)
        for p in members:
            for a_id, days in weeks[p.id].fits.items():
                if days:
                    able[a_id] += 1
        per_category: dict[str, int] = defaultdict(int)
        for p in members:
            programme = inst.programme_of(p)
            needs = dict(programme.category_minutes)
            for a_id in set(p.required):
                a = inst.activity[a_id]
                needs[a.category] = max(needs.get(a.category, 0), a.minutes)
            for category, minutes in needs.items():
                if minutes <= 0:
                    continue
                options = [
                    inst.activity[a_id]
                    for a_id, days in weeks[p.id].fits.items()
                    if days and inst.activity[a_id].category == category
                ]
                if not options:
                    continue  # cannot be covered; nothing to say
                if all(able[a.id] < a.min_group for a in options):
                    longest = max(a.minutes for a in options)
                    sessions = math.ceil(minutes / longest)
                    per_category[category] = max(per_category[category], sessions)
        forced_sessions += sum(per_category.values())
    full = float(math.ceil(forced_sessions / 2))
    class_of = {p.id: p.class_id for p in inst.pupils}
    any_ = float(
        sum(
            max(0, len({class_of[p] for p in s.pupils if p in class_of}) - 1)
            for s in _distinct_pins(inst)
        )
    )
    return max(full, any_), any_


SIBLINGS_REASON = (
    "per family-day: each child's day end is its window start (no session) or the end of a "
    "session fitting its free window; the least spread over those sets (no-session option "
    "dropped on days full coverage or a pin forces a session)"
)


def _siblings(bounder: _Bounder) -> tuple[float, float]:
    inst = bounder.instance
    families: dict[str, list[Pupil]] = defaultdict(list)
    for pupil in inst.pupils:
        if pupil.family is not None:
            families[pupil.family].append(pupil)
    full = any_ = 0.0
    for members in families.values():
        if len(members) < 2:
            continue
        for day in inst.days:
            sets_full, sets_any = [], []
            for pupil in members:
                ends = _ends(bounder, pupil, day)
                if ends is None:
                    continue  # no window: no session (H2), left out
                session_ends, window_start, forced, pinned = ends
                no_session = [] if pinned else [(window_start, window_start)]
                sets_any.append(tuple(no_session + session_ends))
                sets_full.append(
                    tuple(([] if forced else no_session) + session_ends)
                    if bounder.week(pupil).feasible
                    else tuple(no_session + session_ends)
                )
            full += _least_range(tuple(sets_full))
            any_ += _least_range(tuple(sets_any))
    slot = inst.slot_minutes
    return full / slot, any_ / slot


def _ends(bounder: _Bounder, pupil: Pupil, day: str):
    inst = bounder.instance
    window = inst.site[bounder.model.school[pupil.id]].window.get(day)
    if window is None:
        return None
    week = bounder.week(pupil)
    profile = bounder.profile(pupil)
    free = dict(profile.free).get(day, ())
    lengths = [inst.activity[a].minutes for a, ds in week.fits.items() if day in ds]
    pinned_end = max((end for d, _m, end in profile.pinned if d == day), default=None)
    session_ends = []
    if lengths:
        shortest = min(lengths)
        for s, b in free:
            lo = s + shortest
            if pinned_end is not None:
                lo = max(lo, pinned_end)
            if lo <= b:
                session_ends.append((lo, b))
    return session_ends, window[0], day in week.forced_days, pinned_end is not None


@cache
def _least_range(sets: tuple[tuple[Interval, ...], ...]) -> float:
    """Least max - min over one point from each set (each a union of closed intervals).

    The optimum's lowest point can be taken as a right end of some interval: move
    every chosen point to the highest point of its set not above the highest chosen.
    """
    sets = tuple(s for s in sets)
    if len(sets) < 2:
        return 0.0
    if any(not s for s in sets):
        return 0.0  # a child with no possible day end: no valid solution; 0 is true
    best = INF
    for low in sorted({b for s in sets for _a, b in s}):
        high = -INF
        for s in sets:
            nxt = min((max(a, low) for a, b in s if b >= low), default=INF)
            high = max(high, nxt)
            if high - low >= best:
                break
        best = min(best, high - low)
    return 0.0 if best == INF else float(best)


STABILITY_REASON = (
    "each pupil- or coach-session (who, activity, day, start) of previous that no valid "
    "session can hold now (gone, grade, window, unavailable, skill, availability, no room) "
    "is lacking in every solution"
)


def _stability(bounder: _Bounder) -> tuple[float, float]:
    inst = bounder.instance
    previous = _previous(inst)
    if previous is None:
        return 0.0, 0.0
    model = bounder.model
    pupils = {(p, s.activity, s.day, s.start) for s in previous.sessions for p in s.pupils}
    coaches = {(c, s.activity, s.day, s.start) for s in previous.sessions for c in s.coaches}
    lost = 0
    slot = inst.slot_minutes
    for pupil_id, a_id, day, start in pupils:
        pupil, a = inst.pupil.get(pupil_id), inst.activity.get(a_id)
        if pupil is None or a is None or day not in inst.days or start % slot:
            lost += 1
            continue
        end = start + a.minutes  # H1
        week = bounder.week(pupil)
        free = dict(bounder.profile(pupil).free).get(day, ())
        if day not in week.fits.get(a_id, frozenset()) or not any(
            s <= start and end <= b for s, b in free
        ):
            lost += 1
    for coach_id, a_id, day, start in coaches:
        coach, a = inst.coach.get(coach_id), inst.activity.get(a_id)
        if coach is None or a is None or day not in inst.days or start % slot:
            lost += 1
            continue
        end = start + a.minutes
        sites = [
            s.id
            for s in inst.sites
            if (coach.sites is None or s.id in coach.sites) and day in model.site_days(s.id, a)
        ]
        if (
            a.skill not in coach.skills
            or a.minutes > min(coach.max_minutes_per_day, coach.max_minutes_per_week)
            or not any(s <= start and end <= b for s, b in merge(coach.available.get(day, [])))
            or not sites
        ):
            lost += 1
    return float(lost), float(lost)


COACH_SITE_REASON = (
    "0: a coach-day whose sessions are all at one site costs nothing, and no rule of the "
    "instance alone forces a coach to two sites in a day (that needs the timetable)"
)
COACH_IDLE_REASON = (
    "0: a coach-day of back-to-back sessions costs nothing; forced waiting would need the "
    "timetable (which sessions a coach must take), not the instance alone"
)


def _room_shortfall(bounder: _Bounder) -> str:
    """Why a school's pupils cannot all get a category's minimum, by counting room places.

    Each of its pupils' sessions of the category lies within the school's window (H2)
    in a room of a kind of one of the category's activities at a site within walking
    distance (H3, H7), open then, with at most min(capacity, max_group) pupils (H6).
    """
    inst = bounder.instance
    pupils_at: dict[str, list[Pupil]] = defaultdict(list)
    for pupil in inst.pupils:
        pupils_at[bounder.model.school[pupil.id]].append(pupil)
    rooms_at = bounder.model.rooms_at
    for school, pupils in pupils_at.items():
        window = inst.site[school].window
        # Pupil-minutes each reachable room could seat in the school's window, per place.
        rooms = []
        for site in bounder.model.reachable(school):
            for room in rooms_at.get(site, []):
                minutes = 0
                for day in inst.days:
                    if day not in window:
                        continue
                    w0, w1 = window[day]
                    spans = (
                        [(0, 24 * 60)] if room.available is None else room.available.get(day, [])
                    )
                    minutes += sum(max(0, min(b, w1) - max(a, w0)) for a, b in merge(spans))
                rooms.append((room, minutes))
        for category in inst.categories:
            need = sum(inst.programme_of(p).category_minutes.get(category.id, 0) for p in pupils)
            if need <= 0:
                continue
            activities = [a for a in inst.activities if a.category == category.id]
            kinds = {k for a in activities for k in a.room_kinds}
            group = max((a.max_group for a in activities), default=0)
            places = sum(
                minutes * min(room.capacity, group)
                for room, minutes in rooms
                if kinds.intersection(room.kinds)
            )
            if need > places:
                return (
                    f"the pupils of {school} need {need} {category.id} minutes, the rooms they "
                    f"can reach hold at most {places} pupil-minutes in their window"
                )
    return ""


def lower_bounds(instance: Instance) -> Bounds:
    """Each soft term's raw lower bound (full coverage and any solution), with its argument."""
    started = time.perf_counter()
    bounder = _Bounder(instance)
    weights = instance.weights
    per_pupil = {"day_load": _day_load(bounder), "preference": _preference(bounder)}
    values = {
        name: (max(sum(by_pupil.values()), any_), any_)
        for name, (by_pupil, any_) in per_pupil.items()
    }
    values = {
        "day_load": (*values["day_load"], DAY_LOAD_REASON),
        "preference": (*values["preference"], PREFERENCE_REASON),
        "mixed_classes": (*_mixed_classes(bounder), MIXED_REASON),
        "siblings": (*_siblings(bounder), SIBLINGS_REASON),
        "coach_site_changes": (0.0, 0.0, COACH_SITE_REASON),
        "coach_idle": (0.0, 0.0, COACH_IDLE_REASON),
        "stability": (*_stability(bounder), STABILITY_REASON),
    }
    if not bounder.infeasible_because:
        bounder.infeasible_because = _room_shortfall(bounder)
    possible = not bounder.infeasible_because
    terms = {}
    for name in TERMS:
        full, any_, reason = values[name]
        if not possible:
            full = any_
        terms[name] = TermBound(name, getattr(weights, name), full, any_, reason)
    return Bounds(
        instance_name=instance.name,
        terms=terms,
        full_coverage_possible=possible,
        infeasible_because=bounder.infeasible_because,
        seconds=time.perf_counter() - started,
        per_pupil={name: by_pupil for name, (by_pupil, _any) in per_pupil.items()},
        pupils=len(instance.pupils),
    )


def command_bounds(args: Namespace) -> int:
    try:
        instance = load_instance(args.instance)
    except (InstanceError, OSError) as error:
        problems = getattr(error, "problems", None) or [str(error)]
        print(f"cannot read {args.instance}:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    bounds = lower_bounds(instance)
    if getattr(args, "json", False):
        import json

        print(json.dumps(bounds.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(bounds.format_text())
    return 0
