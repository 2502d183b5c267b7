from django.urls import path

from sampo.contacts import merge_views, views
from sampo.contacts.handovers import views as handover_views
from sampo.contacts.imports import views as import_views

app_name = "contacts"

urlpatterns = [
    path("duplicates/<str:kind>/", merge_views.duplicate_report, name="duplicates"),
    path("duplicates/<str:kind>/merge/", merge_views.merge_records, name="merge"),
    path("merges/<int:pk>/", merge_views.merge_detail, name="merge_detail"),
    path("merges/<int:pk>/undo/", merge_views.merge_undo, name="merge_undo"),
    path("organizations/", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_new, name="organization_new"),
    path(
        "organizations/columns/",
        views.list_columns_save,
        {"kind": "organization"},
        name="organization_columns",
    ),
    path("people/columns/", views.list_columns_save, {"kind": "person"}, name="person_columns"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/delete/", views.organization_delete, name="organization_delete"),
    path("organizations/pick/", views.organization_pick, name="organization_pick"),
    path(
        "organizations/export.csv",
        views.organization_export_csv,
        name="organization_export_csv",
    ),
    path(
        "organizations/export.xlsx",
        views.organization_export_xlsx,
        name="organization_export_xlsx",
    ),
    path("people/", views.person_list, name="people"),
    path("people/export.csv", views.person_export_csv, name="person_export_csv"),
    path("people/export.xlsx", views.person_export_xlsx, name="person_export_xlsx"),
    path("people/export.vcf", views.person_export_vcf, name="person_export_vcf"),
    path("people/<int:pk>/vcard.vcf", views.person_vcard, name="person_vcard"),
    path("people/<int:pk>/memberships/new/", views.membership_new, name="membership_new"),
    path(
        "people/<int:pk>/memberships/<int:membership_pk>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("handovers/", handover_views.handover_list, name="handovers"),
    path(
        "organizations/<int:pk>/handover/",
        handover_views.handover_new,
        {"kind": "organizations"},
        name="organization_handover",
    ),
    path(
        "people/<int:pk>/handover/",
        handover_views.handover_new,
        {"kind": "people"},
        name="person_handover",
    ),
    path("handovers/<int:pk>/answer/", handover_views.handover_answer, name="handover_answer"),
    path(
        "handovers/<int:pk>/withdraw/", handover_views.handover_withdraw, name="handover_withdraw"
    ),
    path("imports/", import_views.import_list, name="imports"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("imports/<int:pk>/", import_views.import_detail, name="import"),
    path("imports/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/preview/", import_views.import_preview, name="import_preview"),
    path("imports/<int:pk>/run/", import_views.import_run, name="import_run"),
    path("imports/<int:pk>/undo/", import_views.import_undo, name="import_undo"),
    path(
        "imports/<int:pk>/not-imported.csv",
        import_views.import_failed_csv,
        name="import_failed_csv",
    ),
    path(
        "imports/<int:pk>/not-imported.xlsx",
        import_views.import_failed_xlsx,
        name="import_failed_xlsx",
    ),
]
