from django.urls import path

from schedules import views, views_changes, views_people, views_what_if

app_name = "schedules"

urlpatterns = [
    # People's pages (issue 6); literal first segments, listed before the district pages.
    path("me/week/", views_people.coach_week, name="coach_week"),
    path("me/calendar/renew/", views_people.calendar_renew, name="calendar_renew"),
    path("calendar/<str:token>.ics", views_people.calendar_feed, name="calendar_feed"),
    path("sessions/<int:session_id>/", views_people.session_detail, name="session_detail"),
    path("school/<int:site_id>/", views_people.school_overview, name="school_overview"),
    path("school/<int:site_id>/school.pdf", views_people.school_pdf, name="school_pdf"),
    path(
        "school/<int:site_id>/pupils.pdf",
        views_people.school_pupils_pdf,
        name="school_pupils_pdf",
    ),
    path(
        "school/<int:site_id>/classes/<int:class_id>.pdf",
        views_people.class_pdf,
        name="class_pdf",
    ),
    path(
        "school/<int:site_id>/classes/<int:class_id>/pupils.pdf",
        views_people.class_pupils_pdf,
        name="class_pupils_pdf",
    ),
    path(
        "school/<int:site_id>/pupils/<int:pupil_id>.pdf",
        views_people.pupil_pdf,
        name="pupil_pdf",
    ),
    path("school/<int:site_id>/rooms/<int:room_id>.pdf", views_people.room_pdf, name="room_pdf"),
    path(
        "school/<int:site_id>/coaches/<int:coach_id>.pdf",
        views_people.coach_pdf,
        name="coach_pdf",
    ),
    path("<slug:code>/dashboard/", views_people.district_dashboard, name="district_dashboard"),
    path("<slug:code>/published.xlsx", views_people.district_excel, name="district_excel"),
    # The coordinator's solve and publish pages (issue 5).
    path("<slug:code>/", views.district_runs, name="district_runs"),
    path("<slug:code>/solve/", views.run_start, name="run_start"),
    path("<slug:code>/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("<slug:code>/runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("<slug:code>/runs/<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("<slug:code>/what-if/", views_what_if.what_if_start, name="what_if_start"),
    path(
        "<slug:code>/runs/<int:run_id>/what-if/",
        views_what_if.what_if_suggestion,
        name="what_if_suggestion",
    ),
    path("<slug:code>/versions/<int:number>/", views.version_detail, name="version_detail"),
    # Changes, pins, re-solving and the impact report (issue 8).
    path("<slug:code>/changes/", views_changes.changes, name="changes"),
    path("<slug:code>/changes/new/", views_changes.change_create, name="change_create"),
    path(
        "<slug:code>/changes/<int:change_id>/delete/",
        views_changes.change_delete,
        name="change_delete",
    ),
    path(
        "<slug:code>/sessions/<int:session_id>/pin/",
        views_changes.session_pin,
        name="session_pin",
    ),
    path("<slug:code>/resolve/", views_changes.resolve_start, name="resolve_start"),
    path(
        "<slug:code>/versions/<int:number>/impact/",
        views_changes.version_impact,
        name="version_impact",
    ),
    path(
        "<slug:code>/versions/<int:number>/publish/",
        views.version_publish,
        name="version_publish",
    ),
]
