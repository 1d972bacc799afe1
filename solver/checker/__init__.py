"""The independent checker of spec/PROBLEM.md.

It shares no constraint code with the engine: every hard rule (H1–H11) and
every soft term is written here again, from the spec, one small function each,
so that "0 violations" from the checker means something about the engine.

    report = check(instance, solution)
    report.valid, report.violations, report.coverage, report.penalty

From the command line: ``python -m solver check INSTANCE SOLUTION [--json]``.
"""

from solver.checker.hard import (
    HARD_RULES,
    coach_load,
    coaches_fit_and_clashes,
    grid_and_length,
    group_size,
    pins_kept,
    pupil_clashes_and_travel,
    pupil_eligibility,
    pupil_weekly_ceiling,
    pupil_window,
    references,
    room_fit_and_clashes,
)
from solver.checker.plan import Plan
from solver.checker.report import RULE_TITLES, SOFT_TERM_NAMES, CheckReport, Violation
from solver.checker.run import check, command_check
from solver.checker.soft import (
    SOFT_TERMS,
    coach_idle_cost,
    coach_site_changes_cost,
    day_load_cost,
    mixed_classes_cost,
    preference_cost,
    pupil_deficits,
    siblings_cost,
    stability_cost,
)

__all__ = [
    "HARD_RULES",
    "RULE_TITLES",
    "SOFT_TERMS",
    "SOFT_TERM_NAMES",
    "CheckReport",
    "Plan",
    "Violation",
    "check",
    "coach_idle_cost",
    "coach_load",
    "coach_site_changes_cost",
    "coaches_fit_and_clashes",
    "command_check",
    "day_load_cost",
    "grid_and_length",
    "group_size",
    "mixed_classes_cost",
    "pins_kept",
    "preference_cost",
    "pupil_clashes_and_travel",
    "pupil_deficits",
    "pupil_eligibility",
    "pupil_weekly_ceiling",
    "pupil_window",
    "references",
    "room_fit_and_clashes",
    "siblings_cost",
    "stability_cost",
]
