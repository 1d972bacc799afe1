"""What the checker finds: violations of the hard rules, unmet minutes, soft terms."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

# The hard rules of spec/PROBLEM.md, in the spec's words.
RULE_TITLES: dict[str, str] = {
    "H1": "Grid and length",
    "H2": "Pupil window",
    "H3": "Pupil clashes and travel",
    "H4": "Eligibility",
    "H5": "Weekly ceiling",
    "H6": "Group size",
    "H7": "Room",
    "H8": "Coaches",
    "H9": "Coach load",
    "H10": "Pins",
    "H11": "References",
}

# The soft terms of spec/PROBLEM.md, in the spec's order.
SOFT_TERM_NAMES: tuple[str, ...] = (
    "preference",
    "mixed_classes",
    "day_load",
    "siblings",
    "coach_site_changes",
    "coach_idle",
    "stability",
)

# Lines shown per rule by ``format_text``; the JSON form lists them all.
LINES_PER_RULE = 20


@dataclass(frozen=True)
class Violation:
    """One broken hard rule: the rule, a sentence naming the ids, the ids."""

    rule: str
    message: str
    ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "message": self.message, "ids": list(self.ids)}


def rule_order(rule: str) -> int:
    """H1 < H2 < ... < H11 (not the text order, which puts H10 before H2)."""
    return int(rule[1:]) if rule[1:].isdigit() else 99


@dataclass
class CheckReport:
    """The checker's verdict on one solution of one instance."""

    violations: list[Violation]
    # Unmet minutes per pupil by the spec's formula, every pupil of the instance.
    deficit_by_pupil: dict[str, int]
    # sum over pupils of their programme's total_minutes
    demand_minutes: int
    soft_raw: dict[str, float]
    soft_weighted: dict[str, float]
    weights: dict[str, int] = field(default_factory=dict)
    instance_name: str = ""
    session_count: int = 0
    # Remarks that break no rule (e.g. the solution names another instance).
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.violations

    @property
    def unmet_minutes(self) -> int:
        return sum(self.deficit_by_pupil.values())

    @property
    def coverage(self) -> float:
        """``1 - unmet / demand`` within 0..1; 1.0 when nobody is owed a minute."""
        if self.demand_minutes <= 0:
            return 1.0 if self.unmet_minutes == 0 else 0.0
        return min(1.0, max(0.0, 1.0 - self.unmet_minutes / self.demand_minutes))

    @property
    def penalty(self) -> float:
        return sum(self.soft_weighted.values())

    @property
    def pupils_short(self) -> list[str]:
        return [pupil for pupil, minutes in self.deficit_by_pupil.items() if minutes > 0]

    def violations_by_rule(self) -> dict[str, list[Violation]]:
        grouped: dict[str, list[Violation]] = {}
        for violation in sorted(self.violations, key=lambda v: rule_order(v.rule)):
            grouped.setdefault(violation.rule, []).append(violation)
        return grouped

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON; ``deficit_by_pupil`` there lists only pupils who are short."""
        return {
            "instance": self.instance_name,
            "sessions": self.session_count,
            "valid": self.valid,
            "violation_counts": {
                rule: len(found) for rule, found in self.violations_by_rule().items()
            },
            "violations": [v.to_dict() for v in self.violations],
            "unmet_minutes": self.unmet_minutes,
            "demand_minutes": self.demand_minutes,
            "coverage": self.coverage,
            "deficit_by_pupil": {p: m for p, m in self.deficit_by_pupil.items() if m > 0},
            "soft_raw": dict(self.soft_raw),
            "weights": dict(self.weights),
            "soft_weighted": dict(self.soft_weighted),
            "penalty": self.penalty,
            "notes": list(self.notes),
        }

    def format_text(self, lines_per_rule: int = LINES_PER_RULE) -> str:
        """The report for a person: violations by rule, coverage, each soft term."""
        out = [f'Checked {self.session_count} sessions against instance "{self.instance_name}".']
        out.extend(f"Note: {note}" for note in self.notes)
        if self.valid:
            out.append("Hard rules: none broken, the solution is valid.")
        else:
            grouped = self.violations_by_rule()
            counts = ", ".join(f"{rule} {len(found)}" for rule, found in grouped.items())
            out.append(
                f"Hard rules: {_count(len(self.violations), 'violation')} ({counts}), NOT valid."
            )
            for rule, found in grouped.items():
                out.append(f"  {rule} {RULE_TITLES.get(rule, '')}: {len(found)}")
                out.extend(f"    {v.message}" for v in found[:lines_per_rule])
                if len(found) > lines_per_rule:
                    out.append(f"    ... and {len(found) - lines_per_rule} more")
        short = self.pupils_short
        out.append(
            f"Coverage: {format_percent(self.coverage)} "
            f"(unmet minutes: {self.unmet_minutes} of {self.demand_minutes}; "
            f"pupils short: {len(short)})"
        )
        if short:
            short.sort(key=lambda p: (-self.deficit_by_pupil[p], p))  # the largest first
            shown = ", ".join(f"{p} {self.deficit_by_pupil[p]}" for p in short[:lines_per_rule])
            more = (
                f", ... and {len(short) - lines_per_rule} more"
                if len(short) > lines_per_rule
                else ""
            )
            out.append(f"  minutes short: {shown}{more}")
        out.append("Soft penalty:")
        out.append(f"  {'term':<20}{'raw':>12}{'weight':>8}{'weighted':>12}")
        for name in SOFT_TERM_NAMES:
            out.append(
                f"  {name:<20}{self.soft_raw.get(name, 0.0):>12.2f}"
                f"{self.weights.get(name, 0):>8}{self.soft_weighted.get(name, 0.0):>12.2f}"
            )
        out.append(f"  {'total':<20}{'':>12}{'':>8}{self.penalty:>12.2f}")
        return "\n".join(out)


def format_percent(fraction: float) -> str:
    """Rounded down, so a single unmet minute never reads as 100.00%."""
    return f"{math.floor(fraction * 10000 + 1e-9) / 100:.2f}%"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
