"""Downloads of the published schedule, read back: the principal's PDFs (pypdf), the
coordinator's Excel export (openpyxl and the raw sheet XML) and the coach's calendar
feed (icalendar).
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
from django.db.models import Q
from django.urls import reverse
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from schedules.excel import cell_write
from schedules.models import CalendarToken, Session, SessionPupil
from schools.models import Activity, Category, ClassGroup, Coach, Membership, Pupil, Room, Site
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UNICODE_NAMES = [("Şeyma", "", "Çelik"), ("Zoë", "van der", "Berg"), ("Jiří", "", "Novák")]


def pdf_texts(content: bytes) -> list[str]:
    """The text of each page, as pypdf reads it back, with runs of white space as one space."""
    assert content.startswith(b"%PDF")
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def hours(session: Session) -> str:
    """A session's time as every print shows it: 14:00–15:00."""
    return f"{session.start:%H:%M}–{session.end:%H:%M}"


def sessions_of(version, **pupil_filter) -> list[Session]:
    """The version's sessions attended by the pupils that match ``pupil_filter``."""
    return list(
        Session.objects.filter(
            version=version, **{f"pupil_links__pupil__{k}": v for k, v in pupil_filter.items()}
        )
        .select_related("activity", "room")
        .distinct()
    )


@pytest.fixture
def school(district):
    return Site.objects.get(district=district, code="S1")


@pytest.fixture
def principal(client, school):
    user = UserFactory(username="principal")
    Membership.objects.create(
        user=user, district=school.district, site=school, role=Membership.Role.PRINCIPAL
    )
    client.force_login(user)
    return user


def test_a_page_per_pupil_with_unicode_names(client, school, published, principal):
    pupils = list(Pupil.objects.filter(school=school).order_by("pk"))
    for pupil, (given, prefix, surname) in zip(pupils, UNICODE_NAMES, strict=False):
        Pupil.objects.filter(pk=pupil.pk).update(
            given_name=given, surname_prefix=prefix, surname=surname
        )
    response = client.get(reverse("schedules:school_pupils_pdf", args=[school.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert b"DejaVuSans" in content  # the Unicode font is embedded (as a subset)
    assert b"FontFile2" in content
    assert b"Roosters van de leerlingen" in content  # in Dutch, to take home

    # One page per pupil, in the order of the download (class, surname, given name),
    # each with that pupil's name, class, and the time, activity and place of each session.
    pages = pdf_texts(content)
    ordered = list(
        Pupil.objects.filter(school=school)
        .select_related("class_group")
        .order_by("class_group__name", "surname", "given_name")
    )
    assert len(pages) == len(ordered) == len(pupils)
    for page, pupil in zip(pages, ordered, strict=True):
        assert page.startswith("Mijn week op de verlengde schooldag")
        assert pupil.full_name in page
        assert f"Groep {pupil.class_group.name} · {school.name}" in page
        others = [p.full_name for p in ordered if p.pk != pupil.pk]
        assert not any(name in page for name in others)
        mine = sessions_of(published, pk=pupil.pk)
        assert mine, "every pupil of the example has sessions"
        for session in mine:
            assert hours(session) in page
            assert session.activity.name in page
            assert session.room.name in page
    everything = " ".join(pages)
    for given, prefix, surname in UNICODE_NAMES:
        assert " ".join(part for part in (given, prefix, surname) if part) in everything

    group = ClassGroup.objects.filter(site=school).first()
    response = client.get(reverse("schedules:class_pupils_pdf", args=[school.pk, group.pk]))
    pages = pdf_texts(response.content)
    assert len(pages) == Pupil.objects.filter(class_group=group).count()
    assert all(f"Groep {group.name} " in page for page in pages)


def test_pupil_text_reaches_the_pdf_and_markup_is_escaped(client, school, published, principal):
    """Names are escaped: markup characters print as text instead of breaking the page."""
    pupil = Pupil.objects.filter(school=school).first()
    Pupil.objects.filter(pk=pupil.pk).update(given_name="<b>Ann & Co</b>", surname="Çelik")
    response = client.get(reverse("schedules:pupil_pdf", args=[school.pk, pupil.pk]))
    assert response.status_code == 200
    (page,) = pdf_texts(response.content)
    assert "<b>Ann & Co</b> Çelik" in page
    # The same text in the grid of a class print, which is reportlab markup.
    Activity.objects.filter(district=school.district).update(name="Sport & <i>Spel</i>")
    response = client.get(reverse("schedules:class_pdf", args=[school.pk, pupil.class_group_id]))
    assert "Sport & <i>Spel</i>" in " ".join(pdf_texts(response.content))


@pytest.mark.parametrize("kind", ["class", "room", "coach", "school"])
def test_the_other_prints_render(client, school, published, principal, kind):
    """Each print read back: its title, and the time and activity of each of its sessions."""
    at_school = Session.objects.filter(version=published, room__site=school)
    for_school = (
        Session.objects.filter(version=published)
        .filter(Q(room__site=school) | Q(pupil_links__pupil__school=school))
        .distinct()
    )
    if kind == "class":
        group = ClassGroup.objects.filter(site=school).order_by("name").first()
        url = reverse("schedules:class_pdf", args=[school.pk, group.pk])
        title, shown = group.name, sessions_of(published, class_group=group)
    elif kind == "room":
        room = Room.objects.filter(pk__in=at_school.values("room_id")).order_by("name").first()
        url = reverse("schedules:room_pdf", args=[school.pk, room.pk])
        title, shown = room.name, list(at_school.filter(room=room))
    elif kind == "coach":
        coach = Coach.objects.filter(
            pk__in=Session.coaches.through.objects.filter(
                session__version=published, session__room__site=school
            ).values("coach_id")
        ).first()
        Coach.objects.filter(pk=coach.pk).update(given_name="Jiří", surname="Dvořák")
        coach.refresh_from_db()
        url = reverse("schedules:coach_pdf", args=[school.pk, coach.pk])
        title = "Jiří Dvořák"
        shown = list(for_school.filter(coaches=coach))
    else:
        url = reverse("schedules:school_pdf", args=[school.pk])
        title, shown = school.name, sessions_of(published, school=school)
    response = client.get(url)
    assert response.status_code == 200
    pages = pdf_texts(response.content)
    text = " ".join(pages)
    assert title in pages[0]
    assert shown
    for session in shown:
        assert hours(session) in text, (kind, hours(session))
        assert session.activity.name in text
    if kind == "class":
        assert len(pages) == 1  # a week grid on one landscape page, with its legend
        for category in Category.objects.filter(district=school.district):
            assert category.name in text
    if kind == "school":
        # A front page, then one page per class, per room and per coach of the school.
        classes = ClassGroup.objects.filter(site=school).count()
        rooms = Room.objects.filter(site=school).count()
        coaches = Coach.objects.filter(
            pk__in=Session.coaches.through.objects.filter(
                session__in=for_school.values("pk")
            ).values("coach_id")
        ).count()
        assert len(pages) == 1 + classes + rooms + coaches
        for group in ClassGroup.objects.filter(site=school):
            assert any(group.name in page for page in pages[1 : 1 + classes])


def test_the_school_overview_shows_classes_and_coverage(client, school, published, principal):
    page = client.get(reverse("schedules:school_overview", args=[school.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for group in ClassGroup.objects.filter(site=school):
        assert group.name in html
    rows = page.context["classes"]
    assert {row.group.pk for row in rows} == set(
        ClassGroup.objects.filter(site=school).values_list("pk", flat=True)
    )
    for row in rows:
        for cell in row.categories:
            assert 0 <= cell["met"] <= cell["required"]


def test_excel_export_keeps_formulas_as_text(client, district, published, coordinator):
    session = Session.objects.filter(version=published).first()
    Activity.objects.filter(pk=session.activity_id).update(name='=HYPERLINK("http://x","y")')
    pupil = SessionPupil.objects.filter(session=session).first().pupil
    Pupil.objects.filter(pk=pupil.pk).update(given_name="+31 6", surname="@home")
    coach = session.coaches.first()
    Coach.objects.filter(pk=coach.pk).update(given_name="-1+1", surname="\tTab")
    client.force_login(coordinator)
    response = client.get(reverse("schedules:district_excel", args=[district.code]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    school = Site.objects.get(district=district, code="S1")
    assert school.name in workbook.sheetnames
    assert any("Tab" in name for name in workbook.sheetnames)  # the coach's sheet
    found = False
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value == '=HYPERLINK("http://x","y")':
                    found = True
                    assert cell.data_type == "s"
                if isinstance(cell.value, str) and cell.value.startswith(
                    ("=", "+", "-", "@", "\t")
                ):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    assert found
    # The file itself, not only openpyxl's reading of it: no formula element in any sheet.
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert not re.search(rb"<(\w+:)?f[ >/]", archive.read(name)), name


def test_excel_export_read_back(client, district, published, coordinator):
    """A sheet per school with its sessions, a sheet per coach with theirs; names, times, pupils."""
    school = Site.objects.get(district=district, code="S1")
    pupils = list(Pupil.objects.filter(school=school).order_by("pk"))
    for pupil, (given, prefix, surname) in zip(pupils, UNICODE_NAMES, strict=False):
        Pupil.objects.filter(pk=pupil.pk).update(
            given_name=given, surname_prefix=prefix, surname=surname
        )
    client.force_login(coordinator)
    response = client.get(reverse("schedules:district_excel", args=[district.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{district.code}-v{published.number}.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))

    busy = Coach.objects.filter(
        pk__in=Session.coaches.through.objects.filter(session__version=published).values("coach_id")
    ).order_by("surname", "given_name")
    schools = Site.objects.filter(district=district, kind=Site.Kind.SCHOOL)
    assert workbook.sheetnames == [s.name for s in schools] + [c.full_name for c in busy]

    def rows_of(title):
        return sorted(workbook[title].iter_rows(min_row=2, values_only=True))

    def expected(sessions):
        return sorted(
            (
                f"{s.start:%H:%M}",
                f"{s.end:%H:%M}",
                s.activity.name,
                s.room.name,
                SessionPupil.objects.filter(session=s).count(),
            )
            for s in sessions
        )

    for_school = (
        Session.objects.filter(version=published)
        .filter(Q(room__site=school) | Q(pupil_links__pupil__school=school))
        .distinct()
    )
    rows = rows_of(school.name)
    assert sorted((r[1], r[2], r[3], r[5], r[9]) for r in rows) == expected(for_school)
    listed = " ".join(r[10] or "" for r in rows)
    for pupil in Pupil.objects.filter(school=school).select_related("class_group"):
        assert f"{pupil.full_name} ({pupil.class_group.name})" in listed
    assert "Şeyma Çelik" in listed and "Zoë van der Berg" in listed
    for coach in busy:
        rows = rows_of(coach.full_name)
        mine = Session.objects.filter(version=published, coaches=coach)
        assert sorted((r[1], r[2], r[3], r[5], r[9]) for r in rows) == expected(mine)
        assert all(coach.full_name in r[8] for r in rows)


def test_cell_write_never_makes_a_formula():
    from openpyxl import Workbook

    sheet = Workbook().active
    for column, text in enumerate(["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "ok"], 1):
        cell_write(sheet, 1, column, text)
        assert sheet.cell(1, column).data_type == "s"
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    again = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [again.cell(1, c).data_type for c in range(1, 8)] == ["s"] * 7
    assert again.cell(1, 1).value == "=1+1"


def test_the_dashboard_shows_coverage_and_use(client, district, published, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("schedules:district_dashboard", args=[district.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("schedules:district_excel", args=[district.code]) in html
    assert reverse("schedules:version_detail", args=[district.code, published.number]) in html
    assert 'class="bar"' in html
    for coach in Coach.objects.filter(district=district):
        assert coach.full_name in html


def test_calendar_feed_read_back(client, district, published, settings):
    """Each of the coach's sessions as one weekly event: its day, times, place and name."""
    settings.SCHOOL_YEAR_START = "2026-08-31"
    settings.SCHOOL_YEAR_END = "2027-07-16"
    coach = Coach.objects.filter(
        pk__in=Session.coaches.through.objects.filter(session__version=published).values("coach_id")
    ).order_by("code")[0]
    Coach.objects.filter(pk=coach.pk).update(given_name="Zoë", surname="Çelik")
    token = CalendarToken.objects.create(coach=coach, token="t" * 43).token
    response = client.get(reverse("schedules:calendar_feed", args=[token]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]).endswith("Zoë Çelik")
    assert calendar.walk("VTIMEZONE"), "the Amsterdam time zone travels with the feed"

    sessions = {
        f"session-{s.pk}-v{s.version_id}": s
        for s in Session.objects.filter(version=published, coaches=coach).select_related(
            "activity", "room__site"
        )
    }
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == set(sessions) and sessions
    weekdays = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4}
    for uid, event in events.items():
        session = sessions[uid]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # The first occurrence: the session's weekday in the school year's first week.
        assert datetime.date(2026, 8, 31) <= start.date() < datetime.date(2026, 9, 7)
        assert start.weekday() == weekdays[session.day]
        assert (start.time(), end.time()) == (session.start, session.end)
        assert end.date() == start.date()
        assert str(start.tzinfo) == "Europe/Amsterdam"
        rule = event["RRULE"]
        assert rule["FREQ"] == ["WEEKLY"]
        until = rule["UNTIL"][0]
        assert until.astimezone(datetime.UTC) == datetime.datetime(
            2027, 7, 16, 21, 59, 59, tzinfo=datetime.UTC
        )  # 23:59:59 in Amsterdam, summer time
        site = session.room.site
        assert str(event["SUMMARY"]) == f"{session.activity.name} – {site.name}"
        location = str(event["LOCATION"])
        assert session.room.name in location and site.name in location
        for part in (site.address, site.city):
            assert part in location
        assert session.activity.name in str(event["DESCRIPTION"])
