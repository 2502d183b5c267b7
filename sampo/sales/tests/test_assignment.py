from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sampo.accounts.models import Team
from sampo.activities.models import Activity
from sampo.notifications.models import Notification
from sampo.sales import services as sales
from sampo.sales.assignment import services as assignment
from sampo.sales.assignment.models import TeamMemberSetting
from sampo.sales.models import LeadSource, Opportunity
from sampo.sales.tests.capture_fixtures import *  # noqa: F403


def _choose(**facts: Any) -> assignment.Assignment:
    with transaction.atomic():
        return assignment.assignee_choose(facts=assignment.LeadFacts(**facts))


def _names(count: int, **facts: Any) -> list[str]:
    return [_choose(**facts).owner.name for _ in range(count)]


def _members(team: Team) -> dict[str, Any]:
    return {user.name.split()[0]: user for user in team.members.all()}


def test_it_takes_the_first_matching_rule_in_order(admin, cloud, cloud_team, sales_team):
    web = LeadSource.objects.get(code="web-form")
    assignment.rule_create(
        actor=admin,
        values={"name": "Finnish web", "countries": "fi", "source": web, "team": sales_team},
    )
    assignment.rule_create(
        actor=admin, values={"name": "Cloud", "product_interest": cloud, "team": cloud_team}
    )

    both: Any = _choose(country="FI", source_id=web.pk, product_interest_id=cloud.pk)
    cloud_only: Any = _choose(country="HU", source_id=web.pk, product_interest_id=cloud.pk)

    assert (both.rule.name, both.team) == ("Finnish web", sales_team)
    assert (cloud_only.rule.name, cloud_only.team) == ("Cloud", cloud_team)

    # Reordered, the cloud rule wins for the lead both match.
    assignment.rule_move(actor=admin, rule=cloud_only.rule, offset=-1)
    assert _choose(country="FI", source_id=web.pk, product_interest_id=cloud.pk).team == cloud_team


def test_all_conditions_of_a_rule_must_hold_and_empty_ones_match_anything(
    admin, cloud, on_premise, cloud_team
):
    rule = assignment.rule_create(
        actor=admin,
        values={
            "name": "Nordic cloud",
            "countries": "FI, SE",
            "product_interest": cloud,
            "team": cloud_team,
        },
    )
    assert rule.countries == "FI SE"

    assert assignment.rule_matches(
        rule, assignment.LeadFacts(country="SE", product_interest_id=cloud.pk)
    )
    assert not assignment.rule_matches(
        rule, assignment.LeadFacts(country="HU", product_interest_id=cloud.pk)
    )
    assert not assignment.rule_matches(
        rule, assignment.LeadFacts(country="FI", product_interest_id=on_premise.pk)
    )


def test_an_inactive_rule_is_skipped_and_the_default_team_takes_the_lead(
    admin, demo_rule, sales_team
):
    assignment.rule_update(actor=admin, rule=demo_rule, values={"is_active": False})
    assignment.settings_update(actor=admin, values={"default_team": sales_team})

    chosen = _choose(product_interest_id=demo_rule.product_interest_id)

    assert (chosen.rule, chosen.team) == (None, sales_team)


def test_without_a_rule_or_default_team_the_default_owner_takes_it(admin, seller):
    assert _choose(country="FI").owner == admin  # nothing configured: the first admin

    assignment.settings_update(actor=admin, values={"default_owner": seller})

    assert _choose(country="FI").owner == seller


def test_round_robin_goes_through_the_members_in_turn(demo_rule, cloud):
    assert _names(7, product_interest_id=cloud.pk) == [
        "Aino Aalto",
        "Béla Balogh",
        "Cecilia Carlsson",
        "Aino Aalto",
        "Béla Balogh",
        "Cecilia Carlsson",
        "Aino Aalto",
    ]


def test_round_robin_skips_deactivated_members_and_members_with_no_share(
    admin, demo_rule, cloud, cloud_team
):
    members = _members(cloud_team)
    members["Béla"].is_active = False
    members["Béla"].save(update_fields=["is_active"])
    assignment.member_settings_update(
        actor=admin, team=cloud_team, shares={members["Cecilia"].pk: (0, None)}
    )

    assert set(_names(4, product_interest_id=cloud.pk)) == {"Aino Aalto"}


def test_weights_give_a_member_more_turns_spread_out(admin, demo_rule, cloud, cloud_team):
    members = _members(cloud_team)
    assignment.member_settings_update(
        actor=admin, team=cloud_team, shares={members["Aino"].pk: (2, None)}
    )

    names = _names(8, product_interest_id=cloud.pk)

    assert Counter(names) == {"Aino Aalto": 4, "Béla Balogh": 2, "Cecilia Carlsson": 2}
    assert names[:4] == ["Aino Aalto", "Béla Balogh", "Cecilia Carlsson", "Aino Aalto"]


def test_a_member_at_their_cap_is_skipped_and_everyone_capped_goes_to_the_leader(
    admin, demo_rule, cloud, cloud_team, leads_pipeline, manager
):
    members = _members(cloud_team)
    assignment.member_settings_update(
        actor=admin,
        team=cloud_team,
        shares={m.pk: (1, 1) for m in members.values()},
    )
    sales.opportunity_create(
        actor=None,
        values={"title": "Old lead", "pipeline": leads_pipeline, "owner": members["Aino"]},
    )

    first = _choose(product_interest_id=cloud.pk)
    assert first.owner == members["Béla"]
    sales.opportunity_create(
        actor=None, values={"title": "B", "pipeline": leads_pipeline, "owner": first.owner}
    )
    second = _choose(product_interest_id=cloud.pk)
    assert second.owner == members["Cecilia"]
    sales.opportunity_create(
        actor=None, values={"title": "C", "pipeline": leads_pipeline, "owner": second.owner}
    )

    everyone_capped = _choose(product_interest_id=cloud.pk)

    assert (everyone_capped.owner, everyone_capped.capped) == (manager, True)


def test_assign_lead_routes_a_lead_and_tells_the_new_owner(
    admin, demo_rule, cloud, cloud_team, leads_pipeline
):
    lead = sales.opportunity_create(
        actor=admin,
        values={"title": "Imported lead", "pipeline": leads_pipeline, "product_interest": cloud},
    )

    chosen = assignment.assign_lead(lead=lead)

    lead.refresh_from_db()
    assert (lead.owner.name, lead.team) == ("Aino Aalto", cloud_team)
    assert chosen.rule == demo_rule
    note = Notification.objects.get(recipient=lead.owner)
    assert note.text == "A new lead for you: Imported lead"
    assert note.url == lead.get_absolute_url()
    activity = Activity.objects.get(assignee=lead.owner)
    assert activity.subject == "First contact: Imported lead"
    assert activity.status == Activity.Status.PLANNED
    assert activity.regarding_id == lead.pk


def test_the_first_contact_is_due_within_the_configured_hours(
    admin, demo_rule, cloud, leads_pipeline
):
    assignment.settings_update(actor=admin, values={"first_contact_hours": 24})
    lead = sales.opportunity_create(
        actor=admin,
        values={"title": "Tomorrow", "pipeline": leads_pipeline, "product_interest": cloud},
    )

    assignment.assign_lead(lead=lead)

    activity = Activity.objects.get(subject="First contact: Tomorrow")
    hours = (activity.when - lead.created_at).total_seconds() / 3600
    assert 23.9 < hours <= 24.0


def test_only_admins_change_rules_and_settings(seller, cloud_team):
    with pytest.raises(PermissionDenied):
        assignment.rule_create(actor=seller, values={"name": "Mine", "team": cloud_team})
    with pytest.raises(PermissionDenied):
        assignment.settings_update(actor=seller, values={"first_contact_hours": 1})


def test_unknown_country_codes_and_hours_out_of_range_are_refused(admin, cloud_team):
    with pytest.raises(ValidationError):
        assignment.rule_create(
            actor=admin, values={"name": "X", "countries": "FI XX", "team": cloud_team}
        )
    with pytest.raises(ValidationError):
        assignment.settings_update(actor=admin, values={"first_contact_hours": 0})
    assert not TeamMemberSetting.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_picks_never_give_two_leads_to_the_same_turn(
    admin, demo_rule, cloud, cloud_team, leads_pipeline
):
    """Six submissions at once on six threads (each its own connection): each takes its own
    turn, so the three members get two leads each. On SQLite the write lock serializes them;
    on PostgreSQL the rotation row's UPDATE does."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def submit(n: int) -> str:
        try:
            with transaction.atomic():
                chosen = assignment.assignee_choose(
                    facts=assignment.LeadFacts(product_interest_id=cloud.pk)
                )
                sales.opportunity_create(
                    actor=None,
                    values={
                        "title": f"Lead {n}",
                        "pipeline": leads_pipeline,
                        "owner": chosen.owner,
                    },
                )
            return chosen.owner.name
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        names = list(pool.map(submit, range(6)))

    assert Counter(names) == {"Aino Aalto": 2, "Béla Balogh": 2, "Cecilia Carlsson": 2}
    assert Opportunity.objects.filter(kind=Opportunity.Kind.LEAD).count() == 6
