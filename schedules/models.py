"""What was solved: solve runs, schedule versions and their sessions.

A :class:`SolveRun` holds the instance as it was when the coordinator pressed
*Solve* (a snapshot), so data changed while the run waits in the queue does not
leak into it. A finished run stores a draft :class:`ScheduleVersion`; publishing
it supersedes the version published before. The database allows one published
version per district.

Sessions point at the master data (activities, rooms, coaches, pupils) by key;
the solver's pseudonymous ids (``p<pk>``, ``c<pk>``, ``r<pk>``, activity codes,
see ``schools.selectors``) are mapped back to rows when a version is stored.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Activity, Coach, District, Pupil, Room, Weekday

# How long after publishing the sessions that changed are marked in people's views.
CHANGED_MARK_DAYS = 7


class SolveRun(models.Model):
    """One press of *Solve*: queued, running (with progress), then finished one way or another."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    district = models.ForeignKey(
        District, models.CASCADE, related_name="solve_runs", verbose_name=_("district")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    time_limit = models.PositiveIntegerField(_("time limit (seconds)"), default=60)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    instance = models.JSONField(_("instance snapshot"))
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    # A what-if run solves a copy of the data with hypothetical changes applied;
    # its drafts are for comparison and can never be published.
    what_if = models.JSONField(_("hypothetical changes"), default=list, blank=True)
    # A re-solve starts from a published version (its sessions as ``previous``,
    # with pins) for the week of ``week_of``; ``changes`` records what it included.
    previous_version = models.ForeignKey(
        "ScheduleVersion",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("re-solve of version"),
    )
    week_of = models.DateField(_("re-solve for the week of"), null=True, blank=True)
    changes = models.JSONField(_("changes included"), default=list, blank=True)

    elapsed = models.FloatField(_("elapsed seconds"), default=0)
    coverage = models.FloatField(_("coverage"), null=True, blank=True)
    penalty = models.FloatField(_("penalty"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    log = models.TextField(_("log"), blank=True)
    error = models.TextField(_("error"), blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("solve run")
        verbose_name_plural = _("solve runs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="solverun_status_heartbeat")
        ]

    def __str__(self) -> str:
        return f"{self.district} #{self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_what_if(self) -> bool:
        return bool(self.what_if)


class ScheduleVersion(models.Model):
    """A stored schedule of a district: a draft to review, the published one, or history."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        SUPERSEDED = "superseded", _("superseded")

    district = models.ForeignKey(
        District, models.CASCADE, related_name="schedule_versions", verbose_name=_("district")
    )
    run = models.OneToOneField(
        SolveRun,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="version",
        verbose_name=_("solve run"),
    )
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    report = models.JSONField(_("checker report"), default=dict, blank=True)
    solution = models.JSONField(_("solution"), default=dict, blank=True)
    coverage = models.FloatField(_("coverage"), null=True, blank=True)
    unmet_minutes = models.PositiveIntegerField(_("unmet minutes"), default=0)
    penalty = models.FloatField(_("penalty"), null=True, blank=True)
    penalty_terms = models.JSONField(_("penalty terms"), default=dict, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("schedule version")
        verbose_name_plural = _("schedule versions")
        ordering = ["district", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "number"], name="scheduleversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(status="published"),
                name="scheduleversion_one_published_per_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} v{self.number} ({self.get_status_display()})"

    @property
    def changes_marked(self) -> bool:
        """Its changed sessions are marked: published less than a week ago."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and timezone.now() - self.published_at < datetime.timedelta(days=CHANGED_MARK_DAYS)
        )


class Session(models.Model):
    """One activity at one time in one room, with its coaches and pupils."""

    version = models.ForeignKey(
        ScheduleVersion, models.CASCADE, related_name="sessions", verbose_name=_("version")
    )
    activity = models.ForeignKey(
        Activity, models.PROTECT, related_name="+", verbose_name=_("activity")
    )
    day = models.CharField(_("day"), max_length=3, choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    room = models.ForeignKey(Room, models.PROTECT, related_name="+", verbose_name=_("room"))
    coaches = models.ManyToManyField(Coach, related_name="+", verbose_name=_("coaches"))
    pupils = models.ManyToManyField(
        Pupil, through="SessionPupil", related_name="+", verbose_name=_("pupils")
    )
    # Locked by the coordinator: a re-solve keeps it exactly (and the new version keeps the pin).
    pinned = models.BooleanField(_("pinned"), default=False)
    # Added or moved compared with the version published before; set when published.
    changed = models.BooleanField(_("changed"), default=False)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["version", "day", "start", "room"]

    def __str__(self) -> str:
        return f"{self.activity} {self.get_day_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class SessionPupil(models.Model):
    """A pupil in a session; an explicit model so a version's links are written in bulk."""

    session = models.ForeignKey(
        Session, models.CASCADE, related_name="pupil_links", verbose_name=_("session")
    )
    pupil = models.ForeignKey(Pupil, models.CASCADE, related_name="+", verbose_name=_("pupil"))

    class Meta:
        verbose_name = _("pupil in a session")
        verbose_name_plural = _("pupils in sessions")
        constraints = [
            models.UniqueConstraint(fields=["session", "pupil"], name="sessionpupil_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil_id} in {self.session_id}"


class CalendarToken(models.Model):
    """The secret in a coach's calendar address; renewing it replaces it, so the old address dies."""

    coach = models.OneToOneField(
        Coach, models.CASCADE, related_name="calendar_token", verbose_name=_("coach")
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self) -> str:
        return f"{self.coach_id}: {self.token[:6]}…"


class ScheduleChange(models.Model):
    """A change the coordinator records: a coach away or a room closed, on dates.

    The schedule is one template week; a re-solve for a week applies each change
    on the weekdays of that week that fall in its period (see ``schedules.changes``).
    Pupils joining, leaving or changing class are edits of the master data, not
    changes recorded here (docs/changes.md).
    """

    class Kind(models.TextChoices):
        COACH_UNAVAILABLE = "coach_unavailable", _("coach unavailable")
        ROOM_CLOSED = "room_closed", _("room closed")

    district = models.ForeignKey(
        District, models.CASCADE, related_name="schedule_changes", verbose_name=_("district")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    coach = models.ForeignKey(
        Coach, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("coach")
    )
    room = models.ForeignKey(
        Room, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )
    weekdays = models.JSONField(
        _("weekdays"),
        default=list,
        blank=True,
        help_text=_("Empty: every day of the period."),
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("For colleagues; no medical or other personal details."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("schedule change")
        verbose_name_plural = _("schedule changes")
        ordering = ["district", "-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="schedulechange_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject} ({self.period_text})"

    @property
    def subject(self):
        return self.coach if self.kind == self.Kind.COACH_UNAVAILABLE else self.room

    @property
    def period_text(self) -> str:
        start = self.starts_on.strftime("%d-%m-%Y")
        return f"{start} – {self.ends_on:%d-%m-%Y}" if self.ends_on else f"{start} –"

    @property
    def weekdays_text(self) -> str:
        return ", ".join(str(Weekday(day).label) for day in self.weekdays)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.kind == self.Kind.COACH_UNAVAILABLE:
            coach = self.coach if self.coach_id else None
            if coach is None:
                errors["coach"] = [_("Choose the coach who is unavailable.")]
            elif self.district_id and coach.district_id != self.district_id:
                errors["coach"] = [_("This coach works in another district.")]
        elif self.kind == self.Kind.ROOM_CLOSED:
            room = self.room if self.room_id else None
            if room is None:
                errors["room"] = [_("Choose the room that is closed.")]
            elif self.district_id and room.site.district_id != self.district_id:
                errors["room"] = [_("This room is in another district.")]
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = [_("The last day lies before the first day.")]
        if not isinstance(self.weekdays, list) or any(
            day not in Weekday.values for day in self.weekdays
        ):
            errors["weekdays"] = [_("Choose weekdays from the list.")]
        elif self.district_id:
            outside = [day for day in self.weekdays if day not in self.district.days]
            if outside:
                errors["weekdays"] = [
                    _("The district has no activities on %(days)s.")
                    % {"days": ", ".join(str(Weekday(day).label) for day in outside)}
                ]
        if errors:
            raise ValidationError(errors)
