"""The RQ path: the same task on real Redis, run by two real ``rqworker`` processes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import override_settings

from schedules.models import ScheduleVersion, SolveRun
from schedules.services import solve_run_create, solve_run_enqueue, solve_run_execute
from tests.conftest import REPO
from tests.schedules.conftest import load_district, wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow]

REDIS_DB = 15  # a database of its own, emptied of our queue before use


@pytest.fixture
def rq_settings(redis_available, file_database):
    url = f"redis://{redis_available.host}:{redis_available.port}/{REDIS_DB}"
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queues = {"default": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    with override_settings(TASKS=tasks, RQ_QUEUES=queues):
        import django_rq

        django_rq.get_queue("default").empty()
        yield url


@pytest.fixture
def rq_workers(rq_settings, file_database, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.schedules.file_db_settings",
        "SCHEDULES_TEST_DATABASE": str(file_database),
        "TASKS_BACKEND": "rq",
        "REDIS_URL": rq_settings,
        "PYTHONPATH": str(REPO),
    }
    logs = [tmp_path / f"rq-{i}.log" for i in range(2)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "--job-class",
                "django_tasks_rq.Job",
                "--name",
                f"schedules-test-{os.getpid()}-{i}",
                "default",
            ],
            cwd=REPO,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        for i, log in enumerate(logs)
    ]
    yield lambda: "\n".join(log.read_text(errors="replace") for log in logs)
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # still importing, or in a warm shutdown
            process.kill()
            process.wait(timeout=5)


def test_two_rq_workers_solve_two_districts(rq_workers, example_instance):
    districts = [load_district(example_instance, code) for code in ("north", "south")]
    runs = [solve_run_enqueue(district=d, user=None, time_limit=3) for d in districts]
    assert all(run.task_id for run in runs)

    def finished():
        for run in runs:
            run.refresh_from_db()
        return all(run.status not in SolveRun.ACTIVE for run in runs)

    wait_for(finished, timeout=90, what=f"two RQ workers to finish:\n{rq_workers()}")
    for run in runs:
        assert run.status == SolveRun.Status.SUCCEEDED, run.error + rq_workers()
    versions = [ScheduleVersion.objects.get(run=run) for run in runs]

    # One after the other, in this process: the same figures.
    for district, version in zip(districts, versions, strict=True):
        again = solve_run_execute(
            run_id=solve_run_create(district=district, user=None, time_limit=3).pk
        ).version
        assert (again.coverage, again.unmet_minutes) == (version.coverage, version.unmet_minutes)
        assert again.sessions.count() == version.sessions.count()
