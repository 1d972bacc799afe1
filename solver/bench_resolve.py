"""``python -m solver bench-resolve``: re-solving a published week after a change.

Solves the scenario once (or loads that schedule with ``--base``), then
re-solves from it after each change and compares the two weeks:

- no change: the same schedule must come back;
- the coach with the most sessions on one day is ill that day;
- the gym with the most sessions is closed all week.

Every result goes through the checker. A session counts as changed when it
is not in both weeks identically (activity, day, start, room, coaches,
pupils); an altered session counts once: ``max(gone, new)``. A school
counts as changed when one of its pupils' weeks changed or one of its rooms
holds a changed session. The change's footprint is the schools whose pupils
had, or that hosted, a session the change hit directly (with the ill coach:
his sessions of the whole week, the schools he visits). Outside it, the table
tells schools whose pupils' weeks changed from schools that only lent a room
or a spare place (their own pupils' weeks unchanged).
"""

from __future__ import annotations

import multiprocessing
import platform
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from solver.changes import coach_unavailable, room_closed, with_previous
from solver.checker import check
from solver.engine import solve
from solver.generator import generate
from solver.instance import Instance
from solver.solution import Session, Solution, load_solution, save_solution


@dataclass
class Change:
    name: str
    instance: Instance
    hit: list[Session]  # previous sessions the change breaks directly
    footprint: set[str]  # schools the change concerns


@dataclass
class ResolveRow:
    change: str
    seconds: float
    cpu_seconds: float  # of this process, all threads: the machine is shared
    coverage_before: float
    coverage_after: float
    hit: int
    gone: int
    new: int
    pupils_changed: int
    schools_changed: int
    outside_pupils: int  # schools outside the footprint whose pupils' weeks changed
    outside_rooms: int  # ... whose rooms hold a changed session, pupils unchanged
    stability: float
    hard_violations: int

    @property
    def changed(self) -> int:
        return max(self.gone, self.new)

    @property
    def ratio(self) -> float | None:
        return self.changed / self.hit if self.hit else None


def changes(instance: Instance, base: Solution) -> list[Change]:
    """No change, the busiest coach-day's coach ill, the busiest gym closed."""
    busy = Counter((c, s.day) for s in base.sessions for c in s.coaches)
    (coach, day), _ = max(busy.items(), key=lambda kv: (kv[1], kv[0]))
    with_coach = [s for s in base.sessions if coach in s.coaches]
    used = Counter(s.room for s in base.sessions)
    gym = max((r for r in instance.rooms if "gym" in r.kinds), key=lambda r: (used[r.id], r.id))
    in_gym = [s for s in base.sessions if s.room == gym.id]
    return [
        Change("no change", instance, [], set()),
        Change(
            f"coach {coach} ill on {day}",
            coach_unavailable(instance, coach, [day]),
            [s for s in with_coach if s.day == day],
            _schools(instance, with_coach),
        ),
        Change(
            f"gym {gym.id} closed all week",
            room_closed(instance, gym.id, instance.days),
            in_gym,
            _schools(instance, in_gym),
        ),
    ]


def measure(change: Change, base: Solution, coverage_before: float, limit: float, workers: int):
    started, cpu = time.monotonic(), time.process_time()
    result = solve(change.instance, previous=base, time_limit=limit, workers=workers)
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    report = check(with_previous(change.instance, base), result.solution)
    before, after = _keys(base), _keys(result.solution)
    gone = [s for s in base.sessions if _key(s) not in after]
    new = [s for s in result.solution.sessions if _key(s) not in before]
    pupils = _pupils_changed(base, result.solution)
    by_pupils = {change.instance.school_of(change.instance.pupil[p]) for p in pupils}
    by_rooms = _schools(change.instance, gone + new, hosts_only=True)
    return ResolveRow(
        change=change.name,
        seconds=seconds,
        cpu_seconds=cpu,
        coverage_before=coverage_before,
        coverage_after=report.coverage,
        hit=len(change.hit),
        gone=len(gone),
        new=len(new),
        pupils_changed=len(pupils),
        schools_changed=len(by_pupils | by_rooms),
        outside_pupils=len(by_pupils - change.footprint),
        outside_rooms=len(by_rooms - by_pupils - change.footprint),
        stability=report.soft_raw["stability"],
        hard_violations=len(report.violations),
    ), result.solution


def format_table(rows: list[ResolveRow]) -> str:
    head = (
        "| change | re-solve (s) | CPU (s) | coverage before | coverage after | sessions hit "
        "| sessions changed (gone / new) | changed ÷ hit | pupils changed "
        "| schools changed | outside footprint: pupils / rooms only | stability | hard |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.1f}×"
        lines.append(
            f"| {r.change} | {r.seconds:.1f} | {r.cpu_seconds:.1f} | {r.coverage_before:.2%} | "
            f"{r.coverage_after:.2%} | {r.hit} | {r.changed} ({r.gone} / {r.new}) | {ratio} | "
            f"{r.pupils_changed} | {r.schools_changed} | {r.outside_pupils} / {r.outside_rooms} | "
            f"{r.stability:.0f} | {r.hard_violations} |"
        )
    return "\n".join(lines)


def command_bench_resolve(args) -> int:
    instance = generate(args.scenario, args.seed).instance
    base_path = Path(args.base) if args.base else None
    if base_path is not None and base_path.exists():
        base = load_solution(base_path)
        print(f"base schedule loaded from {base_path}", file=sys.stderr)
    else:
        started = time.monotonic()
        base = solve(instance, time_limit=args.time_limit, workers=args.workers).solution
        print(f"base schedule solved in {time.monotonic() - started:.1f}s", file=sys.stderr)
        if base_path is not None:
            save_solution(base, base_path)
    base_report = check(instance, base)
    if not base_report.valid:
        print(base_report.format_text(), file=sys.stderr)
        return 1
    rows, same = [], None
    for change in changes(instance, base):
        row, solution = measure(
            change, base, base_report.coverage, args.resolve_limit, args.workers
        )
        rows.append(row)
        if not change.hit:
            same = _keys(solution) == _keys(base)
        print(f"{row.change}: {row.seconds:.1f}s, {row.changed} changed", file=sys.stderr)
    print(
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, "
        f"Python {platform.python_version()}; scenario {args.scenario} seed {args.seed}, "
        f"{len(base.sessions)} sessions; re-solve time limit {args.resolve_limit:.0f}s, "
        f"{args.workers} workers"
    )
    print(format_table(rows))
    print(f"No change returns the same schedule: {'yes' if same else 'NO'}")
    return 0 if same and all(r.hard_violations == 0 for r in rows) else 1


def _key(session: Session) -> tuple:
    return (
        session.activity,
        session.day,
        session.start,
        session.room,
        tuple(sorted(session.coaches)),
        tuple(sorted(session.pupils)),
    )


def _keys(solution: Solution) -> set[tuple]:
    return {_key(s) for s in solution.sessions}


def _pupils_changed(before: Solution, after: Solution) -> set[str]:
    """Pupils whose own week (what, when, where, with whom) differs."""
    weeks: list[dict[str, set[tuple]]] = []
    for solution in (before, after):
        week: dict[str, set[tuple]] = defaultdict(set)
        for s in solution.sessions:
            for pupil in s.pupils:
                week[pupil].add((s.activity, s.day, s.start, s.room, tuple(sorted(s.coaches))))
        weeks.append(week)
    return {p for p in set(weeks[0]) | set(weeks[1]) if weeks[0][p] != weeks[1][p]}


def _schools(instance: Instance, sessions: list[Session], hosts_only=False) -> set[str]:
    """Schools hosting these sessions, and unless ``hosts_only`` those whose pupils attend."""
    schools = {
        instance.room[s.room].site
        for s in sessions
        if s.room in instance.room and instance.site[instance.room[s.room].site].kind == "school"
    }
    if not hosts_only:
        schools |= {instance.school_of(instance.pupil[p]) for s in sessions for p in s.pupils}
    return schools
