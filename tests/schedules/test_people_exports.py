"""Downloads of the published schedule: the principal's PDFs and the coordinator's Excel export."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from schedules.excel import cell_write
from schedules.models import Session, SessionPupil
from schools.models import Activity, ClassGroup, Coach, Membership, Pupil, Room, Site
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def pdf_pages(content: bytes) -> int:
    """Page objects in a PDF written by reportlab (its page tree is not compressed)."""
    return len(re.findall(rb"/Type /Page\b(?!s)", content))


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
    names = [("Şeyma", "", "Çelik"), ("Zoë", "van der", "Berg"), ("Jiří", "", "Novák")]
    for pupil, (given, prefix, surname) in zip(pupils, names, strict=False):
        Pupil.objects.filter(pk=pupil.pk).update(
            given_name=given, surname_prefix=prefix, surname=surname
        )
    response = client.get(reverse("schedules:school_pupils_pdf", args=[school.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    assert pdf_pages(content) == len(pupils)
    assert b"DejaVuSans" in content  # the Unicode font is embedded (as a subset)
    assert b"FontFile2" in content
    assert b"Roosters van de leerlingen" in content  # in Dutch, to take home

    group = ClassGroup.objects.filter(site=school).first()
    response = client.get(reverse("schedules:class_pupils_pdf", args=[school.pk, group.pk]))
    assert pdf_pages(response.content) == Pupil.objects.filter(class_group=group).count()


def test_pupil_text_reaches_the_pdf_and_markup_is_escaped(client, school, published, principal):
    """Names are escaped: markup characters print as text instead of breaking the page."""
    pupil = Pupil.objects.filter(school=school).first()
    Pupil.objects.filter(pk=pupil.pk).update(given_name="<b>Ann & Co</b>", surname="Çelik")
    response = client.get(reverse("schedules:pupil_pdf", args=[school.pk, pupil.pk]))
    assert response.status_code == 200 and pdf_pages(response.content) == 1


@pytest.mark.parametrize("kind", ["class", "room", "coach", "school"])
def test_the_other_prints_render(client, school, published, principal, kind):
    if kind == "class":
        group = ClassGroup.objects.filter(site=school).first()
        url = reverse("schedules:class_pdf", args=[school.pk, group.pk])
    elif kind == "room":
        room = Room.objects.filter(site=school).first()
        url = reverse("schedules:room_pdf", args=[school.pk, room.pk])
    elif kind == "coach":
        coach = Coach.objects.filter(
            pk__in=Session.coaches.through.objects.filter(
                session__version=published, session__room__site=school
            ).values("coach_id")
        ).first()
        url = reverse("schedules:coach_pdf", args=[school.pk, coach.pk])
    else:
        url = reverse("schedules:school_pdf", args=[school.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF") and pdf_pages(response.content) >= 1
    if kind == "school":
        classes = ClassGroup.objects.filter(site=school).count()
        assert pdf_pages(response.content) >= 1 + classes


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
    assert found


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
