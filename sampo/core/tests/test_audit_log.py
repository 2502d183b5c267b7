"""The audit log: recording, the admin page with its filters and paging, the CSV export and
the retention."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampo.core import audit
from sampo.core.models import AuditEvent


def _event(action: str, *, actor=None, ip: str | None = None, days_ago: int = 0, **fields):
    event = audit.audit_record(action, actor=actor, details=fields.pop("details", None), **fields)
    if ip or days_ago:
        event.ip_address = ip
        event.created_at = timezone.now() - datetime.timedelta(days=days_ago)
        event.save(update_fields=["ip_address", "created_at"])
    return event


def test_it_records_who_what_and_on_which_record(seller, admin):
    event = audit.audit_record("user_changed", actor=admin, target=seller, details={"a": 1})

    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.action) == (admin, admin.email, "user_changed")
    assert event.target_type == ContentType.objects.get_for_model(type(seller))
    assert (event.target_id, event.target_label, event.details) == (
        str(seller.pk),
        str(seller),
        {"a": 1},
    )
    assert event.ip_address is None, "outside a request there is no address"


def test_an_unregistered_action_is_a_programming_error(db):
    with pytest.raises(ValueError, match="unregistered"):
        audit.audit_record("no_such_action")


def test_an_event_written_in_a_rolled_back_transaction_is_gone(seller):
    with transaction.atomic():
        audit.audit_record("bulk_change", actor=seller)
        transaction.set_rollback(True)

    assert not AuditEvent.objects.exists()


def test_the_log_is_for_admins_only(client, manager, seller):
    _event("login", actor=seller)
    client.force_login(manager)

    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403
    assert AuditEvent.objects.count() == 1, "a refused export writes no event"


def test_the_log_lists_events_newest_first_with_their_labels(client, admin, seller):
    _event("login_failed", actor_label="nobody@example.com", details={"reason": "unknown_email"})
    _event("export", actor=seller, details={"what": "people", "format": "csv"})
    client.force_login(admin)

    page = client.get("/admin/audit/").content.decode()

    assert page.index("Exported") < page.index("Failed login")
    assert "nobody@example.com" in page
    assert "what: people" in page


def test_the_log_escapes_what_visitors_typed(client, admin):
    _event("login_failed", actor_label="<b>x</b>@example.com", details={"email": "<script>"})
    client.force_login(admin)

    page = client.get("/admin/audit/").content.decode()

    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["export-old", "login-seller", "login-teammate"]),
        ({"action": "login"}, ["login-seller", "login-teammate"]),
        ({"ip": "192.0.2.1"}, ["login-seller"]),
        ({"date_to": "OLD"}, ["export-old"]),
        ({"date_from": "TODAY"}, ["login-seller", "login-teammate"]),
    ],
)
def test_the_log_filters_by_action_address_and_dates(
    client, admin, seller, teammate, query, expected
):
    _event("login", actor=seller, ip="192.0.2.1", details={"t": "login-seller"})
    _event("login", actor=teammate, ip="192.0.2.2", details={"t": "login-teammate"})
    _event("export", actor=seller, ip="192.0.2.3", days_ago=10, details={"t": "export-old"})
    dates = {
        "OLD": (timezone.localdate() - datetime.timedelta(days=9)).isoformat(),
        "TODAY": timezone.localdate().isoformat(),
    }
    client.force_login(admin)

    response = client.get("/admin/audit/", {k: dates.get(v, v) for k, v in query.items()})

    assert sorted(e.details["t"] for e in response.context["page"].rows) == expected


def test_the_log_filters_by_user(client, admin, seller, teammate):
    _event("login", actor=seller)
    _event("login", actor=teammate)
    client.force_login(admin)

    rows = client.get("/admin/audit/", {"user": seller.pk}).context["page"].rows

    assert [e.actor for e in rows] == [seller]


def test_a_bad_filter_shows_its_error_and_filters_nothing(client, admin, seller):
    _event("login", actor=seller)
    client.force_login(admin)

    response = client.get("/admin/audit/", {"ip": "not an address"})

    assert len(response.context["page"].rows) == 1
    assert "valid IPv4 or IPv6" in response.content.decode()


def _page_queries(client, count: int, seller) -> list[str]:
    AuditEvent.objects.all().delete()
    for _ in range(count):
        _event("login", actor=seller)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/audit/").status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_page_costs_the_same_queries_for_1_and_50_events_and_never_counts(
    client, admin, seller
):
    client.force_login(admin)
    client.get("/admin/audit/")  # warm the content-type cache

    one = _page_queries(client, 1, seller)
    fifty = _page_queries(client, 50, seller)

    assert len(one) == len(fifty)
    assert not [sql for sql in fifty if "COUNT(" in sql.upper() and "core_auditevent" in sql]


def test_the_page_shows_a_next_link_only_when_there_is_more(client, admin, seller):
    for _ in range(51):
        _event("login", actor=seller)
    client.force_login(admin)

    first = client.get("/admin/audit/", {"action": "login"})
    second = client.get("/admin/audit/", {"action": "login", "page": 2})

    assert first.context["page"].has_next
    assert "action=login&amp;page=2" in first.content.decode()
    assert len(second.context["page"].rows) == 1
    assert not second.context["page"].has_next


def test_the_csv_export_holds_the_filtered_events_and_is_audited(client, admin, seller):
    _event("login", actor=seller, details={"second_factor": "totp"})
    _event("export", actor=seller)
    client.force_login(admin)

    response = client.get("/admin/audit/export.csv", {"action": "login"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    lines = text.strip().splitlines()
    assert len(lines) == 2
    assert "Logged in" in lines[1]
    assert seller.email in lines[1]
    assert "totp" in lines[1]
    exported = AuditEvent.objects.get(action="audit_exported")
    assert exported.details == {"filters": {"action": ["login"]}}


def test_the_nightly_job_deletes_events_older_than_the_retention(seller, settings):
    settings.AUDIT_KEEP_DAYS = 30
    kept = _event("login", actor=seller, days_ago=29)
    _event("login", actor=seller, days_ago=31)

    from sampo.core.tasks import prune_audit

    assert prune_audit() == 1
    assert list(AuditEvent.objects.all()) == [kept]
