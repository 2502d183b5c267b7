from __future__ import annotations

from sampo.activities import services


def test_the_organization_page_shows_its_activities_newest_first(
    client, seller, call_type, organization, contact
):
    services.activity_log(
        actor=seller,
        type=call_type,
        subject="Discussed the spring order",
        organization=organization,
    )
    services.activity_log(
        actor=seller, type=call_type, subject="Called back about delivery", people=[contact]
    )
    client.force_login(seller)

    page = client.get(f"/organizations/{organization.pk}/").content.decode()

    assert "Discussed the spring order" in page
    assert "Called back about delivery" in page
    assert page.index("Called back about delivery") < page.index("Discussed the spring order")
    assert f"/activities/new/?organization={organization.pk}" in page


def test_the_person_page_shows_only_that_persons_activities(
    client, seller, call_type, organization, contact
):
    services.activity_log(
        actor=seller, type=call_type, subject="Company call", organization=organization
    )
    services.activity_log(actor=seller, type=call_type, subject="Maija's call", people=[contact])
    client.force_login(seller)

    page = client.get(f"/people/{contact.pk}/").content.decode()

    assert "Maija&#x27;s call" in page
    assert "Company call" not in page


def test_a_viewer_sees_the_timeline_without_the_log_buttons(
    client, seller, viewer, call_type, organization
):
    services.activity_log(
        actor=seller, type=call_type, subject="Visible call", organization=organization
    )
    client.force_login(viewer)

    response = client.get(f"/organizations/{organization.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Visible call" in page
    assert "/activities/new/" not in page
