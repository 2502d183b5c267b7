"""Incremental sync under concurrent writes: a client pulls organizations with `updated_since`
page by page while another thread keeps creating, changing and trashing them through the
services; a second pass from the returned `sync_from` must then bring every record's final
version. The margin is set short, so that the passes span more than it and a sync_from taken
from the wrong moment would show as a missed version."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from sampo.contacts import services
from sampo.contacts.models import Organization

# serialized_rollback, as every transactional test here: the tables are put back as migrated.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WRITES = 60
PAGE = 4


def _writer(owner: Any, stop: threading.Event, errors: list[BaseException]) -> None:
    try:
        created: list[Organization] = []
        for step in range(WRITES):
            if step % 3 == 0 or not created:
                created.append(
                    services.organization_create(
                        actor=owner, values={"name": f"Kirjoittaja {step} Oy"}
                    )
                )
            elif step % 7 == 0:
                victim = Organization.objects.get(pk=created.pop(0).pk)
                services.organization_trash(actor=owner, organization=victim)
            else:
                target = Organization.objects.get(pk=created[step % len(created)].pk)
                services.organization_update(
                    actor=owner,
                    organization=target,
                    values={"city": f"Kaupunki {step}"},
                    expected_version=None,
                )
            time.sleep(0.02)
    except BaseException as error:  # reported by the test
        errors.append(error)
    finally:
        stop.set()
        connection.close()


def _pull(api: Any, since: str, seen: dict[int, int], stop: threading.Event | None) -> str:
    cursor = None
    while True:
        params = {"updated_since": since, "limit": PAGE}
        if cursor:
            params["cursor"] = cursor
        page = api.get("/organizations", params)
        assert page.status_code == 200, page.content
        body = page.json()
        for item in body["items"]:
            seen[item["id"]] = max(seen.get(item["id"], 0), item["version"])
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["sync_from"], "the last page says where to sync from next"
            return str(body["sync_from"])
        if stop is not None and not stop.is_set():
            time.sleep(0.05)  # a slow client, so that writes land in the middle of the pass


def test_it_misses_no_final_version_while_writes_happen_during_the_sync(
    settings: Any, admin: Any, api_as: Any
) -> None:
    settings.SAMPO_API_SYNC_MARGIN_SECONDS = 1
    settings.SAMPO_API_RATE_LIMIT_PER_MINUTE = 0
    for number in range(10):
        services.organization_create(actor=admin, values={"name": f"Alku {number} Oy"})
    api = api_as(admin, "read")
    seen: dict[int, int] = {}
    stop, errors = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(admin, stop, errors))

    writer.start()
    sync_from = _pull(api, "2000-01-01T00:00:00Z", seen, stop)
    while not stop.is_set():  # keep syncing, as a client on a timer would
        sync_from = _pull(api, sync_from, seen, stop)
    writer.join()
    _pull(api, sync_from, seen, None)

    assert errors == []
    final = dict(Organization.all_objects.values_list("pk", "version"))
    assert len(final) == 10 + WRITES // 3
    assert {pk: seen.get(pk) for pk in final} == final
