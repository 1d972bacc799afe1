"""Large-neighbourhood search: re-time one school-day at a time with CP-SAT.

A neighbourhood is every session held at one school on one day whose pupils
all belong to that school. Its pupils stay in their sessions (coverage and
preferences do not move), but each session may get another start, another
room of the same site and other coaches. The rest of the district is frozen:
coaches' sessions elsewhere become busy time padded with travel, rooms keep
their other bookings. The objective counts, in minutes, what this freedom can
change: coaches' idle time, coaches' site changes against their frozen
sessions, and the spread of siblings' day ends. The current timetable is
the hint, so CP-SAT starts from a complete solution and only accepts better.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.cpsat import cp_solver
from solver.instance import Instance
from solver.ledger import Booking, Ledger
from solver.times import covers

HORIZON = 24 * 60
# Reproducible runs cannot watch the clock, so they stop on deterministic time:
# at most two sweeps, and no more than this much of it per second of the time
# limit in all. One CP-SAT call of 1.0 took ~2.6 s on the benchmark machine,
# so two whole sweeps of the district (300 school-days) ran 13 minutes for a
# 60 s limit; this keeps the stage to about half the limit there.
DETERMINISTIC_PER_SECOND = 0.2


@dataclass
class _Fixed:
    start: int
    end: int
    site: str


def improve_schedule(instance: Instance, bookings: list[Booking], ledger: Ledger, run, better):
    """Sweep the school-days, worst first, while time remains; returns the bookings."""
    options = run.options
    budget = Budget(options.time_limit * DETERMINISTIC_PER_SECOND)
    rounds = 0
    while budget.left(run, rounds):
        neighbourhoods = _neighbourhoods(instance, bookings)
        neighbourhoods.sort(key=lambda n: (-n[2], n[0], n[1]))
        improved_any = False
        for school, day, _score in neighbourhoods:
            if not budget.left(run, rounds):
                break
            limit = 1.0 if options.deterministic else min(3.0, run.remaining() - 0.5)
            if _improve_one(instance, bookings, ledger, school, day, limit, options, budget):
                improved_any = True
        rounds += 1
        better(bookings, f"improved (round {rounds})")
        if not improved_any:
            break
    return bookings


@dataclass
class Budget:
    """Deterministic time the sweeps may still spend, for reproducible runs."""

    deterministic: float
    spent: float = 0.0

    def left(self, run, rounds: int) -> bool:
        """Reproducible runs make two sweeps within the budget; others watch the clock."""
        if run.options.deterministic:
            return rounds < 2 and self.spent < self.deterministic
        return run.remaining() > 1.0


def _neighbourhoods(instance: Instance, bookings: list[Booking]):
    """(school, day, idle minutes of the coaches there) for each school-day with sessions."""
    score: dict[tuple[str, str], int] = defaultdict(int)
    by_coach_day: dict[tuple[str, str], list[Booking]] = defaultdict(list)
    for booking in bookings:
        for coach in booking.coaches:
            by_coach_day[(coach, booking.day)].append(booking)
    for (_, day), items in by_coach_day.items():
        span = max(b.end for b in items) - min(b.start for b in items)
        idle = span - sum(b.minutes for b in items)
        sites = {b.site for b in items}
        for booking in items:
            score[(booking.site, day)] += idle + 60 * (len(sites) - 1)
    keys = {(b.site, b.day) for b in bookings if instance.site[b.site].kind == "school"}
    return [(site, day, score[(site, day)]) for site, day in sorted(keys)]


def _improve_one(instance, bookings, ledger, school, day, limit, options, budget) -> bool:
    school_pupils = {p.id for p in instance.pupils if instance.school_of(p) == school}
    free = [
        b
        for b in bookings
        if b.day == day
        and b.site == school
        and not b.pinned
        and b.pupils
        and all(p in school_pupils for p in b.pupils)
    ]
    if len(free) < 2:
        return False
    free_ids = {id(b) for b in free}
    frozen = [b for b in bookings if b.day == day and id(b) not in free_ids]
    week = {
        coach: minutes - sum(b.minutes for b in free if coach in b.coaches)
        for coach, minutes in ledger.coach_week.items()
    }
    model = _Model(instance, school, day, free, frozen, week)
    if not model.build():
        return False
    solver = cp_solver(
        limit, max(1, options.workers), options.seed, deterministic=options.deterministic
    )
    status = solver.solve(model.model)
    budget.spent += solver.response_proto.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    if solver.objective_value >= model.current_cost - 0.5:
        return False
    for booking in free:
        ledger.unbook(booking)
    for booking in free:
        model.apply(solver, booking)
        ledger.book(booking)
    return True


class _Model:
    def __init__(self, instance: Instance, school: str, day: str, free, frozen, week):
        self.instance = instance
        self.week_elsewhere = week
        self.school = school
        self.day = day
        self.free = free
        self.frozen = frozen
        self.model = cp_model.CpModel()
        self.start: dict[int, cp_model.IntVar] = {}
        self.room_lits: dict[int, dict[str, cp_model.IntVar]] = {}
        self.coach_lits: dict[int, dict[str, cp_model.IntVar]] = {}
        self.current_cost = 0

    def build(self) -> bool:
        instance, day = self.instance, self.day
        window = instance.site[self.school].window.get(day)
        if window is None:
            return False
        pupil_fixed: dict[str, list[_Fixed]] = defaultdict(list)
        coach_fixed: dict[str, list[_Fixed]] = defaultdict(list)
        room_fixed: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for booking in self.frozen:
            for pupil in booking.pupils:
                pupil_fixed[pupil].append(_Fixed(booking.start, booking.end, booking.site))
            for coach in booking.coaches:
                coach_fixed[coach].append(_Fixed(booking.start, booking.end, booking.site))
            room_fixed[booking.room.id].append((booking.start, booking.end))

        members: dict[str, list[Booking]] = defaultdict(list)
        for booking in self.free:
            for pupil in booking.pupils:
                members[pupil].append(booking)

        intervals: dict[int, cp_model.IntervalVar] = {}
        for booking in self.free:
            starts = self._pupil_starts(booking, window, pupil_fixed)
            if booking.start not in starts:
                return False
            start = self.model.new_int_var_from_domain(cp_model.Domain.from_values(starts), "")
            self.start[id(booking)] = start
            self.model.add_hint(start, booking.start)
            intervals[id(booking)] = self.model.new_fixed_size_interval_var(
                start, booking.minutes, ""
            )
            if not self._rooms(booking, starts, room_fixed):
                return False
            if not self._coaches(booking, starts, coach_fixed):
                return False

        # A pupil is in one place at a time (pupils with the same sessions share one rule).
        seen = set()
        for pupil, items in members.items():
            key = tuple(sorted(id(b) for b in items))
            fixed = tuple((f.start, f.end) for f in pupil_fixed[pupil])
            if (key, fixed) in seen or (len(items) < 2 and not fixed):
                continue
            seen.add((key, fixed))
            if len(items) > 1:
                self.model.add_no_overlap([intervals[id(b)] for b in items])

        # Rooms and coaches: one session at a time.
        room_intervals: dict[str, list] = defaultdict(list)
        coach_intervals: dict[str, list] = defaultdict(list)
        for booking in self.free:
            for room, lit in self.room_lits[id(booking)].items():
                room_intervals[room].append(
                    self.model.new_optional_fixed_size_interval_var(
                        self.start[id(booking)], booking.minutes, lit, ""
                    )
                )
            for coach, lit in self.coach_lits[id(booking)].items():
                coach_intervals[coach].append(
                    (
                        self.model.new_optional_fixed_size_interval_var(
                            self.start[id(booking)], booking.minutes, lit, ""
                        ),
                        booking,
                        lit,
                    )
                )
        for room, items in room_intervals.items():
            fixed = [
                self.model.new_fixed_size_interval_var(b, e - b, "") for b, e in room_fixed[room]
            ]
            if len(items) + len(fixed) > 1:
                self.model.add_no_overlap(items + fixed)

        costs = []
        for coach_id, items in coach_intervals.items():
            coach = instance.coach[coach_id]
            fixed = coach_fixed[coach_id]
            spans = []
            for f in fixed:
                travel = (
                    0 if f.site == self.school else instance.travel_minutes(f.site, self.school)
                )
                spans.append((f.start - travel, f.end + travel))
            # Padded with travel, two sessions elsewhere may overlap each other:
            # merged, or the no-overlap would be infeasible from the start.
            merged: list[list[int]] = []
            for begin, end in sorted(spans):
                if merged and begin <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([begin, end])
            padded = [self.model.new_fixed_size_interval_var(b, e - b, "") for b, e in merged]
            self.model.add_no_overlap([i for i, _, _ in items] + padded)
            used_elsewhere = sum(f.end - f.start for f in fixed)
            self.model.add(
                sum(b.minutes * lit for _, b, lit in items)
                <= coach.max_minutes_per_day - used_elsewhere
            )
            week_elsewhere = self.week_elsewhere.get(coach_id, 0)
            self.model.add(
                sum(b.minutes * lit for _, b, lit in items)
                <= coach.max_minutes_per_week - week_elsewhere
            )
            costs.append(self._coach_idle(coach_id, items, fixed))

        costs.extend(self._siblings(members, pupil_fixed, window))
        objective = sum(costs)
        self.model.minimize(objective)
        self.current_cost = self._current()
        return True

    def _pupil_starts(self, booking: Booking, window, pupil_fixed) -> list[int]:
        """Grid starts at which every pupil of the session may be there."""
        instance, day = self.instance, self.day
        slot = instance.slot_minutes
        result = []
        for start in range(window[0], window[1] - booking.minutes + 1, slot):
            end = start + booking.minutes
            ok = True
            for pupil_id in booking.pupils:
                pupil = instance.pupil[pupil_id]
                if any(b < end and start < e for b, e in pupil.unavailable.get(day, [])):
                    ok = False
                    break
                for f in pupil_fixed.get(pupil_id, ()):
                    travel = instance.travel_minutes(f.site, booking.site)
                    if travel is None:
                        ok = False
                        break
                    gap = start - f.end if f.end <= start else f.start - end
                    if gap < travel or (f.start < end and start < f.end):
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                result.append(start)
        return result

    def _rooms(self, booking: Booking, starts, room_fixed) -> bool:
        instance = self.instance
        candidates = [
            r
            for r in instance.rooms
            if r.site == booking.site
            and set(r.kinds) & set(booking.activity.room_kinds)
            and r.capacity >= len(booking.pupils)
        ]
        lits = {}
        for room in candidates:
            allowed = [
                s
                for s in starts
                if room.available is None
                or covers(room.available.get(self.day, []), s, s + booking.minutes)
            ]
            if not allowed:
                continue
            lit = self.model.new_bool_var("")
            self.model.add_linear_expression_in_domain(
                self.start[id(booking)], cp_model.Domain.from_values(allowed)
            ).only_enforce_if(lit)
            self.model.add_hint(lit, room.id == booking.room.id)
            lits[room.id] = lit
        if booking.room.id not in lits:
            return False
        self.model.add_exactly_one(lits.values())
        self.room_lits[id(booking)] = lits
        return True

    def _coaches(self, booking: Booking, starts, coach_fixed) -> bool:
        instance, day = self.instance, self.day
        activity = booking.activity
        lits = {}
        for coach in instance.coaches:
            if activity.skill not in coach.skills:
                continue
            if coach.sites is not None and booking.site not in coach.sites:
                continue
            if any(
                f.site != booking.site and instance.travel_minutes(f.site, booking.site) is None
                for f in coach_fixed.get(coach.id, ())
            ):
                continue
            allowed = [
                s for s in starts if covers(coach.available.get(day, []), s, s + booking.minutes)
            ]
            if not allowed:
                continue
            lit = self.model.new_bool_var("")
            self.model.add_linear_expression_in_domain(
                self.start[id(booking)], cp_model.Domain.from_values(allowed)
            ).only_enforce_if(lit)
            self.model.add_hint(lit, coach.id in booking.coaches)
            lits[coach.id] = lit
        if not set(booking.coaches) <= set(lits):
            return False
        self.model.add(sum(lits.values()) == activity.coaches)
        self.coach_lits[id(booking)] = lits
        return True

    def _coach_idle(self, coach_id: str, items, fixed: list[_Fixed]):
        """Minutes between a coach's first start and last end not spent in sessions."""
        model = self.model
        used = model.new_bool_var("")
        for _, _, lit in items:
            model.add_implication(lit, used)
        first = model.new_int_var(0, HORIZON, "")
        last = model.new_int_var(0, HORIZON, "")
        for _, booking, lit in items:
            model.add(first <= self.start[id(booking)]).only_enforce_if(lit)
            model.add(last >= self.start[id(booking)] + booking.minutes).only_enforce_if(lit)
        for f in fixed:
            model.add(first <= f.start)
            model.add(last >= f.end)
        work = sum(b.minutes * lit for _, b, lit in items) + sum(f.end - f.start for f in fixed)
        idle = model.new_int_var(0, HORIZON, "")
        if fixed:
            model.add(idle >= last - first - work)
        else:
            model.add(idle >= last - first - work).only_enforce_if(used)
        weight = self.instance.weights.coach_idle
        # A coach who also works at another site today changes sites once more.
        changes = 0
        if fixed and any(f.site != self.school for f in fixed):
            changes = used * 1
        site_weight = self.instance.weights.coach_site_changes * self.instance.slot_minutes
        self._hint_idle(coach_id, items, fixed, first, last, idle, used)
        return weight * idle + site_weight * changes

    def _hint_idle(self, coach_id, items, fixed, first, last, idle, used):
        mine = [b for _, b, _ in items if coach_id in b.coaches]
        spans = [(b.start, b.end) for b in mine] + [(f.start, f.end) for f in fixed]
        self.model.add_hint(used, bool(mine))
        if spans:
            lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
            work = sum(e - s for s, e in spans)
            self.model.add_hint(first, lo)
            self.model.add_hint(last, hi)
            self.model.add_hint(idle, max(0, hi - lo - work))
        else:
            self.model.add_hint(first, 0)
            self.model.add_hint(last, 0)
            self.model.add_hint(idle, 0)

    def _siblings(self, members, pupil_fixed, window):
        """Spread of day ends within each family that has a pupil here."""
        instance = self.instance
        weight = instance.weights.siblings
        if not weight:
            return []
        families: dict[str, list[str]] = defaultdict(list)
        for pupil in instance.pupils:
            if pupil.family is not None:
                families[pupil.family].append(pupil.id)
        costs = []
        for members_of_family in families.values():
            if len(members_of_family) < 2 or not any(p in members for p in members_of_family):
                continue
            ends = []
            for pupil_id in members_of_family:
                end = self._day_end(pupil_id, members, pupil_fixed)
                if end is not None:
                    ends.append(end)
            if len(ends) < 2:
                continue
            hi = self.model.new_int_var(0, HORIZON, "")
            lo = self.model.new_int_var(0, HORIZON, "")
            for end in ends:
                self.model.add(hi >= end)
                self.model.add(lo <= end)
            costs.append(weight * (hi - lo))
        return costs

    def _day_end(self, pupil_id: str, members, pupil_fixed):
        instance, day = self.instance, self.day
        fixed_ends = [f.end for f in pupil_fixed.get(pupil_id, ())]
        items = members.get(pupil_id, [])
        if not items:
            if fixed_ends:
                return max(fixed_ends)
            window = instance.site[instance.school_of(instance.pupil[pupil_id])].window.get(day)
            return window[0] if window else None
        end = self.model.new_int_var(0, HORIZON, "")
        self.model.add_max_equality(
            end, [self.start[id(b)] + b.minutes for b in items] + fixed_ends
        )
        return end

    def _current(self) -> float:
        """The objective at the hint: a candidate must beat it to be taken."""
        solver = cp_model.CpSolver()
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.max_time_in_seconds = 2.0
        solver.parameters.num_workers = 1
        status = solver.solve(self.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return solver.objective_value
        return float("inf")

    def apply(self, solver: cp_model.CpSolver, booking: Booking) -> None:
        start = solver.value(self.start[id(booking)])
        booking.start, booking.end = start, start + booking.minutes
        room_id = next(r for r, lit in self.room_lits[id(booking)].items() if solver.value(lit))
        booking.room = self.instance.room[room_id]
        booking.coaches = sorted(
            c for c, lit in self.coach_lits[id(booking)].items() if solver.value(lit)
        )
