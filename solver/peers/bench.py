"""``python -m solver bench --peer fet``: ours and fet-cl on the same projected problem.

For each scenario:

1. our engine solves the full instance (``--engine-time-limit``, 60 s by
   default); its sessions define the *projected problem* P
   (``solver.peers.fet.project``): a fixed list of activities, each with its
   pupils, coaches (FET's teachers) and site fixed, to be given a day, a start
   and a room among the allowed ones;
2. **ours on P** (``solver.peers.ours``): our greedy-and-CP-SAT timetabler is
   given P only (not the days, starts or rooms of the engine's solution) and
   the time limit;
3. **FET on P**: fet-cl on P's ``.fet`` file, with the same time limit;
4. both timetables are read back and checked by our checker against the real
   instance.

A second table says how full each P leaves the time of its coaches, pupils
and rooms (``solver.peers.tightness``): each engine run makes another P, and
both sides' times vary from one to the next.

P lists its activities in an order of their own (``in_fixed_order``), not
in the engine's, which is its timetable's (by day, start and room) and would
tell both sides' tie-breaks where the activities were. With ``--reproducible``
the engine run that makes P also spends deterministic time instead of
wall-clock time, so that a scenario and seed give the same P on any machine
and under any load: runs then compare on one P, where otherwise each engine
run, stopped by the clock, makes another.

With ``--schools 5,10,15,20`` each scenario is also compared on its P cut to
the first N schools (``first_schools``): the same engine timetable, fewer
schools, which shows at what size each side stops completing. With
``--each-school``, on each school's part of P alone (``schools_cut``): which
schools are hard in themselves, before any coupling through coaches.

*Complete* means the same for both sides: every activity of P placed (FET:
its complete timetable written; ours: all sessions placed). The time to it is
wall-clock from the start of that side's run (building its model included;
fet-cl's time is the whole process). When time runs out the share placed is
shown. The ratio is FET's time over ours on P; when only one side completes,
the other's time limit bounds it. A second table times both sides to the
most activities both placed (``solver.peers.progress``): where neither
completes, the time each first held as many as the other ever did. The
engine's full solve is shown for context only: it solves a larger problem
(it also chooses the sessions), and its coverage of the full instance has no
bearing on whether P is complete.
Both sides are seeded with ``--seed`` (FET: its six random seed components),
so that one P and seed repeat the same search on either side, up to where
the clock cuts it. fet-cl must be installed already (``apt-get install fet``).
"""

from __future__ import annotations

import multiprocessing
import platform
import sys
from collections import Counter
from dataclasses import dataclass, field, replace

from solver.peers.fet import LEFT_OUT, FetMissing, find_fet_cl, project, run_fet
from solver.peers.ours import solve_projection
from solver.peers.progress import Target, common_target
from solver.peers.rules import rules_of
from solver.peers.tightness import tightness


@dataclass
class PeerRow:
    scenario: str
    sessions: int
    subgroups: int
    time_limit: float
    engine_seconds: float
    engine_coverage: float
    engine_hard: int
    ours_seconds: float
    ours_complete: bool
    ours_placed: int
    ours_hard: int
    fet_seconds: float
    fet_complete: bool
    fet_placed: int
    fet_hard: int
    fet_rules: dict[str, int] = field(default_factory=dict)
    ours_rules: dict[str, int] = field(default_factory=dict)
    tightness: dict[str, str] = field(default_factory=dict)  # Tightness.summary() of P
    target: Target | None = None  # the most both placed, and when each first did

    @property
    def ratio(self) -> str:
        """FET's time to a complete P over ours; a bound when one side ran out of time."""
        if self.ours_complete and self.fet_complete:
            return f"{self.fet_seconds / self.ours_seconds:.1f}"
        if self.ours_complete:  # FET would need more than its whole run
            return f"> {self.fet_seconds / self.ours_seconds:.0f}"
        if self.fet_complete:
            return f"< {self.fet_seconds / self.ours_seconds:.2f}"
        return "- (neither complete)"


def first_schools(instance, solution, count: int):
    """The sessions of ``solution`` whose pupils all attend the first ``count`` schools.

    A district's P cut to a smaller one: the same engine timetable, so the
    same coaches, rooms and travel, only fewer schools. Schools are taken in
    the order of their site ids, which is the generator's order.
    """
    return schools_cut(instance, solution, _schools(instance)[:count])


def schools_cut(instance, solution, schools):
    """The sessions of ``solution`` whose pupils all attend one of ``schools``."""
    keep = set(schools)
    sessions = [
        s
        for s in solution.sessions
        if all(instance.school_of(instance.pupil[p]) in keep for p in s.pupils)
    ]
    return replace(solution, sessions=sessions)


def _schools(instance) -> list[str]:
    return sorted({instance.school_of(pupil) for pupil in instance.pupils})


def run_scenario(
    scenario: str,
    seed: int,
    time_limit: float,
    workers: int,
    engine_time_limit: float,
    school_counts: list[int] | None = None,
    each_school: bool = False,
    reproducible: bool = False,
) -> list[PeerRow]:
    """One engine run, then both sides on its P and on the cuts asked for.

    The cuts: P cut to its first ``school_counts`` schools and, with
    ``each_school``, each school's part of P alone.
    """
    from solver.generator import generate

    instance = generate(scenario, seed).instance
    print(f"{scenario}: our engine, {engine_time_limit:.0f}s ...", file=sys.stderr, flush=True)
    engine = source_of_p(instance, engine_time_limit, workers, seed, reproducible=reproducible)
    schools = _schools(instance)
    parts = [(scenario, engine.solution)]
    for count in school_counts or []:
        if count < len(schools):
            label = f"{scenario}, first {count} of {len(schools)} schools"
            parts.insert(-1, (label, first_schools(instance, engine.solution, count)))
    if each_school and len(schools) > 1:
        parts[:0] = [
            (f"{scenario}, {school} alone", schools_cut(instance, engine.solution, [school]))
            for school in schools
        ]
    return [
        _both_sides(label, instance, solution, engine, time_limit, workers, seed)
        for label, solution in parts
    ]


def source_of_p(instance, time_limit: float, workers: int, seed: int, *, reproducible: bool):
    """The engine's solve of the full instance, its sessions in P's order.

    ``reproducible``: on deterministic time rather than the clock.
    """
    from solver.engine import solve

    engine = solve(
        instance, time_limit=time_limit, workers=workers, seed=seed, deterministic=reproducible
    )
    engine.solution = in_fixed_order(engine.solution)
    return engine


def in_fixed_order(solution):
    """``solution`` with its sessions sorted by what they are, not by when they are.

    The engine lists its sessions by day, start and room: in the order of
    its timetable. Given to both sides as it is, that order would tell
    whichever side breaks ties by position where each activity was.
    """
    return replace(
        solution,
        sessions=sorted(
            solution.sessions,
            key=lambda s: (s.activity, sorted(s.coaches), sorted(s.pupils)),
        ),
    )


def _both_sides(label, instance, solution, engine, time_limit, workers, seed) -> PeerRow:
    from solver.checker import check

    projection = project(instance, solution)
    print(
        f"{label}: projected problem: {projection.counts['activities']} activities, "
        f"{projection.counts['subgroups']} subgroups; ours on it, {time_limit:.0f}s ...",
        file=sys.stderr,
        flush=True,
    )
    ours = solve_projection(projection, time_limit, workers=workers, seed=seed)
    ours_report = check(instance, ours.solution)
    print(
        f"{label}: ours {ours.placed}/{ours.total} in {ours.seconds:.1f}s ({ours.status}); "
        f"fet-cl on it, {time_limit:.0f}s ...",
        file=sys.stderr,
        flush=True,
    )
    fet = run_fet(projection, time_limit, seed=seed)
    report = check(instance, fet.solution)
    return PeerRow(
        scenario=label,
        sessions=len(projection.sessions),
        subgroups=projection.counts["subgroups"],
        time_limit=time_limit,
        engine_seconds=engine.seconds,
        engine_coverage=engine.report.coverage,
        engine_hard=len(engine.report.violations),
        ours_seconds=ours.seconds,
        ours_complete=ours.complete,
        ours_placed=ours.placed,
        ours_hard=len(ours_report.violations),
        ours_rules=dict(sorted(Counter(v.rule for v in ours_report.violations).items())),
        fet_seconds=fet.seconds,
        fet_complete=fet.complete,
        fet_placed=fet.placed,
        fet_hard=len(report.violations),
        fet_rules=dict(sorted(Counter(v.rule for v in report.violations).items())),
        tightness=tightness(projection, rules_of(projection)).summary(),
        target=common_target(ours.progress, fet.progress),
    )


def _side(complete: bool, seconds: float, placed: int, total: int) -> str:
    if complete:
        return f"{seconds:.1f}"
    share = placed / total if total else 1.0
    return f"{share:.1%} placed ({placed}/{total}) at {seconds:.0f}"


def _hard(count: int, rules: dict[str, int]) -> str:
    listed = ", ".join(f"{rule} {n}" for rule, n in rules.items())
    return f"{count}" + (f" ({listed})" if listed else "")


def format_peer_table(rows: list[PeerRow]) -> str:
    head = (
        "| scenario | activities (subgroups) | time limit (s) "
        "| ours on P: complete after (s) / placed at limit | ours: hard "
        "| FET on P: complete after (s) / placed at limit | FET: hard | FET / ours "
        "| engine, full instance (source of P): s, coverage, hard |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        ours = _side(r.ours_complete, r.ours_seconds, r.ours_placed, r.sessions)
        fet = _side(r.fet_complete, r.fet_seconds, r.fet_placed, r.sessions)
        lines.append(
            f"| {r.scenario} | {r.sessions} ({r.subgroups}) | {r.time_limit:.0f} "
            f"| {ours} | {_hard(r.ours_hard, r.ours_rules)} "
            f"| {fet} | {_hard(r.fet_hard, r.fet_rules)} | {r.ratio} "
            f"| {r.engine_seconds:.1f}, {r.engine_coverage:.2%}, {r.engine_hard} |"
        )
    return "\n".join(lines)


def format_target_table(rows: list[PeerRow]) -> str:
    head = (
        "| scenario | the most both placed | ours first there (s) "
        "| FET first there (s, its own clock, ± 1) | FET / ours |"
    )
    lines = [head, "|---|---|---|---|---|"]
    for r in rows:
        t = r.target
        if t is None:
            lines.append(f"| {r.scenario} | - | - | - | - |")
            continue
        lines.append(
            f"| {r.scenario} | {t.placed / r.sessions:.1%} ({t.placed}/{r.sessions}) "
            f"| {t.ours_seconds:.1f} | {t.fet_seconds:.0f} | {t.ratio} |"
        )
    return "\n".join(lines)


def format_tightness_table(rows: list[PeerRow]) -> str:
    head = "| scenario | coaches: median share | subgroups of pupils: median share | room sets |"
    lines = [head, "|---|---|---|---|"]
    for r in rows:
        t = r.tightness
        lines.append(f"| {r.scenario} | {t['coaches']} | {t['subgroups']} | {t['room sets']} |")
    return "\n".join(lines)


def command_peer_bench(args) -> int:
    if args.peer != "fet":
        print(f"unknown peer {args.peer!r}; the only peer is fet", file=sys.stderr)
        return 2
    try:
        version = find_fet_cl()
    except FetMissing as error:
        print(str(error), file=sys.stderr)
        return 2
    engine_time_limit = getattr(args, "engine_time_limit", None) or 60.0
    counts = [int(n) for n in args.schools.split(",")] if getattr(args, "schools", None) else []
    reproducible = getattr(args, "reproducible", False)
    rows = [
        row
        for scenario in args.scenarios.split(",")
        for row in run_scenario(
            scenario,
            args.seed,
            args.time_limit,
            args.workers,
            engine_time_limit,
            counts,
            each_school=getattr(args, "each_school", False),
            reproducible=reproducible,
        )
    ]
    print(
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, "
        f"Python {platform.python_version()}; fet-cl at {version}; time limit "
        f"{args.time_limit:.0f}s each on P, engine {engine_time_limit:.0f}s, "
        f"{args.workers} workers, seed {args.seed}"
        + (", P reproducible (engine on deterministic time)" if reproducible else "")
    )
    print(format_peer_table(rows))
    print("\nTime to the most both sides placed (each side's first time there):")
    print(format_target_table(rows))
    print("\nHow full P leaves the time its sessions could use (solver.peers.tightness):")
    print(format_tightness_table(rows))
    print(f"\nNote: {LEFT_OUT} FET's hard violations are counted by our checker on the")
    print("real instance, for the activities FET placed; unplaced ones count as unmet minutes.")
    print("Both sides solve the same P: same activities, teachers, allowed rooms, availability.")
    return 0 if all(r.ours_hard == 0 and r.engine_hard == 0 for r in rows) else 1
