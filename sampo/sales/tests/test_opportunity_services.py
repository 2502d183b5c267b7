from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sampo.activities.models import Activity
from sampo.activities.services import activity_log, activity_schedule
from sampo.contacts.models import Organization, Person
from sampo.contacts.services import DuplicateError
from sampo.core.models import HistoryEntry
from sampo.core.records import StaleEditError
from sampo.core.selectors import history_for
from sampo.sales import services
from sampo.sales.models import Opportunity, StageChange


def _history(opportunity: Opportunity) -> list[HistoryEntry]:
    return list(reversed(history_for(opportunity)))


def test_it_quick_creates_with_only_a_title_in_the_teams_first_pipeline_and_stage(
    seller, pipeline, stages
):
    opportunity = services.opportunity_create(actor=seller, values={"title": "  Met at the fair "})

    assert opportunity.title == "Met at the fair"
    assert (opportunity.pipeline, opportunity.stage) == (pipeline, stages[0])
    assert (opportunity.kind, opportunity.status) == ("opportunity", "open")
    assert opportunity.probability == stages[0].probability
    assert not opportunity.probability_overridden
    assert (opportunity.owner, opportunity.team, opportunity.currency) == (
        seller,
        pipeline.team,
        "EUR",
    )
    assert list(StageChange.objects.values_list("from_stage", "to_stage")) == [(None, stages[0].pk)]
    assert _history(opportunity)[0].action == "created"


def test_it_refuses_an_empty_title_and_saves_nothing(seller, pipeline):
    with pytest.raises(ValidationError):
        services.opportunity_create(actor=seller, values={"title": "   "})

    assert not Opportunity.all_objects.exists()


def test_a_pipeline_that_starts_with_leads_makes_a_lead_without_a_stage(seller, pipeline):
    pipeline.uses_leads = True
    pipeline.save(update_fields=["uses_leads"])

    lead = services.opportunity_create(
        actor=seller, values={"title": "Web: Kiss Péter", "contact_name": "Kiss Péter"}
    )

    assert (lead.kind, lead.stage, lead.probability) == ("lead", None, 0)
    assert not StageChange.objects.exists()


def test_moving_records_the_stage_change_and_takes_the_stages_probability(
    seller, make_opportunity, stages
):
    opportunity = make_opportunity(seller)

    moved = services.opportunity_move_stage(
        actor=seller, opportunity=opportunity, stage=stages[2], expected_version=1
    )

    assert (moved.stage, moved.probability, moved.version) == (stages[2], 50, 2)
    change = StageChange.objects.filter(opportunity=moved).latest("id")
    assert (change.from_stage, change.to_stage, change.changed_by) == (stages[0], stages[2], seller)
    assert _history(moved)[-1].changes[0]["field"] in {"stage", "probability"}


def test_a_probability_set_by_hand_survives_a_move(seller, make_opportunity, stages):
    opportunity = make_opportunity(seller)
    opportunity = services.opportunity_update(
        actor=seller, opportunity=opportunity, values={"probability": 90}, expected_version=1
    )

    moved = services.opportunity_move_stage(actor=seller, opportunity=opportunity, stage=stages[1])

    assert (moved.probability, moved.probability_overridden) == (90, True)


def test_clearing_the_probability_goes_back_to_the_stage_default(seller, make_opportunity, stages):
    opportunity = make_opportunity(seller, probability=90)

    cleared = services.opportunity_update(
        actor=seller, opportunity=opportunity, values={"probability": None}, expected_version=None
    )

    assert (cleared.probability, cleared.probability_overridden) == (stages[0].probability, False)


def test_a_stale_move_is_refused_and_changes_nothing(seller, make_opportunity, stages):
    opportunity = make_opportunity(seller)
    services.opportunity_update(
        actor=seller, opportunity=opportunity, values={"title": "Renamed"}, expected_version=1
    )

    with pytest.raises(StaleEditError):
        services.opportunity_move_stage(
            actor=seller, opportunity=opportunity, stage=stages[1], expected_version=1
        )

    assert Opportunity.objects.get(pk=opportunity.pk).stage == stages[0]
    assert StageChange.objects.count() == 1


def test_a_stale_edit_is_refused(seller, make_opportunity):
    opportunity = make_opportunity(seller)
    services.opportunity_mark_won(actor=seller, opportunity=opportunity)

    with pytest.raises(StaleEditError):
        services.opportunity_update(
            actor=seller, opportunity=opportunity, values={"title": "x"}, expected_version=1
        )


def test_a_pipeline_requiring_a_next_step_refuses_a_move_without_a_planned_activity(
    seller, make_opportunity, pipeline, stages, call_type
):
    pipeline.requires_next_step = True
    pipeline.save(update_fields=["requires_next_step"])
    opportunity = make_opportunity(seller)

    with pytest.raises(services.NextStepRequiredError) as refused:
        services.opportunity_move_stage(actor=seller, opportunity=opportunity, stage=stages[1])
    assert "Plan the next step first" in refused.value.messages[0]
    assert Opportunity.objects.get(pk=opportunity.pk).stage == stages[0]

    activity_schedule(
        actor=seller,
        type=call_type,
        subject="Call the buyer",
        day=timezone.localdate(),
        regarding=opportunity,
    )
    moved = services.opportunity_move_stage(actor=seller, opportunity=opportunity, stage=stages[1])
    assert moved.stage == stages[1]


def test_a_done_activity_is_not_a_next_step(seller, make_opportunity, pipeline, stages, call_type):
    pipeline.requires_next_step = True
    pipeline.save(update_fields=["requires_next_step"])
    opportunity = make_opportunity(seller)

    activity_log(actor=seller, type=call_type, subject="Called", regarding=opportunity)

    with pytest.raises(services.NextStepRequiredError):
        services.opportunity_move_stage(actor=seller, opportunity=opportunity, stage=stages[1])


def test_a_stage_of_another_pipeline_is_refused(seller, admin, make_opportunity):
    other = services.pipeline_create(actor=admin, name="Projects")
    opportunity = make_opportunity(seller)

    with pytest.raises(ValidationError):
        services.opportunity_move_stage(
            actor=seller, opportunity=opportunity, stage=other.stages.order_by("position")[0]
        )


def test_marking_won_closes_it_today(seller, make_opportunity):
    won = services.opportunity_mark_won(actor=seller, opportunity=make_opportunity(seller))

    assert (won.status, won.closed_on) == ("won", timezone.localdate())
    with pytest.raises(ValidationError):
        services.opportunity_mark_won(actor=seller, opportunity=won)


def test_marking_lost_needs_a_reason_and_keeps_the_note(seller, make_opportunity, price):
    opportunity = make_opportunity(seller)

    with pytest.raises(ValidationError):
        services.opportunity_mark_lost(actor=seller, opportunity=opportunity, reason=None)
    assert Opportunity.objects.get(pk=opportunity.pk).status == "open"

    lost = services.opportunity_mark_lost(
        actor=seller, opportunity=opportunity, reason=price, note=" Competitor was 10 % cheaper "
    )
    assert (lost.status, lost.lost_reason, lost.lost_note) == (
        "lost",
        price,
        "Competitor was 10 % cheaper",
    )
    changed = {c["field"] for c in _history(lost)[-1].changes}
    assert {"status", "lost_reason", "lost_note", "closed_on"} <= changed


def test_moving_a_closed_opportunity_is_refused(seller, make_opportunity, stages):
    won = services.opportunity_mark_won(actor=seller, opportunity=make_opportunity(seller))

    with pytest.raises(ValidationError):
        services.opportunity_move_stage(actor=seller, opportunity=won, stage=stages[1])


def test_postponing_plans_a_follow_up_and_the_job_brings_it_back_on_that_day(
    seller, make_opportunity, organization
):
    opportunity = make_opportunity(seller, organization=organization)
    until = timezone.localdate() + datetime.timedelta(days=180)

    postponed = services.opportunity_postpone(
        actor=seller, opportunity=opportunity, until=until, note="Budget in spring"
    )

    assert (postponed.status, postponed.postponed_until) == ("postponed", until)
    follow_up = Activity.objects.get()
    assert (follow_up.status, follow_up.day, follow_up.regarding, follow_up.organization) == (
        "planned",
        until,
        postponed,
        organization,
    )
    assert follow_up.body == "Budget in spring"

    assert services.opportunities_reopen_postponed(today=until - datetime.timedelta(days=1)) == 0
    assert Opportunity.objects.get(pk=opportunity.pk).status == "postponed"
    assert services.opportunities_reopen_postponed(today=until) == 1
    back = Opportunity.objects.get(pk=opportunity.pk)
    assert (back.status, back.postponed_until) == ("open", None)
    assert _history(back)[-1].actor is None  # the system brought it back
    assert services.opportunities_reopen_postponed(today=until) == 0  # idempotent


def test_postponing_into_the_past_is_refused(seller, make_opportunity):
    with pytest.raises(ValidationError):
        services.opportunity_postpone(
            actor=seller, opportunity=make_opportunity(seller), until=timezone.localdate()
        )

    assert not Activity.objects.exists()


def test_reopening_clears_the_outcome_and_keeps_it_in_the_history(seller, make_opportunity, price):
    lost = services.opportunity_mark_lost(
        actor=seller, opportunity=make_opportunity(seller), reason=price
    )

    reopened = services.opportunity_reopen(actor=seller, opportunity=lost)

    assert (reopened.status, reopened.lost_reason, reopened.closed_on) == ("open", None, None)
    assert [entry.action for entry in _history(reopened)] == ["created", "changed", "changed"]


def test_qualifying_a_lead_creates_the_organization_and_person_and_keeps_the_history(
    seller, pipeline, stages
):
    pipeline.uses_leads = True
    pipeline.save(update_fields=["uses_leads"])
    lead = services.opportunity_create(
        actor=seller,
        values={"title": "Web lead", "contact_name": "Eszter Nagy", "company_name": "Nagy Kft."},
    )

    qualified = services.lead_qualify(
        actor=seller,
        lead=lead,
        new_organization={"name": "Nagy Kft.", "country": "HU"},
        new_person=services.lead_person_values(lead),
    )

    assert (qualified.pk, qualified.kind, qualified.stage) == (lead.pk, "opportunity", stages[0])
    assert qualified.organization is not None
    assert qualified.person is not None
    assert qualified.organization.name == "Nagy Kft."
    assert (qualified.person.first_name, qualified.person.last_name) == ("Eszter", "Nagy")
    assert qualified.person.memberships.get().organization == qualified.organization
    assert [e.action for e in _history(qualified)] == ["created", "changed"]
    assert StageChange.objects.filter(opportunity=qualified).count() == 1


def test_qualifying_offers_the_existing_organization_and_saves_nothing(
    seller, teammate, pipeline, organization
):
    pipeline.uses_leads = True
    pipeline.save(update_fields=["uses_leads"])
    lead = services.opportunity_create(actor=teammate, values={"title": "Lead"})

    with pytest.raises(DuplicateError) as duplicate:
        services.lead_qualify(
            actor=teammate,
            lead=lead,
            new_organization={"name": "Rakennus Virtanen Oy"},
            new_person={"last_name": "Lehtonen"},
        )

    assert [match.record for match in duplicate.value.matches] == [organization]
    assert Organization.objects.count() == 1
    assert not Person.objects.exists()
    assert Opportunity.objects.get(pk=lead.pk).kind == "lead"

    linked = services.lead_qualify(actor=teammate, lead=lead, organization=organization)
    assert linked.organization == organization


def test_a_teammate_sees_but_cannot_change_a_sellers_opportunity(
    seller, teammate, make_opportunity, price
):
    opportunity = make_opportunity(seller)

    for attempt in (
        lambda: services.opportunity_mark_won(actor=teammate, opportunity=opportunity),
        lambda: services.opportunity_mark_lost(
            actor=teammate, opportunity=opportunity, reason=price
        ),
        lambda: services.opportunity_update(
            actor=teammate, opportunity=opportunity, values={"title": "x"}, expected_version=None
        ),
    ):
        with pytest.raises(PermissionDenied):
            attempt()

    assert Opportunity.objects.get(pk=opportunity.pk).version == 1


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin", True),
        ("manager", True),
        ("seller", True),
        ("teammate", False),
        ("outsider", False),
        ("viewer", False),
    ],
)
def test_who_may_move_a_sellers_opportunity(
    request, persona, allowed, seller, make_opportunity, stages
):
    actor = request.getfixturevalue(persona)
    opportunity = make_opportunity(seller)

    if allowed:
        moved = services.opportunity_move_stage(
            actor=actor, opportunity=opportunity, stage=stages[1]
        )
        assert moved.stage == stages[1]
    else:
        with pytest.raises(PermissionDenied):
            services.opportunity_move_stage(actor=actor, opportunity=opportunity, stage=stages[1])
        assert Opportunity.objects.get(pk=opportunity.pk).stage == stages[0]


def test_read_only_users_cannot_create(viewer, pipeline):
    with pytest.raises(PermissionDenied):
        services.opportunity_create(actor=viewer, values={"title": "x"})


def test_money_is_kept_as_decimal_with_its_currency(seller, make_opportunity):
    opportunity = make_opportunity(
        seller, expected_revenue=Decimal("12500000"), currency="huf", probability=40
    )

    assert (opportunity.expected_revenue, opportunity.currency) == (Decimal("12500000"), "HUF")
    assert opportunity.weighted_revenue == Decimal("5000000.00")
    with pytest.raises(ValidationError):
        make_opportunity(seller, currency="euro")


def test_normalized_values_are_what_an_update_would_store(seller, make_opportunity):
    opportunity = make_opportunity(seller)

    normalized = services.opportunity_normalized_values(
        opportunity=opportunity,
        values={"title": "  Katto   Oy ", "email": " Info@Kallio.FI", "currency": "eur"},
    )

    assert (normalized["title"], normalized["email"], normalized["currency"]) == (
        "Katto Oy",
        "info@kallio.fi",
        "EUR",
    )
    assert "currency" not in services.opportunity_normalized_values(
        opportunity=opportunity, values={"title": "X"}
    )
    with pytest.raises(ValidationError):
        services.opportunity_normalized_values(opportunity=opportunity, values={"title": " "})
