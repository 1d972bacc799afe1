"""``explain``: every finding for an instance (and a solution); ``python -m solver explain``."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from typing import TextIO

from solver.checker import CheckReport
from solver.explain.attribution import attribute
from solver.explain.capacity import analyse
from solver.explain.conflicts import pin_conflicts, required_conflicts
from solver.explain.findings import Finding, hours
from solver.instance import Instance, InstanceError, load_instance
from solver.solution import Solution, SolutionError, load_solution


def explain(
    instance: Instance,
    solution: Solution | None = None,
    report: CheckReport | None = None,
    *,
    unmet_schools: set[str] | frozenset[str] | None = None,
) -> list[Finding]:
    """Pin conflicts, required activities that cannot fit and proved shortfalls (largest
    first); with a solution also its unmet minutes by school, category and cause (of the
    pupils of ``unmet_schools`` only, when given)."""
    findings = pin_conflicts(instance) + required_conflicts(instance)
    capacity = analyse(instance)
    findings += capacity.findings
    if solution is not None:
        findings += attribute(instance, solution, report, capacity, schools=unmet_schools)
    return findings


def print_findings(
    findings: list[Finding], language: str = "nl", file: TextIO | None = None
) -> None:
    """One numbered paragraph per finding, grouped by phase; a line saying so when none."""
    out = file or sys.stdout
    titles = {
        "nl": {
            "pins": "Vastgezette sessies die botsen",
            "required": "Verplichte activiteiten die niet passen",
            "capacity": "Tekorten die vooraf vaststaan (capaciteit)",
            "unmet": "Niet gegeven minuten in dit rooster",
        },
        "en": {
            "pins": "Pinned sessions that conflict",
            "required": "Required activities that cannot fit",
            "capacity": "Shortfalls proved before solving (capacity)",
            "unmet": "Unmet minutes in this timetable",
        },
    }[language]
    if not findings:
        print("Geen tekorten gevonden." if language == "nl" else "No shortfalls found.", file=out)
        return
    for phase, title in titles.items():
        mine = [f for f in findings if f.phase == phase]
        if not mine:
            continue
        total = sum(f.short for f in mine)
        unit = "uur" if language == "nl" else "hours"
        suffix = f" ({hours(total, language)} {unit})" if total else ""
        print(f"{title}{suffix}:", file=out)
        for i, finding in enumerate(mine, 1):
            print(f"  {i}. {finding.text(language)}", file=out)


def explain_solved(args: Namespace) -> None:
    """After ``python -m solver solve ... --explain``: the findings for the written solution."""
    instance = load_instance(args.instance)
    solution = load_solution(args.output)
    print_findings(explain(instance, solution), getattr(args, "lang", "nl") or "nl")


def command_explain(args: Namespace) -> int:
    """0: nothing short; 1: findings printed; 2: a file cannot be read."""
    try:
        instance = load_instance(args.instance)
        solution = load_solution(args.solution) if args.solution else None
    except (InstanceError, SolutionError) as error:
        print(error, file=sys.stderr)
        return 2
    except OSError as error:
        print(f"cannot explain: {error}", file=sys.stderr)
        return 2
    findings = explain(instance, solution)
    if getattr(args, "json", False):
        print(json.dumps([f.to_dict(args.lang) for f in findings], ensure_ascii=False, indent=1))
    else:
        print_findings(findings, args.lang)
    return 1 if findings else 0
