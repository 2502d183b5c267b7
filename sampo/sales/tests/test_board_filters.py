"""The board's filters swap the columns in place (htmx) and keep the address in sync."""

from __future__ import annotations

import datetime

from sampo.accounts.models import Team
from sampo.contacts.models import Tag

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}


def test_it_answers_a_filter_change_with_only_the_columns_and_a_clean_address(
    client, seller, teammate, make_opportunity, pipeline
):
    make_opportunity(seller, "Mine")
    make_opportunity(teammate, "Theirs")
    client.force_login(seller)

    response = client.get(
        f"/sales/pipelines/{pipeline.pk}/", {"mine": "1", "owner": "", "tag": ""}, **HTMX
    )

    body = response.content.decode()
    assert next(t.name for t in response.templates) == "sales/_board.html"
    assert body.lstrip().startswith('<div class="board" id="board"')
    assert "<html" not in body
    assert "Mine" in body
    assert "Theirs" not in body
    assert response["HX-Push-Url"] == f"/sales/pipelines/{pipeline.pk}/?mine=1"
    assert "HX-Request" in response["Vary"]


def test_it_keeps_the_filters_on_the_lazy_loaded_columns(
    client, seller, make_opportunity, pipeline
):
    tag = Tag.objects.create(name="Hot")
    for n in range(22):
        make_opportunity(seller, f"Hot {n:02d}", tags=[tag])
    make_opportunity(seller, "Cold")
    client.force_login(seller)

    body = client.get(f"/sales/pipelines/{pipeline.pk}/", {"tag": tag.pk}, **HTMX)
    board = body.content.decode()

    assert f"offset=20&amp;tag={tag.pk}" in board
    assert f'data-filter-query="tag={tag.pk}"' in board
    stage = body.context["columns"][0].stage
    rest = client.get(
        f"/sales/pipelines/{pipeline.pk}/columns/{stage.pk}/", {"offset": 20, "tag": tag.pk}
    )
    assert [c.title for c in rest.context["cards"]] == ["Hot 20", "Hot 21"]


def test_it_filters_by_team_and_close_date_in_place(
    client, seller, outsider, admin, make_opportunity, pipeline, sales_team
):
    make_opportunity(seller, "Spring", expected_close_date=datetime.date(2027, 4, 1))
    make_opportunity(seller, "Autumn", expected_close_date=datetime.date(2027, 10, 1))
    north = Team.objects.create(name="Myynti Pohjoinen")
    make_opportunity(
        outsider, "Elsewhere", team=north, expected_close_date=datetime.date(2027, 4, 2)
    )
    client.force_login(admin)

    def titles(**query: object) -> list[str]:
        response = client.get(f"/sales/pipelines/{pipeline.pk}/", query, **HTMX)
        return sorted(c.title for column in response.context["columns"] for c in column.cards)

    assert titles(team=sales_team.pk) == ["Autumn", "Spring"]
    assert titles(close_after="2027-03-01", close_before="2027-05-01") == ["Elsewhere", "Spring"]


def test_a_plain_request_and_a_history_restore_get_the_whole_page(
    client, seller, make_opportunity, pipeline
):
    make_opportunity(seller, "Mine")
    client.force_login(seller)
    url = f"/sales/pipelines/{pipeline.pk}/?mine=1"

    plain = client.get(url).content.decode()
    restored = client.get(url, HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX).content.decode()

    for page in (plain, restored):
        assert "<html" in page
        assert 'hx-target="#board"' in page
        assert 'name="mine" value="1" checked' in page
