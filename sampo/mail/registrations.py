"""What email plugs into lower floors: the menus, a panel on the person page, the link from a
timeline entry to its message, periodic jobs, the trash."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sampo.activities import entry_links
from sampo.contacts import panels
from sampo.core import audit, navigation, schedules, trash
from sampo.mail import access, selectors
from sampo.mail.models import EmailTemplate


def _person_panel(user: Any, person: Any) -> dict[str, Any]:
    return {
        "messages": selectors.person_messages(user=user, person=person),
        "can_send": access.can_send(user) and bool(person.email),
        "person": person,
    }


navigation.register(
    label=_("Unmatched email"),
    url_name="mail:unmatched",
    order=60,
    visible_to=lambda user: (
        bool(getattr(user, "is_authenticated", False)) and access.can_triage(user)
    ),
)
navigation.register(
    label=_("Email templates"),
    url_name="mail:templates",
    section="admin",
    order=50,
    visible_to=navigation.admins_only,
)
panels.register(
    record_type="person",
    key="mail",
    template="mail/_person_panel.html",
    build=_person_panel,
    order=5,
)
entry_links.register(type_code="email", url_name="mail:for_activity")
trash.register(EmailTemplate)
schedules.register(
    name="sampo:mail-retry", func="sampo.mail.tasks.retry_due_emails", cron="*/5 * * * *"
)
if settings.IMAP_HOST:
    schedules.register(
        name="sampo:mail-fetch", func="sampo.mail.tasks.fetch_mailbox", cron="*/2 * * * *"
    )

audit.register_action(
    "email_received_by_integration", _("An integration posted an email with a personal API token")
)
