from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampo.activities.models import Activity
from sampo.contacts import services as contacts
from sampo.contacts.models import Organization, Tag
from sampo.sales import services
from sampo.sales.models import LostReason, Opportunity, Pipeline, ProductInterest, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(sales_team) -> Pipeline:
    """The seeded pipeline, worked by the sales team."""
    seeded = Pipeline.objects.get(name="Sales")
    seeded.team = sales_team
    seeded.save(update_fields=["team"])
    return seeded


@pytest.fixture
def stages(pipeline) -> list:
    return list(pipeline.stages.order_by("position", "id"))


def _opportunity(owner, title="Kevään toimitus", **values):
    return services.opportunity_create(actor=owner, values={"title": title, **values})


def _if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


# --- Create, read, change, trash -------------------------------------------------------------


def test_it_quick_creates_with_just_a_title_and_the_services_defaults(seller, stages, api_as):
    api = api_as(seller)

    created = api.post("/opportunities", {"title": "  Messuilla   tavattu "})

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"] == "Messuilla tavattu"
    assert body["kind"] == "opportunity"
    assert body["status"] == "open"
    assert body["stage_id"] == stages[0].pk
    assert body["pipeline_id"] == stages[0].pipeline_id
    assert body["probability"] == stages[0].probability
    assert body["owner_id"] == seller.pk
    assert body["team_id"] is not None
    assert body["expected_revenue"] is None
    assert created["ETag"] == '"1"'
    assert created["Location"].endswith(f"/opportunities/{body['id']}")
    assert api.get(f"/opportunities/{body['id']}").json() == body


def test_it_keeps_money_a_decimal_string_with_its_currency(seller, stages, api_as):
    Tag.objects.create(name="VIP")
    organization = contacts.organization_create(actor=seller, values={"name": "Kallio Oy"})
    api = api_as(seller)

    created = api.post(
        "/opportunities",
        {
            "title": "Katto",
            "expected_revenue": "12500.5",
            "currency": "huf",
            "probability": 40,
            "stage_id": stages[2].pk,
            "organization_id": organization.pk,
            "tags": ["VIP"],
            "source": "referral",
            "expected_close_date": "2027-03-31",
            "priority": 2,
        },
    ).json()

    assert created["expected_revenue"] == "12500.50"
    assert created["currency"] == "HUF"
    assert created["weighted_value"] == "5000.20"
    assert created["probability_overridden"] is True
    assert created["stage_id"] == stages[2].pk
    assert created["organization_id"] == organization.pk
    assert created["tags"] == ["VIP"]
    assert created["source"] == "referral"
    assert created["expected_close_date"] == "2027-03-31"
    assert Opportunity.objects.get().expected_revenue == pytest.approx(12500.5)


@pytest.mark.parametrize(
    "body",
    [
        {"title": "X", "source": "nope"},
        {"title": "X", "organization_id": 999_999},
        {"title": "X", "owner_id": 999_999},
        {"title": "X", "stage_id": 999_999},
        {"title": "X", "tags": ["nope"]},
        {"title": "X", "expected_revenue": "12,5"},
        {"title": "X", "expected_revenue": "NaN"},
        {"title": "X", "currency": "E1"},
        {"title": "X", "priority": 9},
        {"title": "X", "expected_close_date": "31.12.2026"},
        {"title": "   "},
        {"title": 5},
        {"title": "Katto\x00"},
        {"title": "X", "tags": ["\x00"]},
        {"title": "X", "owner_id": 10**30},
    ],
)
def test_it_answers_bad_input_with_a_422_problem_and_saves_nothing(seller, stages, api_as, body):
    response = api_as(seller).post("/opportunities", body)

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]
    assert not Opportunity.all_objects.exists()


def test_it_refuses_a_stage_of_another_pipeline_with_the_services_message(admin, stages, api_as):
    other = services.pipeline_create(actor=admin, name="Kumppanit")

    response = api_as(admin).post(
        "/opportunities", {"title": "X", "pipeline_id": other.pk, "stage_id": stages[0].pk}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stage"


def test_it_changes_fields_and_refuses_a_stale_if_match_with_412(seller, stages, api_as):
    opportunity = _opportunity(seller)
    api = api_as(seller)

    changed = api.patch(
        f"/opportunities/{opportunity.pk}",
        {"expected_revenue": 900, "description": "Kaksi kattoa"},
        **_if_match(1),
    )
    stale = api.patch(f"/opportunities/{opportunity.pk}", {"title": "Vanha"}, **_if_match(1))

    assert changed.status_code == 200, changed.content
    assert changed["ETag"] == '"2"'
    assert changed.json()["expected_revenue"] == "900.00"
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert stale["ETag"] == '"2"'
    opportunity.refresh_from_db()
    assert opportunity.title == "Kevään toimitus"


def test_a_null_probability_goes_back_to_the_stages_default(seller, stages, api_as):
    opportunity = _opportunity(seller, probability=90)

    body = api_as(seller).patch(f"/opportunities/{opportunity.pk}", {"probability": None}).json()

    assert body["probability"] == stages[0].probability
    assert body["probability_overridden"] is False


def test_delete_moves_it_to_the_trash(seller, stages, api_as):
    opportunity = _opportunity(seller)
    api = api_as(seller)

    assert api.delete(f"/opportunities/{opportunity.pk}", **_if_match(5)).status_code == 412
    assert api.delete(f"/opportunities/{opportunity.pk}").status_code == 204

    assert Opportunity.all_objects.get().deleted_at is not None
    assert api.get(f"/opportunities/{opportunity.pk}").status_code == 404


# --- Actions ---------------------------------------------------------------------------------


def test_the_actions_move_win_lose_postpone_and_reopen_with_new_etags(seller, stages, api_as):
    opportunity = _opportunity(seller)
    api = api_as(seller)
    url = f"/opportunities/{opportunity.pk}"

    moved = api.post(f"{url}/move", {"stage_id": stages[1].pk}, **_if_match(1))
    assert moved.status_code == 200, moved.content
    assert moved["ETag"] == '"2"'
    assert moved.json()["stage_id"] == stages[1].pk
    assert moved.json()["probability"] == stages[1].probability
    assert StageChange.objects.filter(opportunity=opportunity).count() == 2

    won = api.post(f"{url}/win", {}, **_if_match(2))
    assert won.json()["status"] == "won"
    assert won.json()["closed_on"] == timezone.localdate().isoformat()
    assert won["ETag"] == '"3"'

    reopened = api.post(f"{url}/reopen", {})
    assert reopened.json()["status"] == "open"

    lost = api.post(f"{url}/lose", {"reason": "price", "note": " Liian kallis "})
    assert lost.json()["lost_reason"] == "price"
    assert lost.json()["lost_note"] == "Liian kallis"
    api.post(f"{url}/reopen", {})
    by_id = api.post(f"{url}/lose", {"reason": LostReason.objects.get(code="timing").pk})
    assert by_id.json()["lost_reason"] == "timing"
    api.post(f"{url}/reopen", {})

    until = timezone.localdate() + datetime.timedelta(days=30)
    postponed = api.post(f"{url}/postpone", {"until": until.isoformat(), "note": "Soita"})
    assert postponed.json()["status"] == "postponed"
    assert postponed.json()["postponed_until"] == until.isoformat()
    assert Activity.objects.filter(regarding_id=opportunity.pk, day=until).exists()


def test_an_invalid_transition_is_a_422_problem_with_the_services_message(seller, stages, api_as):
    opportunity = _opportunity(seller)
    api = api_as(seller)
    url = f"/opportunities/{opportunity.pk}"
    api.post(f"{url}/win", {})

    again = api.post(f"{url}/win", {})
    move = api.post(f"{url}/move", {"stage_id": stages[2].pk})
    past = api.post(f"{url}/postpone", {"until": "2020-01-01"})
    reason = api.post(f"{url}/lose", {"reason": "nope"})
    huge = api.post(f"{url}/lose", {"reason": 10**30})
    stale = api.post(f"{url}/reopen", {}, **_if_match(1))

    assert again.status_code == 422
    assert again.json()["errors"][0]["message"] == "This opportunity is already won."
    assert move.status_code == 422
    assert "Reopen it first" in move.json()["errors"][0]["message"]
    assert past.status_code == 422
    assert reason.status_code == 422
    assert reason.json()["errors"][0]["field"] == "reason"
    assert huge.status_code == 422
    assert stale.status_code == 412
    opportunity.refresh_from_db()
    assert opportunity.status == "won"
    assert opportunity.version == 2


def test_a_move_into_an_unknown_stage_is_a_field_error(seller, stages, api_as):
    opportunity = _opportunity(seller)

    response = api_as(seller).post(f"/opportunities/{opportunity.pk}/move", {"stage_id": 999_999})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "stage_id"


def test_it_qualifies_a_lead_and_answers_409_with_the_likely_duplicates(
    seller, pipeline, stages, api_as
):
    pipeline.uses_leads = True
    pipeline.save(update_fields=["uses_leads"])
    existing = contacts.organization_create(
        actor=seller, values={"name": "Kallio Oy", "email": "info@kallio.fi"}
    )
    contacts.person_create(
        actor=seller, values={"first_name": "Kaisa", "last_name": "Kallio", "email": "k@kallio.fi"}
    )
    api = api_as(seller)
    lead = api.post("/opportunities", {"title": "Verkkolomake", "company_name": "X"}).json()
    assert lead["kind"] == "lead"
    assert lead["stage_id"] is None
    url = f"/opportunities/{lead['id']}/qualify"

    duplicate = api.post(url, {"new_person": {"last_name": "Kallio", "email": "K@kallio.fi"}})
    qualified = api.post(
        url, {"organization_id": existing.pk, "stage_id": stages[1].pk}, **_if_match(1)
    )

    assert duplicate.status_code == 409, duplicate.content
    assert duplicate.json()["matches"]
    assert qualified.status_code == 200, qualified.content
    assert qualified.json()["kind"] == "opportunity"
    assert qualified.json()["stage_id"] == stages[1].pk
    assert qualified.json()["organization_id"] == existing.pk
    assert qualified["ETag"] == '"2"'
    assert api.post(url, {}).status_code == 422  # an opportunity already


# --- Rights ----------------------------------------------------------------------------------


def test_a_salesperson_sees_404_for_an_opportunity_outside_their_teams(
    seller, outsider, admin, stages, api_as
):
    elsewhere = services.pipeline_create(actor=admin, name="Muut")
    theirs = _opportunity(outsider, "Ulkopuolisen kauppa", pipeline=elsewhere)
    mine = _opportunity(seller, "Oma kauppa")
    api = api_as(seller)

    listed = api.get("/opportunities").json()["items"]

    assert [item["id"] for item in listed] == [mine.pk]
    assert api.get(f"/opportunities/{theirs.pk}").status_code == 404
    assert api.patch(f"/opportunities/{theirs.pk}", {"title": "Minun"}).status_code == 404
    assert api.post(f"/opportunities/{theirs.pk}/win", {}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) == ("Ulkopuolisen kauppa", "open")


def test_a_salesperson_reads_a_teammates_opportunity_but_gets_403_on_changing_it(
    seller, teammate, stages, api_as
):
    theirs = _opportunity(teammate)
    api = api_as(seller)

    assert api.get(f"/opportunities/{theirs.pk}").status_code == 200
    refused = [
        api.patch(f"/opportunities/{theirs.pk}", {"title": "Minun"}),
        api.post(f"/opportunities/{theirs.pk}/move", {"stage_id": stages[1].pk}),
        api.post(f"/opportunities/{theirs.pk}/lose", {"reason": "price"}),
        api.delete(f"/opportunities/{theirs.pk}"),
    ]

    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    theirs.refresh_from_db()
    assert theirs.version == 1


def test_a_read_token_cannot_write(admin, stages, api_as):
    opportunity = _opportunity(admin)
    api = api_as(admin, scope="read")

    assert api.post("/opportunities", {"title": "X"}).status_code == 403
    assert api.post(f"/opportunities/{opportunity.pk}/win", {}).status_code == 403
    assert api.post("/opportunities/bulk", {"source": "erp", "items": []}).status_code == 403
    assert Opportunity.objects.get().status == "open"


# --- Lists -----------------------------------------------------------------------------------


def test_it_pages_with_a_cursor_without_repeating_or_missing_rows(admin, stages, api_as):
    amounts = [None, 100, 100, 50, None, 300, 100]
    made = [_opportunity(admin, f"Kauppa {n}", expected_revenue=a) for n, a in enumerate(amounts)]
    api = api_as(admin)

    seen, cursor = [], None
    while True:
        params = {"limit": 2, "sort": "-expected_revenue", **({"cursor": cursor} if cursor else {})}
        page = api.get("/opportunities", params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    by_amount = sorted(
        made, key=lambda o: (o.expected_revenue is None, -(o.expected_revenue or 0), -o.pk)
    )
    assert seen == [o.pk for o in by_amount]


def test_it_filters_by_stage_status_owner_priority_tag_and_close_dates(
    seller, teammate, stages, api_as
):
    vip = Tag.objects.create(name="VIP")
    first = _opportunity(seller, "A", expected_close_date=datetime.date(2027, 1, 15), priority=3)
    second = _opportunity(teammate, "B", stage=stages[1], tags=[vip])
    won = _opportunity(seller, "C")
    services.opportunity_mark_won(actor=seller, opportunity=won)
    api = api_as(seller)

    def ids(**params):
        response = api.get("/opportunities", params)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids() == {first.pk, second.pk, won.pk}
    assert ids(stage_id=stages[1].pk) == {second.pk}
    assert ids(status="won") == {won.pk}
    assert ids(status="open", owner_id=seller.pk) == {first.pk}
    assert ids(priority=3) == {first.pk}
    assert ids(tag="VIP") == {second.pk}
    assert ids(close_date_from="2027-01-01", close_date_to="2027-01-31") == {first.pk}
    assert ids(pipeline_id=stages[0].pipeline_id, kind="opportunity") == {
        first.pk,
        second.pk,
        won.pk,
    }
    assert ids(stage_id=999_999) == set()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"sort": "title;drop table"}, 400),
        ({"sort": "owner"}, 400),
        ({"tag": "nope"}, 400),
        ({"cursor": "abc"}, 400),
        ({"status": "maybe"}, 422),
        ({"close_date_from": "tomorrow"}, 422),
        ({"stage_id": "x"}, 422),
        ({"limit": 0}, 422),
        ({"search": "a\x00b"}, 422),
        ({"owner_id": 10**30}, 422),
    ],
)
def test_it_answers_bad_list_parameters_with_a_problem(admin, api_as, params, status):
    response = api_as(admin).get("/opportunities", params)

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


def test_updated_since_returns_the_changed_ones_trashed_included(admin, stages, api_as):
    old = _opportunity(admin, "Vanha")
    Opportunity.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    kept = _opportunity(admin, "Uusi")
    trashed = _opportunity(admin, "Roskiin")
    services.opportunity_trash(actor=admin, opportunity=trashed)
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat()

    body = api_as(admin).get("/opportunities", {"updated_since": since}).json()

    assert [item["id"] for item in body["items"]] == [kept.pk, trashed.pk]
    assert body["items"][1]["deleted_at"] is not None
    assert body["sync_from"] is not None


def _list_queries(api, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/opportunities", params)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_list_costs_the_same_queries_for_1_and_50_rows(seller, stages, api_as):
    vip = Tag.objects.create(name="VIP")
    organization = Organization.objects.create(name="Kallio Oy", owner=seller)
    _opportunity(seller, "Ensimmäinen", tags=[vip], source=None, organization=organization)
    api = api_as(seller)
    api.get("/opportunities")  # the token's first use is recorded once
    one = _list_queries(api, {"limit": 100})

    lost = LostReason.objects.get(code="price")
    for n in range(49):
        o = _opportunity(seller, f"Kauppa {n}", tags=[vip], organization=organization)
        services.opportunity_mark_lost(actor=seller, opportunity=o, reason=lost)
    fifty = _list_queries(api, {"limit": 100})

    assert len(api.get("/opportunities", {"limit": 100}).json()["items"]) == 50
    assert fifty == one


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test table is tiny, where scanning it all is cheapest; ask what the planner
            # can do with the indexes (a sort would still show, it is only made costly).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("persona", "query", "index"),
    [
        ("admin", "stage", "opp_stage_created_idx"),
        ("seller", "stage", "opp_stage_created_idx"),
        ("admin", "sync", "opp_updated_idx"),
    ],
)
def test_a_stages_newest_first_list_and_a_sync_read_an_index_in_order(
    request, persona, query, index, stages, api_as
):
    user = request.getfixturevalue(persona)
    for n in range(3):
        _opportunity(user, f"Kauppa {n}")
    api = api_as(user)
    params = (
        {"stage_id": stages[0].pk, "sort": "-created_at", "limit": 80}
        if query == "stage"
        else {"updated_since": "2020-01-01T00:00:00Z"}
    )

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/opportunities", params)
    assert len(response.json()["items"]) == 3
    (listing,) = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "sales_opportunity"' in q["sql"] and "ORDER BY" in q["sql"]
    ]

    plan = _plan(listing)

    assert index in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    assert "Sort" not in plan, plan


# --- Bulk ------------------------------------------------------------------------------------


def test_bulk_upsert_is_idempotent(seller, stages, api_as):
    api = api_as(seller)
    batch = {
        "source": "erp",
        "items": [
            {
                "external_id": "T-1",
                "title": "Katto  Oy:lle",
                "expected_revenue": "1000",
                "email": "Info@Kallio.FI",
                "currency": "eur",
            },
            {"external_id": "T-2", "title": "Seinät", "stage_id": stages[1].pk, "priority": 1},
            {"external_id": "T-3", "title": "Huono", "source": "nope"},
            {"external_id": "T-4"},
        ],
    }

    first = api.post("/opportunities/bulk", batch).json()["results"]
    second = api.post("/opportunities/bulk", batch).json()["results"]

    assert [r["status"] for r in first] == ["created", "created", "error", "error"]
    assert [r["status"] for r in second] == ["unchanged", "unchanged", "error", "error"]
    assert first[2]["errors"][0]["field"] == "source"
    assert Opportunity.objects.count() == 2
    assert all(o.version == 1 for o in Opportunity.objects.all())
    assert [r["id"] for r in second[:2]] == [r["id"] for r in first[:2]]


def test_bulk_upsert_updates_changed_values_and_moves_the_stage(seller, stages, api_as):
    api = api_as(seller)
    item = {"external_id": "T-1", "title": "Katto", "expected_revenue": "1000"}
    created = api.post("/opportunities/bulk", {"source": "erp", "items": [item]}).json()

    changed = {**item, "expected_revenue": "1500.00", "stage_id": stages[2].pk}
    updated = api.post("/opportunities/bulk", {"source": "erp", "items": [changed]}).json()
    other_source = api.post("/opportunities/bulk", {"source": "shop", "items": [item]}).json()

    assert updated["results"][0]["status"] == "updated"
    assert updated["results"][0]["id"] == created["results"][0]["id"]
    opportunity = Opportunity.objects.get(pk=created["results"][0]["id"])
    assert opportunity.expected_revenue == 1500
    assert opportunity.stage_id == stages[2].pk
    assert StageChange.objects.filter(opportunity=opportunity).count() == 2
    assert other_source["results"][0]["status"] == "created"


def test_bulk_upsert_refuses_others_records_per_item(seller, outsider, teammate, stages, api_as):
    api_as(teammate).post(
        "/opportunities/bulk", {"source": "erp", "items": [{"external_id": "T", "title": "A"}]}
    )

    result = api_as(seller).post(
        "/opportunities/bulk", {"source": "erp", "items": [{"external_id": "T", "title": "B"}]}
    )

    assert result.json()["results"][0]["status"] == "error"
    assert Opportunity.objects.get().title == "A"


# --- Pipelines and lists ---------------------------------------------------------------------


def test_it_lists_pipelines_with_their_stages_in_order(seller, admin, stages, api_as):
    other = services.pipeline_create(actor=admin, name="Kumppanit", stages=[("Alku", 5)])
    api = api_as(seller)

    items = api.get("/pipelines").json()["items"]
    read = api.get(f"/pipelines/{stages[0].pipeline_id}").json()
    listed = api.get(f"/pipelines/{other.pk}/stages").json()["items"]

    assert [p["id"] for p in items] == [stages[0].pipeline_id, other.pk]
    assert [s["id"] for s in read["stages"]] == [s.pk for s in stages]
    assert read["stages"][0] == {
        "id": stages[0].pk,
        "name": "Qualification",
        "position": stages[0].position,
        "probability": stages[0].probability,
        "kind": "open",
    }
    assert [(s["name"], s["probability"]) for s in listed] == [("Alku", 5)]
    assert api.get("/pipelines/999999").status_code == 404
    assert api.get("/pipelines/999999/stages").status_code == 404


def test_the_pipeline_list_costs_the_same_queries_for_1_and_5_pipelines(admin, stages, api_as):
    api = api_as(admin)
    api.get("/pipelines")
    with CaptureQueriesContext(connection) as one:
        api.get("/pipelines")
    for n in range(4):
        services.pipeline_create(actor=admin, name=f"Putki {n}")
    with CaptureQueriesContext(connection) as five:
        assert len(api.get("/pipelines").json()["items"]) == 5

    assert len(five.captured_queries) == len(one.captured_queries)


def test_it_lists_lost_reasons_lead_sources_and_product_interests_translated(seller, admin, api_as):
    services.choice_create(actor=admin, model=ProductInterest, name="Katot")
    api = api_as(seller)

    reasons = api.get("/lost-reasons", **{"Accept-Language": "fi"}).json()["items"]
    sources = api.get("/lead-sources").json()["items"]
    interests = api.get("/product-interests").json()["items"]

    assert {"code": "price", "name": "Hinta"}.items() <= next(
        r for r in reasons if r["code"] == "price"
    ).items()
    assert "referral" in [s["code"] for s in sources]
    assert [i["name"] for i in interests] == ["Katot"]
