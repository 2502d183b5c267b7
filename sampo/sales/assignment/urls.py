from django.urls import path

from sampo.sales.assignment import admin_views

# Joined into sales:… (sales/urls.py), ahead of its catch-all admin list addresses.
urlpatterns = [
    path("sales/admin/assignment/", admin_views.assignment_home, name="admin_assignment"),
    path(
        "sales/admin/assignment/settings/",
        admin_views.settings_save,
        name="admin_assignment_settings",
    ),
    path(
        "sales/admin/assignment/rules/<int:pk>/",
        admin_views.rule_edit,
        name="admin_assignment_rule",
    ),
    path(
        "sales/admin/assignment/rules/<int:pk>/up/",
        admin_views.rule_move,
        {"offset": -1},
        name="admin_assignment_rule_up",
    ),
    path(
        "sales/admin/assignment/rules/<int:pk>/down/",
        admin_views.rule_move,
        {"offset": 1},
        name="admin_assignment_rule_down",
    ),
    path(
        "sales/admin/assignment/rules/<int:pk>/delete/",
        admin_views.rule_delete,
        name="admin_assignment_rule_delete",
    ),
    path(
        "sales/admin/assignment/teams/<int:pk>/",
        admin_views.team_rotation,
        name="admin_assignment_team",
    ),
]
