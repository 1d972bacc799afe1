"""Unmet minutes and the soft terms of spec/PROBLEM.md, one function each.

Each term returns its raw value (before weighting), exactly by the spec's
formula; ``check`` multiplies by the instance's weights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise

from solver.checker.plan import Plan

Term = Callable[[Plan], float]


def pupil_deficits(plan: Plan) -> dict[str, int]:
    """Minutes each pupil is short: of its programme's total or its category minimums, whichever is more, plus each required activity it never attends."""
    instance = plan.instance
    deficits: dict[str, int] = {}
    for pupil in instance.pupils:
        programme = plan.programme[pupil.id]
        items = plan.by_pupil.get(pupil.id, [])
        received: dict[str, int] = {}
        for p in items:
            category = p.activity.category
            received[category] = received.get(category, 0) + p.minutes
        category_short = sum(
            max(0, minimum - received.get(category, 0))
            for category, minimum in programme.category_minutes.items()
        )
        total_short = programme.total_minutes - sum(received.values())
        deficit = max(category_short, total_short)
        attended = {p.activity.id for p in items}
        deficit += sum(
            instance.activity[a].minutes for a in dict.fromkeys(pupil.required) if a not in attended
        )
        deficits[pupil.id] = deficit
    return deficits


def preference_cost(plan: Plan) -> float:
    """Each session costs its activity's rank on the pupil's list for that category (unlisted: length + 1)."""
    instance = plan.instance
    cost = 0
    for pupil_id, items in plan.by_pupil.items():
        preferences = instance.pupil[pupil_id].preferences
        if not preferences:
            continue
        for p in items:
            ranked = preferences.get(p.activity.category)
            if not ranked:  # no list (or an empty one) for this category: no cost
                continue
            activity = p.activity.id
            cost += ranked.index(activity) if activity in ranked else len(ranked) + 1
    return float(cost)


def mixed_classes_cost(plan: Plan) -> float:
    """Each session costs the number of classes among its pupils minus one."""
    class_of = {p.id: p.class_id for p in plan.instance.pupils}
    return float(sum(max(0, len({class_of[pupil] for pupil in p.pupils}) - 1) for p in plan.placed))


def day_load_cost(plan: Plan) -> float:
    """Each pupil-day costs its minutes above the programme's preferred day, in slots."""
    instance = plan.instance
    above = 0
    for (pupil_id, _day), minutes in plan.pupil_day_minutes.items():
        preferred = plan.programme[pupil_id].preferred_minutes_per_day
        above += max(0, minutes - preferred)
    return above / instance.slot_minutes


def siblings_cost(plan: Plan) -> float:
    """Each family of two or more, each day, costs the slots between its first and last pupil's day end."""
    instance = plan.instance
    families: defaultdict[str, list[str]] = defaultdict(list)
    for pupil in instance.pupils:
        if pupil.family is not None:
            families[pupil.family].append(pupil.id)
    spread = 0
    for members in families.values():
        if len(members) < 2:
            continue
        for day in instance.days:
            ends = []
            for pupil_id in members:
                items = plan.by_pupil_day.get((pupil_id, day))
                if items:
                    ends.append(max(p.end for p in items))
                    continue
                window = instance.site[plan.school[pupil_id]].window.get(day)
                if window is not None:  # no window and no session: left out
                    ends.append(window[0])
            if ends:
                spread += max(ends) - min(ends)
    return spread / instance.slot_minutes


def coach_site_changes_cost(plan: Plan) -> float:
    """Each coach-day costs the number of consecutive sessions at different sites."""
    return float(
        sum(
            sum(1 for a, b in pairwise(items) if a.site != b.site)
            for items in plan.by_coach_day.values()
        )
    )


def coach_idle_cost(plan: Plan) -> float:
    """Each coach-day costs its waiting time (span less sessions less travel), in slots."""
    idle = 0
    for items in plan.by_coach_day.values():
        span = max(p.end for p in items) - items[0].start
        working = sum(p.minutes for p in items)
        # An unreachable pair is an H8 violation; it adds no travel here.
        travel = sum(plan.travel(a.site, b.site) or 0 for a, b in pairwise(items))
        # Never below 0; only a broken solution (overlapping sessions) could go below.
        idle += max(0, span - working - travel)
    return idle / plan.instance.slot_minutes


def stability_cost(plan: Plan) -> float:
    """Each pupil and each coach of a previous session no longer at that activity, day and start costs 1."""
    if plan.previous is None:
        return 0.0
    now_pupils = {
        (pupil, s.activity, s.day, s.start) for s in plan.solution.sessions for pupil in s.pupils
    }
    now_coaches = {
        (coach, s.activity, s.day, s.start) for s in plan.solution.sessions for coach in s.coaches
    }
    before_pupils = {
        (pupil, s.activity, s.day, s.start) for s in plan.previous.sessions for pupil in s.pupils
    }
    before_coaches = {
        (coach, s.activity, s.day, s.start) for s in plan.previous.sessions for coach in s.coaches
    }
    return float(len(before_pupils - now_pupils) + len(before_coaches - now_coaches))


# In the spec's order, by the weight's name.
SOFT_TERMS: dict[str, Term] = {
    "preference": preference_cost,
    "mixed_classes": mixed_classes_cost,
    "day_load": day_load_cost,
    "siblings": siblings_cost,
    "coach_site_changes": coach_site_changes_cost,
    "coach_idle": coach_idle_cost,
    "stability": stability_cost,
}
