"""Our side of the FET comparison: P placed one session at a time, then repaired.

The first stage of ``solver.peers.ours``: a greedy most-constrained-first
placement under P's rules, then min-conflicts repair with breakout weights
and ejection chains, until every session is placed, the repair stalls or
time is up. What it leaves out the SAT or CP-SAT stages of ``ours`` take on.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict

from solver.peers.progress import Progress

log = logging.getLogger(__name__)

# A coach who comes to a site on one more day leaves less of that day for travel
# and ties more pupils' days to theirs: the engine's timetable that P is made
# from holds 2,424 such visits (coach, day, site) on the district, the repair
# 2,879 without this. Against sessions moved (each weighs one or more), a new
# visit weighs two: then 2,757, and ~25 more placed in 120 s; 0.5, 5 or 10
# place fewer (docs/benchmarks.md, run 15).
NEW_VISIT = 2


def place_and_repair(
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
    progress: Progress | None = None,
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
    before (min-conflicts with plateau moves). ``progress`` records when each
    new most placed was reached.
    """
    progress = progress if progress is not None else Progress()
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

    unplaced = []
    for i in order:
        if not options[i]:
            continue
        if first_fit(i):
            progress.seen(len(chosen))
        else:
            unplaced.append(i)
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
            progress.seen(most)
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
    progress.seen(len(chosen))
    return chosen
