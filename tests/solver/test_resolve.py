"""Re-solving a published week after a change keeps what it can and touches little else.

Every result goes through the checker, judged against the previous schedule
(pins, stability). Instances come from the generator: ``school``, ``tiny``
and a district of three small schools.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import pytest

from solver.changes import coach_unavailable, room_closed, with_previous
from solver.checker import check
from solver.engine import PinConflict, solve
from solver.generator import generate
from solver.generator.build import DistrictBuilder
from solver.generator.catalogue import ROTTERDAM_ZUID
from solver.generator.scenarios import district_spec
from solver.instance import Instance
from solver.solution import Session, Solution


def resolved(instance: Instance, previous: Solution) -> Solution:
    result = solve(instance, previous=previous, time_limit=5)
    report = check(with_previous(instance, previous), result.solution)
    assert report.valid, report.format_text()
    assert result.solution.stats["stripped_sessions"] == 0
    return result.solution


def first_solution(instance: Instance, seconds: float) -> Solution:
    result = solve(
        instance,
        time_limit=seconds,
    )
    assert check(instance, result.solution).valid
    return result.solution


def key(session: Session) -> tuple:
    return (
        session.activity,
        session.day,
        session.start,
        session.room,
        session.coaches,
        session.pupils,
    )


def keys(solution: Solution) -> set[tuple]:
    return {key(s) for s in solution.sessions}


def busiest_day(solution: Solution, coaches: set[str] | None = None) -> tuple[str, str]:
    """(coach, day) with the most sessions, among ``coaches`` if given."""
    busy = Counter(
        (c, s.day) for s in solution.sessions for c in s.coaches if coaches is None or c in coaches
    )
    return max(busy, key=lambda cd: (busy[cd], cd))


@pytest.fixture(scope="module")
def school():
    instance = generate("school", 1).instance
    return instance, first_solution(instance, 4)


@pytest.fixture(scope="module")
def three_schools():
    rng = random.Random(3)
    spec = district_spec(rng, ROTTERDAM_ZUID, 3, "three schools", class_counts=(2,))
    instance = Instance.from_dict(DistrictBuilder(spec, rng).build().instance)
    return instance, first_solution(instance, 5)


def test_no_change_returns_the_same_schedule(school):
    instance, before = school
    after = resolved(instance, before)
    assert [s.to_dict() for s in after.sessions] == [s.to_dict() for s in before.sessions]


def test_pins_are_kept_exactly_while_the_rest_is_repaired(school):
    instance, before = school
    coach, day = busiest_day(before)
    pins = {s.id for s in before.sessions if s.day == day and coach not in s.coaches}
    pinned = Solution(
        instance=before.instance,
        sessions=[Session(**{**s.__dict__, "pinned": s.id in pins}) for s in before.sessions],
    )
    after = resolved(coach_unavailable(instance, coach, [day]), pinned)
    kept = {key(s) for s in after.sessions if s.pinned}
    assert kept == {key(s) for s in pinned.sessions if s.pinned}
    assert not any(coach in s.coaches and s.day == day for s in after.sessions)


def test_a_pin_the_change_breaks_is_refused_with_the_rule(school):
    instance, before = school
    coach, day = busiest_day(before)
    sessions = [
        Session(**{**s.__dict__, "pinned": coach in s.coaches and s.day == day})
        for s in before.sessions
    ]
    with pytest.raises(PinConflict, match="H8"):
        solve(
            coach_unavailable(instance, coach, [day]),
            previous=Solution(instance=before.instance, sessions=sessions),
            time_limit=5,
        )


def coach_of_one_school(instance: Instance, solution: Solution) -> tuple[str, str, str]:
    """(coach, day, school): the busiest coach-day of a coach who works at one school only."""
    sites: dict[str, set[str]] = {}
    for s in solution.sessions:
        for c in s.coaches:
            sites.setdefault(c, set()).add(instance.room[s.room].site)
    one_school = {c for c, where in sites.items() if len(where) == 1}
    coach, day = busiest_day(solution, one_school)
    (school,) = sites[coach]
    return coach, day, school


def test_an_ill_coach_changes_few_sessions_and_no_other_school(three_schools):
    instance, before = three_schools
    coach, day, school = coach_of_one_school(instance, before)
    hit = [s for s in before.sessions if coach in s.coaches and s.day == day]
    changed = coach_unavailable(instance, coach, [day])

    after = resolved(changed, before)

    gone = keys(before) - keys(after)
    new = keys(after) - keys(before)
    assert max(len(gone), len(new)) <= 3 * len(hit)
    # No pupil of another school sees a change, nor does any session held there.
    assert {instance.school_of(instance.pupil[p]) for k in gone | new for p in k[5]} == {school}
    venues = {s.id for s in instance.sites if s.kind == "venue"}
    assert {instance.room[k[3]].site for k in gone} <= {school} | venues
    # Most of what the coach's sessions gave comes back somewhere else.
    dropped = Solution(before.instance, [s for s in before.sessions if s not in hit])
    lost = check(instance, before).unmet_minutes - check(changed, dropped).unmet_minutes
    assert check(changed, after).unmet_minutes - check(instance, before).unmet_minutes <= -lost / 4


def test_a_free_substitute_takes_over_and_coverage_comes_back(three_schools):
    instance, before = three_schools
    coach, day, _ = coach_of_one_school(instance, before)
    hit = [s for s in before.sessions if coach in s.coaches and s.day == day]
    ill = instance.coach[coach]
    stand_in = dataclasses.replace(ill, id="STAND-IN", available={day: ill.available[day]})
    changed = coach_unavailable(instance, coach, [day])
    changed = dataclasses.replace(changed, coaches=(*changed.coaches, stand_in))

    after = resolved(changed, before)

    assert check(changed, after).coverage >= check(instance, before).coverage
    gone = keys(before) - keys(after)
    assert gone == {key(s) for s in hit}
    assert all(k[4] != (coach,) for k in keys(after) - keys(before))
    assert len(keys(after) - keys(before)) == len(hit)


def test_a_closed_gym_moves_only_its_own_sessions():
    # The tiny school's only gym: sport cannot move anywhere, everything else stays.
    instance = generate("tiny", 1).instance
    before = first_solution(instance, 3)
    gym = next(r for r in instance.rooms if "gym" in r.kinds)
    after = resolved(room_closed(instance, gym.id, instance.days), before)
    assert keys(after) >= {key(s) for s in before.sessions if s.room != gym.id}
    # New sessions serve only pupils who lost their sport (and may now get what they missed).
    hit = {p for s in before.sessions if s.room == gym.id for p in s.pupils}
    assert all(set(k[5]) <= hit for k in keys(after) - keys(before))


def test_changes_leave_the_published_instance_alone(school):
    instance, _ = school
    coach = instance.coaches[0]
    ill = coach_unavailable(instance, coach.id, instance.days)
    assert ill.coach[coach.id].available == {}
    assert instance.coach[coach.id].available == coach.available != {}
    with pytest.raises(ValueError, match="unknown coach"):
        coach_unavailable(instance, "nobody", ["mon"])
