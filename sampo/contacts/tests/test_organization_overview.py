"""The 360° page of a big customer stays bounded: the first people, a link to all of them in
the people list, and the same queries whatever the number of people."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.contacts import selectors, services
from sampo.contacts.models import Membership


def _people(seller, organization, count, start=0):
    for n in range(start, start + count):
        services.person_create(
            actor=seller,
            values={"first_name": "Henkilö", "last_name": f"Numero {n:03d}"},
            organization=organization,
            allow_duplicate=True,
        )


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_it_shows_the_first_people_and_links_to_all_of_them(client, seller, organization):
    _people(seller, organization, selectors.PEOPLE_SHOWN + 5)
    client.force_login(seller)

    page = client.get(organization.get_absolute_url())

    shown = page.context["current_people"]
    assert len(shown) == selectors.PEOPLE_SHOWN
    assert page.context["current_people_count"] == selectors.PEOPLE_SHOWN + 5
    link = f"/people/?organization={organization.pk}"
    assert f'href="{link}"' in page.content.decode()
    listed = client.get(link).context["page"].rows
    assert len(listed) == selectors.PEOPLE_SHOWN + 5


def test_the_page_needs_the_same_queries_for_a_few_people_and_many(client, seller, organization):
    _people(seller, organization, selectors.PEOPLE_SHOWN + 1)
    client.force_login(seller)
    some = _queries(client, organization.get_absolute_url())
    _people(seller, organization, 40, start=100)

    assert _queries(client, organization.get_absolute_url()) == some


def test_former_people_are_the_latest_to_leave_with_a_count_of_the_rest(
    client, seller, organization
):
    _people(seller, organization, selectors.FORMER_PEOPLE_SHOWN + 3)
    for n, membership in enumerate(Membership.objects.filter(organization=organization)):
        services.membership_end(
            actor=seller, membership=membership, end_date=datetime.date(2020, 1, 1 + n)
        )
    client.force_login(seller)

    context = client.get(organization.get_absolute_url()).context

    ends = [m.end_date for m in context["former_people"]]
    assert ends == sorted(ends, reverse=True)
    assert ends[0] == datetime.date(2020, 1, selectors.FORMER_PEOPLE_SHOWN + 3)
    assert context["former_people_hidden"] == 3


def test_the_people_list_of_an_organization_holds_only_its_current_people(
    client, seller, organization
):
    _people(seller, organization, 2)
    other = services.organization_create(actor=seller, values={"name": "Muu Oy"})
    services.person_create(actor=seller, values={"last_name": "Ulkopuolinen"}, organization=other)
    client.force_login(seller)

    page = client.get("/people/", {"organization": organization.pk})

    assert sorted(p.last_name for p in page.context["page"].rows) == ["Numero 000", "Numero 001"]
    assert page.context["organization_filter"] == organization
