"""The further emails and phones on the record's page and in its form."""

from __future__ import annotations

from sampo.contacts import services
from sampo.contacts.models import Person


def _rows(*rows, initial=0):
    data = {
        "details-TOTAL_FORMS": str(len(rows)),
        "details-INITIAL_FORMS": str(initial),
        "details-MIN_NUM_FORMS": "0",
        "details-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data.update({f"details-{number}-{key}": value for key, value in row.items()})
    return data


def _person_form(seller, **extra):
    return {
        "first_name": "Anna",
        "last_name": "Kallio",
        "owner": seller.pk,
        "country": "FI",
        "email": "anna@tyo.example",
        **extra,
    }


def test_the_new_person_form_saves_several_emails_and_phones(client, seller):
    client.force_login(seller)

    response = client.post(
        "/people/new/",
        {
            **_person_form(seller),
            **_rows(
                {"kind": "email", "label": "home", "value": "Anna@Koti.example"},
                {"kind": "phone", "label": "home", "value": "09 123 4567"},
                {"kind": "phone", "label": "work", "value": ""},
            ),
        },
    )

    person = Person.objects.get()
    assert response.status_code == 302
    assert sorted(person.contact_details.values_list("label", "value")) == [
        ("home", "+35891234567"),
        ("home", "anna@koti.example"),
    ]


def test_the_page_shows_them_with_mailto_and_tel_links_in_national_format(client, seller):
    person = services.person_create(
        actor=seller,
        values={
            "last_name": "Kallio",
            "contact_details": [
                {"kind": "email", "label": "home", "value": "anna@koti.example"},
                {"kind": "phone", "label": "mobile", "value": "+358501234567"},
            ],
        },
    )
    client.force_login(seller)

    body = client.get(f"/people/{person.pk}/").content.decode()

    assert '<a href="mailto:anna@koti.example">anna@koti.example</a>' in body
    assert '<a href="tel:+358501234567">050 1234567</a>' in body


def test_the_edit_form_lists_them_and_removes_a_row_marked_for_removal(client, seller):
    person = services.person_create(
        actor=seller,
        values={
            "last_name": "Kallio",
            "contact_details": [
                {"kind": "email", "label": "home", "value": "anna@koti.example"},
                {"kind": "phone", "label": "home", "value": "+35891234567"},
            ],
        },
    )
    client.force_login(seller)

    form = client.get(f"/people/{person.pk}/edit/").content.decode()
    client.post(
        f"/people/{person.pk}/edit/",
        {
            **_person_form(seller, version=person.version),
            **_rows(
                {"kind": "email", "label": "home", "value": "anna@koti.example", "DELETE": "on"},
                {"kind": "phone", "label": "home", "value": "09 1234567"},
                initial=2,
            ),
        },
    )

    assert 'value="anna@koti.example"' in form
    assert 'value="09 1234567"' in form
    assert "<template data-formset-empty>" in form
    assert list(person.contact_details.values_list("value", flat=True)) == ["+35891234567"]


def test_a_bad_row_is_shown_in_the_form_and_nothing_is_saved(client, seller):
    client.force_login(seller)

    response = client.post(
        "/people/new/",
        {**_person_form(seller), **_rows({"kind": "phone", "label": "home", "value": "12"})},
    )

    assert response.status_code == 200
    assert "“12” is not a valid phone number." in response.content.decode()
    assert not Person.objects.exists()


def test_the_organization_form_offers_billing_and_saves_it(client, seller):
    client.force_login(seller)

    form = client.get("/organizations/new/").content.decode()
    client.post(
        "/organizations/new/",
        {
            "name": "Kone Oyj",
            "country": "FI",
            "owner": seller.pk,
            **_rows({"kind": "email", "label": "billing", "value": "laskut@kone.example"}),
        },
    )

    assert '<option value="billing">billing</option>' in form
    assert '<option value="home">' not in form
    organization = seller.owned_organizations.get()
    assert list(organization.contact_details.values_list("label", "value")) == [
        ("billing", "laskut@kone.example")
    ]
