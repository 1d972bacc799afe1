"""Master data of a district, one model per concept.

Rules that a database can state are constraints (a window ends after it starts,
a room holds at least one pupil); rules that need other rows are checked in
``clean()`` with a message on the field a coordinator has to change. Every
message is translatable; verbose names are English source strings.

Deleting something that is still in use is refused (``on_delete=PROTECT``): a
school with rooms or classes, a category with activities, a class with pupils.
What belongs to a row (a site's windows, a coach's availability, a pupil's
preferences) goes with it.

No national identification number (BSN) is stored anywhere; a pupil is known
by the school's own pupil number.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

GRADE_MIN = 1
GRADE_MAX = 8


class Weekday(models.TextChoices):
    """The days of the week as the instance format writes them, shown in Dutch."""

    MON = "mon", _("maandag")
    TUE = "tue", _("dinsdag")
    WED = "wed", _("woensdag")
    THU = "thu", _("donderdag")
    FRI = "fri", _("vrijdag")
    SAT = "sat", _("zaterdag")
    SUN = "sun", _("zondag")


WEEKDAY_ORDER = {value: index for index, value in enumerate(Weekday.values)}

grade_validators = [MinValueValidator(GRADE_MIN), MaxValueValidator(GRADE_MAX)]
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hexadecimal digits, like #1f77b4.")
)
code_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]+$",
    _("Use only letters, digits, dots, hyphens and underscores (no spaces)."),
)
postcode_validator = RegexValidator(
    r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", _("Enter a Dutch postcode, like 3072 AB.")
)


def minutes_of(value: datetime.time) -> int:
    """Minutes since midnight of a clock time."""
    return value.hour * 60 + value.minute


def _related(instance: models.Model, name: str):
    """The related object ``name`` or None while it is not set yet (forms call clean early)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _raise_if(errors: dict[str, list]) -> None:
    if errors:
        raise ValidationError(errors)


class District(models.Model):
    """A district planned as one: its schools, venues, coaches and the solver's settings."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    days = models.JSONField(
        _("days"),
        default=list,
        blank=True,
        help_text=_('Weekdays with extended-day activities, e.g. ["mon", "tue", "thu"].'),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot minutes"),
        default=15,
        help_text=_("Every start, end and activity length is a multiple of this."),
    )
    max_pupil_travel_minutes = models.PositiveSmallIntegerField(
        _("max pupil travel minutes"),
        default=0,
        help_text=_("Pupils may go (escorted) to sites at most this far from their school."),
    )
    weight_preference = models.PositiveIntegerField(_("weight: preferences"), default=1)
    weight_mixed_classes = models.PositiveIntegerField(_("weight: mixed classes"), default=1)
    weight_day_load = models.PositiveIntegerField(_("weight: day load"), default=1)
    weight_siblings = models.PositiveIntegerField(_("weight: siblings"), default=1)
    weight_coach_site_changes = models.PositiveIntegerField(
        _("weight: coach site changes"), default=1
    )
    weight_coach_idle = models.PositiveIntegerField(_("weight: coach idle time"), default=1)
    weight_stability = models.PositiveIntegerField(_("weight: stability"), default=1)

    WEIGHT_FIELDS = {
        "preference": "weight_preference",
        "mixed_classes": "weight_mixed_classes",
        "day_load": "weight_day_load",
        "siblings": "weight_siblings",
        "coach_site_changes": "weight_coach_site_changes",
        "coach_idle": "weight_coach_idle",
        "stability": "weight_stability",
    }

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=1), name="district_slot_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.slot_minutes and 60 % self.slot_minutes:
            errors.setdefault("slot_minutes", []).append(
                _("An hour must divide into slots: use 5, 10, 15, 20, 30 or 60 minutes.")
            )
        days = self.days
        if not isinstance(days, list) or any(day not in WEEKDAY_ORDER for day in days):
            errors.setdefault("days", []).append(
                _("List weekdays as codes: mon, tue, wed, thu, fri, sat, sun.")
            )
        elif len(set(days)) != len(days):
            errors.setdefault("days", []).append(_("A weekday is listed twice."))
        else:
            self.days = sorted(days, key=WEEKDAY_ORDER.__getitem__)
        _raise_if(errors)

    def weights(self) -> dict[str, int]:
        return {name: getattr(self, field) for name, field in self.WEIGHT_FIELDS.items()}


class DistrictCodeModel(models.Model):
    """A district's vocabulary entry: a short code (used in imports) and a name."""

    district = models.ForeignKey(District, models.PROTECT, verbose_name=_("district"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        abstract = True
        ordering = ["district", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "code"], name="%(app_label)s_%(class)s_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Category(DistrictCodeModel):
    """A kind of extended-day time: sport, culture, tutoring, career orientation."""

    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#4c78a8",
        validators=[colour_validator],
        help_text=_("Used on printed timetables."),
    )

    class Meta(DistrictCodeModel.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Skill(DistrictCodeModel):
    """What a coach must be able to do to lead an activity (football, music, tutoring)."""

    class Meta(DistrictCodeModel.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class RoomKind(DistrictCodeModel):
    """A kind of room (classroom, gym, music room): rooms have kinds, activities need one."""

    class Meta(DistrictCodeModel.Meta):
        verbose_name = _("room kind")
        verbose_name_plural = _("room kinds")


class Family(models.Model):
    """Siblings share a family, so their days can end at about the same time."""

    district = models.ForeignKey(District, models.PROTECT, verbose_name=_("district"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["district", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="family_unique_code")
        ]

    def __str__(self) -> str:
        return self.code


class Site(models.Model):
    """A school (with its pupils and extended-day window) or a shared venue such as a gym."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        VENUE = "venue", _("venue")

    district = models.ForeignKey(District, models.PROTECT, verbose_name=_("district"))
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[code_validator],
        help_text=_("A short code, for instance the school's BRIN number."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SCHOOL)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="site_unique_code"),
            models.CheckConstraint(
                condition=Q(kind__in=["school", "venue"]), name="site_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.pk and self.kind == self.Kind.VENUE:
            if self.windows.exists():
                raise ValidationError(
                    {"kind": _("A venue has no extended-day window; remove the windows first.")}
                )
            if self.class_groups.exists():
                raise ValidationError(
                    {"kind": _("Classes belong to a school; this site still has classes.")}
                )


class WeeklySpan(models.Model):
    """A weekday with a start and an end time, on the district's grid."""

    weekday = models.CharField(_("weekday"), max_length=3, choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        abstract = True
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="%(app_label)s_%(class)s_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def grid_district(self) -> District | None:
        """The district whose slot grid the times must lie on."""
        raise NotImplementedError

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.start is not None and self.end is not None and self.end <= self.start:
            errors.setdefault("end", []).append(
                _("The end (%(end)s) must be after the start (%(start)s).")
                % {"end": f"{self.end:%H:%M}", "start": f"{self.start:%H:%M}"}
            )
        district = self.grid_district()
        if district is not None:
            slot = district.slot_minutes
            for name in ("start", "end"):
                value = getattr(self, name)
                if value is not None and (minutes_of(value) % slot or value.second):
                    errors.setdefault(name, []).append(
                        _("Times are on a %(slot)s-minute grid; %(time)s is not.")
                        % {"slot": slot, "time": f"{value:%H:%M}"}
                    )
        _raise_if(errors)


class SiteWindow(WeeklySpan):
    """A school's extended-day window on one weekday (after regular lessons)."""

    site = models.ForeignKey(Site, models.CASCADE, related_name="windows", verbose_name=_("school"))

    class Meta(WeeklySpan.Meta):
        verbose_name = _("extended-day window")
        verbose_name_plural = _("extended-day windows")
        constraints = [
            *WeeklySpan.Meta.constraints,
            models.UniqueConstraint(fields=["site", "weekday"], name="sitewindow_one_per_day"),
        ]

    def grid_district(self) -> District | None:
        site = _related(self, "site")
        return _related(site, "district") if site else None

    def clean(self) -> None:
        super().clean()
        site = _related(self, "site")
        if site is not None and site.kind != Site.Kind.SCHOOL:
            raise ValidationError(
                {
                    "site": _("Only a school has an extended-day window; %(site)s is a venue.")
                    % {"site": site.name}
                }
            )


class TravelTime(models.Model):
    """Minutes to travel between two sites, the same both ways.

    Stored once per pair with ``site_a.pk < site_b.pk`` (``clean()`` puts a pair in
    that order); a pair without a row means the two sites are not reachable.
    """

    district = models.ForeignKey(District, models.PROTECT, verbose_name=_("district"))
    site_a = models.ForeignKey(Site, models.CASCADE, related_name="+", verbose_name=_("from site"))
    site_b = models.ForeignKey(Site, models.CASCADE, related_name="+", verbose_name=_("to site"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))

    class Meta:
        verbose_name = _("travel time")
        verbose_name_plural = _("travel times")
        ordering = ["district", "site_a", "site_b"]
        constraints = [
            models.UniqueConstraint(fields=["site_a", "site_b"], name="traveltime_unique_pair"),
            models.CheckConstraint(
                condition=Q(site_a__lt=F("site_b")), name="traveltime_pair_ordered"
            ),
            models.CheckConstraint(condition=Q(minutes__gte=0), name="traveltime_minutes_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.site_a} – {self.site_b}: {self.minutes} min"

    def clean(self) -> None:
        site_a, site_b = _related(self, "site_a"), _related(self, "site_b")
        if site_a is None or site_b is None:
            return
        if site_a.pk == site_b.pk:
            raise ValidationError({"site_b": _("Travel goes between two different sites.")})
        district = _related(self, "district")
        for name, site in (("site_a", site_a), ("site_b", site_b)):
            if district is not None and site.district_id != district.pk:
                raise ValidationError(
                    {name: _("%(site)s is not in this district.") % {"site": site.name}}
                )
        if site_a.pk > site_b.pk:
            self.site_a, self.site_b = site_b, site_a
        duplicate = TravelTime.objects.filter(site_a=self.site_a, site_b=self.site_b)
        if duplicate.exclude(pk=self.pk).exists():
            raise ValidationError(
                {"site_b": _("The travel time between these sites is already recorded.")}
            )


class Room(models.Model):
    """A room at a site, with its kinds and how many pupils it holds.

    Kinds are a many-to-many to :class:`RoomKind`, not a list of texts: rooms and
    activities (which need a kind) then share one vocabulary per district, a typo
    cannot make a gym invisible to football, and a kind can be renamed in one place.
    A room without availability rows is available the whole day; with rows, only then.
    """

    site = models.ForeignKey(Site, models.PROTECT, related_name="rooms", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=200)
    kinds = models.ManyToManyField(RoomKind, related_name="rooms", verbose_name=_("kinds"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), help_text=_("How many pupils the room holds.")
    )

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="room_unique_name_per_site"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site})" if _related(self, "site") else self.name

    def clean(self) -> None:
        if self.capacity is not None and self.capacity < 1:
            raise ValidationError({"capacity": _("A room must hold at least one pupil.")})


class RoomAvailability(WeeklySpan):
    """When a room may be used; a room without any of these is available all day."""

    room = models.ForeignKey(
        Room, models.CASCADE, related_name="availability", verbose_name=_("room")
    )

    class Meta(WeeklySpan.Meta):
        verbose_name = _("room availability")
        verbose_name_plural = _("room availability")

    def grid_district(self) -> District | None:
        room = _related(self, "room")
        site = _related(room, "site") if room else None
        return _related(site, "district") if site else None


class Organisation(models.Model):
    """A partner that delivers activities: a sports club, a music school, a library..."""

    class Kind(models.TextChoices):
        SPORTS_CLUB = "sports_club", _("sports club")
        MUSIC_SCHOOL = "music_school", _("music school")
        TUTORING_AGENCY = "tutoring_agency", _("tutoring agency")
        LIBRARY = "library", _("library")
        CULTURE = "culture", _("culture")
        CAREER = "career", _("career orientation")
        OTHER = "other", _("other")

    district = models.ForeignKey(District, models.PROTECT, verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="organisation_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Coach(models.Model):
    """A person who leads activities for a partner organisation."""

    district = models.ForeignKey(
        District,
        models.PROTECT,
        verbose_name=_("district"),
        help_text=_("Always the organisation's district; kept here for unique codes."),
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="coaches", verbose_name=_("organisation")
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    given_name = models.CharField(_("given name"), max_length=100)
    surname = models.CharField(_("surname"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    skills = models.ManyToManyField(
        Skill, related_name="coaches", blank=True, verbose_name=_("skills")
    )
    max_minutes_per_day = models.PositiveSmallIntegerField(_("max minutes per day"))
    max_minutes_per_week = models.PositiveSmallIntegerField(_("max minutes per week"))
    allowed_sites = models.ManyToManyField(
        Site,
        related_name="+",
        blank=True,
        verbose_name=_("allowed sites"),
        help_text=_("Leave empty when the coach may work at any site."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="coach",
        verbose_name=_("user account"),
    )

    class Meta:
        verbose_name = _("coach")
        verbose_name_plural = _("coaches")
        ordering = ["district", "surname", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="coach_unique_code"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        if self.organisation_id and not self.district_id:
            self.district_id = self.organisation.district_id
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.surname}"

    def clean(self) -> None:
        organisation = _related(self, "organisation")
        if organisation is not None:
            if self.district_id and self.district_id != organisation.district_id:
                raise ValidationError(
                    {"organisation": _("The organisation belongs to another district.")}
                )
            self.district_id = organisation.district_id
            # The form leaves the derived district out, so it cannot check the code itself.
            taken = Coach.objects.filter(district_id=self.district_id, code=self.code)
            if self.code and taken.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {
                        "code": _("Another coach in this district has code %(code)s.")
                        % {"code": self.code}
                    }
                )


class CoachAvailability(WeeklySpan):
    """When a coach can work."""

    coach = models.ForeignKey(
        Coach, models.CASCADE, related_name="availability", verbose_name=_("coach")
    )

    class Meta(WeeklySpan.Meta):
        verbose_name = _("coach availability")
        verbose_name_plural = _("coach availability")

    def grid_district(self) -> District | None:
        coach = _related(self, "coach")
        return _related(coach, "district") if coach else None

    def clean(self) -> None:
        super().clean()
        district = self.grid_district()
        if district is None or not (self.weekday and self.start and self.end):
            return
        if self.start >= self.end:
            return
        overlapping = SiteWindow.objects.filter(
            site__district=district,
            site__kind=Site.Kind.SCHOOL,
            weekday=self.weekday,
            start__lt=self.end,
            end__gt=self.start,
        )
        if not overlapping.exists():
            raise ValidationError(
                {
                    "start": _(
                        "No school in %(district)s has its extended day on %(day)s between "
                        "%(start)s and %(end)s, so the coach could never be planned then."
                    )
                    % {
                        "district": district.name,
                        "day": self.get_weekday_display(),
                        "start": f"{self.start:%H:%M}",
                        "end": f"{self.end:%H:%M}",
                    }
                }
            )


class Activity(models.Model):
    """Something pupils do in a group with a coach: football, music, homework help."""

    district = models.ForeignKey(District, models.PROTECT, verbose_name=_("district"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="activities", verbose_name=_("category")
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    min_group = models.PositiveSmallIntegerField(_("smallest group"))
    max_group = models.PositiveSmallIntegerField(_("largest group"))
    grade_min = models.PositiveSmallIntegerField(_("lowest grade"), validators=grade_validators)
    grade_max = models.PositiveSmallIntegerField(_("highest grade"), validators=grade_validators)
    room_kinds = models.ManyToManyField(
        RoomKind,
        related_name="activities",
        verbose_name=_("room kinds"),
        help_text=_("The activity can take place in a room of any of these kinds."),
    )
    skill = models.ForeignKey(
        Skill, models.PROTECT, related_name="activities", verbose_name=_("skill")
    )
    coaches_needed = models.PositiveSmallIntegerField(_("coaches needed"), default=1)
    max_per_week = models.PositiveSmallIntegerField(
        _("max times per week"),
        null=True,
        blank=True,
        help_text=_("How often one pupil may take it in a week; empty for no limit."),
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["district", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="activity_unique_code"),
            models.CheckConstraint(condition=Q(minutes__gte=1), name="activity_minutes_positive"),
            models.CheckConstraint(
                condition=Q(min_group__gte=1), name="activity_min_group_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_group__gte=F("min_group")), name="activity_group_range"
            ),
            models.CheckConstraint(
                condition=Q(grade_min__gte=GRADE_MIN)
                & Q(grade_max__lte=GRADE_MAX)
                & Q(grade_max__gte=F("grade_min")),
                name="activity_grade_range",
            ),
            models.CheckConstraint(
                condition=Q(coaches_needed__gte=1), name="activity_coaches_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_per_week__isnull=True) | Q(max_per_week__gte=1),
                name="activity_max_per_week_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list] = {}
        district = _related(self, "district")
        if district is not None and self.minutes and self.minutes % district.slot_minutes:
            errors.setdefault("minutes", []).append(
                _("The length must be a multiple of %(slot)s minutes; %(minutes)s is not.")
                % {"slot": district.slot_minutes, "minutes": self.minutes}
            )
        if self.minutes is not None and self.minutes < 1:
            errors.setdefault("minutes", []).append(_("An activity lasts at least one slot."))
        if self.min_group is not None and self.min_group < 1:
            errors.setdefault("min_group", []).append(_("A group has at least one pupil."))
        if self.min_group and self.max_group is not None and self.max_group < self.min_group:
            errors.setdefault("max_group", []).append(
                _("The largest group (%(max)s) is smaller than the smallest (%(min)s).")
                % {"max": self.max_group, "min": self.min_group}
            )
        if self.grade_min and self.grade_max and self.grade_max < self.grade_min:
            errors.setdefault("grade_max", []).append(
                _("The highest grade must not be below the lowest grade.")
            )
        if self.coaches_needed is not None and self.coaches_needed < 1:
            errors.setdefault("coaches_needed", []).append(_("At least one coach leads it."))
        if self.max_per_week is not None and self.max_per_week < 1:
            errors.setdefault("max_per_week", []).append(
                _("Leave empty for no limit; otherwise at least once a week.")
            )
        for name in ("category", "skill"):
            related = _related(self, name)
            if related is not None and district is not None and related.district_id != district.pk:
                errors.setdefault(name, []).append(_("This belongs to another district."))
        _raise_if(errors)


class Programme(models.Model):
    """What pupils of a band of grades should get each week."""

    district = models.ForeignKey(District, models.PROTECT, verbose_name=_("district"))
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200, blank=True)
    grade_min = models.PositiveSmallIntegerField(_("lowest grade"), validators=grade_validators)
    grade_max = models.PositiveSmallIntegerField(_("highest grade"), validators=grade_validators)
    total_minutes = models.PositiveSmallIntegerField(_("minutes per week"))
    max_minutes_per_day = models.PositiveSmallIntegerField(_("max minutes per day"))
    preferred_minutes_per_day = models.PositiveSmallIntegerField(_("preferred minutes per day"))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["district", "grade_min"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="programme_unique_code"),
            models.CheckConstraint(
                condition=Q(grade_min__gte=GRADE_MIN)
                & Q(grade_max__lte=GRADE_MAX)
                & Q(grade_max__gte=F("grade_min")),
                name="programme_grade_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.grade_min and self.grade_max and self.grade_max < self.grade_min:
            errors.setdefault("grade_max", []).append(
                _("The highest grade must not be below the lowest grade.")
            )
        if (
            self.preferred_minutes_per_day is not None
            and self.max_minutes_per_day is not None
            and self.preferred_minutes_per_day > self.max_minutes_per_day
        ):
            errors.setdefault("preferred_minutes_per_day", []).append(
                _("The preferred minutes per day exceed the maximum per day.")
            )
        district = _related(self, "district")
        if district is not None and self.grade_min and self.grade_max and not errors:
            clash = (
                Programme.objects.filter(
                    district=district, grade_min__lte=self.grade_max, grade_max__gte=self.grade_min
                )
                .exclude(pk=self.pk)
                .first()
            )
            if clash is not None:
                errors.setdefault("grade_min", []).append(
                    _(
                        "Grades %(lo)s-%(hi)s are already in programme %(other)s; a grade "
                        "belongs to one programme."
                    )
                    % {"lo": clash.grade_min, "hi": clash.grade_max, "other": clash}
                )
        _raise_if(errors)


class ProgrammeCategoryMinimum(models.Model):
    """At least this many minutes a week in a category (e.g. 120 minutes of sport)."""

    programme = models.ForeignKey(
        Programme,
        models.CASCADE,
        related_name="category_minimums",
        verbose_name=_("programme"),
    )
    category = models.ForeignKey(Category, models.PROTECT, verbose_name=_("category"))
    minutes = models.PositiveSmallIntegerField(_("minutes per week"))

    class Meta:
        verbose_name = _("category minimum")
        verbose_name_plural = _("category minimums")
        ordering = ["programme", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "category"], name="programmecategoryminimum_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.minutes} min"

    def clean(self) -> None:
        programme, category = _related(self, "programme"), _related(self, "category")
        if (
            programme is not None
            and category is not None
            and category.district_id != programme.district_id
        ):
            raise ValidationError({"category": _("This belongs to another district.")})


class ClassGroup(models.Model):
    """A class of a school; a combination class (5/6) holds pupils of two grades."""

    site = models.ForeignKey(
        Site, models.PROTECT, related_name="class_groups", verbose_name=_("school")
    )
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="classgroup_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.site})" if _related(self, "site") else self.name

    def clean(self) -> None:
        site = _related(self, "site")
        if site is not None and site.kind != Site.Kind.SCHOOL:
            raise ValidationError(
                {"site": _("Classes belong to a school; %(site)s is a venue.") % {"site": site}}
            )


class Pupil(models.Model):
    """A pupil of a school's class. Names stay here; the solver only ever sees an id."""

    class_group = models.ForeignKey(
        ClassGroup, models.PROTECT, related_name="pupils", verbose_name=_("class")
    )
    school = models.ForeignKey(
        Site,
        models.PROTECT,
        related_name="pupils",
        editable=False,
        verbose_name=_("school"),
        help_text=_("Always the class's school; kept here so pupil numbers are unique per school."),
    )
    grade = models.PositiveSmallIntegerField(_("grade"), validators=grade_validators)
    pupil_number = models.CharField(
        _("pupil number"), max_length=20, help_text=_("The school's own number for the pupil.")
    )
    given_name = models.CharField(_("given name"), max_length=100)
    surname_prefix = models.CharField(
        _("surname prefix"), max_length=20, blank=True, help_text=_('For example "van der".')
    )
    surname = models.CharField(_("surname"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    family = models.ForeignKey(
        Family,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupils",
        verbose_name=_("family"),
    )
    required_activities = models.ManyToManyField(
        Activity,
        related_name="required_by",
        blank=True,
        verbose_name=_("required activities"),
        help_text=_("Activities the pupil must attend at least once a week."),
    )

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["school", "class_group", "surname", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil_number"], name="pupil_unique_number_per_school"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=GRADE_MIN) & Q(grade__lte=GRADE_MAX),
                name="pupil_grade_range",
            ),
        ]
        indexes = [models.Index(fields=["surname"], name="pupil_surname_idx")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        if self.class_group_id:
            self.school_id = self.class_group.site_id
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.given_name, self.surname_prefix, self.surname) if part
        )

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.grade is not None and not GRADE_MIN <= self.grade <= GRADE_MAX:
            errors.setdefault("grade", []).append(
                _("Primary school grades run from 1 to 8; %(grade)s is not one.")
                % {"grade": self.grade}
            )
        class_group = _related(self, "class_group")
        if class_group is not None:
            self.school_id = class_group.site_id
            if self.pupil_number:
                taken = Pupil.objects.filter(
                    school_id=class_group.site_id, pupil_number=self.pupil_number
                ).exclude(pk=self.pk)
                if taken.exists():
                    errors.setdefault("pupil_number", []).append(
                        _("Another pupil of %(school)s already has number %(number)s.")
                        % {"school": class_group.site.name, "number": self.pupil_number}
                    )
            family = _related(self, "family")
            if family is not None and family.district_id != class_group.site.district_id:
                errors.setdefault("family", []).append(_("This belongs to another district."))
        _raise_if(errors)


class PupilPreference(models.Model):
    """A pupil's choice within a category; rank 1 is the first choice."""

    pupil = models.ForeignKey(
        Pupil, models.CASCADE, related_name="preferences", verbose_name=_("pupil")
    )
    category = models.ForeignKey(
        Category, models.CASCADE, related_name="+", verbose_name=_("category")
    )
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="preferences", verbose_name=_("activity")
    )
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the first choice."))

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        ordering = ["pupil", "category", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "category", "rank"], name="pupilpreference_unique_rank"
            ),
            models.UniqueConstraint(
                fields=["pupil", "activity"], name="pupilpreference_unique_activity"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="pupilpreference_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.activity}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.rank is not None and self.rank < 1:
            errors.setdefault("rank", []).append(_("Rank 1 is the first choice."))
        activity, category = _related(self, "activity"), _related(self, "category")
        if activity is not None and category is not None and activity.category_id != category.pk:
            errors.setdefault("activity", []).append(
                _("%(activity)s is in category %(actual)s, not %(category)s.")
                % {"activity": activity, "actual": activity.category, "category": category}
            )
        _raise_if(errors)


class PupilUnavailability(WeeklySpan):
    """A time a pupil cannot take part (a therapy, a religious lesson)."""

    pupil = models.ForeignKey(
        Pupil, models.CASCADE, related_name="unavailability", verbose_name=_("pupil")
    )

    class Meta(WeeklySpan.Meta):
        verbose_name = _("pupil unavailability")
        verbose_name_plural = _("pupil unavailability")

    def grid_district(self) -> District | None:
        pupil = _related(self, "pupil")
        if pupil is None or not pupil.class_group_id:
            return None
        return pupil.class_group.site.district


class Membership(models.Model):
    """What a user may see: a coordinator a district, a principal one school, a coach their own."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        PRINCIPAL = "principal", _("principal")
        COACH = "coach", _("coach")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        District, models.CASCADE, related_name="memberships", verbose_name=_("district")
    )
    site = models.ForeignKey(
        Site,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("school"),
        help_text=_("A principal's school; empty for coordinators and coaches."),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["district", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "district", "site"], name="membership_unique_site"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(site__isnull=True),
                name="membership_unique_district",
            ),
            models.CheckConstraint(
                condition=~Q(role="principal") | Q(site__isnull=False),
                name="membership_principal_has_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.site or self.district})"

    def clean(self) -> None:
        site = _related(self, "site")
        if self.role == self.Role.PRINCIPAL and site is None:
            raise ValidationError({"site": _("A principal is tied to one school.")})
        if site is not None:
            if site.kind != Site.Kind.SCHOOL:
                raise ValidationError({"site": _("Choose a school, not a venue.")})
            if self.district_id and site.district_id != self.district_id:
                raise ValidationError({"site": _("This school is in another district.")})
