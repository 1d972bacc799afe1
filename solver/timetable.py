"""Time-tabling one school's blocks with CP-SAT, the rest of the district frozen.

The greedy placement decides blocks one at a time and can paint itself into a
corner: the gym taken on Thursday by classes that could have gone on Monday,
a coach's only free hour spent on the wrong class. This model reconsiders all
blocks of one school at once. Per block it chooses whether it runs, its day
and start; per parallel session the activity, the room and the coaches.
Shared coaches and venue rooms keep their bookings at other schools, padded
with travel time, so the school's new timetable fits the district as it is.

Objective, in this order: blocks that run (pupil-minutes of coverage), then
minutes above the programme's preferred day load. The greedy placement is
the hint, so CP-SAT starts from a complete solution.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from solver.cohorts import BlockPlan
from solver.cpsat import cp_solver
from solver.instance import Activity, Instance
from solver.ledger import Booking
from solver.times import covers, merge

DAY = 24 * 60
COVERAGE = 1000


@dataclass
class BlockTask:
    """A block of one cohort to (re)place, with the activities it may offer."""

    plan: BlockPlan
    candidates: list[Activity]
    sessions: int  # parallel sessions it may open
    current: list[Booking] = field(default_factory=list)  # its placement now, if any


@dataclass
class _SessionVars:
    task: BlockTask
    present: cp_model.IntVar
    activity: dict[str, cp_model.IntVar]
    rooms: dict[str, cp_model.IntVar]
    coaches: dict[tuple[str, str], cp_model.IntVar]  # (coach, day)
    venue: cp_model.IntVar | None
    capacity: cp_model.IntVar


class SchoolTimetable:
    def __init__(
        self,
        instance: Instance,
        school: str,
        tasks: list[BlockTask],
        frozen: list[Booking],
        coach_week_elsewhere: dict[str, int],
    ):
        self.instance = instance
        self.school = school
        self.tasks = tasks
        self.frozen = frozen
        self.week_elsewhere = coach_week_elsewhere
        self.model = cp_model.CpModel()
        self.window = {d: w for d, w in instance.site[school].window.items() if d in instance.days}
        self.days = [d for d in instance.days if d in self.window]
        self.reach = {
            s.id: t
            for s in instance.sites
            if s.id != school
            and (t := instance.travel_minutes(school, s.id)) is not None
            and t <= instance.max_pupil_travel_minutes
        }
        self.pad = max(self.reach.values(), default=0)

    # -- building ---------------------------------------------------------------

    def build(self) -> None:
        m = self.model
        slot = self.instance.slot_minutes
        self.block_present = {}
        self.block_start = {}
        self.block_day: dict[tuple[int, str], cp_model.IntVar] = {}
        self.session_vars: list[list[_SessionVars]] = []
        cohort_intervals = defaultdict(list)
        self.coach_intervals = defaultdict(list)
        self.room_intervals = defaultdict(list)
        day_load = defaultdict(list)
        objective = []

        for index, task in enumerate(self.tasks):
            plan = task.plan
            minutes = plan.minutes
            present = m.new_bool_var("")
            starts = []
            for day in self.days:
                lo, hi = self.window[day]
                starts += [
                    self.days.index(day) * DAY + t for t in range(lo, hi - minutes + 1, slot)
                ]
            if not starts:
                m.add(present == 0)
                starts = [0]
            start = m.new_int_var_from_domain(cp_model.Domain.from_values(starts), "")
            self.block_present[index] = present
            self.block_start[index] = start
            day_lits = []
            for position, day in enumerate(self.days):
                lit = m.new_bool_var("")
                lo, hi = self.window[day]
                m.add(start >= position * DAY + lo).only_enforce_if(lit)
                m.add(start <= position * DAY + hi - minutes).only_enforce_if(lit)
                self.block_day[(index, day)] = lit
                day_lits.append(lit)
                day_load[(plan.cohort.id, day)].append((minutes, lit))
            m.add(sum(day_lits) == present)

            sessions = [self._session(index, task, k, start) for k in range(task.sessions)]
            self.session_vars.append(sessions)
            # The first session runs whenever the block runs; the others may.
            m.add(sessions[0].present == present)
            for session in sessions[1:]:
                m.add_implication(session.present, present)
            for a, b in zip(sessions[1:], sessions[2:], strict=False):
                m.add_implication(b.present, a.present)  # no gaps: fewer symmetric twins
            size = plan.cohort.size
            # Pupils with an appointment on some day may miss a block; they are
            # seated elsewhere by repair, so they need not count here.
            busy = sum(1 for p in plan.cohort.pupils if p.unavailable)
            m.add(sum(s.capacity for s in sessions) >= size - busy).only_enforce_if(present)
            m.add(
                sum(
                    a.min_group * lit
                    for s in sessions
                    for a_id, lit in s.activity.items()
                    for a in [self.instance.activity[a_id]]
                )
                <= size
            )
            venues = [s.venue for s in sessions if s.venue is not None]
            travel = m.new_bool_var("")
            if venues:
                m.add_max_equality(travel, venues)
                for position, day in enumerate(self.days):
                    lo = self.window[day][0]
                    for session in sessions:
                        for room_id, lit in session.rooms.items():
                            site = self.instance.room[room_id].site
                            if site != self.school:
                                m.add(
                                    start >= position * DAY + lo + self.reach[site]
                                ).only_enforce_if([lit, self.block_day[(index, day)]])
            else:
                m.add(travel == 0)
            # The cohort is in one place at a time, with time to walk to a venue.
            cohort_intervals[plan.cohort.id].append(self._padded(start, minutes, travel, present))
            objective.append(COVERAGE * minutes * size * (1 - present))

        # Blocks kept where they are (at a venue) still occupy their cohort.
        kept = defaultdict(list)
        for booking in self.frozen:
            if booking.cohort in cohort_intervals and booking.day in self.days:
                walk = self.instance.travel_minutes(self.school, booking.site) or 0
                base = self.days.index(booking.day) * DAY
                kept[booking.cohort].append(
                    (base + booking.start - walk, base + booking.end + walk)
                )
        for cohort_id, spans in kept.items():
            cohort_intervals[cohort_id] += self._fixed(spans)
        for intervals in cohort_intervals.values():
            if len(intervals) > 1:
                m.add_no_overlap(intervals)

        # The programme's ceiling per day, and the preferred load as a cost.
        for booking in self.frozen:
            if (booking.cohort, booking.day) in day_load and booking.block is not None:
                day_load[(booking.cohort, booking.day)].append((booking.minutes, 1))
        for (cohort_id, _day), items in day_load.items():
            programme = next(
                t.plan.cohort.programme for t in self.tasks if t.plan.cohort.id == cohort_id
            )
            size = next(t.plan.cohort.size for t in self.tasks if t.plan.cohort.id == cohort_id)
            load = sum(minutes * lit for minutes, lit in items)
            m.add(load <= programme.max_minutes_per_day)
            over = m.new_int_var(0, DAY, "")
            m.add(over >= load - programme.preferred_minutes_per_day)
            objective.append(self.instance.weights.day_load * size * over)

        self._coach_constraints()
        self._room_constraints()
        m.minimize(sum(objective))

    def _session(self, index: int, task: BlockTask, k: int, start) -> _SessionVars:
        m = self.model
        instance = self.instance
        minutes = task.plan.minutes
        present = m.new_bool_var("")
        activity = {a.id: m.new_bool_var("") for a in task.candidates}
        m.add(sum(activity.values()) == present)

        rooms = {}
        venue_lits = []
        kinds = {kind for a in task.candidates for kind in a.room_kinds}
        for room in instance.rooms:
            if room.site != self.school and room.site not in self.reach:
                continue
            if not set(room.kinds) & kinds:
                continue
            allowed = self._room_starts(room, minutes)
            if not allowed:
                continue
            lit = m.new_bool_var("")
            m.add_linear_expression_in_domain(
                start, cp_model.Domain.from_values(allowed)
            ).only_enforce_if(lit)
            fitting = [
                activity[a.id] for a in task.candidates if set(a.room_kinds) & set(room.kinds)
            ]
            m.add_bool_or(fitting).only_enforce_if(lit)
            rooms[room.id] = lit
            if room.site != self.school:
                venue_lits.append(lit)
            self.room_intervals[room.id].append(
                m.new_optional_fixed_size_interval_var(start, minutes, lit, "")
            )
        m.add(sum(rooms.values()) == present)
        venue = None
        if venue_lits:
            venue = m.new_bool_var("")
            m.add(sum(venue_lits) == venue)

        coaches = {}
        skills = {a.skill for a in task.candidates}
        needed = {a.id: a.coaches for a in task.candidates}
        for coach in instance.coaches:
            if not set(coach.skills) & skills:
                continue
            if (
                coach.sites is not None
                and self.school not in coach.sites
                and not (set(coach.sites) & set(self.reach))
            ):
                continue
            for position, day in enumerate(self.days):
                allowed = self._coach_starts(coach, day, position, minutes)
                if not allowed:
                    continue
                lit = m.new_bool_var("")
                m.add_linear_expression_in_domain(
                    start, cp_model.Domain.from_values(allowed)
                ).only_enforce_if(lit)
                m.add_implication(lit, self.block_day[(index, day)])
                fitting = [activity[a.id] for a in task.candidates if a.skill in coach.skills]
                m.add_bool_or(fitting).only_enforce_if(lit)
                if coach.sites is not None:
                    for room_id, room_lit in rooms.items():
                        if instance.room[room_id].site not in coach.sites:
                            m.add_implication(lit, room_lit.Not())
                coaches[(coach.id, day)] = lit
                self.coach_intervals[coach.id].append(
                    (
                        self._padded(start, minutes, venue, lit),
                        day,
                        minutes,
                        lit,
                    )
                )
        m.add(sum(coaches.values()) == sum(needed[a] * lit for a, lit in activity.items()))
        capacity = m.new_int_var(0, max(a.max_group for a in task.candidates), "")
        m.add(capacity <= sum(a.max_group * activity[a.id] for a in task.candidates))
        m.add(capacity <= sum(instance.room[r].capacity * lit for r, lit in rooms.items()))
        return _SessionVars(task, present, activity, rooms, coaches, venue, capacity)

    def _padded(self, start, minutes: int, travel, present):
        """The interval of a session, widened by the walk when it is away from school."""
        m = self.model
        if travel is None or not self.pad:
            return m.new_optional_fixed_size_interval_var(start, minutes, present, "")
        begin = m.new_int_var(-self.pad, len(self.days) * DAY, "")
        finish = m.new_int_var(0, len(self.days) * DAY + self.pad, "")
        m.add(begin == start - self.pad * travel)
        m.add(finish == start + minutes + self.pad * travel)
        return m.new_optional_interval_var(
            begin, minutes + 2 * self.pad * travel, finish, present, ""
        )

    def _fixed(self, spans: list[tuple[int, int]]):
        """Fixed intervals for busy spans; padded spans that touch are joined first."""
        return [
            self.model.new_fixed_size_interval_var(start, end - start, "")
            for start, end in merge(spans)
        ]

    def _room_starts(self, room, minutes: int) -> list[int]:
        slot = self.instance.slot_minutes
        result = []
        for position, day in enumerate(self.days):
            lo, hi = self.window[day]
            for t in range(lo, hi - minutes + 1, slot):
                if room.available is None or covers(room.available.get(day, []), t, t + minutes):
                    result.append(position * DAY + t)
        return result

    def _coach_starts(self, coach, day: str, position: int, minutes: int) -> list[int]:
        slot = self.instance.slot_minutes
        lo, hi = self.window[day]
        spans = coach.available.get(day, [])
        return [
            position * DAY + t
            for t in range(lo, hi - minutes + 1, slot)
            if covers(spans, t, t + minutes)
        ]

    def _coach_constraints(self) -> None:
        m = self.model
        fixed = defaultdict(list)
        for booking in self.frozen:
            for coach_id in booking.coaches:
                fixed[coach_id].append(booking)
        for coach_id, items in self.coach_intervals.items():
            coach = self.instance.coach[coach_id]
            intervals = [i for i, _, _, _ in items]
            spans = []
            for booking in fixed.get(coach_id, []):
                if booking.day not in self.days:
                    continue
                pad = self.instance.travel_minutes(self.school, booking.site)
                if pad is None:
                    # unreachable from here: the coach cannot work here that day
                    for _, day, _, lit in items:
                        if day == booking.day:
                            m.add(lit == 0)
                    continue
                base = self.days.index(booking.day) * DAY
                spans.append((base + booking.start - pad, base + booking.end + pad))
            m.add_no_overlap(intervals + self._fixed(spans))
            for day in self.days:
                elsewhere = sum(b.minutes for b in fixed.get(coach_id, []) if b.day == day)
                here = [minutes * lit for _, d, minutes, lit in items if d == day]
                if here:
                    m.add(sum(here) <= coach.max_minutes_per_day - elsewhere)
            m.add(
                sum(minutes * lit for _, _, minutes, lit in items)
                <= coach.max_minutes_per_week - self.week_elsewhere.get(coach_id, 0)
            )

    def _room_constraints(self) -> None:
        m = self.model
        fixed = defaultdict(list)
        for booking in self.frozen:
            fixed[booking.room.id].append(booking)
        for room_id, intervals in self.room_intervals.items():
            intervals = list(intervals)
            for booking in fixed.get(room_id, []):
                if booking.day in self.days:
                    base = self.days.index(booking.day) * DAY
                    intervals.append(
                        m.new_fixed_size_interval_var(base + booking.start, booking.minutes, "")
                    )
            if len(intervals) > 1:
                m.add_no_overlap(intervals)

    # -- hint and result --------------------------------------------------------

    def hint(self) -> None:
        """The current placement: blocks that run where they are, the rest absent."""
        m = self.model
        for index, task in enumerate(self.tasks):
            runs = bool(task.current)
            m.add_hint(self.block_present[index], runs)
            day = task.current[0].day if runs else None
            start = task.current[0].start if runs else None
            if runs:
                m.add_hint(self.block_start[index], self.days.index(day) * DAY + start)
            for d in self.days:
                m.add_hint(self.block_day[(index, d)], d == day)
            for k, session in enumerate(self.session_vars[index]):
                booking = task.current[k] if k < len(task.current) else None
                m.add_hint(session.present, booking is not None)
                for a_id, lit in session.activity.items():
                    m.add_hint(lit, booking is not None and booking.activity.id == a_id)
                for r_id, lit in session.rooms.items():
                    m.add_hint(lit, booking is not None and booking.room.id == r_id)
                for (c_id, d), lit in session.coaches.items():
                    m.add_hint(lit, booking is not None and c_id in booking.coaches and d == day)
                if session.venue is not None:
                    m.add_hint(session.venue, booking is not None and booking.site != self.school)

    def complete_hint(self) -> bool:
        """Fill in every variable the hint leaves open; False when the hint breaks a rule."""
        solver = cp_model.CpSolver()
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.max_time_in_seconds = 5.0
        solver.parameters.num_workers = 1
        if solver.solve(self.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        values = [
            solver.value(self.model.get_int_var_from_proto_index(i))
            for i in range(len(self.model.proto.variables))
        ]
        self.model.clear_hints()
        for i, value in enumerate(values):
            self.model.add_hint(self.model.get_int_var_from_proto_index(i), value)
        return True

    def solve(self, time_limit: float, workers: int, seed: int, deterministic: bool):
        solver = cp_solver(time_limit, workers, seed, deterministic=deterministic)
        # Probing costs seconds on these models and finds little; LNS from the hint pays.
        solver.parameters.cp_model_probing_level = 0
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return solver

    def bookings(self, solver) -> dict[int, list[Booking]]:
        """The sessions of each running block, by task index."""
        result: dict[int, list[Booking]] = {}
        for index, task in enumerate(self.tasks):
            if not solver.value(self.block_present[index]):
                continue
            value = solver.value(self.block_start[index])
            day = self.days[value // DAY]
            start = value % DAY
            sessions = []
            for session in self.session_vars[index]:
                if not solver.value(session.present):
                    continue
                activity_id = next(a for a, lit in session.activity.items() if solver.value(lit))
                room_id = next(r for r, lit in session.rooms.items() if solver.value(lit))
                coaches = sorted(c for (c, _), lit in session.coaches.items() if solver.value(lit))
                activity = self.instance.activity[activity_id]
                sessions.append(
                    Booking(
                        activity=activity,
                        day=day,
                        start=start,
                        end=start + activity.minutes,
                        room=self.instance.room[room_id],
                        coaches=coaches,
                        cohort=task.plan.cohort.id,
                        block=task.plan.index,
                    )
                )
            result[index] = sessions
        return result
