"""``python -m solver bench --peer fet``: our engine and fet-cl, one after the other.

For each scenario: solve with our engine (``--time-limit``), project the
sessions of its solution to FET (``solver.peers.fet``), run fet-cl on that with
the same time limit, read FET's timetable back and check it with our checker
against the real instance. The table shows, for each side, the time to a
complete timetable (ours: the first
solution covering every pupil, or the final one when coverage stays below
100%, which places every session of the projection all the same; FET: all
activities placed, or its share placed when time runs out) and the hard violations our checker finds, and the ratio
FET / ours. fet-cl must be installed already (``apt-get install fet``).
"""

from __future__ import annotations

import multiprocessing
import platform
import sys
from collections import Counter
from dataclasses import dataclass, field

from solver.peers.fet import LEFT_OUT, FetMissing, find_fet_cl, project, run_fet


@dataclass
class PeerRow:
    scenario: str
    sessions: int
    subgroups: int
    ours_seconds: float
    ours_complete: bool
    ours_coverage: float
    ours_hard: int
    fet_seconds: float
    fet_complete: bool
    fet_placed: int
    fet_hard: int
    fet_rules: dict[str, int] = field(default_factory=dict)

    @property
    def ratio(self) -> str:
        if self.ours_seconds <= 0:
            return "-"
        ratio = self.fet_seconds / self.ours_seconds
        return f"{ratio:.1f}" if self.fet_complete else f"> {ratio:.1f}"


def run_scenario(scenario: str, seed: int, time_limit: float, workers: int) -> PeerRow:
    from solver.checker import check
    from solver.engine import solve
    from solver.generator import generate

    instance = generate(scenario, seed).instance
    print(f"{scenario}: our engine, {time_limit:.0f}s ...", file=sys.stderr, flush=True)
    ours = solve(instance, time_limit=time_limit, workers=workers, seed=seed)
    complete = ours.first_full_cover is not None
    projection = project(instance, ours.solution)
    print(
        f"{scenario}: fet-cl on {projection.counts['activities']} activities, "
        f"{projection.counts['subgroups']} subgroups, {time_limit:.0f}s ...",
        file=sys.stderr,
        flush=True,
    )
    fet = run_fet(projection, time_limit)
    report = check(instance, fet.solution)
    rules = Counter(v.rule for v in report.violations)
    return PeerRow(
        scenario=scenario,
        sessions=len(projection.sessions),
        subgroups=projection.counts["subgroups"],
        ours_seconds=ours.first_full_cover if complete else ours.seconds,
        ours_complete=complete,
        ours_coverage=ours.report.coverage,
        ours_hard=len(ours.report.violations),
        fet_seconds=fet.seconds,
        fet_complete=fet.complete,
        fet_placed=fet.placed,
        fet_hard=len(report.violations),
        fet_rules=dict(sorted(rules.items())),
    )


def format_peer_table(rows: list[PeerRow]) -> str:
    head = (
        "| scenario | sessions | ours: complete after (s) | ours: coverage | ours: hard "
        "| FET: complete after (s) / placed at limit | FET: hard (projected) | FET / ours |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        ours = (
            f"{r.ours_seconds:.1f}" if r.ours_complete else f"not complete ({r.ours_seconds:.0f})"
        )
        if r.fet_complete:
            fet = f"{r.fet_seconds:.1f}"
        else:
            share = r.fet_placed / r.sessions if r.sessions else 1.0
            fet = f"{share:.1%} placed ({r.fet_placed}/{r.sessions}) at {r.fet_seconds:.0f}"
        rules = ", ".join(f"{rule} {n}" for rule, n in r.fet_rules.items())
        fet_hard = f"{r.fet_hard}" + (f" ({rules})" if rules else "")
        lines.append(
            f"| {r.scenario} | {r.sessions} | {ours} | {r.ours_coverage:.2%} | {r.ours_hard} "
            f"| {fet} | {fet_hard} | {r.ratio} |"
        )
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
    rows = [
        run_scenario(scenario, args.seed, args.time_limit, args.workers)
        for scenario in args.scenarios.split(",")
    ]
    print(
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, "
        f"Python {platform.python_version()}; fet-cl at {version}; time limit "
        f"{args.time_limit:.0f}s each, {args.workers} workers, seed {args.seed}"
    )
    print(format_peer_table(rows))
    print(f"\nNote: {LEFT_OUT} FET's hard violations are counted by our checker on the")
    print("real instance, for the activities FET placed; unplaced ones count as unmet minutes.")
    return 0 if all(r.ours_hard == 0 for r in rows) else 1
