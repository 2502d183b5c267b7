from django.urls import path

from sampo.activities import admin_views, calendar_views, unattended_views, views

app_name = "activities"

urlpatterns = [
    path("my-day/", views.my_day, name="my_day"),
    path("my-day/<slug:section>/", views.my_day_more, name="my_day_more"),
    path("activities/unattended/", unattended_views.unattended_list, name="unattended"),
    path("activities/new/", views.activity_new, name="new"),
    path("activities/timeline/", views.timeline, name="timeline"),
    path("activities/follow/", views.follow, name="follow"),
    path("activities/files/<int:pk>/", views.attachment_download, name="attachment"),
    path("activities/<int:pk>/done/", views.activity_complete, name="complete"),
    path("activities/<int:pk>/reschedule/", views.activity_reschedule, name="reschedule"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("activities/<int:pk>/calendar.ics", calendar_views.activity_ics, name="ics"),
    path("admin/activity-types/", admin_views.activity_type_list, name="types"),
    path("admin/activity-types/<int:pk>/edit/", admin_views.activity_type_edit, name="type_edit"),
    path(
        "admin/activity-types/<int:pk>/up/",
        admin_views.activity_type_move,
        {"offset": -1},
        name="type_up",
    ),
    path(
        "admin/activity-types/<int:pk>/down/",
        admin_views.activity_type_move,
        {"offset": 1},
        name="type_down",
    ),
    path(
        "admin/activity-types/<int:pk>/delete/",
        admin_views.activity_type_delete,
        name="type_delete",
    ),
    path("calendar/", calendar_views.calendar_settings, name="calendar"),
    path("calendar/reset/", calendar_views.calendar_reset, name="calendar_reset"),
    path("calendar/off/", calendar_views.calendar_disable, name="calendar_disable"),
    path("calendar/feed/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]
