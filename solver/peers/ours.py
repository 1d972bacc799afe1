"""Our side of the FET comparison: the projected problem, timetabled by our own code.

FET is handed a fixed list of activities (``solver.peers.fet.project``): each
session's activity, pupils, coaches and site are given, and only its day,
start and room are to be chosen. For the comparison to be fair, our side must
solve *that* problem too, from scratch, not the full instance (which also
chooses the sessions themselves, and whose coverage may stay below 100% while
every projected activity is placed). The engine has no entry point for a
fixed list of sessions (it always builds its own), so this module is a
timetabler for exactly P, in the engine's manner (greedy placement with
repair, then OR-Tools CP-SAT), under the instance's own rules:

- the same activities: ``projection.sessions``, their pupils and coaches
  fixed; their days, starts and rooms from the solution the projection was
  made from are **not** used (no hint);
- the same rooms: ``projection.allowed_rooms`` (the rooms FET may use);
- the same availability: the grid of FET hours, school windows, pupils'
  unavailability, coach availability and daily maximum, room availability,
  pupils' daily maximum, an activity at most once a day per pupil, the walk
  to a venue at the start of the window;
- travel as the spec states it (per pair of sites, unreachable pairs not on
  one day), which FET can only approximate (one gap per person).

How: a greedy first (most constrained session first; of its options the one
that keeps parallel sessions of a class at one time, then the one that leaves
its pupils the fewest free minutes too short for their other sessions, then
the least loaded day, then the earliest start), then min-conflicts repair (an
unplaced session takes the option whose sessions in its way weigh least, a
session's weight growing each time a move leaves it out; those are placed
again where they fit, and one that does not gets a second link of an ejection
chain: it takes a place where a single session is in its way, which moves to
where it fits; a move that places fewer is undone) until every session is
placed or the time is up. Options are judged per day and start (the people's
side once, then the first free allowed room). On small projections (up to
``CP_SAT_MAX_SESSIONS``) the last 20% of the time goes to one CP-SAT model of
the whole problem, hinted with the greedy: per session and day and allowed
room a literal, one start per session; no overlap per room, coach and subgroup
of pupils per day; the travel gap between two sessions at different sites
that share a person; maximise the sessions placed (all placed is the trivial
bound, so it stops at the first complete timetable). When time runs out the
best partial timetable is returned, like FET's. The result is checked by our
checker against the real instance, like FET's.

*Complete* means every session of the projection placed; the time to it is
wall-clock from the call (computing the options included), on one thread for
the greedy and ``workers`` for CP-SAT; fet-cl runs one thread.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.peers.fet import Projection
from solver.solution import Session, Solution
from solver.times import covers, overlaps

log = logging.getLogger(__name__)

GREEDY_SHARE = 0.8  # of the time limit for the greedy and its repair; the rest to CP-SAT
# Above this many sessions the whole-problem CP-SAT model does not even load its
# hint in time (district, 3,949 sessions: no solution in 60 s on 2 cores), so
# the greedy's repair keeps the whole time limit. (A model per school with the
# schools done so far fixed was tried too: 133 of one school's 166 sessions in
# 15 s on 2 busy cores, too slow for 30 schools.)
CP_SAT_MAX_SESSIONS = 1000


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


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, placed: list[cp_model.IntVar], started: float):
        super().__init__()
        self.placed = placed
        self.started = started
        self.best = -1
        self.best_at = 0.0

    def on_solution_callback(self) -> None:
        count = sum(self.Value(v) for v in self.placed)
        if count > self.best:
            self.best = count
            self.best_at = time.monotonic() - self.started


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
    days = list(instance.days)
    hours = projection.hours

    site_of = []
    minutes = []
    for index, session in enumerate(sessions):
        rooms = projection.allowed_rooms[index]
        site_of.append(instance.room[rooms[0]].site)
        minutes.append(instance.activity[session.activity].minutes)

    # -- where and when each session may start, from its own people and rooms -------
    def starts_on(index: int, day: str) -> list[int]:
        session = sessions[index]
        length = minutes[index]
        site = site_of[index]
        low, high = hours[0], hours[-1] + instance.slot_minutes
        unavailable = []
        for pupil_id in session.pupils:
            pupil = instance.pupil[pupil_id]
            school = instance.school_of(pupil)
            window = instance.site[school].window.get(day)
            if window is None:
                return []
            walk = 0
            if site != school:
                walk = instance.travel_minutes(school, site)
                if walk is None or walk > instance.max_pupil_travel_minutes:
                    return []
            low, high = max(low, window[0] + walk), min(high, window[1])
            unavailable.extend(pupil.unavailable.get(day, []))
        return [
            start
            for start in hours
            if low <= start
            and start + length <= high
            and not overlaps(unavailable, start, start + length)
            and all(
                covers(instance.coach[c].available.get(day, []), start, start + length)
                for c in session.coaches
            )
        ]

    option_list: list[dict[tuple[str, str], list[int]]] = []
    for index in range(len(sessions)):
        options = {}
        for day in days:
            starts = starts_on(index, day)
            for room_id in projection.allowed_rooms[index] if starts else []:
                room = instance.room[room_id]
                here = [
                    s
                    for s in starts
                    if room.available is None
                    or covers(room.available.get(day, []), s, s + minutes[index])
                ]
                if here:
                    options[(day, room_id)] = here
        option_list.append(options)

    # -- people: each subgroup's and each coach's set of sessions, with its daily maximum
    people: dict[tuple[int, ...], int] = {}
    window_of: dict[tuple[int, ...], dict[str, tuple[int, int]]] = {}
    once_a_day: set[tuple[int, ...]] = set()
    for pupils, indices in projection.subgroups:
        programmes = [instance.programme_of(instance.pupil[p]) for p in pupils]
        limit = min(p.max_minutes_per_day for p in programmes)
        key = tuple(sorted(indices))
        people[key] = min(people.get(key, limit), limit)
        window_of[key] = instance.site[instance.school_of(instance.pupil[pupils[0]])].window
        by_activity: dict[str, list[int]] = defaultdict(list)
        for index in key:
            by_activity[sessions[index].activity].append(index)
        once_a_day.update(tuple(v) for v in by_activity.values() if len(v) > 1)
    coach_sessions: dict[str, list[int]] = defaultdict(list)
    for index, session in enumerate(sessions):
        for coach in session.coaches:
            coach_sessions[coach].append(index)
    for coach_id, indices in coach_sessions.items():
        key = tuple(sorted(indices))
        limit = instance.coach[coach_id].max_minutes_per_day
        people[key] = min(people.get(key, limit), limit)

    # -- a greedy first; complete, it is the answer, else CP-SAT starts from it -----
    greedy: dict[int, tuple[str, str, int]] = {}
    if fixed is None:
        greedy = _greedy(
            instance,
            option_list,
            site_of,
            minutes,
            people,
            window_of,
            [{instance.pupil[p].class_id for p in s.pupils} for s in sessions],
            once_a_day,
            deadline=started
            + time_limit * (GREEDY_SHARE if len(sessions) <= CP_SAT_MAX_SESSIONS else 1.0),
            seed=seed,
        )
        if len(greedy) == len(sessions):
            return _run(projection, greedy, minutes, time.monotonic() - started, "GREEDY")
    remaining = time_limit - (time.monotonic() - started)
    if fixed is None and (remaining <= 1 or len(sessions) > CP_SAT_MAX_SESSIONS):
        return _run(projection, greedy, minutes, time.monotonic() - started, "GREEDY")

    model = cp_model.CpModel()
    start_var = []
    on_day: list[dict[str, cp_model.IntVar]] = []
    in_room: list[dict[tuple[str, str], cp_model.IntVar]] = []
    placed = []
    room_day: dict[tuple[str, str], list] = defaultdict(list)
    for index in range(len(sessions)):
        options = option_list[index]
        values = sorted({s for v in options.values() for s in v}) or [hours[0]]
        start = model.NewIntVarFromDomain(cp_model.Domain.FromValues(values), f"s{index}")
        start_var.append(start)
        present = model.NewBoolVar(f"p{index}")
        placed.append(present)
        literals: dict[tuple[str, str], cp_model.IntVar] = {}
        for (day, room), allowed in options.items():
            literal = model.NewBoolVar(f"z{index}_{day}_{room}")
            literals[(day, room)] = literal
            if len(allowed) < len(values):
                model.AddLinearExpressionInDomain(
                    start, cp_model.Domain.FromValues(allowed)
                ).OnlyEnforceIf(literal)
            room_day[(room, day)].append(
                model.NewOptionalFixedSizeIntervalVar(start, minutes[index], literal, f"r{index}")
            )
        model.Add(sum(literals.values()) == present)
        days_of = {}
        for day in days:
            chosen = [v for (d, _), v in literals.items() if d == day]
            if not chosen:
                continue
            if len(chosen) == 1:
                days_of[day] = chosen[0]
            else:
                literal = model.NewBoolVar(f"d{index}_{day}")
                model.Add(sum(chosen) == literal)
                days_of[day] = literal
        on_day.append(days_of)
        in_room.append(literals)

    for intervals in room_day.values():
        if len(intervals) > 1:
            model.AddNoOverlap(intervals)

    pairs: set[tuple[int, int]] = set()
    for key, limit in people.items():
        for day in days:
            here = [i for i in key if day in on_day[i]]
            if len(here) > 1:
                model.AddNoOverlap(
                    [
                        model.NewOptionalFixedSizeIntervalVar(
                            start_var[i], minutes[i], on_day[i][day], f"o{i}"
                        )
                        for i in here
                    ]
                )
            if sum(minutes[i] for i in here) > limit:
                model.Add(sum(minutes[i] * on_day[i][day] for i in here) <= limit)
        for a in key:
            for b in key:
                if a < b and site_of[a] != site_of[b]:
                    pairs.add((a, b))
    for key in once_a_day:
        for day in days:
            here = [on_day[i][day] for i in key if day in on_day[i]]
            if len(here) > 1:
                model.AddAtMostOne(here)
    for a, b in sorted(pairs):
        travel = instance.travel_minutes(site_of[a], site_of[b])
        common = [d for d in days if d in on_day[a] and d in on_day[b]]
        if not common:
            continue
        if travel is None:
            for day in common:
                model.AddBoolOr([on_day[a][day].Not(), on_day[b][day].Not()])
            continue
        before = model.NewBoolVar(f"b{a}_{b}")
        for day in common:
            both = [on_day[a][day], on_day[b][day]]
            model.Add(start_var[b] >= start_var[a] + minutes[a] + travel).OnlyEnforceIf(
                [before, *both]
            )
            model.Add(start_var[a] >= start_var[b] + minutes[b] + travel).OnlyEnforceIf(
                [before.Not(), *both]
            )

    hints: dict[int, tuple[cp_model.IntVar, int]] = {}  # one hint per variable
    for index, literals in enumerate(in_room):
        choice = greedy.get(index)
        hints[placed[index].Index()] = (placed[index], int(choice is not None))
        for key, literal in literals.items():
            hints[literal.Index()] = (literal, int(choice is not None and key == choice[:2]))
        for day, literal in on_day[index].items():
            hints[literal.Index()] = (literal, int(choice is not None and day == choice[0]))
        if choice is not None:
            hints[start_var[index].Index()] = (start_var[index], choice[2])
    for variable, value in hints.values():
        model.AddHint(variable, value)

    if fixed is not None:
        where = {s.id: s for s in fixed.sessions}
        for index, session in enumerate(sessions):
            known = where[session.id]
            literal = in_room[index].get((known.day, known.room))
            if literal is None:
                model.Add(placed[index] == 0)
                continue
            model.Add(literal == 1)
            model.Add(start_var[index] == known.start)

    model.Maximize(sum(placed))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.monotonic() - started))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    progress = _Progress(placed, started)
    status = solver.Solve(model, progress)
    ended = time.monotonic() - started

    chosen: dict[int, tuple[str, str, int]] = {}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for index in range(len(sessions)):
            if not solver.Value(placed[index]):
                continue
            day, room = next(key for key, v in in_room[index].items() if solver.Value(v))
            chosen[index] = (day, room, solver.Value(start_var[index]))
    if len(chosen) < len(greedy):  # CP-SAT found nothing better than its hint in time
        chosen = greedy
    complete = len(chosen) == len(sessions)
    return _run(
        projection,
        chosen,
        minutes,
        progress.best_at if complete else ended,
        "GREEDY+CP-SAT " + solver.StatusName(status),
    )


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
    deadline: float,
    seed: int = 0,
) -> dict[int, tuple[str, str, int]]:
    """Sessions placed one at a time under the same rules as the model, then repaired.

    First pass: most constrained session first; of its options, the one that
    leaves its pupils the fewest free minutes too short for any of their
    sessions (best fit), then the least loaded day, then the earliest start.
    Then, until ``deadline`` or every session is placed, an unplaced session
    takes the option whose conflicting sessions weigh least (each session's
    weight grows by one whenever a move leaves it unplaced: breakout), those
    are taken out and placed again where they fit, and each that does not fit
    may take a place where one session alone is in its way if that one fits
    elsewhere (an ejection chain of depth two); the move is kept when no fewer
    sessions are placed than before (min-conflicts with plateau moves).
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
        for key in keys_of[index]:
            for j, (b, e, other) in busy[(key, day)].items():
                if b < end and start < e:
                    found.add(j)
                elif other != site:
                    travel = instance.travel_minutes(site, other)
                    if travel is None or (start - e if e <= start else b - end) < travel:
                        found.add(j)
        for key in keys_of[index]:
            freed = sum(minutes[j] for j in found if j in busy[(key, day)])
            if load[(key, day)] - freed + minutes[index] > people[key]:
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
            score = (-aligned, waste(index, day, start), day_load, start)
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
    while unplaced and time.monotonic() < deadline:
        step += 1
        if step % 2000 == 0:
            log.info("greedy: %d of %d placed, step %d", len(chosen), len(options), step)
        index = unplaced.pop(rng.randrange(len(unplaced)))
        best: list[tuple[str, str, int, set[int]]] = []
        fewest = None
        for (day, start), rooms in slots[index].items():
            mine = people_conflicts(index, day, start)
            if mine is None or any(tabu.get(j, 0) > step for j in mine):
                continue
            for room in rooms:
                found = mine | room_conflicts(index, day, room, start)
                if any(tabu.get(j, 0) > step for j in found):
                    continue
                cost = sum(weight[j] for j in found)
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
