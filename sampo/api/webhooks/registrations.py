"""What webhooks plug into the floors below: history's record events, the admin menu, the
audit log's actions, the worker's periodic jobs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sampo.api.webhooks import services
from sampo.core import audit, navigation, record_events, schedules

record_events.subscribe(services.on_record_event)
navigation.register(
    label=_("Webhooks"),
    url_name="webhooks:list",
    section="admin",
    order=90,
    visible_to=navigation.admins_only,
)
audit.register_action("webhook_created", _("Added a webhook"))
audit.register_action("webhook_changed", _("Changed a webhook"))
audit.register_action("webhook_deleted", _("Deleted a webhook"))
audit.register_action("webhook_secret_revealed", _("Revealed a webhook's secret"))
audit.register_action("webhook_secret_rotated", _("Replaced a webhook's secret"))
schedules.register(
    name="sampo:webhooks-deliver-due",
    func="sampo.api.webhooks.tasks.deliver_due",
    cron="* * * * *",
)
schedules.register(
    name="sampo:webhooks-prune-log", func="sampo.api.webhooks.tasks.prune_log", cron="40 3 * * *"
)
schedules.register(
    name="sampo:webhooks-activities-due",
    func="sampo.api.webhooks.tasks.emit_due_activities",
    cron="* * * * *",
)
