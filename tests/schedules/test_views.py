"""The coordinator's pages: who sees what, solving from the page, progress JSON, publishing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schedules.models import ScheduleVersion, SolveRun
from schools.models import Membership, Site
from tests.factories import UserFactory
from tests.schedules.conftest import load_district
from tests.schedules.helpers import version_make

pytestmark = pytest.mark.django_db


def pages(district, run=None, version=None):
    urls = [reverse("schedules:district_runs", args=[district.code])]
    if run is not None:
        urls += [
            reverse("schedules:run_detail", args=[district.code, run.pk]),
            reverse("schedules:run_progress", args=[district.code, run.pk]),
        ]
    if version is not None:
        urls.append(reverse("schedules:version_detail", args=[district.code, version.number]))
    return urls


@pytest.fixture
def run(district):
    return SolveRun.objects.create(district=district, instance={}, time_limit=30)


def test_the_coordinator_sees_the_district_pages(client, coordinator, district, run):
    version = version_make(district, 1)
    client.force_login(coordinator)
    for url in pages(district, run, version):
        assert client.get(url).status_code == 200, url
    page = client.get(pages(district)[0]).content.decode()
    assert reverse("schedules:run_detail", args=[district.code, run.pk]) in page


def test_others_get_404(client, district, example_instance, run):
    version = version_make(district, 1)
    other = load_district(example_instance, "other")
    school = Site.objects.filter(district=district, kind=Site.Kind.SCHOOL).first()
    principal, coach, stranger = UserFactory(), UserFactory(), UserFactory()
    Membership.objects.create(
        user=principal, district=district, site=school, role=Membership.Role.PRINCIPAL
    )
    Membership.objects.create(user=coach, district=district, role=Membership.Role.COACH)
    Membership.objects.create(user=stranger, district=other, role=Membership.Role.COORDINATOR)
    for user in (principal, coach, stranger):
        client.force_login(user)
        for url in pages(district, run, version):
            assert client.get(url).status_code == 404, (user, url)
        publish = reverse("schedules:version_publish", args=[district.code, 1])
        assert client.post(publish).status_code == 404
    client.logout()
    assert client.get(pages(district)[0]).status_code == 302  # to the login page


def test_progress_json_has_the_fields(client, coordinator, district, run):
    SolveRun.objects.filter(pk=run.pk).update(
        status=SolveRun.Status.RUNNING, elapsed=3.25, coverage=0.9, penalty=12.5, stage="greedy"
    )
    client.force_login(coordinator)
    data = client.get(reverse("schedules:run_progress", args=[district.code, run.pk])).json()
    assert data["status"] == "running" and data["finished"] is False
    assert data["elapsed"] == 3.2 or data["elapsed"] == 3.3
    assert (data["coverage"], data["penalty"], data["stage"]) == (0.9, 12.5, "greedy")
    assert data["time_limit"] == 30 and data["version"] is None


def test_solve_from_the_page_and_publish(
    client, coordinator, district, django_capture_on_commit_callbacks
):
    from schedules.services import solve_run_execute

    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("schedules:run_start", args=[district.code]), {"time_limit": "30"}
        )
    run = SolveRun.objects.get(district=district)
    assert response.url == reverse("schedules:run_detail", args=[district.code, run.pk])
    assert run.requested_by == coordinator and run.time_limit == 30 and run.task_id

    SolveRun.objects.filter(pk=run.pk).update(time_limit=3)
    run = solve_run_execute(run_id=run.pk)
    version = run.version
    page = client.get(reverse("schedules:version_detail", args=[district.code, 1]))
    assert page.status_code == 200
    publish = reverse("schedules:version_publish", args=[district.code, 1])
    assert publish in page.content.decode()  # the Publish button's form
    assert "Publiceren" in page.content.decode()  # Dutch by default

    response = client.post(publish, {"expected_published": ""})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == ScheduleVersion.Status.PUBLISHED
    assert version.published_by == coordinator


def test_cancel_from_the_page(client, coordinator, district, run):
    client.force_login(coordinator)
    client.post(reverse("schedules:run_cancel", args=[district.code, run.pk]))
    run.refresh_from_db()
    assert run.status == SolveRun.Status.CANCELLED


def test_the_solve_form_offers_only_the_listed_time_limits(client, coordinator, district):
    client.force_login(coordinator)
    client.post(reverse("schedules:run_start", args=[district.code]), {"time_limit": "9999"})
    assert not SolveRun.objects.filter(district=district).exists()
