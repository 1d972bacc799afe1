"""Sectioning: which pupil of a cohort goes to which parallel session.

Once blocks have a time, a room and coaches, each cohort's pupils are divided
over the parallel sessions of each block: a small CP-SAT model per cohort that
first serves every pupil the full programme (category minimums, total,
required activities) and then their preferences, within group sizes, room
capacity, repetition limits and the pupils' own unavailability.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from solver.cohorts import Cohort
from solver.instance import Instance, Pupil
from solver.ledger import Booking

# Minutes of coverage weigh more than any preference can.
COVERAGE_WEIGHT = 1000


def preference_cost(pupil: Pupil, activity_id: str, category: str) -> int:
    """The spec's rank: 0 for a first choice, list length + 1 for an unlisted activity."""
    ranked = pupil.preferences.get(category)
    if not ranked:
        return 0
    return ranked.index(activity_id) if activity_id in ranked else len(ranked) + 1


def section_cohort(
    instance: Instance,
    cohort: Cohort,
    blocks: list[list[Booking]],
    *,
    time_limit: float = 1.0,
    seed: int = 0,
) -> dict[int, list[str]]:
    """Pupil ids per session (by ``id()`` of the booking); sessions left out stay empty."""
    model = cp_model.CpModel()
    sessions = [s for block in blocks for s in block]
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    for block in blocks:
        for session in block:
            activity = session.activity
            for pupil in cohort.pupils:
                if not activity.grades[0] <= pupil.grade <= activity.grades[1]:
                    continue
                if any(
                    b < session.end and session.start < e
                    for b, e in pupil.unavailable.get(session.day, [])
                ):
                    continue
                x[(pupil.id, id(session))] = model.new_bool_var("")

    def chosen(pupil: Pupil, among) -> list[tuple[Booking, cp_model.IntVar]]:
        return [(s, x[(pupil.id, id(s))]) for s in among if (pupil.id, id(s)) in x]

    # A pupil is in one session of a block at a time.
    for block in blocks:
        for pupil in cohort.pupils:
            options = [v for _, v in chosen(pupil, block)]
            if len(options) > 1:
                model.add_at_most_one(options)

    # An activity at most once a day and at most max_per_week times a week.
    by_activity: dict[str, list[Booking]] = defaultdict(list)
    for session in sessions:
        by_activity[session.activity.id].append(session)
    for activity_id, group in by_activity.items():
        activity = instance.activity[activity_id]
        days = {s.day for s in group}
        for pupil in cohort.pupils:
            picks = chosen(pupil, group)
            if not picks:
                continue
            for day in days:
                same_day = [v for s, v in picks if s.day == day]
                if len(same_day) > 1:
                    model.add_at_most_one(same_day)
            if activity.max_per_week is not None and len(picks) > activity.max_per_week:
                model.add(sum(v for _, v in picks) <= activity.max_per_week)

    # Group sizes: a session runs with min_group..capacity pupils, or not at all.
    open_ = {}
    for session in sessions:
        members = [x[(p.id, id(session))] for p in cohort.pupils if (p.id, id(session)) in x]
        is_open = model.new_bool_var("")
        open_[id(session)] = is_open
        capacity = min(session.activity.max_group, session.room.capacity)
        model.add(sum(members) <= capacity * is_open)
        model.add(sum(members) >= session.activity.min_group * is_open)

    # Coverage: the spec's deficit per pupil, plus missed required activities.
    programme = cohort.programme
    costs = []
    for pupil in cohort.pupils:
        picks = chosen(pupil, sessions)
        received = {}
        for category in {s.activity.category for s, _ in picks} | set(programme.category_minutes):
            received[category] = sum(
                s.minutes * v for s, v in picks if s.activity.category == category
            )
        total = sum(received.values())
        model.add(total <= programme.total_minutes)
        for day in {s.day for s, _ in picks}:
            model.add(
                sum(s.minutes * v for s, v in picks if s.day == day)
                <= programme.max_minutes_per_day
            )
        shorts = []
        for category, minimum in programme.category_minutes.items():
            short = model.new_int_var(0, minimum, "")
            model.add(short >= minimum - received[category])
            shorts.append(short)
        deficit = model.new_int_var(0, programme.total_minutes, "")
        model.add(deficit >= sum(shorts))
        model.add(deficit >= programme.total_minutes - total)
        costs.append(COVERAGE_WEIGHT * deficit)
        for activity_id in pupil.required:
            attended = [v for s, v in picks if s.activity.id == activity_id]
            missed = model.new_bool_var("")
            model.add(sum(attended) + missed >= 1)
            costs.append(COVERAGE_WEIGHT * instance.activity[activity_id].minutes * missed)
        if instance.weights.preference:
            for session, var in picks:
                cost = preference_cost(pupil, session.activity.id, session.activity.category)
                if cost:
                    costs.append(instance.weights.preference * cost * var)

    model.minimize(sum(costs))
    _hint_even_split(model, cohort, blocks, x)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    # Within 0.1% of the best is plenty; proving the last unit costs seconds.
    solver.parameters.relative_gap_limit = 0.001
    status = solver.solve(model)
    result: dict[int, list[str]] = {id(s): [] for s in sessions}
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return result
    for (pupil_id, session_key), var in x.items():
        if solver.value(var):
            result[session_key].append(pupil_id)
    return result


def _hint_even_split(model, cohort: Cohort, blocks, x) -> None:
    """Deal pupils round-robin over each block's sessions: a complete starting point."""
    for block in blocks:
        for index, pupil in enumerate(cohort.pupils):
            options = [s for s in block if (pupil.id, id(s)) in x]
            pick = options[index % len(options)] if options else None
            for session in block:
                key = (pupil.id, id(session))
                if key in x:
                    model.add_hint(x[key], session is pick)
