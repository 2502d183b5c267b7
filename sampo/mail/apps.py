from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "sampo.mail"
    label = "mail"
    verbose_name = _("Email")

    def ready(self) -> None:
        from sampo.mail import registrations  # noqa: F401
