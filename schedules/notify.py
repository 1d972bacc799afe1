"""After publishing over a published version: mark the changed sessions and tell those affected.

Called by :func:`schedules.services.schedule_version_publish` inside its
transaction (:func:`schedule_version_changes_mark`), which sends the e-mails
once it commits (:func:`schedule_version_changes_notify`).

Affected people are exactly those of the impact report (``schedules.impact``):
each coach who leads a changed session before or after, and each principal of
a touched school. One e-mail per address (a principal who is also a coach gets
one), in the site's default language (Dutch). E-mails carry no pupil names;
they count pupils per class and send the reader to their own pages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from schedules.impact import CoachImpact, Impact, SchoolImpact, diff_impact
from schedules.models import ScheduleVersion, Session
from schedules.selectors import version_diff
from schools.models import Membership

log = logging.getLogger(__name__)


def schedule_version_changes_mark(*, old: ScheduleVersion, new: ScheduleVersion) -> Impact:
    """Marks the sessions of ``new`` that were added or moved since ``old``; returns the impact."""
    diff = version_diff(old=old, new=new)
    changed = [row.pk for row in diff.added] + [new_row.pk for _old, new_row in diff.moved]
    Session.objects.filter(version=new, pk__in=changed).update(changed=True)
    with translation.override(settings.LANGUAGE_CODE):  # the e-mails' words: days, times
        return diff_impact(diff=diff, district=new.district, show_names=False)


@dataclass
class Recipient:
    """One address and what changed for it: as a coach, and per school it leads."""

    address: str
    name: str
    coach: CoachImpact | None = None
    schools: list[SchoolImpact] = field(default_factory=list)


def impact_recipients(*, impact: Impact, district_id: int) -> list[Recipient]:
    """Everyone the impact touches who has an e-mail address, one entry per address."""
    by_address: dict[str, Recipient] = {}

    def entry(address: str, name: str) -> Recipient:
        key = address.strip().lower()
        return by_address.setdefault(key, Recipient(address=address.strip(), name=name))

    for coach_impact in impact.coaches:
        coach = coach_impact.coach
        address = coach.email or (coach.user.email if coach.user_id else "")
        if address:
            entry(address, coach.full_name).coach = coach_impact
    schools = {school.site.pk: school for school in impact.schools}
    for membership in (
        Membership.objects.filter(
            district_id=district_id, role=Membership.Role.PRINCIPAL, site_id__in=list(schools)
        )
        .select_related("user")
        .order_by("site__name", "pk")
    ):
        user = membership.user
        if user.email and user.is_active:
            recipient = entry(user.email, user.get_full_name() or user.get_username())
            recipient.schools.append(schools[membership.site_id])
    return sorted(by_address.values(), key=lambda r: r.address.lower())


def schedule_version_changes_notify(*, impact: Impact, version: ScheduleVersion) -> int:
    """Sends one e-mail per affected address; returns how many were sent. Failures are logged."""
    recipients = impact_recipients(impact=impact, district_id=version.district_id)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            mail.EmailMessage(
                subject=_("The schedule of %(district)s has changed")
                % {"district": version.district.name},
                body=render_to_string(
                    "schedules/email/changes.txt",
                    {"recipient": recipient, "version": version, "district": version.district},
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient.address],
            )
            for recipient in recipients
        ]
    try:
        return mail.get_connection().send_messages(messages) or 0
    except Exception:  # the schedule is published; a mail server hiccup must not undo that
        log.exception("e-mails about version %s could not be sent", version.pk)
        return 0
