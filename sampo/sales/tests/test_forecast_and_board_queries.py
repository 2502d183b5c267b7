"""The forecast selector and the query shape of the board, the move and a column's next page
(see BENCHMARKS.md: kanban, stage move, pipeline aggregation)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.core.selectors import history_of
from sampo.sales import selectors, services
from sampo.sales.models import LostReason, Stage


def test_it_forecasts_open_and_won_revenue_by_stage_owner_and_currency(
    seller, teammate, make_opportunity, stages
):
    make_opportunity(seller, "A", stage=stages[0], expected_revenue=Decimal("1000"))  # 10 %
    make_opportunity(teammate, "B", stage=stages[0], expected_revenue=Decimal("3000"))
    won = make_opportunity(seller, "C", stage=stages[1], expected_revenue=Decimal("500"))
    services.opportunity_mark_won(actor=seller, opportunity=won)
    lost = make_opportunity(seller, "D", stage=stages[1], expected_revenue=Decimal("700"))
    services.opportunity_mark_lost(actor=seller, opportunity=lost, reason=_reason())
    make_opportunity(seller, "E", stage=stages[0], expected_revenue=Decimal("9"), currency="HUF")

    by_stage = selectors.pipeline_forecast(user=seller, by=("stage",))
    by_owner = selectors.pipeline_forecast(user=seller, by=("stage", "owner"))

    assert sorted((r.stage_id, r.currency, r.count, r.expected, r.weighted) for r in by_stage) == [
        (stages[0].pk, "EUR", 2, Decimal("4000"), Decimal("400.00")),
        (stages[0].pk, "HUF", 1, Decimal("9"), Decimal("0.90")),
        (stages[1].pk, "EUR", 1, Decimal("500"), Decimal("125.00")),
    ]
    assert {(r.stage_id, r.owner_id, r.currency): r.expected for r in by_owner} == {
        (stages[0].pk, seller.pk, "EUR"): Decimal("1000"),
        (stages[0].pk, teammate.pk, "EUR"): Decimal("3000"),
        (stages[0].pk, seller.pk, "HUF"): Decimal("9"),
        (stages[1].pk, seller.pk, "EUR"): Decimal("500"),
    }


def test_it_forecasts_by_month_of_the_expected_close(seller, make_opportunity, stages):
    for day, amount in ((3, "100"), (28, "200"), (40, "400")):
        make_opportunity(
            seller,
            f"Closes {day}",
            stage=stages[0],
            expected_revenue=Decimal(amount),
            expected_close_date=datetime.date(2027, 1, 1) + datetime.timedelta(days=day),
        )

    rows = selectors.pipeline_forecast(user=seller, by=("month",))

    assert sorted((r.month, r.expected) for r in rows) == [
        (datetime.date(2027, 1, 1), Decimal("300")),
        (datetime.date(2027, 2, 1), Decimal("400")),
    ]


def _reason() -> LostReason | None:
    return LostReason.objects.first()


def test_a_move_answers_with_the_heads_of_its_two_columns_only(
    client, seller, make_opportunity, stages
):
    opportunity = make_opportunity(seller, stage=stages[0], expected_revenue=Decimal("5000"))
    make_opportunity(seller, "Stays", stage=stages[2], expected_revenue=Decimal("10"))
    client.force_login(seller)

    answer = client.post(
        f"/sales/opportunities/{opportunity.pk}/move/",
        {"stage": stages[1].pk, "version": 1},
        headers={"Accept": "application/json"},
    ).json()

    assert sorted(answer["heads"]) == sorted([str(stages[0].pk), str(stages[1].pk)])
    assert 'data-testid="column-count">0<' in answer["heads"][str(stages[0].pk)]
    assert 'data-testid="column-count">1<' in answer["heads"][str(stages[1].pk)]


def _move_queries(client, opportunity, stage) -> int:
    opportunity.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/sales/opportunities/{opportunity.pk}/move/",
            {"stage": stage.pk, "version": opportunity.version},
            headers={"Accept": "application/json"},
        )
    assert response.status_code == 200
    return len(queries)


def test_a_move_needs_the_same_queries_beside_one_card_or_fifty(
    client, seller, make_opportunity, organization, stages
):
    moved = make_opportunity(seller, organization=organization, stage=stages[0])
    client.force_login(seller)
    _move_queries(client, moved, stages[1])  # caches (content types) warm
    one = _move_queries(client, moved, stages[0])
    for n in range(50):
        make_opportunity(seller, f"Deal {n}", organization=organization, stage=stages[n % 2])

    assert _move_queries(client, moved, stages[1]) == one


def test_a_move_reads_no_related_row_one_by_one_for_its_history(
    seller, make_opportunity, organization, stages
):
    opportunity = make_opportunity(seller, organization=organization, stage=stages[0])

    with CaptureQueriesContext(connection) as queries:
        services.opportunity_move_stage(
            actor=seller, opportunity=opportunity, stage=stages[1], expected_version=1
        )

    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not any('FROM "contacts_organization"' in sql for sql in reads)
    assert not any('FROM "accounts_user"' in sql for sql in reads)
    entry = history_of(opportunity).first()
    assert entry is not None
    stage = next(c for c in entry.changes if c["field"] == "stage")
    assert (stage["old_label"], stage["new_label"]) == (str(stages[0]), str(stages[1]))


def test_a_columns_next_page_needs_the_same_queries_for_one_card_or_twenty(
    client, seller, make_opportunity, organization, pipeline, stages
):
    client.force_login(seller)
    url = f"/sales/pipelines/{pipeline.pk}/columns/{stages[0].pk}/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"offset": 0}).status_code == 200
        return len(captured)

    make_opportunity(seller, organization=organization, stage=stages[0])
    one = queries()
    for n in range(25):
        make_opportunity(seller, f"Deal {n}", organization=organization, stage=stages[0])

    assert queries() == one


def test_it_writes_ids_on_the_board_without_thousand_separators(
    client, seller, make_opportunity, pipeline
):
    stage = Stage.objects.create(pk=12345, pipeline=pipeline, name="Big ids", position=9)
    make_opportunity(seller, stage=stage)
    client.force_login(seller)

    page = client.get(f"/sales/pipelines/{pipeline.pk}/").content.decode()

    assert 'data-stage="12345"' in page
    assert 'data-column-head="12345"' in page
