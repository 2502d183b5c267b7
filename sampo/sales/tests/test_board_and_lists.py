from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from sampo.activities.models import Activity
from sampo.activities.services import activity_schedule
from sampo.contacts import services as contacts
from sampo.contacts.models import Tag
from sampo.sales import selectors, services
from sampo.sales.models import Opportunity


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _many(seller, make_opportunity, organization, stages, call_type, count: int) -> None:
    tag = Tag.objects.create(name=f"Tag {count}")
    for n in range(count):
        opportunity = make_opportunity(
            seller,
            f"Deal {n}",
            organization=organization,
            stage=stages[n % len(stages)],
            expected_revenue=Decimal(1000 + n),
            tags=[tag],
        )
        if n % 2:
            activity_schedule(
                actor=seller,
                type=call_type,
                subject="Next",
                day=timezone.localdate(),
                regarding=opportunity,
            )


def test_the_board_needs_the_same_queries_for_one_opportunity_and_fifty(
    client, seller, make_opportunity, organization, pipeline, stages, call_type
):
    _many(seller, make_opportunity, organization, stages, call_type, 1)
    client.force_login(seller)
    one = _queries(client, f"/sales/pipelines/{pipeline.pk}/")
    _many(seller, make_opportunity, organization, stages, call_type, 50)

    assert _queries(client, f"/sales/pipelines/{pipeline.pk}/") == one


def test_the_list_needs_the_same_queries_for_one_opportunity_and_fifty(
    client, seller, make_opportunity, organization, stages, call_type
):
    _many(seller, make_opportunity, organization, stages, call_type, 1)
    client.force_login(seller)
    one = _queries(client, "/sales/opportunities/")
    _many(seller, make_opportunity, organization, stages, call_type, 50)

    assert _queries(client, "/sales/opportunities/") == one


def test_a_column_counts_and_sums_per_currency_with_the_weighted_sum(
    seller, make_opportunity, pipeline, stages
):
    make_opportunity(seller, "A", expected_revenue=Decimal("1000"), probability=50)
    make_opportunity(seller, "B", expected_revenue=Decimal("3000"))  # stage default 10 %
    make_opportunity(seller, "C", expected_revenue=Decimal("2000000"), currency="HUF")
    make_opportunity(seller, "D")  # no value yet
    lost = make_opportunity(seller, "Lost one", expected_revenue=Decimal("99"))
    services.opportunity_mark_won(actor=seller, opportunity=lost)

    first = selectors.pipeline_board(user=seller, pipeline=pipeline, filters=selectors.Filters())[0]

    assert first.count == 4
    assert [(t.currency, t.amount, t.weighted) for t in first.totals] == [
        ("EUR", Decimal("4000"), Decimal("800.00")),
        ("HUF", Decimal("2000000"), Decimal("200000.00")),
    ]


def test_long_columns_load_their_next_cards_later(client, seller, make_opportunity, pipeline):
    for n in range(25):
        make_opportunity(seller, f"Deal {n:02d}", expected_close_date=datetime.date(2027, 1, n + 1))
    client.force_login(seller)

    board = client.get(f"/sales/pipelines/{pipeline.pk}/")
    column = board.context["columns"][0]
    rest = client.get(f"/sales/pipelines/{pipeline.pk}/columns/{column.stage.pk}/", {"offset": 20})

    assert (len(column.cards), column.count, column.has_more) == (20, 25, True)
    assert [c.title for c in rest.context["cards"]] == [f"Deal {n}" for n in range(20, 25)]
    assert not rest.context["has_more"]


def test_the_board_sorts_by_next_activity_with_the_ones_without_first(
    seller, make_opportunity, pipeline, call_type
):
    later, sooner, _none = (make_opportunity(seller, t) for t in ("Later", "Sooner", "None"))
    for opportunity, days in ((later, 9), (sooner, 2)):
        activity_schedule(
            actor=seller,
            type=call_type,
            subject="x",
            day=timezone.localdate() + datetime.timedelta(days=days),
            regarding=opportunity,
        )

    column = selectors.pipeline_board(
        user=seller, pipeline=pipeline, filters=selectors.Filters(sort="next_activity")
    )[0]

    assert [c.title for c in column.cards] == ["None", "Sooner", "Later"]


def test_the_board_warns_about_cards_without_a_next_step(
    client, seller, make_opportunity, pipeline
):
    make_opportunity(seller, "Forgotten deal")
    client.force_login(seller)

    page = client.get(f"/sales/pipelines/{pipeline.pk}/").content.decode()

    assert 'data-testid="no-next-step"' in page


def test_the_board_filters_mine_and_by_tag(client, seller, teammate, make_opportunity, pipeline):
    tag = Tag.objects.create(name="Hot")
    make_opportunity(seller, "Mine", tags=[tag])
    make_opportunity(teammate, "Theirs")
    client.force_login(seller)

    mine = client.get(f"/sales/pipelines/{pipeline.pk}/", {"mine": "1"}).context["columns"][0]
    tagged = client.get(f"/sales/pipelines/{pipeline.pk}/", {"tag": tag.pk}).context["columns"][0]
    everyone = client.get(f"/sales/pipelines/{pipeline.pk}/").context["columns"][0]

    assert [c.title for c in mine.cards] == ["Mine"]
    assert [c.title for c in tagged.cards] == ["Mine"]
    assert sorted(c.title for c in everyone.cards) == ["Mine", "Theirs"]


def test_a_move_from_the_board_answers_with_the_new_version_and_column_heads(
    client, seller, make_opportunity, stages
):
    opportunity = make_opportunity(seller, expected_revenue=Decimal("5000"))
    client.force_login(seller)

    response = client.post(
        f"/sales/opportunities/{opportunity.pk}/move/",
        {"stage": stages[1].pk, "version": 1},
        headers={"Accept": "application/json"},
    )

    answer = response.json()
    assert response.status_code == 200
    assert answer["version"] == 2
    assert (
        "5,000.00" in answer["heads"][str(stages[1].pk)]
        or "5 000" in answer["heads"][str(stages[1].pk)]
    )
    assert Opportunity.objects.get(pk=opportunity.pk).stage == stages[1]


def test_a_refused_board_move_says_to_plan_the_next_step(
    client, seller, make_opportunity, pipeline, stages
):
    pipeline.requires_next_step = True
    pipeline.save(update_fields=["requires_next_step"])
    opportunity = make_opportunity(seller)
    client.force_login(seller)

    response = client.post(
        f"/sales/opportunities/{opportunity.pk}/move/",
        {"stage": stages[1].pk, "version": 1},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 409
    assert "Plan the next step first" in response.json()["error"]
    assert f"regarding=sales.opportunity%3A{opportunity.pk}" in response.json()["plan_url"]


def test_a_stale_board_move_is_refused(client, seller, make_opportunity, stages):
    opportunity = make_opportunity(seller)
    services.opportunity_update(
        actor=seller, opportunity=opportunity, values={"title": "x"}, expected_version=1
    )
    client.force_login(seller)

    response = client.post(
        f"/sales/opportunities/{opportunity.pk}/move/",
        {"stage": stages[1].pk, "version": 1},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 409
    assert "Someone else changed" in response.json()["error"]


def test_the_list_pages_without_counting_the_table(client, seller, make_opportunity):
    for n in range(51):
        make_opportunity(seller, f"Deal {n}")
    client.force_login(seller)

    first = client.get("/sales/opportunities/").context["page"]
    second = client.get("/sales/opportunities/", {"page": 2}).context["page"]

    assert (len(first.rows), first.has_next) == (50, True)
    assert (len(second.rows), second.has_next) == (1, False)


def test_the_list_filters_by_status_and_close_date(client, seller, make_opportunity):
    make_opportunity(seller, "Soon", expected_close_date=datetime.date(2027, 1, 10))
    make_opportunity(seller, "Later", expected_close_date=datetime.date(2027, 6, 1))
    services.opportunity_mark_won(actor=seller, opportunity=make_opportunity(seller, "Done deal"))
    client.force_login(seller)

    def titles(**query):
        return [o.title for o in client.get("/sales/opportunities/", query).context["page"].rows]

    assert sorted(titles()) == ["Later", "Soon"]
    assert titles(status="won") == ["Done deal"]
    assert titles(close_before="2027-02-01") == ["Soon"]


def test_the_csv_export_holds_the_filtered_list(client, seller, make_opportunity):
    make_opportunity(seller, "=Exported deal", expected_revenue=Decimal("1200.50"))
    services.opportunity_mark_won(actor=seller, opportunity=make_opportunity(seller, "Won one"))
    client.force_login(seller)

    response = client.get("/sales/opportunities/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    assert response["Content-Disposition"].startswith('attachment; filename="opportunities-')
    assert "'=Exported deal" in text
    assert "1200.50" in text
    assert "Won one" not in text


def test_the_xlsx_export_opens(client, seller, make_opportunity):
    make_opportunity(seller, "Deal", expected_revenue=Decimal("10"))
    client.force_login(seller)

    sheet = load_workbook(io.BytesIO(client.get("/sales/opportunities/export.xlsx").content)).active

    assert sheet["A1"].value == "Title"
    assert sheet["A2"].value == "Deal"


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("admin", True),
        ("manager", True),
        ("seller", True),
        ("teammate", True),
        ("outsider", False),
        ("viewer", True),
    ],
)
def test_who_sees_a_sellers_opportunity(client, request, persona, sees, seller, make_opportunity):
    opportunity = make_opportunity(seller, "Secret deal")
    client.force_login(request.getfixturevalue(persona))

    detail = client.get(f"/sales/opportunities/{opportunity.pk}/")
    listed = [o.title for o in client.get("/sales/opportunities/").context["page"].rows]
    found = client.get("/search/", {"q": "secret"}).content.decode()

    assert detail.status_code == (200 if sees else 404)
    assert ("Secret deal" in listed) is sees
    assert ("Secret deal" in found) is sees


def test_the_outsider_cannot_plan_an_activity_about_a_hidden_opportunity(
    client, seller, outsider, make_opportunity
):
    opportunity = make_opportunity(seller)
    client.force_login(outsider)

    response = client.get(f"/activities/new/?regarding=sales.opportunity:{opportunity.pk}")

    assert response.status_code == 404


def test_planning_the_next_step_from_the_opportunity_links_the_activity(
    client, seller, make_opportunity, organization, call_type
):
    opportunity = make_opportunity(seller, organization=organization)
    client.force_login(seller)
    url = f"/activities/new/?mode=plan&regarding=sales.opportunity:{opportunity.pk}"

    response = client.post(
        url,
        {
            "type": call_type.pk,
            "subject": "Send the offer",
            "day": timezone.localdate().isoformat(),
            "assignee": seller.pk,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == opportunity.get_absolute_url()
    activity = Activity.objects.get()
    assert (activity.regarding, activity.organization) == (opportunity, organization)
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "Send the offer" in page


def test_the_organization_page_lists_its_open_opportunities_with_a_quick_create(
    client, seller, make_opportunity, organization
):
    make_opportunity(seller, "Roof materials", organization=organization)
    client.force_login(seller)

    page = client.get(f"/organizations/{organization.pk}/").content.decode()
    created = client.post(
        "/sales/opportunities/new/",
        {
            "title": "Second deal",
            "organization": organization.pk,
            "next": f"/organizations/{organization.pk}/",
        },
    )

    assert "Roof materials" in page
    assert 'data-testid="quick-create"' in page
    assert created["Location"] == f"/organizations/{organization.pk}/"
    assert Opportunity.objects.get(title="Second deal").organization == organization


def test_marking_lost_without_a_reason_shows_the_form_again(client, seller, make_opportunity):
    opportunity = make_opportunity(seller)
    client.force_login(seller)

    response = client.post(
        f"/sales/opportunities/{opportunity.pk}/lost/", {"note": "Too pricey", "version": 1}
    )

    assert response.status_code == 400
    assert "Choose why the opportunity was lost." in response.content.decode()
    assert "Too pricey" in response.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).status == "open"


def test_the_edit_form_saves_and_refuses_a_stale_version(client, seller, make_opportunity):
    opportunity = make_opportunity(seller)
    client.force_login(seller)
    form = {
        "title": "Renamed deal",
        "currency": "HUF",
        "expected_revenue": "1500000",
        "priority": 2,
        "owner": seller.pk,
        "version": 1,
    }

    saved = client.post(f"/sales/opportunities/{opportunity.pk}/edit/", form)
    stale = client.post(f"/sales/opportunities/{opportunity.pk}/edit/", {**form, "title": "Other"})

    assert saved.status_code == 302
    current = Opportunity.objects.get(pk=opportunity.pk)
    assert (current.title, current.currency, current.priority) == ("Renamed deal", "HUF", 2)
    assert not current.probability_overridden
    assert stale.status_code == 200
    assert "Someone else changed this record" in stale.content.decode()


def test_a_deleted_opportunity_goes_to_the_trash_and_an_admin_restores_it(
    client, seller, admin, make_opportunity
):
    opportunity = make_opportunity(seller, "Trashed deal")
    client.force_login(seller)
    client.post(f"/sales/opportunities/{opportunity.pk}/delete/")
    assert client.get(opportunity.get_absolute_url()).status_code == 404

    client.force_login(admin)
    trash = client.get("/trash/")
    assert "Trashed deal" in trash.content.decode()
    item = next(i for i in trash.context["items"] if i.record.pk == opportunity.pk)
    client.post(f"/trash/{item.content_type_id}/{opportunity.pk}/restore/")

    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_marking_won_from_a_stale_page_is_refused_with_a_reason(client, seller, make_opportunity):
    opportunity = make_opportunity(seller)
    services.opportunity_update(
        actor=seller, opportunity=opportunity, values={"title": "Changed"}, expected_version=1
    )
    client.force_login(seller)

    response = client.post(f"/sales/opportunities/{opportunity.pk}/won/", {"version": 1})

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).status == "open"


def test_a_quick_create_on_a_person_page_links_the_person_and_their_organization(
    client, seller, pipeline, organization
):
    person = contacts.person_create(
        actor=seller, values={"last_name": "Lehtonen"}, organization=organization
    )
    client.force_login(seller)

    assert 'data-testid="quick-create"' in client.get(f"/people/{person.pk}/").content.decode()
    client.post("/sales/opportunities/new/", {"title": "From the person", "person": person.pk})

    created = Opportunity.objects.get(title="From the person")
    assert (created.person, created.organization) == (person, organization)
    assert "From the person" in client.get(f"/people/{person.pk}/").content.decode()


def test_the_header_search_finds_opportunities_by_a_fragment_of_their_current_title(
    seller, make_opportunity
):
    deal = make_opportunity(seller, "Pörssitalon julkisivu")
    make_opportunity(seller, "Kevään toimitus")

    assert [hit.title for hit in selectors.opportunity_search_hits(seller, "porssitalo", 5)] == [
        "Pörssitalon julkisivu"
    ]
    services.opportunity_update(
        actor=seller,
        opportunity=deal,
        values={"title": "Satama-altaan ruoppaus"},
        expected_version=deal.version,
    )
    assert selectors.opportunity_search_hits(seller, "porssitalo", 5) == []
    assert [hit.title for hit in selectors.opportunity_search_hits(seller, "altaan", 5)] == [
        "Satama-altaan ruoppaus"
    ]


def test_the_api_rows_narrow_by_stage_organization_priority_and_include_the_trash_on_request(
    seller, outsider, make_opportunity, stages, organization
):
    first = make_opportunity(seller, "A", organization=organization, priority=2)
    second = make_opportunity(seller, "B", stage=stages[1])
    trashed = make_opportunity(seller, "C")
    services.opportunity_trash(actor=seller, opportunity=trashed)
    everything = selectors.Filters(status="")

    def ids(**narrowing):
        rows = selectors.opportunity_api_rows(user=seller, filters=everything, **narrowing)
        return set(rows.values_list("pk", flat=True))

    assert ids() == {first.pk, second.pk}
    assert ids(stage=stages[1].pk) == {second.pk}
    assert ids(organization=organization.pk, priority=2) == {first.pk}
    assert ids(trashed_too=True) == {first.pk, second.pk, trashed.pk}
    assert not selectors.opportunity_api_rows(user=outsider, filters=everything).exists()
