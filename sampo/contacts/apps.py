from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "sampo.contacts"
    label = "contacts"
    verbose_name = _("Customer register")

    def ready(self) -> None:
        from sampo.contacts import registrations  # noqa: F401
