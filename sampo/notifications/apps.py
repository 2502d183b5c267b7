from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "sampo.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from sampo.core import schedules

        schedules.register(
            name="sampo:purge-notifications",
            func="sampo.notifications.tasks.purge_read_notifications",
            cron="45 3 * * *",
        )
