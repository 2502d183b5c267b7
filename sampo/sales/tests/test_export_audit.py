"""The opportunity exports write their audit event."""

from __future__ import annotations

import pytest

from sampo.core.models import AuditEvent


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_opportunity_export_is_audited_with_its_filters(
    client, seller, make_opportunity, file_format
):
    make_opportunity(seller, "Deal")
    client.force_login(seller)

    response = client.get(f"/sales/opportunities/export.{file_format}", {"status": "won"})

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == ("export", seller)
    assert event.details == {
        "what": "opportunities",
        "format": file_format,
        "filters": {"status": ["won"]},
    }
