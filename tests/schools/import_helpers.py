"""Golden workbooks for the importer tests, written with XlsxWriter (openpyxl only reads)."""

from __future__ import annotations

import datetime
from pathlib import Path

import xlsxwriter


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """One sheet per entry: rows as given (a title row or an empty row is just a row)."""
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd-mm-yyyy"})
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(
                        r, c, datetime.datetime.combine(value, datetime.time()), date_format
                    )
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


SCHOOLS = [
    ["Code", "Naam", "Soort"],
    ["12AB", "OBS De Regenboog", "school"],
    ["SPH1", "Sporthal Zuid", "locatie"],
]
CLASSES = [["School", "Klas", "Groep"], ["12AB", "6A", "6"], ["12AB", "5/6B", "5/6"]]
PUPILS = [
    ["Basisschool De Regenboog, export 2025"],  # a title row
    [],
    [
        "Leerlingnummer ",
        "Roepnaam",
        "Tussenvoegsel",
        "Achternaam",
        "Geboortedatum",
        "Jaargroep",
        "Groep",
        "School",
    ],
    ["1001", "Zoë", "de", "Vries", "01-03-2015", "groep 6", "6A", "12AB"],
    [1002, "Yusuf", None, "Çelik", datetime.date(2016, 11, 17), 5, "5/6B", "12AB"],
    [],
]


def district_sheets(pupils=None) -> dict[str, list[list]]:
    return {"Scholen": SCHOOLS, "Klassen": CLASSES, "Leerlingen": pupils or PUPILS}
