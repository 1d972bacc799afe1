from django.urls import path

from schedules import views

app_name = "schedules"

urlpatterns = [
    path("<slug:code>/", views.district_runs, name="district_runs"),
    path("<slug:code>/solve/", views.run_start, name="run_start"),
    path("<slug:code>/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("<slug:code>/runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("<slug:code>/runs/<int:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path("<slug:code>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path(
        "<slug:code>/versions/<int:number>/publish/",
        views.version_publish,
        name="version_publish",
    ),
]
