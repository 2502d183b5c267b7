"""Who a new lead goes to. The first matching rule names a team; inside it, the next member in
a weighted round robin who is not at their cap of open leads takes it. With every member at
their cap the team leader takes it (and is told so); with no rule matching, the default team
or owner of the settings. The owner gets a notification and a "first contact" activity.

`assign_lead` is for leads that arrive without a chosen owner (imports, the API); web forms
choose the owner first (`assignee_choose`) and create the lead with it.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sampo.accounts.access import require_admin
from sampo.accounts.models import Role, Team, User
from sampo.activities.models import ActivityType
from sampo.activities.services import activity_schedule
from sampo.core import history, named_types, records
from sampo.notifications.services import notify
from sampo.sales import access
from sampo.sales.assignment.models import (
    AssignmentRule,
    AssignmentSettings,
    TeamMemberSetting,
    TeamRotation,
)
from sampo.sales.models import Opportunity

RULE_FIELDS = ("name", "is_active", "countries", "source", "product_interest", "web_form", "team")


@dataclass(frozen=True)
class LeadFacts:
    """What the rules look at."""

    country: str = ""
    source_id: int | None = None
    product_interest_id: int | None = None
    web_form_id: int | None = None

    @classmethod
    def of(cls, lead: Opportunity, *, web_form_id: int | None = None) -> LeadFacts:
        return cls(
            country=lead.country,
            source_id=lead.source_id,
            product_interest_id=lead.product_interest_id,
            web_form_id=web_form_id,
        )


@dataclass(frozen=True)
class Assignment:
    owner: User
    team: Team | None
    rule: AssignmentRule | None
    # Every member was at their cap of open leads, so the team leader took it.
    capped: bool = False


def assignment_settings() -> AssignmentSettings:
    found, _created = AssignmentSettings.objects.select_related(
        "default_team", "default_owner"
    ).get_or_create(pk=1)
    return found


# --- Choosing -------------------------------------------------------------------------------


def rule_matches(rule: AssignmentRule, facts: LeadFacts) -> bool:
    return (
        (not rule.countries or facts.country in rule.country_codes)
        and (rule.source_id is None or rule.source_id == facts.source_id)
        and (
            rule.product_interest_id is None
            or rule.product_interest_id == facts.product_interest_id
        )
        and (rule.web_form_id is None or rule.web_form_id == facts.web_form_id)
    )


def matching_rule(facts: LeadFacts) -> AssignmentRule | None:
    rules = AssignmentRule.objects.filter(is_active=True).select_related("team__leader")
    return next(
        (rule for rule in rules.order_by("position", "id") if rule_matches(rule, facts)), None
    )


def weighted_order(weights: list[tuple[User, int]]) -> list[User]:
    """One cycle of a smooth weighted round robin: each member appears `weight` times, spread
    out (weights 2 and 1 give A, B, A rather than A, A, B)."""
    total = sum(weight for _user, weight in weights)
    current = [0] * len(weights)
    order: list[User] = []
    for _turn in range(total):
        for i, (_user, weight) in enumerate(weights):
            current[i] += weight
        best = max(range(len(weights)), key=lambda i: (current[i], -i))
        current[best] -= total
        order.append(weights[best][0])
    return order


def team_rotation(team: Team) -> tuple[list[User], dict[int, int | None]]:
    """The team's weighted order of active members (by name) and each one's cap."""
    members = list(team.members.filter(is_active=True).order_by("name", "pk"))
    configured = {
        s.user_id: s for s in TeamMemberSetting.objects.filter(team=team, user__in=members)
    }
    weights = [
        (user, configured[user.pk].weight if user.pk in configured else 1) for user in members
    ]
    caps = {pk: s.max_open_leads for pk, s in configured.items()}
    return weighted_order([(u, w) for u, w in weights if w > 0]), caps


def open_leads_by_owner(user_ids: list[int]) -> dict[int, int]:
    rows = (
        Opportunity.objects.filter(
            owner_id__in=user_ids, kind=Opportunity.Kind.LEAD, status=Opportunity.Status.OPEN
        )
        .values("owner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["owner_id"]: row["n"] for row in rows}


def round_robin_pick(team: Team) -> tuple[User | None, bool]:
    """The next member in turn who is under their cap, and whether everyone was at their cap
    (None, False: nobody in the team takes leads).
    Call it inside the transaction that saves the lead: the UPDATE below holds the team's
    rotation until then, so concurrent picks queue up instead of choosing the same member."""
    TeamRotation.objects.get_or_create(team=team)
    TeamRotation.objects.filter(pk=team.pk).update(turns=F("turns") + 1)
    rotation = TeamRotation.objects.get(pk=team.pk)
    order, caps = team_rotation(team)
    if not order:
        return None, False
    held = open_leads_by_owner([user.pk for user in order if caps.get(user.pk) is not None])
    start = rotation.next_index % len(order)
    for step in range(len(order)):
        index = (start + step) % len(order)
        user = order[index]
        cap = caps.get(user.pk)
        if cap is None or held.get(user.pk, 0) < cap:
            rotation.next_index = (index + 1) % len(order)
            rotation.save(update_fields=["next_index"])
            return user, False
    return None, True


def _fallback_owner(found: AssignmentSettings) -> User:
    if found.default_owner is not None and found.default_owner.is_active:
        return found.default_owner
    admin = (
        User.objects.filter(is_active=True, role__code=Role.ADMIN).order_by("date_joined").first()
    )
    if admin is None:
        raise ValidationError(_("Nobody can take the lead: choose a default owner for leads."))
    return admin


def assignee_choose(*, facts: LeadFacts) -> Assignment:
    """Who takes a lead with these facts. Inside a transaction (see round_robin_pick)."""
    rule = matching_rule(facts)
    found = assignment_settings()
    team = rule.team if rule is not None else found.default_team
    if team is not None:
        user, capped = round_robin_pick(team)
        if user is not None:
            return Assignment(owner=user, team=team, rule=rule)
        if team.leader is not None and team.leader.is_active:
            return Assignment(owner=team.leader, team=team, rule=rule, capped=capped)
    return Assignment(owner=_fallback_owner(found), team=team, rule=rule)


# --- Telling the assignee -------------------------------------------------------------------


def _first_contact_type() -> ActivityType:
    found = ActivityType.objects.filter(code="call").first() or ActivityType.objects.first()
    if found is None:
        raise ValidationError(_("There are no activity types to plan the first contact with."))
    return found


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _plan_first_contact(lead: Opportunity, assignment: Assignment, hours: int) -> None:
    owner = assignment.owner
    due = (timezone.now() + datetime.timedelta(hours=hours)).astimezone(_zone(owner))
    with translation.override(owner.language):
        subject = _("First contact: %(title)s") % {"title": lead.title}
        body = (
            _("Assigned by the rule “%(rule)s”.") % {"rule": assignment.rule}
            if assignment.rule is not None
            else _("No assignment rule matched; the default owner took it.")
        )
    activity_schedule(
        actor=owner,
        type=_first_contact_type(),
        subject=subject,
        day=due.date(),
        time=due.time().replace(second=0, microsecond=0),
        assignee=owner,
        body=body,
        organization=lead.organization,
        people=[lead.person] if lead.person else [],
        regarding=lead,
    )


def assignment_announce(*, lead: Opportunity, assignment: Assignment, event: str) -> None:
    """History, the owner's notification and their first-contact activity, in the caller's
    transaction (nothing is told about a lead that was rolled back)."""
    history.record_event(
        lead,
        actor=None,
        event=event,
        changes=[
            {"field": "owner", "old": None, "new": lead.owner_id, "new_label": str(lead.owner)},
            {
                "field": "team",
                "old": None,
                "new": lead.team_id,
                "new_label": str(lead.team or ""),
            },
        ],
    )
    if assignment.capped:
        text = gettext_lazy(
            "Everyone in %(team)s has their most open leads: the new lead “%(title)s” came to you."
        )
    else:
        text = gettext_lazy("A new lead for you: %(title)s")
    notify(
        recipient=assignment.owner,
        kind="lead_assigned",
        text=text,
        params={"title": lead.title, "team": str(assignment.team or "")},
        url=lead.get_absolute_url(),
    )
    _plan_first_contact(lead, assignment, assignment_settings().first_contact_hours)


def assign_lead(*, lead: Opportunity, actor: User | None = None) -> Assignment:
    """Route a lead that arrived without a chosen owner (an import, the API) by the rules:
    owner and team are set, recorded in its history, and the owner is told. `actor` None is the
    system; a user must be allowed to change the lead."""
    if actor is not None:
        access.require_edit(actor, lead)
    with transaction.atomic():
        assignment = assignee_choose(facts=LeadFacts.of(lead))
        lead = records.record_update(
            lead,
            actor=actor,
            values={"owner": assignment.owner, "team": assignment.team or lead.team},
            expected_version=None,
        )
        assignment_announce(lead=lead, assignment=assignment, event="lead_assigned")
    return assignment


# --- Admin: rules, settings, members' shares ------------------------------------------------


def _clean_rule(values: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in values.items() if k in RULE_FIELDS}
    if "name" in values:
        values["name"] = named_types.clean_name(values["name"], max_length=120)
    if "countries" in values:
        codes = (values["countries"] or "").replace(",", " ").upper().split()
        known = {code for code, _label in Opportunity._meta.get_field("country").choices or ()}
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValidationError(
                {"countries": _("Unknown country codes: %(codes)s") % {"codes": " ".join(unknown)}}
            )
        values["countries"] = " ".join(dict.fromkeys(codes))
    return values


def rule_create(*, actor: User, values: dict[str, Any]) -> AssignmentRule:
    require_admin(actor)
    values = _clean_rule(values)
    with transaction.atomic():
        return AssignmentRule.objects.create(
            **values, position=named_types.next_position(AssignmentRule)
        )


def rule_update(*, actor: User, rule: AssignmentRule, values: dict[str, Any]) -> AssignmentRule:
    require_admin(actor)
    values = _clean_rule(values)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save(update_fields=list(values))
    return rule


def rule_move(*, actor: User, rule: AssignmentRule, offset: int) -> None:
    require_admin(actor)
    named_types.move(AssignmentRule, rule, offset)


def rule_delete(*, actor: User, rule: AssignmentRule) -> None:
    require_admin(actor)
    rule.delete()


def settings_update(*, actor: User, values: dict[str, Any]) -> AssignmentSettings:
    require_admin(actor)
    found = assignment_settings()
    hours = values.get("first_contact_hours", found.first_contact_hours)
    if not 1 <= hours <= 720:
        raise ValidationError({"first_contact_hours": _("Enter from 1 to 720 hours.")})
    owner = values.get("default_owner")
    if owner is not None and not owner.is_active:
        raise ValidationError({"default_owner": _("A deactivated user cannot be assigned work.")})
    for name in ("default_team", "default_owner", "first_contact_hours"):
        if name in values:
            setattr(found, name, values[name])
    found.save(update_fields=["default_team", "default_owner", "first_contact_hours"])
    return found


def member_settings_update(
    *, actor: User, team: Team, shares: dict[int, tuple[int, int | None]]
) -> None:
    """Each member's share (0 to 10) and cap of open leads: {user id: (weight, cap)}."""
    require_admin(actor)
    members = set(team.members.values_list("pk", flat=True))
    with transaction.atomic():
        for user_id, (weight, cap) in shares.items():
            if user_id not in members:
                continue
            if not 0 <= weight <= 10:
                raise ValidationError(_("A share is from 0 to 10."))
            TeamMemberSetting.objects.update_or_create(
                team=team, user_id=user_id, defaults={"weight": weight, "max_open_leads": cap}
            )
