from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sampo.core.custom_fields import services
from sampo.core.models import CustomField


def _new(client, record_type="organization", **data):
    form = {"label": "Tier", "kind": "choice", "new_choices": "Gold\nSilver", **data}
    return client.post(f"/admin/custom-fields/{record_type}/new/", form)


def test_an_admin_adds_a_choice_field_with_its_choices_in_order(client, admin):
    client.force_login(admin)

    response = _new(client, label_fi="Taso")

    assert response.status_code == 302
    field = CustomField.objects.get()
    assert (field.record_type, field.code, field.kind) == ("organization", "tier", "choice")
    assert field.labels == {"fi": "Taso"}
    assert [c["label"] for c in field.choices] == ["Gold", "Silver"]


def test_the_label_is_shown_in_the_readers_language(client, admin):
    client.force_login(admin)
    _new(client, label_fi="Taso")
    field = CustomField.objects.get()

    from django.utils import translation

    with translation.override("fi"):
        assert field.display_label == "Taso"
    with translation.override("hu"):
        assert field.display_label == "Tier"


def test_a_choice_field_without_choices_is_refused_with_a_translated_error(client, admin):
    client.force_login(admin)

    response = _new(client, new_choices="")

    assert response.status_code == 200
    assert CustomField.objects.count() == 0
    assert response.context["form"].errors["new_choices"]


def test_renaming_a_choice_keeps_its_key_and_archiving_keeps_it_on_records(client, admin):
    field = services.custom_field_create(
        actor=admin, record_type_key="person", label="Segment", kind="choice",
        new_choices=["Small", "Large"],
    )  # fmt: skip
    client.force_login(admin)
    keys = [c["key"] for c in field.choices]

    response = client.post(
        f"/admin/custom-fields/{field.pk}/edit/",
        {
            "label": "Segment",
            f"choice_{keys[0]}": "Small business",
            f"order_{keys[0]}": "2",
            f"choice_{keys[1]}": "Large",
            f"order_{keys[1]}": "1",
            f"archive_{keys[1]}": "on",
            "new_choices": "Public sector",
        },
    )

    assert response.status_code == 302
    field.refresh_from_db()
    assert [(c["key"], c["label"], c["archived"]) for c in field.choices] == [
        (keys[1], "Large", True),
        (keys[0], "Small business", False),
        ("public_sector", "Public sector", False),
    ]


def test_archiving_hides_a_field_and_restoring_brings_it_back(client, admin):
    field = services.custom_field_create(
        actor=admin, record_type_key="organization", label="Region", kind="text"
    )
    client.force_login(admin)

    client.post(f"/admin/custom-fields/{field.pk}/archive/")
    field.refresh_from_db()
    assert field.is_archived
    assert "cf_region" not in client.get("/organizations/new/").context["form"].fields

    client.post(f"/admin/custom-fields/{field.pk}/restore/")
    assert "cf_region" in client.get("/organizations/new/").context["form"].fields


def test_fields_are_reordered_within_their_record_type(client, admin):
    first = services.custom_field_create(
        actor=admin, record_type_key="organization", label="A", kind="text"
    )
    second = services.custom_field_create(
        actor=admin, record_type_key="organization", label="B", kind="text"
    )
    client.force_login(admin)

    client.post(f"/admin/custom-fields/{second.pk}/up/")

    codes = list(CustomField.objects.order_by("position").values_list("code", flat=True))
    assert codes == [second.code, first.code]


@pytest.mark.parametrize("persona", ["manager", "seller", "viewer"])
def test_other_roles_are_refused_and_nothing_is_written(client, request, admin, persona):
    field = services.custom_field_create(
        actor=admin, record_type_key="organization", label="Region", kind="text"
    )
    client.force_login(request.getfixturevalue(persona))

    responses = [
        client.get("/admin/custom-fields/"),
        _new(client),
        client.post(f"/admin/custom-fields/{field.pk}/edit/", {"label": "X"}),
        client.post(f"/admin/custom-fields/{field.pk}/archive/"),
    ]

    assert {r.status_code for r in responses} == {403}
    field.refresh_from_db()
    assert (field.label, field.is_archived, CustomField.objects.count()) == ("Region", False, 1)


def test_the_admin_list_escapes_labels(client, admin):
    services.custom_field_create(
        actor=admin, record_type_key="organization", label="<script>x</script>", kind="text"
    )
    client.force_login(admin)

    html = client.get("/admin/custom-fields/").content.decode()

    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("kind", "given", "stored"),
    [
        ("number", 5, "5"),
        ("number", "12.50", "12.50"),
        ("money", {"amount": "7", "currency": "HUF"}, {"amount": "7.00", "currency": "HUF"}),
        ("date", "2027-01-31", "2027-01-31"),
        ("yes_no", False, False),
    ],
)
def test_values_given_to_a_service_are_stored_in_their_kinds_shape(admin, kind, given, stored):
    field = services.custom_field_create(
        actor=admin, record_type_key="organization", label="Value", kind=kind
    )

    result = services.custom_values_apply(
        record_type_key="organization", current={"old": 1}, new={field.code: given}
    )

    assert result == {"old": 1, field.code: stored}


@pytest.mark.parametrize(
    ("kind", "given"),
    [
        ("number", "NaN"),
        ("number", "1e20"),
        ("money", {"amount": "1", "currency": "euro"}),
        ("money", "12"),
        ("date", "2027-02-30"),
        ("yes_no", "yes"),
        ("text", "x" * 300),
    ],
)
def test_values_of_the_wrong_shape_are_refused(admin, kind, given):
    field = services.custom_field_create(
        actor=admin, record_type_key="organization", label="Value", kind=kind
    )

    with pytest.raises(ValidationError) as error:
        services.custom_values_apply(
            record_type_key="organization", current=None, new={field.code: given}
        )

    assert field.key in error.value.error_dict
