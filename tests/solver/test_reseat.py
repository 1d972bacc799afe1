"""Re-seating with CP-SAT: moves of several pupils at once give back minutes repair cannot."""

from __future__ import annotations

import pytest

from solver.checker import check
from solver.construct import Builder
from solver.engine import _to_solution
from solver.generator import generate
from solver.ledger import Ledger
from solver.repair import Shortfall
from solver.reseat import _Neighbourhood, _short_groups

from .test_recreate import _first_schedule, _state


@pytest.fixture(scope="module")
def tight():
    return generate("tight", 1).instance


def test_re_seating_the_worst_classes_covers_more_and_breaks_no_rule(tight):
    bookings, ledger = _first_schedule(tight)
    before = check(tight, _to_solution(tight, bookings))
    school, classes = _short_groups(tight, bookings)[0]
    pupils = [p for p in tight.pupils if p.class_id in classes]
    shortfall = Shortfall(tight, bookings)
    unmet_before = sum(shortfall.deficit(p) for p in pupils)
    assert unmet_before > 0

    after_bookings = _Neighbourhood(
        tight, bookings, ledger, Builder(tight, ledger), school, classes
    ).reseat(limit=5.0, workers=1, seed=1, deterministic=True)
    after = check(tight, _to_solution(tight, after_bookings))

    assert after.valid, after.violations[:3]
    shortfall = Shortfall(tight, after_bookings)
    assert sum(shortfall.deficit(p) for p in pupils) < unmet_before
    # nobody outside the freed classes loses a minute
    assert after.unmet_minutes <= before.unmet_minutes - (
        unmet_before - sum(shortfall.deficit(p) for p in pupils)
    )
    fresh = Ledger(tight)
    for booking in after_bookings:
        fresh.book(booking)
    assert _state(fresh, after_bookings) == _state(ledger, after_bookings)


def test_classes_with_nothing_to_gain_keep_every_seat():
    instance = generate("school", 1).instance
    bookings, ledger = _first_schedule(instance)
    assert check(instance, _to_solution(instance, bookings)).unmet_minutes == 0
    before = _state(ledger, bookings)
    school = instance.school_of(instance.pupils[0])
    classes = {instance.pupils[0].class_id}
    after = _Neighbourhood(
        instance, bookings, ledger, Builder(instance, ledger), school, classes
    ).reseat(limit=2.0, workers=1, seed=1, deterministic=True)
    assert after is bookings
    assert _state(ledger, bookings) == before


def test_re_seating_the_short_pupils_alone_moves_nobody_else(tight):
    bookings, ledger = _first_schedule(tight)
    school, classes = _short_groups(tight, bookings)[0]
    seats_before = {(b.activity.id, b.day, b.start, b.room.id): list(b.pupils) for b in bookings}
    neighbourhood = _Neighbourhood(
        tight, bookings, ledger, Builder(tight, ledger), school, classes, short_only=True
    )
    short = neighbourhood.short
    assert short

    after_bookings = neighbourhood.reseat(limit=3.0, workers=1, seed=1, deterministic=True)

    assert check(tight, _to_solution(tight, after_bookings)).valid
    for booking in after_bookings:
        key = (booking.activity.id, booking.day, booking.start, booking.room.id)
        others = [p for p in booking.pupils if p not in short]
        assert others == [p for p in seats_before.get(key, []) if p not in short]


def test_a_search_without_a_solution_stops_once_stalled_without_an_error(monkeypatch):
    """The stall watchdog stops a search that has found nothing yet, quietly."""
    import threading

    from ortools.sat.python import cp_model

    from solver.reseat import _solve_until_stalled

    model = cp_model.CpModel()  # 14 pigeons, 13 holes: slow to prove without LP
    holes = range(13)
    seat = {(p, h): model.new_bool_var(f"x{p}_{h}") for p in range(14) for h in holes}
    for p in range(14):
        model.add_exactly_one(seat[p, h] for h in holes)
    for h in holes:
        model.add_at_most_one(seat[p, h] for p in range(14))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_presolve = False
    errors = []
    monkeypatch.setattr(threading, "excepthook", errors.append)

    status = _solve_until_stalled(solver, model, stall=0.3)

    assert errors == []
    assert status == cp_model.UNKNOWN
    assert solver.wall_time < 10
