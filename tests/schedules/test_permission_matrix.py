"""The permission matrix: each role × each page and download × own and other tenant.

Issue 6's pages for people, issue 5's solve and publish pages, issue 8's changes,
pins, re-solve and impact report, and issue 7's what-if form and "try this
suggestion".

Two districts: A with schools X and Y and a shared venue, B with school Z. Coach C
leads a session at X and one at the venue (pupils of X and Y); coach D leads one
at Y; coach E leads one at Z. A has a superseded version 1, the published
version 2 and a draft version 3 (with the run that made it, whose findings hold a
suggestion to try), each with a session of coach C at X; B has a published
version 1 and its run (with a suggestion too). Each district has one recorded
change (its coach away on a Wednesday).

Every case asks for exactly one answer: 200 (or, for a form that changes
something, a redirect that is not the sign-in page), a redirect to the sign-in
page (anonymous), or 404 (anything outside the user's scope, so a page never
reveals that another tenant's object exists). A form that is refused changes
nothing; one that is allowed and said to do its work changes something. The
world is built once for the module and every test runs in its own rolled-back
savepoint.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import resolve, reverse

from schedules.ical import calendar_token_of
from schedules.models import (
    CalendarToken,
    ScheduleChange,
    ScheduleVersion,
    Session,
    SessionPupil,
    SolveRun,
)
from schools.models import Activity, ClassGroup, Coach, District, Membership, Pupil, Room, Site
from tests.factories import UserFactory
from tests.schedules.conftest import load_district

pytestmark = pytest.mark.django_db

CA, CB = "coordinator A", "coordinator B"
PX, PY = "principal X", "principal Y"
CC, CD = "coach C", "coach D"
ANON = "anonymous"
ROLES = [CA, CB, PX, PY, CC, CD, ANON]

OK, LOGIN, NOT_FOUND = 200, "302 to sign-in", 404
REDIRECT = "302 elsewhere"  # a form that did its work (or said why not) and sends the user on


@dataclass
class World:
    a: District
    b: District
    x: Site
    y: Site
    z: Site
    venue: Site
    class_x: ClassGroup
    class_y: ClassGroup
    class_z: ClassGroup
    pupil_x: Pupil
    pupil_y: Pupil
    pupil_z: Pupil
    room_x: Room
    room_y: Room
    room_z: Room
    room_venue: Room
    coach_c: Coach
    coach_d: Coach
    coach_e: Coach
    session_x: Session
    session_venue: Session
    session_y: Session
    session_z: Session
    session_draft: Session
    session_superseded: Session
    run_a: SolveRun
    run_b: SolveRun
    change_a: ScheduleChange
    change_b: ScheduleChange
    token_c: str
    users: dict[str, object] = field(default_factory=dict)


def _session(version, *, activity, day, start, room, pupils, coaches) -> Session:
    begin = datetime.datetime(2000, 1, 1, *map(int, start.split(":")))
    session = Session.objects.create(
        version=version,
        activity=activity,
        day=day,
        start=begin.time(),
        end=(begin + datetime.timedelta(minutes=activity.minutes)).time(),
        room=room,
    )
    session.coaches.set(coaches)
    SessionPupil.objects.bulk_create(SessionPupil(session=session, pupil=p) for p in pupils)
    return session


def _version(district, number, status, run=None) -> ScheduleVersion:
    return ScheduleVersion.objects.create(district=district, number=number, status=status, run=run)


def _run(district) -> SolveRun:
    return SolveRun.objects.create(district=district, status=SolveRun.Status.SUCCEEDED, instance={})


# A finding of the run's draft whose suggestion can be tried (issue 7): what the worker
# stores under ``report["explain"]``, cut down to what "try this suggestion" reads.
EXTRA_FOOTBALL_COACH = {
    "kind": "extra_coach",
    "site": "S1",
    "skill": "football",
    "day": "wed",
    "start": "12:30",
    "end": "16:00",
}
FINDINGS = {
    "before": [
        {
            "phase": "capacity",
            "kind": "coach",
            "short_minutes": 60,
            "school": "S1",
            "category": "sport",
            "text": {"nl": "tekort", "en": "short"},
            "suggestion": {
                "kind": "extra_coach",
                "recovers_minutes": 60,
                "text": {"nl": "een extra coach", "en": "an extra coach"},
                "edit": EXTRA_FOOTBALL_COACH,
            },
        }
    ],
    "after": [],
}


def _away_on_wednesday(district, coach) -> ScheduleChange:
    return ScheduleChange.objects.create(
        district=district,
        kind=ScheduleChange.Kind.COACH_UNAVAILABLE,
        coach=coach,
        starts_on=datetime.date(2026, 12, 7),
        ends_on=datetime.date(2026, 12, 18),
        weekdays=["wed"],
    )


def _second_school(district) -> tuple[Site, ClassGroup, Pupil, Room]:
    site = Site.objects.create(
        district=district, code="S2", name="OBS De Ster", address="Slinge 2", city="Rotterdam"
    )
    group = ClassGroup.objects.create(site=site, name="7A")
    pupil = Pupil.objects.create(
        class_group=group, grade=7, pupil_number="900", given_name="Jiří", surname="Novák"
    )
    room = Room.objects.create(site=site, name="Lokaal 7", capacity=30)
    return site, group, pupil, room


def _user(name: str, role: str, district, site=None, coach=None):
    user = UserFactory(username=name.replace(" ", "-").lower())
    Membership.objects.create(user=user, district=district, site=site, role=role)
    if coach is not None:
        coach.user = user
        coach.save(update_fields=["user"])
    return user


def _build(example_instance) -> World:
    a = load_district(example_instance, "a")
    b = load_district(example_instance, "b")
    x = Site.objects.get(district=a, code="S1")
    z = Site.objects.get(district=b, code="S1")
    venue = Site.objects.get(district=a, code="V1")
    y, class_y, pupil_y, room_y = _second_school(a)
    pupils_x = list(Pupil.objects.filter(school=x).order_by("pk"))
    pupil_z = Pupil.objects.filter(school=z).order_by("pk").first()
    coach_c, coach_d = Coach.objects.filter(district=a, code__in=["C1", "C2"]).order_by("code")
    coach_e = Coach.objects.get(district=b, code="C1")
    room_x = Room.objects.filter(site=x).order_by("name").first()
    room_z = Room.objects.filter(site=z).order_by("name").first()
    room_venue = Room.objects.get(site=venue)
    activity_a = Activity.objects.filter(district=a).order_by("code").first()
    activity_b = Activity.objects.filter(district=b).order_by("code").first()

    run_a, run_b = _run(a), _run(b)
    superseded_a = _version(a, 1, ScheduleVersion.Status.SUPERSEDED)
    published_a = _version(a, 2, ScheduleVersion.Status.PUBLISHED)
    draft_a = _version(a, 3, ScheduleVersion.Status.DRAFT, run=run_a)
    published_b = _version(b, 1, ScheduleVersion.Status.PUBLISHED, run=run_b)
    ScheduleVersion.objects.filter(pk__in=[draft_a.pk, published_b.pk]).update(
        report={"explain": FINDINGS}
    )
    common = {"activity": activity_a}
    world = World(
        a=a,
        b=b,
        x=x,
        y=y,
        z=z,
        venue=venue,
        class_x=pupils_x[0].class_group,
        class_y=class_y,
        class_z=pupil_z.class_group,
        pupil_x=pupils_x[0],
        pupil_y=pupil_y,
        pupil_z=pupil_z,
        room_x=room_x,
        room_y=room_y,
        room_z=room_z,
        room_venue=room_venue,
        coach_c=coach_c,
        coach_d=coach_d,
        coach_e=coach_e,
        session_x=_session(
            published_a,
            day="mon",
            start="14:00",
            room=room_x,
            pupils=pupils_x[:2],
            coaches=[coach_c],
            **common,
        ),
        session_venue=_session(
            published_a,
            day="wed",
            start="13:00",
            room=room_venue,
            pupils=[pupils_x[2], pupil_y],
            coaches=[coach_c],
            **common,
        ),
        session_y=_session(
            published_a,
            day="mon",
            start="15:00",
            room=room_y,
            pupils=[pupil_y],
            coaches=[coach_d],
            **common,
        ),
        session_z=_session(
            published_b,
            activity=activity_b,
            day="mon",
            start="14:00",
            room=room_z,
            pupils=[pupil_z],
            coaches=[coach_e],
        ),
        session_draft=_session(
            draft_a,
            day="wed",
            start="15:00",
            room=room_x,
            pupils=pupils_x[:1],
            coaches=[coach_c],
            **common,
        ),
        session_superseded=_session(
            superseded_a,
            day="mon",
            start="16:00",
            room=room_x,
            pupils=pupils_x[:1],
            coaches=[coach_c],
            **common,
        ),
        run_a=run_a,
        run_b=run_b,
        change_a=_away_on_wednesday(a, coach_c),
        change_b=_away_on_wednesday(b, coach_e),
        token_c=calendar_token_of(coach=coach_c).token,
    )
    role = Membership.Role
    world.users = {
        CA: _user(CA, role.COORDINATOR, a),
        CB: _user(CB, role.COORDINATOR, b),
        PX: _user(PX, role.PRINCIPAL, a, site=x),
        PY: _user(PY, role.PRINCIPAL, a, site=y),
        CC: _user(CC, role.COACH, a, coach=coach_c),
        CD: _user(CD, role.COACH, a, coach=coach_d),
        ANON: None,
    }
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, example_instance):
    """Built once in an outer transaction, rolled back after the module's last test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build(example_instance)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def url(name: str, *args) -> str:
    return reverse(f"schedules:{name}", args=args)


@dataclass(frozen=True)
class Case:
    method: str
    address: Callable[[World], str]
    allowed: frozenset[str]  # roles that get 200 (or, for POST, a redirect elsewhere)
    data: Callable[[World], dict] | None = None  # the form as the page would post it
    answer: object = None  # what an allowed role gets instead (a form refused with 400)
    changes: bool = False  # an allowed role's POST changes something (a row, a pin, a run)


def case(address, *allowed, method="GET", data=None, answer=None, changes=False) -> Case:
    return Case(method, address, frozenset(allowed), data, answer, changes)


def post(address, *allowed, data=None, answer=None, changes=False) -> Case:
    return case(address, *allowed, method="POST", data=data, answer=answer, changes=changes)


def coach_away(coach: Callable[[World], Coach]) -> Callable[[World], dict]:
    """The change form: this coach unavailable on Wednesdays in December."""
    return lambda w: {
        "kind": "coach_unavailable",
        "coach": coach(w).pk,
        "starts_on": "2026-12-07",
        "ends_on": "2026-12-18",
        "weekdays": ["wed"],
    }


RESOLVE = {"week_of": "2026-12-09", "time_limit": "30"}
WHAT_IF = {
    "change": "extra_room",
    "site": "V1",
    "day": "mon",
    "start": "15:00",
    "end": "17:00",
    "room_kind": "gym",
    "capacity": "20",
    "time_limit": "30",
}
FIRST_SUGGESTION = {"phase": "before", "index": "0"}


SCHOOL_X, SCHOOL_Y = (CA, PX), (CA, PY)

CASES: dict[str, Case] = {
    # The coach's own pages: no object in the address, the user's coach is the scope.
    "coach week": case(lambda w: url("coach_week"), CC, CD),
    "renew calendar address": case(lambda w: url("calendar_renew"), CC, CD, method="POST"),
    # Sessions: a coach's own, a principal's school's (held there or attended by its pupils).
    "session at X (coach C)": case(lambda w: url("session_detail", w.session_x.pk), CA, PX, CC),
    "session at the venue (C; pupils of X and Y)": case(
        lambda w: url("session_detail", w.session_venue.pk), CA, PX, PY, CC
    ),
    "session at Y (coach D)": case(lambda w: url("session_detail", w.session_y.pk), CA, PY, CD),
    "session in district B": case(lambda w: url("session_detail", w.session_z.pk), CB),
    "session of A's draft (coach C)": case(lambda w: url("session_detail", w.session_draft.pk)),
    "session of A's superseded version (coach C)": case(
        lambda w: url("session_detail", w.session_superseded.pk)
    ),
    # School X and its objects.
    "school X": case(lambda w: url("school_overview", w.x.pk), *SCHOOL_X),
    "school X pdf": case(lambda w: url("school_pdf", w.x.pk), *SCHOOL_X),
    "school X pupils pdf": case(lambda w: url("school_pupils_pdf", w.x.pk), *SCHOOL_X),
    "class of X pdf": case(lambda w: url("class_pdf", w.x.pk, w.class_x.pk), *SCHOOL_X),
    "class of X pupils pdf": case(
        lambda w: url("class_pupils_pdf", w.x.pk, w.class_x.pk), *SCHOOL_X
    ),
    "pupil of X pdf": case(lambda w: url("pupil_pdf", w.x.pk, w.pupil_x.pk), *SCHOOL_X),
    "room of X pdf": case(lambda w: url("room_pdf", w.x.pk, w.room_x.pk), *SCHOOL_X),
    "coach C at X pdf": case(lambda w: url("coach_pdf", w.x.pk, w.coach_c.pk), *SCHOOL_X),
    # School Y; coach C counts as Y's too (Y's pupils attend C's session at the venue).
    "school Y": case(lambda w: url("school_overview", w.y.pk), *SCHOOL_Y),
    "school Y pdf": case(lambda w: url("school_pdf", w.y.pk), *SCHOOL_Y),
    "school Y pupils pdf": case(lambda w: url("school_pupils_pdf", w.y.pk), *SCHOOL_Y),
    "class of Y pdf": case(lambda w: url("class_pdf", w.y.pk, w.class_y.pk), *SCHOOL_Y),
    "class of Y pupils pdf": case(
        lambda w: url("class_pupils_pdf", w.y.pk, w.class_y.pk), *SCHOOL_Y
    ),
    "pupil of Y pdf": case(lambda w: url("pupil_pdf", w.y.pk, w.pupil_y.pk), *SCHOOL_Y),
    "room of Y pdf": case(lambda w: url("room_pdf", w.y.pk, w.room_y.pk), *SCHOOL_Y),
    "coach D at Y pdf": case(lambda w: url("coach_pdf", w.y.pk, w.coach_d.pk), *SCHOOL_Y),
    "coach C at Y pdf": case(lambda w: url("coach_pdf", w.y.pk, w.coach_c.pk), *SCHOOL_Y),
    # School Z of district B.
    "school Z (B)": case(lambda w: url("school_overview", w.z.pk), CB),
    "school Z pdf": case(lambda w: url("school_pdf", w.z.pk), CB),
    "school Z pupils pdf": case(lambda w: url("school_pupils_pdf", w.z.pk), CB),
    "class of Z pdf": case(lambda w: url("class_pdf", w.z.pk, w.class_z.pk), CB),
    "pupil of Z pdf": case(lambda w: url("pupil_pdf", w.z.pk, w.pupil_z.pk), CB),
    "room of Z pdf": case(lambda w: url("room_pdf", w.z.pk, w.room_z.pk), CB),
    "coach E at Z pdf": case(lambda w: url("coach_pdf", w.z.pk, w.coach_e.pk), CB),
    # Another tenant's object in the address of one's own school: nobody.
    "X's address, Y's class": case(lambda w: url("class_pdf", w.x.pk, w.class_y.pk)),
    "X's address, Y's class pupils": case(lambda w: url("class_pupils_pdf", w.x.pk, w.class_y.pk)),
    "X's address, Z's class (B)": case(lambda w: url("class_pdf", w.x.pk, w.class_z.pk)),
    "X's address, Y's pupil": case(lambda w: url("pupil_pdf", w.x.pk, w.pupil_y.pk)),
    "X's address, Z's pupil (B)": case(lambda w: url("pupil_pdf", w.x.pk, w.pupil_z.pk)),
    "X's address, Y's room": case(lambda w: url("room_pdf", w.x.pk, w.room_y.pk)),
    "X's address, the venue's room": case(lambda w: url("room_pdf", w.x.pk, w.room_venue.pk)),
    "X's address, coach D (not at X)": case(lambda w: url("coach_pdf", w.x.pk, w.coach_d.pk)),
    "X's address, coach E (B)": case(lambda w: url("coach_pdf", w.x.pk, w.coach_e.pk)),
    "the venue as a school": case(lambda w: url("school_overview", w.venue.pk)),
    "the venue's pdf": case(lambda w: url("school_pdf", w.venue.pk)),
    # The coordinator's district pages.
    "dashboard A": case(lambda w: url("district_dashboard", w.a.code), CA),
    "dashboard B": case(lambda w: url("district_dashboard", w.b.code), CB),
    "excel A": case(lambda w: url("district_excel", w.a.code), CA),
    "excel B": case(lambda w: url("district_excel", w.b.code), CB),
    "runs of A": case(lambda w: url("district_runs", w.a.code), CA),
    "runs of B": case(lambda w: url("district_runs", w.b.code), CB),
    "run of A": case(lambda w: url("run_detail", w.a.code, w.run_a.pk), CA),
    "run of A progress": case(lambda w: url("run_progress", w.a.code, w.run_a.pk), CA),
    "run of B": case(lambda w: url("run_detail", w.b.code, w.run_b.pk), CB),
    "A's address, B's run": case(lambda w: url("run_detail", w.a.code, w.run_b.pk)),
    "A's address, B's run progress": case(lambda w: url("run_progress", w.a.code, w.run_b.pk)),
    "version 1 of A (superseded)": case(lambda w: url("version_detail", w.a.code, 1), CA),
    "version 2 of A (published)": case(lambda w: url("version_detail", w.a.code, 2), CA),
    "version 3 of A (draft)": case(lambda w: url("version_detail", w.a.code, 3), CA),
    "version 1 of B": case(lambda w: url("version_detail", w.b.code, 1), CB),
    "version 2 of B (none)": case(lambda w: url("version_detail", w.b.code, 2)),
    "solve A": case(lambda w: url("run_start", w.a.code), CA, method="POST"),
    "solve B": case(lambda w: url("run_start", w.b.code), CB, method="POST"),
    "cancel run of A": case(lambda w: url("run_cancel", w.a.code, w.run_a.pk), CA, method="POST"),
    "A's address, cancel B's run": case(
        lambda w: url("run_cancel", w.a.code, w.run_b.pk), method="POST"
    ),
    "publish version 3 of A": case(
        lambda w: url("version_publish", w.a.code, 3), CA, method="POST"
    ),
    "publish version 1 of B": case(
        lambda w: url("version_publish", w.b.code, 1), CB, method="POST"
    ),
    "district that does not exist": case(lambda w: url("district_dashboard", "nowhere")),
    # Changes, pins, re-solving and the impact report (issue 8): the district's coordinator.
    "changes of A": case(lambda w: url("changes", w.a.code), CA),
    "changes of B": case(lambda w: url("changes", w.b.code), CB),
    "changes of A, pins at Y": case(lambda w: url("changes", w.a.code) + f"?site={w.y.pk}", CA),
    "record a change in A": post(
        lambda w: url("change_create", w.a.code),
        CA,
        data=coach_away(lambda w: w.coach_c),
        changes=True,
    ),
    "record a change in B": post(
        lambda w: url("change_create", w.b.code),
        CB,
        data=coach_away(lambda w: w.coach_e),
        changes=True,
    ),
    "record a change in A naming B's coach": post(
        lambda w: url("change_create", w.a.code),
        CA,
        data=coach_away(lambda w: w.coach_e),
        answer=400,
    ),
    "remove A's change": post(
        lambda w: url("change_delete", w.a.code, w.change_a.pk), CA, changes=True
    ),
    "remove B's change": post(
        lambda w: url("change_delete", w.b.code, w.change_b.pk), CB, changes=True
    ),
    "A's address, remove B's change": post(lambda w: url("change_delete", w.a.code, w.change_b.pk)),
    "pin a session of A": post(
        lambda w: url("session_pin", w.a.code, w.session_x.pk),
        CA,
        data=lambda w: {"pinned": "1"},
        changes=True,
    ),
    "pin a session of B": post(
        lambda w: url("session_pin", w.b.code, w.session_z.pk),
        CB,
        data=lambda w: {"pinned": "1"},
        changes=True,
    ),
    "A's address, pin B's session": post(
        lambda w: url("session_pin", w.a.code, w.session_z.pk), data=lambda w: {"pinned": "1"}
    ),
    "pin a session of A's draft": post(
        lambda w: url("session_pin", w.a.code, w.session_draft.pk), data=lambda w: {"pinned": "1"}
    ),
    "pin a session of A's superseded version": post(
        lambda w: url("session_pin", w.a.code, w.session_superseded.pk),
        data=lambda w: {"pinned": "1"},
    ),
    "re-solve A": post(
        lambda w: url("resolve_start", w.a.code), CA, data=lambda w: RESOLVE, changes=True
    ),
    "re-solve B": post(
        lambda w: url("resolve_start", w.b.code), CB, data=lambda w: RESOLVE, changes=True
    ),
    "impact of version 1 of A (superseded)": case(lambda w: url("version_impact", w.a.code, 1), CA),
    "impact of version 2 of A (published)": case(lambda w: url("version_impact", w.a.code, 2), CA),
    "impact of version 3 of A (draft)": case(lambda w: url("version_impact", w.a.code, 3), CA),
    "impact of version 1 of B": case(lambda w: url("version_impact", w.b.code, 1), CB),
    "impact of version 2 of B (none)": case(lambda w: url("version_impact", w.b.code, 2)),
    # What-if (issue 7): the district's coordinator, on a copy of the district's data.
    "what-if in A": post(
        lambda w: url("what_if_start", w.a.code), CA, data=lambda w: WHAT_IF, changes=True
    ),
    "what-if in B": post(
        lambda w: url("what_if_start", w.b.code), CB, data=lambda w: WHAT_IF, changes=True
    ),
    "try a suggestion of A's run": post(
        lambda w: url("what_if_suggestion", w.a.code, w.run_a.pk),
        CA,
        data=lambda w: FIRST_SUGGESTION,
        changes=True,
    ),
    "try a suggestion of B's run": post(
        lambda w: url("what_if_suggestion", w.b.code, w.run_b.pk),
        CB,
        data=lambda w: FIRST_SUGGESTION,
        changes=True,
    ),
    "A's address, try a suggestion of B's run": post(
        lambda w: url("what_if_suggestion", w.a.code, w.run_b.pk), data=lambda w: FIRST_SUGGESTION
    ),
}


def expected(role: str, name: str) -> object:
    item = CASES[name]
    if role == ANON:
        return LOGIN
    if role in item.allowed:
        return item.answer or (REDIRECT if item.method == "POST" else OK)
    return NOT_FOUND


def state() -> tuple:
    """What a form could change, in a comparable form."""
    return (
        sorted(SolveRun.objects.values_list("pk", "status")),
        sorted(ScheduleChange.objects.values_list("pk", "district_id", "coach_id")),
        sorted(Session.objects.filter(pinned=True).values_list("pk", flat=True)),
        sorted(ScheduleVersion.objects.values_list("pk", "status")),
        sorted(CalendarToken.objects.values_list("pk", "token")),
    )


def answer(response) -> object:
    if response.status_code == 302:
        return LOGIN if response["Location"].startswith(reverse("login")) else REDIRECT
    return response.status_code


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, name):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    item = CASES[name]
    address = item.address(world)
    if item.method == "GET":
        response = client.get(address)
        assert answer(response) == expected(role, name), (role, name, address)
        return
    before = state()
    response = client.post(address, item.data(world) if item.data else {})
    assert answer(response) == expected(role, name), (role, name, address)
    if role not in item.allowed or item.answer is not None:
        assert state() == before, f"{role} was refused {name} but something changed"
    elif item.changes:
        assert state() != before, f"{role} may {name} but nothing changed"


@pytest.mark.parametrize("role", ROLES)
def test_the_calendar_address_is_the_only_key(client, world, role):
    """The feed needs no sign-in (calendar apps have none): the secret token decides alone."""
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    assert client.get(url("calendar_feed", world.token_c)).status_code == 200
    assert client.get(url("calendar_feed", "not-a-token")).status_code == 404
    assert client.get(url("calendar_feed", world.token_c[:-1])).status_code == 404


def test_the_calendar_holds_only_the_coachs_published_sessions(client, world):
    """Coach C's feed: the published sessions at X and the venue; not D's, B's, old or draft."""
    from icalendar import Calendar

    body = client.get(url("calendar_feed", world.token_c)).content
    uids = {str(event["UID"]).split("@")[0] for event in Calendar.from_ical(body).walk("VEVENT")}
    assert uids == {
        f"session-{world.session_x.pk}-v{world.session_x.version_id}",
        f"session-{world.session_venue.pk}-v{world.session_venue.version_id}",
    }


@pytest.mark.parametrize("role", [CA, PX, PY, CC])
def test_pupils_in_a_shared_session_per_role(client, world, role):
    """At the venue: the coordinator and the coach see every pupil, a principal only theirs."""
    client.force_login(world.users[role])
    html = client.get(url("session_detail", world.session_venue.pk)).content.decode()
    x_pupil = SessionPupil.objects.get(session=world.session_venue, pupil__school=world.x).pupil
    sees = {name for name in (x_pupil.full_name, world.pupil_y.full_name) if name in html}
    expected_names = {
        CA: {x_pupil.full_name, world.pupil_y.full_name},
        CC: {x_pupil.full_name, world.pupil_y.full_name},
        PX: {x_pupil.full_name},
        PY: {world.pupil_y.full_name},
    }[role]
    assert sees == expected_names


def test_pins_list_only_the_districts_own_sessions(client, world):
    """``?site=`` of another district's school lists nothing of it on the changes page."""
    client.force_login(world.users[CA])
    changes = url("changes", world.a.code)
    own = client.get(f"{changes}?site={world.x.pk}").content.decode()
    assert url("session_pin", world.a.code, world.session_x.pk) in own
    other = client.get(f"{changes}?site={world.z.pk}")
    assert other.status_code == 200
    page = other.content.decode()
    # No session of Z to pin (through either district's address), and no school chosen.
    assert f"/sessions/{world.session_z.pk}/pin/" not in page
    assert 'aria-current="page"' not in page


# Pages tested outside the matrix above, with where.
TESTED_ELSEWHERE = {
    "calendar_feed": "test_the_calendar_address_is_the_only_key (no sign-in: the token decides)",
}
MATRIX_MODULES = {
    "schedules.views",
    "schedules.views_people",
    "schedules.views_changes",
    "schedules.views_what_if",
}


def test_every_page_is_in_the_matrix(world):
    """A new page of these view modules fails here until a row of the matrix asks for it."""
    from schedules.urls import urlpatterns

    covered = {resolve(CASES[name].address(world).split("?")[0]).url_name for name in CASES}
    pages = {
        pattern.name for pattern in urlpatterns if pattern.callback.__module__ in MATRIX_MODULES
    }
    assert pages - covered - set(TESTED_ELSEWHERE) == set(), "add these pages to the matrix"
    assert {"changes", "version_impact", "what_if_start", "what_if_suggestion"} <= pages
