"""Events are written in the transaction of the change (the outbox): with it, or not at all;
with no subscription a write costs nothing more than a cache read."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from sampo.accounts.models import Role, User
from sampo.activities import services as activities
from sampo.activities.models import ActivityType
from sampo.api.webhooks import services
from sampo.api.webhooks.models import Delivery, DueActivity, Event, Subscription
from sampo.contacts import services as contacts
from sampo.contacts.models import Organization
from sampo.core import record_events
from sampo.sales import services as sales
from sampo.sales.models import LostReason, Pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribe(admin: User) -> Any:
    def make(*event_types: str, url: str = "http://127.0.0.1:9/hook") -> Subscription:
        return services.subscription_create(
            actor=admin, name="ERP", url=url, event_types=list(event_types)
        )

    return make


def _create_organization(actor: User, name: str = "Rakennus Virtanen Oy") -> Organization:
    return contacts.organization_create(actor=actor, values={"name": name})


def test_it_adds_no_query_to_a_write_when_nobody_subscribed(admin: User, subscribe) -> None:
    subscribe("person.created")  # someone wants something else
    _create_organization(admin, "Lämmitys")  # the wanted types are now cached

    with CaptureQueriesContext(connection) as with_webhooks:
        _create_organization(admin, "Rakennus Virtanen Oy")
    record_events.unsubscribe(services.on_record_event)
    try:
        with CaptureQueriesContext(connection) as without_webhooks:
            _create_organization(admin, "Putki Oy")
    finally:
        record_events.subscribe(services.on_record_event)

    assert len(with_webhooks) == len(without_webhooks)
    assert not Event.objects.exists()


def test_it_writes_the_event_and_its_delivery_with_the_change(admin: User, subscribe) -> None:
    subscription = subscribe("organization.created")

    organization = _create_organization(admin)

    event = Event.objects.get()
    assert event.type == "organization.created"
    assert event.payload["id"] == str(event.id)
    assert event.payload["type"] == "organization.created"
    assert datetime.datetime.fromisoformat(event.payload["occurred_at"]) <= timezone.now()
    assert event.payload["data"]["id"] == organization.pk
    assert event.payload["data"]["name"] == "Rakennus Virtanen Oy"
    assert event.payload["data"]["tags"] == []  # as the API shows it
    delivery = Delivery.objects.get()
    assert (delivery.subscription, delivery.status) == (subscription, Delivery.Status.PENDING)


def test_a_rolled_back_change_leaves_no_event(admin: User, subscribe) -> None:
    subscribe("organization.created")

    def change_then_fail() -> None:
        with transaction.atomic():
            _create_organization(admin)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert not Event.objects.exists()
    assert not Delivery.objects.exists()


def test_it_sends_updates_and_deletes_with_the_records_id(admin: User, subscribe) -> None:
    subscribe("organization.updated", "organization.deleted")
    organization = _create_organization(admin)

    contacts.organization_update(
        actor=admin, organization=organization, values={"city": "Tampere"}, expected_version=None
    )
    contacts.organization_trash(actor=admin, organization=organization)

    events = list(Event.objects.order_by("occurred_at"))
    assert [e.type for e in events] == ["organization.updated", "organization.deleted"]
    assert events[0].payload["data"]["city"] == "Tampere"
    assert events[1].payload["data"]["id"] == organization.pk


def test_a_disabled_subscription_gets_nothing(admin: User, subscribe) -> None:
    subscription = subscribe("organization.created")
    services.subscription_disable(actor=admin, subscription=subscription)

    _create_organization(admin)

    assert not Delivery.objects.exists()


@pytest.fixture
def seller_in_team(sales_team, seller: User) -> User:
    pipeline = Pipeline.objects.get(name="Sales")
    pipeline.team = sales_team
    pipeline.save(update_fields=["team"])
    return seller


def test_it_tells_of_stage_moves_wins_and_losses(seller_in_team: User, admin: User, subscribe):
    subscribe(
        "opportunity.created",
        "opportunity.stage_changed",
        "opportunity.won",
        "opportunity.lost",
    )
    seller = seller_in_team
    won = sales.opportunity_create(actor=seller, values={"title": "Kevään toimitus"})
    lost = sales.opportunity_create(actor=seller, values={"title": "Syksyn huolto"})
    stages = list(won.pipeline.stages.order_by("position"))

    sales.opportunity_move_stage(actor=seller, opportunity=won, stage=stages[1])
    sales.opportunity_mark_won(actor=seller, opportunity=won)
    sales.opportunity_mark_lost(
        actor=seller, opportunity=lost, reason=LostReason.objects.get(code="price")
    )

    types = list(Event.objects.order_by("occurred_at", "type").values_list("type", flat=True))
    assert types == [
        "opportunity.created",
        "opportunity.created",
        "opportunity.stage_changed",
        "opportunity.won",
        "opportunity.lost",
    ]
    won_event = Event.objects.get(type="opportunity.won")
    assert won_event.payload["data"]["id"] == won.pk
    assert won_event.payload["data"]["status"] == "won"  # until it has its resource: its fields


def test_it_tells_of_a_completed_activity(seller: User, subscribe) -> None:
    subscribe("activity.completed")
    activity = activities.activity_schedule(
        actor=seller,
        type=ActivityType.objects.get(code="call"),
        subject="Soita Virtaselle",
        day=timezone.localdate(),
    )

    activities.activity_complete(actor=seller, activity=activity)

    assert Event.objects.get().type == "activity.completed"


def test_it_emits_activity_due_once_when_the_time_passes(seller: User, subscribe) -> None:
    subscription = subscribe("activity.due")
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    now = timezone.now()
    hour_ago = timezone.localtime(now - datetime.timedelta(hours=1))
    due = activities.activity_schedule(
        actor=seller,
        type=ActivityType.objects.get(code="call"),
        subject="Soita Virtaselle",
        day=hour_ago.date(),
        time=hour_ago.time(),
    )
    later = timezone.localtime(now + datetime.timedelta(hours=1))
    activities.activity_schedule(
        actor=seller,
        type=ActivityType.objects.get(code="call"),
        subject="Ei vielä",
        day=later.date(),
        time=later.time(),
    )

    assert services.activities_due_emit(now=now) == 1
    assert services.activities_due_emit(now=now) == 0  # idempotent

    event = Event.objects.get(type="activity.due")
    assert event.payload["data"]["id"] == due.pk
    assert DueActivity.objects.get().activity_id == due.pk
    assert Delivery.objects.filter(event=event, subscription=subscription).exists()


def test_it_emits_no_activity_due_without_a_subscription(seller: User) -> None:
    assert services.activities_due_emit(now=timezone.now()) == 0
    assert not DueActivity.objects.exists()


def test_only_admins_manage_subscriptions(seller: User) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.subscription_create(
            actor=seller, name="x", url="https://public.test/", event_types=["person.created"]
        )


def test_a_subscription_refuses_a_private_url(admin: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.subscription_create(
            actor=admin, name="x", url="http://10.0.0.1/", event_types=["person.created"]
        )
    assert "url" in refused.value.message_dict


def test_the_admin_fixture_is_an_admin(db) -> None:
    user = make_user("a2@sampo.test", "A", Role.ADMIN)
    assert user in services.admins()


def test_bulk_paths_emit_events_too(admin: User, subscribe) -> None:
    from sampo.core import history
    from sampo.core.models import HistoryEntry

    subscribe("organization.updated")
    organizations = [_create_organization(admin, n) for n in ("Yksi Oy", "Kaksi Oy")]

    history.write_entries(
        [
            (o, history.unsaved_entry(o, actor=admin, action=HistoryEntry.Action.CHANGED))
            for o in organizations
        ]
    )

    data_ids = sorted(e.payload["data"]["id"] for e in Event.objects.all())
    assert data_ids == sorted(o.pk for o in organizations)
