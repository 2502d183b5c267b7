"""The list pages' cells, drawn in Python (contacts.list_columns): the same HTML the templates
gave, escaped, and no query per row whatever the rows carry (tags, relationship types,
memberships, custom values)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.contacts import list_columns, services
from sampo.contacts.models import Organization, RelationshipType, Tag
from sampo.core.templatetags.sampo import phone
from sampo.lists import toolbar

ORGANIZATION_COLUMNS = (
    "name,relationship,city,business_id,owner,industry,email,phone,website,country,tags,"
    "updated,created"
)
PERSON_COLUMNS = (
    "name,organization,email,phone,owner,job_title,mobile,city,country,language,tags,"
    "updated,created"
)


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.fixture
def labels(db):
    return {
        "vip": Tag.objects.create(name="VIP"),
        "north": Tag.objects.create(name="North"),
        "customer": RelationshipType.objects.get(code="customer"),
        "partner": RelationshipType.objects.get(code="partner"),
    }


def _organization(seller, name, labels):
    return services.organization_create(
        actor=seller,
        values={
            "name": name,
            "city": "Tampere",
            "phone": "03 1234 5678",
            "email": f"info{len(name)}@example.fi",
            "tags": [labels["vip"], labels["north"]],
            "relationship_types": [labels["customer"], labels["partner"]],
        },
        allow_duplicate=True,
    )


def test_it_lists_organizations_with_tags_and_relationships_in_the_same_queries_for_1_and_50(
    client, seller, labels
):
    _organization(seller, "First Oy", labels)
    client.force_login(seller)
    path = f"/organizations/?columns={ORGANIZATION_COLUMNS}"
    one = _queries(client, path)
    for n in range(50):
        _organization(seller, f"Company{n} Oy", labels)

    assert _queries(client, path) == one


def test_it_lists_people_with_tags_and_organizations_in_the_same_queries_for_1_and_50(
    client, seller, organization, labels
):
    def person(name):
        services.person_create(
            actor=seller,
            values={"last_name": name, "mobile": "040 123 4567", "tags": [labels["vip"]]},
            organization=organization,
            allow_duplicate=True,
        )

    person("First")
    client.force_login(seller)
    path = f"/people/?columns={PERSON_COLUMNS}"
    one = _queries(client, path)
    for n in range(50):
        person(f"Person {n}")

    assert _queries(client, path) == one


def test_it_draws_each_organization_cell(client, seller, labels):
    organization = _organization(seller, "Pörssi Oy", labels)
    client.force_login(seller)

    page = client.get(f"/organizations/?columns={ORGANIZATION_COLUMNS}").content.decode()

    assert f'<a href="/organizations/{organization.pk}/">Pörssi Oy</a>' in page
    assert '<span class="badge">Customer</span> <span class="badge">Partner</span>' in page
    assert '<span class="badge">North</span> <span class="badge">VIP</span>' in page
    assert '<a href="mailto:info9@example.fi">info9@example.fi</a>' in page
    assert f"<td>{phone(organization.phone)}</td>" in page
    assert f"<td>{seller.name}</td>" in page


def test_it_draws_each_person_cell(client, seller, organization, labels):
    person = services.person_create(
        actor=seller,
        values={"first_name": "Maija", "last_name": "Lehtonen", "job_title": "CEO & founder"},
        organization=organization,
    )
    client.force_login(seller)

    page = client.get(f"/people/?columns={PERSON_COLUMNS}").content.decode()

    assert (
        f'<a href="/people/{person.pk}/">{person.full_name}</a>'
        '<br><small class="muted">CEO &amp; founder</small>'
    ) in page
    assert f'<a href="/organizations/{organization.pk}/">{organization.name}</a>' in page


def test_it_escapes_what_users_typed_in_every_cell(seller, labels):
    organization = _organization(seller, "<script>alert(1)</script> Oy", labels)
    organization.relationship_list = []
    organization.tag_list = [Tag(name="<b>x</b>")]
    columns = list_columns.available("organization", [])

    row = list_columns.rows("organization", [organization], columns)[0]

    html = "".join(row.cells)
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Oy" in html


def test_the_bulk_checkbox_holds_the_plain_id_of_a_large_record_number():
    record = Organization(pk=12345, name="Iso Oy")

    assert 'value="12345"' in toolbar.row_checkbox(record)
