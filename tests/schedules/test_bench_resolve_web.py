"""``manage.py bench_resolve_web``: a re-solve through the services, timed, then undone."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from schedules.models import ScheduleChange, ScheduleVersion, SolveRun
from tests.schedules.test_changes import district, published  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def state() -> tuple:
    return (
        sorted(ScheduleVersion.objects.values_list("pk", "status")),
        SolveRun.objects.count(),
        ScheduleChange.objects.count(),
    )


def test_the_benchmark_re_solves_both_changes_and_leaves_the_database_as_it_was(
    district,  # noqa: F811
    published,  # noqa: F811
):
    before = state()
    out = io.StringIO()
    call_command(
        "bench_resolve_web", district=district.code, change="both", time_limit=5, stdout=out
    )
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| ")]
    header, coach, gym = rows
    assert "enqueue → stored (s)" in header and "e-mails" in header
    assert coach.startswith("| coach C") and " away on " in coach
    assert gym.startswith("| gym ") and "closed all week" in gym
    # The coach's sessions that day were taken away, so something changed.
    columns = [cell.strip() for cell in coach.strip("|").split("|")]
    assert int(columns[8]) > 0 and columns[9] != "0 (0 / 0 / 0)"
    assert state() == before


def test_keep_leaves_the_last_draft_to_look_at(district, published):  # noqa: F811
    call_command(
        "bench_resolve_web", district=district.code, time_limit=5, keep=True, stdout=io.StringIO()
    )
    draft = ScheduleVersion.objects.get(district=district, status=ScheduleVersion.Status.DRAFT)
    assert draft.run.previous_version == published
    assert [c["kind"] for c in draft.run.changes] == ["coach_unavailable"]


def test_a_district_without_a_published_version_is_refused(district):  # noqa: F811
    with pytest.raises(CommandError, match="no published version"):
        call_command("bench_resolve_web", district=district.code, stdout=io.StringIO())
