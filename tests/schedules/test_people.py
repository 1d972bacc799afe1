"""Timetables for people: roles and scoping, the coach's week and session page, the calendar feed.

Built on the spec's example district, solved for real and published; a second
district ("other") and a second school stand in for other tenants.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from icalendar import Calendar

from schedules.models import CalendarToken, Session, SessionPupil
from schedules.timetables import site_address
from schools.models import ClassGroup, Coach, Membership, Pupil, Site
from tests.factories import UserFactory
from tests.schedules.conftest import load_district, publish_solved

pytestmark = pytest.mark.django_db


def coach_user(coach: Coach):
    user = UserFactory(username=f"coach-{coach.code.lower()}-{coach.district.code}")
    coach.user = user
    coach.save(update_fields=["user"])
    Membership.objects.create(user=user, district=coach.district, role=Membership.Role.COACH)
    return user


def principal_of(site: Site, username: str):
    user = UserFactory(username=username)
    Membership.objects.create(
        user=user, district=site.district, site=site, role=Membership.Role.PRINCIPAL
    )
    return user


def school_of(district) -> Site:
    return Site.objects.get(district=district, kind=Site.Kind.SCHOOL, code="S1")


@pytest.fixture
def other(example_instance, cached_solve, published):
    """Another district, also solved and published."""
    district = load_district(example_instance, "other")
    publish_solved(district)
    return district


@pytest.fixture
def second_school(district):
    """A second school of the same district, with one class and one pupil and no sessions."""
    site = Site.objects.create(district=district, code="S2", name="OBS De Ster")
    group = ClassGroup.objects.create(site=site, name="7A")
    Pupil.objects.create(
        class_group=group, grade=7, pupil_number="900", given_name="Zoë", surname="Bakker"
    )
    return site


def busy_coach(version) -> Coach:
    """A coach who leads at least one session of the version."""
    return Coach.objects.filter(
        pk__in=Session.coaches.through.objects.filter(session__version=version).values("coach_id")
    ).order_by("code")[0]


def test_the_coach_sees_only_their_own_sessions(client, district, published, other):
    coach = busy_coach(published)
    user = coach_user(coach)
    client.force_login(user)
    page = client.get(reverse("schedules:coach_week"))
    assert page.status_code == 200
    shown = {s.pk for day in page.context["days"] for s in day["sessions"]}
    assert shown == set(
        Session.objects.filter(version=published, coaches=coach).values_list("pk", flat=True)
    )
    html = page.content.decode()
    for session in Session.objects.filter(version=published).exclude(coaches=coach):
        assert reverse("schedules:session_detail", args=[session.pk]) not in html
    for session in Session.objects.filter(version=published).exclude(coaches=coach):
        assert client.get(reverse("schedules:session_detail", args=[session.pk])).status_code == 404


def test_the_week_page_reads_only_the_coachs_sessions_in_a_few_queries(
    client, district, published, django_assert_max_num_queries
):
    """Session, user, coach (with district and token), version, the sessions with their counts."""
    coach = busy_coach(published)
    client.force_login(coach_user(coach))
    client.post(reverse("schedules:calendar_renew"))
    with django_assert_max_num_queries(5):
        page = client.get(reverse("schedules:coach_week"))
    shown = [s for day in page.context["days"] for s in day["sessions"]]
    assert page.context["session_count"] == len(shown) > 0
    for session in shown:
        assert session.pupil_count == SessionPupil.objects.filter(session=session).count()
        assert session.address == site_address(Site.objects.get(pk=session.room.site_id))
    assert CalendarToken.objects.get(coach=coach).token in page.content.decode()


def test_the_session_page_lists_its_pupils(client, district, published):
    coach = busy_coach(published)
    session = Session.objects.filter(version=published, coaches=coach).first()
    Pupil.objects.filter(
        pk=SessionPupil.objects.filter(session=session).values("pupil_id")[:1]
    ).update(given_name="Şeyma", surname="Çelik")
    client.force_login(coach_user(coach))
    html = client.get(reverse("schedules:session_detail", args=[session.pk])).content.decode()
    assert "Şeyma Çelik" in html
    for link in SessionPupil.objects.filter(session=session).select_related("pupil"):
        assert link.pupil.full_name in html
    assert session.activity.name in html and session.room.name in html


def test_a_principal_sees_only_their_own_pupils_in_a_shared_session(
    client, district, published, second_school
):
    """A session at a shared venue may hold pupils of two schools; each principal sees theirs."""
    session = Session.objects.filter(version=published).first()
    stranger = Pupil.objects.get(school=second_school)
    SessionPupil.objects.create(session=session, pupil=stranger)
    client.force_login(principal_of(school_of(district), "principal"))
    html = client.get(reverse("schedules:session_detail", args=[session.pk])).content.decode()
    assert stranger.full_name not in html
    client.force_login(principal_of(second_school, "principal-s2"))
    html = client.get(reverse("schedules:session_detail", args=[session.pk])).content.decode()
    assert stranger.full_name in html
    own = SessionPupil.objects.filter(session=session).exclude(pupil=stranger).first()
    assert own.pupil.full_name not in html


def test_calendar_feed_has_weekly_events_with_location(client, district, published, settings):
    settings.SCHOOL_YEAR_START = "2026-08-31"
    settings.SCHOOL_YEAR_END = "2027-07-16"
    coach = busy_coach(published)
    client.force_login(coach_user(coach))
    client.post(reverse("schedules:calendar_renew"))
    token = CalendarToken.objects.get(coach=coach).token
    client.logout()  # the feed needs no session: calendar apps have none
    response = client.get(reverse("schedules:calendar_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    sessions = list(Session.objects.filter(version=published, coaches=coach))
    assert len(events) == len(sessions) > 0
    days = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
    for event in events:
        rule = event["RRULE"]
        assert rule["FREQ"] == ["WEEKLY"]
        assert rule["UNTIL"][0].date() <= datetime.date(2027, 7, 17)
        assert str(event["LOCATION"])
        start = event.decoded("DTSTART")
        assert start.date() >= datetime.date(2026, 8, 31)
        assert str(start.tzinfo) == "Europe/Amsterdam"
    starts = sorted((e.decoded("DTSTART").weekday(), e.decoded("DTSTART").time()) for e in events)
    assert starts == sorted((days[s.day], s.start) for s in sessions)
    for session in sessions:
        assert any(session.room.name in str(e["LOCATION"]) for e in events)


def test_renewing_the_token_revokes_the_old_address(client, district, published):
    coach = busy_coach(published)
    client.force_login(coach_user(coach))
    client.post(reverse("schedules:calendar_renew"))
    old = CalendarToken.objects.get(coach=coach).token
    page = client.get(reverse("schedules:coach_week")).content.decode()
    assert old in page
    client.post(reverse("schedules:calendar_renew"))
    new = CalendarToken.objects.get(coach=coach).token
    assert new != old
    assert client.get(reverse("schedules:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("schedules:calendar_feed", args=[new])).status_code == 200
    assert client.get(reverse("schedules:calendar_feed", args=["guess"])).status_code == 404


def test_home_sends_each_role_to_their_page(client, district, published, coordinator):
    client.force_login(coordinator)
    assert client.get("/")["Location"] == reverse(
        "schedules:district_dashboard", args=[district.code]
    )
    client.force_login(principal_of(school_of(district), "principal"))
    assert client.get("/")["Location"] == reverse(
        "schedules:school_overview", args=[school_of(district).pk]
    )
    client.force_login(coach_user(busy_coach(published)))
    assert client.get("/")["Location"] == reverse("schedules:coach_week")


def test_sign_in_with_e_mail_and_throttling(client, district, settings):
    settings.LOGIN_MAX_FAILURES = 3
    cache.clear()
    UserFactory(username="jiri", email="Jiri@example.org")
    url = reverse("login")
    response = client.post(url, {"username": "jiri@example.org", "password": "secret-pass-123"})
    assert response.status_code == 302
    client.logout()
    for _attempt in range(3):
        response = client.post(url, {"username": "jiri", "password": "wrong"})
        assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    # Now even the right password is refused for a while.
    response = client.post(url, {"username": "jiri", "password": "secret-pass-123"})
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", code="throttled")
    assert "Te vaak mislukt" in response.content.decode()  # Dutch by default
    cache.clear()
    response = client.post(url, {"username": "jiri", "password": "secret-pass-123"})
    assert response.status_code == 302


def test_password_reset_by_e_mail(client, district):
    UserFactory(username="zoe", email="zoe@example.org")
    response = client.post(reverse("password_reset"), {"email": "zoe@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "zoe" in mail.outbox[0].body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"},
    )
    assert done.status_code == 302
    signed_in = client.post(
        reverse("login"), {"username": "zoe@example.org", "password": "a-new-long-pass-42"}
    )
    assert signed_in.status_code == 302


def test_pages_speak_dutch_by_default_and_english_on_request(client, district, published):
    client.force_login(coach_user(busy_coach(published)))
    dutch = client.get(reverse("schedules:coach_week")).content.decode()
    assert "Mijn week" in dutch and 'lang="nl"' in dutch
    english = client.get(reverse("schedules:coach_week"), HTTP_ACCEPT_LANGUAGE="en").content
    assert "My week" in english.decode() and "Mijn week" not in english.decode()
