from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.notifications.models import Notification
from sampo.notifications.services import notify


def _notify(user, n: int = 1, **kwargs) -> list[Notification]:
    made = [
        notify(recipient=user, kind="test", text=f"Message {i}", url="/my-day/", **kwargs)
        for i in range(n)
    ]
    return [notification for notification in made if notification is not None]


def _notification_queries(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "notifications_notification" in q["sql"]]


def test_the_bell_shows_the_unread_count(client, seller):
    _notify(seller, 3)
    client.force_login(seller)

    page = client.get("/my-day/").content.decode()

    assert 'data-testid="unread-count">3<' in page
    assert "Notifications: 3 unread" in page


def test_the_bell_shows_no_count_when_all_is_read(client, seller):
    client.force_login(seller)

    assert 'data-testid="unread-count"' not in client.get("/my-day/").content.decode()


def test_the_bell_costs_each_page_one_count_query(client, seller):
    _notify(seller, 5)
    client.force_login(seller)

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/my-day/").status_code == 200

    [count] = _notification_queries(captured)
    assert "COUNT(" in count.upper()
    assert '"read_at" IS NULL' in count


def test_an_htmx_partial_does_not_count_notifications(client, seller):
    client.force_login(seller)

    with CaptureQueriesContext(connection) as captured:
        client.get("/notifications/menu/", HTTP_HX_REQUEST="true")

    assert not [q for q in _notification_queries(captured) if "COUNT(" in q.upper()]


def test_the_dropdown_lists_the_latest_with_unread_first_marked(client, seller, teammate):
    _notify(seller, 2)
    _notify(teammate, 1)
    client.force_login(seller)

    menu = client.get("/notifications/menu/")

    assert [n.text for n in menu.context["notifications"]] == ["Message 1", "Message 0"]
    assert menu.content.decode().count("unread-dot") == 2


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, seller):
    [notification] = _notify(seller)
    client.force_login(seller)

    response = client.post(f"/notifications/{notification.pk}/open/")

    assert response["Location"] == "/my-day/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_one_read_leaves_the_others_unread(client, seller):
    first, second = _notify(seller, 2)
    client.force_login(seller)

    client.post(f"/notifications/{first.pk}/read/")

    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None


def test_nobody_opens_or_reads_someone_elses_notification(client, seller, teammate):
    [notification] = _notify(teammate)
    client.force_login(seller)

    assert client.post(f"/notifications/{notification.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_all_read_only_touches_my_notifications(client, seller, teammate):
    _notify(seller, 3)
    [theirs] = _notify(teammate)
    client.force_login(seller)

    response = client.post("/notifications/read-all/")

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=seller, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert 'data-testid="unread-count"' not in client.get("/my-day/").content.decode()


def test_reading_needs_a_post(client, seller):
    [notification] = _notify(seller)
    client.force_login(seller)

    assert client.get(f"/notifications/{notification.pk}/open/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405


def test_the_list_pages_without_counting_and_needs_the_same_queries_for_1_and_50(
    client, seller, manager
):
    _notify(seller, 1, actor=manager)
    client.force_login(seller)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/notifications/").status_code == 200
        return len(captured)

    one = queries()
    _notify(seller, 49, actor=manager)

    assert queries() == one
    second = client.get("/notifications/", {"page": 2})
    older = [f"Message {i}" for i in range(18, -1, -1)]
    assert [n.text for n in second.context["page"].rows] == [*older, "Message 0"]
    assert second.context["page"].has_previous


def test_the_list_needs_a_login(client, db):
    assert client.get("/notifications/").status_code == 302
