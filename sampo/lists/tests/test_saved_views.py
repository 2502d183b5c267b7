from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.accounts.models import Team
from sampo.contacts import services as contacts
from sampo.contacts.models import Tag
from sampo.lists.models import DefaultView, SavedView


def _save(client, key: str = "people", **data: str):
    return client.post(
        f"/lists/{key}/views/new/", {"name": "Tampere VIPs", "sharing": "personal", **data}
    )


def _team_view(owner, team, name: str = "Team VIPs") -> SavedView:
    return SavedView.objects.create(
        owner=owner, list_key="people", name=name, query="q=virtanen", sharing="team", team=team
    )


def test_it_saves_the_filters_and_opening_the_view_restores_them_exactly(client, seller):
    vip = Tag.objects.create(name="VIP")
    client.force_login(seller)
    query = f"q=virtanen&owner={seller.pk}&tag={vip.pk}&sort=-name&columns=email&columns=phone"

    response = _save(client, query=f"{query}&page=3&view=")

    view = SavedView.objects.get()
    assert (view.owner, view.list_key, view.name) == (seller, "people", "Tampere VIPs")
    assert parse_qs(view.query) == parse_qs(query)  # the page is not part of a view
    assert response.status_code == 302
    opened = client.get(f"/lists/people/views/{view.pk}/")
    assert opened.status_code == 302
    url = urlsplit(opened["Location"])
    assert url.path == "/people/"
    assert parse_qs(url.query) == {**parse_qs(query), "view": [str(view.pk)]}
    page = client.get(opened["Location"])
    assert page.context["filters"] == {
        "search": "virtanen",
        "owner": seller.pk,
        "tag": vip.pk,
        "custom": [],  # no custom-field filters in this view
        "sort": "-name",
    }
    assert page.context["current_view"] == view
    assert page.context["list_query"].count("columns=") == 2  # kept for the columns chooser


def test_the_save_form_carries_the_list_query_along(client, seller):
    client.force_login(seller)

    response = client.get("/lists/organizations/views/new/?city=Tampere&sort=city&page=2")

    assert response.status_code == 200
    assert 'value="city=Tampere&amp;sort=city&amp;page=2"' in response.content.decode()


def test_someone_elses_personal_view_is_not_found(client, seller, teammate):
    view = SavedView.objects.create(owner=seller, list_key="people", name="Mine", query="q=a")
    client.force_login(teammate)

    assert client.get(f"/lists/people/views/{view.pk}/").status_code == 404
    assert client.get(f"/lists/people/views/{view.pk}/edit/").status_code == 404
    assert client.post(f"/lists/people/views/{view.pk}/delete/").status_code == 404
    assert (
        client.post(f"/lists/people/views/{view.pk}/default/", {"default": "1"}).status_code == 404
    )
    assert view not in client.get("/people/?view=").context["my_views"]
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_a_team_view_is_seen_by_the_team_only(
    client, seller, teammate, manager, outsider, sales_team
):
    view = _team_view(seller, sales_team)

    for member in (teammate, manager):
        client.force_login(member)
        assert client.get(f"/lists/people/views/{view.pk}/").status_code == 302
        assert view in client.get("/people/?view=").context["shared_views"]
    client.force_login(outsider)
    assert client.get(f"/lists/people/views/{view.pk}/").status_code == 404
    assert view not in client.get("/people/?view=").context["shared_views"]


def test_a_shared_view_is_read_only_for_the_others(client, seller, teammate, sales_team):
    view = _team_view(seller, sales_team)
    client.force_login(teammate)

    assert client.get(f"/lists/people/views/{view.pk}/edit/").status_code == 403
    renamed = client.post(
        f"/lists/people/views/{view.pk}/edit/", {"name": "Mine now", "sharing": "personal"}
    )
    assert renamed.status_code == 403
    assert (
        client.post(f"/lists/people/views/{view.pk}/filters/", {"query": "q=x"}).status_code == 403
    )
    assert client.post(f"/lists/people/views/{view.pk}/delete/").status_code == 403
    view.refresh_from_db()
    assert (view.name, view.query, view.sharing) == ("Team VIPs", "q=virtanen", "team")
    page = client.get(f"/people/?view={view.pk}")
    assert page.context["current_view"] == view
    assert not page.context["can_change_current"]


def test_the_owner_renames_reshares_updates_and_deletes(client, seller, sales_team):
    view = SavedView.objects.create(owner=seller, list_key="people", name="Old", query="q=a")
    client.force_login(seller)

    client.post(
        f"/lists/people/views/{view.pk}/edit/",
        {"name": "  New   name ", "sharing": "team", "team": sales_team.pk},
    )
    client.post(f"/lists/people/views/{view.pk}/filters/", {"query": "q=b&sort=-updated&page=4"})
    view.refresh_from_db()
    assert (view.name, view.sharing, view.team, view.query) == (
        "New name",
        "team",
        sales_team,
        "q=b&sort=-updated",
    )

    response = client.post(f"/lists/people/views/{view.pk}/delete/")
    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_an_admin_may_change_a_shared_view_and_share_with_everyone(
    client, seller, admin, sales_team
):
    view = _team_view(seller, sales_team)
    sales_team.members.add(admin)
    client.force_login(admin)

    client.post(f"/lists/people/views/{view.pk}/edit/", {"name": "For all", "sharing": "everyone"})

    view.refresh_from_db()
    assert (view.name, view.sharing, view.team) == ("For all", "everyone", None)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"sharing": "everyone"}, "sharing"),
        ({"sharing": "team"}, "team"),
        ({"sharing": "galaxy"}, "sharing"),
        ({"query": "q=" + "x" * 2100}, "__all__"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(client, seller, data, field):
    client.force_login(seller)

    response = _save(client, **data)

    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not SavedView.objects.exists()


def test_it_refuses_a_team_the_user_is_not_in(client, outsider, sales_team):
    client.force_login(outsider)

    response = _save(client, sharing="team", team=str(sales_team.pk))

    assert response.context["form"].errors["team"]
    assert not SavedView.objects.exists()


def test_it_refuses_a_name_already_used_on_the_list(client, seller):
    SavedView.objects.create(owner=seller, list_key="people", name="Tampere VIPs")
    client.force_login(seller)

    response = _save(client)

    assert "already have a view" in str(response.context["form"].errors["name"])
    assert SavedView.objects.count() == 1
    assert _save(client, key="organizations").status_code == 302  # another list: fine


def test_an_unknown_list_is_not_found(client, seller):
    client.force_login(seller)

    assert client.get("/lists/secrets/views/new/").status_code == 404
    assert _save(client, key="secrets").status_code == 404


def test_the_list_opens_with_the_default_view(client, seller, teammate, sales_team):
    view = _team_view(teammate, sales_team)
    client.force_login(seller)

    client.post(f"/lists/people/views/{view.pk}/default/", {"default": "1"})

    assert DefaultView.objects.get(user=seller).view == view
    bare = client.get("/people/")
    assert bare.status_code == 302
    assert bare["Location"] == f"/people/?q=virtanen&view={view.pk}"
    assert client.get("/people/?view=").status_code == 200  # "no saved view" stays unfiltered
    client.force_login(teammate)
    assert client.get("/people/").status_code == 200  # the default is seller's own

    client.force_login(seller)
    client.post(f"/lists/people/views/{view.pk}/default/", {"default": "0"})
    assert client.get("/people/").status_code == 200


def test_a_default_view_no_longer_shared_is_not_followed(client, seller, teammate, sales_team):
    view = _team_view(teammate, sales_team)
    DefaultView.objects.create(user=seller, list_key="people", view=view)
    sales_team.members.remove(seller)
    client.force_login(seller)

    assert client.get("/people/").status_code == 200


def test_the_list_pages_show_the_views_menu_and_need_no_more_queries_per_view(client, seller):
    contacts.person_create(actor=seller, values={"last_name": "Virtanen"})
    client.force_login(seller)
    team = Team.objects.create(name="Pohjoinen")
    team.members.add(seller)
    SavedView.objects.create(owner=seller, list_key="people", name="One")
    with CaptureQueriesContext(connection) as one:
        client.get("/people/?view=")
    for n in range(10):
        SavedView.objects.create(
            owner=seller, list_key="people", name=f"View {n}", sharing="team", team=team
        )
    with CaptureQueriesContext(connection) as eleven:
        page = client.get("/people/?view=").content.decode()

    assert len(eleven) == len(one)
    assert "View 9" in page
    assert 'data-testid="bulk-toolbar"' in page
