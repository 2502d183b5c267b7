from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.accounts.models import User
from sampo.contacts import access, services
from sampo.contacts.lists import ORGANIZATIONS, PEOPLE
from sampo.contacts.models import Organization, Person, Tag
from sampo.core import trash
from sampo.core.models import HistoryEntry
from sampo.lists import bulk, tasks
from sampo.lists.bulk import Selection
from sampo.notifications.models import Notification


def _people(owner: User, count: int, prefix: str = "Virtanen") -> list[Person]:
    return [
        services.person_create(actor=owner, values={"last_name": f"{prefix} {n}"})
        for n in range(count)
    ]


def _post(client, key: str = "people", **data):
    return client.post(f"/lists/{key}/bulk/", data)


@pytest.fixture
def vip(db) -> Tag:
    return Tag.objects.create(name="VIP")


def test_it_adds_tags_to_the_ticked_people_with_history_and_a_new_version(client, seller, vip):
    first, second, untouched = _people(seller, 3)
    client.force_login(seller)

    response = _post(
        client,
        action="add_tags",
        confirmed="1",
        ids=[first.pk, second.pk],
        tags=[vip.pk],
        query="q=virtanen",
    )

    assert response.status_code == 302
    assert response["Location"] == "/people/?q=virtanen"
    assert {p.pk for p in Person.objects.filter(tags=vip)} == {first.pk, second.pk}
    first.refresh_from_db()
    assert (first.version, first.updated_by) == (2, seller)
    entry = HistoryEntry.objects.get(object_id=str(first.pk), action="changed")
    assert entry.action == HistoryEntry.Action.CHANGED
    assert entry.changes == [
        {"field": "tags", "old": [], "new": [vip.pk], "old_label": "", "new_label": "VIP"}
    ]
    assert not untouched.tags.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["2 records changed."]


def test_the_first_step_shows_the_form_for_the_selection(client, seller, vip):
    people = _people(seller, 2)
    client.force_login(seller)

    response = _post(client, action="add_tags", ids=[p.pk for p in people])

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 rows of “People” are selected." in page
    assert "Virtanen 0" in page
    assert not Person.objects.filter(tags=vip).exists()


def test_it_removes_tags_and_leaves_the_others(client, seller, vip):
    other = Tag.objects.create(name="Hot")
    person = services.person_create(
        actor=seller, values={"last_name": "Virtanen", "tags": [vip, other]}
    )
    client.force_login(seller)

    _post(client, action="remove_tags", confirmed="1", ids=[person.pk], tags=[vip.pk])

    assert list(person.tags.all()) == [other]


def test_it_changes_only_what_the_user_may_and_reports_the_rest(client, seller, teammate, vip):
    mine = _people(seller, 2)
    theirs = _people(teammate, 1, "Korhonen")
    mine[1].tags.add(vip)
    client.force_login(seller)

    response = _post(
        client,
        action="add_tags",
        confirmed="1",
        ids=[p.pk for p in mine + theirs],
        tags=[vip.pk],
    )

    assert set(Person.objects.filter(tags=vip)) == set(mine)
    assert [str(m) for m in response.wsgi_request._messages] == [
        "1 record changed.",
        "1 record was left as it was (already so, or the change does not apply to it).",
        "1 record was skipped: you may not change it.",
    ]
    assert not HistoryEntry.objects.filter(object_id=str(theirs[0].pk), action="changed").exists()


def test_it_reassigns_the_owner(client, manager, seller, teammate, sales_team):
    people = _people(seller, 2)
    client.force_login(manager)

    _post(client, action="reassign", confirmed="1", ids=[p.pk for p in people], owner=teammate.pk)

    assert set(Person.objects.values_list("owner", flat=True)) == {teammate.pk}
    entry = HistoryEntry.objects.get(object_id=str(people[0].pk), action="changed")
    assert entry.changes[0]["field"] == "owner"
    assert (entry.changes[0]["old_label"], entry.changes[0]["new_label"]) == (
        seller.name,
        teammate.name,
    )
    assert entry.actor == manager


def test_deleting_asks_first_naming_how_many_and_which(client, seller):
    people = _people(seller, 7)
    client.force_login(seller)

    confirm = _post(client, action="trash", ids=[p.pk for p in people])

    page = confirm.content.decode()
    assert "7 rows of “People” are selected." in page
    assert "Virtanen 0" in page
    assert "Virtanen 6" not in page  # the first few by name, then "and others"
    assert "and others" in page
    assert "Move 7 records to the trash" in page
    assert Person.objects.count() == 7

    _post(client, action="trash", confirmed="1", ids=[p.pk for p in people])

    assert not Person.objects.exists()
    assert Person.all_objects.filter(deleted_by=seller).count() == 7
    assert HistoryEntry.objects.filter(action=HistoryEntry.Action.DELETED).count() == 7


def test_a_bulk_delete_is_undone_from_the_trash(seller, admin):
    person = _people(seller, 1)[0]
    bulk.bulk_apply(
        actor=seller, spec=PEOPLE, code="trash", selection=Selection(ids=(person.pk,)), params={}
    )
    content_type = trash.ContentType.objects.get_for_model(Person)

    trash.trash_restore(user=admin, content_type_id=content_type.pk, pk=person.pk)

    assert Person.objects.filter(pk=person.pk).exists()


def test_everything_matching_the_filters_goes_beyond_the_page_in_batches(seller, vip, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 7)
    matching = _people(seller, 60)
    others = _people(seller, 3, "Korhonen")

    result = bulk.bulk_apply(
        actor=seller,
        spec=PEOPLE,
        code="add_tags",
        selection=Selection(query="q=virtanen", everything=True),
        params={"tags": [vip.pk]},
    )

    assert (result.changed, result.unchanged, result.refused) == (60, 0, 0)
    assert Person.objects.filter(tags=vip).count() == len(matching)
    assert not Person.objects.filter(pk__in=[p.pk for p in others], tags=vip).exists()


def test_the_batches_need_the_same_queries_for_one_row_and_a_batch(seller, teammate, vip):
    def queries(code: str, rows: list[Person], **params) -> int:
        selection = Selection(ids=tuple(p.pk for p in rows))
        with CaptureQueriesContext(connection) as captured:
            bulk.bulk_apply(
                actor=seller, spec=PEOPLE, code=code, selection=selection, params=params
            )
        return len(captured)

    one, many = _people(seller, 1, "One"), _people(seller, 40, "Many")
    queries("add_tags", _people(seller, 1, "Warm-up"), tags=[vip.pk])  # per-process caches
    for code, params in [
        ("add_tags", {"tags": [vip.pk]}),
        ("remove_tags", {"tags": [vip.pk]}),
        ("reassign", {"owner": teammate.pk}),
    ]:
        assert queries(code, one, **params) == queries(code, many, **params), code
    # Owned by teammate now: an admin-free seller may no longer change them.
    assert queries("trash", one) == queries("trash", many)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "add_tags"}, "Tick the rows to act on first."),
        ({"action": "drop_tables", "ids": ["1"]}, "Choose what to do with the selected rows."),
        ({"action": "add_tags", "ids": [str(n) for n in range(501)]}, "Too many rows"),
    ],
)
def test_it_refuses_a_bad_selection_or_action(client, seller, data, message):
    client.force_login(seller)

    response = _post(client, **data)

    assert response.status_code == 302
    assert message in str(next(iter(response.wsgi_request._messages)))


def test_it_refuses_missing_parameters_and_changes_nothing(client, seller, teammate):
    person = _people(seller, 1)[0]
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    client.force_login(seller)

    no_tags = _post(client, action="add_tags", confirmed="1", ids=[person.pk])
    inactive_owner = _post(
        client, action="reassign", confirmed="1", ids=[person.pk], owner=teammate.pk
    )

    assert no_tags.status_code == inactive_owner.status_code == 400
    assert no_tags.context["form"].errors["tags"]
    assert inactive_owner.context["form"].errors["owner"]
    person.refresh_from_db()
    assert (person.version, person.owner) == (1, seller)


def test_the_service_refuses_bad_parameters_too(seller):
    person = _people(seller, 1)[0]
    with pytest.raises(bulk.ValidationError):
        bulk.bulk_apply(
            actor=seller,
            spec=PEOPLE,
            code="add_tags",
            selection=Selection(ids=(person.pk,)),
            params={"tags": [999]},
        )


def test_a_read_only_user_may_only_export(client, viewer, seller):
    person = _people(seller, 1)[0]
    client.force_login(viewer)

    page = client.get("/people/").content.decode()
    assert 'value="add_tags"' not in page
    assert 'value="export_csv"' in page
    assert _post(client, action="trash", confirmed="1", ids=[person.pk]).status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()


def test_it_exports_the_ticked_rows_with_formulas_neutralized(client, seller, viewer):
    services.organization_create(actor=seller, values={"name": "=HYPERLINK(evil)"})
    services.organization_create(actor=seller, values={"name": "Not ticked Oy"})
    ticked = Organization.objects.get(name__startswith="=")
    client.force_login(viewer)

    response = _post(client, "organizations", action="export_csv", ids=[ticked.pk])

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";" if ";" in content[:200] else ","))
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(evil)"
    xlsx = _post(client, "organizations", action="export_xlsx", everything="1", query="q=oy")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_large_selection_runs_on_the_worker_and_notifies(
    client, seller, vip, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.BULK_INLINE_LIMIT = 3
    _people(seller, 5)
    queued: list[tuple] = []
    monkeypatch.setattr(bulk, "async_task", lambda *args, **kwargs: queued.append((args, kwargs)))
    client.force_login(seller)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            action="add_tags",
            confirmed="1",
            everything="1",
            query="q=virtanen",
            tags=[vip.pk],
        )

    assert "runs in the background" in str(next(iter(response.wsgi_request._messages)))
    assert not Person.objects.filter(tags=vip).exists()
    [(args, kwargs)] = queued
    assert args[0] == "sampo.lists.tasks.run_bulk_action"
    assert tasks.run_bulk_action(*args[1:], **kwargs) == "5 changed"
    assert Person.objects.filter(tags=vip).count() == 5
    notification = Notification.objects.get(recipient=seller)
    assert notification.text.startswith("“Add tags” on People is done: 5 changed")
    assert notification.url == "/people/?q=virtanen"


@pytest.mark.parametrize("model", [Organization, Person])
def test_the_editable_condition_agrees_with_can_edit(
    model, admin, manager, seller, teammate, outsider, viewer, sales_team
):
    name = "name" if model is Organization else "last_name"
    for owner in (admin, manager, seller, teammate, outsider):
        model.objects.create(**{name: f"Of {owner.name}"}, owner=owner)
    for user in (admin, manager, seller, outsider, viewer):
        expected = {r.pk for r in model.objects.all() if access.can_edit(user, r)}
        assert (
            set(model.objects.filter(access.editable(model)(user)).values_list("pk", flat=True))
            == expected
        ), user


def test_the_list_rows_have_a_checkbox_each(client, seller):
    people = _people(seller, 2)
    client.force_login(seller)

    page = client.get("/people/").content.decode()

    for person in people:
        assert f'name="ids" value="{person.pk}" form="bulk-form"' in page
    assert ORGANIZATIONS.key in client.get("/organizations/").content.decode()
