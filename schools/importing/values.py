"""Cell values as people type them in Excel, turned into what the models store.

Every parser takes the raw cell value (text, number, date or None) and returns the
clean value or raises :class:`CellError` with a message in plain language.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from schools.models import GRADE_MAX, GRADE_MIN


class CellError(ValueError):
    """A cell that cannot be read; the message says what is wrong and how to write it."""


WEEKDAYS = {
    "mon": ("ma", "maa", "maan", "maandag", "mo", "mon", "monday"),
    "tue": ("di", "din", "dins", "dinsdag", "tu", "tue", "tues", "tuesday"),
    "wed": ("wo", "woe", "woen", "woensdag", "we", "wed", "wednesday"),
    "thu": ("do", "don", "dond", "donderdag", "th", "thu", "thur", "thurs", "thursday"),
    "fri": ("vr", "vrij", "vrijdag", "fr", "fri", "friday"),
    "sat": ("za", "zat", "zaterdag", "sa", "sat", "saturday"),
    "sun": ("zo", "zon", "zondag", "su", "sun", "sunday"),
}
WEEKDAY_BY_NAME = {name: code for code, names in WEEKDAYS.items() for name in names}


def text(value) -> str:
    """A cell as trimmed text; whole numbers lose Excel's ``.0`` (pupil number 1234.0 -> 1234)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return " ".join(str(value).split())


def items(value) -> list[str]:
    """A list in one cell: ``voetbal, judo`` or ``voetbal; judo``."""
    return [part.strip() for part in re.split(r"[,;]", text(value)) if part.strip()]


def integer(value, *, minimum: int = 0) -> int:
    raw = text(value)
    if isinstance(value, int | float) and float(value).is_integer():
        number = int(value)
    elif re.fullmatch(r"-?\d+", raw):
        number = int(raw)
    else:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw})
    if number < minimum:
        raise CellError(
            _("%(value)s is too small; the least is %(min)s.") % {"value": number, "min": minimum}
        )
    return number


def grades(value) -> tuple[int, int]:
    """``groep 6``, ``6``, ``gr. 6`` -> (6, 6); ``5/6`` or ``5-6`` (a combination class) -> (5, 6)."""
    raw = text(value)
    match = re.fullmatch(
        r"(?:groep|gr\.?|grade|jaargroep|leerjaar)?\s*(\d{1,2})(?:\s*[/\-–]\s*(\d{1,2}))?\s*[a-zA-Z]?",
        raw,
        re.I,
    )
    if not match:
        raise CellError(
            _("“%(value)s” is not a grade; write a group from 1 to 8, like 6 or groep 6.")
            % {"value": raw}
        )
    low = int(match.group(1))
    high = int(match.group(2) or low)
    for number in (low, high):
        if not GRADE_MIN <= number <= GRADE_MAX:
            raise CellError(
                _("Grade %(grade)s is outside 1–8: primary school has groups 1 to 8.")
                % {"grade": number}
            )
    if high < low:
        raise CellError(_("In “%(value)s” the higher grade comes first.") % {"value": raw})
    return low, high


def grade(value) -> int:
    """One pupil's grade; a combination class (5/6) does not say which of the two it is."""
    low, high = grades(value)
    if low != high:
        raise CellError(
            _(
                "“%(value)s” is a combination class; give the pupil's own grade (%(low)s or "
                "%(high)s) in a column Jaargroep, and the class in a column Klas."
            )
            % {"value": text(value), "low": low, "high": high}
        )
    return low


def weekday(value) -> str:
    raw = text(value).lower().rstrip(".")
    if raw in WEEKDAY_BY_NAME:
        return WEEKDAY_BY_NAME[raw]
    raise CellError(
        _("“%(value)s” is not a weekday; write ma, di, wo, do, vr or maandag, dinsdag ...")
        % {"value": text(value)}
    )


def clock(value) -> datetime.time:
    """``15:30``, ``15.30``, ``15u30``, an Excel time, or a fraction of a day -> a time."""
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return datetime.time(minutes // 60, minutes % 60)
    raw = text(value)
    match = re.fullmatch(r"(\d{1,2})(?:[:.u](\d{2}))?(?::00)?\s*(?:uur|u)?", raw, re.I)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        if hours < 24 and minutes < 60:
            return datetime.time(hours, minutes)
    raise CellError(_("“%(value)s” is not a time; write it like 15:30.") % {"value": raw})


EXCEL_EPOCH = datetime.date(1899, 12, 30)


def date(value) -> datetime.date | None:
    """``31-12-2015`` (dd-mm-jjjj), ``31/12/2015``, ``2015-12-31`` or an Excel date."""
    if value is None or text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    raw = text(value)
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d-%m-%y"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CellError(
        _("“%(value)s” is not a date; write it as dd-mm-jjjj, like 31-12-2015.") % {"value": raw}
    )


def looks_like_bsn(value) -> bool:
    """A 9-digit number (8 when Excel dropped a leading zero) that passes the 11-test."""
    raw = text(value).replace(" ", "").replace(".", "")
    if not re.fullmatch(r"\d{8,9}", raw):
        return False
    digits = [int(d) for d in raw.zfill(9)]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and any(digits)
