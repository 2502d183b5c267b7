from django.urls import path

from sampo.activities import unattended_views, views

app_name = "activities"

urlpatterns = [
    path("my-day/", views.my_day, name="my_day"),
    path("activities/unattended/", unattended_views.unattended_list, name="unattended"),
    path("activities/new/", views.activity_new, name="new"),
    path("activities/<int:pk>/done/", views.activity_complete, name="complete"),
    path("activities/<int:pk>/reschedule/", views.activity_reschedule, name="reschedule"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="cancel"),
]
