"""After solving: whose minutes are unmet, and which resource held them back.

The checker's ``deficit_by_pupil`` is split per pupil into categories (a category
minimum not reached; the rest of the programme total; a required activity never
attended) and summed per school, category and cause. The cause is read from the
timetable as it is (the pupil keeps every session it has): for a short pupil and
each activity it could still take, every start on the grid is tried:

- its week holds less than the shortest such session under the programme total, or
  (``days``) no day has a free stretch for one under the day maximum, while one of
  its sessions could give way: **week_full**, with the swap (one session for one of
  the category) that recovers most, and for how many of them a free place in a
  session or a new group (a room, coaches, at least the minimum of them free at
  once, a session they leave keeping its minimum) makes it real;
- no start where the pupil is free: **window**, or **pupil_unavailable** when only
  its unavailability is in the way;
- free, but no room of the kind free then within reach (and holding a group):
  **room**; when no swap can be placed either, the room or coach that blocks it;
- a room, but not enough coaches with the skill free (availability, day and week
  load, sites, travel from and to their other sessions): **coach**;
- room and coaches free, but at no such start are as many short pupils of the school
  free (with the way there and back) as the activity's ``min_group``:
  **group_minimum**, naming the start where most of them are;
- a free place in a session at a time the pupil is free, or a start with a group of
  them, a room and coaches free: **solver**, naming that session or start. Only
  then does a finding say a longer run may close the gap.

Places, groups and swaps are checked one finding at a time (two findings may name
the same free coach); the proofs are in ``solver.explain.capacity``.

``schools`` limits the reading to the pupils of those schools (a re-solve reads
only the schools it changed). A finding is per school and category and is read
from that school's pupils and the whole timetable, so each finding it returns is
exactly the one the full reading returns; only the other schools' are left out.
"""

from __future__ import annotations

from collections import defaultdict

from solver.checker import CheckReport, check
from solver.explain.capacity import CapacityReport, _Context, _free, _minus, _places
from solver.explain.findings import Finding, Suggestion
from solver.instance import Activity, Instance, Pupil
from solver.solution import Session, Solution
from solver.times import Interval


class _Timetable:
    """The solution by pupil, room and coach, for looking up what is still free."""

    def __init__(self, instance: Instance, solution: Solution):
        self.instance = instance
        self.by_pupil: dict[str, list[Session]] = defaultdict(list)
        self.by_room: dict[tuple[str, str], list[Interval]] = defaultdict(list)
        # a coach's sessions that day: (start, end, site), for overlaps and travel
        self.by_coach: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.coach_day: dict[tuple[str, str], int] = defaultdict(int)
        self.coach_week: dict[str, int] = defaultdict(int)
        self.sessions: dict[tuple[str, str], list[Session]] = defaultdict(list)
        self.session: dict[str, Session] = {}
        for s in solution.sessions:
            if s.activity not in instance.activity or s.room not in instance.room:
                continue
            site = instance.room[s.room].site
            self.session[s.id] = s
            self.sessions[(s.activity, s.day)].append(s)
            self.by_room[(s.room, s.day)].append((s.start, s.end))
            for coach in s.coaches:
                self.by_coach[(coach, s.day)].append((s.start, s.end, site))
                self.coach_day[(coach, s.day)] += s.end - s.start
                self.coach_week[coach] += s.end - s.start
            for pupil in s.pupils:
                self.by_pupil[pupil].append(s)


def _busy(spans: list[Interval], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def _deficit(programme, received: dict[str, int]) -> int:
    """PROBLEM.md's deficit of a pupil with these minutes per category (required left out)."""
    shorts = sum(max(0, m - received.get(c, 0)) for c, m in programme.category_minutes.items())
    return max(shorts, programme.total_minutes - sum(received.values()))


class _Reading:
    """Why one (kind of) pupil got no more of a category, as read from the timetable.

    ``slots``: (activity, day, start, site) where a new session could start now (the pupil
    free under its ceilings, a room and the coaches free, travel included); ``seats``:
    existing sessions with a free place at a time the pupil is free; ``info``: figures for
    the text (minutes left in the week, the best swap, ...)."""

    __slots__ = ("cause", "slots", "seats", "days", "info")

    def __init__(self, cause, slots=frozenset(), seats=(), days=(), info=None):
        self.cause = cause
        self.slots = slots
        self.seats = seats
        self.days = days
        self.info = info or {}


class _Reader:
    def __init__(self, instance: Instance, solution: Solution):
        self.instance = instance
        self.ctx = _Context(instance)
        self.tt = _Timetable(instance, solution)
        self.resource: dict[tuple, object] = {}
        self.causes: dict[tuple, _Reading] = {}
        self.coaches_with: dict[str, list] = defaultdict(list)
        for coach in instance.coaches:
            for skill in coach.skills:
                self.coaches_with[skill].append(coach)

    # -- rooms and coaches ---------------------------------------------------------

    def slot_resource(
        self, school: str, activity: Activity, day: str, start: int, every: bool = False
    ):
        """ "room" (no room free), "coach" (a room, but not enough coaches) or a dict
        site -> (room name, places) where a room of the kind and the coaches are free then:
        the first such site, or (``every``) all of them."""
        end = start + activity.minutes
        rooms_free = False
        found: dict[str, str] = {}
        short_handed: set[int] = set()  # sites (their coach lists) already found short
        for site, room, spans, booked, coaches in self._day_options(school, activity, day):
            if site in found:
                continue
            if not any(a <= start and end <= b for a, b in spans) or _busy(booked, start, end):
                continue
            rooms_free = True
            if id(coaches) in short_handed:
                continue
            free = 0
            for available, busy in coaches:
                if any(a <= start and end <= b for a, b in available) and self._coach_fits(
                    busy, start, end, site
                ):
                    free += 1
                    if free >= activity.coaches:
                        found[site] = (room.name, min(room.capacity, activity.max_group))
                        break
                if found and not every:
                    return found
            else:
                short_handed.add(id(coaches))
        if found:
            return found
        return "coach" if rooms_free else "room"

    def _coach_fits(self, busy: list, start: int, end: int, site: str) -> bool:
        """No overlap, and time to travel to and from the coach's other sessions that day."""
        travel = self.instance.travel_minutes
        for a, b, where in busy:
            if a < end and start < b:
                return False
            if where != site:
                t = travel(site, where)
                if t is None or (b <= start and start - b < t) or (end <= a and a - end < t):
                    return False
        return True

    def _verdicts(self, school: str, activity: Activity, day: str) -> dict:
        """Verdicts by start, shared by activities that need the same room kinds, skill,
        minutes, group sizes and number of coaches."""
        key = (
            "verdicts", school, day, activity.skill, activity.room_kinds, activity.minutes,
            activity.coaches, activity.min_group, activity.max_group,
        )  # fmt: skip
        if key not in self.resource:
            self.resource[key] = {}
        return self.resource[key]  # type: ignore[return-value]

    def verdict(self, school: str, activity: Activity, day: str, start: int, every: bool = False):
        verdicts = self._verdicts(school, activity, day)
        key = (start, every)
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = verdicts[key] = self.slot_resource(school, activity, day, start, every)
        return verdict

    def _day_options(self, school: str, activity: Activity, day: str) -> list:
        """The rooms of the kind open to X's pupils that day that hold a group (their site,
        spans and bookings), each with the coaches who may lead the activity there that day
        (availability, bookings); worked out once per school, activity and day."""
        key = (
            "options", school, day, activity.skill, activity.room_kinds, activity.minutes,
            activity.min_group, activity.max_group,
        )  # fmt: skip
        if key in self.resource:
            return self.resource[key]  # type: ignore[return-value]
        options = []
        for site in self.ctx.reach[school]:
            rooms = self._rooms_of_kinds(site, activity.room_kinds)
            if not rooms:
                continue
            here = self._coaches_at(activity, day, site)
            for room in rooms:
                if min(room.capacity, activity.max_group) < activity.min_group:
                    continue
                spans = self.ctx.room_spans(school, room, day)
                if spans:
                    options.append((site, room, spans, self.tt.by_room[(room.id, day)], here))
        self.resource[key] = options
        return options

    def _rooms_of_kinds(self, site: str, kinds: tuple[str, ...]) -> list:
        key = ("rooms", site, kinds)
        if key not in self.resource:
            self.resource[key] = [
                room for room in self.ctx.rooms_at.get(site, []) if set(room.kinds) & set(kinds)
            ]
        return self.resource[key]  # type: ignore[return-value]

    def _coaches_at(self, activity: Activity, day: str, site: str) -> list:
        """Coaches who may still lead the activity at the site that day: (availability, bookings)."""
        key = ("coaches", activity.skill, activity.minutes, day, site)
        if key not in self.resource:
            tt = self.tt
            self.resource[key] = [
                (coach.available[day], tt.by_coach[(coach.id, day)])
                for coach in self.coaches_with.get(activity.skill, ())
                if coach.available.get(day)
                and (coach.sites is None or site in coach.sites)
                and tt.coach_day[(coach.id, day)] + activity.minutes <= coach.max_minutes_per_day
                and tt.coach_week[coach.id] + activity.minutes <= coach.max_minutes_per_week
            ]
        return self.resource[key]  # type: ignore[return-value]

    # -- the pupil -------------------------------------------------------------------

    def kept(self, pupil: Pupil, category: str | None) -> list[Session]:
        """The pupil's sessions it needs: one of a category beyond its minimum could give way."""
        instance = self.instance
        minimums = instance.programme_of(pupil).category_minutes
        mine = self.tt.by_pupil.get(pupil.id, [])
        received: dict[str, int] = defaultdict(int)
        for s in mine:
            received[instance.activity[s.activity].category] += s.end - s.start
        kept = []
        for s in mine:
            other = instance.activity[s.activity].category
            spare = received[other] - (s.end - s.start) >= minimums.get(other, 0)
            if category is None or other == category or not spare or s.activity in pupil.required:
                kept.append(s)
            else:
                received[other] -= s.end - s.start
        return kept

    def starts(
        self, pupil: Pupil, activity: Activity, day: str, unavailable: bool, mine: list[Session]
    ) -> list[int]:
        """Grid starts on the day where the pupil could still take the activity."""
        instance = self.instance
        programme = instance.programme_of(pupil)
        today = [s for s in mine if s.day == day]
        if any(s.activity == activity.id for s in today):
            return []
        if sum(s.end - s.start for s in today) + activity.minutes > programme.max_minutes_per_day:
            return []
        if sum(s.end - s.start for s in mine) + activity.minutes > programme.total_minutes:
            return []
        spans = _minus(_free(self.ctx, pupil, day, unavailable), [(s.start, s.end) for s in today])
        step = instance.slot_minutes
        return [t for a, b in spans for t in range(a + (-a) % step, b - activity.minutes + 1, step)]

    def _reachable(
        self, school: str, day: str, today: list[Session], start: int, end: int, site: str
    ) -> bool:
        """The pupil can travel between its other sessions that day and a session at the site,
        and reach the site from its school after the window opens."""
        instance = self.instance
        if site != school:
            t = instance.travel_minutes(school, site)
            window = instance.site[school].window.get(day)
            if t is None or window is None or start - window[0] < t:
                return False
        for s in today:
            where = instance.room[s.room].site
            if where == site:
                continue
            t = instance.travel_minutes(site, where)
            if (
                t is None
                or (s.end <= start and start - s.end < t)
                or (end <= s.start and s.start - end < t)
            ):
                return False
        return True

    def _scan(self, pupil: Pupil, options: list[Activity], mine: list[Session]):
        """Slots and seats open to the pupil with these sessions, and what was seen:
        (slots, seats, days with time, a room seen free)."""
        school = self.instance.school_of(pupil)
        reach = self.ctx.reach[school]
        slots: set = set()
        seats: list = []
        days: set = set()
        seen_room = False
        for activity in options:
            for day in self.instance.days:
                starts = self.starts(pupil, activity, day, True, mine)
                if not starts:
                    continue
                days.add(day)
                today = [s for s in mine if s.day == day]
                for start in starts:
                    verdict = self.verdict(school, activity, day, start)
                    if verdict == "room":
                        continue
                    seen_room = True
                    if verdict == "coach":
                        continue
                    end = start + activity.minutes
                    site = next(iter(verdict))  # type: ignore[call-overload]
                    if self._reachable(school, day, today, start, end, site):
                        slots.add((activity.id, day, start, site))
                        continue
                    # the first site found is out of the pupil's way: try every other
                    for site in self.verdict(school, activity, day, start, every=True):
                        if self._reachable(school, day, today, start, end, site):
                            slots.add((activity.id, day, start, site))
                            break
                opening = set(starts)
                for s in self.tt.sessions.get((activity.id, day), ()):
                    room = self.instance.room[s.room]
                    if (
                        s.start in opening
                        and room.site in reach
                        and len(s.pupils) < min(room.capacity, activity.max_group)
                        and self._reachable(school, day, today, s.start, s.end, room.site)
                    ):
                        seats.append(s.id)
        return slots, seats, days, seen_room

    def cause(self, pupil: Pupil, category: str | None, activities: list[Activity]) -> _Reading:
        """Why the pupil got no more of these activities.

        Pupils of one cohort share their sessions, so the answer is kept per kind of pupil:
        school, grade, category, sessions, required activities and unavailability."""
        school = self.instance.school_of(pupil)
        key = (
            school,
            pupil.grade,
            category,
            tuple(s.id for s in self.tt.by_pupil.get(pupil.id, [])),
            pupil.required,
            tuple(sorted((d, tuple(spans)) for d, spans in pupil.unavailable.items())),
        )
        if key not in self.causes:
            self.causes[key] = self._cause(pupil, category, activities)
        return self.causes[key]

    def _options(self, pupil: Pupil, activities: list[Activity], taken: dict) -> list[Activity]:
        school = self.instance.school_of(pupil)
        return [
            a
            for a in activities
            if a.grades[0] <= pupil.grade <= a.grades[1]
            and (a.max_per_week is None or taken.get(a.id, 0) < a.max_per_week)
            and _places(self.ctx, school, a) > 0
        ]

    def _cause(self, pupil: Pupil, category: str | None, activities: list[Activity]) -> _Reading:
        instance = self.instance
        programme = instance.programme_of(pupil)
        mine = list(self.tt.by_pupil.get(pupil.id, []))
        taken: dict[str, int] = defaultdict(int)
        for s in mine:
            taken[s.activity] += 1
        options = self._options(pupil, activities, taken)
        everyday = tuple(instance.days)
        if not options:
            return _Reading("window", days=everyday)
        left = programme.total_minutes - sum(s.end - s.start for s in mine)
        shortest = min(a.minutes for a in options)
        if shortest > left:
            # the week is full up to the programme total: only a swap makes room
            return self._full(pupil, category, options, mine, "week", left, shortest)
        fitting = [a for a in options if a.minutes <= left]
        slots, seats, days, seen_room = self._scan(pupil, fitting, mine)
        ordered = tuple(d for d in instance.days if d in days)
        if slots or seats:
            return _Reading("open", frozenset(slots), tuple(seats), ordered)
        if seen_room:
            return _Reading("coach", days=ordered)
        if days:
            return _Reading("room", days=ordered)
        # no free time under the day maximum: the pupil's own sessions, or the window
        relaxed = self.kept(pupil, category)
        if any(self.starts(pupil, a, d, True, relaxed) for a in options for d in instance.days):
            return self._full(pupil, category, options, mine, "days", left, shortest)
        return self._time(pupil, category, options)

    def _time(self, pupil: Pupil, category: str | None, options: list[Activity]) -> _Reading:
        """No time for more: the pupil's unavailability, or else the window."""
        instance = self.instance
        relaxed = self.kept(pupil, category)
        everyday = tuple(instance.days)
        if any(self.starts(pupil, a, d, False, relaxed) for a in options for d in instance.days):
            return _Reading("pupil_unavailable", days=everyday)
        return _Reading("window", days=everyday)

    def _full(self, pupil, category, options, mine, reason, left, shortest) -> _Reading:
        """The pupil's week (``reason`` "week") or its days ("days") have no room for another
        session of the category: the best swap of one of its sessions for one of these."""
        instance = self.instance
        programme = instance.programme_of(pupil)
        received: dict[str, int] = defaultdict(int)
        for s in mine:
            received[instance.activity[s.activity].category] += s.end - s.start
        attended = {s.activity for s in mine}
        missing = {a for a in pupil.required if a not in attended and a in instance.activity}
        now = _deficit(programme, received)
        candidates = []  # ((gain, surplus, -minutes dropped), session, activity, the rest)
        for s in mine:
            if s.activity in pupil.required:
                continue
            dropped = instance.activity[s.activity]
            length = s.end - s.start
            rest = [x for x in mine if x is not s]
            taken: dict[str, int] = defaultdict(int)
            for x in rest:
                taken[x.activity] += 1
            after = dict(received)
            after[dropped.category] -= length
            for activity in self._options(pupil, options, taken):
                if activity.minutes > left + length:
                    continue
                after[activity.category] = after.get(activity.category, 0) + activity.minutes
                gain = now - _deficit(programme, after)
                if activity.id in missing:
                    gain += activity.minutes  # a required activity it never attended
                after[activity.category] -= activity.minutes
                if gain <= 0:
                    continue
                surplus = received[dropped.category] - programme.category_minutes.get(
                    dropped.category, 0
                )
                candidates.append(((gain, surplus, -length), s, activity, rest))
        # the largest gain; among those the first that can be placed (a free place in a
        # session, or a room and coaches), giving up the most surplus and the fewest minutes
        candidates.sort(key=lambda c: (c[0], c[1].id, c[2].id), reverse=True)
        best = None  # (placeable, session, activity, slots, seats, gain)
        for rank, s, activity, rest in candidates:
            if rank[0] < candidates[0][0][0]:
                break
            slots, seats, _, _ = self._scan(pupil, [activity], rest)
            if slots or seats:
                best = (True, s, activity, frozenset(slots), tuple(seats), rank[0])
                break
        if best is None and candidates:
            rank, s, activity, _ = candidates[0]
            best = (False, s, activity, frozenset(), (), rank[0])
        surplus = {
            c: (r, programme.category_minutes.get(c, 0))
            for c, r in received.items()
            if c != category and r > programme.category_minutes.get(c, 0)
        }
        info = {
            "reason": reason,
            "left": left,
            "shortest": shortest,
            "day_max": programme.max_minutes_per_day,
            "total": programme.total_minutes,
            "surplus": surplus,
        }
        if best is None or not best[0]:
            # no swap can be placed: what blocks a session of the category when the pupil
            # gives up what it has beyond its minimums is the room or the coach
            _, _, days, seen_room = self._scan(pupil, options, self.kept(pupil, category))
            ordered = tuple(d for d in instance.days if d in days)
            if seen_room:
                return _Reading("coach", days=ordered)
            if days:
                return _Reading("room", days=ordered)
        if best is None and reason == "days":
            # no swap lowers the deficit: the time itself is short (window, unavailability)
            return self._time(pupil, category, options)
        if best is None:
            return _Reading("week_full", days=tuple(instance.days), info=info)
        _, dropped, activity, slots, seats, gain = best
        info["swap"] = (
            dropped.activity,
            dropped.end - dropped.start,
            activity.id,
            gain,
            dropped.id,
        )
        return _Reading("week_full", slots, seats, (dropped.day,), info)


def _seated(reader: _Reader, school: str, wanted: dict[str, set]) -> dict[str, tuple]:
    """Pupils given a place when new sessions open at their slots, greedily: the slot most
    of them share first, a group of at least the minimum and at most the room's places, at
    most one new session at a time per school (so no room or coach is counted twice)."""
    instance = reader.instance
    by_slot: dict[tuple, set[str]] = defaultdict(set)
    for pupil, keys in wanted.items():
        for key in keys:
            by_slot[key].add(pupil)
    seated: dict[str, tuple] = {}
    chosen: list[tuple] = []
    while by_slot:
        key = max(by_slot, key=lambda k: (len(by_slot[k]), k))
        group = by_slot.pop(key)
        activity = instance.activity[key[0]]
        if len(group) < activity.min_group:
            break
        end = key[2] + activity.minutes
        if any(
            c[1] == key[1] and c[2] < end and key[2] < c[2] + instance.activity[c[0]].minutes
            for c in chosen
        ):
            continue
        verdict = reader.verdict(school, activity, key[1], key[2])
        if isinstance(verdict, dict) and key[3] not in verdict:
            verdict = reader.verdict(school, activity, key[1], key[2], every=True)
        places = verdict[key[3]][1] if isinstance(verdict, dict) else 0
        taken = sorted(group)[:places]
        if len(taken) < activity.min_group:
            continue
        chosen.append(key)
        for pupil in taken:
            seated[pupil] = key
        for other in by_slot.values():
            other.difference_update(taken)
        by_slot = {k: v for k, v in by_slot.items() if v}
    return seated


def _places_taken(reader: _Reader, wanted: dict[str, tuple]) -> dict[str, str]:
    """Pupils given a free place in an existing session (session id), as many as it has free
    places, the session most of them could join first."""
    instance = reader.instance
    by_session: dict[str, set[str]] = defaultdict(set)
    for pupil, seats in wanted.items():
        for seat in seats:
            by_session[seat].add(pupil)
    placed: dict[str, str] = {}
    while by_session:
        seat = max(by_session, key=lambda k: (len(by_session[k]), k))
        group = by_session.pop(seat)
        session = reader.tt.session[seat]
        activity = instance.activity[session.activity]
        room = instance.room[session.room]
        free = min(room.capacity, activity.max_group) - len(session.pupils)
        for pupil in sorted(group)[: max(0, free)]:
            placed[pupil] = seat
        for other in by_session.values():
            other.difference_update(placed)
        by_session = {k: v for k, v in by_session.items() if v}
    return placed


def _best_slot(slots: dict[tuple, set[str]], keys) -> tuple | None:
    """The slot most of these pupils share (ties: the earliest in the week)."""
    best = None
    for key in keys:
        if best is None or (len(slots[key]), best) > (len(slots[best]), key):
            best = key
    return best


def attribute(
    instance: Instance,
    solution: Solution,
    report: CheckReport | None = None,
    capacity: CapacityReport | None = None,
    schools: set[str] | frozenset[str] | None = None,
) -> list[Finding]:
    """The unmet minutes of a solution per school, category and cause, largest first
    (only of the pupils of ``schools`` when given)."""
    if report is None:
        report = check(instance, solution)
    reader = _Reader(instance, solution)
    by_category = reader.ctx.by_category
    # (school, category or None) -> list of (pupil, minutes)
    parts: dict[tuple[str, str | None], list[tuple[Pupil, int]]] = defaultdict(list)
    for pupil_id, deficit in report.deficit_by_pupil.items():
        if deficit <= 0 or pupil_id not in instance.pupil:
            continue
        pupil = instance.pupil[pupil_id]
        school = instance.school_of(pupil)
        if schools is not None and school not in schools:
            continue
        programme = instance.programme_of(pupil)
        received: dict[str, int] = defaultdict(int)
        attended = set()
        for s in reader.tt.by_pupil.get(pupil_id, []):
            received[instance.activity[s.activity].category] += s.end - s.start
            attended.add(s.activity)
        shorts = {
            c: m - received[c] for c, m in programme.category_minutes.items() if m > received[c]
        }
        rest = programme.total_minutes - sum(received.values()) - sum(shorts.values())
        for category, minutes in shorts.items():
            parts[(school, category)].append((pupil, minutes))
        if rest > 0:
            parts[(school, None)].append((pupil, rest))
        for activity_id in dict.fromkeys(pupil.required):
            if activity_id not in attended and activity_id in instance.activity:
                activity = instance.activity[activity_id]
                parts[(school, activity.category)].append((pupil, activity.minutes))

    findings: list[Finding] = []
    names = {c.id: c.name for c in instance.categories}
    for (school, category), owed in parts.items():
        activities = by_category[category] if category else list(instance.activities)
        groups: dict[str, list[tuple[Pupil, int]]] = defaultdict(list)
        group_days: dict[str, set] = defaultdict(set)
        readings: dict[str, _Reading] = {}
        slots: dict[tuple, set[str]] = defaultdict(set)
        pending = []
        for pupil, minutes in owed:
            reading = reader.cause(pupil, category, activities)
            readings[pupil.id] = reading
            if reading.cause == "open":
                pending.append((pupil, minutes, reading))
                for slot in reading.slots:
                    slots[slot].add(pupil.id)
                continue
            groups[reading.cause].append((pupil, minutes))
            group_days[reading.cause].update(reading.days)
        for pupil, minutes, reading in pending:
            grouped = [
                s for s in reading.slots if len(slots[s]) >= instance.activity[s[0]].min_group
            ]
            cause = "solver" if reading.seats or grouped else "group_minimum"
            groups[cause].append((pupil, minutes))
            group_days[cause].update(reading.days)
        for cause, items in groups.items():
            finding = _finding(reader, school, category, names, cause, items, group_days[cause])
            mine = [readings[p.id] for p, _ in items]
            if cause == "solver":
                _solver_details(reader, finding, items, mine, slots)
            elif cause == "group_minimum":
                _group_details(reader, finding, items, mine, slots)
            elif cause == "week_full":
                _full_details(reader, finding, category, items, mine)
            findings.append(finding)
    if capacity is not None:
        proved = {(f.school, f.category, f.kind): f.suggestion for f in capacity.findings}
        for f in findings:
            if (f.school, f.category, f.kind) in proved:
                f.suggestion = proved[(f.school, f.category, f.kind)]
    findings.sort(key=lambda f: (-f.short, f.school or "", f.category or "", f.kind))
    return findings


def _slot_data(reader: _Reader, school: str, slot: tuple) -> dict:
    activity_id, day, start, site = slot
    activity = reader.instance.activity[activity_id]
    verdict = reader.verdict(school, activity, day, start)
    if isinstance(verdict, dict) and site not in verdict:
        verdict = reader.verdict(school, activity, day, start, every=True)
    room = verdict[site][0] if isinstance(verdict, dict) and site in verdict else ""
    return {
        "site": site,
        "site_name": "" if site == school else reader.instance.site[site].name,
        "places": verdict[site][1] if isinstance(verdict, dict) and site in verdict else 0,
        "activity": activity.name,
        "day": day,
        "start": start,
        "end": start + activity.minutes,
        "room": room,
        "min_group": activity.min_group,
    }


def _solver_details(reader, finding, items, mine, slots) -> None:
    """A free place in a session, or a start where a group of them, a room and the coaches
    are free: named, so the claim can be checked."""
    instance = reader.instance
    seats: dict[str, set] = defaultdict(set)
    for (pupil, _), reading in zip(items, mine, strict=True):
        for seat in reading.seats:
            seats[seat].add(pupil.id)
    ids = {p.id for p, _ in items}
    keys = [s for r in mine for s in r.slots if len(slots[s]) >= instance.activity[s[0]].min_group]
    best = _best_slot(slots, dict.fromkeys(keys))
    if best is not None:
        finding.details = {
            "open": "slot",
            "together": len(slots[best] & ids),
            **_slot_data(reader, finding.school, best),
        }
    if seats and best is None:
        session = reader.tt.session[max(seats, key=lambda k: (len(seats[k]), k))]
        activity = instance.activity[session.activity]
        room = instance.room[session.room]
        finding.details = {
            "open": "seat",
            "together": len(seats[session.id]),
            "places": min(room.capacity, activity.max_group) - len(session.pupils),
            "activity": activity.name,
            "day": session.day,
            "start": session.start,
            "end": session.end,
            "room": room.name,
            "site": room.site,
            "site_name": "" if room.site == finding.school else instance.site[room.site].name,
        }


def _group_details(reader, finding, items, mine, slots) -> None:
    """Each of them is free with a room and a coach, but never enough of them at once."""
    instance = reader.instance
    ids = {p.id for p, _ in items}
    keys = dict.fromkeys(s for r in mine for s in r.slots)
    best = _best_slot({k: slots[k] & ids for k in keys}, keys)
    activities = [instance.activity[a] for a in dict.fromkeys(s[0] for s in keys)]
    if best is None or not activities:
        return
    together = slots[best] & ids
    data = _slot_data(reader, finding.school, best)
    finding.resources = tuple(a.name for a in activities)
    finding.details = {
        "min_group": min(a.min_group for a in activities),
        "pool": len(together),
        "activities": [a.id for a in activities],
        **{k: v for k, v in data.items() if k != "min_group"},
        "slot_min_group": data["min_group"],
    }
    minutes: dict[str, int] = defaultdict(int)
    for p, m in items:
        minutes[p.id] += m
    size = min(len(together), data["places"])
    finding.suggestion = Suggestion(
        kind="group_at",
        params={**data, "size": size},
        recovers=sum(
            min(minutes[p], instance.activity[best[0]].minutes) for p in sorted(together)[:size]
        ),
    )


def _swap_plan(
    reader: _Reader, school: str, pupils: list[str], reading_of: dict[str, _Reading]
) -> tuple[dict[str, str], dict[str, tuple]]:
    """Who can make their swap: a free place in a session (pupil -> session id) or a new
    group (pupil -> slot); a session they leave keeps its minimum or is left by all (else
    fewer of them swap)."""
    instance = reader.instance
    out: set[str] = set()
    for _ in range(4):
        joined = _places_taken(reader, {p: reading_of[p].seats for p in pupils if p not in out})
        placed = _seated(
            reader,
            school,
            {p: reading_of[p].slots for p in pupils if p not in joined and p not in out},
        )
        leaving: dict[str, list[str]] = defaultdict(list)
        for p in sorted(set(joined) | set(placed)):
            leaving[reading_of[p].info["swap"][4]].append(p)
        stuck = False
        for session_id, gone in leaving.items():
            session = reader.tt.session[session_id]
            stay = len(session.pupils) - len(gone)
            minimum = instance.activity[session.activity].min_group
            if 0 < stay < minimum:
                stuck = True
                out.update(gone[max(0, len(session.pupils) - minimum) :])
        if not stuck:
            return joined, placed
    return {}, {}


def _full_details(reader, finding, category, items, mine) -> None:
    """Their week (or their days) holds no more of the category: figures and the best swap."""
    instance = reader.instance
    infos = [r.info for r in mine]
    finding.details = {
        "reason": "week" if any(i["reason"] == "week" for i in infos) else "days",
        "left": max(i["left"] for i in infos),
        "shortest": min(i["shortest"] for i in infos),
        "day_max": max(i["day_max"] for i in infos),
        "total": max(i["total"] for i in infos),
    }
    surplus: dict[str, list] = defaultdict(list)
    for info in infos:
        for c, figures in info["surplus"].items():
            surplus[c].append(figures)
    if surplus:
        top = max(surplus, key=lambda c: (len(surplus[c]), c))
        received, minimum = max(surplus[top])
        names = {c.id: c.name for c in instance.categories}
        finding.details["surplus"] = (names.get(top, top), received, minimum)
    owed: dict[str, int] = defaultdict(int)
    reading_of: dict[str, _Reading] = {}
    for (pupil, minutes), reading in zip(items, mine, strict=True):
        owed[pupil.id] += minutes
        reading_of[pupil.id] = reading
    by_swap: dict[tuple, list[str]] = defaultdict(list)
    for pupil_id, reading in reading_of.items():
        if "swap" in reading.info:
            by_swap[reading.info["swap"][:3]].append(pupil_id)
    if not by_swap:
        return
    swap = max(by_swap, key=lambda k: (len(by_swap[k]), k))
    dropped, length, added = swap
    pupils = by_swap[swap]
    gains = {p: min(owed[p], reading_of[p].info["swap"][3]) for p in pupils}
    joined, placed = _swap_plan(reader, finding.school, pupils, reading_of)
    seated = set(joined) | set(placed)
    counts: dict[tuple, int] = defaultdict(int)
    for p in pupils:
        for key in reading_of[p].slots:
            counts[key] += 1
    finding.suggestion = Suggestion(
        kind="swap",
        params={
            "drop": instance.activity[dropped].name,
            "drop_category": names_of(instance, instance.activity[dropped].category),
            "drop_minutes": length,
            "add": instance.activity[added].name,
            "add_minutes": instance.activity[added].minutes,
            "pupils": len(pupils),
            "placed": len(seated),
            "together": max(counts.values(), default=0),
            "min_group": instance.activity[added].min_group,
        },
        recovers=sum(gains[p] for p in seated),
    )


def names_of(instance: Instance, category: str) -> str:
    return next((c.name for c in instance.categories if c.id == category), category)


def _finding(reader, school, category, names, cause, items, days) -> Finding:
    instance = reader.instance
    ctx = reader.ctx
    activities = ctx.by_category[category] if category else list(instance.activities)
    grades = ctx.grades_at(school)
    mine = [a for a in activities if any(a.grades[0] <= g <= a.grades[1] for g in grades)]
    resources: tuple[str, ...] = ()
    details: dict = {}
    if cause == "room":
        kinds = {k for a in mine for k in a.room_kinds}
        rooms = [
            r for s in ctx.reach[school] for r in ctx.rooms_at.get(s, []) if set(r.kinds) & kinds
        ]
        resources = tuple(r.name for r in rooms)
        # full on the days it is open; on the others it is closed, not full
        days = {d for d in days if any(ctx.room_spans(school, r, d) for r in rooms)}
    elif cause in ("coach", "group_minimum"):
        resources = tuple(a.name for a in mine)
        if cause == "group_minimum":
            details = {"min_group": min((a.min_group for a in mine), default=1), "pool": len(items)}
    pupils = {p.id for p, _ in items}
    return Finding(
        phase="unmet",
        kind=cause,
        short=sum(m for _, m in items),
        school=school,
        school_name=instance.site[school].name,
        category=category,
        category_name=names.get(category, category or ""),
        days=tuple(d for d in instance.days if d in days),
        pupils=len(pupils),
        classes=len({instance.pupil[p].class_id for p in pupils}),
        resources=resources,
        details=details,
    )
