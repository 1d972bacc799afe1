"""Two coordinators publishing at the same moment on PostgreSQL: exactly one wins."""

from __future__ import annotations

import os
import threading
import uuid

import psycopg
import pytest
from django.db import connection
from django.utils import translation

from schedules.models import ScheduleVersion
from schedules.services import PublishConflict, schedule_version_publish
from schools.models import District
from tests.schedules.conftest import default_database, tables_create
from tests.schedules.helpers import version_make

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture
def postgres_database(postgres_available, django_db_blocker):
    """A fresh, migrated PostgreSQL database as the default one (threads included)."""
    user = os.environ.get("POSTGRES_USER", "postgres")
    password = os.environ.get("POSTGRES_PASSWORD", "")
    name = f"schedules_race_{uuid.uuid4().hex[:12]}"
    admin = {
        "host": postgres_available.host,
        "port": postgres_available.port,
        "user": user,
        "password": password,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": user,
        "PASSWORD": password,
        "HOST": postgres_available.host,
        "PORT": str(postgres_available.port),
        "OPTIONS": {},
        "CONN_MAX_AGE": 0,
    }
    try:
        with django_db_blocker.unblock(), default_database(settings):
            tables_create()
            yield
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def publish_at_once(drafts, expected) -> dict[int, object]:
    """Two threads (two connections) publish one draft each, released together."""
    barrier = threading.Barrier(len(drafts))
    outcomes: dict[int, object] = {}

    def publish(version):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                schedule_version_publish(version=version, user=None, expected_published=expected)
            outcomes[version.pk] = "won"
        except PublishConflict as error:
            outcomes[version.pk] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_exactly_one_of_two_concurrent_publishers_wins(postgres_database):
    district = District.objects.create(code="race", name="Race")
    published = None
    for round_number in range(5):
        drafts = [version_make(district, 2 * round_number + i + 1) for i in (0, 1)]
        # Both coordinators reviewed their draft against the same published version.
        outcomes = publish_at_once(drafts, published.pk if published else None)

        winners = [pk for pk, outcome in outcomes.items() if outcome == "won"]
        losers = [o for o in outcomes.values() if isinstance(o, PublishConflict)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        assert "Another coordinator published" in str(losers[0])
        now_published = ScheduleVersion.objects.get(
            district=district, status=ScheduleVersion.Status.PUBLISHED
        )
        assert now_published.pk == winners[0]
        loser = next(d for d in drafts if d.pk != winners[0])
        loser.refresh_from_db()
        assert loser.status == ScheduleVersion.Status.DRAFT
        if published is not None:
            published.refresh_from_db()
            assert published.status == ScheduleVersion.Status.SUPERSEDED
        published = now_published
