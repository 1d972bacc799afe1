"""Read-mostly admin of runs and versions; solving and publishing go through the coordinator's pages."""

from django.contrib import admin

from schedules.models import ScheduleChange, ScheduleVersion, SolveRun


@admin.register(SolveRun)
class SolveRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "district", "status", "time_limit", "coverage", "created_at"]
    list_filter = ["status", "district"]
    readonly_fields = [f.name for f in SolveRun._meta.fields if f.name != "instance"]
    exclude = ["instance"]

    def has_add_permission(self, request):
        return False


@admin.register(ScheduleVersion)
class ScheduleVersionAdmin(admin.ModelAdmin):
    list_display = ["district", "number", "status", "coverage", "unmet_minutes", "published_at"]
    list_filter = ["status", "district"]
    readonly_fields = [
        f.name for f in ScheduleVersion._meta.fields if f.name not in {"report", "solution"}
    ]
    exclude = ["report", "solution"]

    def has_add_permission(self, request):
        return False


@admin.register(ScheduleChange)
class ScheduleChangeAdmin(admin.ModelAdmin):
    """Recorded changes, to look up; they are recorded on the coordinator's changes page."""

    list_display = ["district", "kind", "coach", "room", "starts_on", "ends_on", "created_at"]
    list_filter = ["kind", "district"]
    readonly_fields = [f.name for f in ScheduleChange._meta.fields]

    def has_add_permission(self, request):
        return False
