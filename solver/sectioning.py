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
    deterministic: bool = False,
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
    dealt = section_greedy(instance, cohort, blocks)
    for (pupil_id, session_key), var in x.items():
        model.add_hint(var, pupil_id in dealt[session_key])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    # Within 0.1% of the best is plenty; proving the last unit costs seconds.
    solver.parameters.relative_gap_limit = 0.001
    if deterministic:
        solver.parameters.max_time_in_seconds = 60.0
        solver.parameters.max_deterministic_time = time_limit
    status = solver.solve(model)
    result: dict[int, list[str]] = {id(s): [] for s in sessions}
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return dealt
    for (pupil_id, session_key), var in x.items():
        if solver.value(var):
            result[session_key].append(pupil_id)
    # Cut short, CP-SAT may stop at a solution worse than the deal it was hinted.
    if _unmet(instance, cohort, sessions, result) > _unmet(instance, cohort, sessions, dealt):
        return dealt
    return result


def _unmet(instance: Instance, cohort: Cohort, sessions: list[Booking], seats) -> int:
    """The cohort's unmet minutes (the spec's deficit) under a seating."""
    received: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    attended: dict[str, set[str]] = defaultdict(set)
    for session in sessions:
        for pupil_id in seats[id(session)]:
            received[pupil_id][session.activity.category] += session.minutes
            attended[pupil_id].add(session.activity.id)
    programme = cohort.programme
    total = 0
    for pupil in cohort.pupils:
        got = received[pupil.id]
        short = sum(max(0, m - got[c]) for c, m in programme.category_minutes.items())
        total += max(short, programme.total_minutes - sum(got.values()))
        total += sum(
            instance.activity[a].minutes for a in pupil.required if a not in attended[pupil.id]
        )
    return total


def section_greedy(
    instance: Instance, cohort: Cohort, blocks: list[list[Booking]]
) -> dict[int, list[str]]:
    """Deal pupils block by block to the session with most room that they may join.

    Fast and always valid: the fallback when time is short, and the hint for
    the CP-SAT model. Required activities and first choices are served first.
    """
    result: dict[int, list[str]] = {id(s): [] for block in blocks for s in block}
    taken: dict[tuple[str, str], list[str]] = defaultdict(list)  # (pupil, activity) -> days
    for block in sorted(blocks, key=lambda b: (instance.days.index(b[0].day), b[0].start)):
        for pupil in cohort.pupils:
            options = []
            for session in block:
                activity = session.activity
                if not activity.grades[0] <= pupil.grade <= activity.grades[1]:
                    continue
                if any(
                    b < session.end and session.start < e
                    for b, e in pupil.unavailable.get(session.day, [])
                ):
                    continue
                days = taken[(pupil.id, activity.id)]
                if session.day in days:
                    continue
                if activity.max_per_week is not None and len(days) >= activity.max_per_week:
                    continue
                capacity = min(activity.max_group, session.room.capacity)
                free = capacity - len(result[id(session)])
                if free <= 0:
                    continue
                wanted = activity.id in pupil.required and not days
                options.append(
                    (
                        not wanted,
                        preference_cost(pupil, activity.id, activity.category),
                        -free,
                        session,
                    )
                )
            if options:
                session = min(options, key=lambda o: o[:3])[3]
                result[id(session)].append(pupil.id)
                taken[(pupil.id, session.activity.id)].append(session.day)
        # A session below its minimum does not run; its pupils lose this block.
        for session in block:
            members = result[id(session)]
            if members and len(members) < session.activity.min_group:
                for pupil_id in members:
                    taken[(pupil_id, session.activity.id)].remove(session.day)
                result[id(session)] = []
    return result
