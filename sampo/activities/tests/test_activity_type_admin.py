from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sampo.activities import services
from sampo.activities.models import ActivityType


def test_an_admin_adds_a_type_that_the_forms_then_offer(client, admin, seller):
    client.force_login(admin)

    response = client.post("/admin/activity-types/", {"name": "  Site   visit "})

    added = ActivityType.objects.get(name="Site visit")
    assert response.status_code == 302
    assert added.code == "site-visit"
    assert added.position > max(t.position for t in ActivityType.objects.exclude(pk=added.pk))
    client.force_login(seller)
    assert "Site visit" in client.get("/activities/new/").content.decode()


def test_a_built_in_type_cannot_be_deleted_nor_a_used_one(admin, seller, call_type):
    demo = services.activity_type_create(actor=admin, name="Demo")
    services.activity_log(actor=seller, type=demo, subject="Showed the product")

    with pytest.raises(ValidationError):
        services.activity_type_delete(actor=admin, activity_type=call_type)
    with pytest.raises(ValidationError, match="used by 1 activity"):
        services.activity_type_delete(actor=admin, activity_type=demo)
    assert ActivityType.objects.filter(pk__in=[call_type.pk, demo.pk]).count() == 2


def test_an_unused_type_is_deleted(client, admin):
    demo = services.activity_type_create(actor=admin, name="Demo")
    client.force_login(admin)

    client.post(f"/admin/activity-types/{demo.pk}/delete/")

    assert not ActivityType.objects.filter(pk=demo.pk).exists()


def test_renaming_and_reordering(client, admin, call_type):
    client.force_login(admin)

    client.post(f"/admin/activity-types/{call_type.pk}/edit/", {"name": "Phone call"})
    client.post(f"/admin/activity-types/{call_type.pk}/down/")

    call_type.refresh_from_db()
    assert str(call_type) == "Phone call"
    assert list(ActivityType.objects.values_list("code", flat=True))[1] == "call"


@pytest.mark.parametrize("persona", ["manager", "seller", "viewer"])
def test_other_roles_are_refused_and_nothing_changes(client, request, persona, call_type):
    client.force_login(request.getfixturevalue(persona))
    before = list(ActivityType.objects.order_by("pk").values_list("code", "name", "position"))

    responses = [
        client.get("/admin/activity-types/"),
        client.post("/admin/activity-types/", {"name": "Demo"}),
        client.post(f"/admin/activity-types/{call_type.pk}/edit/", {"name": "X"}),
        client.post(f"/admin/activity-types/{call_type.pk}/down/"),
        client.post(f"/admin/activity-types/{call_type.pk}/delete/"),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert (
        list(ActivityType.objects.order_by("pk").values_list("code", "name", "position")) == before
    )
