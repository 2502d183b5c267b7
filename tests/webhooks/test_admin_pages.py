"""The webhook admin pages: an admin adds, edits, switches off and on, tests and deletes a
subscription, reveals and replaces its secret; a salesperson gets none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sampo.accounts.models import User
from sampo.api.webhooks import services
from sampo.api.webhooks.models import Delivery, Subscription
from sampo.core.models import AuditEvent
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(admin: User) -> Subscription:
    return services.subscription_create(
        actor=admin,
        name="ERP",
        url="http://127.0.0.1:9/hook",
        event_types=["organization.created", "opportunity.won"],
    )


def test_it_adds_a_webhook(client, admin: User) -> None:
    client.force_login(admin)

    response = client.post(
        reverse("webhooks:new"),
        {
            "name": "Kirjanpito",
            "url": "https://public.test/sampo",
            "event_types": ["opportunity.won", "organization.created"],
        },
    )

    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:detail", args=[subscription.pk])
    assert subscription.event_types == ["organization.created", "opportunity.won"]
    assert subscription.secret.startswith("whsec_")
    assert subscription.is_active


def test_it_refuses_a_private_address_on_the_form(client, admin: User) -> None:
    client.force_login(admin)

    response = client.post(
        reverse("webhooks:new"),
        {"name": "x", "url": "http://169.254.169.254/", "event_types": ["person.created"]},
    )

    assert response.status_code == 200
    assert "private or reserved" in response.content.decode()
    assert not Subscription.objects.exists()


def test_the_list_and_the_log_show_the_webhook(client, admin: User, subscription) -> None:
    services.subscription_send_test(actor=admin, subscription=subscription)
    Delivery.objects.update(status=Delivery.Status.RETRYING, response_code=502)
    client.force_login(admin)

    listing = client.get(reverse("webhooks:list")).content.decode()
    log = client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()

    assert "ERP" in listing
    assert "http://127.0.0.1:9/hook" in listing
    assert "webhook.test" in log
    assert "502" in log
    assert subscription.secret not in log  # hidden until asked for


def test_the_menu_links_the_page_for_admins_only(client, admin: User, seller: User) -> None:
    url = reverse("webhooks:list")
    client.force_login(admin)
    assert f'href="{url}"' in client.get(reverse("core:home")).content.decode()
    client.force_login(seller)
    assert f'href="{url}"' not in client.get(reverse("core:home")).content.decode()


def test_it_reveals_the_secret_and_audits_it(client, admin: User, subscription) -> None:
    client.force_login(admin)

    response = client.post(reverse("webhooks:secret", args=[subscription.pk]))

    assert subscription.secret in response.content.decode()
    assert AuditEvent.objects.filter(action="webhook_secret_revealed").count() == 1


def test_it_replaces_the_secret(client, admin: User, subscription) -> None:
    client.force_login(admin)

    response = client.post(reverse("webhooks:secret", args=[subscription.pk]), {"rotate": "1"})

    new = Subscription.objects.get().secret
    assert new != subscription.secret
    assert new in response.content.decode()


def test_it_edits_the_webhook(client, admin: User, subscription) -> None:
    client.force_login(admin)

    client.post(
        reverse("webhooks:edit", args=[subscription.pk]),
        {
            "name": "ERP 2",
            "url": "https://public.test/new",
            "event_types": ["person.deleted"],
            "version": subscription.version,
        },
    )

    edited = Subscription.objects.get()
    assert (edited.name, edited.url, edited.event_types) == (
        "ERP 2",
        "https://public.test/new",
        ["person.deleted"],
    )


def test_a_stale_edit_is_refused(client, admin: User, subscription) -> None:
    client.force_login(admin)
    form = {"name": "A", "url": "https://public.test/a", "event_types": ["person.deleted"]}
    client.post(reverse("webhooks:edit", args=[subscription.pk]), {**form, "version": 1})

    response = client.post(
        reverse("webhooks:edit", args=[subscription.pk]), {**form, "name": "B", "version": 1}
    )

    assert response.status_code == 200
    assert Subscription.objects.get().name == "A"


def test_it_switches_off_and_on_and_deletes(client, admin: User, subscription) -> None:
    client.force_login(admin)

    client.post(reverse("webhooks:disable", args=[subscription.pk]))
    assert not Subscription.objects.get().is_active
    client.post(reverse("webhooks:enable", args=[subscription.pk]))
    assert Subscription.objects.get().is_active
    client.post(reverse("webhooks:delete", args=[subscription.pk]))
    assert not Subscription.objects.exists()


def test_it_sends_a_test_event(client, admin: User, receiver: Receiver) -> None:
    subscription = services.subscription_create(
        actor=admin, name="ERP", url=f"{receiver.url}/hook", event_types=["person.created"]
    )
    client.force_login(admin)

    client.post(reverse("webhooks:test", args=[subscription.pk]))

    assert Delivery.objects.get(subscription=subscription).event.type == "webhook.test"


@pytest.mark.parametrize("name", ["list", "new", "detail", "edit", "secret", "test", "delete"])
def test_a_salesperson_is_refused(client, seller: User, subscription, name: str) -> None:
    client.force_login(seller)
    url = reverse(f"webhooks:{name}", args=[] if name in ("list", "new") else [subscription.pk])

    responses = [client.get(url), client.post(url, {"rotate": "1"})]

    assert {r.status_code for r in responses} <= {403, 405}
    assert 403 in {r.status_code for r in responses}
    assert Subscription.objects.get().secret == subscription.secret
    assert not Delivery.objects.exists()


def test_the_list_takes_the_same_queries_for_one_or_many(
    client, admin: User, subscription, django_assert_num_queries
) -> None:
    client.force_login(admin)
    client.get(reverse("webhooks:list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("webhooks:list"))
    for n in range(5):
        services.subscription_create(
            actor=admin, name=f"S{n}", url="https://public.test/", event_types=["person.created"]
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("webhooks:list"))

    assert len(one) == len(many)


def test_the_delivery_log_takes_the_same_queries_for_one_or_many(
    client, admin: User, subscription
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin)
    url = reverse("webhooks:detail", args=[subscription.pk])
    services.subscription_send_test(actor=admin, subscription=subscription)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(10):
        services.subscription_send_test(actor=admin, subscription=subscription)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.content.decode().count("webhook.test") == 11
    assert len(one) == len(many)
