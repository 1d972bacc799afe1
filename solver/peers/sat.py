"""The projected problem P as clauses, solved by a SAT solver (Glucose 4).

A school of P whose rooms and classes are packed to the last hour is a
puzzle: CP-SAT's week model, our repair and FET all leave a session or two of
such a school out after a minute, where a conflict-driven SAT solver, given
time-indexed literals, completes it in seconds (docs/benchmarks.md, "FET side
by side", run 7). So once its repair stalls, ours hands a P small enough to
this formula, with the repair's timetable as the solver's first guesses
(its phases).

Literals: ``y`` a session in a room at a start of a day; ``z`` the session at
that start in any of its rooms; ``D`` the session on that day; ``b`` the
session busy in a quarter hour of that day. A person's sessions (a subgroup of
pupils or a coach) are busy in a quarter at most once, and so are a room's;
two sessions of a person at different sites leave the travel between them (or
are not on one day, when the sites are not connected); an activity at most
once a day per subgroup; the daily maxima count a person's sessions of each
length in unary and forbid every combination over the maximum. Sessions
outside ``free`` are absent.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict

from pysat.card import CardEnc, EncType
from pysat.solvers import Solver

from solver.peers.rules import Rules

# Glucose 4 rather than CaDiCaL 1.9.5: never slower on the school parts that
# reached this stage, up to 40 times faster (docs/benchmarks.md, "FET side by
# side", run 9)
SOLVER = "glucose4"
CONFLICTS = 2_000  # per call to the solver, so that the time limit is checked between calls


class WeekFormula:
    """The sessions ``free`` (each with at least one option) to be given a day, start and room."""

    def __init__(self, instance, rules: Rules, free: set[int]):
        self.clauses: list[list[int]] = []
        self.count = 0
        self.minutes = rules.minutes
        self.slot = instance.slot_minutes
        self.y: dict[tuple[int, str, str, int], int] = {}
        self.z: dict[tuple[int, str, int], int] = {}
        self.day: dict[tuple[int, str], int] = {}
        self.busy: dict[tuple[int, str, int], int] = {}
        self.starts: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.free = set(free)
        for index in sorted(self.free):
            self._session(index, rules.options[index])
        self._rooms(rules.options)
        self._people(instance, rules.site_of, rules.people, rules.once_a_day)

    def solve(
        self, time_limit: float, hint=None, conflicts: int | None = None
    ) -> dict[int, tuple[str, str, int]] | None:
        """Day, room and start of every free session, or None when none is found in time.

        ``conflicts``: at most about so many conflicts of the solver, as well.
        """
        started = time.monotonic()
        with Solver(name=SOLVER, bootstrap_with=self.clauses) as solver:
            if hint:
                solver.set_phases(self._phases(hint))
            found, spent = None, 0
            while (
                found is None
                and time.monotonic() - started < time_limit
                and (conflicts is None or spent < conflicts)
            ):
                solver.conf_budget(CONFLICTS)
                found = solver.solve_limited()
                spent += CONFLICTS
            if not found:
                return None
            true = {v for v in solver.get_model() if v > 0}
        return {i: (d, r, t) for (i, d, r, t), v in self.y.items() if v in true}

    def _phases(self, hint) -> list[int]:
        """The hint's room, start, day and busy quarters true, every other place false."""
        phases = [v if hint.get(i) == (d, r, t) else -v for (i, d, r, t), v in self.y.items()]
        at = {(i, d, t) for i, (d, _, t) in hint.items()}
        phases += [v if key in at else -v for key, v in self.z.items()]
        days = {(i, d) for i, (d, _, _) in hint.items()}
        phases += [v if key in days else -v for key, v in self.day.items()]
        busy = {
            (i, d, q)
            for i, (d, _, t) in hint.items()
            for q in range(t, t + self.minutes[i], self.slot)
        }
        phases += [v if key in busy else -v for key, v in self.busy.items()]
        return phases

    # -- building the clauses --------------------------------------------------------------
    def _new(self) -> int:
        self.count += 1
        return self.count

    def _either(self, literals: list[int]) -> int:
        """A literal true exactly when one of ``literals`` is."""
        if len(literals) == 1:
            return literals[0]
        either = self._new()
        self.clauses.append([-either, *literals])
        self.clauses.extend([-v, either] for v in literals)
        return either

    def _at_most_one(self, literals: list[int]) -> None:
        if len(literals) < 2:
            return
        if len(literals) <= 5:
            self.clauses.extend([-a, -b] for a, b in itertools.combinations(literals, 2))
            return
        encoded = CardEnc.atmost(literals, 1, top_id=self.count, encoding=EncType.seqcounter)
        self.count = max(self.count, encoded.nv)
        self.clauses.extend(encoded.clauses)

    def _at_least(self, literals: list[int], most: int) -> list[int]:
        """``out[j - 1]`` is forced true when ``j`` of ``literals`` are (j up to ``most``)."""
        counted: list[int] = []
        for x in literals:
            now = [self._new() for _ in range(min(most, len(counted) + 1))]
            self.clauses.append([-x, now[0]])
            for j, before in enumerate(counted):
                self.clauses.append([-before, now[j]])
                if j + 1 < len(now):
                    self.clauses.append([-x, -before, now[j + 1]])
            counted = now
        return counted

    def _session(self, index, options) -> None:
        at: dict[tuple[str, int], list[int]] = defaultdict(list)
        for (day, room), starts in options.items():
            for start in starts:
                literal = self._new()
                self.y[(index, day, room, start)] = literal
                at[(day, start)].append(literal)
        by_day: dict[str, list[int]] = defaultdict(list)
        for (day, start), rooms in sorted(at.items()):
            self._at_most_one(rooms)
            z = self.z[(index, day, start)] = self._either(rooms)
            by_day[day].append(z)
            self.starts[(index, day)].append(start)
        for day, zs in by_day.items():
            self.day[(index, day)] = self._either(zs)
            cover: dict[int, list[int]] = defaultdict(list)
            for start in self.starts[(index, day)]:
                for quarter in range(start, start + self.minutes[index], self.slot):
                    cover[quarter].append(self.z[(index, day, start)])
            for quarter, zs_then in cover.items():
                self.busy[(index, day, quarter)] = self._either(zs_then)
        every = [z for zs in by_day.values() for z in zs]
        self.clauses.append(every)
        self._at_most_one(every)

    def _rooms(self, options) -> None:
        occupied: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        placed: dict[tuple[int, str, str], list[tuple[int, int]]] = defaultdict(list)
        for (index, day, room, start), literal in self.y.items():
            placed[(index, room, day)].append((start, literal))
        one_room = {i for i in self.free if len({room for _, room in options[i]}) == 1}
        for (index, room, day), starts in placed.items():
            cover: dict[int, list[int]] = defaultdict(list)
            for start, literal in starts:
                for quarter in range(start, start + self.minutes[index], self.slot):
                    cover[quarter].append(literal)
            for quarter, literals in cover.items():
                if index in one_room:
                    occupied[(room, day, quarter)].append(self.busy[(index, day, quarter)])
                else:
                    occupied[(room, day, quarter)].append(self._either(literals))
        for literals in occupied.values():
            self._at_most_one(literals)

    def _people(self, instance, site_of, people, once_a_day) -> None:
        done: set[tuple] = set()
        pairs: set[tuple[int, int]] = set()
        for key, limit in people.items():
            for day in instance.days:
                here = tuple(i for i in key if (i, day) in self.day)
                if len(here) < 2:
                    continue
                if (here, day) not in done:
                    done.add((here, day))
                    quarters: dict[int, list[int]] = defaultdict(list)
                    for quarter, literal in self._busy_of(here, day):
                        quarters[quarter].append(literal)
                    for literals in quarters.values():
                        self._at_most_one(literals)
                if (here, day, limit) not in done:
                    done.add((here, day, limit))
                    self._daily_maximum(here, day, limit)
            mine = [i for i in key if i in self.free]
            pairs.update(
                (a, b)
                for a, b in itertools.combinations(sorted(mine), 2)
                if site_of[a] != site_of[b]
            )
        for a, b in sorted(pairs):
            self._travel(instance, site_of, a, b)
        for key in once_a_day:
            for day in instance.days:
                self._at_most_one([self.day[(i, day)] for i in key if (i, day) in self.day])

    def _busy_of(self, here, day):
        """(quarter, literal) for each quarter each of ``here`` may be busy on ``day``."""
        for index in here:
            starts = self.starts[(index, day)]
            for quarter in range(starts[0], starts[-1] + self.minutes[index], self.slot):
                literal = self.busy.get((index, day, quarter))
                if literal is not None:
                    yield quarter, literal

    def _daily_maximum(self, here, day, limit) -> None:
        first = min(self.starts[(i, day)][0] for i in here)
        last = max(self.starts[(i, day)][-1] + self.minutes[i] for i in here)
        if min(sum(self.minutes[i] for i in here), last - first) <= limit:
            return  # the window or the sessions themselves keep it
        by_length: dict[int, list[int]] = defaultdict(list)
        for index in here:
            by_length[self.minutes[index]].append(self.day[(index, day)])
        lengths = sorted(by_length)
        counted = {m: self._at_least(by_length[m], limit // m + 1) for m in lengths}

        def forbid(level: int, used: int, taken: list[int]) -> None:
            # every smallest count of this length that goes over the limit, given the shorter ones
            if level == len(lengths):
                return
            length = lengths[level]
            for count in range(len(by_length[length]) + 1):
                if used + count * length > limit:
                    self.clauses.append([*taken, -counted[length][count - 1]])
                    return
                more = [-counted[length][count - 1]] if count else []
                forbid(level + 1, used + count * length, taken + more)

        forbid(0, 0, [])

    def _travel(self, instance, site_of, a, b) -> None:
        travel = instance.travel_minutes(site_of[a], site_of[b])
        for day in instance.days:
            if (a, day) not in self.day or (b, day) not in self.day:
                continue
            if travel is None:
                self.clauses.append([-self.day[(a, day)], -self.day[(b, day)]])
                continue
            for first in self.starts[(a, day)]:
                end = first + self.minutes[a]
                for second in self.starts[(b, day)]:
                    other_end = second + self.minutes[b]
                    if first < other_end and second < end:
                        continue  # an overlap: the quarters already forbid it
                    gap = second - end if second >= end else first - other_end
                    if gap < travel:
                        self.clauses.append([-self.z[(a, day, first)], -self.z[(b, day, second)]])
