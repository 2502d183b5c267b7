from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sampo.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from sampo.sales import registrations  # noqa: F401
