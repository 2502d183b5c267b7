from django.urls import include, path

urlpatterns = [
    path("", include("sampo.core.urls")),
    path("", include("sampo.accounts.urls")),
    path("", include("sampo.notifications.urls")),
    path("", include("sampo.lists.urls")),
    path("", include("sampo.contacts.urls")),
    path("", include("sampo.activities.urls")),
    path("", include("sampo.mail.urls")),
    path("", include("sampo.contacts.admin_urls")),
    path("", include("sampo.sales.urls")),
    path("", include("sampo.api.urls")),
]

handler403 = "sampo.core.errors.permission_denied"
handler404 = "sampo.core.errors.page_not_found"
handler500 = "sampo.core.errors.server_error"
