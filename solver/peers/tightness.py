"""How full P leaves the time of its people and rooms: what the benchmark reads its results against.

Each engine run makes another P, and FET's and our times vary from one to the
next (docs/benchmarks.md, "FET side by side"), so the benchmark says how
tight each P is. A share is the minutes of a person's (or a set of
rooms') sessions over the minutes that could hold them:

- for a coach or a subgroup of pupils, on each day, the quarter hours that
  any of their sessions may cover that day (their options: windows,
  availability, unavailability, the walk to a venue), at most the daily
  maximum; summed over the days;
- for a set of allowed rooms, the sessions that may use no other room, over
  the quarter hours they may cover on each day, times the number of rooms.

The weekly maximum is left out: P fixes each person's sessions, so the week's
minutes are given, not chosen, and a coach the engine filled to the weekly
maximum is not short of time for it. Travel is left out too: what a change
of site costs depends on the timetable. So a share is a lower bound on how
full a timetable of P must make that person's days.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

from solver.peers.fet import Projection
from solver.peers.rules import Rules


@dataclass(frozen=True)
class Tightness:
    coaches: list[float]
    subgroups: list[float]
    room_sets: list[float]

    def summary(self) -> dict[str, str]:
        """The figures the benchmark prints, as text."""

        def median(shares: list[float]) -> str:
            return f"{statistics.median(shares):.0%}" if shares else "-"

        def most(shares: list[float]) -> str:
            return f"{max(shares):.0%}" if shares else "-"

        return {
            "coaches": f"{median(self.coaches)} (max {most(self.coaches)}, "
            f"{sum(s >= 0.8 for s in self.coaches)} at 80% or more)",
            "subgroups": f"{median(self.subgroups)} (max {most(self.subgroups)})",
            "room sets": f"max {most(self.room_sets)}",
        }


def tightness(projection: Projection, rules: Rules) -> Tightness:
    """Each coach's, subgroup's and room set's share of the time its sessions could use."""
    slot = projection.instance.slot_minutes
    # the quarters each session may cover on each day, whichever of its options it takes
    cover: list[dict[str, set[int]]] = []
    for index, options in enumerate(rules.options):
        days: dict[str, set[int]] = defaultdict(set)
        for (day, _room), starts in options.items():
            for start in starts:
                days[day].update(range(start, start + rules.minutes[index], slot))
        cover.append(days)

    def share(indices, rooms: int = 1, limit: int | None = None) -> float | None:
        usable = 0
        for day in {d for i in indices for d in cover[i]}:
            quarters = set().union(*(cover[i].get(day, ()) for i in indices))
            minutes = len(quarters) * slot * rooms
            usable += minutes if limit is None else min(minutes, limit)
        if not usable:
            return None
        return sum(rules.minutes[i] for i in indices) / usable

    coach_keys = {tuple(sorted(indices)) for indices in projection.teachers.values()}
    coaches, subgroups = [], []
    for key, limit in rules.people.items():
        found = share(key, limit=limit)
        if found is not None:
            (coaches if key in coach_keys else subgroups).append(found)
    # a room set's own sessions: those allowed no room outside it
    confined: dict[frozenset[str], list[int]] = defaultdict(list)
    sets = {frozenset(rooms) for rooms in projection.allowed_rooms}
    for index, rooms in enumerate(projection.allowed_rooms):
        for room_set in sets:
            if room_set >= set(rooms):
                confined[room_set].append(index)
    room_sets = [
        found
        for room_set, indices in confined.items()
        if (found := share(indices, rooms=len(room_set))) is not None
    ]
    return Tightness(coaches, subgroups, room_sets)
