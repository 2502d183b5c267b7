from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sampo.accounts.models import Role, RoleRight
from sampo.activities import services
from sampo.activities.models import Activity, ActivityType
from sampo.contacts import services as contacts
from tests.api.querycount import queries_of

pytestmark = pytest.mark.django_db

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


def _call(actor, **values):
    return services.activity_log(
        actor=actor, type=ActivityType.objects.get(code="call"), subject="Soitto", **values
    )


def _planned(actor, day=None, **values):
    return services.activity_schedule(
        actor=actor,
        type=ActivityType.objects.get(code="meeting"),
        subject="Tapaaminen",
        day=day or timezone.localdate() + datetime.timedelta(days=1),
        **values,
    )


def test_it_logs_and_schedules_activities_and_reads_them(admin, seller, api_as):
    company = contacts.organization_create(actor=admin, values={"name": "Kallio Oy"})
    person = contacts.person_create(actor=admin, values={"last_name": "Virtanen"})
    api = api_as(admin)

    logged = api.post(
        "/activities",
        {
            "type": "call",
            "subject": "Kysyi tarjousta",
            "outcome": "Lähetetään tarjous",
            "organization_id": company.pk,
            "person_ids": [person.pk],
        },
    )
    planned = api.post(
        "/activities",
        {
            "status": "planned",
            "type": "meeting",
            "subject": "Tarjouksen läpikäynti",
            "due_date": TOMORROW,
            "due_time": "10:00",
            "assignee_id": seller.pk,
        },
    )

    assert logged.status_code == 201, logged.content
    assert logged.json()["status"] == "done"
    assert logged.json()["person_ids"] == [person.pk]
    assert logged.json()["organization_id"] == company.pk
    assert planned.status_code == 201, planned.content
    body = planned.json()
    assert (body["status"], body["assignee_id"], body["has_time"]) == ("planned", seller.pk, True)
    assert body["day"] == TOMORROW
    read = api.get(f"/activities/{body['id']}")
    assert read["ETag"] == '"1"'
    assert read.json()["subject"] == "Tarjouksen läpikäynti"


def test_it_refuses_bad_input_with_problems(admin, api_as):
    api = api_as(admin)
    future = (timezone.now() + datetime.timedelta(days=2)).isoformat()

    cases = [
        {"type": "nope", "subject": "X"},
        {"type": "call", "subject": "X", "when": future},
        {"type": "call", "subject": "X", "status": "planned"},
        {"type": "call", "subject": "X", "person_ids": [999999]},
        {"type": "call", "subject": "X", "organization_id": 999999},
        {"type": "call", "subject": "X", "regarding": "sales.nothing:1"},
        {"type": "call", "subject": "X", "status": "planned", "due_date": "2025-13-40"},
    ]

    for case in cases:
        response = api.post("/activities", case)
        assert response.status_code == 422, (case, response.content)
        assert response["Content-Type"] == "application/problem+json"
    assert not Activity.objects.exists()
    assert api.get("/activities", {"due_from": "yesterday"}).status_code == 422
    assert api.get("/activities", {"type": "nope"}).status_code == 400
    assert api.get("/activities", {"regarding": "x:y"}).status_code == 400
    assert api.get("/activities", {"sort": "subject"}).status_code == 400


def test_it_completes_reschedules_and_cancels_planned_activities(admin, api_as):
    first, second = _planned(admin), _planned(admin)
    api = api_as(admin)

    moved = api.post(f"/activities/{first.pk}/reschedule", {"due_date": "2031-05-04"})
    done = api.post(f"/activities/{first.pk}/complete", {"outcome": "Sovittiin kauppa"})
    again = api.post(f"/activities/{first.pk}/cancel", {})
    cancelled = api.post(f"/activities/{second.pk}/cancel", {})

    assert moved.status_code == 200, moved.content
    assert moved.json()["day"] == "2031-05-04"
    assert done.json()["status"] == "done"
    assert done.json()["outcome"] == "Sovittiin kauppa"
    assert again.status_code == 422
    assert cancelled.json()["status"] == "cancelled"


def test_it_changes_an_activity_and_refuses_a_stale_if_match(admin, seller, api_as):
    activity = _planned(admin)
    api = api_as(admin)

    changed = api.patch(
        f"/activities/{activity.pk}",
        {"subject": "Uusi aihe", "type": "call", "assignee_id": seller.pk},
        **{"If-Match": '"1"'},
    )
    stale = api.patch(f"/activities/{activity.pk}", {"subject": "Vanha"}, **{"If-Match": '"1"'})
    stale_action = api.post(f"/activities/{activity.pk}/cancel", {}, **{"If-Match": '"1"'})

    assert changed.status_code == 200, changed.content
    assert (changed.json()["subject"], changed.json()["type"]) == ("Uusi aihe", "call")
    assert changed.json()["assignee_id"] == seller.pk
    assert stale.status_code == 412
    assert stale_action.status_code == 412
    activity.refresh_from_db()
    assert (activity.subject, activity.status) == ("Uusi aihe", "planned")


def test_it_trashes_an_activity_and_sync_still_sees_it(admin, api_as):
    activity = _call(admin)
    api = api_as(admin)
    since = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()

    assert api.delete(f"/activities/{activity.pk}").status_code == 204

    assert api.get(f"/activities/{activity.pk}").status_code == 404
    assert api.get("/activities").json()["items"] == []
    synced = api.get("/activities", {"updated_since": since}).json()["items"]
    assert [(a["id"], a["deleted_at"] is not None) for a in synced] == [(activity.pk, True)]


def test_a_narrowed_salesperson_sees_404_for_others_and_activities_on_hidden_customers(
    seller, teammate, api_as
):
    salesperson = Role.objects.get(code=Role.SALESPERSON)
    RoleRight.objects.create(
        role=salesperson, record_type="activities.activity", action="read", scope="own"
    )
    theirs = _call(teammate)
    hidden_customer = contacts.organization_create(actor=teammate, values={"name": "Piilo Oy"})
    on_hidden = _call(seller, organization=hidden_customer)
    mine = _call(seller)
    RoleRight.objects.create(
        role=salesperson, record_type="contacts.organization", action="read", scope="own"
    )
    api = api_as(seller)

    assert api.get(f"/activities/{theirs.pk}").status_code == 404
    assert api.post(f"/activities/{theirs.pk}/complete", {}).status_code == 404
    assert api.delete(f"/activities/{theirs.pk}").status_code == 404
    assert [a["id"] for a in api.get("/activities").json()["items"]] == [mine.pk]
    assert on_hidden.pk not in [a["id"] for a in api.get("/activities").json()["items"]]


def test_a_salesperson_cannot_change_a_teammates_activity(seller, teammate, api_as):
    theirs = _planned(teammate)

    response = api_as(seller).post(f"/activities/{theirs.pk}/cancel", {})

    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "planned"


def test_a_read_token_cannot_write(admin, api_as):
    activity = _planned(admin)
    api = api_as(admin, scope="read")

    assert api.post("/activities", {"type": "call", "subject": "X"}).status_code == 403
    assert api.post(f"/activities/{activity.pk}/complete", {}).status_code == 403
    assert api.delete(f"/activities/{activity.pk}").status_code == 403
    assert Activity.objects.count() == 1


def test_it_filters_the_list(admin, seller, api_as):
    company = contacts.organization_create(actor=admin, values={"name": "Kallio Oy"})
    person = contacts.person_create(actor=admin, values={"last_name": "Virtanen"})
    on_company = _call(admin, organization=company)
    with_person = _call(admin, people=[person])
    soon = _planned(admin, assignee=seller, day=datetime.date(2031, 1, 10))
    later = _planned(admin, day=datetime.date(2031, 3, 1))
    api = api_as(admin)

    def ids(**params):
        return {a["id"] for a in api.get("/activities", params).json()["items"]}

    assert ids(organization_id=company.pk) == {on_company.pk}
    assert ids(person_id=person.pk) == {with_person.pk}
    assert ids(status="planned") == {soon.pk, later.pk}
    assert ids(type="call") == {on_company.pk, with_person.pk}
    assert ids(assignee_id=seller.pk) == {soon.pk}
    assert ids(due_from="2031-01-01", due_to="2031-01-31") == {soon.pk}


def test_it_pages_with_a_cursor_without_repeating_or_missing_rows(admin, api_as):
    for number in range(7):
        _planned(admin, day=datetime.date(2031, 1, 1 + number % 3))
    api = api_as(admin)

    for sort in ("-when", "when", "updated_at", "id"):
        seen, cursor = [], None
        while True:
            params = {"limit": 2, "sort": sort, **({"cursor": cursor} if cursor else {})}
            page = api.get("/activities", params).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(Activity.objects.values_list("pk", flat=True)), sort
        assert len(seen) == 7


def test_the_list_makes_as_many_queries_for_50_activities_as_for_1(admin, api_as):
    company = contacts.organization_create(actor=admin, values={"name": "Kallio Oy"})
    person = contacts.person_create(actor=admin, values={"last_name": "Virtanen"})
    api = api_as(admin)
    _call(admin, organization=company, people=[person])
    one = queries_of(api, "/activities")
    for _number in range(49):
        _call(admin, organization=company, people=[person])
    many = queries_of(api, "/activities")

    assert one == many
    assert queries_of(api, "/activity-types") > 0


def test_it_lists_the_activity_types(admin, api_as):
    types = api_as(admin).get("/activity-types").json()

    assert {"call", "meeting", "email", "note"} <= {t["code"] for t in types}
