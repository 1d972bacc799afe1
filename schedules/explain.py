"""Shortfalls of a solve in the coordinator's words (issue 7), stored with its draft.

The worker computes them once, when a run finishes (:func:`run_findings_build`,
``solver.explain``): the capacity analysis of the run's snapshot (what no
timetable can deliver) and the unmet minutes of the draft, attributed to the
resource that held them back. They are stored as data under
``ScheduleVersion.report["explain"]``, with each text in Dutch and in English,
so the run page (:func:`run_findings`) shows them in the active language
without recomputing. A suggestion keeps its change as data (an *edit*, see
``solver.explain.capacity``), so the coordinator can try it as a what-if.

A re-solve (issue 8) changes a few schools of a district whose other schools
keep their week exactly. Its unmet minutes are read only at the schools it
changed (:func:`resolve_changed_schools`): where a pupil's sessions or unmet
minutes differ from the version it re-solved, or where a changed session is
held. Each finding read there is exactly what reading the whole district gives
(``solver.explain.attribution``). The other schools' pupils are short by
exactly the minutes they were short in that version; their total is stored
beside (``scope``) and the page links that version's run for its findings
(read on its own timetable). On a district of 30 schools this saves most of
the time a re-solve spent on findings (docs/benchmarks.md, "Issue 8: re-solve").

Coaches and rooms a what-if adds have ids starting with ``HYPOTHETICAL``; a
what-if draft stores only the sessions in real rooms, without the hypothetical
coaches (:func:`sessions_real`); its figures come from the solve of the copy.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from typing import Any

from django.utils import translation

from schedules.models import ScheduleVersion, SolveRun
from solver.checker import CheckReport
from solver.explain import LANGUAGES, Finding, explain
from solver.explain.capacity import HYPOTHETICAL
from solver.instance import Instance
from solver.solution import Session, Solution

log = logging.getLogger(__name__)

# Per phase; the rest is counted, not stored (a district can have hundreds of small ones).
MAX_FINDINGS = 30


def language_active() -> str:
    """``nl`` or ``en``: the findings' language for the active Django language."""
    language = (translation.get_language() or "nl").lower()
    return "en" if language.startswith("en") else "nl"


def run_findings_build(
    *,
    instance: Instance,
    solution: Solution,
    report: CheckReport,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The findings of a finished solve as JSON-ready data, in both languages, with timing.

    ``previous`` (a re-solve: :func:`resolve_previous`) limits the unmet minutes
    read to the schools the re-solve changed; ``scope`` then says which, and what
    the other schools are short.
    """
    started = time.perf_counter()
    scope = None
    try:
        if previous is not None and instance.previous is not None:
            changed = resolve_changed_schools(
                instance=instance,
                solution=solution,
                report=report,
                previous_deficits=previous["deficits"],
            )
            scope = _scope(instance=instance, report=report, schools=changed, previous=previous)
            findings = explain(instance, solution, report, unmet_schools=changed)
        else:
            findings = explain(instance, solution, report)
    except Exception as error:  # the draft is still good; say the explanation failed
        log.exception("explaining solve of %s failed", instance.name)
        return {"error": f"{type(error).__name__}: {error}", "before": [], "after": []}
    before = [f for f in findings if f.phase != "unmet"]
    after = [f for f in findings if f.phase == "unmet"]
    data = {
        "seconds": round(time.perf_counter() - started, 2),
        "before": [_finding_data(f) for f in before[:MAX_FINDINGS]],
        "after": [_finding_data(f) for f in after[:MAX_FINDINGS]],
        "before_count": len(before),
        "after_count": len(after),
        "before_minutes": sum(f.short for f in before),
        "after_minutes": sum(f.short for f in after),
    }
    if scope is not None:
        data["scope"] = scope
    return data


def resolve_previous(*, run: SolveRun) -> dict[str, Any] | None:
    """For a re-solve: the version it started from (number, run) and its unmet minutes per
    pupil, read from that version's stored report; None for any other run."""
    if not run.previous_version_id:
        return None
    row = (
        ScheduleVersion.objects.filter(pk=run.previous_version_id)
        .values_list("number", "run_id", "report__deficit_by_pupil")
        .first()
    )
    if row is None or not isinstance(row[2], dict):
        return None  # a version without a checker's report: read every school
    number, run_id, deficits = row
    return {"number": number, "run": run_id, "deficits": deficits}


def _session_key(session: Session) -> tuple:
    return (
        session.activity,
        session.day,
        session.start,
        session.end,
        session.room,
        tuple(sorted(session.coaches)),
        tuple(sorted(session.pupils)),
    )


def resolve_changed_schools(
    *,
    instance: Instance,
    solution: Solution,
    report: CheckReport,
    previous_deficits: dict[str, int],
) -> set[str]:
    """Sites a re-solve changed: whose pupils' sessions or unmet minutes differ from the
    previous version's (``instance.previous``), or where a session not in both is held."""
    before = Counter(_session_key(s) for s in Solution.from_dict(instance.previous).sessions)
    after = Counter(_session_key(s) for s in solution.sessions)
    changed = (before - after) + (after - before)
    pupils = {p for key in changed for p in key[6]}
    sites = {instance.room[key[4]].site for key in changed if key[4] in instance.room}
    deficits = report.deficit_by_pupil
    for pupil in set(deficits) | set(previous_deficits):
        if deficits.get(pupil, 0) != previous_deficits.get(pupil, 0):
            pupils.add(pupil)
    sites |= {instance.school_of(instance.pupil[p]) for p in pupils if p in instance.pupil}
    return sites


def _scope(
    *, instance: Instance, report: CheckReport, schools: set[str], previous: dict[str, Any]
) -> dict[str, Any]:
    """Which schools' unmet minutes were read, and the total of the others."""
    other = [
        minutes
        for pupil, minutes in report.deficit_by_pupil.items()
        if minutes > 0
        and pupil in instance.pupil
        and instance.school_of(instance.pupil[pupil]) not in schools
    ]
    read = [s for s in instance.sites if s.id in schools and s.kind == "school"]
    return {
        "schools": [s.id for s in read],
        "school_names": [s.name for s in read],
        "other_minutes": sum(other),
        "other_pupils": len(other),
        "version": previous["number"],
        "run": previous["run"],
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "phase": finding.phase,
        "kind": finding.kind,
        "short_minutes": finding.short,
        "school": finding.school,
        "category": finding.category,
        "text": {language: finding.text(language) for language in LANGUAGES},
    }
    suggestion = finding.suggestion
    if suggestion is not None and suggestion.recovers > 0:
        data["suggestion"] = {
            "kind": suggestion.kind,
            "recovers_minutes": suggestion.recovers,
            "text": {language: suggestion.text(language) for language in LANGUAGES},
            "edit": suggestion.edit,
        }
    return data


def run_findings_stored(*, run: SolveRun) -> dict[str, Any] | None:
    """The stored findings of the run's draft (only that key of the report is read), or None."""
    return ScheduleVersion.objects.filter(run=run).values_list("report__explain", flat=True).first()


def run_findings(*, run: SolveRun, language: str | None = None) -> dict[str, Any] | None:
    """The findings of the run for its page, texts in ``language`` (default: the active one)."""
    stored = run_findings_stored(run=run)
    if not stored:
        return None
    language = language or language_active()

    def rows(phase: str) -> list[dict[str, Any]]:
        out = []
        for index, item in enumerate(stored.get(phase, [])):
            suggestion = item.get("suggestion")
            out.append(
                {
                    "index": index,
                    "phase": phase,
                    "kind": item["kind"],
                    "hours": item["short_minutes"] / 60,
                    "text": item["text"].get(language) or item["text"].get("nl", ""),
                    "suggestion": suggestion
                    and {
                        "text": suggestion["text"].get(language, ""),
                        "hours": suggestion["recovers_minutes"] / 60,
                        "can_try": bool(suggestion.get("edit")),
                    },
                }
            )
        return out

    before, after = rows("before"), rows("after")
    return {
        "before": before,
        "after": after,
        "before_more": max(0, stored.get("before_count", 0) - len(before)),
        "after_more": max(0, stored.get("after_count", 0) - len(after)),
        "before_hours": round(stored.get("before_minutes", 0) / 60),
        "after_hours": round(stored.get("after_minutes", 0) / 60),
        "seconds": stored.get("seconds"),
        "error": stored.get("error", ""),
        "scope": _scope_shown(stored.get("scope")),
    }


def _scope_shown(scope: dict[str, Any] | None) -> dict[str, Any] | None:
    """A re-solve's scope for its page: the schools read, the others' hours."""
    if not scope:
        return None
    return {
        "schools": ", ".join(scope.get("school_names", [])),
        "other_hours": round(scope.get("other_minutes", 0) / 60),
        "other_pupils": scope.get("other_pupils", 0),
        "version": scope.get("version"),
        "run": scope.get("run"),
    }


def run_finding_edit(*, run: SolveRun, phase: str, index: int) -> dict[str, Any] | None:
    """The stored change of one finding's suggestion (None: no such finding or change)."""
    stored = run_findings_stored(run=run) or {}
    items = stored.get(phase, []) if phase in ("before", "after") else []
    if not 0 <= index < len(items):
        return None
    return (items[index].get("suggestion") or {}).get("edit")


def is_hypothetical(ident: str) -> bool:
    return ident.startswith(HYPOTHETICAL)


def sessions_real(sessions: list[Session] | tuple[Session, ...]) -> list[Session]:
    """The sessions in real rooms, without hypothetical coaches (what a what-if draft stores)."""
    return [
        dataclasses.replace(s, coaches=tuple(c for c in s.coaches if not is_hypothetical(c)))
        for s in sessions
        if not is_hypothetical(s.room)
    ]
