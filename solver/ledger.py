"""Who is busy when: the bookkeeping shared by construction and repair.

The ledger answers "may this coach / room / cohort take this slot?" under the
hard rules, and records the answer once a session is booked. Its checks are
conservative (a travel gap is demanded from every other session of the day,
not only the neighbours), so whatever it accepts the checker accepts too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from solver.instance import Activity, Coach, Instance, Room
from solver.times import covers


@dataclass
class Booking:
    """A session under construction."""

    activity: Activity
    day: str
    start: int
    end: int
    room: Room
    coaches: list[str]
    pupils: list[str] = field(default_factory=list)
    cohort: str | None = None
    block: int | None = None
    pinned: bool = False

    @property
    def site(self) -> str:
        return self.room.site

    @property
    def minutes(self) -> int:
        return self.end - self.start


class Ledger:
    def __init__(self, instance: Instance):
        self.instance = instance
        self.room_busy: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self.coach_busy: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.coach_day: dict[tuple[str, str], int] = defaultdict(int)
        self.coach_week: dict[str, int] = defaultdict(int)
        # Pupils are tracked per person: cohorts share them only through repair.
        self.pupil_busy: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.pupil_day: dict[tuple[str, str], int] = defaultdict(int)
        self.pupil_week: dict[str, int] = defaultdict(int)
        self.pupil_activity: dict[tuple[str, str], list[str]] = defaultdict(list)

    # -- travel ---------------------------------------------------------------

    def apart(self, start: int, end: int, site: str, others) -> bool:
        """No overlap with ``others`` and, between different sites, the travel gap."""
        for other_start, other_end, other_site in others:
            if other_start < end and start < other_end:
                return False
            if other_site == site:
                continue
            travel = self.instance.travel_minutes(site, other_site)
            if travel is None:
                return False
            gap = start - other_end if other_end <= start else other_start - end
            if gap < travel:
                return False
        return True

    # -- coaches --------------------------------------------------------------

    def coach_can(self, coach: Coach, day: str, start: int, end: int, site: str) -> bool:
        """The coach is allowed at the site, available, free, within load, and can get there."""
        if coach.sites is not None and site not in coach.sites:
            return False
        if not covers(coach.available.get(day, []), start, end):
            return False
        minutes = end - start
        if self.coach_day[(coach.id, day)] + minutes > coach.max_minutes_per_day:
            return False
        if self.coach_week[coach.id] + minutes > coach.max_minutes_per_week:
            return False
        return self.apart(start, end, site, self.coach_busy[(coach.id, day)])

    def coach_fit(self, coach: Coach, day: str, start: int, end: int, site: str) -> tuple:
        """Lower is better: a coach already at this site right before or after, then fresh ones."""
        busy = self.coach_busy[(coach.id, day)]
        adjacent = any(s == site and (e == start or b == end) for b, e, s in busy)
        here = any(s == site for _, _, s in busy)
        elsewhere = bool(busy) and not here
        return (
            not adjacent,
            elsewhere,
            not here,
            len(coach.skills),
            -(coach.max_minutes_per_week - self.coach_week[coach.id]),
        )

    # -- rooms ----------------------------------------------------------------

    def room_can(self, room: Room, day: str, start: int, end: int) -> bool:
        if room.available is not None and not covers(room.available.get(day, []), start, end):
            return False
        return all(not (b < end and start < e) for b, e in self.room_busy[(room.id, day)])

    # -- pupils ---------------------------------------------------------------

    def pupil_can(
        self, pupil_id: str, activity: Activity, day: str, start: int, end: int, site: str
    ) -> bool:
        """Window, unavailability, reach, travel, ceilings and repetition of one pupil."""
        instance = self.instance
        pupil = instance.pupil[pupil_id]
        school = instance.school_of(pupil)
        window = instance.site[school].window.get(day)
        if window is None or not (window[0] <= start and end <= window[1]):
            return False
        if any(b < end and start < e for b, e in pupil.unavailable.get(day, [])):
            return False
        if not activity.grades[0] <= pupil.grade <= activity.grades[1]:
            return False
        if site != school:
            reach = instance.travel_minutes(school, site)
            if reach is None or reach > instance.max_pupil_travel_minutes:
                return False
            if start < window[0] + reach:
                return False
        programme = instance.programme_of(pupil)
        minutes = end - start
        if self.pupil_day[(pupil_id, day)] + minutes > programme.max_minutes_per_day:
            return False
        if self.pupil_week[pupil_id] + minutes > programme.total_minutes:
            return False
        done = self.pupil_activity[(pupil_id, activity.id)]
        if day in done:
            return False
        if activity.max_per_week is not None and len(done) >= activity.max_per_week:
            return False
        return self.apart(start, end, site, self.pupil_busy[(pupil_id, day)])

    # -- booking --------------------------------------------------------------

    def book(self, booking: Booking) -> None:
        day, start, end, site = booking.day, booking.start, booking.end, booking.site
        self.room_busy[(booking.room.id, day)].append((start, end))
        for coach_id in booking.coaches:
            self.coach_busy[(coach_id, day)].append((start, end, site))
            self.coach_day[(coach_id, day)] += end - start
            self.coach_week[coach_id] += end - start
        for pupil_id in booking.pupils:
            self.pupil_book(pupil_id, booking)

    def unbook(self, booking: Booking) -> None:
        day, start, end, site = booking.day, booking.start, booking.end, booking.site
        self.room_busy[(booking.room.id, day)].remove((start, end))
        for coach_id in booking.coaches:
            self.coach_busy[(coach_id, day)].remove((start, end, site))
            self.coach_day[(coach_id, day)] -= end - start
            self.coach_week[coach_id] -= end - start
        for pupil_id in booking.pupils:
            self.pupil_unbook(pupil_id, booking)

    def pupil_book(self, pupil_id: str, booking: Booking) -> None:
        self.pupil_busy[(pupil_id, booking.day)].append((booking.start, booking.end, booking.site))
        self.pupil_day[(pupil_id, booking.day)] += booking.minutes
        self.pupil_week[pupil_id] += booking.minutes
        self.pupil_activity[(pupil_id, booking.activity.id)].append(booking.day)

    def pupil_unbook(self, pupil_id: str, booking: Booking) -> None:
        self.pupil_busy[(pupil_id, booking.day)].remove((booking.start, booking.end, booking.site))
        self.pupil_day[(pupil_id, booking.day)] -= booking.minutes
        self.pupil_week[pupil_id] -= booking.minutes
        self.pupil_activity[(pupil_id, booking.activity.id)].remove(booking.day)
