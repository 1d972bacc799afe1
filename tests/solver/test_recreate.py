"""Ruin and recreate: a rebuild is kept only when it covers more, and undone exactly otherwise."""

from __future__ import annotations

import random
import time

import pytest

from solver.checker import check
from solver.construct import Builder, construct
from solver.engine import _to_solution
from solver.generator import generate
from solver.ledger import Ledger
from solver.recreate import _rebuild, recreate_short_schools
from solver.repair import open_sessions_for_short, release_surplus, seat_short_pupils
from solver.sectioning import seat_cohorts


def _first_schedule(instance):
    """The engine's pipeline up to its first full schedule."""
    ledger = Ledger(instance)
    bookings = seat_cohorts(instance, construct(instance, ledger=ledger))
    release_surplus(instance, bookings, ledger)
    seat_short_pupils(instance, bookings, ledger)
    bookings += open_sessions_for_short(instance, bookings, ledger, Builder(instance, ledger))
    seat_short_pupils(instance, bookings, ledger)
    return bookings, ledger


def _state(ledger: Ledger, bookings) -> dict:
    """Everything the ledger and the bookings hold, in a comparable form."""
    tables = {}
    for name in ("room_busy", "coach_busy", "pupil_busy", "pupil_activity"):
        tables[name] = {k: sorted(v) for k, v in getattr(ledger, name).items() if v}
    for name in ("coach_day", "coach_week", "pupil_day", "pupil_week"):
        tables[name] = {k: v for k, v in getattr(ledger, name).items() if v}
    tables["sessions"] = sorted(
        (b.activity.id, b.day, b.start, b.room.id, tuple(b.coaches), tuple(b.pupils))
        for b in bookings
    )
    return tables


@pytest.fixture(scope="module")
def short():
    return generate("short", 1).instance


def test_a_rebuild_that_cannot_do_better_leaves_everything_as_it_was():
    instance = generate("school", 1).instance
    bookings, ledger = _first_schedule(instance)
    report = check(instance, _to_solution(instance, bookings))
    assert report.unmet_minutes == 0  # nothing to gain, so every rebuild must be undone
    before = _state(ledger, bookings)
    school = instance.school_of(instance.pupils[0])
    pupils = [p for p in instance.pupils if instance.school_of(p) == school]
    for seed in range(3):
        assert _rebuild(instance, bookings, ledger, {school}, pupils, random.Random(seed)) is None
        assert _state(ledger, bookings) == before


def test_recreating_short_schools_covers_more_and_breaks_no_rule(short):
    bookings, ledger = _first_schedule(short)
    before = check(short, _to_solution(short, bookings))
    assert before.unmet_minutes > 0

    after_bookings = recreate_short_schools(short, bookings, ledger, seed=1, until=None)
    after = check(short, _to_solution(short, after_bookings))

    assert after.valid, after.violations[:3]
    assert after.unmet_minutes < before.unmet_minutes
    # the ledger still describes the schedule exactly: rebooking from scratch agrees
    fresh = Ledger(short)
    for booking in after_bookings:
        fresh.book(booking)
    assert _state(fresh, after_bookings) == _state(ledger, after_bookings)


def test_the_first_pass_runs_on_to_its_own_deadline_when_the_stage_is_already_over(short):
    """A slow start must not cut the first pass short: its rebuilds pay most."""
    bookings, ledger = _first_schedule(short)
    before = check(short, _to_solution(short, bookings))

    now = time.monotonic()
    after_bookings = recreate_short_schools(
        short, bookings, ledger, seed=1, until=now - 1, first_pass_until=now + 60
    )
    after = check(short, _to_solution(short, after_bookings))

    assert after.valid, after.violations[:3]
    assert after.unmet_minutes < before.unmet_minutes
