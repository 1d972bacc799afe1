"""The coordinator's import flow in the browser's terms: choose file -> preview -> confirm."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Pupil
from tests.factories import DistrictFactory, MembershipFactory, UserFactory
from tests.schools.import_helpers import PUPILS, district_sheets, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.ROSTER_IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.ROSTER_IMPORT_UPLOAD_DIR


@pytest.fixture
def district():
    return DistrictFactory(code="zuid", name="Rotterdam-Zuid")


@pytest.fixture
def coordinator(client, district):
    membership = MembershipFactory(district=district, user=UserFactory(username="noor"))
    client.force_login(membership.user)
    return membership.user


def upload(tmp_path, sheets, name="rooster.xlsx"):
    path = write_workbook(tmp_path / name, sheets)
    return SimpleUploadedFile(name, path.read_bytes())


def test_preview_then_confirm(client, coordinator, district, tmp_path, upload_dir):
    url = reverse("schools:roster_import", args=["zuid"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"files": upload(tmp_path, district_sheets())})
    page = response.content.decode()
    assert response.status_code == 200 and "Confirm the import" in page
    assert Pupil.objects.count() == 0
    assert len(list(upload_dir.iterdir())) == 1
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert "Vries" not in token and len(token) > 20

    done = client.post(reverse("schools:roster_import_confirm", args=["zuid"]), {"token": token})
    assert done.status_code == 200 and "Imported" in done.content.decode()
    assert Pupil.objects.count() == 2
    assert list(upload_dir.iterdir()) == []
    again = client.post(reverse("schools:roster_import_confirm", args=["zuid"]), {"token": token})
    assert again.status_code == 400 and Pupil.objects.count() == 2


def test_a_bad_row_shows_row_column_and_message_and_offers_no_confirm(
    client, coordinator, district, tmp_path, upload_dir
):
    pupils = [*PUPILS[:5], ["1003", "Noor", None, "Benali", None, 11, "6A", "12AB"]]
    response = client.post(
        reverse("schools:roster_import", args=["zuid"]),
        {"files": upload(tmp_path, district_sheets(pupils))},
    )
    page = response.content.decode()
    assert "Nothing was imported" in page and "Confirm the import" not in page
    assert "Jaargroep" in page and "outside 1–8" in page and ">6<" in page
    assert list(upload_dir.iterdir()) == []  # discarded at once


def test_one_file_per_kind_in_one_upload(client, coordinator, district, tmp_path):
    files = [
        upload(tmp_path, {name: rows}, f"{name}.xlsx") for name, rows in district_sheets().items()
    ]
    page = client.post(reverse("schools:roster_import", args=["zuid"]), {"files": files}).content
    token = re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()
    client.post(reverse("schools:roster_import_confirm", args=["zuid"]), {"token": token})
    assert Pupil.objects.count() == 2


def test_a_coordinator_of_another_district_gets_404(client, district, tmp_path):
    other = MembershipFactory(district=DistrictFactory(code="noord"))
    client.force_login(other.user)
    url = reverse("schools:roster_import", args=["zuid"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"files": upload(tmp_path, district_sheets())}).status_code == 404
    assert (
        client.post(
            reverse("schools:roster_import_confirm", args=["zuid"]), {"token": "x"}
        ).status_code
        == 404
    )
    assert client.get(reverse("schools:roster_template", args=["zuid"])).status_code == 404
    assert client.get(reverse("schools:import_home")).url == reverse(
        "schools:roster_import", args=["noord"]
    )
    assert Pupil.objects.count() == 0


def test_a_token_of_one_district_does_not_work_in_another(client, district, tmp_path):
    user = UserFactory(username="admin", is_staff=True)
    client.force_login(user)
    DistrictFactory(code="noord")
    page = client.post(
        reverse("schools:roster_import", args=["zuid"]),
        {"files": upload(tmp_path, district_sheets())},
    ).content
    token = re.search(rb'name="token" value="([^"]+)"', page).group(1).decode()
    response = client.post(
        reverse("schools:roster_import_confirm", args=["noord"]), {"token": token}
    )
    assert response.status_code == 400 and Pupil.objects.count() == 0


def test_login_required_and_no_role_is_refused(client, district):
    url = reverse("schools:roster_import", args=["zuid"])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(username="nobody"))
    assert client.get(url).status_code == 404
    assert client.get(reverse("schools:import_home")).status_code == 403


def test_template_download(client, coordinator, district):
    response = client.get(reverse("schools:roster_template", args=["zuid"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
