"""Re-seat classes' pupils together with CP-SAT: the moves one pupil at a time cannot make.

After repair the pupils still short are stuck in ways that seating them one by
one cannot undo:

- a week full up to a remainder no session fits (15 minutes left under the
  total, while tutoring takes 45 or 60): the pupil must *leave* a session of a
  category it has more than enough of to make room for one it lacks;
- short pupils of one school free at different times, never ``min_group`` at
  once: classmates must swap parallel sessions so that enough of them come free
  together, where a new session can open.

Both are moves of several pupils at once. For each group of classes with
short pupils (at most ``MAX_FREED`` pupils, worst first), this step frees the
seats of every pupil of those classes (the rest of the district stays as
booked) and lets CP-SAT seat them again over the sessions they can reach plus
candidate new sessions (a free room and free coaches at a time the greedy's
rules allow). It minimises unmet minutes alone first, then, holding those,
seats moved, preference ranks and minutes over a pupil's preferred day.
Times, rooms and coaches of existing sessions never change, so no other
pupil's week moves. The result is kept only when the classes' unmet minutes
fall; the ledger is updated seat by seat.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from solver.construct import Builder
from solver.cpsat import cp_solver
from solver.instance import Activity, Instance, Pupil
from solver.ledger import Booking, Ledger
from solver.repair import Shortfall, activities_by_need
from solver.sectioning import preference_cost

log = logging.getLogger(__name__)

CANDIDATES_PER_ACTIVITY = 4
MAX_CANDIDATES = 40
MAX_FREED = 55  # pupils per model: two classes
# Soft terms weigh this many times the instance's weights against one seat
# moved, which only stands for keeping the schedule steady.
SOFT_SCALE = 2
# Most groups are settled by their short pupils alone, whose seats are all that
# moved: a short polish does. (Whole classes re-seated without one cost the
# district about 1,000 more penalty.)
POLISH_SECONDS = 0.3
# A group whose unmet minutes have not fallen for this long is left to the next
# pass: the first pass is better spent on the groups that still move.
STALL_SECONDS = 1.0


def reseat_short_schools(
    instance: Instance,
    bookings: list[Booking],
    ledger: Ledger,
    builder: Builder,
    *,
    until: float | None,
    workers: int = 2,
    seed: int = 0,
) -> list[Booking]:
    """Re-seat each group of classes with short pupils, worst first, until ``until``;
    the bookings.

    With time left after a pass, groups still short are tried again: the
    search is randomised and the first pass often leaves a school almost there.
    Without ``until`` (reproducible runs) one pass on deterministic time.
    """
    passes = 0
    # A group whose whole-class model proved it cannot do better is tried once
    # more with the school's classes it shares sessions with, then no more:
    # the same model again proves the same thing.
    stuck: set[frozenset[str]] = set()
    hopeless: set[frozenset[str]] = set()
    while until is not None or passes < 1:
        groups = [
            (school, classes)
            for school, classes in _short_groups(instance, bookings)
            if frozenset(classes) not in hopeless
        ]
        if not groups:
            break
        for position, (school, classes) in enumerate(groups):
            key = frozenset(classes)
            if key in stuck:
                classes = _widened(instance, bookings, school, classes)
            if until is None:
                limit = 2.0
            else:
                left = until - time.monotonic()
                if left < 1.0:
                    return bookings
                limit = min(4.0, left / max(1, min(len(groups) - position, 3)))
            # The short pupils alone first: a week full up to a remainder needs
            # nobody else, and a small model moves no classmate for nothing.
            for short_only, share in ((True, 0.3), (False, 0.7)):
                neighbourhood = _Neighbourhood(
                    instance, bookings, ledger, builder, school, classes, short_only=short_only
                )
                if not neighbourhood.short:
                    break
                bookings = neighbourhood.reseat(
                    share * limit, workers, seed + passes, deterministic=until is None
                )
                if not short_only and neighbourhood.proven_stuck:
                    (hopeless if key in stuck else stuck).add(key)
        passes += 1
    return bookings


def _widened(
    instance: Instance, bookings: list[Booking], school: str, classes: set[str]
) -> set[str]:
    """The classes plus those of the school that share most sessions with them,
    up to twice ``MAX_FREED`` pupils."""
    class_of = {p.id: p.class_id for p in instance.pupils}
    size: dict[str, int] = defaultdict(int)
    for pupil in instance.pupils:
        size[pupil.class_id] += 1
    shared: dict[str, int] = defaultdict(int)
    for booking in bookings:
        present = {class_of[p] for p in booking.pupils}
        if present & classes:
            for class_id in present - classes:
                if instance.class_group[class_id].site == school:
                    shared[class_id] += 1
    wider = set(classes)
    for class_id in sorted(shared, key=lambda c: (-shared[c], c)):
        if sum(size[c] for c in wider) + size[class_id] <= 2 * MAX_FREED:
            wider.add(class_id)
    return wider


def _short_groups(instance: Instance, bookings: list[Booking]) -> list[tuple[str, set[str]]]:
    """Per school, its classes with short pupils in groups of at most ``MAX_FREED`` pupils,
    worst first.

    A whole large school is too big a model to solve in seconds; classes with
    most unmet minutes together keep most of the moves that need them both.
    """
    shortfall = Shortfall(instance, bookings)
    unmet: dict[str, int] = defaultdict(int)
    size: dict[str, int] = defaultdict(int)
    for pupil in instance.pupils:
        unmet[pupil.class_id] += shortfall.deficit(pupil)
        size[pupil.class_id] += 1
    by_school: dict[str, list[str]] = defaultdict(list)
    for class_id in sorted(unmet, key=lambda c: (-unmet[c], c)):
        if unmet[class_id] > 0:
            by_school[instance.class_group[class_id].site].append(class_id)
    groups: list[tuple[int, str, set[str]]] = []
    for school, classes in by_school.items():
        group: set[str] = set()
        for class_id in classes:
            if group and sum(size[c] for c in group) + size[class_id] > MAX_FREED:
                groups.append((sum(unmet[c] for c in group), school, group))
                group = set()
            group.add(class_id)
        groups.append((sum(unmet[c] for c in group), school, group))
    groups.sort(key=lambda g: (-g[0], g[1], sorted(g[2])))
    return [(school, classes) for _, school, classes in groups]


@dataclass
class _Place:
    """A session the freed pupils may sit in: booked already, or a candidate to open."""

    booking: Booking
    kept: list[str]  # pupils who stay whatever happens (not freed)
    new: bool

    @property
    def capacity(self) -> int:
        return min(self.booking.activity.max_group, self.booking.room.capacity)


class _Neighbourhood:
    """Pupils freed together (a group's short pupils, or all of its classes), the
    places they may take, and the model that seats them."""

    def __init__(
        self,
        instance: Instance,
        bookings: list[Booking],
        ledger: Ledger,
        builder: Builder,
        school: str,
        classes: set[str],
        *,
        short_only: bool = False,
    ):
        self.instance = instance
        self.bookings = bookings
        self.ledger = ledger
        self.builder = builder
        self.school = school
        pupils = [p for p in instance.pupils if p.class_id in classes]
        # What the classes' pupils receive now; the model's answer is judged against it.
        self.shortfall = Shortfall(instance, bookings, {p.id for p in pupils})
        self.short = {p.id for p in pupils if self.shortfall.deficit(p) > 0}
        self.pupils = [p for p in pupils if p.id in self.short] if short_only else pupils
        self.freed = {p.id for p in self.pupils}
        self.sites = builder.sites_for(school)
        # Set by reseat: the model was solved to optimality and gives back nothing.
        self.proven_stuck = False

    def short_pupils(self) -> list[Pupil]:
        return [self.instance.pupil[p] for p in sorted(self.short)]

    # -- which pupil may sit where, whatever else it attends ---------------------

    def allowed(self, pupil: Pupil, booking: Booking, fixed: list[Booking]) -> bool:
        return self.allowed_at(
            pupil, booking.activity, booking.day, booking.start, booking.end, booking.site, fixed
        )

    def allowed_at(
        self,
        pupil: Pupil,
        activity: Activity,
        day: str,
        start: int,
        end: int,
        site: str,
        fixed: list[Booking],
    ) -> bool:
        instance = self.instance
        if not activity.grades[0] <= pupil.grade <= activity.grades[1]:
            return False
        window = instance.site[self.school].window.get(day)
        if window is None:
            return False
        opens = window[0]
        if site != self.school:
            reach = instance.travel_minutes(self.school, site)
            if reach is None or reach > instance.max_pupil_travel_minutes:
                return False
            opens += reach
        if start < opens or end > window[1]:
            return False
        if any(b < end and start < e for b, e in pupil.unavailable.get(day, [])):
            return False
        if any(f.activity.id == activity.id and f.day == day for f in fixed):
            return False
        same_day = [(f.start, f.end, f.site) for f in fixed if f.day == day]
        return self.ledger.apart(start, end, site, same_day)

    # -- the places: sessions within reach, and candidates to open ---------------

    def places(self) -> list[_Place]:
        # Other schools' rooms only where a freed pupil sits already: borrowing
        # more of them is what construction tried last, for good reasons.
        sites = {
            s for s in self.sites if s == self.school or self.instance.site[s].kind != "school"
        } | {b.site for b in self.bookings if self.freed.intersection(b.pupils)}
        grades = {p.grade for p in self.pupils}
        needed = {
            a.category
            for a in activities_by_need(self.instance, self.short_pupils(), self.shortfall)
        }
        places = []
        for booking in self.bookings:
            if booking.pinned or booking.site not in sites:
                continue
            low, high = booking.activity.grades
            if not any(low <= g <= high for g in grades):
                continue
            kept = [p for p in booking.pupils if p not in self.freed]
            if len(kept) == len(booking.pupils):
                # No freed pupil in it to make way: a place only if it has one
                # free, and away from home only in a category a short pupil needs.
                if len(kept) >= min(booking.activity.max_group, booking.room.capacity):
                    continue
                if booking.site != self.school and (
                    booking.activity.category not in needed or not self.shared(booking)
                ):
                    continue
            places.append(_Place(booking, kept, new=False))
        return places + self.candidates()

    def shared(self, booking: Booking) -> bool:
        """At a venue, or another school's session some of this school's pupils attend."""
        instance = self.instance
        return instance.site[booking.site].kind != "school" or any(
            instance.school_of(instance.pupil[p]) == self.school for p in booking.pupils
        )

    def candidates(self) -> list[_Place]:
        """New sessions of activities the short pupils need, at the times most of them may come."""
        instance = self.instance
        window = instance.site[self.school].window
        short = self.short_pupils()
        found: list[_Place] = []
        for activity in activities_by_need(instance, short, self.shortfall):
            scored = []
            for day in (d for d in instance.days if d in window):
                start = window[day][0]
                while start + activity.minutes <= window[day][1]:
                    end = start + activity.minutes
                    takers = sum(
                        1
                        for p in self.pupils
                        if self.allowed_at(p, activity, day, start, end, self.school, [])
                    )
                    needy = sum(
                        1
                        for p in short
                        if self.allowed_at(p, activity, day, start, end, self.school, [])
                    )
                    if needy and takers >= activity.min_group:
                        scored.append((-needy, -takers, day, start))
                    start += instance.slot_minutes
            scored.sort()
            taken = 0
            for _, _, day, start in scored:
                if taken == CANDIDATES_PER_ACTIVITY or len(found) == MAX_CANDIDATES:
                    break
                booking = self.builder.find_session(
                    activity, self.school, day, start, activity.max_group
                )
                if booking is not None:
                    found.append(_Place(booking, [], new=True))
                    taken += 1
        return found

    # -- the model ------------------------------------------------------------

    def reseat(self, limit: float, workers: int, seed: int, deterministic: bool) -> list[Booking]:
        self.started = time.monotonic()
        places = self.places()
        model = cp_model.CpModel()
        seat: dict[tuple[str, int], cp_model.IntVar] = {}
        opened: list[cp_model.IntVar | int] = []
        before_unmet = 0
        unmet_terms = []
        secondary = []
        fixed_of: dict[str, list[Booking]] = defaultdict(list)
        for booking in self.bookings:
            if booking.pinned:
                for p in booking.pupils:
                    if p in self.freed:
                        fixed_of[p].append(booking)

        for pupil in self.pupils:
            before_unmet += self.shortfall.deficit(pupil)
            fixed = fixed_of[pupil.id]
            mine = []
            for index, place in enumerate(places):
                attending = pupil.id in place.booking.pupils and not place.new
                if attending or self.allowed(pupil, place.booking, fixed):
                    var = model.new_bool_var("")
                    seat[(pupil.id, index)] = var
                    model.add_hint(var, int(attending))
                    secondary.append(var.negated() if attending else var)
                    mine.append(index)
            unmet, extra = self.pupil_rules(model, pupil, places, mine, seat, fixed)
            unmet_terms.append(unmet)
            secondary.extend(extra)

        takers_of: dict[int, list] = defaultdict(list)
        for (_, index), var in seat.items():
            takers_of[index].append(var)
        for index, place in enumerate(places):
            takers = takers_of[index]
            count = len(place.kept) + sum(takers)
            activity = place.booking.activity
            if place.kept:
                model.add(count >= activity.min_group)
                model.add(count <= place.capacity)
                opened.append(1)
                continue
            is_open = model.new_bool_var("")
            model.add_hint(is_open, int(not place.new))
            model.add(count >= activity.min_group).only_enforce_if(is_open)
            model.add(count <= place.capacity * is_open)
            opened.append(is_open)
        self.resource_rules(model, places, opened)
        secondary.extend(self.mixed_classes(model, places, seat, opened))

        # Lexicographic: first the fewest unmet minutes alone (a secondary term in
        # the objective drowns the search in cheap moves), then, with those
        # minutes held, the fewest seats moved and the lowest penalty.
        unmet_total = sum(unmet_terms)
        model.minimize(unmet_total)
        solver = _solver(0.75 * limit, workers, seed, deterministic)
        status = _solve_until_stalled(solver, model, None if deterministic else STALL_SECONDS)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return self.bookings
        after_unmet = solver.value(unmet_total)
        log.info(
            "reseat %s: %d pupils, %d places (%d new), %d seats; unmet %d -> %d (%s, %.1fs)",
            self.school,
            len(self.pupils),
            len(places),
            sum(p.new for p in places),
            len(seat),
            before_unmet,
            after_unmet,
            solver.status_name(status),
            time.monotonic() - self.started,
        )
        if after_unmet >= before_unmet:
            self.proven_stuck = status == cp_model.OPTIMAL
            return self.bookings
        model.clear_hints()
        for index, value in enumerate(solver.response_proto.solution):
            model.add_hint(model.get_int_var_from_proto_index(index), value)
        model.add(unmet_total <= after_unmet)
        polish = _solver(min(0.25 * limit, POLISH_SECONDS), workers, seed, deterministic)
        if polish.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            solver = polish
        return self.apply(places, seat, solver)

    def pupil_rules(self, model, pupil: Pupil, places, mine: list[int], seat, fixed):
        """The pupil's hard rules over its places; its unmet minutes and secondary costs."""
        instance = self.instance
        programme = instance.programme_of(pupil)
        x = {i: seat[(pupil.id, i)] for i in mine}
        booking = {i: places[i].booking for i in mine}
        # The current seating as the hint, auxiliaries included: a hint CP-SAT
        # must complete itself is one it often fails to find in a few seconds.
        now = {i: int(not places[i].new and pupil.id in booking[i].pupils) for i in mine}
        by_day: dict[str, list[int]] = defaultdict(list)
        for i in mine:
            by_day[booking[i].day].append(i)
        extra = []
        for day, indices in by_day.items():
            # Interval cliques sit at session starts; travel needs pairs.
            for i in indices:
                b = booking[i]
                covering = [j for j in indices if booking[j].start <= b.start < booking[j].end]
                if len(covering) > 1:
                    model.add_at_most_one(x[j] for j in covering)
            for a in indices:
                for c in indices:
                    if a < c and booking[a].site != booking[c].site:
                        ba, bc = booking[a], booking[c]
                        if ba.start < bc.end and bc.start < ba.end:
                            continue  # covered by the cliques
                        if not self.ledger.apart(
                            ba.start, ba.end, ba.site, [(bc.start, bc.end, bc.site)]
                        ):
                            model.add_bool_or([x[a].negated(), x[c].negated()])
            by_activity: dict[str, list[int]] = defaultdict(list)
            for i in indices:
                by_activity[booking[i].activity.id].append(i)
            for group in by_activity.values():
                if len(group) > 1:
                    model.add_at_most_one(x[i] for i in group)
            used = sum(f.minutes for f in fixed if f.day == day)
            minutes = sum(booking[i].minutes * x[i] for i in indices)
            model.add(minutes <= programme.max_minutes_per_day - used)
            over = model.new_int_var(0, 24 * 60, "")
            excess = minutes + used - programme.preferred_minutes_per_day
            model.add(instance.slot_minutes * over >= excess)
            excess_now = sum(booking[i].minutes * now[i] for i in indices) + used
            excess_now -= programme.preferred_minutes_per_day
            model.add_hint(over, max(0, -(-excess_now // instance.slot_minutes)))
            extra.append(SOFT_SCALE * instance.weights.day_load * over)
        per_activity: dict[str, list[int]] = defaultdict(list)
        for i in mine:
            per_activity[booking[i].activity.id].append(i)
        for activity_id, group in per_activity.items():
            limit = instance.activity[activity_id].max_per_week
            if limit is not None:
                done = sum(1 for f in fixed if f.activity.id == activity_id)
                model.add(sum(x[i] for i in group) <= limit - done)

        received = {}
        received_now = defaultdict(int)
        for i in mine:
            received_now[booking[i].activity.category] += booking[i].minutes * now[i]
        for f in fixed:
            received_now[f.activity.category] += f.minutes
        for category in {b.activity.category for b in booking.values()} | set(
            programme.category_minutes
        ):
            received[category] = sum(
                booking[i].minutes * x[i] for i in mine if booking[i].activity.category == category
            ) + sum(f.minutes for f in fixed if f.activity.category == category)
        total = sum(received.values())
        model.add(total <= programme.total_minutes)
        shorts = []
        for category, minimum in programme.category_minutes.items():
            gap = model.new_int_var(0, minimum, "")
            model.add(gap >= minimum - received[category])
            model.add_hint(gap, max(0, minimum - received_now[category]))
            shorts.append(gap)
        unmet = model.new_int_var(0, programme.total_minutes, "")
        model.add(unmet >= sum(shorts))
        model.add(unmet >= programme.total_minutes - total)
        shorts_now = sum(max(0, m - received_now[c]) for c, m in programme.category_minutes.items())
        model.add_hint(
            unmet,
            max(shorts_now, programme.total_minutes - sum(received_now.values())),
        )
        missing = []
        for activity_id in pupil.required:
            if any(f.activity.id == activity_id for f in fixed):
                continue
            attends = [x[i] for i in mine if booking[i].activity.id == activity_id]
            lacks = model.new_bool_var("")
            model.add(sum(attends) + lacks >= 1)
            model.add_hint(
                lacks, int(not any(now[i] for i in mine if booking[i].activity.id == activity_id))
            )
            missing.append(instance.activity[activity_id].minutes * lacks)
        for i in mine:
            cost = preference_cost(pupil, booking[i].activity.id, booking[i].activity.category)
            if cost:
                extra.append(SOFT_SCALE * instance.weights.preference * cost * x[i])
        return unmet + sum(missing), extra

    def mixed_classes(self, model, places: list[_Place], seat, opened) -> list:
        """The mixed-classes term over the places: each class present beyond the first."""
        weight = SOFT_SCALE * self.instance.weights.mixed_classes
        if not weight:
            return []
        class_of = {p.id: p.class_id for p in self.pupils}
        members: dict[tuple[int, str], list] = defaultdict(list)
        for (pupil_id, index), var in seat.items():
            members[(index, class_of[pupil_id])].append(var)
        costs = []
        for (index, class_id), takers in members.items():
            place = places[index]
            kept = {self.instance.pupil[p].class_id for p in place.kept}
            if class_id in kept:
                continue
            present = model.new_bool_var("")
            for var in takers:
                model.add_implication(var, present)
            model.add_hint(
                present,
                int(
                    any(p in place.booking.pupils for p in self.freed if class_of[p] == class_id)
                    and not place.new
                ),
            )
            costs.append(weight * present)
        for index, place in enumerate(places):
            if not place.kept and not isinstance(opened[index], int):
                costs.append(-weight * opened[index])  # the first class is free
        return costs

    def resource_rules(self, model, places: list[_Place], opened) -> None:
        """Candidates use rooms and coaches free in the ledger; among themselves they must not clash."""
        candidates = [(i, p.booking) for i, p in enumerate(places) if p.new]
        for n, (a, ba) in enumerate(candidates):
            for c, bc in candidates[n + 1 :]:
                if ba.day != bc.day:
                    continue
                overlap = ba.start < bc.end and bc.start < ba.end
                shared = set(ba.coaches) & set(bc.coaches)
                clash = overlap and ba.room.id == bc.room.id
                if shared and not self.ledger.apart(
                    ba.start, ba.end, ba.site, [(bc.start, bc.end, bc.site)]
                ):
                    clash = True
                if clash:
                    model.add_bool_or([opened[a].negated(), opened[c].negated()])
        load_day: dict[tuple[str, str], list] = defaultdict(list)
        load_week: dict[str, list] = defaultdict(list)
        for i, b in candidates:
            for coach in b.coaches:
                load_day[(coach, b.day)].append(b.minutes * opened[i])
                load_week[coach].append(b.minutes * opened[i])
        for (coach_id, day), terms in load_day.items():
            coach = self.instance.coach[coach_id]
            model.add(
                sum(terms) <= coach.max_minutes_per_day - self.ledger.coach_day[(coach_id, day)]
            )
        for coach_id, terms in load_week.items():
            coach = self.instance.coach[coach_id]
            model.add(sum(terms) <= coach.max_minutes_per_week - self.ledger.coach_week[coach_id])

    # -- the answer into bookings and ledger ------------------------------------

    def apply(self, places: list[_Place], seat, solver) -> list[Booking]:
        ledger = self.ledger
        result = list(self.bookings)
        chosen_of: dict[int, list[str]] = defaultdict(list)
        for (pupil_id, index), var in seat.items():
            if solver.value(var):
                chosen_of[index].append(pupil_id)
        for place in places:
            booking = place.booking
            if not place.new:
                for pupil_id in [p for p in booking.pupils if p in self.freed]:
                    booking.pupils.remove(pupil_id)
                    ledger.pupil_unbook(pupil_id, booking)
        for index, place in enumerate(places):
            booking = place.booking
            chosen = sorted(chosen_of[index])
            if place.new:
                if not chosen:
                    continue
                booking.pupils = chosen
                ledger.book(booking)
                result.append(booking)
                continue
            for pupil_id in chosen:
                booking.pupils.append(pupil_id)
                ledger.pupil_book(pupil_id, booking)
            if not booking.pupils:
                ledger.unbook(booking)
                result.remove(booking)
        return result


class _Stall(cp_model.CpSolverSolutionCallback):
    """Remembers when the objective last improved."""

    def __init__(self):
        super().__init__()
        self.improved = time.monotonic()

    def on_solution_callback(self) -> None:
        self.improved = time.monotonic()


def _solve_until_stalled(solver: cp_model.CpSolver, model, stall: float | None):
    """Solve, stopping early once no better solution came for ``stall`` seconds."""
    if stall is None:
        return solver.solve(model)
    watch = _Stall()
    done = threading.Event()

    def watchdog() -> None:
        # The solver's own stop, not the callback's: the callback's raises until a
        # first solution has come, and the solver's is a no-op before the search
        # starts, so it is repeated until the search is over.
        while not done.wait(0.05):
            if time.monotonic() - watch.improved > stall:
                solver.stop_search()

    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    try:
        return solver.solve(model, watch)
    finally:
        done.set()
        thread.join()


def _solver(limit: float, workers: int, seed: int, deterministic: bool) -> cp_model.CpSolver:
    solver = cp_solver(limit, workers, seed, deterministic=deterministic)
    # Probing these seat models costs seconds and finds little; the search
    # starts from the current seating anyway.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    return solver
