from django.urls import path

from sampo.core import views
from sampo.core.custom_fields import views as custom_field_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("trash/", views.trash_list, name="trash"),
    path("trash/<int:content_type_id>/<int:pk>/restore/", views.trash_restore, name="restore"),
    path("admin/audit/", views.audit_list, name="audit"),
    path("admin/audit/export.csv", views.audit_export_csv, name="audit_export"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/custom-fields/", custom_field_views.custom_field_list, name="custom_fields"),
    path(
        "admin/custom-fields/<slug:record_type>/new/",
        custom_field_views.custom_field_new,
        name="custom_field_new",
    ),
    path(
        "admin/custom-fields/<int:pk>/edit/",
        custom_field_views.custom_field_edit,
        name="custom_field_edit",
    ),
    path(
        "admin/custom-fields/<int:pk>/up/",
        custom_field_views.custom_field_move,
        {"offset": -1},
        name="custom_field_up",
    ),
    path(
        "admin/custom-fields/<int:pk>/down/",
        custom_field_views.custom_field_move,
        {"offset": 1},
        name="custom_field_down",
    ),
    path(
        "admin/custom-fields/<int:pk>/archive/",
        custom_field_views.custom_field_archive,
        {"archived": True},
        name="custom_field_archive",
    ),
    path(
        "admin/custom-fields/<int:pk>/restore/",
        custom_field_views.custom_field_archive,
        {"archived": False},
        name="custom_field_restore",
    ),
]
