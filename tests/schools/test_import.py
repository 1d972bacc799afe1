"""roster_import: accepted variants, re-import, all or nothing, and every kind of bad input."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schools.importing.services import roster_import
from schools.importing.workbooks import template_workbook
from schools.models import ClassGroup, Pupil, Site
from tests.factories import DistrictFactory
from tests.schools.import_helpers import PUPILS, district_sheets, write_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return DistrictFactory(code="zuid", name="Rotterdam-Zuid")


@pytest.fixture
def workbook(tmp_path):
    return write_workbook(tmp_path / "district.xlsx", district_sheets())


def problems(report):
    return [str(p) for p in report.problems]


def test_title_rows_aliases_and_any_column_order_are_read(district, workbook):
    report = roster_import(files=[workbook], district=district, dry_run=False)
    assert report.ok, problems(report)
    assert report.applied
    zoe = Pupil.objects.get(pupil_number="1001")
    assert (zoe.given_name, zoe.surname_prefix, zoe.surname, zoe.grade) == ("Zoë", "de", "Vries", 6)
    assert zoe.birth_date == datetime.date(2015, 3, 1)
    yusuf = Pupil.objects.get(pupil_number="1002")  # a number cell, an Excel date
    assert yusuf.birth_date == datetime.date(2016, 11, 17)
    assert yusuf.class_group.name == "5/6B" and yusuf.grade == 5
    assert Site.objects.get(code="SPH1").kind == Site.Kind.VENUE


def test_dry_run_counts_and_changes_nothing(district, workbook):
    report = roster_import(files=[workbook], district=district, dry_run=True)
    assert report.ok and not report.applied
    assert report.counts["pupils"].new == 2
    assert Pupil.objects.count() == 0 and Site.objects.count() == 0


def test_reimport_updates_in_place(district, workbook, tmp_path):
    roster_import(files=[workbook], district=district, dry_run=False)
    again = roster_import(files=[workbook], district=district, dry_run=False)
    assert again.counts["pupils"].unchanged == 2 and again.counts["pupils"].new == 0
    changed = [row[:] for row in PUPILS]
    changed[3][3] = "de Vries-Jansen"
    second = write_workbook(tmp_path / "second.xlsx", {"Leerlingen": changed})
    report = roster_import(files=[second], district=district, dry_run=False)
    assert report.ok, problems(report)
    assert (report.counts["pupils"].updated, report.counts["pupils"].unchanged) == (1, 1)
    assert Pupil.objects.count() == 2
    assert Pupil.objects.get(pupil_number="1001").surname == "de Vries-Jansen"


def test_one_bad_row_changes_nothing(district, tmp_path):
    pupils = [*PUPILS[:5], ["1003", "Noor", None, "Benali", None, 9, "6A", "12AB"]]
    path = write_workbook(tmp_path / "bad.xlsx", district_sheets(pupils))
    report = roster_import(files=[path], district=district, dry_run=False)
    assert not report.applied and report.counts["pupils"].invalid == 1
    (problem,) = report.problems
    assert problem.row == 6 and problem.column == "Jaargroep" and "outside 1–8" in problem.message
    assert Pupil.objects.count() == 0 and ClassGroup.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["1003", "Noor", None, "Benali", None, 6, "7C", "12AB"], "Groep", "7C"),
        (["1003", "Noor", None, "Benali", None, 6, "6A", "99XX"], "School", "99XX"),
        (["1001", "Noor", None, "Benali", None, 6, "6A", "12AB"], "Leerlingnummer", "twice"),
        (["1003", "Noor", None, "Benali", "31-02-2015", 6, "6A", "12AB"], "Geboortedatum", "date"),
        (["1003", "Noor", None, "Benali", None, "5/6", "5/6B", "12AB"], "Jaargroep", "combination"),
        (["1003", "", None, "Benali", None, 6, "6A", "12AB"], "Roepnaam", "empty"),
    ],
)
def test_bad_rows_name_row_column_and_value(district, tmp_path, row, column, words):
    path = write_workbook(tmp_path / "bad.xlsx", district_sheets([*PUPILS[:5], row]))
    report = roster_import(files=[path], district=district, dry_run=False)
    (problem,) = report.problems
    assert (problem.row, problem.column) == (6, column)
    assert words in problem.message
    assert Pupil.objects.count() == 0


def test_times_that_are_not_times(district, tmp_path):
    sheets = {
        "Scholen": [["Code", "Naam"], ["12AB", "OBS De Regenboog"]],
        "Schooltijden": [["School", "Dag", "Van", "Tot"], ["12AB", "maandag", "kwart over drie", "17:00"],
                         ["12AB", "di", datetime.time(15, 0), "16.30"], ["12AB", "zaterdagmiddag", "15:00", "14:00"]],
    }  # fmt: skip
    report = roster_import(
        files=[write_workbook(tmp_path / "t.xlsx", sheets)], district=district, dry_run=True
    )
    messages = problems(report)
    assert any("row 2, column Van" in m and "not a time" in m for m in messages)
    assert any("row 4, column Dag" in m and "not a weekday" in m for m in messages)
    assert any("row 4, column Tot" in m and "after the start" in m for m in messages)
    assert report.counts["windows"].invalid == 2 and report.counts["windows"].new == 1


def test_missing_columns_are_listed(district, tmp_path):
    path = write_workbook(
        tmp_path / "m.xlsx", {"Leerlingen": [["Leerlingnummer", "Roepnaam"], ["1", "Zoë"]]}
    )
    (problem,) = roster_import(files=[path], district=district, dry_run=True).problems
    assert "Achternaam" in problem.message and "Expected columns" in problem.message


@pytest.mark.parametrize(
    "sheet",
    [
        [["Leerlingnummer", "Roepnaam", "BSN"], ["1", "Zoë", "111222333"]],
        [[*PUPILS[2], "Nummer 2"], [*PUPILS[3], "111222333"], [*PUPILS[4], 123456782]],
    ],
    ids=["header", "eleven-test"],
)
def test_a_bsn_column_is_refused(district, tmp_path, sheet):
    path = write_workbook(tmp_path / "bsn.xlsx", {"Leerlingen": sheet})
    report = roster_import(files=[path], district=district, dry_run=False)
    (problem,) = report.problems
    assert "BSN" in problem.message and "must not be uploaded" in problem.message
    assert Pupil.objects.count() == 0


def test_not_an_excel_file(district, tmp_path):
    path = tmp_path / "rooster.xlsx"
    path.write_text("Leerlingnummer;Roepnaam\n1;Zoë\n")
    (problem,) = roster_import(files=[path], district=district, dry_run=True).problems
    assert "not an Excel file" in problem.message


def test_password_protected_workbook(district, tmp_path):
    path = tmp_path / "geheim.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
    )  # encrypted xlsx: an OLE2 file
    (problem,) = roster_import(files=[path], district=district, dry_run=True).problems
    assert "password-protected" in problem.message


def test_corrupt_workbook(district, workbook, tmp_path):
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(workbook.read_bytes()[:2000])
    (problem,) = roster_import(files=[path], district=district, dry_run=True).problems
    assert "damaged" in problem.message


def test_zip_bomb_is_refused_before_opening(district, tmp_path):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)
    (problem,) = roster_import(files=[path], district=district, dry_run=True).problems
    assert "zip bomb" in problem.message


def test_xml_entity_bomb_is_refused(district, workbook, tmp_path):
    path = tmp_path / "entities.xlsx"
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
            b'"&lol;&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>')  # fmt: skip
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, bomb if item.filename == "xl/sharedStrings.xml" else data)
    (problem,) = roster_import(files=[path], district=district, dry_run=True).problems
    assert "document type declaration" in problem.message


def test_more_rows_than_the_limit(district, tmp_path, settings):
    settings.ROSTER_IMPORT_MAX_ROWS = 1
    path = write_workbook(tmp_path / "veel.xlsx", district_sheets())
    report = roster_import(files=[path], district=district, dry_run=True)
    assert any("more than 1 rows" in m for m in problems(report))


def test_one_file_per_kind(district, tmp_path):
    files = [
        write_workbook(tmp_path / f"{name}.xlsx", {name: rows})
        for name, rows in district_sheets().items()
    ]
    report = roster_import(files=files, district=district, dry_run=False)
    assert report.ok, problems(report)
    assert Pupil.objects.count() == 2


def test_template_has_dutch_headers_dropdowns_and_imports_its_examples(district, tmp_path):
    data = template_workbook(categories=["sport", "cultuur"])
    book = openpyxl.load_workbook(io.BytesIO(data))
    pupils = book["Leerlingen"]
    assert [c.value for c in pupils[1]][:3] == ["School", "Leerlingnummer", "Roepnaam"]
    assert pupils.max_row == 3  # the header and two example rows
    assert any("Lijsten" in str(v.formula1) for v in pupils.data_validations.dataValidation)
    path = tmp_path / "template.xlsx"
    path.write_bytes(data)
    report = roster_import(files=[path], district=district, dry_run=True)
    assert report.ok, problems(report)
    assert report.counts["pupils"].new == 2


def test_cli_exit_codes(district, workbook, tmp_path, capsys):
    call_command("import_rosters", str(workbook), "--district", "zuid", "--dry-run")
    assert "Dry run" in capsys.readouterr().out and Pupil.objects.count() == 0
    call_command("import_rosters", str(workbook), "--district", "zuid")
    assert Pupil.objects.count() == 2
    bad = write_workbook(
        tmp_path / "bad.xlsx",
        district_sheets([*PUPILS[:5], ["1", "A", None, "B", None, 0, "6A", "12AB"]]),
    )
    with pytest.raises(CommandError, match="invalid"):
        call_command("import_rosters", str(bad), "--district", "zuid")
    assert "row 6, column Jaargroep" in capsys.readouterr().out


def test_a_groep_column_alone_gives_class_and_grade(district, tmp_path):
    pupils = [
        ["Leerlingnummer", "Voornaam", "Voorvoegsel", "Achternaam", "Groep", "School"],
        ["1001", "Zoë ", "de", "Vries", "6A", "12AB"],
        ["1002", "Yusuf", None, "Çelik", "groep 6A", "12AB"],
    ]
    sheets = {**district_sheets(), "Leerlingen": pupils}
    sheets["Klassen"] = [*sheets["Klassen"], ["12AB", "groep 6A"]]
    report = roster_import(
        files=[write_workbook(tmp_path / "g.xlsx", sheets)], district=district, dry_run=False
    )
    assert report.ok, problems(report)
    assert sorted(Pupil.objects.values_list("given_name", "grade", "class_group__name")) == [
        ("Yusuf", 6, "groep 6A"),
        ("Zoë", 6, "6A"),
    ]


def test_coaches_by_email_and_their_availability_is_replaced(district, tmp_path):
    from schools.models import Coach, CoachAvailability

    sheets = {
        "Organisaties": [["Naam"], ["Sportclub Zuid"]],
        "Coaches": [
            ["E-mailadres", "Roepnaam", "Achternaam", "Organisatie", "Vaardigheden", "Max per dag", "Max per week"],
            ["kerem@sportclub.example", "Kerem", "Yılmaz", "Sportclub Zuid", "voetbal, judo", 240, 600],
        ],
        "Beschikbaarheid coaches": [
            ["Coach", "Dag", "Begin", "Einde"],
            ["kerem@sportclub.example", "maandag", "14:00", "17:00"],
            ["kerem@sportclub.example", "do", "14:00", "17:00"],
        ],
    }  # fmt: skip
    first = roster_import(
        files=[write_workbook(tmp_path / "c1.xlsx", sheets)], district=district, dry_run=False
    )
    assert first.ok, problems(first)
    coach = Coach.objects.get()
    assert coach.code == "kerem" and sorted(coach.skills.values_list("code", flat=True)) == [
        "judo",
        "voetbal",
    ]
    sheets["Coaches"][1][6] = 480
    sheets["Beschikbaarheid coaches"] = sheets["Beschikbaarheid coaches"][:2]
    second = roster_import(
        files=[write_workbook(tmp_path / "c2.xlsx", sheets)], district=district, dry_run=False
    )
    assert second.ok, problems(second)
    assert (
        second.counts["coaches"].updated == 1 and second.counts["coach_availability"].removed == 1
    )
    assert Coach.objects.get().max_minutes_per_week == 480
    assert list(CoachAvailability.objects.values_list("weekday", flat=True)) == ["mon"]


def test_unknown_organisation_is_named(district, tmp_path):
    sheets = {
        "Coaches": [
            ["Code", "Voornaam", "Achternaam", "Organisatie", "Max per dag", "Max per week"],
            ["C1", "Anna", "de Vries", "Muziekschool Noord", 180, 480],
        ]
    }
    (problem,) = roster_import(
        files=[write_workbook(tmp_path / "o.xlsx", sheets)], district=district, dry_run=True
    ).problems
    assert (
        problem.row == 2
        and problem.column == "Organisatie"
        and "Muziekschool Noord" in problem.message
    )


def test_a_damaged_sheet_inside_a_sound_zip(district, workbook, tmp_path):
    path = tmp_path / "half.xlsx"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            broken = item.filename.startswith("xl/worksheets/sheet")
            target.writestr(item, data[: len(data) // 2] if broken else data)
    (problem,) = roster_import(files=[path], district=district, dry_run=False).problems
    assert "damaged" in problem.message
    assert Pupil.objects.count() == 0
