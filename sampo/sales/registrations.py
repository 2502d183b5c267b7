"""What sales plugs into the floors below: the menu, search, the trash, periodic jobs, the
register's 360° pages, the targets an activity can be "regarding", demo data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sampo.accounts import offboarding, rights
from sampo.accounts.models import Role
from sampo.activities import regarding
from sampo.contacts import panels
from sampo.core import events, navigation, schedules, search, search_index, trash
from sampo.lists import registry as lists
from sampo.sales import access, selectors
from sampo.sales.forms import QuickCreateForm
from sampo.sales.lists import OPPORTUNITIES
from sampo.sales.models import Opportunity


def _panel(user: Any, **record: Any) -> dict[str, Any]:
    target = next(iter(record.values()))
    return {
        "opportunities": selectors.open_opportunities_of(user=user, **record),
        "can_create": access.can_create(user),
        "quick_form": QuickCreateForm(initial={name: r.pk for name, r in record.items()}),
        "next_url": target.get_absolute_url(),
    }


navigation.register(label=_("Sales"), url_name="sales:home", order=30)
lists.register(OPPORTUNITIES)
navigation.register(
    label=_("Pipelines"),
    url_name="sales:admin_pipelines",
    section="admin",
    order=50,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Lead sources"),
    url_name="sales:admin_lead_sources",
    section="admin",
    order=51,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Lost reasons"),
    url_name="sales:admin_lost_reasons",
    section="admin",
    order=52,
    visible_to=navigation.admins_only,
)
search.register(
    key="opportunities",
    label=_("Opportunities"),
    search=selectors.opportunity_search_hits,
    order=30,
)
# Search by a fragment of the title: WHERE title_folded LIKE '%...%' (core.search_index).
search_index.register(Opportunity, "title_folded", name="opp_title_trgm_idx")
trash.register(Opportunity)
events.register_event("stages_changed", _("changed the stages"))
schedules.register(
    name="sampo:sales-reopen-postponed", func="sampo.sales.tasks.reopen_postponed", cron="5 * * * *"
)
panels.register(
    record_type="organization",
    key="opportunities",
    template="sales/_panel.html",
    build=lambda user, organization: _panel(user, organization=organization),
    order=5,
)
panels.register(
    record_type="person",
    key="opportunities",
    template="sales/_panel.html",
    build=lambda user, person: _panel(user, person=person),
    order=5,
)
regarding.register(
    key="sales.opportunity",
    resolve=lambda user, pk: access.access_opportunity(user, pk),
    links=lambda user, pks: selectors.opportunity_links(user, pks),
)

_ALL: dict[str, str] = dict.fromkeys(rights.Action.values, rights.Scope.ALL)
_TEAM_READS: dict[str, str] = {rights.Action.READ: rights.Scope.TEAM}
rights.register_record_type(
    key="sales.opportunity",
    label=_("leads and opportunities"),
    order=30,
    team_field="team",
    defaults={
        Role.ADMIN: _ALL,
        Role.SALES_MANAGER: {**_ALL, "read": "team", "edit": "team", "delete": "team"},
        Role.SALESPERSON: {**_ALL, "read": "team", "edit": "own", "delete": "own"},
        Role.MARKETING: _TEAM_READS,
        Role.SUPPORT: _TEAM_READS,
        Role.READ_ONLY: {rights.Action.READ: rights.Scope.ALL},
    },
)
offboarding.register_book(
    key="opportunities",
    label=_("open leads and opportunities"),
    order=30,
    rows=selectors.owned_open_opportunities,
    customer_of=lambda opportunity: opportunity.organization_id,
)

from sampo.contacts.imports import registry as imports  # noqa: E402
from sampo.sales import demo  # noqa: E402, F401  (registers the demo loader)
from sampo.sales.imports import IMPORT_TYPE  # noqa: E402

imports.register(IMPORT_TYPE)
from sampo.sales.webforms import registrations as _capture  # noqa: E402, F401
