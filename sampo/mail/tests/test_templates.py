"""Email templates: merge fields in a sandbox, a language version per recipient, admin pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sampo.mail import merge_fields, selectors, services
from sampo.mail.models import EmailTemplate


@pytest.fixture
def offer_template(admin):
    return services.email_template_create(
        actor=admin,
        name="Offer follow-up",
        subject="Our offer, {{ person.first_name }}",
        body="Hello {{ person.full_name }} at {{ organization.name }},\n\nRegards, {{ user.name }}",
        variants={
            "fi": ("Tarjouksemme, {{ person.first_name }}", "Hei {{ person.first_name }}!"),
            "hu": ("Ajánlatunk", "Kedves {{ person.last_name }} {{ person.first_name }}!"),
        },
    )


def test_it_fills_the_template_in_the_persons_language(
    offer_template, customer, organization, seller
):
    subject, body = selectors.template_rendered(
        template=offer_template, person=customer, organization=organization, user=seller
    )

    assert (subject, body) == ("Tarjouksemme, Maija", "Hei Maija!")


def test_without_a_version_in_their_language_the_default_text_is_used(
    offer_template, customer, organization, seller
):
    customer.preferred_language = "en"
    customer.first_name = "Tom & <Jerry>"

    subject, body = selectors.template_rendered(
        template=offer_template, person=customer, organization=organization, user=seller
    )

    assert subject == "Our offer, Tom & <Jerry>"  # plain text: nothing escaped
    assert body.startswith("Hello Tom & <Jerry> Lehtonen at Rakennus Virtanen Oy,")
    assert body.endswith("Regards, Mikko Myyjä")


def test_html_rendering_escapes_merge_values():
    context = {"person": {"first_name": "<script>x</script>"}}

    assert merge_fields.render("<p>{{ person.first_name }}</p>", context, html=True) == (
        "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{% debug %}",
        "{% load static %}{% static 'x' %}",
        "{% include 'base.html' %}",
        "{% url 'core:home' %}",
        "{% now 'Y' %}",
        "{{ person.first_name|safe }}",
        "{{ person.email|urlize }}",
    ],
)
def test_tags_and_filters_outside_the_sandbox_are_refused(source):
    with pytest.raises(ValidationError):
        merge_fields.check(source)


def test_an_unknown_merge_field_is_refused():
    with pytest.raises(ValidationError, match=r"person\.password"):
        merge_fields.check("Hi {{ person.password }} {{ person.first_name }}")


def test_the_if_tag_and_safe_filters_are_allowed():
    merge_fields.check(
        "{% if person.first_name %}Hi {{ person.first_name|upper }}{% else %}Hi{% endif %}"
    )


def test_only_admins_manage_templates(seller):
    with pytest.raises(PermissionDenied):
        services.email_template_create(actor=seller, name="x", subject="x", body="x")


def test_the_admin_page_adds_a_template_with_a_language_version(client, admin):
    client.force_login(admin)
    data = {
        "name": "Kiitos",
        "subject": "Thank you",
        "body": "Thanks {{ person.first_name }}",
        "subject_fi": "Kiitos",
        "body_fi": "Kiitos {{ person.first_name }}",
        "subject_hu": "",
        "body_hu": "",
        "subject_en": "",
        "body_en": "",
    }

    response = client.post("/admin/email-templates/new/", data)

    assert response.status_code == 302
    template = EmailTemplate.objects.get(name="Kiitos")
    assert [(v.language, v.subject) for v in template.variants.all()] == [("fi", "Kiitos")]
    assert "Kiitos" in client.get("/admin/email-templates/").content.decode()


def test_the_admin_page_shows_which_merge_field_is_wrong(client, admin):
    client.force_login(admin)

    response = client.post(
        "/admin/email-templates/new/",
        {"name": "Bad", "subject": "Hi", "body": "{{ person.salary }}"},
    )

    assert response.status_code == 200
    assert "person.salary" in response.content.decode()
    assert not EmailTemplate.objects.exists()


def test_a_language_version_needs_both_subject_and_text(client, admin):
    client.force_login(admin)

    response = client.post(
        "/admin/email-templates/new/",
        {"name": "Half", "subject": "Hi", "body": "Hi", "subject_fi": "Hei"},
    )

    assert response.status_code == 200
    assert not EmailTemplate.objects.exists()


def test_editing_refuses_a_stale_version_and_deleting_moves_to_the_trash(
    client, admin, offer_template
):
    client.force_login(admin)
    url = f"/admin/email-templates/{offer_template.pk}/"
    stale = {"name": "Renamed", "subject": "S", "body": "B", "version": offer_template.version - 1}

    assert client.post(url, stale).status_code == 200
    assert EmailTemplate.objects.get().name == "Offer follow-up"

    client.post(f"{url}delete/")
    assert not EmailTemplate.objects.exists()
    assert EmailTemplate.all_objects.get().is_deleted


@pytest.mark.parametrize("persona", ["seller", "viewer", "manager"])
def test_other_roles_cannot_open_the_template_pages(client, request, persona, offer_template):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/admin/email-templates/").status_code == 403
    assert client.get(f"/admin/email-templates/{offer_template.pk}/").status_code == 403
