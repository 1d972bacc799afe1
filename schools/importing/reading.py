"""Opening an uploaded workbook safely and reading its sheets as rows of named columns.

Before openpyxl sees a byte, the file is checked as a zip container: it must be
one (an encrypted workbook is an OLE2 file, an old ``.xls`` too), the sizes its
directory announces must stay under ``ROSTER_IMPORT_MAX_UNCOMPRESSED_BYTES`` and
a sane compression ratio (a zip bomb announces gigabytes), and no XML part may
declare a DTD (``<!DOCTYPE``/``<!ENTITY``: an entity bomb; a real workbook never
has one). openpyxl itself parses with defusedxml when it is installed, which it
is (``openpyxl.DEFUSEDXML``). The workbook is read in read-only mode, row by row,
so memory stays bounded, and reading stops at ``ROSTER_IMPORT_MAX_ROWS``.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.conf import settings
from django.utils.translation import gettext as _

from schools.importing import values
from schools.importing.kinds import (
    BSN_HEADERS,
    IGNORED_SHEETS,
    KINDS,
    Kind,
    kind_for_headers,
    kind_for_sheet,
    normalise,
)

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SEARCH_ROWS = 20
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def max_rows() -> int:
    return getattr(settings, "ROSTER_IMPORT_MAX_ROWS", 100_000)


def max_uncompressed_bytes() -> int:
    return getattr(settings, "ROSTER_IMPORT_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024)


MAX_RATIO = 200  # worksheets compress about 10:1; a bomb compresses 1000:1


class FileRefused(Exception):
    """The whole file is refused; the message says why, in plain language."""


@dataclass
class Row:
    number: int  # as Excel shows it
    cells: dict[str, object]


@dataclass
class Sheet:
    source: str  # "file.xlsx, sheet Leerlingen"
    kind: Kind
    columns: dict[str, str]  # column name -> header as written in the file
    rows: list[Row] = field(default_factory=list)


def check_container(path: Path, name: str) -> None:
    """Refuses what is not a safe .xlsx before any XML is parsed."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE2_MAGIC):
        raise FileRefused(
            _(
                "%(name)s is password-protected or an old .xls file. Remove the password "
                "and save it as an Excel workbook (.xlsx), then upload it again."
            )
            % {"name": name}
        )
    if not head.startswith(ZIP_MAGIC):
        raise FileRefused(
            _("%(name)s is not an Excel file (.xlsx). Save it from Excel as a workbook (.xlsx).")
            % {"name": name}
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "xl/workbook.xml" not in names:
                raise FileRefused(
                    _("%(name)s is a zip file but not an Excel workbook (.xlsx).") % {"name": name}
                )
            total = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if total > max_uncompressed_bytes() or total > MAX_RATIO * max(packed, 1) + 10**6:
                raise FileRefused(
                    _(
                        "%(name)s unpacks to %(size)s MB, far more than a roster can hold; it is "
                        "refused as a possible zip bomb."
                    )
                    % {"name": name, "size": total // 10**6}
                )
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and _declares_dtd(archive, member):
                    raise FileRefused(
                        _(
                            "%(name)s contains an XML document type declaration (in %(part)s), "
                            "which Excel never writes; it is refused as unsafe."
                        )
                        % {"name": name, "part": member.filename}
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise FileRefused(
            _("%(name)s is damaged and cannot be opened as an Excel workbook.") % {"name": name}
        ) from error


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Looks at the prolog only: a DTD must come before the root element."""
    with archive.open(member) as part:
        head = part.read(4096)
    return any(marker in head for marker in DTD_MARKERS)


def read_workbook(path: Path, name: str, errors: list) -> list[Sheet]:
    """The recognised sheets of a workbook; problems of the file as a whole go into ``errors``.

    ``errors`` receives ``(source, row, column, message)`` tuples.
    """
    check_container(path, name)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on damaged files
        raise FileRefused(
            _("%(name)s is damaged and cannot be opened as an Excel workbook (%(error)s).")
            % {"name": name, "error": type(error).__name__}
        ) from error
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            if normalise(worksheet.title) in IGNORED_SHEETS:
                continue
            sheet = _read_sheet(worksheet, name, errors)
            if sheet is not None:
                sheets.append(sheet)
    except Exception as error:  # a damaged sheet shows only while it is read
        raise FileRefused(
            _("%(name)s is damaged and cannot be read (%(error)s).")
            % {"name": name, "error": type(error).__name__}
        ) from error
    finally:
        workbook.close()
    return sheets


def _read_sheet(worksheet, name: str, errors: list) -> Sheet | None:
    source = _("%(file)s, sheet %(sheet)s") % {"file": name, "sheet": worksheet.title}
    rows: Iterator = worksheet.iter_rows(values_only=True)
    named_kind = kind_for_sheet(worksheet.title)
    header, header_number, kind = None, 0, None
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        cells = list(cells)
        if _bsn_header(cells):
            errors.append((source, number, _bsn_header(cells), bsn_message()))
            return None
        candidate = named_kind or kind_for_headers(cells)
        if candidate is None:
            continue
        found = candidate.match_headers(cells)
        if len(found) >= 2 or all(column.name in found for column in candidate.required):
            header, header_number, kind = cells, number, candidate
            break
    if kind is None:
        if named_kind is not None:
            expected = ", ".join(column.header for column in named_kind.required)
            errors.append(
                (source, None, None,
                 _("No header row found; the sheet %(sheet)s needs the columns: %(columns)s.")
                 % {"sheet": worksheet.title, "columns": expected})
            )  # fmt: skip
        elif worksheet.max_row and worksheet.max_row > 1:
            errors.append(
                (source, None, None,
                 _("This sheet is not recognised. Name it after what it holds (%(kinds)s) "
                   "or use the headers of the template.")
                 % {"kinds": ", ".join(k.sheet for k in KINDS)})
            )  # fmt: skip
        return None

    found = kind.match_headers(header)
    for column in kind.columns:
        if column.name not in found and column.fallback in found:
            found[column.name] = found[column.fallback]
    missing = [column.header for column in kind.required if column.name not in found]
    if missing:
        errors.append(
            (source, header_number, None,
             _("Required columns are missing: %(missing)s. Expected columns: %(expected)s.")
             % {"missing": ", ".join(missing),
                "expected": ", ".join(c.header + ("" if c.required else "*") for c in kind.columns)})
        )  # fmt: skip
        return None
    sheet = Sheet(source, kind, {col: str(header[index]).strip() for col, index in found.items()})
    limit = max_rows()
    width = len(header)
    nonempty = [0] * width
    bsn_like = [0] * width
    for number, cells in enumerate(rows, start=header_number + 1):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        if len(sheet.rows) >= limit:
            errors.append(
                (source, number, None,
                 _("The sheet has more than %(limit)s rows, the most one import takes. Split it "
                   "into several files.") % {"limit": limit})
            )  # fmt: skip
            return None
        for index in range(min(width, len(cells))):
            cell = cells[index]
            if cell is not None and cell != "":
                nonempty[index] += 1
                if _maybe_bsn(cell) and values.looks_like_bsn(cell):
                    bsn_like[index] += 1
        sheet.rows.append(
            Row(
                number,
                {col: cells[index] if index < len(cells) else None for col, index in found.items()},
            )
        )
    for index in range(width):
        if bsn_like[index] and bsn_like[index] >= 0.8 * nonempty[index]:
            column = str(header[index] or "").strip() or _("column %(n)s") % {"n": index + 1}
            errors.append((source, None, column, bsn_message()))
            return None
    return sheet


def _maybe_bsn(cell) -> bool:
    """A cheap first look (most cells are names, dates or small numbers)."""
    if isinstance(cell, str):
        return 8 <= len(cell) <= 11 and cell[:1].isdigit()
    return isinstance(cell, int | float) and 10_000_000 <= cell < 1_000_000_000


def _bsn_header(cells) -> str | None:
    for cell in cells:
        if isinstance(cell, str) and normalise(cell) in BSN_HEADERS:
            return cell.strip()
    return None


def bsn_message() -> str:
    return _(
        "This column holds citizen service numbers (BSN). They must not be uploaded: the "
        "planner does not need them, the law allows the BSN only for purposes it names (and "
        "planning activities is not one of them), and the GDPR asks for as little personal "
        "data as possible. Remove the column and upload the file again; nothing was stored."
    )
