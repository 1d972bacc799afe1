"""The coordinator's admin of the master data: every model, with the columns that matter.

Lists that grow with a district (pupils, coaches, rooms) join their foreign keys
in one query (``list_select_related``) and choose related rows by search
(``autocomplete_fields``), so 8,000 pupils stay quick to page through.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import router
from django.db.models import Count
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from schools.models import (
    Activity,
    Category,
    ClassGroup,
    Coach,
    CoachAvailability,
    District,
    Family,
    Membership,
    Organisation,
    Programme,
    ProgrammeCategoryMinimum,
    Pupil,
    PupilPreference,
    PupilUnavailability,
    Room,
    RoomAvailability,
    RoomKind,
    Site,
    SiteWindow,
    Skill,
    TravelTime,
    Weekday,
)

PROTECTED_SHOWN = 5


class SchoolsAdmin(admin.ModelAdmin):
    """Summarises what blocks a delete ("12 rooms: Lokaal 1, ...") instead of listing it all."""

    list_per_page = 100

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            by_model = defaultdict(list)
            for obj in sorted(collector.protected, key=lambda o: (o._meta.label, o.pk)):
                by_model[obj._meta].append(str(obj))
            protected = []
            for meta, names in by_model.items():
                shown = ", ".join(names[:PROTECTED_SHOWN])
                more = "…" if len(names) > PROTECTED_SHOWN else ""
                protected.append(
                    ngettext(
                        "%(count)s %(things)s still uses it (%(names)s%(more)s). "
                        "Move or delete it first.",
                        "%(count)s %(things)s still use it (%(names)s%(more)s). "
                        "Move or delete them first.",
                        len(names),
                    )
                    % {
                        "count": len(names),
                        "things": meta.verbose_name_plural if len(names) > 1 else meta.verbose_name,
                        "names": shown,
                        "more": more,
                    }
                )
        return to_delete, model_count, perms_needed, protected


def _join(items) -> str:
    return ", ".join(str(item) for item in items)


# -- district and vocabulary --------------------------------------------------


class DistrictForm(forms.ModelForm):
    days = forms.MultipleChoiceField(
        label=_("days"),
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Weekdays with extended-day activities."),
    )

    class Meta:
        model = District
        fields = "__all__"  # noqa: DJ007 - every setting of the district is edited here


@admin.register(District)
class DistrictAdmin(SchoolsAdmin):
    form = DistrictForm
    list_display = ["name", "code", "days_display", "slot_minutes", "max_pupil_travel_minutes"]
    search_fields = ["name", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name"]}),
        (_("Planning"), {"fields": ["days", "slot_minutes", "max_pupil_travel_minutes"]}),
        (
            _("Weights of the soft goals"),
            {"fields": list(District.WEIGHT_FIELDS.values()), "classes": ["collapse"]},
        ),
    ]

    @admin.display(description=_("days"))
    def days_display(self, district: District) -> str:
        return _join(Weekday(day).label for day in district.days)


class DistrictCodeAdmin(SchoolsAdmin):
    list_display = ["code", "name", "district"]
    list_filter = ["district"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]


@admin.register(Category)
class CategoryAdmin(DistrictCodeAdmin):
    list_display = ["code", "name", "colour_swatch", "district"]

    @admin.display(description=_("colour"))
    def colour_swatch(self, category: Category) -> str:
        return format_html(
            '<span style="display:inline-block;width:1.5em;height:1em;background:{}"></span> {}',
            category.colour,
            category.colour,
        )


@admin.register(Skill)
class SkillAdmin(DistrictCodeAdmin):
    pass


@admin.register(RoomKind)
class RoomKindAdmin(DistrictCodeAdmin):
    pass


# -- sites, rooms, travel -----------------------------------------------------


class SiteWindowInline(admin.TabularInline):
    model = SiteWindow
    extra = 0


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "kinds", "capacity"]
    autocomplete_fields = ["kinds"]
    show_change_link = True


@admin.register(Site)
class SiteAdmin(SchoolsAdmin):
    list_display = ["name", "code", "kind", "city", "district", "room_count", "class_count"]
    list_filter = ["district", "kind", "city"]
    search_fields = ["name", "code", "city", "postcode"]
    list_select_related = ["district"]
    inlines = [SiteWindowInline, RoomInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                room_total=Count("rooms", distinct=True),
                class_total=Count("class_groups", distinct=True),
            )
        )

    @admin.display(description=_("rooms"), ordering="room_total")
    def room_count(self, site: Site) -> int:
        return site.room_total

    @admin.display(description=_("classes"), ordering="class_total")
    def class_count(self, site: Site) -> int:
        return site.class_total


@admin.register(SiteWindow)
class SiteWindowAdmin(SchoolsAdmin):
    list_display = ["site", "weekday", "start", "end"]
    list_filter = ["site__district", "weekday"]
    search_fields = ["site__name", "site__code"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]


@admin.register(TravelTime)
class TravelTimeAdmin(SchoolsAdmin):
    list_display = ["site_a", "site_b", "minutes", "district"]
    list_filter = ["district"]
    search_fields = ["site_a__name", "site_b__name", "site_a__code", "site_b__code"]
    list_select_related = ["site_a", "site_b", "district"]
    autocomplete_fields = ["site_a", "site_b"]


class RoomAvailabilityInline(admin.TabularInline):
    model = RoomAvailability
    extra = 0


@admin.register(Room)
class RoomAdmin(SchoolsAdmin):
    list_display = ["name", "site", "kinds_display", "capacity"]
    list_filter = ["site__district", "site__kind", "kinds"]
    search_fields = ["name", "site__name", "site__code"]
    list_select_related = ["site"]
    autocomplete_fields = ["site", "kinds"]
    inlines = [RoomAvailabilityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("kinds")

    @admin.display(description=_("kinds"))
    def kinds_display(self, room: Room) -> str:
        return _join(room.kinds.all())


@admin.register(RoomAvailability)
class RoomAvailabilityAdmin(SchoolsAdmin):
    list_display = ["room", "weekday", "start", "end"]
    list_filter = ["room__site__district", "weekday"]
    search_fields = ["room__name", "room__site__name"]
    list_select_related = ["room__site"]
    autocomplete_fields = ["room"]


# -- partners and coaches -----------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(SchoolsAdmin):
    list_display = ["name", "kind", "district", "coach_count"]
    list_filter = ["district", "kind"]
    search_fields = ["name"]
    list_select_related = ["district"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(coach_total=Count("coaches"))

    @admin.display(description=_("coaches"), ordering="coach_total")
    def coach_count(self, organisation: Organisation) -> int:
        return organisation.coach_total


class CoachAvailabilityInline(admin.TabularInline):
    model = CoachAvailability
    extra = 0


@admin.register(Coach)
class CoachAdmin(SchoolsAdmin):
    list_display = [
        "code",
        "surname",
        "given_name",
        "organisation",
        "skills_display",
        "max_minutes_per_day",
        "max_minutes_per_week",
        "user",
    ]
    list_filter = ["district", "organisation__kind", "skills"]
    search_fields = ["code", "given_name", "surname", "email", "organisation__name"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation", "skills", "allowed_sites", "user"]
    readonly_fields = ["district"]
    inlines = [CoachAvailabilityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("skills")

    @admin.display(description=_("skills"))
    def skills_display(self, coach: Coach) -> str:
        return _join(coach.skills.all())


@admin.register(CoachAvailability)
class CoachAvailabilityAdmin(SchoolsAdmin):
    list_display = ["coach", "weekday", "start", "end"]
    list_filter = ["coach__district", "weekday"]
    search_fields = ["coach__code", "coach__given_name", "coach__surname"]
    list_select_related = ["coach"]
    autocomplete_fields = ["coach"]


# -- activities and programmes ------------------------------------------------


@admin.register(Activity)
class ActivityAdmin(SchoolsAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "minutes",
        "group_display",
        "grades_display",
        "skill",
        "coaches_needed",
        "max_per_week",
    ]
    list_filter = ["district", "category", "skill"]
    search_fields = ["code", "name"]
    list_select_related = ["category", "skill"]
    autocomplete_fields = ["category", "skill", "room_kinds"]

    @admin.display(description=_("group size"))
    def group_display(self, activity: Activity) -> str:
        return f"{activity.min_group}–{activity.max_group}"

    @admin.display(description=_("grades"))
    def grades_display(self, activity: Activity) -> str:
        return f"{activity.grade_min}–{activity.grade_max}"


class ProgrammeCategoryMinimumInline(admin.TabularInline):
    model = ProgrammeCategoryMinimum
    extra = 0
    autocomplete_fields = ["category"]


@admin.register(Programme)
class ProgrammeAdmin(SchoolsAdmin):
    list_display = [
        "__str__",
        "code",
        "grades_display",
        "total_minutes",
        "max_minutes_per_day",
        "preferred_minutes_per_day",
        "district",
    ]
    list_filter = ["district"]
    search_fields = ["code", "name"]
    list_select_related = ["district"]
    inlines = [ProgrammeCategoryMinimumInline]

    @admin.display(description=_("grades"))
    def grades_display(self, programme: Programme) -> str:
        return f"{programme.grade_min}–{programme.grade_max}"


@admin.register(ProgrammeCategoryMinimum)
class ProgrammeCategoryMinimumAdmin(SchoolsAdmin):
    list_display = ["programme", "category", "minutes"]
    list_filter = ["programme__district", "category"]
    search_fields = ["programme__code", "programme__name", "category__name"]
    list_select_related = ["programme", "category"]
    autocomplete_fields = ["programme", "category"]


# -- classes and pupils -------------------------------------------------------


@admin.register(ClassGroup)
class ClassGroupAdmin(SchoolsAdmin):
    list_display = ["name", "site", "pupil_count"]
    list_filter = ["site__district", "site"]
    search_fields = ["name", "site__name", "site__code"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pupil_total=Count("pupils"))

    @admin.display(description=_("pupils"), ordering="pupil_total")
    def pupil_count(self, group: ClassGroup) -> int:
        return group.pupil_total


class FamilyPupilInline(admin.TabularInline):
    model = Pupil
    fields = ["given_name", "surname_prefix", "surname", "class_group", "grade"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("children")


@admin.register(Family)
class FamilyAdmin(SchoolsAdmin):
    list_display = ["code", "district", "pupil_count"]
    list_filter = ["district"]
    search_fields = ["code", "pupils__surname"]
    list_select_related = ["district"]
    inlines = [FamilyPupilInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pupil_total=Count("pupils"))

    @admin.display(description=_("children"), ordering="pupil_total")
    def pupil_count(self, family: Family) -> int:
        return family.pupil_total


class PupilPreferenceInline(admin.TabularInline):
    model = PupilPreference
    extra = 0
    autocomplete_fields = ["category", "activity"]


class PupilUnavailabilityInline(admin.TabularInline):
    model = PupilUnavailability
    extra = 0


@admin.register(Pupil)
class PupilAdmin(SchoolsAdmin):
    list_display = [
        "surname_display",
        "given_name",
        "pupil_number",
        "class_group",
        "grade",
        "school",
        "family",
    ]
    list_display_links = ["surname_display", "given_name"]
    list_filter = ["school__district", "grade", "school"]
    search_fields = ["given_name", "surname", "pupil_number", "class_group__name"]
    list_select_related = ["class_group__site", "school", "family"]
    autocomplete_fields = ["class_group", "family", "required_activities"]
    readonly_fields = ["school"]
    inlines = [PupilPreferenceInline, PupilUnavailabilityInline]
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["given_name", "surname_prefix", "surname", "birth_date"]}),
        (_("School"), {"fields": ["class_group", "school", "grade", "pupil_number"]}),
        (_("Planning"), {"fields": ["family", "required_activities"]}),
    ]

    @admin.display(description=_("surname"), ordering="surname")
    def surname_display(self, pupil: Pupil) -> str:
        return f"{pupil.surname}, {pupil.surname_prefix}" if pupil.surname_prefix else pupil.surname


@admin.register(PupilPreference)
class PupilPreferenceAdmin(SchoolsAdmin):
    list_display = ["pupil", "category", "rank", "activity"]
    list_filter = ["pupil__school__district", "category"]
    search_fields = ["pupil__surname", "pupil__given_name", "pupil__pupil_number", "activity__name"]
    list_select_related = ["pupil", "category", "activity"]
    autocomplete_fields = ["pupil", "category", "activity"]
    show_full_result_count = False


@admin.register(PupilUnavailability)
class PupilUnavailabilityAdmin(SchoolsAdmin):
    list_display = ["pupil", "weekday", "start", "end"]
    list_filter = ["pupil__school__district", "weekday"]
    search_fields = ["pupil__surname", "pupil__given_name", "pupil__pupil_number"]
    list_select_related = ["pupil"]
    autocomplete_fields = ["pupil"]


# -- users and roles ----------------------------------------------------------


@admin.register(Membership)
class MembershipAdmin(SchoolsAdmin):
    list_display = ["user", "role", "district", "site"]
    list_filter = ["role", "district"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "site__name"]
    list_select_related = ["user", "district", "site"]
    autocomplete_fields = ["user", "site"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["site"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class SchoolsUserAdmin(UserAdmin):
    """The usual user admin, with the user's roles in districts and schools."""

    inlines = [*UserAdmin.inlines, MembershipInline]
    list_display = [*UserAdmin.list_display, "roles_display"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships")

    @admin.display(description=_("roles"))
    def roles_display(self, user) -> str:
        return _join(capfirst(m.get_role_display()) for m in user.memberships.all())


admin.site.site_header = _("Extended school day")
admin.site.site_title = _("Extended school day")
admin.site.index_title = _("Master data and schedules")
