"""The solution seen from each pupil, coach and room, built once per check.

Every rule reads these groupings instead of scanning all sessions, so a district
(thousands of sessions) is checked in one pass per rule: a pupil's, coach's or
room's sessions of a day are a short list, sorted by start, and clashes are found
by comparing each session with those still running.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations, pairwise

from solver.instance import Activity, Instance, Room
from solver.solution import Session, Solution, SolutionError
from solver.times import DAYS, format_time


@dataclass(frozen=True, slots=True)
class Placed:
    """A session whose activity, room, coaches and pupils all exist."""

    session: Session
    activity: Activity
    room: Room
    # The session's site: its room's site.
    site: str
    # Distinct ids in the order listed (a repeated id is an H11 matter only).
    pupils: tuple[str, ...]
    coaches: tuple[str, ...]
    # Copied from the session: the rules read them in every loop.
    id: str
    day: str
    start: int
    end: int
    # How long the session lasts (end - start; never below 0).
    minutes: int

    @property
    def when(self) -> str:
        """``mon 15:00–16:00``"""
        return when(self.day, self.start, self.end)


def when(day: str, start: int, end: int) -> str:
    return f"{day} {format_time(start)}–{format_time(end)}"


_DAY_ORDER = {day: i for i, day in enumerate(DAYS)}


def _in_week_order(placed: Placed) -> tuple[int, str, int, int, str]:
    return (_DAY_ORDER.get(placed.day, len(DAYS)), placed.day, placed.start, placed.end, placed.id)


class Plan:
    """A solution indexed by pupil, coach and room (and day) for the rules."""

    def __init__(self, instance: Instance, solution: Solution):
        self.instance = instance
        self.solution = solution
        self.placed: list[Placed] = []
        coaches, pupils = set(instance.coach), set(instance.pupil)
        for session in solution.sessions:
            if not (
                session.activity in instance.activity
                and session.room in instance.room
                and coaches.issuperset(session.coaches)
                and pupils.issuperset(session.pupils)
            ):
                continue  # H11 reports it; the other rules leave it out
            room = instance.room[session.room]
            self.placed.append(
                Placed(
                    session=session,
                    activity=instance.activity[session.activity],
                    room=room,
                    site=room.site,
                    pupils=tuple(dict.fromkeys(session.pupils)),
                    coaches=tuple(dict.fromkeys(session.coaches)),
                    id=session.id,
                    day=session.day,
                    start=session.start,
                    end=session.end,
                    minutes=max(0, session.end - session.start),
                )
            )
        self.placed.sort(key=_in_week_order)

        by_pupil: defaultdict[str, list[Placed]] = defaultdict(list)
        by_coach_day: defaultdict[tuple[str, str], list[Placed]] = defaultdict(list)
        by_room_day: defaultdict[tuple[str, str], list[Placed]] = defaultdict(list)
        for placed in self.placed:  # in week order, so every list is sorted by start
            day = placed.day
            for pupil in placed.pupils:
                by_pupil[pupil].append(placed)
            for coach in placed.coaches:
                by_coach_day[coach, day].append(placed)
            by_room_day[placed.room.id, day].append(placed)
        by_pupil_day: dict[tuple[str, str], list[Placed]] = {}
        # Minutes of each pupil-day, read by several rules and terms.
        pupil_day_minutes: dict[tuple[str, str], int] = {}
        for pupil, items in by_pupil.items():
            for placed in items:
                key = (pupil, placed.day)
                same_day = by_pupil_day.get(key)
                if same_day is None:
                    by_pupil_day[key] = [placed]
                    pupil_day_minutes[key] = placed.minutes
                else:
                    same_day.append(placed)
                    pupil_day_minutes[key] += placed.minutes
        # From here on plain mappings: a missing key is an error, not a new list.
        for grouping in (by_pupil, by_coach_day, by_room_day):
            grouping.default_factory = None
        self.by_pupil: dict[str, list[Placed]] = by_pupil
        self.by_pupil_day: dict[tuple[str, str], list[Placed]] = by_pupil_day
        self.by_coach_day: dict[tuple[str, str], list[Placed]] = by_coach_day
        self.by_room_day: dict[tuple[str, str], list[Placed]] = by_room_day
        self.pupil_day_minutes = pupil_day_minutes

        self.school = {p.id: instance.class_group[p.class_id].site for p in instance.pupils}
        self.programme = {p.id: instance.programme_of(p) for p in instance.pupils}

        # The previous solution, if any; unreadable means its pins cannot be checked.
        self.previous: Solution | None = None
        self.previous_problems: list[str] = []
        if instance.previous is not None:
            try:
                self.previous = Solution.from_dict(instance.previous)
            except SolutionError as error:
                self.previous_problems = error.problems

    def travel(self, a: str, b: str) -> int | None:
        """Minutes between two sites; 0 for one site; None when unreachable."""
        if a == b:
            return 0
        return self.instance.travel.get((a, b))


# -- helpers shared by the rules of pupils, coaches and rooms ---------------


def clashes(items: list[Placed]) -> Iterator[tuple[Placed, Placed, int, int]]:
    """Each pair of sessions (sorted by start) that share a minute, with the shared span."""
    running: list[Placed] = []
    for item in items:
        running = [r for r in running if r.end > item.start]
        for other in running:
            if other.start < item.end:  # an empty session overlaps nothing
                yield other, item, item.start, min(other.end, item.end)
        running.append(item)


def unreachable_pairs(plan: Plan, items: Iterable[Placed]) -> Iterator[tuple[Placed, Placed]]:
    """For each pair of sites with no travel entry in one day: a session at each."""
    first_at: dict[str, Placed] = {}
    for item in items:
        first_at.setdefault(item.site, item)
    if len(first_at) < 2:
        return
    for a, b in combinations(first_at.values(), 2):
        if plan.travel(a.site, b.site) is None:
            yield a, b


def short_travel_gaps(plan: Plan, items: list[Placed]) -> Iterator[tuple[Placed, Placed, int]]:
    """Consecutive sessions at reachable, different sites with less time between than travel.

    Overlapping neighbours are a clash, reported as such, not a short gap.
    """
    for a, b in pairwise(items):
        if a.site == b.site or b.start < a.end:
            continue
        need = plan.travel(a.site, b.site)
        if need is not None and b.start - a.end < need:
            yield a, b, need
