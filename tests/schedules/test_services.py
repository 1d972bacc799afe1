"""Solve runs and versions through the services, solved for real on the spec's example district."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from schedules.models import ScheduleVersion, SolveRun
from schedules.selectors import (
    schedule_version_coverage,
    schedule_version_solution,
    version_diff,
)
from schedules.services import (
    PublishConflict,
    SolveRunError,
    schedule_version_publish,
    solve_run_cancel,
    solve_run_enqueue,
    solve_run_execute,
    solve_runs_fail_stale,
)
from schools.models import Activity, Coach, Pupil, Room
from solver.checker import check
from solver.instance import Instance
from solver.solution import Solution
from tests.schedules.helpers import session_make, version_make

pytestmark = pytest.mark.django_db


def solved(district, django_capture_on_commit_callbacks, time_limit=3) -> SolveRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = solve_run_enqueue(district=district, user=None, time_limit=time_limit)
    return solve_run_execute(run_id=run.pk)


def test_enqueue_snapshots_the_instance_and_the_run_solves_it(
    district, coordinator, example_instance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = solve_run_enqueue(district=district, user=coordinator, time_limit=3)
    assert len(callbacks) == 1  # the task goes out only once the run is committed
    run.refresh_from_db()
    assert run.status == SolveRun.Status.QUEUED
    assert run.task_id
    assert run.requested_by == coordinator
    assert run.instance["weights"]["mixed_classes"] == 2

    # The coordinator changes the district while the run waits in the queue.
    district.weight_mixed_classes = 7
    district.days = example_instance["days"][:1]
    district.save()

    run = solve_run_execute(run_id=run.pk)
    assert run.status == SolveRun.Status.SUCCEEDED, run.error
    version = run.version
    assert version.report["weights"]["mixed_classes"] == 2  # solved as queued
    assert run.instance["days"] == example_instance["days"]
    assert {s["day"] for s in version.solution["sessions"]} <= set(example_instance["days"])


def test_execute_stores_a_draft_that_the_checker_accepts(
    district, django_capture_on_commit_callbacks
):
    run = solved(district, django_capture_on_commit_callbacks)
    assert run.status == SolveRun.Status.SUCCEEDED, run.error
    assert run.heartbeat_at is not None and run.started_at and run.finished_at
    assert run.coverage is not None and "coverage" in run.log
    version = run.version
    assert version.status == ScheduleVersion.Status.DRAFT
    assert version.number == 1
    assert version.sessions.count() > 0

    # Rebuilt from the database rows, not from the stored JSON: the id mapping is right.
    report = check(
        Instance.from_dict(run.instance),
        Solution.from_dict(schedule_version_solution(version=version)),
    )
    assert report.valid, report.format_text()
    assert report.unmet_minutes == version.unmet_minutes
    assert report.coverage == pytest.approx(version.coverage)
    assert version.penalty == pytest.approx(report.penalty)

    coverage = schedule_version_coverage(version=version)
    assert [row["site"] for row in coverage["schools"]]
    assert sum(row["unmet_minutes"] for row in coverage["schools"]) == version.unmet_minutes
    assert {row["category"] for row in coverage["categories"]} <= {
        c["id"] for c in run.instance["categories"]
    }


def test_publish_supersedes_the_old_version(district, coordinator):
    first = version_make(district, 1)
    second = version_make(district, 2)
    schedule_version_publish(version=first, user=coordinator)
    first.refresh_from_db()
    assert first.status == ScheduleVersion.Status.PUBLISHED
    assert first.published_by == coordinator and first.published_at

    schedule_version_publish(version=second, user=coordinator)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ScheduleVersion.Status.SUPERSEDED
    assert second.status == ScheduleVersion.Status.PUBLISHED

    with pytest.raises(PublishConflict, match="no longer a draft"):
        schedule_version_publish(version=first, user=coordinator)


def test_publish_refuses_when_another_version_was_published_meanwhile(district, coordinator):
    first, second = version_make(district, 1), version_make(district, 2)
    # Both coordinators reviewed their draft while nothing was published.
    schedule_version_publish(version=first, user=coordinator, expected_published=None)
    with pytest.raises(PublishConflict, match="Another coordinator published version 1"):
        schedule_version_publish(version=second, user=coordinator, expected_published=None)
    second.refresh_from_db()
    assert second.status == ScheduleVersion.Status.DRAFT


def test_the_database_refuses_two_published_versions(district):
    version_make(district, 1, ScheduleVersion.Status.PUBLISHED)
    with pytest.raises(IntegrityError), transaction.atomic():
        version_make(district, 2, ScheduleVersion.Status.PUBLISHED)


def test_a_failed_solve_leaves_the_published_version_untouched(
    district, django_capture_on_commit_callbacks
):
    good = solved(district, django_capture_on_commit_callbacks).version
    schedule_version_publish(version=good, user=None)
    sessions_before = good.sessions.count()

    with django_capture_on_commit_callbacks(execute=True):
        run = solve_run_enqueue(district=district, user=None, time_limit=3)
    broken = dict(run.instance, activities=[])  # a snapshot the solver must refuse
    SolveRun.objects.filter(pk=run.pk).update(instance=broken)

    run = solve_run_execute(run_id=run.pk)
    assert run.status == SolveRun.Status.FAILED
    assert run.error and run.finished_at
    good.refresh_from_db()
    assert good.status == ScheduleVersion.Status.PUBLISHED
    assert good.sessions.count() == sessions_before
    assert not ScheduleVersion.objects.filter(run=run).exists()


def test_a_second_solve_waits_for_the_first(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        solve_run_enqueue(district=district, user=None, time_limit=3)
        with pytest.raises(SolveRunError, match="already queued or running"):
            solve_run_enqueue(district=district, user=None, time_limit=3)


def test_a_cancelled_run_is_not_solved(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = solve_run_enqueue(district=district, user=None, time_limit=3)
    assert solve_run_cancel(run=run)
    assert run.status == SolveRun.Status.CANCELLED
    run = solve_run_execute(run_id=run.pk)
    assert run.status == SolveRun.Status.CANCELLED
    assert not ScheduleVersion.objects.filter(district=district).exists()
    assert not solve_run_cancel(run=run)  # finished already


def test_runs_with_a_stale_heartbeat_fail(district):
    now = timezone.now()

    def run(heartbeat_seconds_ago, status=SolveRun.Status.RUNNING):
        return SolveRun.objects.create(
            district=district,
            instance={},
            status=status,
            heartbeat_at=now - datetime.timedelta(seconds=heartbeat_seconds_ago),
        )

    stale, fresh, done = run(60), run(1), run(600, SolveRun.Status.SUCCEEDED)
    assert solve_runs_fail_stale(older_than=datetime.timedelta(seconds=30)) == 1
    for r in (stale, fresh, done):
        r.refresh_from_db()
    assert stale.status == SolveRun.Status.FAILED and "heartbeat" in stale.error
    assert fresh.status == SolveRun.Status.RUNNING
    assert done.status == SolveRun.Status.SUCCEEDED


def test_diff_of_a_hand_made_pair_of_versions(district):
    act = {a.code: a for a in Activity.objects.filter(district=district)}
    football, other = sorted(act.values(), key=lambda a: a.code)[:2]
    room_a, room_b = list(Room.objects.filter(site__district=district).order_by("pk"))[:2]
    coach = Coach.objects.filter(district=district).first()
    p1, p2, p3, p4 = Pupil.objects.filter(school__district=district).order_by("pk")
    old, new = version_make(district, 1), version_make(district, 2)

    def both(**session):
        session_make(old, **session)
        session_make(new, **session)

    # Unchanged: the same group, time, room and coach in both.
    both(activity=football, day="mon", start="15:00", room=room_a, pupils=[p1, p2], coaches=[coach])
    # Moved: the same group of the same activity, another day.
    session_make(old, activity=other, day="mon", start="15:00", room=room_b, pupils=[p3])
    session_make(new, activity=other, day="tue", start="16:00", room=room_b, pupils=[p3])
    # A group that occurs twice: one stays, one moves to another room.
    both(activity=football, day="tue", start="15:00", room=room_a, pupils=[p4])
    session_make(old, activity=football, day="mon", start="16:00", room=room_a, pupils=[p4])
    session_make(new, activity=football, day="mon", start="16:00", room=room_b, pupils=[p4])
    # Removed and added: the group changed (p2 joined p1's other-activity group).
    session_make(old, activity=other, day="tue", start="15:00", room=room_b, pupils=[p1])
    session_make(new, activity=other, day="tue", start="15:00", room=room_b, pupils=[p1, p2])

    diff = version_diff(old=old, new=new)
    assert diff.unchanged == 2
    assert [(o.day, n.day, o.room == n.room) for o, n in diff.moved] == [
        ("mon", "mon", False),
        ("mon", "tue", True),
    ]
    assert [r.pupils for r in diff.removed] == [frozenset({f"p{p1.pk}"})]
    assert [r.pupils for r in diff.added] == [frozenset({f"p{p1.pk}", f"p{p2.pk}"})]
    # p3 and p4 moved, p1 and p2 are in the changed group: everyone is affected.
    assert diff.pupils_affected == {f"p{p.pk}" for p in (p1, p2, p3, p4)}

    nothing = version_diff(old=new, new=new)
    assert not nothing.has_changes and nothing.unchanged == 5
    from_scratch = version_diff(old=None, new=new)
    assert len(from_scratch.added) == 5


def test_the_commands_solve_and_publish(district):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("solve_district", district.code, "--wait", "--time-limit", "3", stdout=out)
    assert "version 1" in out.getvalue()
    call_command("publish_schedule", district.code, "--version", "1", stdout=out)
    version = ScheduleVersion.objects.get(district=district, number=1)
    assert version.status == ScheduleVersion.Status.PUBLISHED
    call_command("solve_district", district.code, "--wait", "--skip-if-published", stdout=out)
    assert ScheduleVersion.objects.filter(district=district).count() == 1

    call_command("solve_district", district.code, "--time-limit", "3", stdout=out)  # queued only
    assert SolveRun.objects.filter(district=district, status=SolveRun.Status.QUEUED).count() == 1


def test_progress_is_saved_and_a_cancelled_run_stops_at_the_next_report(district):
    from schedules.services import _ProgressWriter, _RunStopped
    from solver.engine import Progress

    run = SolveRun.objects.create(
        district=district, instance={}, status=SolveRun.Status.RUNNING, heartbeat_at=None
    )
    on_progress = _ProgressWriter(run)
    on_progress(Progress(elapsed=1.5, coverage=0.75, penalty=40.0, stage="constructed"))
    run.refresh_from_db()
    assert (run.elapsed, run.coverage, run.penalty, run.stage) == (1.5, 0.75, 40.0, "constructed")
    assert run.heartbeat_at is not None and "constructed" in run.log

    on_progress(Progress(elapsed=1.6, coverage=0.8, penalty=39.0, stage="improved"))
    run.refresh_from_db()
    assert run.coverage == 0.75  # at most one save per half second

    solve_run_cancel(run=run)
    with pytest.raises(_RunStopped):
        on_progress(Progress(elapsed=1.7, coverage=0.9, penalty=30.0, stage="improved"))
