"""What lead capture plugs into: the admin menu and the history's event names."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sampo.core import events, navigation

navigation.register(
    label=_("Web forms"),
    url_name="sales:admin_web_forms",
    section="admin",
    order=53,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Lead assignment"),
    url_name="sales:admin_assignment",
    section="admin",
    order=54,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Product interests"),
    url_name="sales:admin_product_interests",
    section="admin",
    order=55,
    visible_to=navigation.admins_only,
)
events.register_event("web_form_lead", _("created the lead from a web form and assigned it"))
events.register_event("lead_assigned", _("assigned the lead by the assignment rules"))
