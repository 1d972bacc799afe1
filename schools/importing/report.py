"""What an import found: counts per kind (new, updated, unchanged, invalid) and every problem."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass
class Problem:
    source: str  # file and sheet
    row: int | None  # as Excel numbers it; None for the file or sheet as a whole
    column: str | None  # the header as written in the file
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.row:
            where += ", " + _("row %(row)s") % {"row": self.row}
        if self.column:
            where += ", " + _("column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class Counts:
    label: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    removed: int = 0


@dataclass
class ImportReport:
    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = True
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def invalid_rows(self) -> int:
        return len({(p.source, p.row) for p in self.problems})

    def count(self, key: str, label: str) -> Counts:
        return self.counts.setdefault(key, Counts(str(label)))

    def lines(self) -> list[str]:
        lines = [f"{'':<28}{_('new'):>9}{_('updated'):>9}{_('unchanged'):>11}{_('invalid'):>9}"]
        for counts in self.counts.values():
            lines.append(
                f"{counts.label:<28}{counts.new:>9}{counts.updated:>9}{counts.unchanged:>11}"
                f"{counts.invalid:>9}"
            )
        for problem in self.problems:
            lines.append(str(problem))
        if self.applied:
            lines.append(_("Imported: the changes are saved."))
        elif self.problems:
            lines.append(
                _("Nothing was changed: %(count)s problem(s) to fix first.")
                % {"count": len(self.problems)}
            )
        else:
            lines.append(_("Dry run: nothing was changed."))
        return lines
