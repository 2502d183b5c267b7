"""Admin pages of the register and organizations' key figures (namespace "register")."""

from django.urls import path

from sampo.contacts import admin_views, key_figure_views

app_name = "register"

urlpatterns = [
    path(
        "admin/relationship-types/",
        admin_views.relationship_type_list,
        name="relationship_types",
    ),
    path(
        "admin/relationship-types/<int:pk>/edit/",
        admin_views.relationship_type_edit,
        name="relationship_type_edit",
    ),
    path(
        "admin/relationship-types/<int:pk>/up/",
        admin_views.relationship_type_move,
        {"offset": -1},
        name="relationship_type_up",
    ),
    path(
        "admin/relationship-types/<int:pk>/down/",
        admin_views.relationship_type_move,
        {"offset": 1},
        name="relationship_type_down",
    ),
    path(
        "admin/relationship-types/<int:pk>/delete/",
        admin_views.relationship_type_delete,
        name="relationship_type_delete",
    ),
    path("admin/tags/", admin_views.tag_list, name="tags"),
    path("admin/tags/<int:pk>/edit/", admin_views.tag_edit, name="tag_edit"),
    path("admin/tags/<int:pk>/merge/", admin_views.tag_merge, name="tag_merge"),
    path("admin/tags/<int:pk>/delete/", admin_views.tag_delete, name="tag_delete"),
    path(
        "organizations/<int:pk>/key-figures/new/",
        key_figure_views.key_figure_new,
        name="key_figure_new",
    ),
    path(
        "organizations/<int:pk>/key-figures/<int:figure_pk>/edit/",
        key_figure_views.key_figure_edit,
        name="key_figure_edit",
    ),
    path(
        "organizations/<int:pk>/key-figures/<int:figure_pk>/delete/",
        key_figure_views.key_figure_delete,
        name="key_figure_delete",
    ),
]
