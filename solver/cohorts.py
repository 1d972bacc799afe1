"""Cohorts and their weekly block plans: the first step of the decomposition.

Pupils of one class who follow the same programme move together: they form a
*cohort*. A cohort's week is a list of *blocks*; in a block the whole cohort
is busy with one category at the same time, split over parallel sessions
(6A: football or dance from 15:00 to 16:00). Planning blocks instead of
pupils shrinks the problem by the class size, and choosing each pupil's
session inside a block is left to sectioning.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from solver.instance import Activity, Instance, Programme, Pupil

# A cohort smaller than this is merged with another of its school and programme.
SMALL_COHORT = 8


@dataclass
class Cohort:
    id: str
    school: str
    programme: Programme
    pupils: list[Pupil]

    @property
    def size(self) -> int:
        return len(self.pupils)

    @property
    def grades(self) -> tuple[int, int]:
        grades = [p.grade for p in self.pupils]
        return min(grades), max(grades)


@dataclass
class BlockPlan:
    """A block to place: the cohort is busy with ``category`` for ``minutes``."""

    cohort: Cohort
    category: str
    minutes: int
    day: str | None = None  # the day the plan prefers; placement may move it
    required: tuple[str, ...] = ()  # activities this block should offer
    index: int = 0


def cohorts_build(instance: Instance) -> list[Cohort]:
    """Pupils of one class and one programme move together; tiny groups join a neighbour."""
    groups: dict[tuple[str, str], list[Pupil]] = defaultdict(list)
    for pupil in instance.pupils:
        groups[(pupil.class_id, instance.programme_of(pupil).id)].append(pupil)
    programmes = {p.id: p for p in instance.programmes}
    cohorts = [
        Cohort(
            id=f"{class_id}/{programme_id}",
            school=instance.class_group[class_id].site,
            programme=programmes[programme_id],
            pupils=pupils,
        )
        for (class_id, programme_id), pupils in sorted(groups.items())
    ]
    return _merge_small(cohorts)


def _merge_small(cohorts: list[Cohort]) -> list[Cohort]:
    by_key: dict[tuple[str, str], list[Cohort]] = defaultdict(list)
    for cohort in cohorts:
        by_key[(cohort.school, cohort.programme.id)].append(cohort)
    result = []
    for group in by_key.values():
        group.sort(key=lambda c: c.size)
        while len(group) > 1 and group[0].size < SMALL_COHORT:
            small = group.pop(0)
            partner = group[0]
            group[0] = Cohort(
                id=f"{partner.id}+{small.id}",
                school=partner.school,
                programme=partner.programme,
                pupils=partner.pupils + small.pupils,
            )
            group.sort(key=lambda c: c.size)
        result.extend(group)
    return sorted(result, key=lambda c: c.id)


def eligible_activities(instance: Instance, cohort: Cohort, category: str) -> list[Activity]:
    """Activities of a category that at least part of the cohort may take."""
    lo, hi = cohort.grades
    return [
        a
        for a in instance.activities
        if a.category == category and a.grades[0] <= hi and lo <= a.grades[1]
    ]


def block_plans(
    instance: Instance,
    cohort: Cohort,
    offered: dict[str, list[Activity]],
    already: dict[str, int] | None = None,
    pressure: dict[str, float] | None = None,
) -> list[BlockPlan]:
    """Blocks whose minutes reach every category minimum and add up to the programme total.

    ``offered`` maps a category to the activities the cohort's school can give;
    ``already`` holds minutes the cohort received before (pinned sessions).
    """
    programme = cohort.programme
    already = already or {}
    lengths = {c: sorted({a.minutes for a in acts}) for c, acts in offered.items() if acts}
    wishes = _category_wishes(cohort)
    blocks = _compose(
        total=programme.total_minutes - sum(already.values()),
        minimums={
            c: max(0, m - already.get(c, 0))
            for c, m in programme.category_minutes.items()
            if c in lengths
        },
        lengths=lengths,
        wishes=wishes,
        pressure=pressure or {},
    )

    required = defaultdict(set)
    for pupil in cohort.pupils:
        for activity_id in pupil.required:
            required[instance.activity[activity_id].category].add(activity_id)
    plans = []
    for index, (category, minutes) in enumerate(blocks):
        plans.append(BlockPlan(cohort=cohort, category=category, minutes=minutes, index=index))
    # Every block of a category offers the required activities of that category
    # whose length fits; sectioning picks the block in which each pupil goes.
    for plan in plans:
        plan.required = tuple(
            sorted(
                a
                for a in required.get(plan.category, ())
                if instance.activity[a].minutes == plan.minutes
            )
        )
    return plans


def _compose(
    *,
    total: int,
    minimums: dict[str, int],
    lengths: dict[str, list[int]],
    wishes,
    pressure: dict[str, float],
) -> list[tuple[str, int]]:
    """Blocks (category, minutes) meeting each minimum and adding up to ``total``.

    A small knapsack: per category, the fewest blocks for each possible sum
    (preferring hour-long ones); across categories, the largest sum up to the
    total, then the fewest blocks, with extra minutes going to the categories
    that pupils asked for or that have a minimum.
    """
    if total <= 0:
        return []
    per_category: dict[str, dict[int, tuple[float, list[int]]]] = {}
    for category, options in lengths.items():
        # coins[s]: (cost, lengths) of the cheapest way to make s minutes
        coins: dict[int, tuple[float, list[int]]] = {0: (0.0, [])}
        for amount in range(1, total + 1):
            best = None
            for length in options:
                rest = coins.get(amount - length)
                if rest is None:
                    continue
                cost = rest[0] + 1 + abs(length - 60) / 30
                if best is None or cost < best[0]:
                    best = (cost, rest[1] + [length])
            if best is not None:
                coins[amount] = best
        minimum = minimums.get(category, 0)
        # Extra minutes cost more the more a category already has: they spread
        # over the categories, leaning towards what pupils asked for.
        extra_cost = 0.01 if category in minimums else 0.03
        extra_cost /= 1 + wishes.get(category, 0) / 10
        # ...and away from categories whose coaches are already stretched.
        extra_cost *= (1 + 10 * pressure.get(category, 0)) ** 3
        per_category[category] = {
            amount: (cost * 100 + ((amount - minimum) / 60) ** 2 * extra_cost, made)
            for amount, (cost, made) in coins.items()
            if amount >= minimum
        }
    # Across categories: best[t] = cheapest choice of amounts adding up to t.
    best: dict[int, tuple[float, list[tuple[str, int]]]] = {0: (0.0, [])}
    for category in sorted(per_category):
        step: dict[int, tuple[float, list[tuple[str, int]]]] = {}
        for done, (cost, chosen) in best.items():
            for amount, (extra, made) in per_category[category].items():
                reach = done + amount
                if reach > total:
                    continue
                candidate = (cost + extra, chosen + [(category, m) for m in made])
                if reach not in step or candidate[0] < step[reach][0]:
                    step[reach] = candidate
        best = step
    if not best:
        return []
    return best[max(best)][1]


def _category_wishes(cohort: Cohort) -> dict[str, int]:
    wishes: dict[str, int] = defaultdict(int)
    for pupil in cohort.pupils:
        for category in pupil.preferences:
            wishes[category] += 1
    return wishes


def spread_over_days(
    plans: list[BlockPlan], windows: dict[str, tuple[int, int]], programme: Programme
) -> None:
    """Give each block a day: longest first onto the day with most room left (LPT)."""
    capacity = {
        day: min(end - start, programme.max_minutes_per_day)
        for day, (start, end) in windows.items()
    }
    used = dict.fromkeys(windows, 0)
    target = programme.preferred_minutes_per_day
    count: dict[tuple[str, str], int] = defaultdict(int)
    for plan in sorted(plans, key=lambda p: (-p.minutes, p.index)):
        fits = [d for d in windows if used[d] + plan.minutes <= capacity[d]]
        if not fits:
            plan.day = None
            continue
        # Below the preferred load first, then fewest blocks of this category
        # that day (variety), then most room left.
        day = min(
            fits,
            key=lambda d: (
                used[d] + plan.minutes > target,
                count[(d, plan.category)],
                used[d] - capacity[d],
                list(windows).index(d),
            ),
        )
        plan.day = day
        used[day] += plan.minutes
        count[(day, plan.category)] += 1
