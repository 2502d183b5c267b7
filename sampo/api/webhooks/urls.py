from django.urls import path

from sampo.api.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("admin/webhooks/", views.subscription_list, name="list"),
    path("admin/webhooks/new/", views.subscription_new, name="new"),
    path("admin/webhooks/<int:pk>/", views.subscription_detail, name="detail"),
    path("admin/webhooks/<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("admin/webhooks/<int:pk>/secret/", views.subscription_secret, name="secret"),
    path("admin/webhooks/<int:pk>/test/", views.subscription_test, name="test"),
    path("admin/webhooks/<int:pk>/disable/", views.subscription_disable, name="disable"),
    path("admin/webhooks/<int:pk>/enable/", views.subscription_enable, name="enable"),
    path("admin/webhooks/<int:pk>/delete/", views.subscription_delete, name="delete"),
]
