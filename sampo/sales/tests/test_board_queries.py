"""The board's query shape: the first cards of each column are ranked on the bare rows and
only they are joined and annotated; the column heads after a move fetch no cards at all
(see BENCHMARKS.md, kanban and stage move)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampo.activities.services import activity_schedule
from sampo.sales import selectors


def test_it_shows_the_first_cards_of_each_column_by_close_date_with_their_next_activity(
    seller, make_opportunity, pipeline, stages, call_type
):
    today = timezone.localdate()
    first, second = stages[0], stages[1]
    made = [
        make_opportunity(
            seller,
            f"Deal {n}",
            stage=first,
            expected_close_date=today + datetime.timedelta(days=30 - n),
            expected_revenue=Decimal(100),
        )
        for n in range(5)
    ]
    other = make_opportunity(seller, "Elsewhere", stage=second)
    activity_schedule(actor=seller, type=call_type, subject="Call", day=today, regarding=made[4])

    columns = selectors.pipeline_board(
        user=seller, pipeline=pipeline, filters=selectors.Filters(), per_column=3
    )

    by_stage = {column.stage.pk: column for column in columns}
    shown = by_stage[first.pk].cards
    assert [card.pk for card in shown] == [made[4].pk, made[3].pk, made[2].pk]
    assert by_stage[first.pk].count == 5
    # An annotation: not a model field, so mypy does not know it.
    assert shown[0].next_activity_day == today  # type: ignore[attr-defined]
    assert shown[1].next_activity_day is None  # type: ignore[attr-defined]
    assert shown[0].organization_id is None  # the joined relations come along
    assert [card.pk for card in by_stage[second.pk].cards] == [other.pk]


def test_the_column_heads_after_a_move_need_no_card_query(
    seller, make_opportunity, pipeline, stages
):
    for n in range(3):
        make_opportunity(seller, f"Deal {n}", stage=stages[n], expected_revenue=Decimal(10))

    with CaptureQueriesContext(connection) as queries:
        columns = selectors.board_column_totals(
            user=seller, pipeline=pipeline, filters=selectors.Filters()
        )

    assert [column.count for column in columns][:3] == [1, 1, 1]
    assert all(not column.cards for column in columns)
    assert len(queries) == 2  # the stages and the sums


def test_the_list_pages_the_sorted_rows_and_annotates_the_page(
    seller, make_opportunity, call_type, monkeypatch
):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    today = timezone.localdate()
    made = [make_opportunity(seller, f"Deal {n}") for n in range(3)]
    activity_schedule(actor=seller, type=call_type, subject="Call", day=today, regarding=made[0])

    newest = selectors.opportunity_list(user=seller, filters=selectors.Filters(), page=1)
    second = selectors.opportunity_list(user=seller, filters=selectors.Filters(), page=2)
    planned_last = selectors.opportunity_list(
        user=seller, filters=selectors.Filters(sort="next_activity"), page=2
    )

    assert [o.pk for o in newest.rows] == [made[2].pk, made[1].pk]
    assert newest.has_next
    assert [o.pk for o in second.rows] == [made[0].pk]
    assert not second.has_next
    assert second.rows[0].next_activity_day == today
    # Those without a planned activity come first, then by the activity's day.
    assert [o.pk for o in planned_last.rows] == [made[0].pk]
