"""A chunk's queries do not grow with its rows: the owner and industry a row names are read
once by the lookups, not again by each row's validation (see BENCHMARKS.md, import)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.contacts.models import Industry, Organization
from sampo.contacts.tests.imports.support import run_import

HEADERS = ["Name", "Industry code", "Owner", "City"]


def _rows(seller, count: int, start: int = 0) -> list[list[str]]:
    code = Industry.objects.filter(parent__isnull=False).order_by("code")[0].code
    return [
        HEADERS,
        *[[f"Firma {n} Oy", code, seller.email, "Tampere"] for n in range(start, start + count)],
    ]


def test_it_imports_ten_organizations_with_the_queries_of_one(seller):
    run_import(seller, "organizations", _rows(seller, 1, start=500))  # warms the caches
    with CaptureQueriesContext(connection) as one:
        run_import(seller, "organizations", _rows(seller, 1))
    with CaptureQueriesContext(connection) as ten:
        batch = run_import(seller, "organizations", _rows(seller, 10, start=100))

    assert batch.created_count == 10
    assert Organization.objects.get(name="Firma 105 Oy").owner == seller
    assert len(ten) == len(one)


def test_it_still_refuses_an_owner_that_is_not_a_user(seller):
    rows = [HEADERS, ["Firma Oy", "", "nobody@example.com", "Turku"]]

    batch = run_import(seller, "organizations", rows)

    assert batch.failed_count == 1
    assert not Organization.objects.filter(name="Firma Oy").exists()


PEOPLE = ["First name", "Last name", "Email", "Organization", "Role", "Tags"]


def _people(count: int, start: int = 0, organization: str = "Paja Oy") -> list[list[str]]:
    return [
        PEOPLE,
        *[
            [f"Etu{n}", f"Suku{n}", f"p{n}@paja.fi", organization, "myyjä", "VIP, uusi"]
            for n in range(start, start + count)
        ],
    ]


def test_it_imports_ten_people_with_organizations_and_tags_with_the_queries_of_one(seller):
    Organization.objects.create(name="Paja Oy", name_folded="paja oy", owner=seller)
    run_import(seller, "people", _people(1, start=500))  # warms the caches, creates the tags
    with CaptureQueriesContext(connection) as one:
        run_import(seller, "people", _people(1))
    with CaptureQueriesContext(connection) as ten:
        batch = run_import(seller, "people", _people(10, start=100))

    assert batch.created_count == 10
    assert len(ten) == len(one)


def test_it_adds_memberships_to_ten_updated_people_with_the_queries_of_one(seller):
    from sampo.contacts.models import Membership

    Organization.objects.create(name="Paja Oy", name_folded="paja oy", owner=seller)
    Organization.objects.create(name="Uusi Oy", name_folded="uusi oy", owner=seller)
    run_import(seller, "people", _people(11, start=100))
    with CaptureQueriesContext(connection) as one:
        run_import(seller, "people", _people(1, start=100, organization="Uusi Oy"))
    with CaptureQueriesContext(connection) as ten:
        batch = run_import(seller, "people", _people(10, start=101, organization="Uusi Oy"))

    assert batch.updated_count == 10
    assert len(ten) == len(one)
    added = list(
        batch.rows.filter(membership_id__isnull=False).values_list("membership_id", flat=True)
    )
    assert len(added) == 10
    membership = Membership.objects.get(pk=added[0] or 0)
    assert membership.organization.name == "Uusi Oy"
    assert not membership.is_primary  # the person's membership in Paja Oy stays the primary
