"""Repair: give pupils who are still short the minutes they miss.

After sectioning some pupils lack minutes: they were unavailable during one of
their cohort's blocks, a block found no coach, or a session stayed below its
minimum. Repair first seats them in sessions that have room to spare (another
class's football at a time the pupil is free), then opens new sessions for
groups of short pupils of one school where a coach and a room are still free.
"""

from __future__ import annotations

import time
from collections import defaultdict

from solver.instance import Instance, Pupil
from solver.ledger import Booking, Ledger


class Shortfall:
    """Minutes each pupil still misses, by the spec's deficit formula."""

    def __init__(self, instance: Instance, bookings: list[Booking], only: set[str] | None = None):
        self.instance = instance
        self.received: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.attended: dict[str, set[str]] = defaultdict(set)
        for booking in bookings:
            for pupil_id in booking.pupils:
                if only is None or pupil_id in only:
                    self.add(pupil_id, booking)

    def add(self, pupil_id: str, booking: Booking) -> None:
        self.received[pupil_id][booking.activity.category] += booking.minutes
        self.attended[pupil_id].add(booking.activity.id)

    def deficit(self, pupil: Pupil) -> int:
        programme = self.instance.programme_of(pupil)
        received = self.received[pupil.id]
        short = sum(max(0, m - received[c]) for c, m in programme.category_minutes.items())
        missing = programme.total_minutes - sum(received.values())
        required = sum(
            self.instance.activity[a].minutes
            for a in pupil.required
            if a not in self.attended[pupil.id]
        )
        return max(short, missing) + required

    def gain(self, pupil: Pupil, booking: Booking) -> int:
        """How many unmet minutes attending this session would remove."""
        before = self.deficit(pupil)
        category = booking.activity.category
        had = booking.activity.id in self.attended[pupil.id]
        self.received[pupil.id][category] += booking.minutes
        self.attended[pupil.id].add(booking.activity.id)
        after = self.deficit(pupil)
        self.received[pupil.id][category] -= booking.minutes
        if not had:
            self.attended[pupil.id].discard(booking.activity.id)
        return before - after


def seat_short_pupils(
    instance: Instance,
    bookings: list[Booking],
    ledger: Ledger,
    until: float | None = None,
    pupils: list[Pupil] | None = None,
) -> int:
    """Seat short pupils (of ``pupils``, default all) in sessions with spare places;
    returns how many seats were given."""
    only = None if pupils is None else {p.id for p in pupils}
    shortfall = Shortfall(instance, bookings, only)
    by_site: dict[str, list[Booking]] = defaultdict(list)
    for booking in bookings:
        by_site[booking.site].append(booking)
    seated = 0
    short = sorted(
        (p for p in (instance.pupils if pupils is None else pupils) if shortfall.deficit(p) > 0),
        key=lambda p: (-shortfall.deficit(p), p.id),
    )
    spare_of: dict[str, _SparePlaces] = {}
    classes_of: dict[int, set[str]] = {}
    for pupil in short:
        if until is not None and time.monotonic() > until:
            break
        school = instance.school_of(pupil)
        if school not in spare_of:
            spare_of[school] = _SparePlaces(instance, by_site, school)
        while shortfall.deficit(pupil) > 0:
            booking = spare_of[school].best(pupil, shortfall, ledger, classes_of)
            if booking is None:
                break
            booking.pupils.append(pupil.id)
            classes_of[id(booking)].add(pupil.class_id)
            ledger.pupil_book(pupil.id, booking)
            shortfall.add(pupil.id, booking)
            seated += 1
    return seated


class _SparePlaces:
    """The sessions a school's pupils can reach that have places left.

    Grouped by activity and length, each group in order of day and start: the
    best place for a pupil is then found among the groups of the highest gain
    alone, and within a group the scan stops at the first own-class place.
    """

    def __init__(self, instance: Instance, by_site: dict[str, list[Booking]], school: str):
        self.instance = instance
        sites = [school] + [
            s.id
            for s in instance.sites
            if s.id != school
            and (t := instance.travel_minutes(school, s.id)) is not None
            and t <= instance.max_pupil_travel_minutes
        ]
        by_category: dict[str, list[Booking]] = defaultdict(list)
        for site in sites:
            for b in by_site[site]:
                if not b.pinned and len(b.pupils) < _capacity(b):
                    by_category[b.activity.category].append(b)
        # Equal places keep the order of their categories as first met, then of
        # their sites. The district's repair, and all after it, follows this
        # order: the benchmarks in docs/benchmarks.md were measured with it.
        groups: dict[tuple[str, int], list[tuple[str, int, int, Booking, int]]] = defaultdict(list)
        spare = (b for group in by_category.values() for b in group)
        for position, b in enumerate(spare):
            groups[(b.activity.id, b.minutes)].append((b.day, b.start, position, b, _capacity(b)))
        self.groups = {key: sorted(group, key=lambda g: g[:3]) for key, group in groups.items()}

    def best(
        self,
        pupil: Pupil,
        shortfall: Shortfall,
        ledger: Ledger,
        classes_of: dict[int, set[str]],
    ) -> Booking | None:
        """The session whose seat lowers the pupil's deficit most; among equals one
        of its own class, then the earliest."""
        instance = self.instance
        useful = _Useful(instance, pupil, shortfall)
        # The gain depends only on the session's category, length and whether
        # it is a required activity not yet attended.
        gains: dict[tuple[str, int, str | None], int] = {}
        levels: dict[int, list[list]] = defaultdict(list)
        for (activity_id, minutes), group in self.groups.items():
            activity = instance.activity[activity_id]
            if not useful(activity) or not activity.grades[0] <= pupil.grade <= activity.grades[1]:
                continue
            required = activity_id if activity_id in pupil.required else None
            key = (activity.category, minutes, required)
            if key not in gains:
                gains[key] = shortfall.gain(pupil, group[0][3])
            if gains[key] > 0:
                levels[gains[key]].append(group)
        for gain in sorted(levels, reverse=True):
            best = None
            for group in levels[gain]:
                for day, start, position, booking, capacity in group:
                    if best is not None and not best[0][0] and (day, start, position) > best[0][1:]:
                        break  # an own-class place earlier than the rest of the group
                    if len(booking.pupils) >= capacity or pupil.id in booking.pupils:
                        continue
                    if id(booking) not in classes_of:
                        classes_of[id(booking)] = {
                            instance.pupil[q].class_id for q in booking.pupils
                        }
                    rank = (pupil.class_id not in classes_of[id(booking)], day, start, position)
                    if best is not None and rank >= best[0]:
                        continue
                    if ledger.pupil_can(
                        pupil.id, booking.activity, day, start, booking.end, booking.site
                    ):
                        best = (rank, booking)
            if best is not None:
                return best[1]
        return None


def _capacity(booking: Booking) -> int:
    return min(booking.activity.max_group, booking.room.capacity)


def open_sessions_for_short(
    instance: Instance,
    bookings: list[Booking],
    ledger: Ledger,
    builder,
    until: float | None = None,
    pupils: list[Pupil] | None = None,
) -> list[Booking]:
    """New sessions for groups of short pupils (of ``pupils``, default all) of one school,
    where resources allow."""
    shortfall = Shortfall(instance, bookings, None if pupils is None else {p.id for p in pupils})
    opened: list[Booking] = []
    by_school: dict[str, list[Pupil]] = defaultdict(list)
    for pupil in instance.pupils if pupils is None else pupils:
        if shortfall.deficit(pupil) > 0:
            by_school[instance.school_of(pupil)].append(pupil)
    for school, pupils in sorted(by_school.items()):
        if until is not None and time.monotonic() > until:
            break
        window = instance.site[school].window
        progress = True
        while progress:
            progress = False
            pupils = [p for p in pupils if shortfall.deficit(p) > 0]
            if not pupils:
                break
            for activity in activities_by_need(instance, pupils, shortfall):
                if until is not None and time.monotonic() > until:
                    break
                for day in [d for d in instance.days if d in window]:
                    start = window[day][0]
                    while start + activity.minutes <= window[day][1]:
                        # Enough short pupils free then, before looking for a coach and room.
                        free = sum(
                            1
                            for p in pupils
                            if ledger.pupil_can(
                                p.id, activity, day, start, start + activity.minutes, school
                            )
                        )
                        if free < activity.min_group:
                            start += instance.slot_minutes
                            continue
                        booking = builder.find_session(
                            activity, school, day, start, activity.max_group
                        )
                        if booking is not None:
                            takers = [
                                p
                                for p in pupils
                                if shortfall.gain(p, booking) > 0
                                and ledger.pupil_can(
                                    p.id, activity, day, start, booking.end, booking.site
                                )
                            ]
                            capacity = min(activity.max_group, booking.room.capacity)
                            if len(takers) >= activity.min_group:
                                takers.sort(key=lambda p: -shortfall.deficit(p))
                                booking.pupils = [p.id for p in takers[:capacity]]
                                ledger.book(booking)
                                for pupil_id in booking.pupils:
                                    shortfall.add(pupil_id, booking)
                                opened.append(booking)
                                progress = True
                                break
                        start += instance.slot_minutes
                    if progress:
                        break
                if progress:
                    break
    return opened


class _Useful:
    """A cheap test whether an activity could lower the pupil's deficit at all."""

    def __init__(self, instance: Instance, pupil: Pupil, shortfall: Shortfall):
        programme = instance.programme_of(pupil)
        received = shortfall.received[pupil.id]
        self.short = {c for c, m in programme.category_minutes.items() if received[c] < m}
        self.room = sum(received.values()) < programme.total_minutes
        self.missing = {a for a in pupil.required if a not in shortfall.attended[pupil.id]}

    def __call__(self, activity) -> bool:
        if activity.id in self.missing:
            return True
        if not self.room:
            return False
        return activity.category in self.short or not self.short


def activities_by_need(instance: Instance, pupils: list[Pupil], shortfall: Shortfall):
    """Activities ordered by how many short pupils they would help."""
    helped: dict[str, int] = defaultdict(int)
    for activity in instance.activities:
        for pupil in pupils:
            if not activity.grades[0] <= pupil.grade <= activity.grades[1]:
                continue
            programme = instance.programme_of(pupil)
            received = shortfall.received[pupil.id]
            needs_category = received[activity.category] < programme.category_minutes.get(
                activity.category, 0
            )
            needs_total = sum(received.values()) < programme.total_minutes
            if activity.id in pupil.required and activity.id not in shortfall.attended[pupil.id]:
                helped[activity.id] += 3
            elif needs_category:
                helped[activity.id] += 2
            elif needs_total and not _any_category_short(programme, received):
                helped[activity.id] += 1
    return [instance.activity[a] for a, n in sorted(helped.items(), key=lambda kv: -kv[1]) if n]


def _any_category_short(programme, received) -> bool:
    return any(received[c] < m for c, m in programme.category_minutes.items())


def release_surplus(instance: Instance, bookings: list[Booking], ledger: Ledger) -> int:
    """Free minutes of pupils who have their total but miss a category's minimum.

    Such a pupil leaves a session of a category it has more than enough of; its
    deficit stays the same (the category shortfall still dominates), and the
    freed minutes let repair seat it where it is short. Returns the releases.
    """
    shortfall = Shortfall(instance, bookings)
    by_pupil: dict[str, list[Booking]] = defaultdict(list)
    for booking in bookings:
        for pupil_id in booking.pupils:
            by_pupil[pupil_id].append(booking)
    released = 0
    for pupil in instance.pupils:
        programme = instance.programme_of(pupil)
        received = shortfall.received[pupil.id]
        short = sum(max(0, m - received[c]) for c, m in programme.category_minutes.items())
        if short == 0 or sum(received.values()) + short <= programme.total_minutes:
            continue
        for booking in sorted(by_pupil[pupil.id], key=lambda b: -b.minutes):
            category = booking.activity.category
            spare = received[category] - programme.category_minutes.get(category, 0)
            if (
                booking.pinned
                or booking.minutes > short
                or spare < booking.minutes
                or len(booking.pupils) <= booking.activity.min_group
                or booking.activity.id in pupil.required
            ):
                continue
            booking.pupils.remove(pupil.id)
            ledger.pupil_unbook(pupil.id, booking)
            received[category] -= booking.minutes
            released += 1
            break
    return released
