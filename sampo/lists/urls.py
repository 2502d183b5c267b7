from django.urls import path

from sampo.lists import views

app_name = "lists"

urlpatterns = [
    path("lists/<slug:key>/views/new/", views.view_new, name="view_new"),
    path("lists/<slug:key>/views/<int:pk>/", views.view_open, name="view"),
    path("lists/<slug:key>/views/<int:pk>/edit/", views.view_edit, name="view_edit"),
    path(
        "lists/<slug:key>/views/<int:pk>/filters/",
        views.view_update_query,
        name="view_update_query",
    ),
    path("lists/<slug:key>/views/<int:pk>/delete/", views.view_delete, name="view_delete"),
    path("lists/<slug:key>/views/<int:pk>/default/", views.view_default, name="view_default"),
    path("lists/<slug:key>/bulk/", views.bulk_action, name="bulk"),
]
