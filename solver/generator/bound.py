"""An upper bound on coverage, by counting sport places: the ``short`` argument.

For each school X:

- X's pupils attend sessions only at X and at sites within
  ``max_pupil_travel_minutes`` of X (rule H3), and only inside X's window (H2).
- A sport session needs a room with one of its activity's room kinds (H7); it
  holds at most ``min(capacity, max_group)`` pupils (H6), and one room holds
  one session at a time.
- So X's pupils get at most ``M = sum over sport rooms r within reach of
  (minutes r is open inside X's window) * (most pupils a sport session in r
  can hold)`` sport minutes together, while they need ``N = sum of their
  programmes' sport minimums``.
- Each pupil's deficit is at least its own sport shortfall, so X's pupils
  together are short at least ``N - M`` minutes: coverage <= 1 - sum_X
  max(0, N - M) / (sum of all pupils' total minutes).

Only the instance is read; the generator states this figure, a test re-derives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from solver.instance import Instance

SPORT = "sport"


@dataclass
class CoverageBound:
    bound: float
    shortfall: int  # pupil-minutes that no solution can deliver
    demand: int  # sum of all pupils' programme totals
    argument: str
    schools: list[dict] = field(default_factory=list)  # the short schools, with figures


def _open_minutes(available, day: str, window: tuple[int, int]) -> int:
    lo, hi = window
    if available is None:
        return hi - lo
    total = 0
    for a, b in available.get(day, ()):
        total += max(0, min(b, hi) - max(a, lo))
    return total


def sport_room_bound(instance: Instance) -> CoverageBound:
    """The coverage no solution can exceed, from sport rooms within each school's reach."""
    demand = sum(instance.programme_of(p).total_minutes for p in instance.pupils)
    sport = [a for a in instance.activities if a.category == SPORT]
    pupils_at: dict[str, list] = {}
    for pupil in instance.pupils:
        pupils_at.setdefault(instance.school_of(pupil), []).append(pupil)
    short: list[dict] = []
    for site in instance.sites:
        if site.kind != "school" or site.id not in pupils_at:
            continue
        need = sum(
            instance.programme_of(p).category_minutes.get(SPORT, 0) for p in pupils_at[site.id]
        )
        if need == 0:
            continue
        reach = [
            s.id
            for s in instance.sites
            if s.id == site.id
            or (
                instance.travel_minutes(site.id, s.id) is not None
                and instance.travel_minutes(site.id, s.id) <= instance.max_pupil_travel_minutes
            )
        ]
        supply = 0
        rooms = []
        for room in instance.rooms:
            if room.site not in reach:
                continue
            places = [
                min(room.capacity, a.max_group)
                for a in sport
                if set(a.room_kinds) & set(room.kinds)
            ]
            if not places:
                continue
            minutes = sum(
                _open_minutes(room.available, day, site.window[day])
                for day in instance.days
                if day in site.window
            )
            supply += minutes * max(places)
            rooms.append(f"{room.name} ({room.id}: {minutes} min x {max(places)} places)")
        if supply < need:
            short.append(
                {
                    "school": site.id,
                    "name": site.name,
                    "pupils": len(pupils_at[site.id]),
                    "need": need,
                    "supply": supply,
                    "rooms": rooms,
                }
            )
    shortfall = sum(s["need"] - s["supply"] for s in short)
    bound = 1.0 - shortfall / demand if demand else 1.0
    if not short:
        argument = "Every school has more sport places within reach than its pupils need."
    else:
        parts = [
            f"{s['name']} ({s['school']}): its {s['pupils']} pupils need {s['need']} sport "
            f"minutes a week, but the only sport rooms they can reach "
            f"({', '.join(s['rooms']) or 'none'}) hold at most {s['supply']} pupil-minutes"
            for s in short
        ]
        argument = (
            "; ".join(parts)
            + f". So at least {shortfall} of the {demand} programme minutes cannot be given: "
            f"coverage <= 1 - {shortfall}/{demand} = {bound:.4%}."
        )
    return CoverageBound(bound, shortfall, demand, argument, short)
