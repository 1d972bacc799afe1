"""Timetables for people in a real browser on a phone-sized screen (issue 6).

A coach opens "Mijn week" and one of their sessions, a principal downloads a
class PDF from their school's page, a coordinator sees the district dashboard's
coverage chart. The district is the spec's example, solved for real (once per
test session, ``cached_solve``) and published; ``browser_page`` is signed in
as the user the test's ``browser_user`` parameter names.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from schedules.models import Session, SessionPupil
from schools.models import ClassGroup, Coach, Membership, Site
from tests.factories import UserFactory
from tests.schedules import conftest as schedules_fixtures

PHONE = {"width": 360, "height": 740}

# The solved and published example district of tests/schedules, shared by name.
example_instance = schedules_fixtures.example_instance
district = schedules_fixtures.district
cached_solve = schedules_fixtures.cached_solve
published = schedules_fixtures.published


def school_of(district) -> Site:
    return Site.objects.get(district=district, kind=Site.Kind.SCHOOL, code="S1")


def busy_coach(version) -> Coach:
    """The first coach (by code) who leads a session with pupils in the version."""
    led = Session.coaches.through.objects.filter(
        session__version=version,
        session_id__in=SessionPupil.objects.values("session_id"),
    )
    return Coach.objects.filter(pk__in=led.values("coach_id")).order_by("code")[0]


@pytest.fixture
def browser_user(request, district, published):
    """The user of the role the test names: ``coach``, ``principal`` or ``coordinator``."""
    role = request.param
    user = UserFactory(username=role)
    if role == "coach":
        coach = busy_coach(published)
        coach.user = user
        coach.save(update_fields=["user"])
        Membership.objects.create(user=user, district=district, role=Membership.Role.COACH)
    elif role == "principal":
        Membership.objects.create(
            user=user, district=district, site=school_of(district), role=Membership.Role.PRINCIPAL
        )
    else:
        Membership.objects.create(user=user, district=district, role=Membership.Role.COORDINATOR)
    return user


def on_phone(page):
    page.set_viewport_size(PHONE)
    return page


def fits_the_screen(page) -> bool:
    """No sideways scrolling of the page itself (wide tables scroll in their own box)."""
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("browser_user", ["coach"], indirect=True)
def test_coach_opens_their_week_and_a_session(browser_page, browser_user, published):
    page = on_phone(browser_page)
    coach = browser_user.coach
    own = Session.objects.filter(version=published, coaches=coach)
    with_pupils = own.filter(pk__in=SessionPupil.objects.values("session_id")).order_by("pk")[0]

    page.goto(reverse("schedules:coach_week"))
    assert page.locator("h1").inner_text() == "My week"
    assert coach.full_name in page.locator("main").inner_text()
    links = page.locator("li.card a[href*='/schedules/sessions/']")
    assert links.count() == own.count() > 0
    hrefs = set(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == {reverse("schedules:session_detail", args=[s.pk]) for s in own}
    assert fits_the_screen(page)

    page.locator(f"a[href='{reverse('schedules:session_detail', args=[with_pupils.pk])}']").click()
    page.wait_for_url(f"**{reverse('schedules:session_detail', args=[with_pupils.pk])}")
    assert page.locator("h1").inner_text() == with_pupils.activity.name
    names = page.locator("table tbody tr td:first-child").all_inner_texts()
    expected = [
        p.full_name
        for p in with_pupils.pupils.order_by("class_group__name", "surname", "given_name")
    ]
    assert names == expected and names
    assert fits_the_screen(page)


@pytest.mark.parametrize("browser_user", ["principal"], indirect=True)
def test_principal_downloads_a_class_pdf(browser_page, district):
    page = on_phone(browser_page)
    site = school_of(district)
    group = ClassGroup.objects.filter(site=site).order_by("name")[0]
    page.goto(reverse("schedules:school_overview", args=[site.pk]))
    assert page.locator("h1").inner_text() == site.name

    link = page.locator(f"a[href='{reverse('schedules:class_pdf', args=[site.pk, group.pk])}']")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"


@pytest.mark.parametrize("browser_user", ["coordinator"], indirect=True)
def test_coordinator_sees_the_coverage_chart(browser_page, district, published):
    page = on_phone(browser_page)
    page.goto(reverse("schedules:district_dashboard", args=[district.code]))
    assert page.locator("h1").inner_text() == district.name

    heading = page.locator("h2", has_text="Coverage per school")
    chart = heading.locator("xpath=following-sibling::div[1]//table")
    schools = Site.objects.filter(district=district, kind=Site.Kind.SCHOOL)
    rows = chart.locator("tbody tr")
    assert rows.count() == schools.count() > 0
    assert sorted(rows.locator("th").all_inner_texts()) == sorted(s.name for s in schools)
    bars = chart.locator(".bar span")
    assert bars.count() == schools.count()
    for i in range(bars.count()):  # drawn, and as wide as the percentage says
        bar = bars.nth(i)
        assert bar.is_visible()
        width = bar.evaluate("e => e.getBoundingClientRect().width / e.parentElement.clientWidth")
        percent = int(rows.nth(i).locator("td").nth(1).inner_text().split("%")[0])
        assert abs(100 * width - percent) <= 2
        assert percent > 0
