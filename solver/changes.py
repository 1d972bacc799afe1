"""Changes to a published week as instance edits: a coach ill, a room closed.

Each function returns a modified copy and leaves its argument alone, so the
published instance can be kept beside the changed one (the re-solve needs
both: the old schedule and the new rules).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from solver.instance import Instance
from solver.solution import Solution

WHOLE_DAY = (0, 24 * 60)


def coach_unavailable(instance: Instance, coach_id: str, days: Iterable[str]) -> Instance:
    """The coach cannot work at all on these days (ill, on leave)."""
    days = _known_days(instance, days)
    if coach_id not in instance.coach:
        raise ValueError(f'unknown coach "{coach_id}"')
    coaches = tuple(
        dataclasses.replace(
            c, available={d: list(s) for d, s in c.available.items() if d not in days}
        )
        if c.id == coach_id
        else c
        for c in instance.coaches
    )
    return dataclasses.replace(instance, coaches=coaches)


def room_closed(instance: Instance, room_id: str, days: Iterable[str]) -> Instance:
    """The room cannot be used on these days (a gym closed for repairs)."""
    days = _known_days(instance, days)
    if room_id not in instance.room:
        raise ValueError(f'unknown room "{room_id}"')

    def closed(room):
        # A room without an availability map is open all day, every day.
        available = room.available
        if available is None:
            available = {d: [WHOLE_DAY] for d in instance.days}
        return dataclasses.replace(
            room, available={d: list(s) for d, s in available.items() if d not in days}
        )

    rooms = tuple(closed(r) if r.id == room_id else r for r in instance.rooms)
    return dataclasses.replace(instance, rooms=rooms)


def with_previous(instance: Instance, previous: Solution | None) -> Instance:
    """The instance that carries ``previous``, so the checker prices stability and pins."""
    data = None if previous is None else previous.to_dict()
    return dataclasses.replace(instance, previous=data)


def _known_days(instance: Instance, days: Iterable[str]) -> set[str]:
    days = set(days)
    unknown = days - set(instance.days)
    if unknown:
        raise ValueError(f"not a planning day: {', '.join(sorted(unknown))}")
    return days
