from django.urls import path

from sampo.sales import admin_views, views
from sampo.sales.assignment import urls as assignment_urls
from sampo.sales.webforms import urls as webforms_urls

app_name = "sales"

urlpatterns = [
    path("sales/", views.board_default, name="home"),
    path("sales/pipelines/<int:pk>/", views.board, name="board"),
    path(
        "sales/pipelines/<int:pk>/columns/<int:stage_pk>/",
        views.board_column,
        name="board_column",
    ),
    path("sales/opportunities/", views.opportunity_list, name="list"),
    path("sales/opportunities/export.csv", views.export_csv, name="export_csv"),
    path("sales/opportunities/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("sales/opportunities/new/", views.quick_create, name="quick_create"),
    path("sales/opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("sales/opportunities/<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("sales/opportunities/<int:pk>/move/", views.opportunity_move, name="move"),
    path("sales/opportunities/<int:pk>/won/", views.opportunity_won, name="won"),
    path("sales/opportunities/<int:pk>/lost/", views.opportunity_lost, name="lost"),
    path("sales/opportunities/<int:pk>/postpone/", views.opportunity_postpone, name="postpone"),
    path("sales/opportunities/<int:pk>/reopen/", views.opportunity_reopen, name="reopen"),
    path("sales/opportunities/<int:pk>/delete/", views.opportunity_delete, name="delete"),
    path("sales/opportunities/<int:pk>/qualify/", views.lead_qualify, name="qualify"),
    path("sales/admin/pipelines/", admin_views.pipeline_list, name="admin_pipelines"),
    path("sales/admin/pipelines/<int:pk>/", admin_views.pipeline_edit, name="admin_pipeline"),
    path(
        "sales/admin/pipelines/<int:pk>/delete/",
        admin_views.pipeline_delete,
        name="admin_pipeline_delete",
    ),
    path(
        "sales/admin/pipelines/<int:pk>/up/",
        admin_views.pipeline_move,
        {"offset": -1},
        name="admin_pipeline_up",
    ),
    path(
        "sales/admin/pipelines/<int:pk>/down/",
        admin_views.pipeline_move,
        {"offset": 1},
        name="admin_pipeline_down",
    ),
    path("sales/admin/pipelines/<int:pk>/stages/", admin_views.stage_add, name="admin_stage_add"),
    path("sales/admin/stages/<int:pk>/", admin_views.stage_edit, name="admin_stage"),
    path(
        "sales/admin/stages/<int:pk>/left/",
        admin_views.stage_move,
        {"offset": -1},
        name="admin_stage_left",
    ),
    path(
        "sales/admin/stages/<int:pk>/right/",
        admin_views.stage_move,
        {"offset": 1},
        name="admin_stage_right",
    ),
    path(
        "sales/admin/stages/<int:pk>/delete/",
        admin_views.stage_delete,
        name="admin_stage_delete",
    ),
    path(
        "sales/admin/lead-sources/",
        admin_views.choice_list,
        {"kind": "lead-sources"},
        name="admin_lead_sources",
    ),
    path(
        "sales/admin/lost-reasons/",
        admin_views.choice_list,
        {"kind": "lost-reasons"},
        name="admin_lost_reasons",
    ),
    path("sales/admin/<slug:kind>/", admin_views.choice_list, name="admin_choices"),
    path("sales/admin/<slug:kind>/<int:pk>/", admin_views.choice_edit, name="admin_choice"),
    path(
        "sales/admin/<slug:kind>/<int:pk>/up/",
        admin_views.choice_move,
        {"offset": -1},
        name="admin_choice_up",
    ),
    path(
        "sales/admin/<slug:kind>/<int:pk>/down/",
        admin_views.choice_move,
        {"offset": 1},
        name="admin_choice_down",
    ),
    path(
        "sales/admin/<slug:kind>/<int:pk>/delete/",
        admin_views.choice_delete,
        name="admin_choice_delete",
    ),
]

# Lead capture: web forms (public and admin pages) and assignment, first so that their admin
# addresses win over the catch-all `sales/admin/<kind>/` above.
urlpatterns = [*webforms_urls.urlpatterns, *assignment_urls.urlpatterns, *urlpatterns]
