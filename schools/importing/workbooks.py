"""Writing roster workbooks with XlsxWriter: the template, the demo districts, a district's export.

Written by XlsxWriter and read by openpyxl: two programs, so the reader is
tested against files it did not write itself. The demo's workbooks come from
the generator's instance JSON and the seeded names of :mod:`schools.names`,
named the way ``district_load_from_instance`` names them. A district's export
(``district_workbook``) writes the database's rows in the same layout, so
exporting and importing again changes nothing.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import xlsxwriter
from django.utils.text import slugify

from schools.importing.kinds import KINDS, KINDS_BY_KEY, Kind
from schools.models import GRADE_MAX, GRADE_MIN, District, Weekday
from schools.names import NameMaker, ascii_slug, school_year_start
from schools.selectors import DUTCH_DAYS, district_rosters_build
from schools.services import PUPIL_NUMBER_START, _humanise, _unique_names

DEFAULT_CATEGORIES = ["sport", "cultuur", "huiswerk", "taal", "rekenen", "loopbaan"]


def _lists(categories: list[str]) -> dict[str, list[str]]:
    return {
        "grades": [str(g) for g in range(GRADE_MIN, GRADE_MAX + 1)] + ["1/2", "3/4", "5/6", "7/8"],
        "categories": categories or DEFAULT_CATEGORIES,
        "weekdays": [DUTCH_DAYS[d] for d in Weekday.values],
        "site_kinds": ["school", "locatie"],
    }


class _Writer:
    """One workbook: a sheet per kind, bold Dutch headers, a hidden sheet with the dropdown lists."""

    def __init__(self, target, categories: list[str], title: str | None = None):
        # Cells are data: "=..." is no formula and "http://..." no link (a name may start so).
        self.book = xlsxwriter.Workbook(target, {
            "constant_memory": True, "in_memory": False,
            "strings_to_formulas": False, "strings_to_urls": False,
        })  # fmt: skip
        self.bold = self.book.add_format({"bold": True, "bg_color": "#dde7f0"})
        self.title_format = self.book.add_format({"bold": True, "font_size": 14})
        self.title = title
        self.lists = _lists(categories)
        self.list_ranges: dict[str, str] = {}

    def sheet(self, kind: Kind, rows, *, validate: bool = False) -> None:
        """Writes ``rows``, each a list of cells in the order of ``kind.columns``."""
        sheet = self.book.add_worksheet(kind.sheet[:31])
        first = 0
        if self.title:  # a title row above the header, as people make them
            sheet.write(0, 0, f"{self.title}: {kind.sheet}", self.title_format)
            first = 2
        for col, column in enumerate(kind.columns):
            sheet.write(first, col, column.header, self.bold)
            sheet.set_column(col, col, max(12, len(column.header) + 2))
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                sheet.write(first + count, col, value)
        if validate:
            for col, column in enumerate(kind.columns):
                if column.choices:
                    sheet.data_validation(
                        first + 1, col, first + max(1000, count + 200), col,
                        {"validate": "list", "source": self.list_ranges[column.choices],
                         "ignore_blank": True, "error_type": "warning"},
                    )  # fmt: skip

    def list_sheet(self) -> None:
        sheet = self.book.add_worksheet("Lijsten")
        for col, (name, items) in enumerate(self.lists.items()):
            sheet.write(0, col, name)
            for row, item in enumerate(items, start=1):
                sheet.write_string(row, col, item)
            letter = chr(ord("A") + col)
            self.list_ranges[name] = f"=Lijsten!${letter}$2:${letter}${len(items) + 1}"
        sheet.hide()

    def close(self) -> None:
        self.book.close()


def template_workbook(*, categories: list[str] | None = None) -> bytes:
    """The district template: a sheet per kind with Dutch headers, two example rows, dropdowns."""
    buffer = io.BytesIO()
    writer = _Writer(buffer, categories or [])
    writer.book.add_worksheet("Toelichting").write_column(0, 0, [
        "Sjabloon voor het inlezen van een district.",
        "Elk tabblad is één soort gegevens; vul ze in of lever ze als losse bestanden.",
        "Verplichte kolommen staan vooraan; de voorbeeldregels mag u overschrijven.",
        "Zet nooit een BSN (burgerservicenummer) in dit bestand: dat mag niet en is niet nodig.",
    ])  # fmt: skip
    writer.list_sheet()
    for kind in KINDS:
        rows = [[column.examples[i] for column in kind.columns] for i in (0, 1)]
        writer.sheet(kind, rows, validate=True)
    writer.book.worksheets()[0].activate()
    writer.close()
    return buffer.getvalue()


def _cells(kind: Kind, record: dict[str, Any]) -> list:
    """A record ``{column name: cell}`` as a row in the order of ``kind.columns``."""
    unknown = set(record) - set(kind.columns_by_name)
    if unknown:
        raise KeyError(f"{kind.key} has no column {', '.join(sorted(unknown))}")
    return [record.get(column.name) for column in kind.columns]


def district_workbook(*, district: District, target) -> None:
    """Writes the master data of ``district`` as a district workbook (a path or a binary file).

    The template's layout: a sheet per kind with its Dutch headers (under a
    title row naming the district) and the dropdowns, from the rows of
    ``district_rosters_build``; importing it into the same district changes nothing.
    """
    rosters = district_rosters_build(district=district)
    writer = _Writer(
        str(target) if isinstance(target, str | Path) else target,
        [row["code"] for row in rosters["categories"]],
        title=district.name,
    )
    writer.list_sheet()
    for kind in KINDS:
        writer.sheet(kind, (_cells(kind, record) for record in rosters[kind.key]), validate=True)
    writer.book.worksheets()[1].activate()
    writer.close()


def demo_workbook(
    *, instance: dict[str, Any], path: Path, seed: int | str, today: datetime.date | None = None
) -> None:
    """Writes the instance as a district workbook, with fictional names drawn from ``seed``."""
    names = NameMaker(seed)
    year = school_year_start(today or datetime.date.today())
    writer = _Writer(
        str(path), [c["id"] for c in instance.get("categories", [])], title=instance.get("name")
    )
    data = instance

    def spans(by_day):
        for day, intervals in (by_day or {}).items():
            for start, end in intervals:
                yield DUTCH_DAYS[day], start, end

    def sheet(key, rows):
        writer.sheet(KINDS_BY_KEY[key], rows)

    sheet("categories", ([c["id"], c["name"], None] for c in data.get("categories", [])))
    sites = {s["id"]: s for s in data.get("sites", [])}
    sheet(
        "sites",
        (
            [s["id"], s["name"], "school" if s.get("kind", "school") == "school" else "locatie"]
            for s in sites.values()
        ),
    )
    sheet(
        "windows",
        (
            [s["id"], DUTCH_DAYS[d], a, b]
            for s in sites.values()
            for d, (a, b) in (s.get("window") or {}).items()
        ),
    )
    sheet("travel", ([t["from"], t["to"], t["minutes"]] for t in data.get("travel_minutes", [])))

    organisations = list(
        dict.fromkeys(c.get("organisation") or "—" for c in data.get("coaches", []))
    )
    sheet("organisations", ([o] for o in organisations))

    rooms = data.get("rooms", [])
    by_site = defaultdict(list)
    for index, room in enumerate(rooms):
        by_site[room["site"]].append(index)
    room_names = [room["name"] for room in rooms]
    for indexes in by_site.values():
        for index, unique in zip(
            indexes, _unique_names([room_names[i] for i in indexes]), strict=True
        ):
            room_names[index] = unique
    sheet(
        "rooms",
        (
            [r["site"], room_names[i], ", ".join(r.get("kinds", [])), r["capacity"]]
            for i, r in enumerate(rooms)
        ),
    )
    sheet(
        "room_availability",
        (
            [r["site"], room_names[i], *span]
            for i, r in enumerate(rooms)
            for span in spans(r.get("available"))
        ),
    )

    coach_rows = []
    for c in data.get("coaches", []):
        organisation = c.get("organisation") or "—"
        person = names.person()
        surname = " ".join(p for p in (person.surname_prefix, person.surname) if p)
        domain = ascii_slug(slugify(organisation)).replace("-", "") or "partner"
        coach_rows.append([
            c["id"], f"{ascii_slug(person.given_name)}.{ascii_slug(surname)}@{domain}.example",
            person.given_name, surname, organisation, ", ".join(c.get("skills", [])),
            c["max_minutes_per_day"], c["max_minutes_per_week"], names.phone(),
            ", ".join(c.get("sites") or []),
        ])  # fmt: skip
    sheet("coaches", coach_rows)
    sheet(
        "coach_availability",
        ([c["id"], *span] for c in data.get("coaches", []) for span in spans(c.get("available"))),
    )

    sheet("activities", (
        [a["id"], a["name"], a["category"], a["minutes"], a["min_group"], a["max_group"],
         f"{a['grades'][0]}-{a['grades'][1]}", ", ".join(a.get("room_kinds", [])), a["skill"],
         a.get("coaches", 1), a.get("max_per_week")]
        for a in data.get("activities", [])
    ))  # fmt: skip
    sheet("programmes", (
        [p["id"], _humanise(p["id"]), f"{p['grades'][0]}-{p['grades'][1]}", p["total_minutes"],
         p["max_minutes_per_day"], p["preferred_minutes_per_day"]]
        for p in data.get("programmes", [])
    ))  # fmt: skip
    sheet(
        "programme_minimums",
        (
            [p["id"], c, m]
            for p in data.get("programmes", [])
            for c, m in (p.get("category_minutes") or {}).items()
        ),
    )

    classes = {c["id"]: c for c in data.get("classes", [])}
    sheet("classes", ([c["site"], c["name"]] for c in classes.values()))

    pupils = data.get("pupils", [])
    family_names = {
        code: names.family_name()
        for code in dict.fromkeys(p["family"] for p in pupils if p.get("family"))
    }
    numbers: dict[str, int] = {}
    pupil_rows, keys = [], {}
    for p in pupils:
        group = classes[p["class"]]
        school = group["site"]
        numbers[school] = numbers.get(school, PUPIL_NUMBER_START) + names.random.randint(1, 3)
        family = p.get("family")
        person = names.person(family_names[family] if family else None)
        birth = names.birth_date(grade=p["grade"], school_year_start=year)
        keys[p["id"]] = (school, str(numbers[school]))
        pupil_rows.append([
            school, str(numbers[school]), person.given_name, person.surname_prefix, person.surname,
            birth.strftime("%d-%m-%Y"), p["grade"], group["name"], family,
            ", ".join(p.get("required") or []),
        ])  # fmt: skip
    sheet("pupils", pupil_rows)
    sheet("preferences", (
        [*keys[p["id"]], category, rank, activity]
        for p in pupils
        for category, ranked in (p.get("preferences") or {}).items()
        for rank, activity in enumerate(ranked, start=1)
    ))  # fmt: skip
    sheet(
        "pupil_unavailability",
        ([*keys[p["id"]], *span] for p in pupils for span in spans(p.get("unavailable"))),
    )
    writer.close()
