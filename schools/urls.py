from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("import/", views.import_home, name="import_home"),
    path("<slug:code>/import/", views.roster_import_view, name="roster_import"),
    path("<slug:code>/import/confirm/", views.roster_import_confirm, name="roster_import_confirm"),
    path("<slug:code>/import/template.xlsx", views.roster_template, name="roster_template"),
    path("<slug:code>/import/export.xlsx", views.roster_export, name="roster_export"),
]
