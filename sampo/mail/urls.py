from django.urls import path

from sampo.mail import admin_views, views

app_name = "mail"

urlpatterns = [
    path("mail/messages/<int:pk>/", views.message_detail, name="message"),
    path("mail/messages/<int:pk>/retry/", views.message_retry, name="retry"),
    path("mail/activities/<int:activity_pk>/", views.message_for_activity, name="for_activity"),
    path("mail/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("people/<int:person_pk>/email/", views.compose, name="compose"),
    path("mail/unmatched/", views.unmatched, name="unmatched"),
    path("mail/unmatched/<int:pk>/", views.unmatched_resolve, name="resolve"),
    path("mail/skipped/<int:pk>/dismiss/", views.skipped_dismiss, name="skipped_dismiss"),
    path("mail/people/pick/", views.person_pick, name="person_pick"),
    path("mail/inbound/", views.inbound, name="inbound"),
    path("admin/email-templates/", admin_views.template_list, name="templates"),
    path("admin/email-templates/new/", admin_views.template_new, name="template_new"),
    path("admin/email-templates/<int:pk>/", admin_views.template_edit, name="template_edit"),
    path(
        "admin/email-templates/<int:pk>/delete/",
        admin_views.template_delete,
        name="template_delete",
    ),
]
