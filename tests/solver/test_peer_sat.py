"""Our side of the FET benchmark, its SAT stage: P's rules as clauses, solved by Glucose."""

from __future__ import annotations

import copy

from solver.checker import check
from solver.instance import Instance
from solver.peers.fet import project
from solver.peers.rules import on_the_hour, pinned_to, rules_of
from solver.peers.sat import WeekFormula
from solver.solution import Solution
from tests.solver.conftest import WEEK, build_session, build_solution, build_tiny_instance


def _as_solution(projection, found) -> Solution:
    from solver.peers.ours import _run

    rules = rules_of(projection)
    return _run(projection, found, rules.minutes, 0.0, "SAT").solution


def test_the_formula_accepts_the_timetable_it_was_made_from():
    """No stricter than the rules: a valid timetable, every session pinned, satisfies it."""
    from solver.generator import generate

    scenario = generate("school", 1)
    projection = project(scenario.instance, scenario.witness)
    rules = pinned_to(rules_of(projection), projection, scenario.witness)
    assert all(rules.options)  # the rules allow every session where it is
    place = {
        i: (d, r, starts[0]) for i, o in enumerate(rules.options) for (d, r), starts in o.items()
    }

    found = WeekFormula(scenario.instance, rules, set(place)).solve(30)

    assert found == place


def test_the_formula_alone_places_a_whole_school_validly():
    """All sessions free, nothing from the greedy: every one placed, valid by the checker."""
    from solver.generator import generate

    scenario = generate("school", 1)
    projection = project(scenario.instance, scenario.witness)
    rules = rules_of(projection)

    found = WeekFormula(scenario.instance, rules, set(range(len(rules.options)))).solve(60)

    assert found is not None and len(found) == len(projection.sessions)
    report = check(scenario.instance, _as_solution(projection, found))
    assert report.valid, report.violations
    assert report.unmet_minutes == check(scenario.instance, scenario.witness).unmet_minutes


def test_a_budget_of_conflicts_stops_the_formula_before_its_time_does():
    from solver.generator import generate

    scenario = generate("school", 1)
    rules = rules_of(project(scenario.instance, scenario.witness))
    formula = WeekFormula(scenario.instance, rules, set(range(len(rules.options))))

    assert formula.solve(60, conflicts=0) is None
    assert formula.solve(60) is not None


def test_the_daily_maximum_spreads_a_pupils_sessions_even_against_the_hint():
    """At most 60 minutes a day: three hours go on three days, though the hint doubles up."""
    week = {**copy.deepcopy(WEEK), "wed": [["14:00", "18:00"]]}
    data = build_tiny_instance(days=["mon", "tue", "wed"])
    data["sites"][0]["window"]["wed"] = ["15:00", "17:30"]
    for coach in data["coaches"]:
        coach["available"] = copy.deepcopy(week)
    data["programmes"][0].update(max_minutes_per_day=60, preferred_minutes_per_day=60)
    instance = Instance.from_dict(data)
    solution = Solution.from_dict(
        build_solution(
            build_session("s1"),
            build_session("s2", activity="music", day="tue", room="R2", coaches=["C2"]),
            build_session("s3", activity="reading", day="wed", coaches=["C3"]),
        )
    )
    assert check(instance, solution).valid
    projection = project(instance, solution)
    rules = rules_of(projection)
    # homework and music both on Monday would break the daily maximum only
    hint = {0: ("mon", "R1", 900), 1: ("mon", "R2", 960), 2: ("tue", "R1", 900)}

    found = WeekFormula(instance, rules, {0, 1, 2}).solve(10, hint=hint)

    assert found is not None
    assert sorted(day for day, _, _ in found.values()) == ["mon", "tue", "wed"]
    report = check(instance, _as_solution(projection, found))
    assert report.valid, report.violations


def test_ours_hands_what_the_repair_left_to_the_formula(monkeypatch):
    """With nothing from the greedy, a P this small is completed by the SAT stage."""
    import solver.peers.ours as ours
    from solver.generator import generate

    scenario = generate("school", 1)
    projection = project(scenario.instance, scenario.witness)
    monkeypatch.setattr(ours, "place_and_repair", lambda *args, **kwargs: {})

    run = ours.solve_projection(projection, 60, workers=1, seed=1)

    assert run.complete and run.status == "GREEDY+SAT"
    report = check(scenario.instance, run.solution)
    assert report.valid, report.violations


def test_the_hour_grid_keeps_whole_hours_after_the_pupils_earliest_start():
    """Fewer starts, each a whole hour after the first its pupils may begin, or all when none is."""
    from solver.generator import generate

    scenario = generate("school", 1)
    rules = rules_of(project(scenario.instance, scenario.witness))

    hourly = on_the_hour(rules, 60)

    def starts(r):
        return sum(len(s) for options in r.options for s in options.values())

    assert starts(hourly) < starts(rules) / 2
    for index, options in enumerate(hourly.options):
        kept = {(day, start) for (day, _), here in options.items() for start in here}
        on_the_hour_at_all = {
            (day, start)
            for (day, _), here in rules.options[index].items()
            for start in here
            if (start - rules.earliest[index][day]) % 60 == 0
        }
        everything = {(d, s) for (d, _), here in rules.options[index].items() for s in here}
        assert kept == (on_the_hour_at_all or everything)


def _formulas_built_after_an_empty_greedy(monkeypatch) -> list:
    """The rules of each formula ours builds, its greedy and repair placing nothing."""
    import solver.peers.ours as ours

    monkeypatch.setattr(ours, "place_and_repair", lambda *args, **kwargs: {})
    built = []

    class Recorded(WeekFormula):
        def __init__(self, instance, rules, free):
            built.append(rules)
            super().__init__(instance, rules, free)

    monkeypatch.setattr(ours, "WeekFormula", Recorded)
    return built


def test_ours_tries_the_hour_grid_before_every_quarter(monkeypatch):
    """What the repair leaves of a small P goes to the formula on whole hours first.

    The school has no timetable on whole hours alone (proved at once), so
    the formula on every quarter hour completes it.
    """
    import solver.peers.ours as ours
    from solver.generator import generate

    scenario = generate("school", 1)
    projection = project(scenario.instance, scenario.witness)
    rules = rules_of(projection)
    built = _formulas_built_after_an_empty_greedy(monkeypatch)

    run = ours.solve_projection(projection, 60, workers=1, seed=1)

    assert [r.options == on_the_hour(rules, 60).options for r in built] == [True, False]
    assert built[1].options == rules.options
    assert run.complete and run.status == "GREEDY+SAT"
    report = check(scenario.instance, run.solution)
    assert report.valid, report.violations


def test_a_p_that_fits_whole_hours_is_settled_by_that_formula_alone(monkeypatch):
    """Lessons back to back from the window's start, the walk to a venue included."""
    import solver.peers.ours as ours
    from tests.solver.test_fet import tiny_pair

    instance, solution = tiny_pair()
    projection = project(instance, solution)
    built = _formulas_built_after_an_empty_greedy(monkeypatch)

    run = ours.solve_projection(projection, 10, workers=1, seed=1)

    assert len(built) == 1 and run.complete
    earliest = {"s1": 900, "s2": 900, "s3": 915}  # s3 at the venue: 15:00 and a 15-minute walk
    assert all((s.start - earliest[s.id]) % 60 == 0 for s in run.solution.sessions)
    report = check(instance, run.solution)
    assert report.valid, report.violations
