from django.urls import path

from sampo.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("trash/", views.trash_list, name="trash"),
    path("trash/<int:content_type_id>/<int:pk>/restore/", views.trash_restore, name="restore"),
    path("admin/audit/", views.audit_list, name="audit"),
    path("admin/audit/export.csv", views.audit_export_csv, name="audit_export"),
    path("healthz", views.healthz, name="healthz"),
]
