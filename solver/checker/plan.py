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
from solver.times import format_time


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

    @property
    def minutes(self) -> int:
        return max(0, self.end - self.start)

    @property
    def when(self) -> str:
        """``mon 15:00–16:00``"""
        return when(self.day, self.start, self.end)


def when(day: str, start: int, end: int) -> str:
    return f"{day} {format_time(start)}–{format_time(end)}"


def references_known(instance: Instance, session: Session) -> bool:
    return (
        session.activity in instance.activity
        and session.room in instance.room
        and all(c in instance.coach for c in session.coaches)
        and all(p in instance.pupil for p in session.pupils)
    )


def _by_start(placed: Placed) -> tuple[int, int, str]:
    return (placed.start, placed.end, placed.id)


class Plan:
    """A solution indexed by pupil, coach and room (and day) for the rules."""

    def __init__(self, instance: Instance, solution: Solution):
        self.instance = instance
        self.solution = solution
        self.placed: list[Placed] = []
        for session in solution.sessions:
            if not references_known(instance, session):
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
                )
            )
        self.placed.sort(key=_by_start)

        by_pupil: defaultdict[str, list[Placed]] = defaultdict(list)
        by_pupil_day: defaultdict[tuple[str, str], list[Placed]] = defaultdict(list)
        by_coach_day: defaultdict[tuple[str, str], list[Placed]] = defaultdict(list)
        by_room_day: defaultdict[tuple[str, str], list[Placed]] = defaultdict(list)
        for placed in self.placed:  # already sorted, so every list is too
            day = placed.day
            for pupil in placed.pupils:
                by_pupil[pupil].append(placed)
                by_pupil_day[pupil, day].append(placed)
            for coach in placed.coaches:
                by_coach_day[coach, day].append(placed)
            by_room_day[placed.room.id, day].append(placed)
        self.by_pupil = dict(by_pupil)
        self.by_pupil_day = dict(by_pupil_day)
        self.by_coach_day = dict(by_coach_day)
        self.by_room_day = dict(by_room_day)

        self.school = {p.id: instance.class_group[p.class_id].site for p in instance.pupils}

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
