"""Printable timetables (reportlab): per class, per pupil, per room, per coach, per school.

Names like Şeyma Çelik, Zoë or Jiří need a Unicode font embedded in the PDF:
DejaVu Sans, found at ``settings.SCHEDULES_PDF_FONT`` or in the usual system
places (Debian/Ubuntu package ``fonts-dejavu-core``). All user text goes
through :func:`escape` before it enters a ``Paragraph``, whose text is markup.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from schedules import access, timetables
from schedules.timetables import site_address
from schools.models import Category, Weekday

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_PLACES = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)


def _font_file(name: str) -> Path | None:
    configured = getattr(settings, "SCHEDULES_PDF_FONT", "")
    if configured and name == "DejaVuSans.ttf":
        return Path(configured) if Path(configured).is_file() else None
    if configured:
        sibling = Path(configured).with_name(name)
        if sibling.is_file():
            return sibling
    for place in FONT_PLACES:
        path = Path(place) / name
        if path.is_file():
            return path
    try:  # matplotlib ships DejaVu Sans, if it happens to be installed
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
        if path.is_file():
            return path
    except ImportError:
        pass
    return None


@cache
def fonts_register() -> None:
    """Registers DejaVu Sans (and its bold) once; a clear error when it is missing."""
    regular = _font_file("DejaVuSans.ttf")
    if regular is None:
        raise ImproperlyConfigured(
            "The PDF timetables need the font DejaVu Sans (DejaVuSans.ttf) for names such as "
            "Şeyma Çelik or Jiří. Install it (Debian/Ubuntu: apt-get install fonts-dejavu-core) "
            "or set SCHEDULES_PDF_FONT to the path of DejaVuSans.ttf."
        )
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    bold = _font_file("DejaVuSans-Bold.ttf")
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold or regular)))


def escape(text: object) -> str:
    """User text made safe for reportlab's paragraph markup."""
    return _xml_escape(str(text))


class _Styles:
    def __init__(self):
        fonts_register()
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
        self.small = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10)
        self.cell = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=10.5)
        self.title = ParagraphStyle(
            "title", fontName=FONT_BOLD, fontSize=18, leading=22, spaceAfter=4
        )
        self.heading = ParagraphStyle(
            "heading", fontName=FONT_BOLD, fontSize=13, leading=16, spaceBefore=6, spaceAfter=4
        )


def _tint(hex_colour: str, amount: float = 0.65) -> colors.Color:
    """A light version of a category's colour, so black text on it stays readable."""
    base = colors.HexColor(hex_colour or "#4c78a8")
    return colors.Color(
        base.red + (1 - base.red) * amount,
        base.green + (1 - base.green) * amount,
        base.blue + (1 - base.blue) * amount,
    )


def _time(session) -> str:
    return f"{session.start:%H:%M}–{session.end:%H:%M}"


def _coach_first_names(session) -> str:
    return ", ".join(c.given_name for c in session.coaches.all()) or "–"


def _place(session, home_site=None) -> str:
    """Room and site; the address too when the session is away from the pupil's own school."""
    site = session.room.site
    text = f"{session.room.name}, {site.name}"
    if home_site is None or site.pk != home_site.pk:
        address = site_address(site)
        if address:
            text += f" ({address})"
    return text


def _document(story: list, *, wide: bool = False, title: str = "") -> bytes:
    buffer = io.BytesIO()
    size = landscape(A4) if wide else A4
    doc = SimpleDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
        author=_("Extended school day"),
    )
    doc.build(story or [Spacer(1, 1)])
    return buffer.getvalue()


def _printed_on(styles: _Styles) -> Paragraph:
    stamp = formats.date_format(timezone.localdate(), "j F Y")
    return Paragraph(escape(_("Printed on %(date)s") % {"date": stamp}), styles.small)


def _legend(styles: _Styles, categories: Iterable[Category]) -> Table | None:
    categories = list(categories)
    cells: list = []
    for category in categories:
        cells += ["", Paragraph(escape(category.name), styles.small)]
    if not cells:
        return None
    widths = [6 * mm if i % 2 == 0 else 38 * mm for i in range(len(cells))]
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    commands = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for index, category in enumerate(categories):
        commands += [
            ("BACKGROUND", (2 * index, 0), (2 * index, 0), _tint(category.colour)),
            ("BOX", (2 * index, 0), (2 * index, 0), 0.5, colors.grey),
        ]
    table.setStyle(TableStyle(commands))
    return table


def _week_grid(styles: _Styles, days: list[dict], *, width: float) -> Table:
    """Days as columns; each day's sessions below it, coloured by category."""
    header = [Paragraph(f"<b>{escape(day['label'])}</b>", styles.cell) for day in days]
    depth = max((len(day["sessions"]) for day in days), default=0)
    rows = [header]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
    ]
    for row in range(depth):
        cells = []
        for column, day in enumerate(days):
            if row >= len(day["sessions"]):
                cells.append("")
                continue
            session = day["sessions"][row]
            cells.append(
                Paragraph(
                    f"<b>{escape(_time(session))}</b><br/>{escape(session.activity.name)}<br/>"
                    f"{escape(_place(session))}<br/>"
                    f"{escape(_('Coach'))}: {escape(_coach_first_names(session))}",
                    styles.cell,
                )
            )
            commands.append(
                (
                    "BACKGROUND",
                    (column, row + 1),
                    (column, row + 1),
                    _tint(session.activity.category.colour),
                )
            )
        rows.append(cells)
    if depth == 0:
        rows.append([Paragraph(escape(_("No sessions.")), styles.cell)] + [""] * (len(days) - 1))
    columns = max(1, len(days))
    table = Table(rows, colWidths=[width / columns] * columns, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def _class_story(styles, *, site, group, days, categories) -> list:
    story = [
        Paragraph(escape(_("Class %(name)s") % {"name": group.name}), styles.title),
        Paragraph(escape(site.name), styles.body),
        Spacer(1, 4 * mm),
        _week_grid(styles, days, width=landscape(A4)[0] - 28 * mm),
        Spacer(1, 4 * mm),
    ]
    legend = _legend(styles, categories)
    if legend is not None:
        story += [legend, Spacer(1, 2 * mm)]
    story.append(_printed_on(styles))
    return story


def class_pdf(*, site, group, days, categories) -> bytes:
    """A class's week as a grid, colour per category, with a legend (A4 landscape)."""
    styles = _Styles()
    story = _class_story(styles, site=site, group=group, days=days, categories=categories)
    return _document(story, wide=True, title=_("Class %(name)s") % {"name": group.name})


def _listing_table(styles, sessions, *, with_pupils: dict[int, int] | None = None) -> Table:
    header = [_("Day"), _("Time"), _("Activity"), _("Where"), _("Coach")]
    if with_pupils is not None:
        header.append(_("Pupils"))
    rows = [[Paragraph(f"<b>{escape(text)}</b>", styles.cell) for text in header]]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
    ]
    for index, session in enumerate(sessions, start=1):
        row = [
            Weekday(session.day).label,
            _time(session),
            Paragraph(escape(session.activity.name), styles.cell),
            Paragraph(escape(_place(session)), styles.cell),
            Paragraph(escape(_coach_first_names(session)), styles.cell),
        ]
        if with_pupils is not None:
            row.append(str(with_pupils.get(session.pk, 0)))
        rows.append(row)
        commands.append(
            ("BACKGROUND", (2, index), (2, index), _tint(session.activity.category.colour))
        )
    if len(rows) == 1:
        rows.append([_("No sessions.")] + [""] * (len(header) - 1))
    widths = [22 * mm, 24 * mm, 38 * mm, 62 * mm, 28 * mm]
    if with_pupils is not None:
        widths = [20 * mm, 22 * mm, 36 * mm, 58 * mm, 26 * mm, 16 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def _listing_story(styles, *, title, subtitle, sessions, counts) -> list:
    return [
        Paragraph(escape(title), styles.title),
        Paragraph(escape(subtitle), styles.body),
        Spacer(1, 4 * mm),
        _listing_table(styles, sessions, with_pupils=counts),
        Spacer(1, 4 * mm),
        _printed_on(styles),
    ]


def listing_pdf(*, title: str, subtitle: str, sessions, counts: dict[int, int]) -> bytes:
    """A room's or a coach's sessions as a table, with the number of pupils."""
    styles = _Styles()
    story = _listing_story(styles, title=title, subtitle=subtitle, sessions=sessions, counts=counts)
    return _document(story, title=title)


class _PupilPage:
    """Draws one pupil's page straight on the canvas: thousands of pages a minute.

    Plain ``drawString`` calls take text as text (no markup), so nothing needs escaping.
    """

    COLUMNS = (24 * mm, 24 * mm, 40 * mm, 64 * mm, 30 * mm)
    SIZE = 10
    LEADING = 12.5

    def __init__(self, canvas: Canvas, site):
        self.canvas = canvas
        self.site = site
        self.width, self.height = A4
        self.left = 14 * mm
        self.text_width = self.width - 2 * self.left
        self.headers = (_("Day"), _("Time"), _("Activity"), _("Where"), _("Led by"))
        self.heading = _("My week at the extended school day")
        self.empty = _("No activities are planned for you yet.")
        self.note = simpleSplit(
            _(
                "Go straight to the room after school. Is an activity at another "
                "place? Your coach or teacher walks there with you. Questions? Ask at school."
            ),
            FONT,
            self.SIZE,
            self.text_width,
        )
        self.printed = _("Printed on %(date)s") % {
            "date": formats.date_format(timezone.localdate(), "j F Y")
        }
        self.days = {day: str(label) for day, label in Weekday.choices}

    def _lines(self, text: str, width: float) -> list[str]:
        return simpleSplit(text, FONT, self.SIZE, width - 3 * mm) or [""]

    def _row(self, y: float, cells: list[list[str]], *, font=FONT, fills=None) -> float:
        height = max(len(lines) for lines in cells) * self.LEADING + 5
        c = self.canvas
        x = self.left
        for index, (width, lines) in enumerate(zip(self.COLUMNS, cells, strict=True)):
            fill = fills.get(index) if fills else None
            if fill is not None:
                c.setFillColor(fill)
                c.rect(x, y - height, width, height, stroke=1, fill=1)
                c.setFillColor(colors.black)
            else:
                c.rect(x, y - height, width, height, stroke=1, fill=0)
            c.setFont(font, self.SIZE)
            for number, line in enumerate(lines):
                c.drawString(x + 1.5 * mm, y - self.LEADING * (number + 1) + 1, line)
            x += width
        return y - height

    def draw(self, pupil, sessions) -> None:
        c = self.canvas
        c.setStrokeColor(colors.grey)
        c.setLineWidth(0.4)
        y = self.height - 18 * mm
        c.setFont(FONT_BOLD, 13)
        c.drawString(self.left, y, self.heading)
        y -= 10 * mm
        c.setFont(FONT_BOLD, 20)
        for line in simpleSplit(pupil.full_name, FONT_BOLD, 20, self.text_width):
            c.drawString(self.left, y, line)
            y -= 8 * mm
        c.setFont(FONT, 11)
        c.drawString(
            self.left,
            y,
            _("Class %(class)s · %(school)s")
            % {"class": pupil.class_group.name, "school": self.site.name},
        )
        y -= 8 * mm
        if sessions:
            y = self._row(
                y,
                [[text] for text in self.headers],
                font=FONT_BOLD,
                fills={i: colors.Color(0.92, 0.92, 0.92) for i in range(5)},
            )
            for session in sessions:
                cells = [
                    [self.days.get(session.day, session.day)],
                    [_time(session)],
                    self._lines(session.activity.name, self.COLUMNS[2]),
                    self._lines(_place(session, home_site=self.site), self.COLUMNS[3]),
                    self._lines(_coach_first_names(session), self.COLUMNS[4]),
                ]
                y = self._row(y, cells, fills={2: _tint(session.activity.category.colour)})
        else:
            c.setFont(FONT, self.SIZE)
            c.drawString(self.left, y - self.LEADING, self.empty)
            y -= 2 * self.LEADING
        y -= 8 * mm
        c.setFont(FONT, self.SIZE)
        for line in self.note:
            c.drawString(self.left, y, line)
            y -= self.LEADING
        c.setFont(FONT, 8)
        c.drawString(self.left, 12 * mm, self.printed)
        c.showPage()


def pupils_pdf(*, site, pupils, sessions_per_pupil: dict[int, list]) -> bytes:
    """One A4 page per pupil, to take home (the caller switches the language to Dutch)."""
    fonts_register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(_("Pupils' timetables"))
    canvas.setAuthor(_("Extended school day"))
    page = _PupilPage(canvas, site)
    for pupil in pupils:
        page.draw(pupil, sessions_per_pupil.get(pupil.pk, []))
    if not pupils:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def school_pdf(*, site, classes: list[dict], rooms: list[dict], coaches: list[dict]) -> bytes:
    """The whole school: every class grid, then every room and every coach (A4 landscape)."""
    styles = _Styles()
    story: list = [
        Paragraph(escape(site.name), styles.title),
        Paragraph(escape(site_address(site)), styles.body),
        Spacer(1, 4 * mm),
        _printed_on(styles),
    ]
    for item in classes:
        story += [PageBreak(), *_class_story(styles, site=site, **item)]
    for item in [*rooms, *coaches]:
        story += [PageBreak(), *_listing_story(styles, **item)]
    return _document(story, wide=True, title=site.name)


def school_pupil_pages(*, site, pupils) -> bytes:
    """One take-home page per pupil with their week at ``site``'s published schedule."""
    sessions = timetables.sessions_listed(access.sessions_of_school(site=site))
    per_pupil = timetables.sessions_per_pupil(pupils=pupils, sessions=sessions)
    with translation.override("nl"):  # the page goes home to the parents
        return pupils_pdf(site=site, pupils=pupils, sessions_per_pupil=per_pupil)
