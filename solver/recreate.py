"""Ruin and recreate: rebuild short schools one at a time, keep what covers more.

After repair the pupils still short sit at a handful of schools, where the
greedy's first order of blocks painted itself into a corner. This step takes
such a school's own sessions out (the rest of the district stays booked in the
ledger, so shared coaches and venues stay coupled), places its cohorts again in
a shuffled order, seats and repairs its pupils, and keeps the result only when
the school's unmet minutes fall. A rebuild that does worse is undone exactly;
then the school is tried again together with the neighbour that uses most of
its coaches.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from solver.construct import Builder, construct
from solver.instance import Instance, Pupil
from solver.ledger import Booking, Ledger
from solver.repair import Shortfall, open_sessions_for_short, seat_short_pupils
from solver.sectioning import seat_cohorts

# In the first pass a school short by more than this many minutes lacks whole
# blocks whose coaches work for its neighbours: rebuilt alone it did not improve
# once on `district` (four such schools, three runs), so it goes with a
# neighbour at once.
ALONE_AT_MOST = 500


def recreate_short_schools(
    instance: Instance,
    bookings: list[Booking],
    ledger: Ledger,
    *,
    seed: int,
    until: float | None,
    first_pass_until: float | None = None,
    rounds: int = 2,
    on_better=None,
    at_least: int = 1,
) -> list[Booking]:
    """Rebuild schools short of ``at_least`` unmet minutes or more until ``until`` (or
    ``rounds`` passes when None); the bookings.

    The first pass may run on to ``first_pass_until``: its rebuilds pay most,
    and a slow start (a busy machine, a large district) must not cut it short.
    """
    rng = random.Random(seed)
    pupils_of: dict[str, list[Pupil]] = defaultdict(list)
    for pupil in instance.pupils:
        pupils_of[instance.school_of(pupil)].append(pupil)
    passes = 0
    while until is not None or passes < rounds:
        unmet = _unmet_by_school(instance, bookings)
        short = sorted((s for s, m in unmet.items() if m >= at_least), key=lambda s: (-unmet[s], s))
        if not short:
            break
        improved = False
        deadline = until
        if passes == 0 and until is not None and first_pass_until is not None:
            deadline = max(until, first_pass_until)
        for school in short:
            if deadline is not None and time.monotonic() > deadline:
                return bookings
            alone_first = passes > 0 or unmet[school] <= ALONE_AT_MOST
            rebuilt = None
            if alone_first:
                rebuilt = _rebuild(instance, bookings, ledger, {school}, pupils_of[school], rng)
            if rebuilt is None:
                # The coaches it lacks work for a neighbour: rebuild both at once.
                partner = _partner(instance, bookings, school, rng)
                if partner is not None:
                    both = pupils_of[school] + pupils_of[partner]
                    rebuilt = _rebuild(instance, bookings, ledger, {school, partner}, both, rng)
                elif not alone_first:
                    rebuilt = _rebuild(instance, bookings, ledger, {school}, pupils_of[school], rng)
            if rebuilt is not None:
                bookings = rebuilt
                improved = True
                if on_better is not None:
                    on_better(bookings)
        passes += 1
        if until is None and not improved:
            break
    return bookings


def _unmet_by_school(instance: Instance, bookings: list[Booking]) -> dict[str, int]:
    shortfall = Shortfall(instance, bookings)
    unmet: dict[str, int] = defaultdict(int)
    for pupil in instance.pupils:
        unmet[instance.school_of(pupil)] += shortfall.deficit(pupil)
    return unmet


def _unmet(instance: Instance, bookings: list[Booking], pupils: list[Pupil]) -> int:
    ids = {p.id for p in pupils}
    shortfall = Shortfall(instance, bookings, ids)
    return sum(shortfall.deficit(p) for p in pupils)


def _partner(
    instance: Instance, bookings: list[Booking], school: str, rng: random.Random
) -> str | None:
    """One of the three schools whose pupils' sessions use most of this school's coaches."""
    school_of = {p.id: instance.school_of(p) for p in instance.pupils}
    coaches = {c for b in bookings if b.site == school for c in b.coaches}
    shared: dict[str, int] = defaultdict(int)
    for booking in bookings:
        if booking.pupils and set(booking.coaches) & coaches:
            other = school_of[booking.pupils[0]]
            if other != school:
                shared[other] += booking.minutes
    ranked = sorted(shared, key=lambda s: (-shared[s], s))[:3]
    return rng.choice(ranked) if ranked else None


def _rebuild(
    instance: Instance,
    bookings: list[Booking],
    ledger: Ledger,
    schools: set[str],
    pupils: list[Pupil],
    rng: random.Random,
) -> list[Booking] | None:
    """The bookings with ``schools`` rebuilt, or None (and nothing changed) when not better."""
    ids = {p.id for p in pupils}
    # A session goes when it could not run without the school's pupils; its
    # other pupils are then short too and are repaired (and counted) with them.
    mine, rest = [], []
    for booking in bookings:
        staying = [p for p in booking.pupils if p not in ids]
        if len(staying) == len(booking.pupils) or booking.pinned:
            rest.append(booking)
        elif len(staying) < booking.activity.min_group:
            mine.append(booking)
        else:
            rest.append(booking)
    if any(b.pinned and ids & set(b.pupils) for b in bookings):
        return None
    guests = sorted({p for b in mine for p in b.pupils if p not in ids})
    counted = pupils + [instance.pupil[p] for p in guests]
    before = _unmet(instance, bookings, counted)
    # The school's pupils also leave other schools' sessions they were seated in,
    # so that their cohorts start from an empty week.
    shared = [b for b in rest if ids & set(b.pupils)]
    seats = {id(b): list(b.pupils) for b in rest}
    for booking in mine:
        ledger.unbook(booking)
    for booking in shared:
        for pupil_id in [p for p in booking.pupils if p in ids]:
            ledger.pupil_unbook(pupil_id, booking)
            booking.pupils.remove(pupil_id)

    construction = construct(instance, ledger=ledger, schools=schools, rng=rng)
    new = seat_cohorts(instance, construction)
    trial = rest + new
    seat_short_pupils(instance, trial, ledger, pupils=counted)
    trial += open_sessions_for_short(
        instance, trial, ledger, Builder(instance, ledger), pupils=counted
    )
    seat_short_pupils(instance, trial, ledger, pupils=counted)
    if _unmet(instance, trial, counted) < before:
        return trial

    for booking in trial[len(rest) :]:
        ledger.unbook(booking)
    for booking in rest:
        old = seats[id(booking)]
        if booking.pupils != old:
            for pupil_id in set(booking.pupils) - set(old):
                ledger.pupil_unbook(pupil_id, booking)
            for pupil_id in set(old) - set(booking.pupils):
                ledger.pupil_book(pupil_id, booking)
            booking.pupils = old
    for booking in mine:
        ledger.book(booking)
    return None
