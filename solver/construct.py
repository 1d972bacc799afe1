"""Greedy placement of the cohorts' blocks over the whole district.

Scarce blocks go first (sport needing the one gym before homework help in any
classroom); each block takes the first start on its day at which enough
parallel sessions find a room and coaches, preferring starts that keep the
cohort's day compact and coaches that are already at the site. Coaches and
shared venues are booked district-wide, so the result is coupled correctly
across schools; improvement happens afterwards.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from solver.cohorts import (
    BlockPlan,
    Cohort,
    block_plans,
    cohorts_build,
    eligible_activities,
    spread_over_days,
)
from solver.instance import Activity, Coach, Instance, Room
from solver.ledger import Booking, Ledger
from solver.timetable import BlockTask, SchoolTimetable


@dataclass
class PlacedBlock:
    plan: BlockPlan
    day: str
    start: int
    end: int
    sessions: list[Booking] = field(default_factory=list)


@dataclass
class Construction:
    cohorts: list[Cohort]
    blocks: list[PlacedBlock]
    unplaced: list[BlockPlan]
    ledger: Ledger
    # the activities each block may offer, by (cohort, category, minutes)
    candidates: dict[tuple[str, str, int], list[Activity]] = field(default_factory=dict)

    def short_schools(self) -> list[str]:
        """Schools with blocks that found no place, most unplaced pupil-minutes first."""
        missing: dict[str, int] = defaultdict(int)
        for plan in self.unplaced:
            missing[plan.cohort.school] += plan.minutes * plan.cohort.size
        return sorted(missing, key=lambda s: (-missing[s], s))


class Builder:
    """Holds the indexes the greedy needs: who can give what, where."""

    def __init__(self, instance: Instance, ledger: Ledger, *, naive: bool = False):
        self.instance = instance
        self.ledger = ledger
        self.naive = naive
        self.coaches_by_skill: dict[str, list[Coach]] = defaultdict(list)
        for coach in instance.coaches:
            for skill in coach.skills:
                self.coaches_by_skill[skill].append(coach)
        self.rooms_by_site: dict[str, list[Room]] = defaultdict(list)
        for room in instance.rooms:
            self.rooms_by_site[room.site].append(room)
        self.cohort_busy: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
        self.cohort_day_minutes: dict[tuple[str, str], int] = defaultdict(int)
        self.offered: dict[tuple[str, str], int] = defaultdict(int)  # (cohort, activity)
        self.offered_day: dict[tuple[str, str, str], int] = defaultdict(int)
        self.shortest_block: dict[str, int] = {}
        self._sites_for: dict[str, list[str]] = {}
        self._rooms_for: dict[tuple[str, str], list[Room]] = {}
        self._coaches_for: dict[tuple[str, str, str], list[Coach]] = {}
        self.at_site_day: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.school_busy: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self._versatility: dict[str, int] = {}

    # -- what a school can offer -------------------------------------------

    def sites_for(self, school: str) -> list[str]:
        """The school first, then the sites its pupils may walk to, nearest first."""
        if school not in self._sites_for:
            reach = self.instance.max_pupil_travel_minutes
            others = [
                (minutes, site.id)
                for site in self.instance.sites
                if site.id != school
                and (minutes := self.instance.travel_minutes(school, site.id)) is not None
                and minutes <= reach
            ]
            self._sites_for[school] = [school] + [site for _, site in sorted(others)]
        return self._sites_for[school]

    def rooms_for(self, site: str, activity: Activity) -> list[Room]:
        """Rooms at a site of a kind the activity can use, big enough for its minimum."""
        key = (site, activity.id)
        if key not in self._rooms_for:
            kinds = set(activity.room_kinds)
            self._rooms_for[key] = [
                r
                for r in self.rooms_by_site[site]
                if kinds & set(r.kinds) and r.capacity >= activity.min_group
            ]
        return self._rooms_for[key]

    def coaches_for(self, skill: str, site: str, day: str) -> list[Coach]:
        """Coaches with the skill, allowed at the site, with some time that day."""
        key = (skill, site, day)
        if key not in self._coaches_for:
            self._coaches_for[key] = sorted(
                (
                    c
                    for c in self.coaches_by_skill[skill]
                    if (c.sites is None or site in c.sites) and c.available.get(day)
                ),
                # tied to few sites and few skills first: they have fewest other uses
                key=lambda c: (len(c.sites) if c.sites is not None else 99, len(c.skills), c.id),
            )
        return self._coaches_for[key]

    def versatility(self, room: Room) -> int:
        """How many activities could use the room."""
        if room.id not in self._versatility:
            kinds = set(room.kinds)
            self._versatility[room.id] = sum(
                1 for a in self.instance.activities if kinds & set(a.room_kinds)
            )
        return self._versatility[room.id]

    def can_offer(self, activity: Activity, school: str) -> bool:
        """Some coach with the skill may work at a reachable site with a room of the kind."""
        for site in self.sites_for(school):
            if not any(set(r.kinds) & set(activity.room_kinds) for r in self.rooms_by_site[site]):
                continue
            for coach in self.coaches_by_skill[activity.skill]:
                if coach.sites is None or site in coach.sites:
                    return True
        return False

    # -- one session --------------------------------------------------------

    def find_session(
        self,
        activity: Activity,
        school: str,
        day: str,
        start: int,
        group: int,
        borrow: bool = True,
    ) -> Booking | None:
        """A room and coaches for one session at this time, or None.

        ``borrow=False`` keeps to the school's own rooms and the shared venues.
        """
        end = start + activity.minutes
        window = self.instance.site[school].window[day]
        for site in self.sites_for(school):
            if site != school:
                if not borrow and self.instance.site[site].kind == "school":
                    continue
                reach = self.instance.travel_minutes(school, site)
                if start < window[0] + reach:
                    continue
            rooms = [
                r
                for r in self.rooms_for(site, activity)
                if self.ledger.room_can(r, day, start, end)
            ]
            if not rooms:
                continue
            # A room that holds the group, the least versatile (keep the atelier
            # for techniek, classrooms for tutoring), the best fit in size.
            rooms.sort(
                key=lambda r: (r.capacity < group, self.versatility(r), abs(r.capacity - group))
            )
            coaches = self.pick_coaches(activity, site, day, start, end)
            if coaches is None:
                continue
            return Booking(
                activity=activity,
                day=day,
                start=start,
                end=end,
                room=rooms[0],
                coaches=[c.id for c in coaches],
            )
        return None

    def pick_coaches(self, activity: Activity, site: str, day: str, start: int, end: int):
        """Coaches for a session: those already at the site that day first (compact days,
        no extra trips), then fresh ones with the fewest skills (keep the versatile free)."""
        candidates = self.coaches_for(activity.skill, site, day)
        if self.naive:
            ordered = candidates
        else:
            here = self.at_site_day[(site, day)]
            present = [c for c in candidates if c.id in here]
            present.sort(key=lambda c: self.ledger.coach_fit(c, day, start, end, site))
            ordered = present + [c for c in candidates if c.id not in here]
        chosen = []
        week = self.ledger.coach_week
        for coach in ordered:
            if week[coach.id] + (end - start) > coach.max_minutes_per_week:
                continue
            if self.ledger.coach_can(coach, day, start, end, site):
                chosen.append(coach)
                if len(chosen) == activity.coaches:
                    return chosen
        return None

    # -- one block ------------------------------------------------------------

    def activity_score(self, cohort: Cohort, activity: Activity, day: str, wishes) -> float:
        """How much the cohort wants this activity now; repeats lose their appeal."""
        times = self.offered[(cohort.id, activity.id)]
        score = 1.0 + wishes.get(activity.id, 0)
        if activity.max_per_week is not None and times >= activity.max_per_week:
            score *= 0.05
        if self.offered_day[(cohort.id, activity.id, day)]:
            score *= 0.05
        return score / (1 + times)

    def try_block(
        self,
        plan: BlockPlan,
        day: str,
        start: int,
        candidates,
        wishes,
        share: float = 1.0,
        borrow: bool = True,
    ):
        """Parallel sessions at ``start`` that together seat the cohort, or None."""
        cohort = plan.cohort
        end = start + plan.minutes
        present = [
            p
            for p in cohort.pupils
            if not any(b < end and start < e for b, e in p.unavailable.get(day, []))
        ]
        need = len(present)
        if need == 0:
            return None
        sessions: list[Booking] = []
        seats = 0
        min_total = 0
        order = list(plan.required) + [
            a.id
            for a in sorted(
                candidates,
                key=lambda a: (
                    -self.activity_score(cohort, a, day, wishes) if not self.naive else a.id
                ),
            )
        ]
        attempts = 0
        failed: set[str] = set()  # no room or coach for it at this start
        for activity_id in itertools.cycle(order):
            if seats >= need or attempts > 2 * len(order) + 4 or len(failed) == len(set(order)):
                break
            attempts += 1
            if activity_id in failed:
                continue
            activity = self.instance.activity[activity_id]
            # A pupil takes an activity once a day and max_per_week times a week:
            # offering it again would leave the block short of seats for them.
            if self.offered_day[(cohort.id, activity_id, day)]:
                continue
            limit = activity.max_per_week
            if limit is not None and self.offered[(cohort.id, activity_id)] >= limit:
                continue
            eligible = sum(
                1 for p in present if activity.grades[0] <= p.grade <= activity.grades[1]
            )
            if eligible < activity.min_group or min_total + activity.min_group > need:
                continue
            if activity_id in plan.required and any(s.activity.id == activity_id for s in sessions):
                continue
            group = min(activity.max_group, need - seats)
            booking = self.find_session(activity, cohort.school, day, start, group, borrow)
            if booking is None or not self._cohort_free(cohort, day, start, end, booking.site):
                failed.add(activity_id)
                continue
            self.ledger.book(booking)
            sessions.append(booking)
            seats += min(activity.max_group, booking.room.capacity)
            min_total += activity.min_group
        if seats < need * share:
            for booking in sessions:
                self.ledger.unbook(booking)
            return None
        return sessions

    def _cohort_free(self, cohort: Cohort, day: str, start: int, end: int, site: str) -> bool:
        return self.ledger.apart(start, end, site, self.cohort_busy[(cohort.id, day)])

    def starts(self, plan: BlockPlan, day: str) -> list[int]:
        """Grid starts inside the window, those that waste least of the cohort's day first.

        Waste is free time in the cohort's window that becomes too short for
        any of its blocks: a start at 15:15 in a 14:30 window loses 45 minutes
        when every block lasts an hour.
        """
        window = self.instance.site[plan.cohort.school].window.get(day)
        if window is None:
            return []
        slot = self.instance.slot_minutes
        all_starts = list(range(window[0], window[1] - plan.minutes + 1, slot))
        if self.naive:
            return all_starts
        busy = sorted((b, e) for b, e, _ in self.cohort_busy[(plan.cohort.id, day)])
        shortest = self.shortest_block.get(plan.cohort.id, plan.minutes)

        def waste(start: int) -> int:
            taken = sorted(busy + [(start, start + plan.minutes)])
            lost, cursor = 0, window[0]
            for b, e in taken + [(window[1], window[1])]:
                gap = b - cursor
                if 0 < gap < shortest:
                    lost += gap
                cursor = max(cursor, e)
            return lost

        # Level the school's load: with every class starting at the bell the
        # rooms and coaches run out at 15:00 and idle at 16:30.
        school_busy = self.school_busy[(plan.cohort.school, day)]

        def load(start: int) -> int:
            end = start + plan.minutes
            return sum(1 for b, e in school_busy if b < end and start < e)

        # Pupils with an appointment miss a block at that time: avoid it first.
        busy_pupils = [p.unavailable[day] for p in plan.cohort.pupils if day in p.unavailable]

        def absent(start: int) -> int:
            end = start + plan.minutes
            return sum(1 for spans in busy_pupils if any(b < end and start < e for b, e in spans))

        return sorted(all_starts, key=lambda s: (absent(s), waste(s), load(s), s))

    def place(
        self, plan: BlockPlan, days: list[str], candidates, wishes, share: float = 1.0
    ) -> PlacedBlock | None:
        cohort = plan.cohort
        # Another school's gym only when none of our own or a venue's is free
        # on any day: borrowing first leaves that school short later.
        for borrow in (True,) if self.naive else (False, True):
            for day in days:
                limit = cohort.programme.max_minutes_per_day
                if self.cohort_day_minutes[(cohort.id, day)] + plan.minutes > limit:
                    continue
                busy = self.cohort_busy[(cohort.id, day)]
                for start in self.starts(plan, day):
                    # Overlap rules a start out; travel is checked per session's site.
                    if any(b < start + plan.minutes and start < e for b, e, _ in busy):
                        continue
                    sessions = self.try_block(
                        plan, day, start, candidates, wishes, share, borrow=borrow
                    )
                    if sessions is None:
                        continue
                    return self.commit(plan, day, start, sessions)
        return None

    def commit(self, plan: BlockPlan, day: str, start: int, sessions: list[Booking]) -> PlacedBlock:
        end = start + plan.minutes
        cohort = plan.cohort
        for booking in sessions:
            self.at_site_day[(booking.site, day)].update(booking.coaches)
            self.school_busy[(cohort.school, day)].append((booking.start, booking.end))
            booking.cohort = cohort.id
            booking.block = plan.index
            self.offered[(cohort.id, booking.activity.id)] += 1
            self.offered_day[(cohort.id, booking.activity.id, day)] += 1
        for site in {b.site for b in sessions}:
            self.cohort_busy[(cohort.id, day)].append((start, end, site))
        self.cohort_day_minutes[(cohort.id, day)] += plan.minutes
        return PlacedBlock(plan=plan, day=day, start=start, end=end, sessions=sessions)


def construct(
    instance: Instance,
    *,
    naive: bool = False,
    ledger: Ledger | None = None,
    deadline: float | None = None,
    schools: set[str] | None = None,
    rng: random.Random | None = None,
) -> Construction:
    """Cohorts, their block plans and a greedy placement of every block.

    ``schools`` limits the work to their cohorts (the ledger holds the rest of
    the district); ``rng`` shuffles the order among equally urgent blocks, so
    that a school rebuilt again comes out differently.
    """
    ledger = ledger or Ledger(instance)
    builder = Builder(instance, ledger, naive=naive)
    cohorts = cohorts_build(instance)
    if schools is not None:
        cohorts = [c for c in cohorts if c.school in schools]
    plans: list[BlockPlan] = []
    candidates: dict[tuple[str, str, int], list[Activity]] = {}
    wishes_by_cohort: dict[str, dict[str, float]] = {}
    pressure = _pressure(instance, cohorts)
    for cohort in cohorts:
        offered = {
            c.id: [
                a
                for a in eligible_activities(instance, cohort, c.id)
                if builder.can_offer(a, cohort.school)
            ]
            for c in instance.categories
        }
        cohort_plans = block_plans(instance, cohort, offered, pressure=pressure[cohort.school])
        windows = {
            d: w for d, w in instance.site[cohort.school].window.items() if d in instance.days
        }
        windows = {d: windows[d] for d in instance.days if d in windows}
        spread_over_days(cohort_plans, windows, cohort.programme)
        for category, activities in offered.items():
            for activity in activities:
                candidates.setdefault((cohort.id, category, activity.minutes), []).append(activity)
        wishes_by_cohort[cohort.id] = _wishes(cohort)
        plans.extend(cohort_plans)

    for cohort in cohorts:
        mine = [p.minutes for p in plans if p.cohort is cohort]
        if mine:
            builder.shortest_block[cohort.id] = min(mine)
    scarcity = _scarcity(instance, plans)
    if naive:
        order = sorted(plans, key=lambda p: (p.cohort.id, p.index))
    else:
        # Every cohort's minimums before anyone's extra minutes (a school with
        # few tutors must not lose them to another school's second tutoring
        # hour), scarce categories first, then cohorts in turn so no school
        # is served last.
        extra = _beyond_minimum(plans)
        order = sorted(
            plans,
            key=lambda p: (
                id(p) in extra,
                -scarcity[p.category],
                p.index,
                rng.random() if rng else 0,
                p.cohort.school,
                p.cohort.id,
            ),
        )
    blocks: list[PlacedBlock] = []
    unplaced: list[BlockPlan] = []
    planned: dict[tuple[str, str], int] = defaultdict(int)
    for plan in plans:
        planned[(plan.cohort.id, plan.category)] += plan.minutes
    for plan in order:
        cohort = plan.cohort
        days = [d for d in instance.days if d in instance.site[cohort.school].window]
        if plan.day in days and not naive:
            days.remove(plan.day)
            days.insert(0, plan.day)
        placed = None
        # A block that finds no place may become one of another category, as
        # long as its own category keeps the programme's minimum.
        for option in [plan] + ([] if naive else _alternatives(plan, planned, candidates)):
            if deadline is not None and time.monotonic() > deadline:
                break
            placed = builder.place(
                option,
                days,
                candidates[(cohort.id, option.category, option.minutes)],
                wishes_by_cohort[cohort.id],
            )
            if placed is not None:
                planned[(cohort.id, plan.category)] -= plan.minutes
                planned[(cohort.id, option.category)] += option.minutes
                break
        if placed is None:
            unplaced.append(plan)
        else:
            blocks.append(placed)
    if not naive:
        # Second pass: a block that seats most of its cohort beats no block; the
        # pupils left over are seated elsewhere by repair.
        waiting, unplaced = unplaced, []
        for plan in waiting:
            placed = None
            if deadline is None or time.monotonic() < deadline:
                cohort = plan.cohort
                days = [d for d in instance.days if d in instance.site[cohort.school].window]
                placed = builder.place(
                    plan,
                    days,
                    candidates[(cohort.id, plan.category, plan.minutes)],
                    wishes_by_cohort[cohort.id],
                    share=0.4,
                )
            if placed is None:
                unplaced.append(plan)
            else:
                blocks.append(placed)
    return Construction(
        cohorts=cohorts, blocks=blocks, unplaced=unplaced, ledger=ledger, candidates=candidates
    )


def retime_school(
    instance: Instance,
    construction: Construction,
    school: str,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
) -> bool:
    """Re-place every block of one school with CP-SAT; True when coverage rose."""
    ledger = construction.ledger
    # Blocks at a venue stay put: their walking time is modelled only coarsely.
    mine = [
        b
        for b in construction.blocks
        if b.plan.cohort.school == school and all(s.site == school for s in b.sessions)
    ]
    waiting = [p for p in construction.unplaced if p.cohort.school == school]
    if not waiting:
        return False
    tasks = []
    for block in mine:
        tasks.append(_task(construction, block.plan, block.sessions))
    for plan in waiting:
        tasks.append(_task(construction, plan, []))
    tasks = [t for t in tasks if t.candidates]
    own = [s for b in mine for s in b.sessions]
    own_ids = {id(s) for s in own}
    frozen = [s for b in construction.blocks for s in b.sessions if id(s) not in own_ids]
    week = dict(ledger.coach_week)
    for session in own:
        for coach in session.coaches:
            week[coach] -= session.minutes
    if _model_size(instance, school, tasks) > MAX_SCHOOL_MODEL:
        return False
    model = SchoolTimetable(instance, school, tasks, frozen, week)
    model.build()
    model.hint()
    if not model.complete_hint():
        return False
    solver = model.solve(time_limit, workers, seed, deterministic)
    if solver is None:
        return False
    placed = model.bookings(solver)
    if len(placed) <= len(mine):
        return False
    for session in own:
        ledger.unbook(session)
    mine_ids = {id(b) for b in mine}
    construction.blocks = [b for b in construction.blocks if id(b) not in mine_ids]
    construction.unplaced = [p for p in construction.unplaced if p.cohort.school != school]
    for index, task in enumerate(tasks):
        sessions = placed.get(index)
        if not sessions:
            construction.unplaced.append(task.plan)
            continue
        for session in sessions:
            ledger.book(session)
        first = sessions[0]
        construction.blocks.append(
            PlacedBlock(
                plan=task.plan,
                day=first.day,
                start=first.start,
                end=first.start + task.plan.minutes,
                sessions=sessions,
            )
        )
    return True


# Coach literals above which building and presolving a school's model costs
# more than the time limits it is given (measured: ~60 s at 400 coaches).
MAX_SCHOOL_MODEL = 20_000


def _model_size(instance: Instance, school: str, tasks) -> int:
    """Roughly how many (session, coach, day) literals the school model would need."""
    days = len(instance.site[school].window)
    size = 0
    for task in tasks:
        skills = {a.skill for a in task.candidates}
        coaches = sum(
            1
            for c in instance.coaches
            if set(c.skills) & skills and (c.sites is None or school in c.sites)
        )
        size += task.sessions * coaches * days
    return size


def _task(construction: Construction, plan: BlockPlan, current: list[Booking]):
    cohort = plan.cohort
    candidates = construction.candidates.get((cohort.id, plan.category, plan.minutes), [])
    biggest = max((a.max_group for a in candidates), default=1)
    smallest = min((a.min_group for a in candidates), default=1)
    needed = -(-cohort.size // biggest)
    sessions = max(len(current), min(needed + 1, max(1, cohort.size // smallest)))
    return BlockTask(plan=plan, candidates=candidates, sessions=sessions, current=current)


def _beyond_minimum(plans: list[BlockPlan]) -> set[int]:
    """``id()`` of the blocks a cohort's category minimum does not need."""
    extra: set[int] = set()
    placed: dict[tuple[str, str], int] = defaultdict(int)
    for plan in sorted(plans, key=lambda p: -p.minutes):
        key = (plan.cohort.id, plan.category)
        if placed[key] >= plan.cohort.programme.category_minutes.get(plan.category, 0):
            extra.add(id(plan))
        placed[key] += plan.minutes
    return extra


def _alternatives(plan: BlockPlan, planned, candidates) -> list[BlockPlan]:
    """The same block in other categories, when this one has minutes to spare."""
    cohort = plan.cohort
    minimum = cohort.programme.category_minutes.get(plan.category, 0)
    if planned[(cohort.id, plan.category)] - plan.minutes < minimum:
        return []
    others = sorted(
        category
        for category in planned_categories(cohort, planned)
        if category != plan.category and candidates.get((cohort.id, category, plan.minutes))
    )
    others.sort(key=lambda c: planned[(cohort.id, c)])
    return [
        BlockPlan(cohort=cohort, category=c, minutes=plan.minutes, day=plan.day, index=plan.index)
        for c in others
    ]


def _pressure(instance: Instance, cohorts: list[Cohort]) -> dict[str, dict[str, float]]:
    """Per school and category: minimum session minutes over the coach minutes for them.

    A coach tied to sites counts at each of them in equal shares; a free coach
    counts at every school in equal shares. Extra minutes beyond the
    programme's minimums then go where coaches have room.
    """
    schools = [s.id for s in instance.sites if s.kind == "school"]
    skills: dict[str, set[str]] = defaultdict(set)
    sizes: dict[str, int] = {}
    for activity in instance.activities:
        skills[activity.category].add(activity.skill)
        sizes[activity.category] = max(sizes.get(activity.category, 1), activity.max_group)
    supply: dict[tuple[str, str], float] = defaultdict(float)
    for coach in instance.coaches:
        places = [s for s in (coach.sites or schools) if s in schools] or schools
        categories = [c for c, needed in skills.items() if needed & set(coach.skills)]
        for school in places:
            for category in categories:
                supply[(school, category)] += (
                    coach.max_minutes_per_week / len(places) / len(categories)
                )
    demand: dict[tuple[str, str], float] = defaultdict(float)
    for cohort in cohorts:
        for category, minimum in cohort.programme.category_minutes.items():
            groups = -(-cohort.size // sizes.get(category, 1))
            demand[(cohort.school, category)] += minimum * groups
    return {
        school: {
            c: demand[(school, c)] / supply[(school, c)] if supply[(school, c)] else 10.0
            for c in skills
        }
        for school in schools
    }


def planned_categories(cohort: Cohort, planned) -> set[str]:
    return {category for (cohort_id, category) in planned if cohort_id == cohort.id}


def _wishes(cohort: Cohort) -> dict[str, float]:
    wishes: dict[str, float] = defaultdict(float)
    for pupil in cohort.pupils:
        for ranked in pupil.preferences.values():
            for rank, activity_id in enumerate(ranked):
                wishes[activity_id] += (len(ranked) - rank) / len(ranked)
        for activity_id in pupil.required:
            wishes[activity_id] += 2
    return wishes


def _scarcity(instance: Instance, plans: list[BlockPlan]) -> dict[str, float]:
    """Demanded session minutes per category over the coach minutes that could give them."""
    demand: dict[str, float] = defaultdict(float)
    for plan in plans:
        demand[plan.category] += plan.minutes * max(1, plan.cohort.size / 15)
    supply: dict[str, float] = defaultdict(float)
    skills_of_category: dict[str, set[str]] = defaultdict(set)
    for activity in instance.activities:
        skills_of_category[activity.category].add(activity.skill)
    for category, skills in skills_of_category.items():
        for coach in instance.coaches:
            if set(coach.skills) & skills:
                supply[category] += coach.max_minutes_per_week / len(coach.skills)
    return {c: demand[c] / supply[c] if supply[c] else float("inf") for c in demand}
