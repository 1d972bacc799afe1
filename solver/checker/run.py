"""``check``: every rule and term on one solution; ``python -m solver check``."""

from __future__ import annotations

import json
import sys
from argparse import Namespace

from solver.checker.hard import HARD_RULES
from solver.checker.plan import Plan
from solver.checker.report import SOFT_TERM_NAMES, CheckReport
from solver.checker.soft import SOFT_TERMS, pupil_deficits
from solver.instance import Instance, InstanceError, load_instance
from solver.solution import Solution, SolutionError, load_solution


def check(instance: Instance, solution: Solution) -> CheckReport:
    """Check a solution against its instance: hard rules, unmet minutes, soft terms."""
    plan = Plan(instance, solution)
    violations = [v for rule in HARD_RULES.values() for v in rule(plan)]
    weights = {name: getattr(instance.weights, name) for name in SOFT_TERM_NAMES}
    raw = {name: float(SOFT_TERMS[name](plan)) for name in SOFT_TERM_NAMES}
    notes = []
    if solution.instance and solution.instance != instance.name:
        notes.append(
            f'the solution was made for instance "{solution.instance}", this is "{instance.name}"'
        )
    return CheckReport(
        violations=violations,
        deficit_by_pupil=pupil_deficits(plan),
        demand_minutes=sum(instance.programme_of(p).total_minutes for p in instance.pupils),
        soft_raw=raw,
        soft_weighted={name: raw[name] * weights[name] for name in SOFT_TERM_NAMES},
        weights=weights,
        instance_name=instance.name,
        session_count=len(solution.sessions),
        notes=notes,
    )


def command_check(args: Namespace) -> int:
    """0: no hard rule broken; 1: some broken; 2: a file cannot be read."""
    try:
        instance = load_instance(args.instance)
    except InstanceError as error:
        _complain(f"instance {args.instance}", error.problems)
        return 2
    except OSError as error:
        _complain(f"instance {args.instance}", [error.strerror or str(error)])
        return 2
    try:
        solution = load_solution(args.solution)
    except SolutionError as error:
        _complain(f"solution {args.solution}", error.problems)
        return 2
    except OSError as error:
        _complain(f"solution {args.solution}", [error.strerror or str(error)])
        return 2
    report = check(instance, solution)
    if getattr(args, "json", False):
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(report.format_text())
    return 0 if report.valid else 1


def _complain(what: str, problems: list[str]) -> None:
    print(f"cannot check: {what} has {len(problems)} problem(s):", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
