"""Lower bounds on the soft terms (solver/bounds.py) are true: never above what the
checker computes on a valid solution, hand-computed on tiny instances, and at
most the spec's example penalty of 2."""

from __future__ import annotations

from functools import cache

import pytest

from solver.bounds import TERMS, lower_bounds
from solver.checker import check
from solver.cli import main
from solver.engine import solve
from solver.generator import generate
from solver.instance import Instance
from solver.solution import Solution
from tests.solver.conftest import build_pupil, build_session, build_solution, build_tiny_instance


def assert_below(instance: Instance, solution: Solution) -> None:
    """Each 'any' bound is <= the term; each 'full' bound too when coverage is 100%."""
    report = check(instance, solution)
    assert report.valid, report.format_text()
    bounds = lower_bounds(instance)
    for name in TERMS:
        bound, raw = bounds.terms[name], report.soft_raw[name]
        assert bound.any <= raw + 1e-9, (name, bound, raw)
        if report.coverage == 1.0:
            assert bound.full <= raw + 1e-9, (name, bound, raw)
    if report.coverage == 1.0:
        assert bounds.total_full <= report.penalty + 1e-9
    assert bounds.total_any <= report.penalty + 1e-9
    # Per-pupil terms: the bounds of the pupils this solution covers fully add up.
    covered = {p for p, deficit in report.deficit_by_pupil.items() if deficit == 0}
    for name, bound in bounds.given_covered(covered).items():
        assert bound <= report.soft_raw[name] + 1e-9, (name, bound, report.soft_raw[name])


@cache
def generated(scenario: str):
    return generate(scenario, 1)


def engine_solution(instance: Instance, seconds: float) -> Solution:
    return solve(instance, time_limit=seconds, workers=2, seed=0).solution


# -- real solutions ----------------------------------------------------------------------


@pytest.mark.parametrize(("scenario", "seconds"), [("tiny", 2), ("school", 3), ("tight", 6)])
def test_bounds_below_the_engine(scenario, seconds):
    instance = generated(scenario).instance
    assert_below(instance, engine_solution(instance, seconds))


@pytest.mark.parametrize("scenario", ["tiny", "school", "tight", "short"])
def test_bounds_below_the_generators_witness(scenario):
    # The witness covers fully by construction (short: up to the generator's bound, so
    # only the bounds of the pupils it covers apply).
    g = generated(scenario)
    assert check(g.instance, g.witness).coverage == pytest.approx(g.coverage_bound, abs=1e-6)
    assert_below(g.instance, g.witness)


def test_school_bounds_are_not_empty():
    # On the school scenario some pupils' required tutoring is not their first choice
    # and some pupils cannot spread their week under the preferred day load.
    bounds = lower_bounds(generated("school").instance)
    assert bounds.full_coverage_possible
    assert bounds.terms["preference"].full > 0
    assert bounds.terms["day_load"].full > 0


def test_example_pair_penalty_two(example_instance_dict, example_solution_dict):
    instance = Instance.from_dict(example_instance_dict)
    solution = Solution.from_dict(example_solution_dict)
    assert check(instance, solution).penalty == 2
    assert_below(instance, solution)
    assert lower_bounds(instance).total_full <= 2


# -- hand-computed -----------------------------------------------------------------------


def test_day_load_by_hand():
    # Preferred 60 a day, T = 180 over mon and tue, at most 120 a day, all activities 60:
    # day totals lie in {0, 60, 120}, so the week is 120 + 60: excess 60 minutes = 4 slots
    # per pupil, 2 pupils -> 8 (a solution with no minutes costs 0: 'any' is 0).
    data = build_tiny_instance()
    data["programmes"][0]["preferred_minutes_per_day"] = 60
    instance = Instance.from_dict(data)
    bound = lower_bounds(instance).terms["day_load"]
    assert (bound.full, bound.any) == (8, 0)
    assert_below(instance, engine_solution(instance, 1.5))


def test_day_load_sees_the_category_minimums():
    # Homework and reading last 45 minutes; sport needs 120 a week and football (60) is the
    # only sport, once a day: football on both days, 60 more minutes on top. With 45s and
    # 60s that is 60 + 120 (90 + 90 would need no football): 30 above the preferred 90 =
    # 2 slots a pupil, 2 pupils -> 4. Day totals alone (no categories) would allow 0.
    data = build_tiny_instance()
    data["programmes"][0].update(category_minutes={"sport": 120}, preferred_minutes_per_day=90)
    for activity in data["activities"]:
        if activity["id"] in ("homework", "reading"):
            activity["minutes"] = 45
    instance = Instance.from_dict(data)
    assert lower_bounds(instance).terms["day_load"].full == 4
    assert_below(instance, engine_solution(instance, 1.5))


def test_day_load_with_an_afternoon_off():
    # P1 cannot come on Tuesday: all 180 minutes on Monday, above the 120 a day allowed.
    # No fully covering solution: the 'full' bounds fall back to 'any' and say why.
    pupils = [build_pupil("P1", unavailable={"tue": [["14:00", "18:00"]]}), build_pupil("P2")]
    bounds = lower_bounds(Instance.from_dict(build_tiny_instance(pupils=pupils)))
    assert not bounds.full_coverage_possible
    assert "P1" in bounds.infeasible_because
    assert bounds.total_full == bounds.total_any == 0


def test_too_few_places_rule_out_full_coverage():
    # Two pupils need 60 sport minutes each (120); the only gym they reach (G1; H2 is made
    # a music room) is open mon 15:00-16:00 with 1 place: 60 pupil-minutes < 120.
    data = build_tiny_instance()
    for room in data["rooms"]:
        if room["id"] == "G1":
            room.update(capacity=1, available={"mon": [["15:00", "16:00"]]})
        if room["id"] == "H2":
            room["kinds"] = ["music"]
    bounds = lower_bounds(Instance.from_dict(data))
    assert not bounds.full_coverage_possible
    assert "120 sport minutes" in bounds.infeasible_because
    assert "at most 60" in bounds.infeasible_because


def test_preference_by_hand():
    # P1 lists tutoring ["reading"] but must do homework (required): tutoring needs 60
    # minutes = one session, the cheapest way to also attend homework is homework alone,
    # unlisted on a list of 1 -> rank 1 + 1 = 2. P2 lists sport ["football"]: rank 0.
    pupils = [
        build_pupil("P1", preferences={"tutoring": ["reading"]}, required=["homework"]),
        build_pupil("P2", preferences={"sport": ["football"]}),
    ]
    instance = Instance.from_dict(build_tiny_instance(pupils=pupils))
    bound = lower_bounds(instance).terms["preference"]
    assert (bound.full, bound.any) == (2, 0)
    assert_below(instance, engine_solution(instance, 1.5))


def test_mixed_classes_by_hand():
    # Groups of at least 2; P1 alone in K1, P2 alone in K2. Each needs sport (60) and
    # tutoring (60): one session each, all mixed. Forced (class, category) sessions:
    # K1 sport, K1 tutoring, K2 sport, K2 tutoring = 4; a session holding j of them
    # costs >= j/2, so >= ceil(4 / 2) = 2. (The engine pays 3: music is mixed too.)
    data = build_tiny_instance(pupils=[build_pupil("P1", "K1"), build_pupil("P2", "K2")])
    for activity in data["activities"]:
        activity["min_group"] = 2
    instance = Instance.from_dict(data)
    bound = lower_bounds(instance).terms["mixed_classes"]
    assert (bound.full, bound.any) == (2, 0)
    assert_below(instance, engine_solution(instance, 1.5))


def test_siblings_by_hand():
    # P1 (S1, window mon 15:00-17:30) and P4 (S2, window mon 12:00-13:00), one family.
    # P4's day ends at 12:00 (no session) or 13:00 (one hour); P1's at 15:00 or from
    # 16:00 on. The nearest pair is 13:00 and 15:00: 120 minutes = 8 slots on Monday,
    # in every solution. Tuesday: S2 has no window, P4 is left out: 0.
    data = build_tiny_instance(
        pupils=[build_pupil("P1", family="F"), build_pupil("P4", "K3", family="F")]
    )
    data["sites"][1]["window"] = {"mon": ["12:00", "13:00"]}
    instance = Instance.from_dict(data)
    bounds = lower_bounds(instance)
    assert not bounds.full_coverage_possible  # P4 has one hour a week, not 180 minutes
    assert bounds.terms["siblings"].any == 8
    assert_below(instance, engine_solution(instance, 1.5))
    assert_below(instance, Solution.from_dict(build_solution(build_session("s", pupils=["P1"]))))


def test_stability_by_hand(tiny_solution):
    # The published week has C1 on Tuesday (football 15:15, P1 and P2). C1 now works
    # Mondays only: the coach-session (C1, football, tue, 15:15) is lost in any solution
    # -> 1. The pupils' places can be kept (C2 is free then) -> 0 for them.
    data = build_tiny_instance(previous=tiny_solution())
    data["coaches"][0]["available"] = {"mon": [["14:00", "18:00"]]}
    instance = Instance.from_dict(data)
    bound = lower_bounds(instance).terms["stability"]
    assert (bound.full, bound.any) == (1, 1)
    assert_below(instance, engine_solution(instance, 1.5))


def test_pins_force_their_costs():
    # A pinned homework session for P1 (K1) and P3 (K2): mixed in every solution -> 1;
    # P1 lists tutoring ["reading"]: homework is unlisted on a list of 1 -> rank 2.
    pupils = [build_pupil("P1", preferences={"tutoring": ["reading"]}), build_pupil("P3", "K2")]
    pin = build_session("p", pupils=["P1", "P3"], pinned=True)
    data = build_tiny_instance(pupils=pupils, previous=build_solution(pin))
    instance = Instance.from_dict(data)
    bounds = lower_bounds(instance)
    assert bounds.terms["mixed_classes"].any == 1
    assert bounds.terms["preference"].any == 2
    assert_below(instance, engine_solution(instance, 1.5))


def test_command_prints_the_table(tmp_path, capsys, example_paths):
    instance_path, _ = example_paths
    assert main(["bounds", str(instance_path)]) == 0
    out = capsys.readouterr().out
    for name in TERMS:
        assert name in out
    assert "total" in out
