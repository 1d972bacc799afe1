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
from collections import defaultdict
from dataclasses import dataclass, field

from solver.cohorts import BlockPlan, Cohort, block_plans, cohorts_build, spread_over_days
from solver.instance import Activity, Coach, Instance, Room
from solver.ledger import Booking, Ledger


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

    # -- what a school can offer -------------------------------------------

    def sites_for(self, school: str) -> list[str]:
        """The school first, then the sites its pupils may walk to, nearest first."""
        reach = self.instance.max_pupil_travel_minutes
        others = [
            (minutes, site.id)
            for site in self.instance.sites
            if site.id != school
            and (minutes := self.instance.travel_minutes(school, site.id)) is not None
            and minutes <= reach
        ]
        return [school] + [site for _, site in sorted(others)]

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
        self, activity: Activity, school: str, day: str, start: int, group: int
    ) -> Booking | None:
        """A room and coaches for one session at this time, or None."""
        end = start + activity.minutes
        window = self.instance.site[school].window[day]
        for site in self.sites_for(school):
            if site != school:
                reach = self.instance.travel_minutes(school, site)
                if start < window[0] + reach:
                    continue
            rooms = [
                r
                for r in self.rooms_by_site[site]
                if set(r.kinds) & set(activity.room_kinds)
                and r.capacity >= activity.min_group
                and self.ledger.room_can(r, day, start, end)
            ]
            if not rooms:
                continue
            # The smallest room that holds the group, else the largest there is.
            rooms.sort(key=lambda r: (r.capacity < group, abs(r.capacity - group)))
            coaches = [
                c
                for c in self.coaches_by_skill[activity.skill]
                if self.ledger.coach_can(c, day, start, end, site)
            ]
            if len(coaches) < activity.coaches:
                continue
            if not self.naive:
                coaches.sort(key=lambda c: self.ledger.coach_fit(c, day, start, end, site))
            return Booking(
                activity=activity,
                day=day,
                start=start,
                end=end,
                room=rooms[0],
                coaches=[c.id for c in coaches[: activity.coaches]],
            )
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

    def try_block(self, plan: BlockPlan, day: str, start: int, candidates, wishes):
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
                key=lambda a: -self.activity_score(cohort, a, day, wishes)
                if not self.naive
                else a.id,
            )
        ]
        attempts = 0
        for activity_id in itertools.cycle(order):
            if seats >= need or attempts > 2 * len(order) + 4:
                break
            attempts += 1
            activity = self.instance.activity[activity_id]
            eligible = sum(1 for p in present if activity.grades[0] <= p.grade <= activity.grades[1])
            if eligible < activity.min_group or min_total + activity.min_group > need:
                continue
            if activity_id in plan.required and any(s.activity.id == activity_id for s in sessions):
                continue
            group = min(activity.max_group, need - seats)
            booking = self.find_session(activity, cohort.school, day, start, group)
            if booking is None:
                continue
            if not self._cohort_free(cohort, day, start, end, booking.site):
                continue
            self.ledger.book(booking)
            sessions.append(booking)
            seats += min(activity.max_group, booking.room.capacity)
            min_total += activity.min_group
        if seats < need:
            for booking in sessions:
                self.ledger.unbook(booking)
            return None
        return sessions

    def _cohort_free(self, cohort: Cohort, day: str, start: int, end: int, site: str) -> bool:
        return self.ledger._apart(start, end, site, self.cohort_busy[(cohort.id, day)])

    def starts(self, plan: BlockPlan, day: str) -> list[int]:
        """Grid starts inside the window, those next to the cohort's other blocks first."""
        window = self.instance.site[plan.cohort.school].window.get(day)
        if window is None:
            return []
        slot = self.instance.slot_minutes
        all_starts = list(range(window[0], window[1] - plan.minutes + 1, slot))
        if self.naive:
            return all_starts
        busy = self.cohort_busy[(plan.cohort.id, day)]
        adjacent = [e for _, e, _ in busy] + [b - plan.minutes for b, _, _ in busy]
        first = [s for s in sorted(set(adjacent)) if s in all_starts]
        return first + [s for s in all_starts if s not in first]

    def place(self, plan: BlockPlan, days: list[str], candidates, wishes) -> PlacedBlock | None:
        cohort = plan.cohort
        for day in days:
            limit = cohort.programme.max_minutes_per_day
            if self.cohort_day_minutes[(cohort.id, day)] + plan.minutes > limit:
                continue
            for start in self.starts(plan, day):
                if not self._cohort_free(cohort, day, start, start + plan.minutes, cohort.school):
                    # another site may still fit; _cohort_free per session decides
                    if any(b < start + plan.minutes and start < e
                           for b, e, _ in self.cohort_busy[(cohort.id, day)]):
                        continue
                sessions = self.try_block(plan, day, start, candidates, wishes)
                if sessions is None:
                    continue
                return self.commit(plan, day, start, sessions)
        return None

    def commit(self, plan: BlockPlan, day: str, start: int, sessions: list[Booking]) -> PlacedBlock:
        cohort = plan.cohort
        end = start + plan.minutes
        for booking in sessions:
            booking.cohort = cohort.id
            booking.block = plan.index
            self.offered[(cohort.id, booking.activity.id)] += 1
            self.offered_day[(cohort.id, booking.activity.id, day)] += 1
        for site in {b.site for b in sessions}:
            self.cohort_busy[(cohort.id, day)].append((start, end, site))
        self.cohort_day_minutes[(cohort.id, day)] += plan.minutes
        return PlacedBlock(plan=plan, day=day, start=start, end=end, sessions=sessions)


def construct(instance: Instance, *, naive: bool = False, ledger: Ledger | None = None) -> Construction:
    """Cohorts, their block plans and a greedy placement of every block."""
    ledger = ledger or Ledger(instance)
    builder = Builder(instance, ledger, naive=naive)
    cohorts = cohorts_build(instance)
    plans: list[BlockPlan] = []
    candidates: dict[tuple[str, str, int], list[Activity]] = {}
    wishes_by_cohort: dict[str, dict[str, float]] = {}
    from solver.cohorts import eligible_activities

    for cohort in cohorts:
        offered = {
            c.id: [a for a in eligible_activities(instance, cohort, c.id) if builder.can_offer(a, cohort.school)]
            for c in instance.categories
        }
        cohort_plans = block_plans(instance, cohort, offered)
        windows = {
            d: w for d, w in instance.site[cohort.school].window.items() if d in instance.days
        }
        windows = {d: windows[d] for d in instance.days if d in windows}
        spread_over_days(cohort_plans, windows, cohort.programme)
        for plan in cohort_plans:
            candidates[(cohort.id, plan.category, plan.minutes)] = [
                a for a in offered[plan.category] if a.minutes == plan.minutes
            ]
        wishes_by_cohort[cohort.id] = _wishes(cohort)
        plans.extend(cohort_plans)

    scarcity = _scarcity(instance, plans, builder)
    if naive:
        order = sorted(plans, key=lambda p: (p.cohort.id, p.index))
    else:
        # Scarce categories first, then cohorts in turn so no school is served last.
        order = sorted(
            plans,
            key=lambda p: (-scarcity[p.category], p.index, p.cohort.school, p.cohort.id),
        )
    blocks: list[PlacedBlock] = []
    unplaced: list[BlockPlan] = []
    for plan in order:
        cohort = plan.cohort
        days = [d for d in instance.days if d in instance.site[cohort.school].window]
        if plan.day in days and not naive:
            days.remove(plan.day)
            days.insert(0, plan.day)
        placed = builder.place(
            plan, days, candidates[(cohort.id, plan.category, plan.minutes)], wishes_by_cohort[cohort.id]
        )
        if placed is None:
            unplaced.append(plan)
        else:
            blocks.append(placed)
    return Construction(cohorts=cohorts, blocks=blocks, unplaced=unplaced, ledger=ledger)


def _wishes(cohort: Cohort) -> dict[str, float]:
    wishes: dict[str, float] = defaultdict(float)
    for pupil in cohort.pupils:
        for ranked in pupil.preferences.values():
            for rank, activity_id in enumerate(ranked):
                wishes[activity_id] += (len(ranked) - rank) / len(ranked)
        for activity_id in pupil.required:
            wishes[activity_id] += 2
    return wishes


def _scarcity(instance: Instance, plans: list[BlockPlan], builder: Builder) -> dict[str, float]:
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
