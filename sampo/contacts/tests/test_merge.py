from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampo.contacts import merge, services
from sampo.contacts.models import (
    ExternalId,
    Membership,
    Organization,
    Person,
    RelationshipType,
    Tag,
)
from sampo.core.models import HistoryEntry


def _org(actor, name: str, **values):
    # Duplicates on purpose: the guard would refuse them.
    return services.organization_create(
        actor=actor, values={"name": name, **values}, allow_duplicate=True
    )


def test_the_survivor_gets_every_link_and_the_others_go_to_the_trash(seller):
    survivor = _org(seller, "Rakennus Virtanen Oy", city="Tampere")
    duplicate = _org(seller, "Rakennus Virtanen", email="info@virtanen.fi")
    maija = services.person_create(
        actor=seller, values={"last_name": "Lehtonen"}, organization=duplicate
    )

    done = merge.record_merge(actor=seller, survivor=survivor, others=[duplicate])

    survivor.refresh_from_db()
    assert survivor.email == "info@virtanen.fi", "an empty value is filled from the other"
    assert survivor.city == "Tampere"
    assert Membership.objects.get(person=maija).organization == survivor
    assert not Organization.objects.filter(pk=duplicate.pk).exists()
    assert Organization.all_objects.get(pk=duplicate.pk).deleted_at is not None
    assert done.merged_labels == ["Rakennus Virtanen"]
    events = HistoryEntry.objects.filter(object_id=str(survivor.pk), event="merged")
    assert events.count() == 1


def test_the_user_picks_which_value_survives(seller):
    survivor = _org(seller, "Virtanen", business_id="0112038-9")
    other = _org(seller, "Rakennus Virtanen Oy", business_id="FI01120389", country="FI")

    merge.record_merge(actor=seller, survivor=survivor, others=[other], take={"name": other.pk})

    survivor.refresh_from_db()
    assert survivor.name == "Rakennus Virtanen Oy"
    assert survivor.name_folded == "rakennus virtanen oy"
    assert survivor.business_id_key == other.business_id_key


def test_undo_puts_back_the_records_their_links_and_the_survivors_values(seller):
    tag = Tag.objects.create(name="VIP")
    survivor = _org(seller, "Virtanen Oy")
    other = _org(seller, "Virtanen", phone="+358401234567", tags=[tag])
    person = services.person_create(actor=seller, values={"last_name": "Aalto"}, organization=other)
    done = merge.record_merge(actor=seller, survivor=survivor, others=[other])

    merge.merge_undo(actor=seller, merge=done)

    survivor.refresh_from_db()
    other.refresh_from_db()
    assert survivor.phone == ""
    assert other.deleted_at is None
    assert list(other.tags.all()) == [tag]
    assert not survivor.tags.exists()
    assert Membership.objects.get(person=person).organization == other
    with pytest.raises(ValidationError):
        merge.merge_undo(actor=seller, merge=done)


def test_only_someone_who_may_edit_every_record_merges(seller, outsider, teammate):
    mine = _org(seller, "Mine Oy")
    theirs = _org(outsider, "Theirs Oy")

    with pytest.raises(PermissionDenied):
        merge.record_merge(actor=seller, survivor=mine, others=[theirs])
    assert Organization.objects.filter(pk=theirs.pk).exists()


def test_people_merge_and_keep_their_jobs(seller):
    company = _org(seller, "Kahvila Oy")
    first = services.person_create(
        actor=seller, values={"first_name": "Liisa", "last_name": "Aalto"}, organization=company
    )
    second = services.person_create(
        actor=seller,
        values={"first_name": "Liisa", "last_name": "Aalto", "email": "liisa@kahvila.fi"},
        allow_duplicate=True,
    )

    merge.record_merge(actor=seller, survivor=first, others=[second])

    first.refresh_from_db()
    assert first.email == "liisa@kahvila.fi"
    assert not Person.objects.filter(pk=second.pk).exists()


# --- Conservation, over random record graphs ------------------------------------------------------


def _link_state(org_ids: list[int]) -> dict[str, Any]:
    return {
        "memberships": sorted(
            Membership.objects.filter(organization_id__in=org_ids).values_list(
                "pk", "person_id", "organization_id"
            )
        ),
        "tags": sorted(
            Organization.tags.through.objects.filter(organization_id__in=org_ids).values_list(
                "organization_id", "tag_id"
            )
        ),
        "types": sorted(
            Organization.relationship_types.through.objects.filter(
                organization_id__in=org_ids
            ).values_list("organization_id", "relationshiptype_id")
        ),
        "children": sorted(
            Organization.all_objects.filter(parent_id__in=org_ids).values_list("pk", "parent_id")
        ),
        "history": sorted(
            HistoryEntry.objects.filter(
                content_type__model="organization", object_id__in=[str(i) for i in org_ids]
            )
            .exclude(event__in=["merged", "merge_undone"])
            .exclude(action__in=["deleted", "restored"])
            .values_list("pk", "object_id")
        ),
        "records": sorted(
            Organization.all_objects.filter(pk__in=org_ids).values_list(
                "pk", "name", "email", "phone", "city", "parent_id", "deleted_at"
            )
        ),
    }


graphs = st.fixed_dictionaries(
    {
        "records": st.integers(min_value=2, max_value=4),
        "people": st.lists(st.integers(min_value=0, max_value=3), max_size=5),
        "tags": st.lists(st.sets(st.integers(min_value=0, max_value=2)), min_size=4, max_size=4),
        "types": st.lists(st.sets(st.integers(min_value=0, max_value=2)), min_size=4, max_size=4),
        "children": st.lists(st.integers(min_value=0, max_value=3), max_size=3),
        "emails": st.lists(st.sampled_from(["", "a@x.fi", "b@x.fi"]), min_size=4, max_size=4),
    }
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(graph=graphs)
def test_merge_conserves_every_link_and_undo_restores_exactly(seller, graph):
    tags = [Tag.objects.get_or_create(name=f"tag {i}")[0] for i in range(3)]
    types = list(RelationshipType.objects.order_by("pk")[:3])
    records = [
        _org(
            seller,
            f"Org {i}",
            email=graph["emails"][i],
            tags=[tags[t] for t in graph["tags"][i]],
            relationship_types=[types[t] for t in graph["types"][i]],
        )
        for i in range(graph["records"])
    ]
    ids = [r.pk for r in records]
    for index in graph["people"]:
        target = records[index % len(records)]
        services.person_create(
            actor=seller, values={"last_name": "P"}, organization=target, allow_duplicate=True
        )
    for index in graph["children"]:
        _org(seller, "Child", parent=records[index % len(records)])
    before = _link_state(ids)

    done = merge.record_merge(actor=seller, survivor=records[0], others=records[1:])

    merged = _link_state(ids)
    assert len(merged["memberships"]) == len(before["memberships"])
    assert {m[2] for m in merged["memberships"]} <= {ids[0]}
    assert {t[1] for t in merged["tags"]} == {t[1] for t in before["tags"]}
    assert {t[0] for t in merged["tags"]} <= {ids[0]}
    assert {t[1] for t in merged["types"]} == {t[1] for t in before["types"]}
    assert [c[0] for c in merged["children"]] == [c[0] for c in before["children"]]
    assert {c[1] for c in merged["children"]} <= {ids[0]}
    assert {h[1] for h in merged["history"]} <= {str(ids[0])}

    merge.merge_undo(actor=seller, merge=done)

    assert _link_state(ids) == before


def test_source_ids_follow_the_merge_so_a_re_import_finds_the_survivor(seller):
    survivor = _org(seller, "Virtanen Oy")
    other = _org(seller, "Virtanen")
    source_id = ExternalId.objects.create(
        source="erp",
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=other.pk,
        external_id="C-1001",
    )

    done = merge.record_merge(actor=seller, survivor=survivor, others=[other])
    source_id.refresh_from_db()
    assert source_id.object_id == survivor.pk

    merge.merge_undo(actor=seller, merge=done)
    source_id.refresh_from_db()
    assert source_id.object_id == other.pk
