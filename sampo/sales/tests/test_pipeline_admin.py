from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sampo.sales import services
from sampo.sales.models import LeadSource, LostReason, Opportunity, Pipeline, StageChange


def test_a_new_pipeline_gets_the_default_stages_in_order(admin, sales_team):
    pipeline = services.pipeline_create(
        actor=admin, name=" Projektit ", team=sales_team, requires_next_step=True
    )

    assert pipeline.name == "Projektit"
    assert [(s.name, s.probability) for s in pipeline.stages.order_by("position")] == [
        ("Qualification", 10),
        ("Needs analysis", 25),
        ("Proposal", 50),
        ("Negotiation", 75),
    ]


def test_seeded_stages_read_in_the_readers_language_until_renamed(admin, stages):
    with translation.override("fi"):
        assert str(stages[2]) == "Tarjous"

    services.stage_update(actor=admin, stage=stages[2], name="Offer sent", probability=50)

    with translation.override("fi"):
        assert str(stages[2]) == "Offer sent"


def test_only_admins_change_pipelines(manager, pipeline, stages):
    with pytest.raises(PermissionDenied):
        services.pipeline_create(actor=manager, name="Mine")
    with pytest.raises(PermissionDenied):
        services.stage_update(actor=manager, stage=stages[0], name="x", probability=5)


def test_a_new_default_probability_reaches_the_open_opportunities_not_set_by_hand(
    admin, seller, make_opportunity, stages
):
    following = make_opportunity(seller)
    by_hand = make_opportunity(seller, probability=80)

    services.stage_update(actor=admin, stage=stages[0], name="Qualification", probability=15)

    assert Opportunity.objects.get(pk=following.pk).probability == 15
    assert Opportunity.objects.get(pk=by_hand.pk).probability == 80


def test_a_probability_over_100_is_refused(admin, stages):
    with pytest.raises(ValidationError):
        services.stage_update(actor=admin, stage=stages[0], name="x", probability=101)


def test_stages_are_reordered(admin, pipeline, stages):
    services.stage_move(actor=admin, stage=stages[3], offset=-1)

    names = list(pipeline.stages.order_by("position").values_list("name", flat=True))
    assert names == ["Qualification", "Needs analysis", "Negotiation", "Proposal"]


def test_an_empty_stage_is_deleted(admin, pipeline, stages):
    services.stage_delete(actor=admin, stage=stages[1])

    assert pipeline.stages.count() == 3


def test_a_stage_with_opportunities_goes_only_by_moving_them(
    admin, seller, make_opportunity, stages
):
    opportunity = make_opportunity(seller)
    services.opportunity_trash(actor=seller, opportunity=make_opportunity(seller, "In the trash"))

    with pytest.raises(ValidationError):
        services.stage_delete(actor=admin, stage=stages[0])
    assert Opportunity.objects.get(pk=opportunity.pk).stage == stages[0]

    services.stage_delete(actor=admin, stage=stages[0], move_to=stages[1])

    moved = Opportunity.objects.get(pk=opportunity.pk)
    assert (moved.stage, moved.probability) == (stages[1], stages[1].probability)
    assert Opportunity.all_objects.filter(stage=stages[1]).count() == 2
    last = StageChange.objects.filter(opportunity=moved).latest("id")
    assert (last.from_label, last.to_stage) == ("Qualification", stages[1])


def test_the_last_stage_cannot_be_deleted(admin):
    pipeline = services.pipeline_create(actor=admin, name="One", stages=[("Only", 10)])

    with pytest.raises(ValidationError):
        services.stage_delete(actor=admin, stage=pipeline.stages.get())


def test_a_pipeline_with_opportunities_cannot_be_deleted(admin, seller, pipeline, make_opportunity):
    make_opportunity(seller)

    with pytest.raises(ValidationError):
        services.pipeline_delete(actor=admin, pipeline=pipeline)

    empty = services.pipeline_create(actor=admin, name="Empty")
    services.pipeline_delete(actor=admin, pipeline=empty)
    assert not Pipeline.objects.filter(pk=empty.pk).exists()


def test_lead_sources_and_lost_reasons_are_admin_lists(admin, seller, make_opportunity):
    fair = services.choice_create(actor=admin, model=LeadSource, name="Trade fair")
    services.choice_move(actor=admin, choice=fair, offset=-10)
    assert LeadSource.objects.order_by("position").first() == fair

    make_opportunity(seller, source=fair)
    with pytest.raises(ValidationError):
        services.choice_delete(actor=admin, choice=fair)

    unused = services.choice_create(actor=admin, model=LostReason, name="Went bankrupt")
    services.choice_delete(actor=admin, choice=unused)
    assert not LostReason.objects.filter(pk=unused.pk).exists()

    with pytest.raises(PermissionDenied):
        services.choice_create(actor=seller, model=LostReason, name="x")


def test_the_admin_pages_add_a_stage_and_a_lost_reason(client, admin, pipeline):
    client.force_login(admin)

    client.post(
        f"/sales/admin/pipelines/{pipeline.pk}/stages/", {"name": "Won?", "probability": 90}
    )
    client.post("/sales/admin/lost-reasons/", {"name": "Went bankrupt"})

    assert pipeline.stages.order_by("position").last().name == "Won?"
    assert LostReason.objects.filter(name="Went bankrupt").exists()
    page = client.get(f"/sales/admin/pipelines/{pipeline.pk}/").content.decode()
    assert "Won?" in page
    assert "changed the stages" in page  # the pipeline's history


def test_the_admin_pages_are_for_admins_only(client, manager, pipeline):
    client.force_login(manager)

    assert client.get("/sales/admin/pipelines/").status_code == 403
    assert client.get("/sales/admin/lead-sources/").status_code == 403


def test_pipelines_are_reordered_and_the_first_of_a_users_teams_is_their_default(
    admin, seller, pipeline, sales_team
):
    projects = services.pipeline_create(actor=admin, name="Projects", team=sales_team)
    services.pipeline_create(actor=admin, name="Renewals")
    assert services.default_pipeline_for(seller) == pipeline

    services.pipeline_move(actor=admin, pipeline=projects, offset=-1)

    assert [p.name for p in Pipeline.objects.order_by("position")] == [
        "Projects",
        "Sales",
        "Renewals",
    ]
    assert services.default_pipeline_for(seller) == projects


def test_only_admins_reorder_pipelines(manager, pipeline):
    with pytest.raises(PermissionDenied):
        services.pipeline_move(actor=manager, pipeline=pipeline, offset=1)


def test_the_pipeline_admin_page_moves_a_pipeline_and_the_board_switcher_follows(
    client, admin, pipeline
):
    renewals = services.pipeline_create(actor=admin, name="Renewals")
    client.force_login(admin)

    response = client.post(f"/sales/admin/pipelines/{renewals.pk}/up/")

    assert response.status_code == 302
    board = client.get(f"/sales/pipelines/{pipeline.pk}/").content.decode()
    assert board.index("Renewals") < board.index(f'/sales/pipelines/{pipeline.pk}/"')
    page = client.get("/sales/admin/pipelines/").content.decode()
    assert f"/sales/admin/pipelines/{pipeline.pk}/up/" in page
    assert f"/sales/admin/pipelines/{renewals.pk}/up/" not in page


def test_a_manager_cannot_move_a_pipeline_on_the_admin_page(client, manager, pipeline):
    client.force_login(manager)
    before = pipeline.position

    assert client.post(f"/sales/admin/pipelines/{pipeline.pk}/down/").status_code == 403
    assert Pipeline.objects.get(pk=pipeline.pk).position == before
