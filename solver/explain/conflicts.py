"""Small infeasible sets, named exactly: pins that conflict, required activities that cannot fit.

Both use deletion filtering: start from a set that fails, drop each member in
turn and keep it out when the rest still fails. What remains fails and loses
that property without any one member: a minimal conflicting subset. For pins
"fails" is the independent checker finding a hard violation (other than H10)
among the pinned sessions alone; more sessions never remove a violation, so the
test is monotone and the filter exact.
"""

from __future__ import annotations

from solver.checker import check
from solver.explain.capacity import _Context, _free, _places
from solver.explain.findings import Finding, span_text
from solver.instance import Activity, Instance, Pupil
from solver.solution import Session, Solution


def _pin_violations(instance: Instance, pins: list[Session]) -> list[str]:
    if not pins:
        return []
    report = check(instance, Solution(instance=instance.name, sessions=list(pins)))
    return [v.message for v in report.violations if v.rule != "H10"]


def minimal_pin_conflict(
    instance: Instance, pins: list[Session] | None = None
) -> tuple[list[Session], list[str]] | None:
    """A minimal subset of the pinned sessions that breaks a hard rule, with the checker's messages.

    ``pins`` defaults to the sessions of ``instance.previous`` marked pinned;
    None when they can all be kept together."""
    if pins is None:
        if instance.previous is None:
            return None
        pins = [s for s in Solution.from_dict(instance.previous).sessions if s.pinned]
    if not _pin_violations(instance, pins):
        return None
    kept = list(pins)
    for pin in list(pins):
        rest = [p for p in kept if p is not pin]
        if _pin_violations(instance, rest):
            kept = rest
    return kept, _pin_violations(instance, kept)


def pin_conflicts(instance: Instance, pins: list[Session] | None = None) -> list[Finding]:
    """Every disjoint minimal conflict among the pins, one finding each."""
    if pins is None:
        if instance.previous is None:
            return []
        pins = [s for s in Solution.from_dict(instance.previous).sessions if s.pinned]
    findings = []
    remaining = list(pins)
    while True:
        found = minimal_pin_conflict(instance, remaining)
        if found is None:
            return findings
        subset, messages = found
        findings.append(
            Finding(
                phase="pins",
                kind="pin_conflict",
                short=0,
                resources=tuple(_describe(instance, s) for s in subset),
                details={"pins": [s.id for s in subset], "messages": messages},
            )
        )
        ids = {id(s) for s in subset}
        remaining = [s for s in remaining if id(s) not in ids]


def _describe(instance: Instance, session: Session) -> str:
    activity = instance.activity.get(session.activity)
    room = instance.room.get(session.room)
    name = activity.name if activity else session.activity
    where = room.name if room else session.room
    return f"{session.id} ({name}, {span_text(session.day, session.start, session.end, 'nl')}, {where})"


# -- required activities -------------------------------------------------------------


def _fits(ctx: _Context, pupil: Pupil, activities: list[Activity]) -> bool:
    """Whether the pupil alone could attend all of the activities in one week.

    Exact for the pupil alone: each activity on some day, in a free stretch of
    the window (H2), the activities of a day not overlapping (H3) and within the
    day maximum, the week within the programme total (H5)."""
    programme = ctx.instance.programme_of(pupil)
    if sum(a.minutes for a in activities) > programme.total_minutes:
        return False
    days = list(ctx.instance.days)
    free = {d: _free(ctx, pupil, d) for d in days}
    load = dict.fromkeys(days, 0)
    placed: dict[str, list[Activity]] = {d: [] for d in days}

    def day_fits(day: str, extra: Activity) -> bool:
        items = sorted([*placed[day], extra], key=lambda a: -a.minutes)
        if load[day] + extra.minutes > programme.max_minutes_per_day:
            return False
        return _pack([a.minutes for a in items], [b - a for a, b in free[day]])

    def place(i: int) -> bool:
        if i == len(activities):
            return True
        activity = activities[i]
        for day in days:
            if day_fits(day, activity):
                placed[day].append(activity)
                load[day] += activity.minutes
                if place(i + 1):
                    return True
                placed[day].pop()
                load[day] -= activity.minutes
        return False

    return place(0)


def _pack(items: list[int], bins: list[int]) -> bool:
    """Whether the lengths fit into the free stretches (exhaustive; a handful of items)."""
    if not items:
        return True
    first, rest = items[0], items[1:]
    for i, room in enumerate(bins):
        if room >= first:
            bins[i] -= first
            ok = _pack(rest, bins)
            bins[i] += first
            if ok:
                return True
    return False


def required_conflicts(instance: Instance) -> list[Finding]:
    """Pupils whose required activities cannot all fit, with a minimal set of them."""
    ctx = _Context(instance)
    findings = []
    for pupil in instance.pupils:
        required = [instance.activity[a] for a in dict.fromkeys(pupil.required)]
        if not required:
            continue
        school = instance.school_of(pupil)
        reason = ""
        culprits: list[Activity] = []
        for activity in required:
            if not activity.grades[0] <= pupil.grade <= activity.grades[1]:
                reason, culprits = "grade", [activity]
                break
            coach_ok = any(
                activity.skill in c.skills
                and (c.sites is None or set(c.sites) & set(ctx.reach[school]))
                for c in instance.coaches
            )
            if _places(ctx, school, activity) == 0 or not coach_ok:
                reason, culprits = "resource", [activity]
                break
        if not reason and not _fits(ctx, pupil, required):
            reason = "time"
            culprits = list(required)
            for activity in list(required):
                rest = [a for a in culprits if a is not activity]
                if rest and not _fits(ctx, pupil, rest):
                    culprits = rest
        if not reason:
            continue
        findings.append(
            Finding(
                phase="required",
                kind="required",
                short=min(a.minutes for a in culprits),
                school=school,
                school_name=instance.site[school].name,
                pupils=1,
                resources=tuple(a.name for a in culprits),
                details={
                    "pupil": pupil.id,
                    "activities": [a.id for a in culprits],
                    "reason": reason,
                },
            )
        )
    return findings
