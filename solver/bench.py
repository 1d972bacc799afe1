"""``python -m solver bench``: the engine against the greedy floor on each scenario.

Each run happens in a fresh process so that its peak memory (RSS) is its own;
every solution goes through the checker, and the table shows what it says.
"""

from __future__ import annotations

import json
import multiprocessing
import platform
import resource
import sys
import time
from dataclasses import asdict, dataclass

from solver.checker import SOFT_TERM_NAMES


@dataclass
class BenchRow:
    scenario: str
    method: str
    pupils: int
    sessions: int
    first_full_cover: float | None
    seconds: float
    coverage: float
    bound: float | None
    unmet_minutes: int
    penalty: float
    terms: dict[str, float]
    hard_violations: int
    peak_rss_mb: float
    # Provable lower bound on the weighted penalty of any valid solution that
    # covers the same pupils fully (solver.bounds); engine rows only.
    penalty_bound: float | None = None


def _run(scenario: str, seed: int, method: str, time_limit: float, workers: int, queue) -> None:
    from solver.engine import solve
    from solver.generator import generate

    generated = generate(scenario, seed)
    instance = generated.instance
    started = time.monotonic()
    result = solve(
        instance,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        naive=method == "greedy",
        improve=method != "greedy",
    )
    seconds = time.monotonic() - started
    report = result.report
    penalty_bound = None
    if method == "engine":
        from solver.bounds import lower_bounds

        covered = {p for p, unmet in report.deficit_by_pupil.items() if unmet == 0}
        raw = lower_bounds(instance).given_covered(covered)
        weights = report.weights
        penalty_bound = sum(value * weights.get(term, 1) for term, value in raw.items())
    queue.put(
        BenchRow(
            scenario=scenario,
            method=method,
            pupils=len(instance.pupils),
            sessions=len(result.solution.sessions),
            first_full_cover=result.first_full_cover,
            seconds=seconds,
            coverage=report.coverage,
            bound=generated.coverage_bound,
            unmet_minutes=report.unmet_minutes,
            penalty=report.penalty,
            terms=dict(report.soft_weighted),
            hard_violations=len(report.violations),
            peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            penalty_bound=penalty_bound,
        )
    )


def run_one(scenario: str, seed: int, method: str, time_limit: float, workers: int) -> BenchRow:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(
        target=_run, args=(scenario, seed, method, time_limit, workers, queue)
    )
    process.start()
    row = queue.get()
    process.join()
    return row


def format_table(rows: list[BenchRow]) -> str:
    short = {
        "preference": "pref",
        "mixed_classes": "mixed",
        "day_load": "load",
        "siblings": "sibl",
        "coach_site_changes": "sites",
        "coach_idle": "idle",
        "stability": "stab",
    }
    head = (
        "| scenario | method | pupils | sessions | first full cover (s) | final (s) "
        "| coverage | bound | penalty | penalty bound | "
        + " | ".join(short[t] for t in SOFT_TERM_NAMES)
        + " | hard | peak RSS (MB) |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        first = "-" if r.first_full_cover is None else f"{r.first_full_cover:.1f}"
        bound = "-" if r.bound is None else f"{r.bound:.2%}"
        terms = " | ".join(f"{r.terms.get(t, 0):.0f}" for t in SOFT_TERM_NAMES)
        floor = "-" if r.penalty_bound is None else f"{r.penalty_bound:.0f}"
        lines.append(
            f"| {r.scenario} | {r.method} | {r.pupils} | {r.sessions} | {first} | "
            f"{r.seconds:.1f} | {r.coverage:.2%} | {bound} | {r.penalty:.0f} | {floor} | {terms} | "
            f"{r.hard_violations} | {r.peak_rss_mb:.0f} |"
        )
    return "\n".join(lines)


def command_bench(args) -> int:
    if args.peer:
        from solver.peers import command_peer_bench

        return command_peer_bench(args)
    rows = []
    for scenario in args.scenarios.split(","):
        for method in ("greedy", "engine"):
            row = run_one(scenario, args.seed, method, args.time_limit, args.workers)
            rows.append(row)
            print(
                f"{scenario:>10} {method:>7}: coverage {row.coverage:.2%}, penalty "
                f"{row.penalty:.0f}, {row.seconds:.1f}s",
                file=sys.stderr,
            )
    print(
        f"Machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, "
        f"Python {platform.python_version()}; time limit {args.time_limit:.0f}s, "
        f"{args.workers} workers, seed {args.seed}"
    )
    print(format_table(rows))
    if getattr(args, "json", False):
        print(json.dumps([asdict(r) for r in rows]))
    return 0 if all(r.hard_violations == 0 for r in rows) else 1
