"""Our side of the FET comparison: P's week as one CP-SAT model, for neighbourhoods of it.

``solver.peers.ours`` frees a session left out and the placed sessions
around it, keeps the sessions they touch where they are, and asks this
model to place every free one (docs/benchmarks.md, "FET side by side").
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model


class WeekModel:
    """CP-SAT over the week: each free session a day, start and room, all of them placed.

    One start per session on a week-long time line (day × 1,440 + minute), so
    one no-overlap per person covers the whole week and the travel between
    two sessions needs no day literal (days lie 1,440 minutes apart); a
    literal per session and day for the daily maxima and "once a day"; an
    optional interval per allowed room. Sessions ``kept`` are fixed where they
    are and constrain the free ones.
    """

    DAY = 1440

    def __init__(self, instance, options, site_of, minutes, people, once_a_day):
        self.instance = instance
        self.options = options
        self.site_of = site_of
        self.minutes = minutes
        self.days = list(instance.days)
        self.day_number = {day: n for n, day in enumerate(self.days)}
        self.people_of: dict[int, list[tuple[tuple[int, ...], int]]] = defaultdict(list)
        for key, limit in people.items():
            for index in key:
                self.people_of[index].append((key, limit))
        self.twins_of: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for key in once_a_day:
            for index in key:
                self.twins_of[index].append(key)

    def solve(
        self,
        free: set[int],
        kept: dict[int, tuple[str, str, int]],
        time_limit: float,
        workers: int,
        seed: int,
        *,
        hint: dict[int, tuple[str, str, int]] | None = None,
    ) -> dict[int, tuple[str, str, int]] | None:
        """Where each free session goes, or None when CP-SAT finds no way in time."""
        model = cp_model.CpModel()
        every = free | set(kept)
        start, on_day, in_room = {}, {}, {}
        rooms: dict[str, list] = defaultdict(list)
        for index in sorted(every):
            if index in kept:
                day, room, at = kept[index]
                here = {(day, room): [at]}
            else:
                here = self.options[index]
            start[index], on_day[index], in_room[index] = self._session(model, index, here, rooms)
        for intervals in rooms.values():
            if len(intervals) > 1:
                model.add_no_overlap(intervals)

        seen: set[tuple[int, ...]] = set()
        pairs: set[tuple[int, int]] = set()
        for index in free:
            for key, limit in self.people_of[index]:
                if key in seen:
                    continue
                seen.add(key)
                here = [i for i in key if i in every]
                model.add_no_overlap(
                    [model.new_fixed_size_interval_var(start[i], self.minutes[i], "") for i in here]
                )
                for day in self.days:
                    today = [i for i in here if day in on_day[i]]
                    if sum(self.minutes[i] for i in today) > limit:
                        model.add(sum(self.minutes[i] * on_day[i][day] for i in today) <= limit)
                pairs.update(
                    (a, b)
                    for a in here
                    for b in here
                    if a < b and self.site_of[a] != self.site_of[b]
                )
            for key in self.twins_of[index]:
                here = [i for i in key if i in every]
                for day in self.days:
                    today = [on_day[i][day] for i in here if day in on_day[i]]
                    if len(today) > 1:
                        model.add_at_most_one(today)
        for a, b in pairs:
            travel = self.instance.travel_minutes(self.site_of[a], self.site_of[b])
            if travel is None:
                for day in set(on_day[a]) & set(on_day[b]):
                    model.add_bool_or([on_day[a][day].Not(), on_day[b][day].Not()])
                continue
            before = model.new_bool_var("")
            model.add(start[b] >= start[a] + self.minutes[a] + travel).only_enforce_if(before)
            model.add(start[a] >= start[b] + self.minutes[b] + travel).only_enforce_if(before.Not())

        for index, (day, room, at) in (hint or {}).items():
            if index in free:
                model.add_hint(start[index], self.day_number[day] * self.DAY + at)
                for other, literal in in_room[index].items():
                    if literal is not None:
                        model.add_hint(literal, int(other == room))

        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, time_limit)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        found = {}
        for index in free:
            week = solver.value(start[index])
            room = next(r for r, v in in_room[index].items() if v is None or solver.value(v))
            found[index] = (self.days[week // self.DAY], room, week % self.DAY)
        return found

    def _session(self, model, index, options, rooms):
        day_number = self.day_number
        values = sorted({day_number[d] * self.DAY + s for (d, _), v in options.items() for s in v})
        start = model.new_int_var_from_domain(cp_model.Domain.from_values(values), "")
        on_day = {}
        for day in self.days:
            today = [v for v in values if v // self.DAY == day_number[day]]
            if today:
                on_day[day] = model.new_bool_var("")
                model.add_linear_expression_in_domain(
                    start, cp_model.Domain.from_values(today)
                ).only_enforce_if(on_day[day])
        model.add_exactly_one(on_day.values())
        by_room: dict[str, list[int]] = defaultdict(list)
        for (day, room), starts in options.items():
            by_room[room].extend(day_number[day] * self.DAY + s for s in starts)
        in_room = {}
        for room, allowed in by_room.items():
            literal = None if len(by_room) == 1 else model.new_bool_var("")
            in_room[room] = literal
            if len(allowed) < len(values):
                constraint = model.add_linear_expression_in_domain(
                    start, cp_model.Domain.from_values(sorted(allowed))
                )
                if literal is not None:
                    constraint.only_enforce_if(literal)
            if literal is None:
                rooms[room].append(
                    model.new_fixed_size_interval_var(start, self.minutes[index], "")
                )
            else:
                rooms[room].append(
                    model.new_optional_fixed_size_interval_var(
                        start, self.minutes[index], literal, ""
                    )
                )
        if len(by_room) > 1:
            model.add_exactly_one(in_room.values())
        return start, on_day, in_room
