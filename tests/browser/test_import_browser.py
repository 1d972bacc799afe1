"""A coordinator imports rosters in a real browser: choose file -> preview -> confirm -> done."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from django.urls import reverse

from schools.models import ClassGroup, Pupil, Site
from tests.conftest import REPO
from tests.factories import DistrictFactory, MembershipFactory, UserFactory
from tests.schools.import_helpers import PUPILS, district_sheets, write_workbook

# Refreshed with UPDATE_SCREENSHOTS=1; the README shows it.
SCREENSHOT = REPO / "docs" / "screenshots" / "import-preview.png"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.ROSTER_IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.ROSTER_IMPORT_UPLOAD_DIR


@pytest.fixture
def district(transactional_db):
    return DistrictFactory(code="zuid", name="Rotterdam-Zuid")


@pytest.fixture
def browser_user(district):
    user = UserFactory(username="noor")
    MembershipFactory(district=district, user=user)
    return user


def counts(page, label: str) -> list[str]:
    """The new, updated, unchanged and invalid numbers of one row of the preview's table."""
    row = page.locator("table").first.locator("tr", has=page.locator(f"th:text-is('{label}')"))
    return row.locator("td").all_inner_texts()


def test_preview_then_confirm_imports_the_rows(browser_page, district, tmp_path, upload_dir):
    page = browser_page
    workbook = write_workbook(tmp_path / "rooster.xlsx", district_sheets())
    page.goto(reverse("schools:import_home"))  # one district: straight to its import page
    assert page.url.endswith(reverse("schools:roster_import", args=["zuid"]))
    page.locator("input[type=file]").set_input_files(str(workbook))
    page.locator("button[type=submit]").click()

    page.wait_for_selector("button[name=confirm]")
    assert page.locator("h1").inner_text() == "Preview"
    assert counts(page, "Scholen") == ["2", "0", "0", "0"]
    assert counts(page, "Klassen") == ["2", "0", "0", "0"]
    assert counts(page, "Leerlingen") == ["2", "0", "0", "0"]
    assert Pupil.objects.count() == 0 and len(list(upload_dir.iterdir())) == 1
    page.locator("body").screenshot(path=str(tmp_path / "preview.png"))
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / "preview.png", SCREENSHOT)

    page.locator("button[name=confirm]").click()
    page.wait_for_selector("h1.ok")
    assert page.locator("h1").inner_text() == "Imported"
    assert page.locator("button[name=confirm]").count() == 0
    assert sorted(Pupil.objects.values_list("pupil_number", "surname")) == [
        ("1001", "Vries"),
        ("1002", "Çelik"),
    ]
    assert Site.objects.filter(district=district).count() == 2
    assert ClassGroup.objects.filter(site__district=district).count() == 2
    assert list(upload_dir.iterdir()) == []


def test_an_invalid_workbook_shows_row_and_column_and_imports_nothing(
    browser_page, district, tmp_path, upload_dir
):
    page = browser_page
    pupils = [*PUPILS[:5], ["1003", "Noor", None, "Benali", None, 11, "6A", "12AB"]]
    workbook = write_workbook(tmp_path / "fout.xlsx", district_sheets(pupils))
    page.goto(reverse("schools:roster_import", args=["zuid"]))
    page.locator("input[type=file]").set_input_files(str(workbook))
    page.locator("button[type=submit]").click()

    page.wait_for_selector("table.problems")
    assert page.locator("h1.problem").count() == 1
    assert page.locator("button[name=confirm]").count() == 0
    (problem,) = page.locator("table.problems tbody tr").all()
    source, row, column, message = problem.locator("td").all_inner_texts()
    assert "fout.xlsx" in source and "Leerlingen" in source
    assert (row, column) == ("6", "Jaargroep")
    assert re.search(r"Grade 11 is outside 1–8", message)
    assert counts(page, "Leerlingen")[3] == "1"
    assert Pupil.objects.count() == 0 and Site.objects.count() == 0
    assert list(upload_dir.iterdir()) == []
