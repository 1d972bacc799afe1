"""What-if (issue 7): solve a copy of the district's data with hypothetical changes.

The coordinator adds a coach, a room or a longer window that does not exist
(yet) and sees the coverage it would give. :func:`solve_run_what_if_enqueue`
snapshots the real data as any solve does, applies the changes to that copy
(``solver.explain.capacity.apply_edits``, the same edits the findings' suggestions
are made of) and queues the run; ``SolveRun.what_if`` keeps the changes. Real data
and the published schedule are never touched, and the draft of a what-if run can
never be published (``services.schedule_version_publish`` refuses it).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from schedules import services
from schedules.explain import language_active, run_finding_edit
from schedules.models import ScheduleVersion, SolveRun
from schools.models import District
from solver.explain import LANGUAGES
from solver.explain.capacity import apply_edits, edit_suggestion
from solver.instance import Instance

# A what-if stacks at most this many changes (one per press, plus the ones it started from).
MAX_CHANGES = 10


def _edit(change: dict[str, Any]) -> dict[str, Any]:
    """The change without what is stored beside it (its texts)."""
    return {k: v for k, v in change.items() if k != "text"}


def solve_run_what_if_enqueue(
    *, district: District, user, time_limit: int, changes: list[dict[str, Any]]
) -> SolveRun:
    """Queues a solve of the district's data with ``changes`` applied to a copy of it."""
    if not changes:
        raise services.SolveRunError(_("A what-if needs at least one change."))
    if len(changes) > MAX_CHANGES:
        raise services.SolveRunError(
            _("A what-if takes at most %(n)s changes.") % {"n": MAX_CHANGES}
        )

    edits = [_edit(change) for change in changes]
    with transaction.atomic():
        run = services.solve_run_create(district=district, user=user, time_limit=time_limit)
        real = Instance.from_dict(run.instance)
        try:
            changed = apply_edits(real, edits)
            snapshot = changed.to_dict()
            Instance.from_dict(snapshot)  # the copy is a valid instance (InstanceError otherwise)
        except (ValueError, KeyError, TypeError) as error:
            raise services.SolveRunError(
                _("This change cannot be tried on the district's data: %(reason)s")
                % {"reason": error}
            ) from error
        run.instance = snapshot
        run.what_if = [
            {**edit, "text": {lang: edit_suggestion(real, edit).text(lang) for lang in LANGUAGES}}
            for edit in edits
        ]
        run.save(update_fields=["instance", "what_if"])
        services.solve_run_enqueue_on_commit(run=run)
    return run


def solve_run_try_suggestion(*, run: SolveRun, phase: str, index: int, user) -> SolveRun:
    """A what-if with the stored suggestion of one of the run's findings (on top of the
    run's own changes when the run is a what-if itself)."""
    edit = run_finding_edit(run=run, phase=phase, index=index)
    if edit is None:
        raise services.SolveRunError(_("This finding has no change that can be tried."))
    changes = [_edit(change) for change in run.what_if or []] + [edit]
    return solve_run_what_if_enqueue(
        district=run.district, user=user, time_limit=run.time_limit, changes=changes
    )


def what_if_summary(*, run: SolveRun, language: str | None = None) -> dict[str, Any] | None:
    """For a what-if run's page: its changes and its coverage against the real schedules."""
    if not run.is_what_if:
        return None
    language = language or language_active()
    baseline = next(
        (
            other
            for other in SolveRun.objects.filter(
                district_id=run.district_id, status=SolveRun.Status.SUCCEEDED
            ).only("pk", "coverage", "what_if", "time_limit", "created_at")[:50]
            if not other.is_what_if
        ),
        None,
    )
    published = (
        ScheduleVersion.objects.filter(
            district_id=run.district_id, status=ScheduleVersion.Status.PUBLISHED
        )
        .only("pk", "number", "coverage")
        .first()
    )

    def percent(value: float | None) -> float | None:
        return None if value is None else round(100 * value, 2)

    def gain(other: float | None) -> float | None:
        """Percentage points this what-if covers more (negative: less) than ``other``."""
        if run.coverage is None or other is None:
            return None
        return round(100 * (run.coverage - other), 2)

    return {
        "changes": [_capital(_change_text(change, language)) for change in run.what_if],
        "coverage": percent(run.coverage),
        "baseline": baseline,
        "baseline_coverage": percent(baseline.coverage if baseline else None),
        "baseline_gain": gain(baseline.coverage if baseline else None),
        "published": published,
        "published_coverage": percent(published.coverage if published else None),
        "published_gain": gain(published.coverage if published else None),
    }


def _change_text(change: dict[str, Any], language: str) -> str:
    return (change.get("text") or {}).get(language) or str(change.get("kind", ""))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
