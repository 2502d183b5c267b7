from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampo.activities.services import activity_schedule
from sampo.contacts.models import Tag
from sampo.core.models import HistoryEntry
from sampo.lists import bulk
from sampo.lists.bulk import Selection
from sampo.lists.models import SavedView
from sampo.lists.toolbar import view_url
from sampo.sales import access, services
from sampo.sales.lists import OPPORTUNITIES
from sampo.sales.models import Opportunity, StageChange


def _run(actor, code: str, rows, **params):
    # Ticked on the list showing every status.
    selection = Selection(query="status=", ids=tuple(o.pk for o in rows))
    return bulk.bulk_apply(
        actor=actor, spec=OPPORTUNITIES, code=code, selection=selection, params=params
    )


def test_it_moves_open_opportunities_of_the_pipeline_and_records_each_move(
    seller, admin, make_opportunity, stages
):
    following = make_opportunity(seller, "Follows the stage")
    by_hand = make_opportunity(seller, "Set by hand")
    services.opportunity_update(
        actor=seller, opportunity=by_hand, values={"probability": 70}, expected_version=None
    )
    won = services.opportunity_mark_won(actor=seller, opportunity=make_opportunity(seller, "Won"))
    other_pipeline = services.pipeline_create(actor=admin, name="Projects")
    elsewhere = make_opportunity(seller, "Elsewhere", pipeline=other_pipeline)

    result = _run(seller, "move_stage", [following, by_hand, won, elsewhere], stage=stages[2].pk)

    assert (result.changed, result.unchanged, result.refused) == (2, 2, 0)
    following.refresh_from_db()
    by_hand.refresh_from_db()
    assert (following.stage, following.probability) == (stages[2], stages[2].probability)
    assert (by_hand.stage, by_hand.probability) == (stages[2], 70)
    assert Opportunity.objects.get(pk=won.pk).stage == stages[0]
    assert Opportunity.objects.get(pk=elsewhere.pk).pipeline == other_pipeline
    move = StageChange.objects.filter(opportunity=following).order_by("id").reverse()[0]
    assert (move.from_stage, move.to_stage, move.changed_by) == (stages[0], stages[2], seller)
    entry = HistoryEntry.objects.get(object_id=str(following.pk), action="changed")
    assert {c["field"] for c in entry.changes} == {"stage", "probability"}
    assert entry.changes[0]["new_label"] == str(stages[2])


def test_a_pipeline_requiring_a_next_step_keeps_those_without_one(
    seller, make_opportunity, pipeline, stages, call_type
):
    pipeline.requires_next_step = True
    pipeline.save(update_fields=["requires_next_step"])
    planned, unplanned = make_opportunity(seller, "Planned"), make_opportunity(seller, "Not")
    activity_schedule(
        actor=seller, type=call_type, subject="Call", day=timezone.localdate(), regarding=planned
    )

    result = _run(seller, "move_stage", [planned, unplanned], stage=stages[1].pk)

    assert (result.changed, result.unchanged) == (1, 1)
    assert Opportunity.objects.get(pk=planned.pk).stage == stages[1]
    assert Opportunity.objects.get(pk=unplanned.pk).stage == stages[0]


def test_it_marks_lost_with_a_reason_and_the_note(client, seller, make_opportunity, price):
    deals = [make_opportunity(seller, f"Deal {n}") for n in range(3)]
    client.force_login(seller)

    missing = client.post(
        "/lists/opportunities/bulk/",
        {"action": "mark_lost", "confirmed": "1", "ids": [d.pk for d in deals]},
    )
    assert missing.status_code == 400
    assert missing.context["form"].errors["reason"]
    assert not Opportunity.objects.filter(status="lost").exists()

    client.post(
        "/lists/opportunities/bulk/",
        {
            "action": "mark_lost",
            "confirmed": "1",
            "ids": [d.pk for d in deals],
            "reason": price.pk,
            "note": " Budget frozen ",
        },
    )

    lost = Opportunity.objects.get(pk=deals[0].pk)
    assert (lost.status, lost.lost_reason, lost.lost_note, lost.closed_on) == (
        "lost",
        price,
        "Budget frozen",
        timezone.localdate(),
    )
    changed = {c["field"] for c in HistoryEntry.objects.filter(object_id=str(lost.pk))[0].changes}
    assert {"status", "lost_reason", "lost_note", "closed_on"} <= changed


def test_it_tags_reassigns_and_trashes_opportunities(
    seller, teammate, manager, make_opportunity, sales_team
):
    deals = [make_opportunity(seller, f"Deal {n}") for n in range(2)]
    hot = Tag.objects.create(name="Hot")

    _run(seller, "add_tags", deals, tags=[hot.pk])
    _run(manager, "reassign", deals, owner=teammate.pk)
    result = _run(seller, "trash", deals)  # no longer seller's: skipped

    assert set(Opportunity.objects.filter(tags=hot)) == set(deals)
    assert set(Opportunity.objects.values_list("owner", flat=True)) == {teammate.pk}
    assert (result.changed, result.refused) == (0, 2)
    _run(teammate, "trash", deals)
    assert not Opportunity.objects.exists()


def test_an_outsider_cannot_reach_opportunities_they_do_not_see(
    client, seller, outsider, make_opportunity, price
):
    deal = make_opportunity(seller)
    client.force_login(outsider)

    response = client.post(
        "/lists/opportunities/bulk/",
        {"action": "mark_lost", "confirmed": "1", "ids": [deal.pk], "reason": price.pk},
    )
    export = client.post("/lists/opportunities/bulk/", {"action": "export_csv", "ids": [deal.pk]})

    assert response.status_code == 302
    assert Opportunity.objects.get(pk=deal.pk).status == "open"
    assert deal.title not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_everything_matching_follows_the_list_filters(seller, make_opportunity, stages):
    for n in range(4):
        make_opportunity(seller, f"Spring {n}")
    make_opportunity(seller, "Autumn")
    won = services.opportunity_mark_won(
        actor=seller, opportunity=make_opportunity(seller, "Spring won")
    )

    result = bulk.bulk_apply(
        actor=seller,
        spec=OPPORTUNITIES,
        code="move_stage",
        selection=Selection(query="q=spring", everything=True),
        params={"stage": stages[1].pk},
    )

    # The list shows open opportunities unless asked otherwise: the won one is not selected.
    assert result.changed == 4
    assert Opportunity.objects.filter(stage=stages[1]).count() == 4
    assert Opportunity.objects.get(pk=won.pk).stage == stages[0]


@pytest.mark.parametrize(
    ("code", "params"),
    [("move_stage", "stage"), ("mark_lost", "reason"), ("add_tags", "tags"), ("reassign", "owner")],
)
def test_the_queries_do_not_grow_with_the_selection(
    seller, teammate, make_opportunity, stages, price, code, params
):
    values = {
        "stage": stages[1].pk,
        "reason": price.pk,
        "tags": [Tag.objects.create(name="Hot").pk],
        "owner": teammate.pk,
    }
    one = [make_opportunity(seller, "One")]
    many = [make_opportunity(seller, f"Many {n}") for n in range(30)]
    warm = [make_opportunity(seller, "Warm-up")]
    _run(seller, code, warm, **{params: values[params]})  # per-process caches (content types)

    counts = []
    for rows in (one, many):
        with CaptureQueriesContext(connection) as captured:
            _run(seller, code, rows, **{params: values[params]})
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_the_editable_condition_agrees_with_can_edit(
    admin, manager, seller, teammate, outsider, viewer, sales_team, make_opportunity
):
    for owner in (admin, manager, seller, teammate, outsider):
        make_opportunity(owner, f"Of {owner.name}")
    Opportunity.objects.filter(owner=outsider).update(team=sales_team)
    for user in (admin, manager, seller, outsider, viewer):
        expected = {o.pk for o in Opportunity.objects.all() if access.can_edit(user, o)}
        editable = Opportunity.objects.filter(access.editable(user))
        assert set(editable.values_list("pk", flat=True)) == expected, user


def test_a_view_of_any_status_keeps_its_empty_status(client, seller):
    client.force_login(seller)
    client.post(
        "/lists/opportunities/views/new/",
        {"name": "All outcomes", "sharing": "personal", "query": "status=&sort=-value"},
    )

    opened = client.get(view_url(SavedView.objects.get()))

    assert opened.context["filters"].status == ""


def test_the_list_has_the_views_menu_the_toolbar_and_a_checkbox_per_row(
    client, seller, make_opportunity
):
    deal = make_opportunity(seller)
    client.force_login(seller)

    page = client.get("/sales/opportunities/").content.decode()

    assert f'name="ids" value="{deal.pk}" form="bulk-form"' in page
    assert 'value="move_stage"' in page
    assert 'data-testid="views-menu"' in page
