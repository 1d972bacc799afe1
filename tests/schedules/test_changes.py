"""Issue 8: changes as data, re-solving from the published version, impact, e-mails, marks.

A district of two schools (the spec's example twice, the second with its own
rooms and coaches) is solved with the real engine and published; a coach of the
first school falls ill on a day they work. Every version a test makes is checked
by the independent checker.
"""

from __future__ import annotations

import copy
import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from schedules.changes import days_in_week, week_start
from schedules.impact import version_impact
from schedules.models import ScheduleChange, ScheduleVersion, Session, SolveRun
from schedules.selectors import schedule_version_session_rows, version_diff
from schedules.services import SolveRunError, schedule_version_publish, solve_run_execute
from schedules.services_changes import (
    resolve_run_create,
    schedule_change_create,
    session_pin_set,
)
from schools.models import Coach, Membership, Pupil, Site
from solver.checker import check
from solver.explain import analyse, attribute
from solver.instance import Instance
from solver.solution import Solution
from tests.factories import UserFactory
from tests.schedules.conftest import load_district, publish_solved

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)  # a Monday; the week every test re-solves for


def two_schools(example: dict) -> dict:
    """The example district plus a second school S2 that shares nothing with S1."""
    data = copy.deepcopy(example)
    data["name"] = "two"
    window = data["sites"][0]["window"]
    data["sites"].append(
        {"id": "S2", "name": "Basisschool De Brug", "kind": "school", "window": window}
    )
    data["rooms"] += [
        {"id": "R3", "site": "S2", "name": "Lokaal 3", "kinds": ["classroom"], "capacity": 30},
        {"id": "R4", "site": "S2", "name": "Muzieklokaal 2", "kinds": ["music", "classroom"],
         "capacity": 20},
        {"id": "G2", "site": "S2", "name": "Gymzaal", "kinds": ["gym"], "capacity": 30},
    ]  # fmt: skip
    sites = {"C1": ["S1", "V1"], "C2": ["S1"], "C3": ["S1"]}
    for coach in list(data["coaches"]):
        coach["sites"] = sites[coach["id"]]
        twin = copy.deepcopy(coach)
        twin["id"] = coach["id"].replace("C", "D")
        twin["sites"] = ["S2"]
        data["coaches"].append(twin)
    data["classes"] += [
        {"id": "K3", "site": "S2", "name": "7A"},
        {"id": "K4", "site": "S2", "name": "8C"},
    ]
    for pupil in list(data["pupils"]):
        twin = copy.deepcopy(pupil)
        twin["id"] = pupil["id"].replace("P", "Q")
        twin["class"] = {"K1": "K3", "K2": "K4"}[pupil["class"]]
        if "family" in twin:
            twin["family"] = "F2"
        data["pupils"].append(twin)
    return data


@pytest.fixture
def district(db, example_instance):
    return load_district(two_schools(example_instance), "two")


@pytest.fixture
def coordinator(district):
    user = UserFactory(username="coordinator")
    Membership.objects.create(user=user, district=district, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def published(district, cached_solve):
    return publish_solved(district)


@pytest.fixture
def principals(district):
    """A principal per school, each with an e-mail address."""
    result = {}
    for site in Site.objects.filter(district=district, kind=Site.Kind.SCHOOL):
        user = UserFactory(username=f"principal-{site.code}")
        Membership.objects.create(
            user=user, district=district, site=site, role=Membership.Role.PRINCIPAL
        )
        result[site.code] = user
    return result


def checked(version: ScheduleVersion) -> Solution:
    """The version's sessions, validated by the checker against its run's instance."""
    solution = Solution.from_dict(
        {
            "format": "extended-day-solution/1",
            "instance": version.district.code,
            "sessions": [
                {
                    "id": f"s{row.pk}",
                    "activity": row.activity,
                    "day": row.day,
                    "start": row.start_text,
                    "end": row.end_text,
                    "room": row.room,
                    "coaches": sorted(row.coaches),
                    "pupils": sorted(row.pupils),
                }
                for row in schedule_version_session_rows(version=version)
            ],
        }
    )
    report = check(Instance.from_dict(version.run.instance), solution)
    assert report.valid, [str(v) for v in report.violations]
    return solution


def resolve(district, **options) -> ScheduleVersion:
    run = resolve_run_create(
        district=district, user=None, time_limit=5, week_of=options.get("week_of", MONDAY)
    )
    run = solve_run_execute(run_id=run.pk)
    assert run.status == SolveRun.Status.SUCCEEDED, run.error
    return run.version


def working_day(published, code: str) -> str:
    """A day on which the coach ``code`` leads a session of the published version."""
    session = Session.objects.filter(version=published, coaches__code=code).order_by("day").first()
    assert session is not None, f"coach {code} has no session to lose"
    return session.day


def coach_ill(district, published, code="C3") -> ScheduleChange:
    """The coach is away on one of their working days, in the week of MONDAY."""
    day = working_day(published, code)
    date = MONDAY + datetime.timedelta(days=["mon", "tue", "wed", "thu", "fri"].index(day))
    return schedule_change_create(
        district=district,
        user=None,
        kind=ScheduleChange.Kind.COACH_UNAVAILABLE,
        coach=Coach.objects.get(district=district, code=code),
        starts_on=date,
        ends_on=date,
        note="ziek",
    )


def fingerprint(version: ScheduleVersion) -> list[tuple]:
    return sorted(
        (
            r.activity,
            r.day,
            r.start,
            r.end,
            r.room,
            tuple(sorted(r.coaches)),
            tuple(sorted(r.pupils)),
        )
        for r in schedule_version_session_rows(version=version)
    )


# ---------------------------------------------------------------------------
# Dates onto the template week
# ---------------------------------------------------------------------------


def test_a_dated_change_counts_on_the_days_of_the_week_in_its_period():
    # Wednesday 9 December to Tuesday 15 December, in a Monday-to-Friday district.
    period = {"starts_on": datetime.date(2026, 12, 9), "ends_on": datetime.date(2026, 12, 15)}
    days = ["mon", "tue", "wed", "thu", "fri"]
    assert week_start(datetime.date(2026, 12, 10)) == MONDAY
    assert days_in_week(monday=MONDAY, weekdays=[], district_days=days, **period) == [
        "wed",
        "thu",
        "fri",
    ]
    following = MONDAY + datetime.timedelta(days=7)
    assert days_in_week(monday=following, weekdays=[], district_days=days, **period) == [
        "mon",
        "tue",
    ]
    # Only on Thursdays, until further notice: every week from the start on.
    assert days_in_week(
        monday=following,
        starts_on=period["starts_on"],
        ends_on=None,
        weekdays=["thu"],
        district_days=days,
    ) == ["thu"]
    # A week before the period: nothing.
    before = MONDAY - datetime.timedelta(days=7)
    assert days_in_week(monday=before, weekdays=[], district_days=days, **period) == []


# ---------------------------------------------------------------------------
# Re-solving
# ---------------------------------------------------------------------------


def test_a_resolve_with_no_change_returns_the_same_schedule(district, published):
    version = resolve(district)
    checked(version)
    assert version.run.previous_version == published
    assert version.run.instance["previous"]["sessions"]
    assert fingerprint(version) == fingerprint(published)
    assert not version_diff(old=published, new=version).has_changes


def test_a_resolve_applies_the_change_and_records_it(district, published):
    change = coach_ill(district, published)
    day = change.starts_on.strftime("%a").lower()[:3]
    version = resolve(district)
    solution = checked(version)
    c3 = f"c{change.coach_id}"
    coach = next(c for c in version.run.instance["coaches"] if c["id"] == c3)
    assert day not in coach["available"]
    assert not [s for s in solution.sessions if c3 in s.coaches and s.day == day]
    assert version.run.changes == [
        {
            "change": change.pk,
            "kind": "coach_unavailable",
            "target": c3,
            "days": [day],
            "starts_on": change.starts_on.isoformat(),
            "ends_on": change.ends_on.isoformat(),
        }
    ]
    assert version.run.week_of == MONDAY


def test_pins_are_kept_exactly(district, published):
    change = coach_ill(district, published)
    day = change.starts_on.strftime("%a").lower()[:3]
    # Pin every session the change leaves possible: those of other coaches or other days.
    pins = [
        s
        for s in Session.objects.filter(version=published).prefetch_related("coaches")
        if not (s.day == day and change.coach in s.coaches.all())
    ]
    assert pins
    for session in pins:
        session_pin_set(session=session, pinned=True)
    before = {
        (r.activity, r.day, r.start, r.room, r.coaches, r.pupils)
        for r in schedule_version_session_rows(version=published)
        if r.pk in {s.pk for s in pins}
    }
    version = resolve(district)
    checked(version)  # includes H10: every pin of ``previous`` is kept
    after = {
        (r.activity, r.day, r.start, r.room, r.coaches, r.pupils)
        for r in schedule_version_session_rows(version=version)
    }
    assert before <= after
    # The pins stay pins in the new version.
    assert Session.objects.filter(version=version, pinned=True).count() == len(pins)


def test_a_pin_the_change_breaks_is_refused_by_name(district, published):
    change = coach_ill(district, published)
    day = change.starts_on.strftime("%a").lower()[:3]
    doomed = Session.objects.filter(version=published, day=day, coaches=change.coach).first()
    session_pin_set(session=doomed, pinned=True)
    runs = SolveRun.objects.count()
    with pytest.raises(SolveRunError, match=doomed.activity.name):
        resolve_run_create(district=district, user=None, time_limit=5, week_of=MONDAY)
    assert SolveRun.objects.count() == runs


def test_a_resolve_explains_the_unmet_minutes_of_the_schools_it_changed(
    client, coordinator, example_instance, cached_solve
):
    """Both schools lack a football coach; the ill coach works at De Regenboog only.

    The re-solve reads the unmet minutes of De Regenboog, each finding exactly as
    reading the whole district says; De Brug's pupils keep their week and their
    shortfall, which the page gives as a total "exactly as in version 1".
    """
    data = two_schools(example_instance)
    for coach in data["coaches"]:
        if coach["id"] in ("C1", "D1"):  # the football coaches become music coaches
            coach["skills"] = ["music"]
    district = load_district(data, "short-two")
    Membership.objects.create(user=coordinator, district=district, role=Membership.Role.COORDINATOR)
    published = publish_solved(district)
    coach_ill(district, published)
    version = resolve(district)
    solution = checked(version)
    stored = version.report["explain"]
    scope = stored["scope"]
    assert scope["schools"] == ["S1"] and scope["version"] == published.number

    instance = Instance.from_dict(version.run.instance)
    report = check(instance, solution)
    everywhere = attribute(instance, solution, report, analyse(instance))
    here = [f for f in everywhere if f.school == "S1"]
    assert here and len(here) < len(everywhere)  # both schools are short
    assert [
        (f["kind"], f["school"], f["category"], f["short_minutes"], f["text"]["en"])
        for f in stored["after"]
    ] == [(f.kind, f.school, f.category, f.short, f.text("en")) for f in here]
    # De Brug: every pupil's unmet minutes as in the published version, summed beside.
    brug = {p.id for p in instance.pupils if instance.school_of(p) == "S2"}
    before = published.report["deficit_by_pupil"]
    assert {p: report.deficit_by_pupil.get(p, 0) for p in brug} == {
        p: before.get(p, 0) for p in brug
    }
    assert scope["other_minutes"] == sum(report.deficit_by_pupil.get(p, 0) for p in brug) > 0

    client.force_login(coordinator)
    page = client.get(
        reverse("schedules:run_detail", args=[district.code, version.run.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    shown = page.split('id="findings-scope"')[1].split("</p>")[0]
    assert "Basisschool De Regenboog" in shown
    assert f"exactly as in version {published.number}" in shown
    assert reverse("schedules:run_detail", args=[district.code, published.run_id]) in shown
    with translation.override("nl"):
        dutch = client.get(
            reverse("schedules:run_detail", args=[district.code, version.run.pk])
        ).content.decode()
    assert f"precies zoals in versie {published.number}" in dutch.split('id="findings-scope"')[1]


# ---------------------------------------------------------------------------
# Impact report, publishing, e-mails, marks
# ---------------------------------------------------------------------------


def test_the_impact_report_equals_the_diff_of_the_two_versions(district, published):
    change = coach_ill(district, published)
    version = resolve(district)
    diff = version_diff(old=published, new=version)
    report = version_impact(old=published, new=version, show_names=True)
    assert diff.has_changes

    def keys(rows):
        return sorted(r.pk for r in rows)

    assert keys(c.new for c in report.changes if c.kind == "added") == keys(diff.added)
    assert keys(c.old for c in report.changes if c.kind == "removed") == keys(diff.removed)
    assert sorted((c.old.pk, c.new.pk) for c in report.changes if c.kind == "moved") == sorted(
        (o.pk, n.pk) for o, n in diff.moved
    )
    # Every affected pupil is counted once, at their own school, in their class.
    assert sum(s.pupil_count for s in report.schools) == len(diff.pupils_affected)
    assert sum(c.pupils for s in report.schools for c in s.classes) == len(diff.pupils_affected)
    assert {f"p{p.pk}" for s in report.schools for p in s.pupils} == diff.pupils_affected
    # The ill coach's school is touched; the other school shares nothing and is untouched.
    assert [s.site.code for s in report.schools] == ["S1"]
    assert [s.code for s in report.untouched] == ["S2"]
    changed_rows = [*diff.added, *diff.removed, *(r for pair in diff.moved for r in pair)]
    assert {f"c{c.coach.pk}" for c in report.coaches} == {
        c for r in changed_rows for c in r.coaches
    }
    assert f"c{change.coach_id}" in {f"c{c.coach.pk}" for c in report.coaches}
    # Without the right to see names, only counts and classes.
    anonymous = version_impact(old=published, new=version, show_names=False)
    assert all(s.pupils is None for s in anonymous.schools)


def test_publishing_emails_exactly_the_affected_people(
    district, published, principals, django_capture_on_commit_callbacks
):
    coach_ill(district, published)
    version = resolve(district)
    diff = version_diff(old=published, new=version)
    changed_rows = [*diff.added, *diff.removed, *(r for pair in diff.moved for r in pair)]
    coaches = Coach.objects.filter(pk__in={int(c[1:]) for r in changed_rows for c in r.coaches})
    expected = {c.email for c in coaches} | {principals["S1"].email}
    assert all(expected)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        schedule_version_publish(version=version, user=None)
    recipients = [address for message in mail.outbox for address in message.to]
    assert sorted(recipients) == sorted(expected)  # one e-mail each, nobody else
    assert principals["S2"].email not in recipients
    # Dutch by default, and no pupil's name in any e-mail.
    with translation.override("nl"):
        assert mail.outbox[0].subject == f"Het rooster van {district.name} is gewijzigd"
    days = ("maandag", "woensdag")
    assert all(any(day in m.body for day in days) for m in mail.outbox)
    names = [p.full_name for p in Pupil.objects.filter(school__district=district)]
    assert not [n for m in mail.outbox for n in names if n in m.body]
    # The changed sessions are marked: added and moved ones of the new version, no others.
    marked = set(Session.objects.filter(version=version, changed=True).values_list("pk", flat=True))
    assert marked == {r.pk for r in diff.added} | {new.pk for _old, new in diff.moved}


def test_a_principal_who_is_also_an_affected_coach_gets_one_email(
    district, published, principals, django_capture_on_commit_callbacks
):
    change = coach_ill(district, published)
    principal = principals["S1"]
    principal.email = change.coach.email.upper()  # the same person, typed differently
    principal.save()
    version = resolve(district)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        schedule_version_publish(version=version, user=None)
    mine = [m for m in mail.outbox if m.to[0].lower() == change.coach.email.lower()]
    assert len(mine) == 1
    with translation.override("nl"):
        assert "Uw activiteiten" in mine[0].body and "Basisschool De Regenboog\n" in mine[0].body


def test_the_first_publication_emails_nobody(district, cached_solve, principals):
    mail.outbox.clear()
    publish_solved(district)
    assert mail.outbox == []


def test_changed_sessions_are_marked_in_the_coach_week_for_a_week(
    client, district, published, principals
):
    change = coach_ill(district, published)
    version = resolve(district)
    schedule_version_publish(version=version, user=None)
    marked = Session.objects.filter(version=version, changed=True).prefetch_related("coaches")
    assert marked
    coach = next(c for s in marked for c in s.coaches.all())
    user = UserFactory(username="coach-user")
    Coach.objects.filter(pk=coach.pk).update(user=user)
    client.force_login(user)
    page = client.get(reverse("schedules:coach_week")).content.decode()
    assert 'class="changed"' in page
    session = next(s for s in marked if coach in s.coaches.all())
    detail = client.get(reverse("schedules:session_detail", args=[session.pk])).content.decode()
    assert 'class="changed"' in detail
    client.force_login(principals["S1"])
    school = Site.objects.get(district=district, code="S1")
    overview = client.get(reverse("schedules:school_overview", args=[school.pk])).content.decode()
    assert 'id="changed"' in overview
    # A week later the marks are gone.
    ScheduleVersion.objects.filter(pk=version.pk).update(
        published_at=version.published_at - datetime.timedelta(days=8)
    )
    client.force_login(user)
    assert 'class="changed"' not in client.get(reverse("schedules:coach_week")).content.decode()
    assert change.pk  # the change stays recorded


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


def test_the_coordinator_records_a_change_and_re_solves_from_the_page(
    client, coordinator, district, published
):
    client.force_login(coordinator)
    page = reverse("schedules:changes", args=[district.code])
    assert client.get(page).status_code == 200
    coach = Coach.objects.get(district=district, code="C3")
    response = client.post(
        reverse("schedules:change_create", args=[district.code]),
        {
            "kind": "coach_unavailable",
            "coach": coach.pk,
            "starts_on": "2026-12-07",
            "ends_on": "2026-12-18",
            "weekdays": ["mon"],
        },
    )
    assert response.status_code == 302
    change = ScheduleChange.objects.get()
    assert (change.coach, change.weekdays) == (coach, ["mon"])
    assert coach.full_name in client.get(page).content.decode()
    response = client.post(
        reverse("schedules:resolve_start", args=[district.code]),
        {"week_of": "2026-12-09", "time_limit": "30"},
    )
    run = SolveRun.objects.get(previous_version=published)
    assert response.status_code == 302
    assert response["Location"] == reverse("schedules:run_detail", args=[district.code, run.pk])
    assert run.week_of == MONDAY
    assert [c["change"] for c in run.changes] == [change.pk]


def test_the_impact_page_shows_schools_coaches_and_untouched_schools(
    client, coordinator, district, published
):
    coach_ill(district, published)
    version = resolve(district)
    client.force_login(coordinator)
    url = reverse("schedules:version_impact", args=[district.code, version.number])
    page = client.get(url).content.decode()
    assert "Basisschool De Regenboog" in page and 'id="untouched"' in page
    assert "Basisschool De Brug" in page.split('id="untouched"')[1]
    detail = reverse("schedules:version_detail", args=[district.code, version.number])
    assert url in client.get(detail).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "coach_unavailable", "starts_on": "2026-12-07"}, "Coach", "Choose the coach"),
        ({"kind": "room_closed", "starts_on": "2026-12-07"}, "Room", "Choose the room"),
        (
            {"kind": "coach_unavailable", "coach": "C3", "starts_on": "2026-12-07",
             "ends_on": "2026-12-01"},
            "Until",
            "before the first day",
        ),
        ({"kind": "coach_unavailable", "coach": "C3", "starts_on": "7 december"}, "From", "date"),
        (
            {"kind": "coach_unavailable", "coach": "C3", "starts_on": "2026-12-07",
             "weekdays": ["sun"]},
            "Only on",
            "valid choice",
        ),
        ({"kind": "coach_unavailable", "coach": "other", "starts_on": "2026-12-07"}, "Coach",
         "valid choice"),
    ],
)  # fmt: skip
def test_a_change_with_bad_input_names_the_field_and_changes_nothing(
    client, coordinator, district, example_instance, data, field, message
):
    other = load_district(example_instance, "other")
    coaches = {
        "C3": Coach.objects.get(district=district, code="C3").pk,
        "other": Coach.objects.get(district=other, code="C3").pk,
    }
    if "coach" in data:
        data = {**data, "coach": coaches[data["coach"]]}
    client.force_login(coordinator)
    response = client.post(
        reverse("schedules:change_create", args=[district.code]), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    errors = response.content.decode().split('id="form-errors"')[1].split("</ul>")[0]
    assert f"{field}:" in errors and message in errors
    assert not ScheduleChange.objects.exists()


def test_another_district_gets_404_everywhere(client, district, published, example_instance):
    other = load_district(example_instance, "other")
    stranger = UserFactory(username="stranger")
    Membership.objects.create(user=stranger, district=other, role=Membership.Role.COORDINATOR)
    change = coach_ill(district, published)
    session = Session.objects.filter(version=published).first()
    code = district.code
    client.force_login(stranger)
    for url in [
        reverse("schedules:changes", args=[code]),
        reverse("schedules:version_impact", args=[code, published.number]),
    ]:
        assert client.get(url).status_code == 404, url
    posts = [
        (reverse("schedules:change_create", args=[code]), {"kind": "room_closed"}),
        (reverse("schedules:change_delete", args=[code, change.pk]), {}),
        (reverse("schedules:session_pin", args=[code, session.pk]), {"pinned": "1"}),
        (reverse("schedules:resolve_start", args=[code]), {"week_of": "2026-12-07"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # Nor through their own district's address with this district's objects.
    own = other.code
    assert client.post(reverse("schedules:change_delete", args=[own, change.pk])).status_code == 404
    assert (
        client.post(
            reverse("schedules:session_pin", args=[own, session.pk]), {"pinned": "1"}
        ).status_code
        == 404
    )
    assert ScheduleChange.objects.filter(pk=change.pk).exists()
    assert not Session.objects.filter(pinned=True).exists()
    assert not SolveRun.objects.filter(previous_version__isnull=False).exists()


def test_principals_and_coaches_of_the_district_get_404_too(
    client, district, published, principals
):
    coach_user = UserFactory(username="coach-only")
    Coach.objects.filter(district=district, code="C3").update(user=coach_user)
    session = Session.objects.filter(version=published).first()
    for user in (principals["S1"], coach_user):
        client.force_login(user)
        assert client.get(reverse("schedules:changes", args=[district.code])).status_code == 404
        impact_url = reverse("schedules:version_impact", args=[district.code, published.number])
        assert client.get(impact_url).status_code == 404
        pin = reverse("schedules:session_pin", args=[district.code, session.pk])
        assert client.post(pin, {"pinned": "1"}).status_code == 404
    assert not Session.objects.filter(pinned=True).exists()
