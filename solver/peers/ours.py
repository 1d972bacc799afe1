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

How, stage by stage:

1. A greedy (``solver.peers.min_conflicts``): most constrained session first;
   of its options the one that keeps parallel sessions of a class at one
   time, then the one that brings the fewest coaches to its site on a day
   they are not there yet, then the one that leaves its pupils the fewest
   free minutes too short for their other sessions, then the least loaded
   day, then the earliest start.
2. Min-conflicts repair until it stalls: an unplaced session takes the
   option whose sessions in its way weigh least, a session's weight growing
   each time a move leaves it out, a coach's new visit weighing two; those
   are placed again where they fit, and one that does not gets a second link
   of an ejection chain (it takes a place where a single session is in its
   way, which moves to where it fits); a move that places fewer is undone.
3. For a P of up to ``SAT_SESSIONS`` sessions, a SAT solver (Glucose) places
   all of them, its phases set to the repair's timetable
   (``solver.peers.sat``: time-indexed literals, which settle in seconds the
   tightly packed schools that the repair and CP-SAT leave unfinished after
   minutes); first with each start a whole lesson after the first its pupils
   may begin (``rules.on_the_hour``), then on every quarter hour.
4. For a larger P, for a session still left out, chosen at random, OR-Tools
   CP-SAT places it together with up to ``NEIGHBOURHOOD`` placed sessions
   around it (sharing a person or an allowed room), all of them mandatory,
   the sessions they touch fixed; and so on until all are placed or time is
   up. Once at most ``SAT_LEFT`` are left out, the SAT formula of P tries
   first, with ``SAT_NEIGHBOURHOOD`` sessions around the one left out free
   and every other placed session pinned. The CP-SAT model is one over the
   week (``solver.peers.week_model``): a start per session on a week-long
   time line, no overlap per person and room, the daily maxima and "once a
   day" by day literals, the travel between two sessions at different sites
   as a disjunction.

When time runs out the best partial timetable is returned, like FET's, and
with it, like FET's trace, when each new most placed was first reached
(``OursRun.progress``). The result is checked by our checker against the
real instance, like FET's.

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
from dataclasses import dataclass, field, replace

from solver.peers.fet import Projection
from solver.peers.min_conflicts import place_and_repair
from solver.peers.progress import Progress
from solver.peers.rules import on_the_hour, pinned_to, rules_of
from solver.peers.sat import WeekFormula
from solver.peers.week_model import WeekModel
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
# The SAT stage first gives its formula with each start a whole lesson (P's
# most common length) after the first its pupils may begin, days packed lesson
# after lesson from the window's start: a quarter of the starts. It gets a
# quarter of the time left and at most HOUR_CONFLICTS conflicts. On the first 5
# schools of the district, where the repair leaves a few out, it finds a
# timetable within 8,000-14,000 conflicts, and ours completes P in 6-9 s instead
# of 16-41 s. A P that does not fit whole lessons (the school scenario) is
# proved so at once, but two packed single schools of the district took 100,000
# conflicts or more where every quarter hour took a few seconds: the cap keeps
# that loss to 1.5-2 s (docs/benchmarks.md, "FET side by side", run 16).
HOUR_FIRST = 0.25
HOUR_CONFLICTS = 20_000
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
    progress: Progress = field(default_factory=Progress)  # when each new most placed was reached

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
    progress = Progress(started)
    instance = projection.instance
    sessions = projection.sessions
    rules = rules_of(projection)
    option_list, site_of, minutes = rules.options, rules.site_of, rules.minutes
    people, window_of, once_a_day = rules.people, rules.window_of, rules.once_a_day

    # -- a greedy and its repair; what they leave out, CP-SAT around each -----------
    if fixed is not None:
        pinned = pinned_to(rules, projection, fixed).options
        model = WeekModel(instance, pinned, site_of, minutes, people, once_a_day)
        free = {index for index, options in enumerate(pinned) if options}
        chosen = model.solve(free, {}, time_limit, workers, seed) or {}
        return _run(projection, chosen, minutes, time.monotonic() - started, "PINNED", progress)

    chosen = place_and_repair(
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
        progress=progress,
    )
    status = "GREEDY"
    placeable = {index for index, options in enumerate(option_list) if options}
    if len(chosen) < len(sessions) and len(placeable) <= SAT_SESSIONS:
        status = "GREEDY+SAT"
        lesson = Counter(minutes[i] for i in placeable).most_common(1)[0][0]
        formula = WeekFormula(instance, on_the_hour(rules, lesson), placeable)
        found = formula.solve(
            HOUR_FIRST * (started + time_limit - time.monotonic()),
            hint=chosen,
            conflicts=HOUR_CONFLICTS,
        )
        if found is None:
            formula = WeekFormula(instance, rules, placeable)
            found = formula.solve(started + time_limit - time.monotonic(), hint=chosen)
        if found is not None:
            chosen = found
            progress.seen(len(chosen))
    elif len(chosen) < len(sessions):
        status = "GREEDY+CP-SAT"
        model = WeekModel(instance, option_list, site_of, minutes, people, once_a_day)
        neighbours = _neighbours(people, projection.allowed_rooms)
        chosen = _fill_by_neighbourhoods(
            model,
            chosen,
            neighbours,
            started + time_limit,
            workers,
            seed,
            progress,
            _SatAround(instance, rules),
        )
    return _run(projection, chosen, minutes, time.monotonic() - started, status, progress)


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
    model: WeekModel,
    chosen: dict[int, tuple[str, str, int]],
    neighbours: dict[int, set[int]],
    deadline: float,
    workers: int,
    seed: int,
    progress: Progress,
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
                progress.seen(len(chosen))
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
            progress.seen(len(chosen))
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


def _run(
    projection: Projection,
    chosen: dict[int, tuple[str, str, int]],
    minutes: list[int],
    seconds: float,
    status: str,
    progress: Progress | None = None,
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
        progress=progress if progress is not None else Progress(),
    )
