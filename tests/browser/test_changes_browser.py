"""A coach falls ill and a finding is tried, in a real browser (issues 8 and 7).

Re-solve: the coordinator of a district of two schools that share nothing (the
spec's example twice, ``tests/schedules/test_changes.py``) records "the football
coach is unavailable on Wednesdays", re-solves for a week, reads the impact
report (the coach's school affected, the other school untouched) and publishes;
the colleague who takes over the football (De Regenboog's tutoring coach, who
can coach football too) then signs in on a phone and sees the session marked.

What-if: on the run page of a district short of a football coach
(``tests/schedules/test_what_if.py``), "try this suggestion" makes a what-if run
whose pages say it can never be published.

Runs are executed inline by ``solve_run_execute`` (what the worker runs), then
the run page is opened again; the real solver solves each distinct instance
once per test session (``cached_solve``). Every stored draft goes through the
independent checker.
"""

from __future__ import annotations

import copy

import pytest
from django.core import mail
from django.urls import reverse

from schedules.models import ScheduleChange, ScheduleVersion, Session, SolveRun
from schedules.services import solve_run_enqueue, solve_run_execute
from schools.models import Coach, Membership
from solver.checker import check
from solver.instance import Instance
from solver.solution import Solution
from tests.factories import UserFactory
from tests.schedules import conftest as schedules_fixtures
from tests.schedules.conftest import load_district, publish_solved
from tests.schedules.test_changes import checked, two_schools

PHONE = {"width": 360, "height": 740}
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's

example_instance = schedules_fixtures.example_instance
cached_solve = schedules_fixtures.cached_solve


@pytest.fixture
def district(transactional_db, example_instance):
    """Two schools; De Regenboog's tutoring coach C3 can also coach football at the venue."""
    data = two_schools(example_instance)
    for coach in data["coaches"]:
        if coach["id"] == "C3":
            coach["skills"] = [*coach["skills"], "football"]
            coach["sites"] = ["S1", "V1"]
    return load_district(data, "two")


@pytest.fixture
def published(district, cached_solve):
    return publish_solved(district)


@pytest.fixture
def short_district(transactional_db, example_instance):
    """The example with its football coach turned music coach: nobody can lead football."""
    data = copy.deepcopy(example_instance)
    for coach in data["coaches"]:
        if coach["id"] == "C1":
            coach["skills"] = ["music"]
    return load_district(data, "short")


@pytest.fixture
def browser_user(request):
    """The coordinator of the district the test names (its fixture, by name)."""
    district = request.getfixturevalue(request.param)
    user = UserFactory(username="coordinator")
    Membership.objects.create(user=user, district=district, role=Membership.Role.COORDINATOR)
    return user


def wednesday_coach(published) -> Coach:
    """De Regenboog's football coach C1, who works on Wednesdays only."""
    coach = Coach.objects.get(district=published.district, code="C1")
    assert Session.objects.filter(version=published, day="wed", coaches=coach).exists()
    return coach


def run_inline(page, run: SolveRun) -> SolveRun:
    """The worker's part, in this process; then the run page shows its draft link.

    The page is left while the run executes: the test database is SQLite in
    shared-cache memory, where the page's progress polls and the run's writes
    from two threads fail at once with "table is locked" instead of waiting.
    """
    url = page.url
    page.goto("about:blank")
    run = solve_run_execute(run_id=run.pk)
    assert run.status == SolveRun.Status.SUCCEEDED, run.error
    page.goto(url)
    page.locator("#version-link").wait_for(state="visible")
    return run


@pytest.mark.parametrize("browser_user", ["district"], indirect=True)
def test_coach_ill_on_wednesday_resolve_impact_publish_and_the_mark(
    browser_page, district, published, live_server
):
    page = browser_page
    ill = wednesday_coach(published)
    code = district.code

    # Record the change.
    page.goto(reverse("schedules:changes", args=[code]))
    page.locator("input[name=kind][value=coach_unavailable]").check()
    page.locator("#id_coach").select_option(label=ill.full_name)
    page.locator("#id_starts_on").fill("2026-12-07")
    page.locator("#id_ends_on").fill("2026-12-18")
    page.locator("input[name=weekdays][value=wed]").check()
    page.get_by_role("button", name="Record the change").click()
    page.get_by_text("The change is recorded").wait_for()
    change = ScheduleChange.objects.get(district=district)
    assert (change.coach, change.weekdays) == (ill, ["wed"])
    row = page.locator("table", has_text="Who or where").locator("tr", has_text=ill.full_name)
    assert "not yet" in row.inner_text()  # not in the published version yet

    # Re-solve for the week of 9 December; the run finishes.
    page.locator("#id_week_of").fill("2026-12-09")
    page.get_by_role("button", name="Re-solve", exact=True).click()
    page.wait_for_url("**/runs/*/")
    run = SolveRun.objects.get(district=district, previous_version=published)
    run = run_inline(page, run)
    draft = checked(run.version)
    assert not [s for s in draft.sessions if f"c{ill.pk}" in s.coaches and s.day == "wed"]

    # The impact report: De Regenboog affected, De Brug untouched.
    page.locator("#version-href").click()
    page.get_by_role("link", name="Impact report").click()
    page.wait_for_url(f"**{reverse('schedules:version_impact', args=[code, run.version.number])}")
    schools = page.locator("section.school-impact h3").all_inner_texts()
    assert schools == ["Basisschool De Regenboog"]
    assert page.locator("#untouched li").all_inner_texts() == ["Basisschool De Brug"]
    assert ill.full_name in page.locator("h3").all_inner_texts()  # per coach

    # Publish; the people affected are told by e-mail.
    mail.outbox.clear()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text(f"Version {run.version.number} is published.").wait_for()
    version = ScheduleVersion.objects.get(pk=run.version.pk)
    assert version.status == ScheduleVersion.Status.PUBLISHED
    assert ill.email in [address for message in mail.outbox for address in message.to]

    # The coach who took over signs in on a phone and sees the session marked.
    marked = Session.objects.filter(version=version, changed=True).order_by("pk")
    coach = Coach.objects.filter(pk__in=marked.values("coaches")).order_by("code").first()
    assert coach is not None and coach != ill
    user = UserFactory(username="coach")
    Coach.objects.filter(pk=coach.pk).update(user=user)
    phone = page.context.browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=PHONE
    ).new_page()
    phone.goto(reverse("schedules:coach_week"))
    phone.locator("input[name=username]").fill("coach")
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url(f"**{reverse('schedules:coach_week')}")
    mine = marked.filter(coaches=coach)
    changed = phone.locator("li.card p", has=phone.locator("strong.changed"))
    assert changed.count() == mine.count() > 0
    links = changed.locator("a[href*='/schedules/sessions/']")
    hrefs = set(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == {reverse("schedules:session_detail", args=[s.pk]) for s in mine}
    assert changed.first.locator("strong.changed").inner_text() == "changed"
    assert changed.first.locator("strong.changed").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("browser_user", ["short_district"], indirect=True)
def test_try_a_suggestion_makes_a_what_if_that_cannot_be_published(
    browser_page, short_district, cached_solve
):
    real = solve_run_execute(
        run_id=solve_run_enqueue(district=short_district, user=None, time_limit=3).pk
    )
    assert real.status == SolveRun.Status.SUCCEEDED, real.error
    page = browser_page
    code = short_district.code

    page.goto(reverse("schedules:run_detail", args=[code, real.pk]))
    finding = page.locator("#findings li", has=page.locator("form.try-suggestion")).first
    assert "4 hours of sport" in finding.inner_text()
    finding.get_by_role("button", name="Try this suggestion").click()
    page.wait_for_url("**/runs/*/")
    run = SolveRun.objects.exclude(pk=real.pk).get(district=short_district)
    assert page.url.endswith(reverse("schedules:run_detail", args=[code, run.pk]))
    assert run.is_what_if and "What-if" in page.locator("h1").inner_text()
    assert "this draft can never be published" in page.locator("#what-if").inner_text()

    run = run_inline(page, run)
    instance = Instance.from_dict(run.instance)
    assert check(instance, Solution.from_dict(run.version.solution)).valid
    assert run.coverage > real.coverage
    page.locator("#version-href").click()
    page.wait_for_url(f"**{reverse('schedules:version_detail', args=[code, run.version.number])}")
    assert "it can never be published" in page.locator("#what-if").inner_text()
    assert page.get_by_role("button", name="Publish").count() == 0
