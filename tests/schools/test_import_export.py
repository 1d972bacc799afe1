"""Export -> import round trip: a district's own workbook, imported again, changes nothing."""

from __future__ import annotations

import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from schools.importing.kinds import KINDS
from schools.importing.services import roster_import
from schools.models import (
    Activity,
    Category,
    ClassGroup,
    Coach,
    CoachAvailability,
    Family,
    Organisation,
    Programme,
    ProgrammeCategoryMinimum,
    Pupil,
    PupilPreference,
    PupilUnavailability,
    Room,
    RoomAvailability,
    RoomKind,
    Site,
    SiteWindow,
    Skill,
    TravelTime,
)
from schools.services import district_load_from_instance
from tests.conftest import SPEC_DIR
from tests.factories import DistrictFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    Category, Skill, RoomKind, Family, Site, SiteWindow, TravelTime, Organisation, Room,
    RoomAvailability, Coach, CoachAvailability, Activity, Programme, ProgrammeCategoryMinimum,
    ClassGroup, Pupil, PupilPreference, PupilUnavailability,
    Room.kinds.through, Coach.skills.through, Coach.allowed_sites.through,
    Activity.room_kinds.through, Pupil.required_activities.through,
]  # fmt: skip


def snapshot() -> dict[str, list[dict]]:
    """Every row of every master-data table, primary keys included."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


@pytest.fixture
def district():
    instance = json.loads((SPEC_DIR / "example-instance.json").read_text(encoding="utf-8"))
    district = district_load_from_instance(
        instance=instance, code="zuid", name="Rotterdam-Zuid", seed=1,
        today=datetime.date(2025, 9, 1),
    )  # fmt: skip
    # Cells the instance leaves empty: an address, a colour, a name starting with "=".
    Site.objects.filter(code="S1").update(
        address="Dordtselaan 1", postcode="3073 AA", city="Rotterdam"
    )
    Category.objects.filter(code="sport").update(colour="#123abc")
    Coach.objects.filter(code="C2").update(given_name="=Anna", phone="")
    Pupil.objects.filter(pupil_number=Pupil.objects.order_by("pk")[0].pupil_number).update(
        birth_date=None, surname_prefix="van der"
    )
    return district


def test_export_then_import_changes_nothing(district, tmp_path):
    path = tmp_path / "zuid.xlsx"
    call_command("export_rosters", "--district", "zuid", "-o", str(path))
    before = snapshot()
    assert before["Pupil"] and before["CoachAvailability"] and before["PupilUnavailability"]

    preview = roster_import(files=[path], district=district, dry_run=True)
    assert preview.ok, [str(p) for p in preview.problems]
    assert set(preview.counts) == {kind.key for kind in KINDS}
    assert {
        key: (c.new, c.updated, c.invalid, c.removed)
        for key, c in preview.counts.items()
        if (c.new, c.updated, c.invalid, c.removed) != (0, 0, 0, 0)
    } == {}
    unchanged = {key: c.unchanged for key, c in preview.counts.items()}
    assert unchanged["pupils"] == 4 and unchanged["coaches"] == 3 and unchanged["rooms"] == 3
    assert unchanged["windows"] == 2 and unchanged["preferences"] == 1
    assert unchanged["pupil_unavailability"] == 1 and unchanged["programme_minimums"] == 3

    confirmed = roster_import(files=[path], district=district, dry_run=False)
    assert confirmed.applied and all(
        c.new == c.updated == c.invalid == c.removed == 0 for c in confirmed.counts.values()
    )
    assert snapshot() == before
    assert Site.objects.get(code="S1").postcode == "3073 AA"
    assert Coach.objects.get(code="C2").given_name == "=Anna"
    assert Category.objects.get(code="sport").colour == "#123abc"
    assert Pupil.objects.filter(birth_date=None, surname_prefix="van der").count() == 1


def test_the_export_has_the_template_layout(district, tmp_path):
    path = tmp_path / "zuid.xlsx"
    call_command("export_rosters", "--district", "zuid", "-o", str(path))
    book = openpyxl.load_workbook(path, read_only=True)
    assert [kind.sheet for kind in KINDS] == book.sheetnames[1:]
    rows = list(book["Leerlingen"].iter_rows(values_only=True))
    assert rows[0][0] == "Rotterdam-Zuid: Leerlingen"  # a title row, then the headers
    assert list(rows[2]) == [column.header for column in KINDS[-3].columns]
    assert len(rows) == 3 + 4
    formula = [r for r in book["Coaches"].iter_rows(values_only=True) if "=Anna" in r]
    assert len(formula) == 1  # written as text, not as a formula


def test_export_command_refuses_an_unknown_district(db, tmp_path):
    with pytest.raises(CommandError, match="No district"):
        call_command("export_rosters", "--district", "nope", "-o", str(tmp_path / "x.xlsx"))


def test_a_coordinator_downloads_their_district_only(client, district):
    url = reverse("schools:roster_export", args=["zuid"])
    assert client.get(url).status_code == 302  # to the login page
    other = MembershipFactory(district=DistrictFactory(code="noord"))
    client.force_login(other.user)
    assert client.get(url).status_code == 404

    client.force_login(MembershipFactory(district=district, user=UserFactory(username="noor")).user)
    page = client.get(reverse("schools:roster_import", args=["zuid"])).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="rooster-zuid-' in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert sum(1 for _ in book["Leerlingen"].iter_rows()) == 3 + 4
