"""Our side of the FET comparison: the projected problem, timetabled by our own code.

FET is handed a fixed list of activities (``solver.peers.fet.project``): each
session's activity, pupils, coaches and site are given, and only its day,
start and room are to be chosen. For the comparison to be fair, our side must
solve *that* problem too, from scratch, not the full instance (which also
chooses the sessions themselves, and whose coverage may stay below 100% while
every projected activity is placed). The engine has no entry point for a
fixed list of sessions (it always builds its own), so this module is a
timetabler for exactly P, in the engine's manner (greedy placement with
repair), then a SAT solver or OR-Tools CP-SAT, under the instance's own rules:

- the same activities: ``projection.sessions``, their pupils and coaches
  fixed; their days, starts and rooms from the solution the projection was
  made from are **not** used (no hint);
- the same rooms: ``projection.allowed_rooms`` (the rooms FET may use);
- the same availability: the grid of FET hours, school windows, pupils'
  unavailability, coach availability and daily maximum, room availability,
  pupils' daily maximum, an activity at most once a day per pupil, the walk
  to a venue at the start of the window;
- travel as the spec states it (per pair of sites, unreachable pairs not on
  one day), which FET is told pair by pair as well.

How: a greedy first (most constrained session first; of its options the one
that keeps parallel sessions of a class at one time, then the one that brings
the fewest coaches to its site on a day they are not there yet, then the one
that leaves its pupils the fewest free minutes too short for their other
sessions, then the least loaded day, then the earliest start), then
min-conflicts repair (an unplaced session takes the option whose sessions in
its way weigh least, a session's weight growing each time a move leaves it
out, a coach's new visit weighing two; those are placed again where they
fit, and one that does not gets a second link of an ejection chain: it takes
a place where a single session is in its way, which moves to where it fits;
a move that places fewer is undone) until it stalls. Then,
for a P of up to ``SAT_SESSIONS`` sessions, a SAT solver (Glucose) places all
of them, its phases set to the repair's timetable (``solver.peers.sat``:
time-indexed literals, which settle in seconds the tightly packed schools
that the repair and CP-SAT leave unfinished after minutes); first with each
start a whole lesson after the first its pupils may begin
(``rules.on_the_hour``), then on every quarter hour. For a larger P,
for a session still left out, chosen at random, OR-Tools CP-SAT places it
together with up to ``NEIGHBOURHOOD`` placed sessions around it (sharing a
person or an allowed room), all of them mandatory, the sessions they touch
fixed; and so on until all are placed or time is up. Once at most
``SAT_LEFT`` are left out, the SAT formula of P tries first, with
``SAT_NEIGHBOURHOOD`` sessions around the one left out free and every other
placed session pinned. One CP-SAT model over the week (a start per session
on a week-long time line, no overlap per person and room, the daily maxima
and "once a day" by day literals, the travel between two sessions at
different sites as a disjunction). When time runs out the
best partial timetable is returned, like FET's. The result is checked by our
checker against the real instance, like FET's.

*Complete* means every session of the projection placed; the time to it is
wall-clock from the call (computing the options included), on one thread for
the greedy and the SAT solver and ``workers`` for CP-SAT; fet-cl runs one
thread.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from solver.peers.fet import Projection
from solver.peers.rules import on_the_hour, pinned_to, rules_of
from solver.peers.sat import WeekFormula
from solver.solution import Session, Solution

log = logging.getLogger(__name__)

# The repair places many sessions a second at first, then fewer; CP-SAT around
# each session left out places the last few of a small or medium projection
# that the repair does not (docs/benchmarks.md, "FET side by side"). So the
# repair runs until it has placed no more for half the time it has run, at
# least 1 s and at most this share of the time limit (2 to 20 s): a small
# projection stalls in seconds, a large one still gains after a minute.
REPAIR_STALL = 0.05
# Up to this many sessions, what the repair leaves is settled by a SAT solver
# over the whole of P (solver.peers.sat): it completes the tightly packed
# schools that CP-SAT and the repair do not, in seconds, and the first five
# schools of the district within a minute, but with CaDiCaL or Glucose it does
# not scale to ten schools (docs/benchmarks.md, "FET side by side", runs 7 and 9).
# Above it, CP-SAT around each session left out.
SAT_SESSIONS = 800
# Of the time left, the share the SAT stage first gives its formula with each
# start a whole lesson (P's most common length) after the first its pupils may
# begin: days packed lesson after lesson from the window's start, a quarter of
# the starts. On the first 5 schools of the district, where the repair leaves a
# few out, ours then completes P in 6-9 s instead of 16-41 s; a P that does not
# fit whole lessons (a single school) is proved so in a fraction of a second
# (docs/benchmarks.md, "FET side by side", run 16).
HOUR_FIRST = 0.25
# A coach who comes to a site on one more day leaves less of that day for travel
# and ties more pupils' days to theirs: the engine's timetable that P is made
# from holds 2,424 such visits (coach, day, site) on the district, the repair
# 2,879 without this. Against sessions moved (each weighs one or more), a new
# visit weighs two: then 2,757, and ~25 more placed in 120 s; 0.5, 5 or 10
# place fewer (docs/benchmarks.md, run 15).
NEW_VISIT = 2
NEIGHBOURHOOD = 150  # sessions CP-SAT may move to place one more
STEP_SECONDS = 10.0  # CP-SAT's limit for one neighbourhood
# With few sessions left out, a larger neighbourhood goes to the SAT solver
# first, every other session pinned: on the first 10 schools of the district
# it places the last ones 24-37 s after the repair (3 seeds), where CP-SAT's
# neighbourhoods leave one out after minutes (docs/benchmarks.md, run 15).
SAT_LEFT = 10
SAT_NEIGHBOURHOOD = 450
SAT_STEP_SECONDS = 30.0


@dataclass
class OursRun:
    solution: Solution  # placed sessions only
    complete: bool
    placed: int
    total: int
    seconds: float  # to the complete timetable, or to the end of the search
    status: str

    @property
    def share_placed(self) -> float:
        return self.placed / self.total if self.total else 1.0


def solve_projection(
    projection: Projection,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    *,
    fixed: Solution | None = None,
) -> OursRun:
    """Place every activity of ``projection`` (day, start, room) within ``time_limit``.

    ``fixed`` (tests only, never in the benchmark) pins each session to its day,
    start and room there and skips the greedy: a check that a known timetable
    satisfies the model.
    """
    started = time.monotonic()
    instance = projection.instance
    sessions = projection.sessions
    rules = rules_of(projection)
    option_list, site_of, minutes = rules.options, rules.site_of, rules.minutes
    people, window_of, once_a_day = rules.people, rules.window_of, rules.once_a_day

    # -- a greedy and its repair; what they leave out, CP-SAT around each -----------
    if fixed is not None:
        pinned = pinned_to(rules, projection, fixed).options
        model = _WeekModel(instance, pinned, site_of, minutes, people, once_a_day)
        free = {index for index, options in enumerate(pinned) if options}
        chosen = model.solve(free, {}, time_limit, workers, seed) or {}
        return _run(projection, chosen, minutes, time.monotonic() - started, "PINNED")

    chosen = _greedy(
        instance,
        option_list,
        site_of,
        minutes,
        people,
        window_of,
        [{instance.pupil[p].class_id for p in s.pupils} for s in sessions],
        once_a_day,
        {tuple(sorted(indices)) for indices in projection.teachers.values()},
        deadline=started + time_limit,
        seed=seed,
        stall=min(max(REPAIR_STALL * time_limit, 2.0), 20.0),
    )
    status = "GREEDY"
    placeable = {index for index, options in enumerate(option_list) if options}
    if len(chosen) < len(sessions) and len(placeable) <= SAT_SESSIONS:
        status = "GREEDY+SAT"
        found = None
        if HOUR_FIRST:
            lesson = Counter(minutes[i] for i in placeable).most_common(1)[0][0]
            formula = WeekFormula(instance, on_the_hour(rules, lesson), placeable)
            found = formula.solve(
                HOUR_FIRST * (started + time_limit - time.monotonic()), hint=chosen
            )
        if found is None:
            formula = WeekFormula(instance, rules, placeable)
            found = formula.solve(started + time_limit - time.monotonic(), hint=chosen)
        if found is not None:
            chosen = found
    elif len(chosen) < len(sessions):
        status = "GREEDY+CP-SAT"
        model = _WeekModel(instance, option_list, site_of, minutes, people, once_a_day)
        neighbours = _neighbours(people, projection.allowed_rooms)
        chosen = _fill_by_neighbourhoods(
            model,
            chosen,
            neighbours,
            started + time_limit,
            workers,
            seed,
            _SatAround(instance, rules),
        )
    return _run(projection, chosen, minutes, time.monotonic() - started, status)


def _neighbours(
    people: dict[tuple[int, ...], int], allowed_rooms: list[list[str]]
) -> dict[int, set[int]]:
    """The sessions each session shares a person (subgroup or coach) or an allowed room with."""
    groups: list[set[int]] = [set(key) for key in people]
    by_room: dict[str, set[int]] = defaultdict(set)
    for index, rooms in enumerate(allowed_rooms):
        for room in rooms:
            by_room[room].add(index)
    groups.extend(by_room.values())
    neighbours: dict[int, set[int]] = defaultdict(set)
    for group in groups:
        for index in group:
            neighbours[index].update(group)
    return neighbours


def _fill_by_neighbourhoods(
    model: _WeekModel,
    chosen: dict[int, tuple[str, str, int]],
    neighbours: dict[int, set[int]],
    deadline: float,
    workers: int,
    seed: int,
    sat: _SatAround | None = None,
) -> dict[int, tuple[str, str, int]]:
    """Place what the repair left out, one session at a time, by moving those around it.

    For a session left out, its neighbourhood is that session and placed ones
    reached from it through a shared person or an allowed room (breadth first,
    in random order, up to ``NEIGHBOURHOOD`` sessions); CP-SAT must place all of
    them, the sessions they touch stay where they are. Stated as a feasibility
    problem, not as "place as many as you can": with every session mandatory
    CP-SAT proves or finds in a second or two what the maximising form does not
    settle in minutes. Once at most ``SAT_LEFT`` are left out, ``sat`` tries a
    larger neighbourhood of the session first.
    """
    chosen = dict(chosen)
    rng = random.Random(seed)
    total = len(model.options)
    sat_failed: set[int] = set()
    while len(chosen) < total and time.monotonic() < deadline - 0.5:
        left = [i for i in range(total) if i not in chosen and model.options[i]]
        if not left:
            break
        first = rng.choice(left)
        if sat is not None and len(left) <= SAT_LEFT and first not in sat_failed:
            found = sat.place(first, chosen, rng, deadline)
            if found is not None:
                chosen, sat_failed = found, set()
                continue
            sat_failed.add(first)  # until something else moves
        free = _reach(first, neighbours, NEIGHBOURHOOD, rng, admit=chosen.__contains__)
        touching = set().union(*(neighbours[i] for i in free)) - free
        kept = {i: chosen[i] for i in touching if i in chosen}
        limit = min(STEP_SECONDS, deadline - time.monotonic())
        found = model.solve(free, kept, limit, workers, rng.randrange(1 << 16), hint=chosen)
        if found:
            chosen.update({i: found[i] for i in free})
            sat_failed = set()
    log.info("neighbourhoods: %d of %d placed", len(chosen), total)
    return chosen


def _reach(first, neighbours, size, rng, admit=None) -> set[int]:
    """``first`` and sessions reached from it, breadth first in random order, up to ``size``.

    Only sessions ``admit`` lets in count and lead further.
    """
    free, queue = {first}, [first]
    while queue and len(free) < size:
        reached = sorted(neighbours[queue.pop(0)] - free)
        rng.shuffle(reached)
        for index in reached:
            if len(free) >= size:
                break
            if admit is None or admit(index):
                free.add(index)
                queue.append(index)
    return free


class _SatAround:
    """The SAT formula of P with a neighbourhood of one session left out free.

    The neighbourhood: that session and up to ``SAT_NEIGHBOURHOOD`` sessions
    reached from it through shared pupils or coaches (breadth first, in
    random order), placed or not, all of them mandatory. Every other placed
    session is pinned where it is, every other one left out is absent.
    """

    def __init__(self, instance, rules):
        self.instance = instance
        self.rules = rules
        self.people_of = _neighbours(rules.people, allowed_rooms=[])

    def place(self, first: int, chosen, rng: random.Random, deadline: float):
        """Every session of ``chosen`` and those around ``first``, or None."""
        free = _reach(first, self.people_of, SAT_NEIGHBOURHOOD, rng)
        options: list[dict[tuple[str, str], list[int]]] = []
        for index, here in enumerate(self.rules.options):
            if index in free:
                options.append(here)
            elif index in chosen:
                day, room, start = chosen[index]
                options.append({(day, room): [start]})
            else:
                options.append({})
        present = {i for i, here in enumerate(options) if here}
        formula = WeekFormula(self.instance, replace(self.rules, options=options), present)
        limit = min(SAT_STEP_SECONDS, deadline - time.monotonic())
        return formula.solve(limit, hint=chosen) if limit > 1 else None


class _WeekModel:
    """CP-SAT over the week: each free session a day, start and room, all of them placed.

    One start per session on a week-long time line (day × 1,440 + minute), so
    one no-overlap per person covers the whole week and the travel between
    two sessions needs no day literal (days lie 1,440 minutes apart); a
    literal per session and day for the daily maxima and "once a day"; an
    optional interval per allowed room. Sessions ``kept`` are fixed where they
    are and constrain the free ones.
    """

    DAY = 1440

    def __init__(self, instance, options, site_of, minutes, people, once_a_day):
        self.instance = instance
        self.options = options
        self.site_of = site_of
        self.minutes = minutes
        self.days = list(instance.days)
        self.day_number = {day: n for n, day in enumerate(self.days)}
        self.people_of: dict[int, list[tuple[tuple[int, ...], int]]] = defaultdict(list)
        for key, limit in people.items():
            for index in key:
                self.people_of[index].append((key, limit))
        self.twins_of: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for key in once_a_day:
            for index in key:
                self.twins_of[index].append(key)

    def solve(
        self,
        free: set[int],
        kept: dict[int, tuple[str, str, int]],
        time_limit: float,
        workers: int,
        seed: int,
        *,
        hint: dict[int, tuple[str, str, int]] | None = None,
    ) -> dict[int, tuple[str, str, int]] | None:
        """Where each free session goes, or None when CP-SAT finds no way in time."""
        model = cp_model.CpModel()
        every = free | set(kept)
        start, on_day, in_room = {}, {}, {}
        rooms: dict[str, list] = defaultdict(list)
        for index in sorted(every):
            if index in kept:
                day, room, at = kept[index]
                here = {(day, room): [at]}
            else:
                here = self.options[index]
            start[index], on_day[index], in_room[index] = self._session(model, index, here, rooms)
        for intervals in rooms.values():
            if len(intervals) > 1:
                model.add_no_overlap(intervals)

        seen: set[tuple[int, ...]] = set()
        pairs: set[tuple[int, int]] = set()
        for index in free:
            for key, limit in self.people_of[index]:
                if key in seen:
                    continue
                seen.add(key)
                here = [i for i in key if i in every]
                model.add_no_overlap(
                    [model.new_fixed_size_interval_var(start[i], self.minutes[i], "") for i in here]
                )
                for day in self.days:
                    today = [i for i in here if day in on_day[i]]
                    if sum(self.minutes[i] for i in today) > limit:
                        model.add(sum(self.minutes[i] * on_day[i][day] for i in today) <= limit)
                pairs.update(
                    (a, b)
                    for a in here
                    for b in here
                    if a < b and self.site_of[a] != self.site_of[b]
                )
            for key in self.twins_of[index]:
                here = [i for i in key if i in every]
                for day in self.days:
                    today = [on_day[i][day] for i in here if day in on_day[i]]
                    if len(today) > 1:
                        model.add_at_most_one(today)
        for a, b in pairs:
            travel = self.instance.travel_minutes(self.site_of[a], self.site_of[b])
            if travel is None:
                for day in set(on_day[a]) & set(on_day[b]):
                    model.add_bool_or([on_day[a][day].Not(), on_day[b][day].Not()])
                continue
            before = model.new_bool_var("")
            model.add(start[b] >= start[a] + self.minutes[a] + travel).only_enforce_if(before)
            model.add(start[a] >= start[b] + self.minutes[b] + travel).only_enforce_if(before.Not())

        for index, (day, room, at) in (hint or {}).items():
            if index in free:
                model.add_hint(start[index], self.day_number[day] * self.DAY + at)
                for other, literal in in_room[index].items():
                    if literal is not None:
                        model.add_hint(literal, int(other == room))

        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, time_limit)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        found = {}
        for index in free:
            week = solver.value(start[index])
            room = next(r for r, v in in_room[index].items() if v is None or solver.value(v))
            found[index] = (self.days[week // self.DAY], room, week % self.DAY)
        return found

    def _session(self, model, index, options, rooms):
        day_number = self.day_number
        values = sorted({day_number[d] * self.DAY + s for (d, _), v in options.items() for s in v})
        start = model.new_int_var_from_domain(cp_model.Domain.from_values(values), "")
        on_day = {}
        for day in self.days:
            today = [v for v in values if v // self.DAY == day_number[day]]
            if today:
                on_day[day] = model.new_bool_var("")
                model.add_linear_expression_in_domain(
                    start, cp_model.Domain.from_values(today)
                ).only_enforce_if(on_day[day])
        model.add_exactly_one(on_day.values())
        by_room: dict[str, list[int]] = defaultdict(list)
        for (day, room), starts in options.items():
            by_room[room].extend(day_number[day] * self.DAY + s for s in starts)
        in_room = {}
        for room, allowed in by_room.items():
            literal = None if len(by_room) == 1 else model.new_bool_var("")
            in_room[room] = literal
            if len(allowed) < len(values):
                constraint = model.add_linear_expression_in_domain(
                    start, cp_model.Domain.from_values(sorted(allowed))
                )
                if literal is not None:
                    constraint.only_enforce_if(literal)
            if literal is None:
                rooms[room].append(
                    model.new_fixed_size_interval_var(start, self.minutes[index], "")
                )
            else:
                rooms[room].append(
                    model.new_optional_fixed_size_interval_var(
                        start, self.minutes[index], literal, ""
                    )
                )
        if len(by_room) > 1:
            model.add_exactly_one(in_room.values())
        return start, on_day, in_room


def _run(
    projection: Projection,
    chosen: dict[int, tuple[str, str, int]],
    minutes: list[int],
    seconds: float,
    status: str,
) -> OursRun:
    result = []
    for index, session in enumerate(projection.sessions):
        if index not in chosen:
            continue
        day, room, start = chosen[index]
        result.append(
            Session(
                id=session.id,
                activity=session.activity,
                day=day,
                start=start,
                end=start + minutes[index],
                room=room,
                coaches=session.coaches,
                pupils=session.pupils,
            )
        )
    return OursRun(
        solution=Solution(
            instance=projection.instance.name,
            sessions=result,
            stats={"solver": "ours on the FET projection (greedy, then CP-SAT)"},
        ),
        complete=len(result) == len(projection.sessions),
        placed=len(result),
        total=len(projection.sessions),
        seconds=seconds,
        status=status,
    )


def _greedy(
    instance,
    options: list[dict[tuple[str, str], list[int]]],
    site_of: list[str],
    minutes: list[int],
    people: dict[tuple[int, ...], int],
    window_of: dict[tuple[int, ...], dict[str, tuple[int, int]]],
    classes_of: list[set[str]],
    once_a_day: set[tuple[int, ...]],
    coach_keys: set[tuple[int, ...]],
    deadline: float,
    seed: int = 0,
    stall: float | None = None,
) -> dict[int, tuple[str, str, int]]:
    """Sessions placed one at a time under the same rules as the model, then repaired.

    First pass: most constrained session first; of its options, the one that
    keeps parallel sessions of a class at one start, then the one that brings
    the fewest coaches to its site on a day they are not there yet (a new
    visit), then the one that leaves its pupils the fewest free minutes too
    short for any of their sessions (best fit), then the least loaded day,
    then the earliest start.
    Then, until ``deadline``, every session placed, or no gain for half the
    time the repair has run (at least 1 s, at most ``stall``), an unplaced session
    takes the option whose conflicting sessions weigh least (each session's
    weight grows by one whenever a move leaves it unplaced: breakout), each
    new visit weighing ``NEW_VISIT``; those are taken out and placed again
    where they fit, and each that does not fit may take a place where one
    session alone is in its way if that one fits elsewhere (an ejection chain
    of depth two); the move is kept when no fewer sessions are placed than
    before (min-conflicts with plateau moves).
    """
    keys_of: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for key in people:
        for index in key:
            keys_of[index].append(key)
    twins_of: dict[int, set[int]] = defaultdict(set)  # same activity, a pupil in common
    for key in once_a_day:
        for index in key:
            twins_of[index].update(i for i in key if i != index)
    busy: dict[tuple[tuple[int, ...], str], dict[int, tuple[int, int, str]]] = defaultdict(dict)
    load: dict[tuple[tuple[int, ...], str], int] = defaultdict(int)
    room_busy: dict[tuple[str, str], dict[int, tuple[int, int]]] = defaultdict(dict)
    chosen: dict[int, tuple[str, str, int]] = {}
    rng = random.Random(seed)
    # parallel sessions of one class at one time keep the class's day in one piece
    starts_at: dict[tuple[str, str, int], int] = defaultdict(int)

    # the options by day and start, with the rooms free to choose among at that time:
    # the people's side of a start is then judged once, not once per room
    slots: list[dict[tuple[str, int], list[str]]] = []
    for by_room in options:
        here: dict[tuple[str, int], list[str]] = defaultdict(list)
        for (day, room), starts in by_room.items():
            for start in starts:
                here[(day, start)].append(room)
        slots.append(dict(here))

    def people_conflicts(index: int, day: str, start: int) -> set[int] | None:
        """The placed sessions of its people in the way; None when it can never fit."""
        end = start + minutes[index]
        site = site_of[index]
        found = {t for t in twins_of[index] if t in chosen and chosen[t][0] == day}
        # a session shared by many of its people (a class's subgroups) is judged once
        theirs: dict[int, tuple[int, int, str]] = {}
        for key in keys_of[index]:
            theirs.update(busy[(key, day)])
        for j, (b, e, other) in theirs.items():
            if b < end and start < e:
                found.add(j)
            elif other != site:
                travel = instance.travel_minutes(site, other)
                if travel is None or (start - e if e <= start else b - end) < travel:
                    found.add(j)
        for key in keys_of[index]:
            over = load[(key, day)] + minutes[index] - people[key]
            if over > 0 and over > sum(minutes[j] for j in found if j in busy[(key, day)]):
                return None
        return found

    def room_conflicts(index: int, day: str, room: str, start: int) -> set[int]:
        end = start + minutes[index]
        return {j for j, (b, e) in room_busy[(room, day)].items() if b < end and start < e}

    def place(index: int, day: str, room: str, start: int) -> None:
        chosen[index] = (day, room, start)
        for c in classes_of[index]:
            starts_at[(c, day, start)] += 1
        room_busy[(room, day)][index] = (start, start + minutes[index])
        for key in keys_of[index]:
            busy[(key, day)][index] = (start, start + minutes[index], site_of[index])
            load[(key, day)] += minutes[index]

    def unplace(index: int) -> None:
        day, room, start = chosen.pop(index)
        for c in classes_of[index]:
            starts_at[(c, day, start)] -= 1
        del room_busy[(room, day)][index]
        for key in keys_of[index]:
            del busy[(key, day)][index]
            load[(key, day)] -= minutes[index]

    shortest = {key: min(minutes[i] for i in key) for key in window_of}
    coaches_of = [[k for k in keys_of[i] if k in coach_keys] for i in range(len(options))]

    def new_visits(index: int, day: str) -> int:
        """Its coaches who are not at its site that day yet."""
        site = site_of[index]
        return sum(
            all(other != site for _, _, other in busy[(key, day)].values())
            for key in coaches_of[index]
        )

    def waste(index: int, day: str, start: int) -> int:
        """Free minutes of its pupils' day that become too short for any of their sessions."""
        end = start + minutes[index]
        total = 0
        for key in keys_of[index]:
            window = window_of.get(key, {}).get(day)
            if window is None:
                continue
            spans = sorted([(b, e) for b, e, _ in busy[(key, day)].values()] + [(start, end)])
            edge = window[0]
            for b, e in [*spans, (window[1], window[1])]:
                if 0 < b - edge < shortest[key]:
                    total += b - edge
                edge = max(edge, e)
        return total

    def first_fit(index: int) -> bool:
        best = None
        for (day, start), rooms in slots[index].items():
            if people_conflicts(index, day, start) != set():
                continue
            room = next((r for r in rooms if not room_conflicts(index, day, r, start)), None)
            if room is None:
                continue
            aligned = sum(starts_at[(c, day, start)] for c in classes_of[index])
            day_load = sum(load[(k, day)] for k in keys_of[index])
            score = (-aligned, new_visits(index, day), waste(index, day, start), day_load, start)
            if best is None or score < best[0]:
                best = (score, day, room, start)
        if best is None:
            return False
        place(index, *best[1:])
        return True

    order = sorted(
        range(len(options)),
        key=lambda i: (sum(len(v) for v in options[i].values()), -len(keys_of[i]), i),
    )

    unplaced = [i for i in order if options[i] and not first_fit(i)]
    log.info("greedy: %d of %d placed in the first pass", len(chosen), len(options))
    tabu: dict[int, int] = {}  # session -> step until which it stays where it is
    weight: dict[int, int] = defaultdict(lambda: 1)  # how often a session was left out

    def chain(j: int, touched: dict, protect: set[int]) -> bool:
        """Place ``j`` by moving one placed session that alone is in its way elsewhere."""
        candidates = []
        for (day, start), rooms in slots[j].items():
            mine = people_conflicts(j, day, start)
            if mine is None or len(mine) > 1 or mine & protect:
                continue
            for room in rooms:
                found = mine | room_conflicts(j, day, room, start)
                if len(found) == 1 and not found & protect:
                    candidates.append((day, room, start, next(iter(found))))
        rng.shuffle(candidates)
        for day, room, start, k in candidates[:8]:
            where = chosen[k]
            unplace(k)
            place(j, day, room, start)
            if first_fit(k):
                touched.setdefault(j, None)
                touched.setdefault(k, where)
                return True
            unplace(j)
            place(k, *where)
        return False

    step = 0
    most, improved = len(chosen), time.monotonic()
    began = improved
    while unplaced and time.monotonic() < deadline:
        step += 1
        now = time.monotonic()
        if len(chosen) > most:
            most, improved = len(chosen), now
        elif stall is not None and now - improved > min(stall, max(1.0, (now - began) / 2)):
            break
        if step % 2000 == 0:
            log.info("greedy: %d of %d placed, step %d", len(chosen), len(options), step)
        index = unplaced.pop(rng.randrange(len(unplaced)))
        best: list[tuple[str, str, int, set[int]]] = []
        fewest = None
        for (day, start), rooms in slots[index].items():
            mine = people_conflicts(index, day, start)
            if mine is None or any(tabu.get(j, 0) > step for j in mine):
                continue
            visits = NEW_VISIT * new_visits(index, day)
            for room in rooms:
                found = mine | room_conflicts(index, day, room, start)
                if any(tabu.get(j, 0) > step for j in found):
                    continue
                cost = sum(weight[j] for j in found) + visits
                if fewest is None or cost < fewest:
                    fewest, best = cost, []
                if cost == fewest:
                    best.append((day, room, start, found))
        if not best:
            unplaced.append(index)
            continue
        day, room, start, found = rng.choice(best)
        before = {j: chosen[j] for j in found}
        for j in found:
            unplace(j)
        place(index, day, room, start)
        tabu[index] = step + 10
        left = [j for j in found if not first_fit(j)]
        touched: dict[int, tuple[str, str, int] | None] = dict(before)
        touched[index] = None
        if len(left) > 1:
            left = [j for j in left if not chain(j, touched, {index, *found})]
        for j in left:
            weight[j] += 1
        if len(left) <= 1:
            unplaced.extend(left)
            continue
        # worse: undo
        for j in touched:
            if j in chosen:
                unplace(j)
        for j, where in touched.items():
            if where is not None:
                place(j, *where)
        unplaced.append(index)
    log.info("greedy: %d of %d placed after %d repair steps", len(chosen), len(options), step)
    return chosen
