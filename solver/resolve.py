"""Re-solving from a published schedule: change only what the change forces.

A coach falls ill or a gym closes; hundreds of families already know their
week. The re-solve therefore works like a coordinator with the old timetable
on the desk, not like a fresh solve:

1. **Keep** every previous session the new rules still allow, exactly (pins
   always; a pin that breaks a rule on its own raises ``PinConflict``).
2. **Rescue in place** each broken session: same activity, day and start,
   its room if still open, else another room (same site first, then a free
   room nearby), and a substitute for each coach who can no longer come, one
   already at the site that day first. Families notice nothing but a name.
3. **Replace** what cannot be rescued: new sessions for the group, the
   whole group at one time first; the same category before another, the
   same day near the old time before other days (``_options``).
4. **Re-seat** pupils still short in spare places, sessions already changed
   first, and open sessions for the rest of them.
5. **Improve** only sessions none of whose pupils and coaches had that
   (activity, day, start) before: moving them cannot cost stability. Every
   other session is held like a pin, since a move would cost its stability
   weight per pupil and coach, far more than the coach idle time or site
   changes the LNS can win. So the LNS runs only where the change touched.

Repairs stay inside the change's footprint: pupils the change made short
(and pupils new to the instance) are the only ones seated, and only at their
schools, the venues, and schools whose sessions the change broke. Pupils
already short in the published week stay as they were; at any other school
no session changes, and only when the footprint is full may a new session
use a free room there.
Sessions keep their previous ids when kept or rescued; new ones get fresh ids.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from solver.changes import with_previous
from solver.checker import CheckReport, check
from solver.construct import Builder
from solver.engine import PinConflict, Progress, SolveResult, finish
from solver.improve import improve_schedule
from solver.instance import Activity, Instance, Pupil
from solver.ledger import Booking, Ledger
from solver.repair import Shortfall
from solver.solution import Session, Solution
from solver.times import covers, overlaps


@dataclass
class Outcome:
    """What the re-solve did, for ``stats`` and the impact report."""

    kept: int = 0
    rescued: int = 0
    replaced: int = 0
    opened: int = 0
    reseated: int = 0
    released_pupils: set[str] = field(default_factory=set)

    def stats(self) -> dict[str, int]:
        return {
            "kept_sessions": self.kept,
            "rescued_sessions": self.rescued,
            "replacement_sessions": self.replaced,
            "opened_sessions": self.opened,
            "reseated_pupils": self.reseated,
            "released_pupils": len(self.released_pupils),
        }


@dataclass
class _Broken:
    """A previous session the new rules no longer allow as it was."""

    session: Session
    activity: Activity | None
    pupils: list[str]  # those who may still attend it, by the unary rules
    coaches: list[str]  # those who may still lead it
    room_ok: bool


def resolve(instance: Instance, previous: Solution, run) -> SolveResult:
    """The previous schedule with only what the change broke rebuilt; checked."""
    _refuse_broken_pins(instance, previous)
    outcome = Outcome()
    ids: dict[int, str] = {}

    run.note("keeping")
    kept, broken = _keep(instance, previous)
    repair = _Repair(instance, run)
    for booking, session in kept:
        repair.add(booking, touched=False)
        ids[id(booking)] = session.id
    outcome.kept = len(kept)
    repair.allow(_footprint(instance, previous, broken))

    run.note("rescuing")
    groups: list[tuple[_Broken, list[str]]] = []
    # At its own site a session's pupils keep a place and time that was valid
    # before, so those rescues go first; a rescue elsewhere checks its pupils
    # against everything already booked.
    waiting = broken
    for at_home in (True, False):
        unsaved = []
        for item in waiting:
            booking = repair.rescue(item, at_home)
            if booking is None:
                unsaved.append(item)
                continue
            repair.add(booking)
            ids[id(booking)] = item.session.id
            outcome.rescued += 1
            left = [p for p in item.pupils if p not in booking.pupils]
            if left:
                groups.append((item, left))
        waiting = unsaved
    groups.extend((item, item.pupils) for item in waiting)
    outcome.released_pupils = {p for _, group in groups for p in group}

    before = _deficits(instance, previous)
    shortfall = repair.count()
    affected = [
        p for p in instance.pupils if p.id not in before or shortfall.deficit(p) > before[p.id]
    ]
    repair.allow({instance.school_of(p) for p in affected})

    run.note("replacing")
    # Pupils whom only the lost session's category helps (a category minimum
    # binds) come first, all groups before any other pupil: when sport is
    # scarce its places go to pupils who need sport. The others keep their
    # time with another activity if they can.
    bound, free = [], []
    for item, group in groups:
        if item.session.activity not in instance.activity:
            free.append((item, group))
            continue
        category = instance.activity[item.session.activity].category
        needs = {p: _useful_categories(instance, shortfall, instance.pupil[p]) for p in group}
        bound.append((item, [p for p in group if needs[p] == [category]]))
        free.append((item, [p for p in group if needs[p] != [category]]))
    for (item, group), only_category in [(g, True) for g in bound] + [(g, False) for g in free]:
        if _late(run, 0.5):
            break
        if group:
            outcome.replaced += repair.replace(item, group, only_category=only_category)

    run.note("re-seating")
    short = [p for p in affected if shortfall.deficit(p) > 0]
    outcome.reseated = repair.seat(short)
    short = [p for p in short if shortfall.deficit(p) > 0]
    outcome.opened = repair.open(short)
    short = [p for p in short if shortfall.deficit(p) > 0]
    outcome.reseated += repair.seat(short)
    if short and not _late(run, 0.7):
        # The footprint has no room left: a free room at a school nearby, in
        # which only these pupils change (that school's own week stays).
        repair.borrow = True
        for item, group in groups:
            left = [p for p in group if shortfall.deficit(instance.pupil[p]) > 0]
            if left and not _late(run, 0.7):
                outcome.replaced += repair.replace(item, left)
        short = [p for p in short if shortfall.deficit(p) > 0]
        outcome.opened += repair.open(short)

    bookings = repair.bookings
    if run.options.improve and run.has_time():
        bookings = _improve_free(instance, previous, bookings, repair.ledger, run, ids)

    return _finish(instance, previous, bookings, ids, outcome, run)


def _footprint(instance: Instance, previous: Solution, broken: list[_Broken]) -> set[str]:
    """Schools the change concerns: hosts of broken sessions, schools of their pupils, new pupils'.

    Nothing at any other school may change: not even a spare place taken.
    """
    schools = set()
    for item in broken:
        room = instance.room.get(item.session.room)
        if room is not None and instance.site[room.site].kind == "school":
            schools.add(room.site)
        schools |= {
            instance.school_of(instance.pupil[p])
            for p in item.session.pupils
            if p in instance.pupil
        }
    present = {p for s in previous.sessions for p in s.pupils}
    schools |= {instance.school_of(p) for p in instance.pupils if p.id not in present}
    return schools


# -- 1. keep -------------------------------------------------------------------


def _keep(instance: Instance, previous: Solution):
    """Previous sessions as bookings where the rules still allow them; the others as broken."""
    kept: list[tuple[Booking, Session]] = []
    broken: list[_Broken] = []
    for session in sorted(previous.sessions, key=lambda s: not s.pinned):
        activity = instance.activity.get(session.activity)
        room = instance.room.get(session.room)
        if session.pinned:
            kept.append((_booking(instance, session, list(session.pupils)), session))
            continue
        if (
            activity is None
            or session.day not in instance.days
            or session.end - session.start != activity.minutes
            or session.start % instance.slot_minutes
        ):
            pupils = [p for p in session.pupils if p in instance.pupil]
            broken.append(_Broken(session, None, pupils, [], False))
            continue
        site = room.site if room is not None else None
        room_ok = room is not None and _room_fits(room, activity, session)
        coaches = [c for c in session.coaches if _coach_fits(instance, activity, c, session)]
        pupils = [p for p in session.pupils if _pupil_fits(instance, activity, p, site, session)]
        capacity = min(activity.max_group, room.capacity if room_ok else activity.max_group)
        whole = (
            room_ok
            and len(coaches) == len(session.coaches) == activity.coaches
            and len(set(coaches)) == len(coaches)
            and activity.min_group <= len(pupils) <= capacity
        )
        if whole:
            kept.append((_booking(instance, session, pupils), session))
        else:
            broken.append(_Broken(session, activity, pupils, coaches, room_ok))
    return _settle(instance, kept, broken)


def _settle(instance, kept, broken):
    """Let the checker judge what the per-session tests cannot see (loads, travel, clashes).

    Only an instance edit to travel, loads or programmes can break a rule
    between two kept sessions; the sessions it names go to the broken ones.
    """
    while True:
        solution = Solution(
            instance=instance.name,
            sessions=[_session(b, s.id) for b, s in kept],
        )
        report = check(instance, solution)
        bad = {i for v in report.violations if v.rule != "H10" for i in v.ids}
        named = [(b, s) for b, s in kept if s.id in bad and not s.pinned]
        if not named:
            return kept, broken
        for booking, session in named:
            broken.append(_Broken(session, None, list(booking.pupils), [], False))
        named_ids = {id(b) for b, _ in named}
        kept = [(b, s) for b, s in kept if id(b) not in named_ids]


def _room_fits(room, activity: Activity, session: Session) -> bool:
    """The room has a kind the activity uses and is open for the whole session."""
    if not set(room.kinds) & set(activity.room_kinds):
        return False
    return room.available is None or covers(
        room.available.get(session.day, []), session.start, session.end
    )


def _coach_fits(instance: Instance, activity: Activity, coach_id: str, session: Session) -> bool:
    """The coach still exists, has the skill, may work at the site and is available then."""
    coach = instance.coach.get(coach_id)
    room = instance.room.get(session.room)
    if coach is None or activity.skill not in coach.skills:
        return False
    if room is not None and coach.sites is not None and room.site not in coach.sites:
        return False
    return covers(coach.available.get(session.day, []), session.start, session.end)


def _pupil_fits(instance: Instance, activity: Activity, pupil_id: str, site, session) -> bool:
    """The pupil still exists, is of the grades, free then, and may be at that site.

    ``site`` None (the room is gone): where the session goes is decided later.
    """
    pupil = instance.pupil.get(pupil_id)
    if pupil is None or not activity.grades[0] <= pupil.grade <= activity.grades[1]:
        return False
    school = instance.school_of(pupil)
    window = instance.site[school].window.get(session.day)
    if window is None or not (window[0] <= session.start and session.end <= window[1]):
        return False
    if overlaps(pupil.unavailable.get(session.day, []), session.start, session.end):
        return False
    if site is None or site == school:
        return True
    reach = instance.travel_minutes(school, site)
    return (
        reach is not None
        and reach <= instance.max_pupil_travel_minutes
        and session.start >= window[0] + reach
    )


# -- 2.-4. rescue, replace, re-seat ------------------------------------------------


class _Repair:
    """The week being repaired: who is busy when, and where repairs may happen."""

    def __init__(self, instance: Instance, run):
        self.instance = instance
        self.run = run
        self.ledger = Ledger(instance)
        self.builder = Builder(instance, self.ledger)
        self.bookings: list[Booking] = []
        self.touched: set[int] = set()  # sessions this re-solve made or changed
        self.sites = {s.id for s in instance.sites if s.kind == "venue"}
        # Whether new sessions may use free rooms of schools outside the footprint.
        self.borrow = False
        self.shortfall: Shortfall | None = None

    def allow(self, schools: set[str]) -> None:
        self.sites |= schools

    def add(self, booking: Booking, touched: bool = True) -> None:
        self.ledger.book(booking)
        self.bookings.append(booking)
        if touched:
            self.touched.add(id(booking))
        self.builder.at_site_day[(booking.site, booking.day)].update(booking.coaches)
        if self.shortfall is not None:
            for pupil_id in booking.pupils:
                self.shortfall.add(pupil_id, booking)

    def count(self) -> Shortfall:
        """Start counting unmet minutes from the bookings so far."""
        self.shortfall = Shortfall(self.instance, self.bookings)
        return self.shortfall

    def reachable(self, pupils: list[str], borrow: bool = False) -> list[str]:
        """Allowed sites every one of these pupils may go to: their school and venues first.

        ``borrow``: other schools too, for a new session in a free room.
        """
        instance = self.instance
        schools = {instance.school_of(instance.pupil[p]) for p in pupils}
        return [
            site.id
            for site in sorted(
                instance.sites, key=lambda s: (s.id not in schools, s.kind == "school", s.id)
            )
            if (borrow or site.id in self.sites)
            and all(
                (t := instance.travel_minutes(school, site.id)) is not None
                and t <= instance.max_pupil_travel_minutes
                for school in schools
            )
        ]

    # -- rescue in place

    def rescue(self, item: _Broken, at_home: bool) -> Booking | None:
        """The broken session at its own day and start: open room, substitute coaches.

        ``at_home``: only at the session's own site; else only at other sites
        all its pupils may reach.
        """
        instance, ledger = self.instance, self.ledger
        activity, session = item.activity, item.session
        if activity is None or len(item.pupils) < activity.min_group:
            return None
        room = instance.room.get(session.room)
        home = room.site if room is not None else None
        if at_home:
            sites = [home] if home else []
        else:
            sites = [s for s in self.reachable(item.pupils, borrow=True) if s != home]
        for site in sites:
            pupils = item.pupils
            if not at_home:
                pupils = [
                    p
                    for p in item.pupils
                    if ledger.pupil_can(p, activity, session.day, session.start, session.end, site)
                ]
                if len(pupils) < activity.min_group:
                    continue
            for candidate in self._rooms(item, site):
                coaches = self._coaches(item, site)
                if coaches is None:
                    break
                capacity = min(activity.max_group, candidate.capacity)
                return Booking(
                    activity=activity,
                    day=session.day,
                    start=session.start,
                    end=session.end,
                    room=candidate,
                    coaches=coaches,
                    pupils=list(pupils[:capacity]),
                )
        return None

    def _rooms(self, item: _Broken, site: str):
        """Its own room when it is still fine, then the closest fit at the site."""
        activity, session, ledger = item.activity, item.session, self.ledger
        size = len(item.pupils)
        own = self.instance.room.get(session.room)
        if (
            item.room_ok
            and own.site == site
            and ledger.room_can(own, session.day, session.start, session.end)
        ):
            yield own
            return
        others = [
            r
            for r in self.builder.rooms_for(site, activity)
            if r.capacity >= activity.min_group
            and ledger.room_can(r, session.day, session.start, session.end)
        ]
        others.sort(key=lambda r: (r.capacity < size, abs(r.capacity - size), r.id))
        yield from others

    def _coaches(self, item: _Broken, site: str) -> list[str] | None:
        """The coaches who may still come, then substitutes: already at the site that day first.

        Remaining coaches are checked again too: an earlier substitution may
        have given one of them another session at this time.
        """
        activity, session, ledger = item.activity, item.session, self.ledger
        day, start, end = session.day, session.start, session.end
        chosen = []
        for coach_id in dict.fromkeys(item.coaches):
            if ledger.coach_can(self.instance.coach[coach_id], day, start, end, site):
                chosen.append(coach_id)
        chosen = chosen[: activity.coaches]
        here = self.builder.at_site_day[(site, day)]
        candidates = [
            c
            for c in self.builder.coaches_for(activity.skill, site, day)
            if c.id not in chosen and ledger.coach_can(c, day, start, end, site)
        ]
        candidates.sort(
            key=lambda c: (c.id not in here, ledger.coach_fit(c, day, start, end, site), c.id)
        )
        for coach in candidates:
            if len(chosen) == activity.coaches:
                break
            chosen.append(coach.id)
        return chosen if len(chosen) == activity.coaches else None

    # -- replace

    def replace(self, item: _Broken, group: list[str], *, only_category=False) -> int:
        """New sessions for a broken session's pupils, in the order of ``_options``.

        The whole group at one new time first (one change, nobody left over),
        then ever smaller parts of it; ``only_category``: only activities of
        the lost session's category. Returns how many sessions were opened.
        """
        instance, shortfall = self.instance, self.shortfall
        by_school: dict[str, list[Pupil]] = defaultdict(list)
        for pupil_id in group:
            pupil = instance.pupil[pupil_id]
            by_school[instance.school_of(pupil)].append(pupil)
        made = 0
        for school, pupils in sorted(by_school.items()):
            for part in (1, 2 / 3, 1 / 3, 0):
                pupils = [p for p in pupils if shortfall.deficit(p) > 0]
                if not pupils:
                    break
                hopeful = _Hopeful(self, school)
                others = [] if only_category else _needed(instance, pupils, shortfall)
                for activity, day, start in _options(
                    instance, item.session, school, pupils, others
                ):
                    least = max(activity.min_group, math.ceil(part * len(pupils)))
                    if len(pupils) < least:
                        continue
                    takers = hopeful(activity, day, start, pupils)
                    if self.open_one(activity, school, day, start, takers, least=least):
                        made += 1
                        pupils = [p for p in pupils if shortfall.deficit(p) > 0]
                        if not pupils:
                            break
                        hopeful = _Hopeful(self, school)
        return made

    def open_one(self, activity, school, day, start, pupils, *, least=0) -> bool:
        """One new session at this time for those of ``pupils`` who can come, if there is one.

        ``least``: only if at least this many of them (up to the group's
        maximum) can come; never fewer than the activity's minimum.
        """
        instance, ledger, shortfall = self.instance, self.ledger, self.shortfall
        end = start + activity.minutes
        if end > instance.site[school].window[day][1]:
            return False
        least = max(activity.min_group, min(least, activity.max_group))
        if len(pupils) < least:
            return False
        booking = self.builder.find_session(activity, school, day, start, len(pupils))
        if booking is None or not (self.borrow or booking.site in self.sites | {school}):
            return False
        takers = [
            p
            for p in pupils
            if shortfall.gain(p, booking) > 0
            and ledger.pupil_can(p.id, activity, day, start, booking.end, booking.site)
        ]
        capacity = min(activity.max_group, booking.room.capacity)
        if len(takers) < min(least, max(capacity, activity.min_group)):
            return False
        takers.sort(key=lambda p: (-shortfall.deficit(p), p.id))
        booking.pupils = [p.id for p in takers[:capacity]]
        self.add(booking)
        return True

    # -- re-seat and open

    def seat(self, pupils: list[Pupil]) -> int:
        """Short pupils into spare places; returns how many seats were given."""
        instance, shortfall = self.instance, self.shortfall
        by_site: dict[tuple[str, str], list[Booking]] = defaultdict(list)
        classes: dict[int, set[str]] = {}
        for booking in self.bookings:
            if not booking.pinned and booking.site in self.sites:
                by_site[(booking.site, booking.activity.category)].append(booking)
                classes[id(booking)] = {instance.pupil[q].class_id for q in booking.pupils}
        seated = 0
        for pupil in sorted(pupils, key=lambda p: (-shortfall.deficit(p), p.id)):
            sites = self.reachable([pupil.id])
            while shortfall.deficit(pupil) > 0:
                useful = _useful_categories(instance, shortfall, pupil)
                booking = self._best_place(pupil, sites, useful, by_site, classes)
                if booking is None:
                    break
                booking.pupils.append(pupil.id)
                self.ledger.pupil_book(pupil.id, booking)
                shortfall.add(pupil.id, booking)
                self.touched.add(id(booking))
                classes[id(booking)].add(pupil.class_id)
                seated += 1
        return seated

    def _best_place(self, pupil: Pupil, sites, useful, by_site, classes) -> Booking | None:
        """The spare place that removes most unmet minutes: changed, own-school, own-class first."""
        shortfall = self.shortfall
        school = self.instance.school_of(pupil)
        candidates = []
        # The gain depends only on the category, the length and a required activity.
        gains: dict[tuple, int] = {}
        for site, category in ((s, c) for s in sites for c in useful):
            for booking in by_site[(site, category)]:
                activity = booking.activity
                # A pupil already here fails the ledger's once-a-day test below.
                if len(booking.pupils) >= min(activity.max_group, booking.room.capacity):
                    continue
                kind = (
                    activity.category,
                    booking.minutes,
                    activity.id if activity.id in pupil.required else None,
                )
                if kind not in gains:
                    gains[kind] = shortfall.gain(pupil, booking)
                if gains[kind] <= 0:
                    continue
                key = (
                    -gains[kind],
                    id(booking) not in self.touched,
                    site != school,
                    pupil.class_id not in classes[id(booking)],
                    booking.day,
                    booking.start,
                    booking.room.id,
                )
                candidates.append((key, booking))
        # The ledger's test is the dear one: ask it in order of preference only.
        candidates.sort(key=lambda kb: kb[0])
        for _, booking in candidates:
            if self.ledger.pupil_can(
                pupil.id, booking.activity, booking.day, booking.start, booking.end, booking.site
            ):
                return booking
        return None

    def open(self, pupils: list[Pupil]) -> int:
        """New sessions for groups of short pupils of one school, most needed activity first."""
        instance, shortfall = self.instance, self.shortfall
        by_school: dict[str, list[Pupil]] = defaultdict(list)
        for pupil in pupils:
            by_school[instance.school_of(pupil)].append(pupil)
        made = 0
        for school, group in sorted(by_school.items()):
            window = instance.site[school].window
            progress = True
            while progress and not _late(self.run, 0.7):
                progress = False
                group = [p for p in group if shortfall.deficit(p) > 0]
                for activity in _needed(instance, group, shortfall):
                    hopeful = _Hopeful(self, school)
                    for day in [d for d in instance.days if d in window]:
                        lo, hi = window[day]
                        for start in range(lo, hi - activity.minutes + 1, instance.slot_minutes):
                            takers = hopeful(activity, day, start, group)
                            if self.open_one(activity, school, day, start, takers):
                                made += 1
                                progress = True
                                break
                        if progress:
                            break
                    if progress:
                        break
        return made


class _Hopeful:
    """Pupils who might take a new session at a time: a cheap filter before the search.

    Free at their own school then is nearly necessary to be free anywhere;
    who is free is asked once per time (not per activity), and the exact test
    follows once a room and coaches are found.
    """

    def __init__(self, repair: _Repair, school: str):
        self.repair = repair
        self.school = school
        self.free: dict[tuple[str, int, int], set[str]] = {}

    def __call__(self, activity: Activity, day: str, start: int, pupils: list[Pupil]):
        ledger, shortfall = self.repair.ledger, self.repair.shortfall
        end = start + activity.minutes
        key = (day, start, end)
        if key not in self.free:
            # Any activity: grades and repetition are the activity's, tested below.
            anything = dataclasses.replace(activity, id="", grades=(0, 99), max_per_week=None)
            self.free[key] = {
                p.id
                for p in pupils
                if ledger.pupil_can(p.id, anything, day, start, end, self.school)
            }
        probe = _probe(activity)
        return [
            p
            for p in pupils
            if p.id in self.free[key]
            and activity.grades[0] <= p.grade <= activity.grades[1]
            and shortfall.gain(p, probe) > 0
        ]


def _options(
    instance: Instance, session: Session, school: str, pupils: list[Pupil], others: list[Activity]
):
    """(activity, day, start) in the order a coordinator would try them.

    The same activity, or another of its category (by the pupils' wishes),
    at the old time, then the same day nearest first, then other days; only
    then an activity of another category they still need, at the old time
    first, then other times that day. Trying another category sooner keeps
    more pupils at their time but spends places that pupils bound by a
    category minimum need (measured with a gym closed: 0.07 points of
    coverage lost).
    """
    original = instance.activity.get(session.activity)
    window = instance.site[school].window
    if original is None or session.day not in window:
        return
    siblings = [
        a for a in instance.activities if a.category == original.category and a.id != original.id
    ]
    siblings.sort(key=lambda a: (_wanted(a, pupils), a.id))
    others = [a for a in others if a.category != original.category]
    days = [session.day] + [d for d in instance.days if d != session.day and d in window]

    def starts(activity: Activity, day: str):
        lo, hi = window[day]
        times = range(lo, hi - activity.minutes + 1, instance.slot_minutes)
        return sorted(times, key=lambda s: (abs(s - session.start), s))

    for day in days:
        for activity in [original, *siblings]:
            for start in starts(activity, day):
                yield activity, day, start
    for activity in others:
        for start in starts(activity, session.day):
            yield activity, session.day, start


def _wanted(activity: Activity, pupils: list[Pupil]) -> float:
    """Mean preference rank of the activity among the pupils (lower is wanted more)."""
    total = 0.0
    for pupil in pupils:
        ranked = pupil.preferences.get(activity.category, ())
        total += ranked.index(activity.id) if activity.id in ranked else len(ranked) + 1
    return total / max(1, len(pupils))


def _probe(activity: Activity) -> Booking:
    """A session of the activity nowhere in particular, to ask what it would give."""
    return Booking(activity, "", 0, activity.minutes, None, [])  # type: ignore[arg-type]


def _useful_categories(instance: Instance, shortfall: Shortfall, pupil: Pupil) -> list[str]:
    """Categories in which one more session would lower the pupil's unmet minutes.

    Whether it does depends on the category only (a short category, or room
    in the total that no category minimum outweighs), and on required activities.
    """
    useful = {a.category for a in instance.activities if a.id in pupil.required}
    for category in instance.categories:
        probe = Booking(
            _Probe(category.id),  # type: ignore[arg-type]
            "",
            0,
            instance.slot_minutes,
            None,  # type: ignore[arg-type]
            [],
        )
        if shortfall.gain(pupil, probe) > 0:
            useful.add(category.id)
    return sorted(useful)


@dataclass(frozen=True)
class _Probe:
    """Stands in for an activity of a category when only the category matters."""

    category: str
    id: str = ""


def _needed(instance: Instance, pupils: list[Pupil], shortfall: Shortfall) -> list[Activity]:
    """Activities that would lower the deficit of at least a group's minimum, most helped first."""
    helped = []
    for activity in instance.activities:
        probe = _probe(activity)
        count = sum(
            1
            for p in pupils
            if activity.grades[0] <= p.grade <= activity.grades[1] and shortfall.gain(p, probe) > 0
        )
        if count >= activity.min_group:
            helped.append((-count, activity.id, activity))
    return [a for _, _, a in sorted(helped)]


# -- 5. improve --------------------------------------------------------------------


def _improve_free(instance, previous, bookings, ledger, run, ids) -> list[Booking]:
    """LNS over the sessions whose move cannot cost stability; all others held like pins.

    Stability counts each (pupil or coach, activity, day, start) of the
    previous schedule that is gone. A session that has none of those keys
    has nothing left to lose. Any other session would lose its weight times
    its pupils and coaches for a move (5 x 25 in the district), far more than
    the few slots of coach idle time or the site change the LNS wins; so
    they are held rather than priced, and improve.py needs no stability term.
    """
    before = {
        (person, s.activity, s.day, s.start)
        for s in previous.sessions
        for person in (*s.pupils, *s.coaches)
    }
    held = [
        b
        for b in bookings
        if not b.pinned
        and any(
            (person, b.activity.id, b.day, b.start) in before for person in (*b.pupils, *b.coaches)
        )
    ]
    if len(held) + sum(1 for b in bookings if b.pinned) == len(bookings):
        return bookings
    run.report(_to_solution(instance, bookings, ids), "re-solved")
    for booking in held:
        booking.pinned = True

    def better(candidate: list[Booking], stage: str) -> None:
        for booking in held:
            booking.pinned = False
        try:
            run.report(_to_solution(instance, candidate, ids), stage)
        finally:
            for booking in held:
                booking.pinned = True

    try:
        bookings = improve_schedule(instance, bookings, ledger, run, better)
    finally:
        for booking in held:
            booking.pinned = False
    return bookings


def _late(run, fraction: float) -> bool:
    """Past this share of the time limit (never, for reproducible runs)."""
    until = run.until(fraction)
    return until is not None and time.monotonic() > until


# -- the result --------------------------------------------------------------------


def _finish(instance, previous, bookings, ids, outcome: Outcome, run) -> SolveResult:
    judged = with_previous(instance, previous)
    solution = _to_solution(instance, bookings, ids)
    report = check(judged, solution)
    result = finish(
        run,
        judged,
        solution,
        report,
        {"solver": "extended-day engine, re-solve from a previous schedule", **outcome.stats()},
    )
    _tell(run, result.report, "done")
    return result


def _tell(run, report: CheckReport, stage: str) -> None:
    """Report progress from a check already made: at district size the checker takes seconds."""
    progress = Progress(run.elapsed(), report.coverage, report.penalty, stage)
    run.history.append(progress)
    if report.valid and report.unmet_minutes == 0 and run.first_full_cover is None:
        run.first_full_cover = progress.elapsed
    if run.on_progress is not None:
        run.on_progress(progress)


def _to_solution(instance: Instance, bookings: list[Booking], ids: dict[int, str]) -> Solution:
    """Sessions in week order; previous ids stay, new sessions get unused ones."""
    ordered = sorted(
        (b for b in bookings if b.pupils),
        key=lambda b: (instance.days.index(b.day), b.start, b.room.id),
    )
    used = set(ids.values())
    fresh = 0
    sessions = []
    for booking in ordered:
        ident = ids.get(id(booking))
        if ident is None:
            fresh += 1
            while f"r{fresh}" in used:
                fresh += 1
            ident = f"r{fresh}"
        sessions.append(_session(booking, ident))
    return Solution(instance=instance.name, sessions=sessions)


def _session(booking: Booking, ident: str) -> Session:
    return Session(
        id=ident,
        activity=booking.activity.id,
        day=booking.day,
        start=booking.start,
        end=booking.end,
        room=booking.room.id,
        coaches=tuple(booking.coaches),
        pupils=tuple(sorted(booking.pupils)),
        pinned=booking.pinned,
    )


def _booking(instance: Instance, session: Session, pupils: list[str]) -> Booking:
    activity = instance.activity[session.activity]
    return Booking(
        activity=activity,
        day=session.day,
        start=session.start,
        end=session.end,
        room=instance.room[session.room],
        coaches=list(session.coaches),
        pupils=list(pupils),
        pinned=session.pinned,
    )


def _deficits(instance: Instance, previous: Solution) -> dict[str, int]:
    """Each pupil's unmet minutes in the previous schedule, under today's programmes."""
    bookings = []
    for session in previous.sessions:
        activity = instance.activity.get(session.activity)
        if activity is None:
            continue
        bookings.append(
            Booking(
                activity=activity,
                day=session.day,
                start=session.start,
                end=session.end,
                room=None,  # type: ignore[arg-type]
                coaches=[],
                pupils=[p for p in session.pupils if p in instance.pupil],
            )
        )
    shortfall = Shortfall(instance, bookings)
    present = {p for s in previous.sessions for p in s.pupils}
    return {p.id: shortfall.deficit(p) for p in instance.pupils if p.id in present}


def _refuse_broken_pins(instance: Instance, previous: Solution) -> None:
    """Pins that break a hard rule on their own cannot be kept: say which rules."""
    pins = [s for s in previous.sessions if s.pinned]
    if not pins:
        return
    report = check(instance, Solution(instance=instance.name, sessions=pins))
    broken = [v for v in report.violations if v.rule != "H10"]
    if broken:
        raise PinConflict([f"{v.rule} {v.message}" for v in broken])
