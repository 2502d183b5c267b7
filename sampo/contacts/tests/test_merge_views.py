from __future__ import annotations

from sampo.contacts import services
from sampo.contacts.duplicates import duplicate_pairs
from sampo.contacts.models import Merge, Organization


def _org(actor, name: str, **values):
    return services.organization_create(
        actor=actor, values={"name": name, **values}, allow_duplicate=True
    )


def test_the_report_ranks_pairs_by_what_they_share(client, seller):
    a = _org(seller, "Virtanen Oy", email="info@virtanen.fi", business_id="0112038-9")
    b = _org(seller, "Rakennus Virtanen", email="INFO@virtanen.fi", business_id="FI01120389")
    c = _org(seller, "Kahvila Aalto", city="Turku")
    d = _org(seller, "Kahvila Aalto", city="turku")
    _org(seller, "Unrelated Oy")

    pairs = duplicate_pairs(Organization)

    assert [(p.first.pk, p.second.pk) for p in pairs] == [(a.pk, b.pk), (c.pk, d.pk)]
    assert pairs[0].reasons == ["business_id", "email"]
    assert pairs[0].score == 100
    assert pairs[1].score == 70
    client.force_login(seller)
    page = client.get("/duplicates/organizations/").content.decode()
    assert f"ids={a.pk},{b.pk}" in page


def test_a_value_shared_by_a_crowd_is_not_a_sign_of_one_customer(seller):
    for number in range(21):
        _org(seller, f"Branch {number}", email="switchboard@chain.fi")

    assert duplicate_pairs(Organization) == []


def test_merging_from_the_compare_page_and_undoing_it(client, seller):
    keep = _org(seller, "Virtanen Oy", city="Tampere")
    other = _org(seller, "Rakennus Virtanen Oy", city="Pirkkala")
    client.force_login(seller)
    url = f"/duplicates/organizations/merge/?ids={keep.pk},{other.pk}"
    assert "Pirkkala" in client.get(url).content.decode()

    response = client.post(url, {"survivor": keep.pk, "take_city": other.pk})

    done = Merge.objects.get()
    assert response.url == f"/merges/{done.pk}/"
    keep.refresh_from_db()
    assert keep.city == "Pirkkala"
    assert keep.name == "Virtanen Oy"
    assert not Organization.objects.filter(pk=other.pk).exists()

    client.post(f"/merges/{done.pk}/undo/")

    keep.refresh_from_db()
    assert keep.city == "Tampere"
    assert Organization.objects.filter(pk=other.pk).exists()
    assert "Undone on" in client.get(f"/merges/{done.pk}/").content.decode()


def test_records_of_another_seller_are_not_merged(client, seller, outsider):
    mine = _org(seller, "Virtanen Oy")
    theirs = _org(outsider, "Virtanen Oy")
    client.force_login(seller)

    response = client.post(
        f"/duplicates/organizations/merge/?ids={mine.pk},{theirs.pk}", {"survivor": mine.pk}
    )

    assert "You may merge only records you may edit." in response.content.decode()
    assert Organization.objects.filter(pk=theirs.pk).exists()
    assert not Merge.objects.exists()


def test_a_viewer_gets_no_report_and_an_unknown_kind_is_not_found(client, viewer, seller):
    client.force_login(viewer)
    assert client.get("/duplicates/people/").status_code == 403
    client.force_login(seller)
    assert client.get("/duplicates/robots/").status_code == 404
