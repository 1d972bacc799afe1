"""The published schedule as an Excel workbook: a sheet per school, then a sheet per coach.

Names, rooms and activities are typed by people (and imported from their
workbooks), so a cell could start with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return and be taken for a formula (CSV/formula injection). Every text
cell is written as an explicit string, with Excel's quote prefix set, so it is
never evaluated.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from schedules.models import ScheduleVersion, Session, SessionPupil
from schedules.timetables import sessions_listed, site_address
from schools.models import Coach, Pupil, Site, Weekday

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def cell_write(sheet, row: int, column: int, value) -> None:
    """Writes a value; text is always stored as text, never as a formula."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would make "=..." a formula
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # Excel shows it as typed text, also after editing
    else:
        cell.value = value


def _sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")[:31] or "-"
    title, number = base, 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(title.lower())
    return title


def _write_table(sheet, header: list[str], rows: list[list]) -> None:
    for column, text in enumerate(header, start=1):
        cell_write(sheet, 1, column, text)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell_write(sheet, row_number, column, value)
    for column, text in enumerate(header, start=1):
        longest = max([len(str(text))] + [len(str(r[column - 1] or "")) for r in rows[:500]])
        sheet.column_dimensions[get_column_letter(column)].width = min(60, longest + 2)
    sheet.freeze_panes = "A2"


def published_workbook(*, version: ScheduleVersion) -> bytes:
    """The version as an .xlsx file."""
    sessions = sessions_listed(Session.objects.filter(version=version))
    pupils_of: dict[int, list[Pupil]] = defaultdict(list)
    schools_of: dict[int, set[int]] = defaultdict(set)
    for link in SessionPupil.objects.filter(session__version=version).select_related(
        "pupil__class_group"
    ):
        pupils_of[link.session_id].append(link.pupil)
        schools_of[link.session_id].add(link.pupil.school_id)

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    school_header = [
        _("Day"),
        _("Start"),
        _("End"),
        _("Activity"),
        _("Category"),
        _("Room"),
        _("Site"),
        _("Address"),
        _("Coaches"),
        _("Number of pupils"),
        _("Pupils"),
    ]

    def school_row(session: Session) -> list:
        pupils = sorted(pupils_of[session.pk], key=lambda p: (p.surname, p.given_name))
        return [
            str(Weekday(session.day).label),
            f"{session.start:%H:%M}",
            f"{session.end:%H:%M}",
            session.activity.name,
            session.activity.category.name,
            session.room.name,
            session.room.site.name,
            site_address(session.room.site),
            ", ".join(c.full_name for c in session.coaches.all()),
            len(pupils),
            ", ".join(f"{p.full_name} ({p.class_group.name})" for p in pupils),
        ]

    for site in Site.objects.filter(district_id=version.district_id, kind=Site.Kind.SCHOOL):
        rows = [
            school_row(s)
            for s in sessions
            if s.room.site_id == site.pk or site.pk in schools_of[s.pk]
        ]
        sheet = workbook.create_sheet(_sheet_title(site.name, taken))
        _write_table(sheet, school_header, rows)

    per_coach: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        for coach in session.coaches.all():
            per_coach[coach.pk].append(session)
    for coach in Coach.objects.filter(pk__in=per_coach).order_by("surname", "given_name"):
        sheet = workbook.create_sheet(_sheet_title(coach.full_name, taken))
        _write_table(sheet, school_header, [school_row(s) for s in per_coach[coach.pk]])

    if not workbook.sheetnames:
        workbook.create_sheet(_("Schedule"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
