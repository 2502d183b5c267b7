from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sampo.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from sampo.core import navigation, schedules, search_index

        # Global search's trigram indexes, built where missing once the tables exist.
        post_migrate.connect(search_index.post_migrate, sender=self)

        navigation.register(label=_("Home"), url_name="core:home", order=0)
        navigation.register(
            label=_("Trash"),
            url_name="core:trash",
            section="admin",
            order=90,
            visible_to=navigation.admins_only,
        )
        navigation.register(
            label=_("Audit log"),
            url_name="core:audit",
            section="admin",
            order=80,
            visible_to=navigation.admins_only,
        )
        schedules.register(
            name="sampo:prune-audit", func="sampo.core.tasks.prune_audit", cron="45 3 * * *"
        )
        navigation.register(
            label=_("Custom fields"),
            url_name="core:custom_fields",
            section="admin",
            order=35,
            visible_to=navigation.admins_only,
        )
        schedules.register(
            name="sampo:purge-trash", func="sampo.core.tasks.purge_trash", cron="30 3 * * *"
        )
