from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("schedules/", include("schedules.urls")),
    path("schools/", include("schools.urls")),
    # Until the coordinator's, coach's and principal's pages exist, the admin is home.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
