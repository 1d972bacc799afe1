"""Shortfalls on the run page and what-if solves (issue 7), solved for real, inline.

The district is the spec's example with the football coach turned into a second
music coach: nobody can lead football, so the four pupils' hour of sport a week
(240 pupil-minutes) is proved short before solving and unmet after. The
suggestion is an extra football coach at the school.
"""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

import solver.explain
from schedules.explain import sessions_real
from schedules.models import ScheduleVersion, SolveRun
from schedules.services import (
    PublishConflict,
    SolveRunError,
    WhatIfNotPublishable,
    schedule_version_publish,
    solve_run_enqueue,
    solve_run_execute,
)
from schedules.what_if import solve_run_try_suggestion, solve_run_what_if_enqueue
from schools.models import Coach, Room, Site
from solver.checker import check
from solver.instance import Instance
from solver.solution import Session, Solution
from tests.factories import UserFactory
from tests.schedules.conftest import load_district

pytestmark = pytest.mark.django_db

EXTRA_FOOTBALL_COACH = {
    "kind": "extra_coach",
    "site": "S1",
    "skill": "football",
    "day": "wed",
    "start": "12:30",
    "end": "16:00",
}


@pytest.fixture
def short_district(db, example_instance):
    data = copy.deepcopy(example_instance)
    for coach in data["coaches"]:
        if coach["id"] == "C1":
            coach["skills"] = ["music"]
    return load_district(data, "short")


@pytest.fixture
def short_coordinator(short_district):
    from schools.models import Membership

    user = UserFactory(username="short-coordinator")
    Membership.objects.create(user=user, district=short_district, role=Membership.Role.COORDINATOR)
    return user


def execute(enqueue, django_capture_on_commit_callbacks, **kwargs) -> SolveRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue(**kwargs)
    return solve_run_execute(run_id=run.pk)


@pytest.fixture
def real_run(short_district, django_capture_on_commit_callbacks) -> SolveRun:
    run = execute(
        solve_run_enqueue,
        django_capture_on_commit_callbacks,
        district=short_district,
        user=None,
        time_limit=3,
    )
    assert run.status == SolveRun.Status.SUCCEEDED, run.error
    return run


# -- findings stored with the draft, shown on the run page --------------------------------


def test_the_worker_stores_findings_in_both_languages(real_run):
    stored = real_run.version.report["explain"]
    assert stored["seconds"] is not None and stored["seconds"] < 10
    before = stored["before"][0]
    assert (before["phase"], before["kind"], before["category"]) == ("capacity", "coach", "sport")
    # 4 pupils x 60 minutes of sport, and no coach can lead football
    assert before["short_minutes"] == 240
    assert "4 uur sport" in before["text"]["nl"] and "4 hours of sport" in before["text"]["en"]
    suggestion = before["suggestion"]
    assert suggestion["edit"]["kind"] == "extra_coach"
    assert suggestion["edit"]["skill"] == "football"
    assert suggestion["recovers_minutes"] == 240
    # after solving: the same minutes unmet, attributed to the missing coach
    after = stored["after"]
    assert sum(f["short_minutes"] for f in after) == real_run.version.unmet_minutes
    assert any(f["kind"] == "coach" and f["category"] == "sport" for f in after)


def test_the_run_page_shows_findings_without_recomputing(
    client, short_coordinator, real_run, monkeypatch
):
    def no_explaining(*args, **kwargs):
        raise AssertionError("the page must not recompute the findings")

    monkeypatch.setattr(solver.explain, "explain", no_explaining)
    monkeypatch.setattr("schedules.explain.explain", no_explaining)
    client.force_login(short_coordinator)
    url = reverse("schedules:run_detail", args=[real_run.district.code, real_run.pk])
    dutch = client.get(url).content.decode()  # Dutch by default
    assert "Tekorten die vooraf vaststaan" in dutch
    assert "mist 4 uur sport per week" in dutch
    assert "Een extra coach voor Voetbal op ma 15:00–17:00" in dutch
    assert "Probeer deze suggestie" in dutch
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shortfalls proved before solving" in english
    assert "is 4 hours of sport a week short" in english
    assert "An extra coach for Voetbal on Mon 15:00–17:00" in english
    assert "Try this suggestion" in english


def test_no_findings_on_a_district_where_everything_fits(
    district, coordinator, client, django_capture_on_commit_callbacks
):
    run = execute(
        solve_run_enqueue, django_capture_on_commit_callbacks, district=district, user=None,
        time_limit=3,
    )  # fmt: skip
    stored = run.version.report["explain"]
    assert stored["before"] == []
    client.force_login(coordinator)
    page = client.get(
        reverse("schedules:run_detail", args=[district.code, run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "no shortfall is proved before solving" in page


# -- what-if ----------------------------------------------------------------------------


def test_a_what_if_solves_a_copy_and_covers_more(
    short_district, real_run, django_capture_on_commit_callbacks
):
    coaches, rooms = Coach.objects.count(), Room.objects.count()
    run = execute(
        solve_run_what_if_enqueue,
        django_capture_on_commit_callbacks,
        district=short_district,
        user=None,
        time_limit=3,
        changes=[EXTRA_FOOTBALL_COACH],
    )
    assert run.status == SolveRun.Status.SUCCEEDED, run.error
    assert run.is_what_if
    assert run.what_if[0]["skill"] == "football"
    assert "extra coach for Voetbal" in run.what_if[0]["text"]["en"]
    # the snapshot is the real one plus the coach; the real data is untouched
    assert len(run.instance["coaches"]) == len(real_run.instance["coaches"]) + 1
    assert (Coach.objects.count(), Room.objects.count()) == (coaches, rooms)
    # the coach gives the sport that was missing
    assert run.coverage > real_run.coverage
    assert run.version.unmet_minutes <= real_run.version.unmet_minutes - 240 + 60
    # the figures come from the solve of the copy, which the checker accepts
    report = check(Instance.from_dict(run.instance), Solution.from_dict(run.version.solution))
    assert report.valid and report.unmet_minutes == run.version.unmet_minutes
    # the stored rows are the real sessions, without the hypothetical coach
    stored_coaches = {c.pk for s in run.version.sessions.all() for c in s.coaches.all()}
    assert stored_coaches <= set(Coach.objects.values_list("pk", flat=True))
    assert run.version.sessions.count() == len(run.version.solution["sessions"])


def test_a_what_if_can_never_be_published(
    client, short_coordinator, short_district, real_run, django_capture_on_commit_callbacks
):
    published = schedule_version_publish(version=real_run.version, user=None)
    run = execute(
        solve_run_what_if_enqueue,
        django_capture_on_commit_callbacks,
        district=short_district,
        user=None,
        time_limit=3,
        changes=[EXTRA_FOOTBALL_COACH],
    )
    draft = run.version
    with pytest.raises(WhatIfNotPublishable, match="is a what-if"):
        schedule_version_publish(version=draft, user=None)
    assert issubclass(WhatIfNotPublishable, PublishConflict)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == ScheduleVersion.Status.DRAFT
    assert published.status == ScheduleVersion.Status.PUBLISHED

    client.force_login(short_coordinator)
    code = short_district.code
    page = client.get(
        reverse("schedules:version_detail", args=[code, draft.number]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert reverse("schedules:version_publish", args=[code, draft.number]) not in page
    assert "can never be published" in page
    # posting anyway changes nothing and says why
    response = client.post(
        reverse("schedules:version_publish", args=[code, draft.number]),
        {"expected_published": published.pk},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "is a what-if" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ScheduleVersion.Status.DRAFT

    # the run page says what-if, lists the change and compares with the real schedules
    page = client.get(
        reverse("schedules:run_detail", args=[code, run.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'id="what-if"' in page
    assert "An extra coach for Voetbal on Wed 12:30–16:00 at Basisschool De Regenboog" in page
    assert f"Latest real solve run {real_run.pk}" in page
    assert f"Published version {published.number}" in page
    assert "percentage points more" in page


def test_try_a_suggestion_from_the_run_page(
    client, short_coordinator, real_run, django_capture_on_commit_callbacks
):
    client.force_login(short_coordinator)
    code = real_run.district.code
    url = reverse("schedules:what_if_suggestion", args=[code, real_run.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"phase": "before", "index": "0"})
    run = SolveRun.objects.exclude(pk=real_run.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("schedules:run_detail", args=[code, run.pk])
    stored = real_run.version.report["explain"]["before"][0]["suggestion"]["edit"]
    assert [{k: v for k, v in c.items() if k != "text"} for c in run.what_if] == [stored]
    assert run.time_limit == real_run.time_limit and run.task_id

    # a finding without a change to try, or not there at all: a message, no run
    SolveRun.objects.filter(pk=run.pk).update(status=SolveRun.Status.CANCELLED)
    response = client.post(url, {"phase": "before", "index": "99"}, HTTP_ACCEPT_LANGUAGE="en")
    assert SolveRun.objects.count() == 2
    with pytest.raises(SolveRunError, match="no change"):
        solve_run_try_suggestion(run=real_run, phase="after", index=99, user=None)


def test_what_if_form_on_the_runs_page(
    client, short_coordinator, short_district, django_capture_on_commit_callbacks
):
    client.force_login(short_coordinator)
    code = short_district.code
    page = client.get(reverse("schedules:district_runs", args=[code])).content.decode()
    assert 'id="what-if-form"' in page
    gym = Site.objects.get(district=short_district, code="V1")
    form = {
        "change": "extra_room",
        "site": gym.code,
        "day": "mon",
        "start": "15:00",
        "end": "17:00",
        "room_kind": "gym",
        "capacity": "20",
        "time_limit": "30",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("schedules:what_if_start", args=[code]), form)
    run = SolveRun.objects.get()
    assert response.url == reverse("schedules:run_detail", args=[code, run.pk])
    assert run.what_if[0] == {
        "kind": "extra_room",
        "site": "V1",
        "day": "mon",
        "start": "15:00",
        "end": "17:00",
        "room_kind": "gym",
        "capacity": 20,
        "text": run.what_if[0]["text"],
    }
    room = next(r for r in run.instance["rooms"] if r["id"].startswith("x-"))
    assert (room["site"], room["kinds"], room["capacity"]) == ("V1", ["gym"], 20)
    SolveRun.objects.filter(pk=run.pk).update(status=SolveRun.Status.CANCELLED)

    # a window that ends earlier than it does now is refused with the reason
    bad = {**form, "change": "extend_window", "site": "S1", "end": "16:00"}
    response = client.post(
        reverse("schedules:what_if_start", args=[code]), bad, HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )  # fmt: skip
    assert "new end must be later" in response.content.decode()
    assert SolveRun.objects.count() == 1


def test_others_cannot_start_a_what_if(client, short_district, real_run, example_instance):
    other = load_district(example_instance, "other")
    from schools.models import Membership

    stranger = UserFactory()
    Membership.objects.create(user=stranger, district=other, role=Membership.Role.COORDINATOR)
    client.force_login(stranger)
    code = short_district.code
    assert client.post(reverse("schedules:what_if_start", args=[code]), {}).status_code == 404
    url = reverse("schedules:what_if_suggestion", args=[code, real_run.pk])
    assert client.post(url, {"phase": "before", "index": "0"}).status_code == 404
    assert SolveRun.objects.count() == 1


def test_a_bad_change_creates_no_run(short_district):
    with pytest.raises(SolveRunError, match="unknown site"):
        solve_run_what_if_enqueue(
            district=short_district,
            user=None,
            time_limit=3,
            changes=[{**EXTRA_FOOTBALL_COACH, "site": "NOPE"}],
        )
    with pytest.raises(SolveRunError, match="at least one change"):
        solve_run_what_if_enqueue(district=short_district, user=None, time_limit=3, changes=[])
    assert not SolveRun.objects.exists()


def test_hypothetical_rooms_and_coaches_have_no_rows():
    real = Session("a", "football", "mon", 900, 960, "r1", ("c1", "x-1-coach-sport-mon"), ("p1",))
    extra = Session("b", "football", "mon", 900, 960, "x-1-room-gym-mon", ("c2",), ("p2",))
    assert [(s.id, s.coaches) for s in sessions_real([real, extra])] == [("a", ("c1",))]
