"""Repair: a short pupil gets the spare seat worth most to it, whichever way it is found."""

from __future__ import annotations

from collections import defaultdict

import pytest

from solver.checker import check
from solver.construct import construct
from solver.engine import _to_solution
from solver.generator import generate
from solver.ledger import Ledger
from solver.repair import Shortfall, _capacity, _SparePlaces, _Useful, seat_short_pupils
from solver.sectioning import seat_cohorts


@pytest.fixture(scope="module")
def tight():
    return generate("tight", 1).instance


def _sectioned(instance):
    ledger = Ledger(instance)
    bookings = seat_cohorts(instance, construct(instance, ledger=ledger))
    return bookings, ledger


def _rank(instance, pupil, booking, shortfall) -> tuple:
    classes = {instance.pupil[q].class_id for q in booking.pupils}
    return (
        -shortfall.gain(pupil, booking),
        pupil.class_id not in classes,
        booking.day,
        booking.start,
    )


def test_the_place_found_is_the_best_of_a_full_scan(tight):
    bookings, ledger = _sectioned(tight)
    shortfall = Shortfall(tight, bookings)
    by_site = defaultdict(list)
    for booking in bookings:
        by_site[booking.site].append(booking)
    short = [p for p in tight.pupils if shortfall.deficit(p) > 0][:150]
    assert len(short) > 50
    found = 0
    for pupil in short:
        school = tight.school_of(pupil)
        spare = _SparePlaces(tight, by_site, school)
        best = spare.best(pupil, shortfall, ledger, {})
        # The reference: every spare place in reach, judged one by one.
        useful = _Useful(tight, pupil, shortfall)
        ranks = [
            _rank(tight, pupil, b, shortfall)
            for group in spare.groups.values()
            for _, _, _, b, _ in group
            if useful(b.activity)
            and len(b.pupils) < _capacity(b)
            and pupil.id not in b.pupils
            and shortfall.gain(pupil, b) > 0
            and ledger.pupil_can(pupil.id, b.activity, b.day, b.start, b.end, b.site)
        ]
        if best is None:
            assert ranks == []
        else:
            found += 1
            assert _rank(tight, pupil, best, shortfall) == min(ranks)
    assert found > 10


def test_seating_short_pupils_gives_minutes_and_breaks_no_rule(tight):
    bookings, ledger = _sectioned(tight)
    before = check(tight, _to_solution(tight, bookings))

    seated = seat_short_pupils(tight, bookings, ledger)

    after = check(tight, _to_solution(tight, bookings))
    assert seated > 0
    assert after.valid, after.violations[:3]
    assert after.unmet_minutes < before.unmet_minutes
