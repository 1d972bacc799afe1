"""The engine: from an instance to the best valid solution within a time limit.

The pipeline follows DESIGN.md, "how to get to scale":

1. cohorts and block plans (``solver.cohorts``),
2. greedy district-wide placement of the blocks (``solver.construct``),
3. sectioning pupils into each block's parallel sessions (``solver.sectioning``),
4. repair for pupils still short (``solver.repair``),
5. large-neighbourhood search with CP-SAT over one school-day at a time
   (``solver.improve``) until the time limit.

With a ``previous`` solution the engine starts from it instead of from
scratch: pinned sessions stay exactly, every other previous session stays
where the rules still allow, and only what broke is rebuilt.
Every returned solution has passed the independent checker.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from solver.checker import CheckReport, check
from solver.construct import Builder, Construction, construct, retime_school
from solver.improve import improve_schedule
from solver.instance import Instance, InstanceError, load_instance
from solver.ledger import Booking, Ledger
from solver.recreate import recreate_short_schools
from solver.repair import open_sessions_for_short, release_surplus, seat_short_pupils
from solver.reseat import reseat_short_schools
from solver.sectioning import seat_cohorts
from solver.solution import Session, Solution, SolutionError, load_solution, save_solution

log = logging.getLogger(__name__)

REBUILD_AT_LEAST = 240  # unmet minutes of a school


@dataclass(frozen=True)
class Progress:
    """What a coordinator sees while the solver runs."""

    elapsed: float
    coverage: float
    penalty: float
    stage: str


@dataclass
class SolveResult:
    solution: Solution
    report: CheckReport
    seconds: float
    first_full_cover: float | None
    history: list[Progress] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.report.coverage


@dataclass
class Options:
    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False
    naive: bool = False  # the class-by-class greedy floor, for benchmarks
    improve: bool = True


class PinConflict(ValueError):
    """Pinned sessions that break hard rules together: no valid schedule keeps them."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("the pinned sessions cannot all be kept:\n" + "\n".join(messages))


class _Run:
    def __init__(self, instance: Instance, options: Options, on_progress):
        self.instance = instance
        self.options = options
        self.on_progress = on_progress
        self.started = time.monotonic()
        self.history: list[Progress] = []
        self.first_full_cover: float | None = None
        # The last check (and the caller's write) must fit inside the limit too:
        # reserve what one check took, once one has run.
        self.reserve = 0.0

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def until(self, fraction: float) -> float | None:
        """The wall-clock end of a stage; None when runs must be reproducible."""
        if self.options.deterministic:
            return None
        return self.started + (self.options.time_limit - self.reserve) * fraction

    def remaining(self) -> float:
        return self.options.time_limit - self.reserve - self.elapsed()

    def has_time(self) -> bool:
        """Whether a later stage may start: in reproducible runs, every stage does."""
        return self.options.deterministic or self.remaining() > 1

    def note(self, stage: str) -> None:
        """Tell the watcher which stage runs before any figures exist."""
        if self.on_progress is not None:
            self.on_progress(Progress(self.elapsed(), 0.0, 0.0, stage))

    def report(self, solution: Solution, stage: str) -> CheckReport:
        started = time.monotonic()
        report = check(self.instance, solution)
        self.reserve = max(self.reserve, 1.5 * (time.monotonic() - started))
        progress = Progress(self.elapsed(), report.coverage, report.penalty, stage)
        self.history.append(progress)
        if report.valid and report.unmet_minutes == 0 and self.first_full_cover is None:
            self.first_full_cover = progress.elapsed
        log.info(
            "%s: %.1fs coverage %.4f penalty %.1f",
            stage,
            progress.elapsed,
            progress.coverage,
            progress.penalty,
        )
        if self.on_progress is not None:
            self.on_progress(progress)
        return report


def solve(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    deterministic: bool = False,
    previous: Solution | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    naive: bool = False,
    improve: bool = True,
) -> SolveResult:
    """The best valid solution found within ``time_limit`` seconds."""
    options = Options(time_limit, workers, seed, deterministic, naive, improve)
    run = _Run(instance, options, on_progress)
    if previous is None and instance.previous is not None:
        previous = Solution.from_dict(instance.previous)

    if previous is not None:
        # Imported here: solver.resolve builds on this module's result types.
        from solver.resolve import resolve

        return resolve(instance, previous, run)

    ledger = Ledger(instance)
    builder = Builder(instance, ledger, naive=naive)
    run.note("constructing")
    # The floor runs to the end: a greedy cut short by the clock is no floor.
    deadline = None if naive else run.until(0.5)
    construction = construct(instance, naive=naive, ledger=ledger, deadline=deadline)
    if not naive:
        _retime_short_schools(instance, construction, run)
    run.note("sectioning")
    bookings = seat_cohorts(instance, construction)
    run.note("repairing")
    release_surplus(instance, bookings, ledger)
    seat_short_pupils(instance, bookings, ledger, until=run.until(0.6))
    bookings += open_sessions_for_short(instance, bookings, ledger, builder, until=run.until(0.65))
    seat_short_pupils(instance, bookings, ledger, until=run.until(0.7))
    solution = _to_solution(instance, bookings)
    report = run.report(solution, "constructed")

    def better(candidate: list[Booking], stage: str) -> None:
        nonlocal solution, report
        solution = _to_solution(instance, candidate)
        report = run.report(solution, stage)

    if not naive and report.unmet_minutes > 0 and run.has_time():
        run.note("rebuilding short schools")
        # Rebuilds pay where a school lacks whole blocks; the re-seating below
        # closes the small deficits faster than rebuilds, which mostly undo.
        bookings = recreate_short_schools(
            instance,
            bookings,
            ledger,
            seed=seed,
            until=run.until(0.3),
            first_pass_until=run.until(0.45),
            at_least=REBUILD_AT_LEAST,
        )
        # A rebuild frees places in other schools' sessions; short pupils of any
        # school may take them.
        seat_short_pupils(instance, bookings, ledger, until=run.until(0.35))
        better(bookings, "rebuilt short schools")

    if not naive and report.unmet_minutes > 0 and run.has_time():
        run.note("re-seating short schools")
        bookings = reseat_short_schools(
            instance,
            bookings,
            ledger,
            builder,
            until=run.until(0.92),
            workers=workers,
            seed=seed,
        )
        better(bookings, "re-seated short schools")

    if improve and not naive and run.has_time():
        bookings = improve_schedule(instance, bookings, ledger, run, better)
        solution = _to_solution(instance, bookings)
        report = check(instance, solution)

    return finish(
        run,
        instance,
        solution,
        report,
        {
            "solver": "extended-day engine (cohorts, greedy placement and sectioning, repair, CP-SAT LNS)"
        },
    )


def finish(
    run: _Run, instance: Instance, solution: Solution, report: CheckReport, stats: dict
) -> SolveResult:
    """The result as returned: never a hard violation, with the figures in ``stats``.

    ``instance`` is what the solution is judged against (a re-solve's carries
    the previous schedule, so that stability is priced).
    """
    stripped = 0
    if not report.valid:
        # A bug, never a normal outcome: drop what breaks a rule rather than return it.
        log.error("solver produced %d violations; removing them", len(report.violations))
        before = len(solution.sessions)
        solution, report = _strip_violations(instance, solution, report)
        stripped = before - len(solution.sessions)
    solution.stats = {
        "solver": stats.pop("solver"),
        "seconds": round(run.elapsed(), 2),
        "status": "COMPLETE" if report.unmet_minutes == 0 else "PARTIAL",
        "coverage": round(report.coverage, 6),
        "unmet_minutes": report.unmet_minutes,
        "penalty": report.penalty,
        "stripped_sessions": stripped,
        "first_full_cover_seconds": None
        if run.first_full_cover is None
        else round(run.first_full_cover, 2),
        **stats,
    }
    return SolveResult(
        solution=solution,
        report=report,
        seconds=run.elapsed(),
        first_full_cover=run.first_full_cover,
        history=run.history,
    )


def _retime_short_schools(instance: Instance, construction: Construction, run: _Run) -> None:
    """CP-SAT per school where the greedy left blocks unplaced, worst first."""
    options = run.options
    schools = construction.short_schools()
    until = run.until(0.55)
    for position, school in enumerate(schools):
        if until is None:
            # Reproducible runs spend a fixed amount of deterministic time.
            if position >= 3:
                break
            share = 2.0
        else:
            share = (until - time.monotonic()) / max(1, len(schools) - position)
        # Building and presolving a school's model alone takes a second or two.
        if share < 3.0 and until is not None:
            break
        retime_school(
            instance,
            construction,
            school,
            time_limit=min(share, 5.0),
            workers=options.workers,
            seed=options.seed,
            deterministic=options.deterministic,
        )


def _to_solution(instance: Instance, bookings: list[Booking]) -> Solution:
    ordered = sorted(
        (b for b in bookings if b.pupils),
        key=lambda b: (instance.days.index(b.day), b.start, b.room.id),
    )
    sessions = [
        Session(
            id=f"s{i + 1}",
            activity=b.activity.id,
            day=b.day,
            start=b.start,
            end=b.end,
            room=b.room.id,
            coaches=tuple(b.coaches),
            pupils=tuple(sorted(b.pupils)),
            pinned=b.pinned,
        )
        for i, b in enumerate(ordered)
    ]
    return Solution(instance=instance.name, sessions=sessions)


def _strip_violations(
    instance: Instance, solution: Solution, report: CheckReport
) -> tuple[Solution, CheckReport]:
    """Remove unpinned sessions named in violations until the checker is satisfied."""
    while not report.valid:
        bad = {i for v in report.violations for i in v.ids}
        kept = [
            s
            for s in solution.sessions
            if s.pinned or (s.id not in bad and not (set(s.pupils) & bad))
        ]
        if len(kept) == len(solution.sessions):
            raise PinConflict([f"{v.rule} {v.message}" for v in report.violations])
        solution = Solution(instance=solution.instance, sessions=kept)
        report = check(instance, solution)
    return solution, report


def command_solve(args) -> int:
    """``python -m solver solve``."""
    try:
        instance = load_instance(args.instance)
        previous = load_solution(args.previous) if args.previous else None
    except (InstanceError, SolutionError) as error:
        print(error, file=sys.stderr)
        return 2

    def show(progress: Progress) -> None:
        if not args.quiet:
            print(
                f"{progress.elapsed:7.1f}s  {progress.stage:<24} coverage "
                f"{progress.coverage:8.4%}  penalty {progress.penalty:10.1f}",
                file=sys.stderr,
            )

    result = solve(
        instance,
        time_limit=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        deterministic=args.deterministic,
        previous=previous,
        on_progress=show,
    )
    save_solution(result.solution, args.output)
    if not args.quiet:
        print(result.report.format_text())
    stats: dict[str, Any] = result.solution.stats
    print(json.dumps(stats), file=sys.stderr)
    return 0
