"""Nobody left hanging: customers and prospects with no follow-up planned, by owner, the
longest without contact first; who sees whose."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampo.activities import services
from sampo.contacts import services as contacts
from sampo.contacts.models import RelationshipType


@pytest.fixture
def customer(db):
    return RelationshipType.objects.get(code="customer")


def _organization(owner, name, *codes):
    types = list(RelationshipType.objects.filter(code__in=codes or ["customer"]))
    return contacts.organization_create(
        actor=owner, values={"name": name, "relationship_types": types}, allow_duplicate=True
    )


def _names(response) -> list[str]:
    return [row.name for row in response.context["page"].rows]


def _log(user, call_type, organization, days_ago: int, **kwargs):
    return services.activity_log(
        actor=user,
        type=call_type,
        subject="Call",
        organization=organization,
        when=timezone.now() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def _plan(user, call_type, days: int, **kwargs):
    return services.activity_schedule(
        actor=user,
        type=call_type,
        subject="Follow-up",
        day=timezone.localdate() + datetime.timedelta(days=days),
        **kwargs,
    )


def test_it_lists_customers_with_nothing_planned_the_longest_without_contact_first(
    client, seller, call_type
):
    recent = _organization(seller, "Recent Oy")
    old = _organization(seller, "Old Oy")
    never = _organization(seller, "Never Oy")
    _organization(seller, "Prospect Oy", "prospect")
    planned = _organization(seller, "Planned Oy")
    _organization(seller, "Supplier Oy", "supplier")
    _log(seller, call_type, recent, 2)
    _log(seller, call_type, old, 200)
    _plan(seller, call_type, 3, organization=planned)
    client.force_login(seller)

    response = client.get("/activities/unattended/")

    assert _names(response) == ["Never Oy", "Prospect Oy", "Old Oy", "Recent Oy"]
    page = response.content.decode()
    assert f"/activities/new/?organization={never.pk}&amp;mode=plan" in page
    assert "never contacted" in page
    assert old.pk != recent.pk


def test_a_follow_up_planned_with_one_of_its_people_counts(client, seller, call_type):
    organization = _organization(seller, "People Oy")
    person = contacts.person_create(
        actor=seller,
        values={"first_name": "Ville", "last_name": "Virta"},
        organization=organization,
    )
    _plan(seller, call_type, 1, people=[person])
    client.force_login(seller)

    assert _names(client.get("/activities/unattended/")) == []


def test_an_overdue_follow_up_does_not_count_as_planned(client, seller, call_type):
    organization = _organization(seller, "Overdue Oy")
    _plan(seller, call_type, -1, organization=organization)
    client.force_login(seller)

    assert _names(client.get("/activities/unattended/")) == ["Overdue Oy"]


def test_last_contact_includes_what_was_logged_with_its_people(client, seller, call_type):
    organization = _organization(seller, "People Oy")
    _organization(seller, "Never Oy")
    person = contacts.person_create(
        actor=seller,
        values={"first_name": "Ville", "last_name": "Virta"},
        organization=organization,
    )
    logged = _log(seller, call_type, None, 5, people=[person])
    client.force_login(seller)

    rows = client.get("/activities/unattended/").context["page"].rows

    assert [(r.name, r.last_contact) for r in rows] == [
        ("Never Oy", None),
        ("People Oy", logged.when),
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", ["Outsider Oy", "Seller Oy", "Teammate Oy"]),
        ("manager", ["Seller Oy", "Teammate Oy"]),
        ("seller", ["Seller Oy"]),
        ("teammate", ["Teammate Oy"]),
        ("outsider", ["Outsider Oy"]),
    ],
)
def test_who_sees_whose_customers(
    request, client, persona, expected, admin, seller, teammate, outsider, sales_team
):
    _organization(seller, "Seller Oy")
    _organization(teammate, "Teammate Oy")
    _organization(outsider, "Outsider Oy")
    client.force_login(request.getfixturevalue(persona))

    response = client.get("/activities/unattended/")

    assert response.status_code == 200
    assert sorted(_names(response)) == expected


def test_rows_are_grouped_by_owner(client, admin, seller, teammate, sales_team):
    _organization(teammate, "B Oy")
    _organization(seller, "A Oy")
    _organization(teammate, "C Oy")
    client.force_login(admin)

    rows = client.get("/activities/unattended/").context["page"].rows

    assert [(r.owner.name, r.name) for r in rows] == [
        ("Laura Tiimiläinen", "B Oy"),
        ("Laura Tiimiläinen", "C Oy"),
        ("Mikko Myyjä", "A Oy"),
    ]


def test_a_manager_can_narrow_to_one_owner_but_not_to_an_outsider(
    client, manager, seller, teammate, outsider, sales_team
):
    _organization(seller, "Seller Oy")
    _organization(teammate, "Teammate Oy")
    _organization(outsider, "Outsider Oy")
    client.force_login(manager)

    assert _names(client.get("/activities/unattended/", {"owner": seller.pk})) == ["Seller Oy"]
    # Someone outside the team: the filter is ignored, the team's list stays.
    outside = client.get("/activities/unattended/", {"owner": outsider.pk})
    assert sorted(_names(outside)) == ["Seller Oy", "Teammate Oy"]


@pytest.mark.parametrize("persona", ["viewer"])
def test_users_who_own_no_customers_cannot_open_it(request, client, persona, seller):
    _organization(seller, "Seller Oy")
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/activities/unattended/").status_code == 403
    assert "/activities/unattended/" not in client.get("/my-day/").content.decode()


def test_my_day_links_to_it(client, seller):
    client.force_login(seller)

    assert 'href="/activities/unattended/"' in client.get("/my-day/").content.decode()


def test_it_pages_without_counting_and_needs_the_same_queries_for_1_and_50(
    client, seller, call_type
):
    _log(seller, call_type, _organization(seller, "Org 0"), 3)
    client.force_login(seller)

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/activities/unattended/", params).status_code == 200
        assert not [
            q
            for q in captured.captured_queries
            if "COUNT(" in q["sql"].upper() and "organization" in q["sql"]
        ]
        return len(captured)

    one = queries()
    for n in range(1, 60):
        _log(seller, call_type, _organization(seller, f"Org {n}"), n % 9)

    assert queries() == one
    first = client.get("/activities/unattended/").context["page"]
    second = client.get("/activities/unattended/", {"page": 2}).context["page"]
    assert (len(first.rows), first.has_next) == (50, True)
    assert (len(second.rows), second.has_next) == (10, False)
