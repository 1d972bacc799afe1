"""A coach's calendar feed (RFC 5545): one weekly recurring event per session for the school year.

The school year comes from the settings ``SCHOOL_YEAR_START`` and
``SCHOOL_YEAR_END`` (ISO dates); without them it is the running Dutch school
year, 1 September to 15 July. Times are local to Europe/Amsterdam.
"""

from __future__ import annotations

import datetime
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vRecur

from schedules.models import CalendarToken, Session
from schedules.timetables import site_address
from schools.models import WEEKDAY_ORDER, Coach

ZONE = "Europe/Amsterdam"


def school_year(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """First and last day of the school year the calendar repeats in."""
    start = getattr(settings, "SCHOOL_YEAR_START", None)
    end = getattr(settings, "SCHOOL_YEAR_END", None)
    if start and end:
        return _date(start), _date(end)
    today = today or timezone.localdate()
    year = today.year if today.month >= 8 else today.year - 1
    return datetime.date(year, 9, 1), datetime.date(year + 1, 7, 15)


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def calendar_token_of(*, coach: Coach) -> CalendarToken:
    """The coach's token, made on first use."""
    token, _created = CalendarToken.objects.get_or_create(
        coach=coach, defaults={"token": secrets.token_urlsafe(32)}
    )
    return token


def calendar_token_renew(*, coach: Coach) -> CalendarToken:
    """A fresh token for the coach; the old address stops working at once."""
    with transaction.atomic():
        token, _created = CalendarToken.objects.select_for_update().get_or_create(
            coach=coach, defaults={"token": secrets.token_urlsafe(32)}
        )
        if not _created:
            token.token = secrets.token_urlsafe(32)
            token.save(update_fields=["token", "created_at"])
    return token


def coach_calendar(*, coach: Coach, sessions: list[Session], host: str = "") -> bytes:
    """The feed as iCalendar bytes; ``sessions`` are the coach's published sessions."""
    zone = ZoneInfo(ZONE)
    first, last = school_year()
    until = datetime.datetime.combine(last, datetime.time(23, 59, 59), tzinfo=zone).astimezone(
        datetime.UTC
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Verlengde schooldag//Rooster//NL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Timetable of %(name)s") % {"name": coach.full_name})
    calendar.add("x-wr-timezone", ZONE)
    stamp = timezone.now()
    for session in sessions:
        offset = (WEEKDAY_ORDER[session.day] - first.weekday()) % 7
        day = first + datetime.timedelta(days=offset)
        site = session.room.site
        address = site_address(site)
        event = Event()
        event.add(
            "uid", f"session-{session.pk}-v{session.version_id}@{host or 'verlengde-schooldag'}"
        )
        event.add("dtstamp", stamp)
        event.add("summary", f"{session.activity.name} – {site.name}")
        event.add("dtstart", datetime.datetime.combine(day, session.start, tzinfo=zone))
        event.add("dtend", datetime.datetime.combine(day, session.end, tzinfo=zone))
        event.add("rrule", vRecur(freq="weekly", until=until))
        event.add(
            "location", ", ".join(part for part in (session.room.name, site.name, address) if part)
        )
        event.add(
            "description",
            "\n".join(
                [
                    _("Activity: %(name)s") % {"name": session.activity.name},
                    _("School: %(name)s") % {"name": site.name},
                    _("Room: %(name)s") % {"name": session.room.name},
                    _("Address: %(address)s") % {"address": address or "–"},
                ]
            ),
        )
        calendar.add_component(event)
    if hasattr(calendar, "add_missing_timezones"):
        calendar.add_missing_timezones()
    return calendar.to_ical()
