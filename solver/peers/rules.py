"""The rules of the projected problem P as our side states them: where each session may go, who it binds.

Shared by the two searches of ``solver.peers.ours`` (the greedy with its
repair, CP-SAT around a session left out) and by the SAT formula of
``solver.peers.sat``, so that all three judge a timetable by the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from solver.peers.fet import Projection
from solver.solution import Solution
from solver.times import covers, overlaps


@dataclass
class Rules:
    # per session: its starts by (day, room), from its pupils' windows and unavailability,
    # the walk to a venue, its coaches' availability and the room's
    options: list[dict[tuple[str, str], list[int]]]
    site_of: list[str]
    minutes: list[int]
    # each subgroup's and each coach's sessions, with the daily maximum in minutes
    people: dict[tuple[int, ...], int]
    window_of: dict[tuple[int, ...], dict[str, tuple[int, int]]]  # a subgroup's school window
    once_a_day: set[tuple[int, ...]]  # sessions of one activity sharing a subgroup
    # per session and day: the first start its pupils' window and walk allow
    earliest: list[dict[str, int]]


def rules_of(projection: Projection) -> Rules:
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

    earliest: list[dict[str, int]] = [{} for _ in sessions]

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
        earliest[index][day] = next((start for start in hours if start >= low), low)
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
    for coach_id, indices in projection.teachers.items():
        key = tuple(sorted(indices))
        limit = instance.coach[coach_id].max_minutes_per_day
        people[key] = min(people.get(key, limit), limit)
    return Rules(option_list, site_of, minutes, people, window_of, once_a_day, earliest)


def on_the_hour(rules: Rules, hour: int) -> Rules:
    """The same rules with each session's starts cut to whole ``hour``s after its earliest.

    A restriction: a timetable of these rules is one of the full rules. Days
    packed from the window's start, lesson after lesson, are what most
    timetables of P look like, and with a quarter of the starts the SAT
    formula settles a packed P in seconds where the full one takes tens of
    seconds (docs/benchmarks.md, "FET side by side", run 16). A session with
    no start left keeps all of its own.
    """
    options = []
    for index, by_room in enumerate(rules.options):
        kept = {}
        for (day, room), starts in by_room.items():
            first = rules.earliest[index].get(day, starts[0])
            here = [start for start in starts if (start - first) % hour == 0]
            if here:
                kept[(day, room)] = here
        options.append(kept or by_room)
    return replace(rules, options=options)


def pinned_to(rules: Rules, projection: Projection, solution: Solution) -> Rules:
    """The same rules with each session's only option where ``solution`` has it.

    No option at all where the rules do not allow it there: a check that a
    known timetable satisfies a model, never part of a search.
    """
    where = {s.id: (s.day, s.room, s.start) for s in solution.sessions}
    options = []
    for index, session in enumerate(projection.sessions):
        day, room, start = where[session.id]
        allowed = start in rules.options[index].get((day, room), [])
        options.append({(day, room): [start]} if allowed else {})
    return replace(rules, options=options)
