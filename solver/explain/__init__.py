"""Why coverage stays below 100%, in the coordinator's words (issue 7).

    from solver.explain import explain, print_findings
    findings = explain(instance)                  # before solving: what is proved short
    findings = explain(instance, solution)        # and after: where the unmet minutes are
    print_findings(findings, language="en")

- ``analyse(instance)`` (``solver.explain.capacity``): counting bounds per
  school and category (rooms, coaches, windows, group minimums, unavailability);
  each proved shortfall is a ``Finding`` with a ``Suggestion`` whose recovered
  minutes are measured by re-running the analysis on a changed copy.
- ``attribute(instance, solution)``: unmet minutes per school, category and the
  resource that held them back.
- ``minimal_pin_conflict`` / ``pin_conflicts``: a minimal set of pins that
  cannot be kept together (deletion filtering with the checker);
  ``required_conflicts``: pupils whose required activities cannot fit.

From the command line: ``python -m solver explain INSTANCE [SOLUTION] [--lang en]``
and ``python -m solver solve INSTANCE -o OUT --explain``.
"""

from solver.explain.attribution import attribute
from solver.explain.capacity import CapacityReport, analyse, school_shortfall
from solver.explain.command import command_explain, explain, explain_solved, print_findings
from solver.explain.conflicts import minimal_pin_conflict, pin_conflicts, required_conflicts
from solver.explain.findings import LANGUAGES, Finding, Suggestion

__all__ = [
    "LANGUAGES",
    "CapacityReport",
    "Finding",
    "Suggestion",
    "analyse",
    "attribute",
    "command_explain",
    "explain",
    "explain_solved",
    "minimal_pin_conflict",
    "pin_conflicts",
    "print_findings",
    "required_conflicts",
    "school_shortfall",
]
