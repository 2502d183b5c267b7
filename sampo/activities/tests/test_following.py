from __future__ import annotations

import datetime

from django.utils import timezone

from sampo.activities import following, services
from sampo.notifications.models import Notification


def _texts(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def test_a_colleague_mentioned_in_the_notes_is_told_in_their_language(
    seller, teammate, manager, call_type, organization
):
    teammate.language = "fi"
    teammate.save(update_fields=["language"])

    services.activity_log(
        actor=seller,
        type=call_type,
        subject="Budget call",
        body="@teammate please send the offer; @Maija knows the price. Mail info@virtanen.fi",
        organization=organization,
    )

    assert _texts(teammate) == ["Mikko Myyjä mainitsi sinut: Budget call"]
    assert _texts(manager) == ["Mikko Myyjä mentioned you: Budget call"]
    assert _texts(seller) == [], "nobody is told of their own mention"


def test_an_email_address_or_an_ambiguous_first_name_is_not_a_mention(seller, teammate):
    assert following.mentioned_users("write to teammate@sampo.test") == []
    assert following.mentioned_users("@Nobody here") == []
    assert following.mentioned_users("@laura") == [teammate]


def test_followers_of_the_organization_or_of_its_person_hear_of_new_activities(
    client, seller, teammate, manager, call_type, organization, contact
):
    client.force_login(teammate)
    client.post(f"/activities/follow/?organization={organization.pk}", {"following": "1"})
    client.force_login(manager)
    client.post(f"/activities/follow/?person={contact.pk}", {"following": "1"})

    services.activity_log(
        actor=seller, type=call_type, subject="Visit", organization=organization, people=[contact]
    )

    assert _texts(teammate) == ["Mikko Myyjä on a record you follow: Visit"]
    assert _texts(manager) == ["Mikko Myyjä on a record you follow: Visit"]
    client.post(f"/activities/follow/?person={contact.pk}", {"following": "0"})
    assert not following.is_following(manager, contact)


def test_each_colleague_is_told_once_and_the_assignee_of_a_planned_call_too(
    seller, teammate, call_type, organization
):
    following.follow_set(user=teammate, record=organization, following=True)

    services.activity_schedule(
        actor=seller,
        type=call_type,
        subject="Call back",
        body="@teammate this one is yours",
        day=timezone.localdate() + datetime.timedelta(days=1),
        assignee=teammate,
        organization=organization,
    )

    assert _texts(teammate) == ["Mikko Myyjä mentioned you: Call back"]


def test_the_organization_page_offers_follow_and_shows_following(client, seller, organization):
    client.force_login(seller)
    assert 'aria-pressed="false"' in client.get(organization.get_absolute_url()).content.decode()

    client.post(f"/activities/follow/?organization={organization.pk}", {"following": "1"})

    assert 'aria-pressed="true"' in client.get(organization.get_absolute_url()).content.decode()
