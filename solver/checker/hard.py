"""The hard rules H1–H11 of spec/PROBLEM.md, one function each.

Written from the spec alone: nothing here is shared with the engine's model.
Each function reads the indexed plan and yields one ``Violation`` per broken
instance of its rule, naming the sessions, pupils, coaches and rooms involved.
Sessions with an unknown reference are reported by H11 only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from solver.checker.plan import (
    Placed,
    Plan,
    clashes,
    short_travel_gaps,
    unreachable_pairs,
    when,
)
from solver.checker.report import Violation
from solver.times import format_time

Rule = Callable[[Plan], Iterator[Violation]]


def _violation(rule: str, message: str, *ids: str) -> Violation:
    return Violation(rule=rule, message=f"{rule} {message}", ids=ids)


def _within(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether one of the (merged) spans holds all of [start, end)."""
    return any(lo <= start and end <= hi for lo, hi in spans)


def _spans(spans: list[tuple[int, int]]) -> str:
    return ", ".join(f"{format_time(a)}–{format_time(b)}" for a, b in spans) or "none"


def grid_and_length(plan: Plan) -> Iterator[Violation]:
    """A session starts and ends on the time grid, lasts as long as its activity, on a planning day."""
    slot = plan.instance.slot_minutes
    days = plan.instance.days
    for p in plan.placed:
        for what, minute in (("starts", p.start), ("ends", p.end)):
            if minute % slot:
                yield _violation(
                    "H1",
                    f"session {p.id} {what} at {format_time(minute)}, off the {slot}-minute grid",
                    p.id,
                )
        if p.end - p.start != p.activity.minutes:
            yield _violation(
                "H1",
                f"session {p.id} lasts {p.end - p.start} minutes ({p.when}), "
                f"but {p.activity.id} takes {p.activity.minutes}",
                p.id,
                p.activity.id,
            )
        if p.day not in days:
            yield _violation(
                "H1",
                f'session {p.id} is on "{p.day}", not a planning day ({", ".join(days)})',
                p.id,
            )


def pupil_window(plan: Plan) -> Iterator[Violation]:
    """A pupil attends only within its school's extended-day window, never when unavailable."""
    instance = plan.instance
    for (pupil_id, day), items in plan.by_pupil_day.items():
        school = plan.school[pupil_id]
        window = instance.site[school].window.get(day)
        unavailable = instance.pupil[pupil_id].unavailable.get(day, [])
        for p in items:
            if window is None:
                yield _violation(
                    "H2",
                    f"pupil {pupil_id} attends {p.id} on {day}, "
                    f"when school {school} has no extended-day window",
                    pupil_id,
                    p.id,
                    school,
                )
            elif not (window[0] <= p.start and p.end <= window[1]):
                yield _violation(
                    "H2",
                    f"pupil {pupil_id} attends {p.id} {p.when}, outside the window "
                    f"{format_time(window[0])}–{format_time(window[1])} of school {school}",
                    pupil_id,
                    p.id,
                    school,
                )
            for lo, hi in unavailable:
                if lo < p.end and p.start < hi:
                    yield _violation(
                        "H2",
                        f"pupil {pupil_id} attends {p.id} {p.when}, "
                        f"but is unavailable {format_time(lo)}–{format_time(hi)}",
                        pupil_id,
                        p.id,
                    )


def pupil_clashes_and_travel(plan: Plan) -> Iterator[Violation]:
    """A pupil is in one place at a time, has time to walk between sites and stays near its school."""
    instance = plan.instance
    limit = instance.max_pupil_travel_minutes
    for (pupil_id, day), items in plan.by_pupil_day.items():
        if len(items) > 1:
            for a, b, start, end in clashes(items):
                yield _violation(
                    "H3",
                    f"pupil {pupil_id} is in {a.id} and {b.id} at the same time "
                    f"on {when(day, start, end)}",
                    pupil_id,
                    a.id,
                    b.id,
                )
            for a, b in unreachable_pairs(plan, items):
                yield _violation(
                    "H3",
                    f"pupil {pupil_id} has {a.id} at {a.site} and {b.id} at {b.site} on {day}, "
                    f"sites with no way between them",
                    pupil_id,
                    a.id,
                    b.id,
                )
            for a, b, need in short_travel_gaps(plan, items):
                yield _violation(
                    "H3",
                    f"pupil {pupil_id} has {b.start - a.end} minutes on {day} between "
                    f"{a.id} at {a.site} (ends {format_time(a.end)}) and {b.id} at {b.site} "
                    f"(starts {format_time(b.start)}), but the way takes {need}",
                    pupil_id,
                    a.id,
                    b.id,
                )
        school = plan.school[pupil_id]
        # The day starts at school: a first session elsewhere waits for the walk.
        first = items[0]
        if first.site != school:
            window = instance.site[school].window.get(day)
            way = plan.travel(school, first.site)
            if window is not None and way is not None and first.start < window[0] + way:
                yield _violation(
                    "H3",
                    f"pupil {pupil_id} starts {first.id} at {first.site} at "
                    f"{format_time(first.start)} on {day}, but leaves school {school} at "
                    f"{format_time(window[0])} and the way takes {way} minutes",
                    pupil_id,
                    first.id,
                )
        for p in items:
            if p.site == school:
                continue
            way = plan.travel(school, p.site)
            if way is None or way > limit:
                distance = "not reachable" if way is None else f"{way} minutes away"
                yield _violation(
                    "H3",
                    f"pupil {pupil_id} of school {school} attends {p.id} at {p.site} "
                    f"on {day}, {distance} (pupils may go {limit} minutes)",
                    pupil_id,
                    p.id,
                    p.site,
                )


def pupil_eligibility(plan: Plan) -> Iterator[Violation]:
    """A pupil takes only activities for its grade, each at most once a day and its weekly limit."""
    instance = plan.instance
    for pupil_id, items in plan.by_pupil.items():
        grade = instance.pupil[pupil_id].grade
        for p in items:
            lo, hi = p.activity.grades
            if not lo <= grade <= hi:
                yield _violation(
                    "H4",
                    f"pupil {pupil_id} of grade {grade} attends {p.id}, "
                    f"but {p.activity.id} is for grades {lo}–{hi}",
                    pupil_id,
                    p.id,
                    p.activity.id,
                )
        if len({p.activity.id for p in items}) == len(items):
            continue  # each activity once a week: within every limit (all are >= 1)
        per_activity: defaultdict[str, list[Placed]] = defaultdict(list)
        for p in items:
            per_activity[p.activity.id].append(p)
        for activity_id, taken in per_activity.items():
            limit = taken[0].activity.max_per_week
            if limit is not None and len(taken) > limit:
                yield _violation(
                    "H4",
                    f"pupil {pupil_id} takes {activity_id} {len(taken)} times a week "
                    f"({', '.join(p.id for p in taken)}), at most {limit} allowed",
                    pupil_id,
                    activity_id,
                    *(p.id for p in taken),
                )
            by_day: defaultdict[str, list[Placed]] = defaultdict(list)
            for p in taken:
                by_day[p.day].append(p)
            for day, same in by_day.items():
                if len(same) > 1:
                    yield _violation(
                        "H4",
                        f"pupil {pupil_id} takes {activity_id} {len(same)} times on {day} "
                        f"({', '.join(p.id for p in same)}), at most once a day",
                        pupil_id,
                        activity_id,
                        *(p.id for p in same),
                    )


def pupil_weekly_ceiling(plan: Plan) -> Iterator[Violation]:
    """A pupil gets no more minutes than its programme allows per week and per day."""
    for (pupil_id, day), minutes in plan.pupil_day_minutes.items():
        programme = plan.programme[pupil_id]
        if minutes > programme.max_minutes_per_day:
            yield _violation(
                "H5",
                f"pupil {pupil_id} has {minutes} minutes on {day}, "
                f"programme {programme.id} allows {programme.max_minutes_per_day} a day",
                pupil_id,
                programme.id,
                *(p.id for p in plan.by_pupil_day[pupil_id, day]),
            )
    for pupil_id, items in plan.by_pupil.items():
        programme = plan.programme[pupil_id]
        minutes = sum(p.minutes for p in items)
        if minutes > programme.total_minutes:
            yield _violation(
                "H5",
                f"pupil {pupil_id} has {minutes} minutes a week, "
                f"programme {programme.id} allows {programme.total_minutes}",
                pupil_id,
                programme.id,
                *(p.id for p in items),
            )


def group_size(plan: Plan) -> Iterator[Violation]:
    """A group is neither smaller nor larger than its activity allows, and fits its room."""
    for p in plan.placed:
        size, activity = len(p.pupils), p.activity
        if size < activity.min_group:
            yield _violation(
                "H6",
                f"session {p.id} has {size} pupils, {activity.id} needs at least "
                f"{activity.min_group}",
                p.id,
                activity.id,
            )
        if size > activity.max_group:
            yield _violation(
                "H6",
                f"session {p.id} has {size} pupils, {activity.id} takes at most "
                f"{activity.max_group}",
                p.id,
                activity.id,
            )
        if size > p.room.capacity:
            yield _violation(
                "H6",
                f"session {p.id} has {size} pupils, room {p.room.id} holds {p.room.capacity}",
                p.id,
                p.room.id,
            )


def room_fit_and_clashes(plan: Plan) -> Iterator[Violation]:
    """A room suits its activity, is open for the whole session and hosts one session at a time."""
    for p in plan.placed:
        room, activity = p.room, p.activity
        if not set(room.kinds) & set(activity.room_kinds):
            yield _violation(
                "H7",
                f"room {room.id} ({', '.join(room.kinds)}) of session {p.id} is not "
                f"a room for {activity.id} ({', '.join(activity.room_kinds)})",
                room.id,
                p.id,
            )
        if room.available is not None:
            open_spans = room.available.get(p.day, [])
            if not _within(open_spans, p.start, p.end):
                yield _violation(
                    "H7",
                    f"room {room.id} is not available for session {p.id} {p.when} "
                    f"(open {p.day}: {_spans(open_spans)})",
                    room.id,
                    p.id,
                )
    for (room_id, day), items in plan.by_room_day.items():
        for a, b, start, end in clashes(items):
            yield _violation(
                "H7",
                f"room {room_id} hosts {a.id} and {b.id} at the same time "
                f"on {when(day, start, end)}",
                room_id,
                a.id,
                b.id,
            )


def coaches_fit_and_clashes(plan: Plan) -> Iterator[Violation]:
    """A session has exactly its number of coaches, each skilled, available, allowed there, in one place at a time with time to travel."""
    instance = plan.instance
    for p in plan.placed:
        activity = p.activity
        if len(p.coaches) != activity.coaches:
            yield _violation(
                "H8",
                f"session {p.id} has {len(p.coaches)} coaches, {activity.id} needs "
                f"{activity.coaches}",
                p.id,
                *p.coaches,
            )
        for coach_id in p.coaches:
            coach = instance.coach[coach_id]
            if activity.skill not in coach.skills:
                yield _violation(
                    "H8",
                    f"coach {coach_id} of session {p.id} lacks the skill {activity.skill}",
                    coach_id,
                    p.id,
                )
            hours = coach.available.get(p.day, [])
            if not _within(hours, p.start, p.end):
                yield _violation(
                    "H8",
                    f"coach {coach_id} is not available for session {p.id} {p.when} "
                    f"(available {p.day}: {_spans(hours)})",
                    coach_id,
                    p.id,
                )
            if coach.sites is not None and p.site not in coach.sites:
                yield _violation(
                    "H8",
                    f"coach {coach_id} leads session {p.id} at {p.site}, "
                    f"but works only at {', '.join(coach.sites)}",
                    coach_id,
                    p.id,
                    p.site,
                )
    for (coach_id, day), items in plan.by_coach_day.items():
        for a, b, start, end in clashes(items):
            yield _violation(
                "H8",
                f"coach {coach_id} leads {a.id} and {b.id} at the same time "
                f"on {when(day, start, end)}",
                coach_id,
                a.id,
                b.id,
            )
        for a, b in unreachable_pairs(plan, items):
            yield _violation(
                "H8",
                f"coach {coach_id} has {a.id} at {a.site} and {b.id} at {b.site} on {day}, "
                f"sites with no way between them",
                coach_id,
                a.id,
                b.id,
            )
        for a, b, need in short_travel_gaps(plan, items):
            yield _violation(
                "H8",
                f"coach {coach_id} has {b.start - a.end} minutes on {day} between "
                f"{a.id} at {a.site} (ends {format_time(a.end)}) and {b.id} at {b.site} "
                f"(starts {format_time(b.start)}), but the way takes {need}",
                coach_id,
                a.id,
                b.id,
            )


def coach_load(plan: Plan) -> Iterator[Violation]:
    """A coach works no more minutes than agreed per day and per week."""
    instance = plan.instance
    week: defaultdict[str, list[Placed]] = defaultdict(list)
    for (coach_id, day), items in plan.by_coach_day.items():
        coach = instance.coach[coach_id]
        week[coach_id].extend(items)
        minutes = sum(p.minutes for p in items)
        if minutes > coach.max_minutes_per_day:
            yield _violation(
                "H9",
                f"coach {coach_id} works {minutes} minutes on {day}, "
                f"at most {coach.max_minutes_per_day} agreed",
                coach_id,
                *(p.id for p in items),
            )
    for coach_id, items in week.items():
        limit = instance.coach[coach_id].max_minutes_per_week
        minutes = sum(p.minutes for p in items)
        if minutes > limit:
            yield _violation(
                "H9",
                f"coach {coach_id} works {minutes} minutes a week, at most {limit} agreed",
                coach_id,
                *(p.id for p in items),
            )


def pins_kept(plan: Plan) -> Iterator[Violation]:
    """Every pinned session of the previous plan is kept exactly (its id may change)."""
    if plan.previous_problems:
        yield _violation(
            "H10",
            "the previous solution of the instance cannot be read, so its pins cannot be "
            f"checked: {'; '.join(plan.previous_problems[:3])}",
        )
        return
    if plan.previous is None:
        return

    def key(s):
        return (s.activity, s.day, s.start, s.room, frozenset(s.coaches), frozenset(s.pupils))

    present = Counter(key(s) for s in plan.solution.sessions)
    for pin in plan.previous.sessions:
        if not pin.pinned:
            continue
        k = key(pin)
        if present[k] > 0:
            present[k] -= 1
            continue
        yield _violation(
            "H10",
            f"pinned session {pin.id} ({pin.activity} in {pin.room} "
            f"{when(pin.day, pin.start, pin.end)}, coaches {', '.join(sorted(pin.coaches))}, "
            f"{len(set(pin.pupils))} pupils) is not kept unchanged",
            pin.id,
        )


def references(plan: Plan) -> Iterator[Violation]:
    """Every session names existing things, has its own id and lists nobody twice."""
    instance = plan.instance
    seen: Counter[str] = Counter(s.id for s in plan.solution.sessions)
    for session_id, count in seen.items():
        if count > 1:
            yield _violation("H11", f"session id {session_id} is used {count} times", session_id)
    known_coaches, known_pupils = set(instance.coach), set(instance.pupil)
    for s in plan.solution.sessions:
        if s.activity not in instance.activity:
            yield _violation(
                "H11", f'session {s.id} names an unknown activity "{s.activity}"', s.id
            )
        if s.room not in instance.room:
            yield _violation("H11", f'session {s.id} names an unknown room "{s.room}"', s.id)
        for kind, listed, known in (
            ("coach", s.coaches, known_coaches),
            ("pupil", s.pupils, known_pupils),
        ):
            if not known.issuperset(listed):
                for ident in dict.fromkeys(i for i in listed if i not in known):
                    yield _violation(
                        "H11", f'session {s.id} names an unknown {kind} "{ident}"', s.id, ident
                    )
            if len(set(listed)) == len(listed):
                continue
            for ident, count in Counter(listed).items():
                if count > 1:
                    yield _violation(
                        "H11",
                        f"session {s.id} lists {kind} {ident} {count} times",
                        s.id,
                        ident,
                    )


# In the spec's order; ``check`` runs them all.
HARD_RULES: dict[str, Rule] = {
    "H1": grid_and_length,
    "H2": pupil_window,
    "H3": pupil_clashes_and_travel,
    "H4": pupil_eligibility,
    "H5": pupil_weekly_ceiling,
    "H6": group_size,
    "H7": room_fit_and_clashes,
    "H8": coaches_fit_and_clashes,
    "H9": coach_load,
    "H10": pins_kept,
    "H11": references,
}
