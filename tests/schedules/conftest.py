"""Fixtures of the schedules tests: the spec's small example district, users, other databases."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connections
from django.utils import translation

from schools.models import Membership
from schools.services import district_load_from_instance
from tests.conftest import REPO, SPEC_DIR
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english():
    """Messages in their English source text (the pages themselves stay Dutch by default)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def example_instance() -> dict:
    return json.loads((SPEC_DIR / "example-instance.json").read_text())


def load_district(instance: dict, code: str):
    return district_load_from_instance(instance=instance, code=code, name=f"District {code}")


@pytest.fixture
def district(db, example_instance):
    return load_district(example_instance, "example")


@pytest.fixture
def coordinator(district):
    user = UserFactory(username="coordinator")
    Membership.objects.create(user=user, district=district, role=Membership.Role.COORDINATOR)
    return user


@contextlib.contextmanager
def default_database(settings_dict: dict) -> Iterator[None]:
    """Points the ``default`` alias at another database, for this and any new thread.

    The test database of pytest-django stays open and untouched; it is back in
    place afterwards. The caller unblocks database access (``django_db_blocker``).
    """
    old_settings = connections.settings["default"]
    old_wrapper = connections["default"]
    connections.settings["default"] = {**old_settings, **settings_dict}
    wrapper = connections.create_connection("default")
    connections._connections.default = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections._connections.default = old_wrapper
        connections.settings["default"] = old_settings


def wait_for(predicate: Callable[[], object], *, timeout: float, what: str, every=0.2):
    """The predicate's first true value within ``timeout`` seconds, or a failed test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class Worker:
    """A real ``manage.py db_worker`` process on the test's database file."""

    def __init__(self, database: Path, log: Path):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.schedules.file_db_settings",
            "SCHEDULES_TEST_DATABASE": str(database),
            "SCHEDULES_HEARTBEAT_SECONDS": "0.5",
            "PYTHONPATH": str(REPO),
        }
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
            ],
            cwd=REPO,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def tables_create() -> None:
    """Every table straight from the models, as the migrations leave them, in a second.

    The migrations themselves run for pytest-django's test database.
    """
    from django.apps import apps
    from django.core.management import call_command
    from django.test import override_settings

    with override_settings(MIGRATION_MODULES={app.label: None for app in apps.get_app_configs()}):
        call_command("migrate", run_syncdb=True, verbosity=0)


@pytest.fixture(scope="session")
def migrated_database_file(django_db_blocker, tmp_path_factory) -> Path:
    """A SQLite file with every table, made once per session and copied by each test."""
    path = tmp_path_factory.mktemp("schedules-db") / "migrated.sqlite3"
    with django_db_blocker.unblock(), default_database({"NAME": str(path)}):
        tables_create()
    return path


@pytest.fixture
def file_database(migrated_database_file, tmp_path, django_db_blocker) -> Iterator[Path]:
    """A migrated SQLite file as the default database, shared with worker processes."""
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(migrated_database_file) as source, sqlite3.connect(path) as target:
        source.backup(target)
    with django_db_blocker.unblock(), default_database({"NAME": str(path)}):
        yield path


@pytest.fixture
def start_worker(file_database, tmp_path) -> Iterator[Callable[[], Worker]]:
    workers: list[Worker] = []

    def start() -> Worker:
        worker = Worker(file_database, tmp_path / f"worker-{len(workers)}.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


# ---------------------------------------------------------------------------
# A solved and published district with people linked to it (issue 6)
# ---------------------------------------------------------------------------

_SOLVED: dict[str, object] = {}


@pytest.fixture
def cached_solve(monkeypatch):
    """The real solver, solving each distinct instance once per test session."""
    import schedules.services
    from solver.engine import solve

    def solve_once(instance, **options):
        key = json.dumps(instance.to_dict(), sort_keys=True)
        if key not in _SOLVED:
            _SOLVED[key] = solve(instance, time_limit=5, workers=options.get("workers", 2))
        return _SOLVED[key]

    monkeypatch.setattr(schedules.services, "solve", solve_once)


def publish_solved(district):
    """Solves the district through the services and publishes the version."""
    from schedules.services import schedule_version_publish, solve_run_create, solve_run_execute

    run = solve_run_create(district=district, user=None, time_limit=5)
    run = solve_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return schedule_version_publish(version=run.version, user=None)


@pytest.fixture
def published(district, cached_solve):
    return publish_solved(district)
