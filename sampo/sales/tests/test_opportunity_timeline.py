"""An opportunity's page shows one timeline; register timelines say what an activity is
regarding only to those who may see it."""

from __future__ import annotations

from django.utils import timezone

from sampo.activities.services import activity_log


def test_a_timeline_names_the_opportunity_only_to_users_who_may_see_it(
    client, seller, outsider, call_type, organization, make_opportunity
):
    opportunity = make_opportunity(seller, "Salainen kauppa", organization=organization)
    activity_log(
        actor=seller,
        type=call_type,
        subject="Talked about the offer",
        when=timezone.now(),
        organization=organization,
        regarding=opportunity,
    )

    client.force_login(seller)
    own = client.get(f"/organizations/{organization.pk}/").content.decode()
    client.force_login(outsider)
    other = client.get(f"/organizations/{organization.pk}/").content.decode()

    assert "Talked about the offer" in own
    assert f'href="{opportunity.get_absolute_url()}">Salainen kauppa' in own
    assert "Talked about the offer" in other
    assert "Salainen kauppa" not in other


def test_the_opportunity_page_shows_activities_and_changes_in_one_timeline(
    client, seller, call_type, stages, organization, make_opportunity
):
    opportunity = make_opportunity(seller, "Kevään toimitus", organization=organization)
    activity_log(
        actor=seller,
        type=call_type,
        subject="Sent the offer",
        when=timezone.now(),
        organization=organization,
        regarding=opportunity,
    )
    client.force_login(seller)

    page = client.get(opportunity.get_absolute_url()).content.decode()

    timeline = page[page.index('id="timeline"') :]
    assert "Sent the offer" in timeline
    assert "history-entry" in timeline
    assert 'class="history"' not in page


def test_the_opportunity_timeline_pages_and_filters_behind_its_access_rule(
    client, seller, outsider, organization, make_opportunity
):
    opportunity = make_opportunity(seller, "Kevään toimitus", organization=organization)
    query = {"regarding": f"sales.opportunity:{opportunity.pk}", "type": "_changes"}

    client.force_login(seller)
    own = client.get("/activities/timeline/", query, headers={"HX-Request": "true"})
    client.force_login(outsider)
    other = client.get("/activities/timeline/", query, headers={"HX-Request": "true"})

    assert own.status_code == 200
    assert "history-entry" in own.content.decode()
    assert other.status_code == 404
