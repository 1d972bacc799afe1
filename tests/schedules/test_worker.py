"""The whole flow with real ``db_worker`` processes on a SQLite file, and a worker killed mid-solve."""

from __future__ import annotations

import datetime

import pytest

from schedules.models import ScheduleVersion, SolveRun
from schedules.selectors import schedule_version_solution
from schedules.services import (
    schedule_version_publish,
    solve_run_enqueue,
    solve_runs_fail_stale,
)
from schools.models import Activity, Pupil, Room
from solver.checker import check
from solver.generator.scenarios import generate
from solver.instance import Instance
from solver.solution import Solution
from tests.schedules.conftest import load_district, wait_for
from tests.schedules.helpers import session_make, version_make

pytestmark = pytest.mark.slow


def status_of(run: SolveRun) -> str:
    run.refresh_from_db()
    return run.status


def test_a_db_worker_solves_an_enqueued_run(file_database, start_worker, example_instance):
    district = load_district(example_instance, "example")
    run = solve_run_enqueue(district=district, user=None, time_limit=3)
    assert run.task_id  # enqueued once the (auto)commit happened

    worker = start_worker()
    wait_for(
        lambda: status_of(run) not in SolveRun.ACTIVE,
        timeout=60,
        what=f"the worker to finish the run:\n{worker.output()}",
    )
    assert run.status == SolveRun.Status.SUCCEEDED, run.error + worker.output()
    version = ScheduleVersion.objects.get(run=run)
    assert version.status == ScheduleVersion.Status.DRAFT
    report = check(
        Instance.from_dict(run.instance),
        Solution.from_dict(schedule_version_solution(version=version)),
    )
    assert report.valid and report.unmet_minutes == version.unmet_minutes
    assert version.sessions.count() == len(version.solution["sessions"]) > 0


def test_a_killed_worker_fails_its_run_and_a_retry_succeeds(file_database, start_worker):
    # A real school of about 200 pupils: its solve takes long enough to be killed midway.
    district = load_district(generate("school", 1).instance.to_dict(), "school")
    published = version_make(district, 1)
    session_make(
        published,
        activity=Activity.objects.filter(district=district).first(),
        day="mon",
        start="15:00",
        room=Room.objects.filter(site__district=district).first(),
        pupils=list(Pupil.objects.filter(school__district=district)[:3]),
    )
    schedule_version_publish(version=published, user=None)
    published.refresh_from_db()
    published_at = published.published_at

    run = solve_run_enqueue(district=district, user=None, time_limit=60)
    worker = start_worker()
    wait_for(
        lambda: status_of(run) == SolveRun.Status.RUNNING and run.heartbeat_at,
        timeout=60,
        what=f"the worker to start solving:\n{worker.output()}",
    )
    first_beat = run.heartbeat_at
    wait_for(  # the heartbeat thread writes while the solver thinks
        lambda: status_of(run) == SolveRun.Status.RUNNING and run.heartbeat_at > first_beat,
        timeout=10,
        what="a second heartbeat",
    )
    worker.kill()

    stale_after = datetime.timedelta(seconds=2)
    assert solve_runs_fail_stale(older_than=stale_after) == 0  # not stale yet
    wait_for(
        lambda: solve_runs_fail_stale(older_than=stale_after),
        timeout=10,
        what="the heartbeat to go stale",
    )
    assert status_of(run) == SolveRun.Status.FAILED
    assert "heartbeat" in run.error
    assert not ScheduleVersion.objects.filter(run=run).exists()
    published.refresh_from_db()
    assert published.status == ScheduleVersion.Status.PUBLISHED
    assert published.published_at == published_at
    assert published.sessions.count() == 1

    retry = solve_run_enqueue(district=district, user=None, time_limit=3)
    start_worker()
    wait_for(lambda: status_of(retry) not in SolveRun.ACTIVE, timeout=90, what="the retry")
    assert retry.status == SolveRun.Status.SUCCEEDED, retry.error
    draft = ScheduleVersion.objects.get(run=retry)
    assert (draft.number, draft.status) == (2, ScheduleVersion.Status.DRAFT)
    assert draft.coverage > 0.5
    published.refresh_from_db()
    assert published.status == ScheduleVersion.Status.PUBLISHED
