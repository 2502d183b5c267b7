"""Background entry points of the lists: a bulk action too large for a request."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import User
from sampo.lists import bulk
from sampo.lists.registry import list_spec
from sampo.notifications.services import notify

logger = logging.getLogger(__name__)

DONE = _(
    "“%(action)s” on %(list)s is done: %(changed)s changed, %(unchanged)s left as they were, "
    "%(refused)s skipped because you may not change them."
)


def run_bulk_action(
    actor_id: int,
    list_key: str,
    code: str,
    query: str,
    ids: list[int],
    params: dict[str, Any],
    *,
    everything: bool = False,
) -> str:
    """Idempotent: run again, it changes only what is not yet as asked."""
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    if actor is None:
        return "actor gone"
    spec = list_spec(list_key)
    selection = bulk.Selection(query=query, ids=tuple(ids), everything=everything)
    result = bulk.bulk_apply(
        actor=actor,
        spec=spec,
        code=code,
        selection=selection,
        params=params,
        one_transaction=False,
    )
    notify(
        recipient=actor,
        kind="bulk_action_done",
        text=DONE,
        url=reverse(spec.url_name) + (f"?{query}" if query else ""),
        params={
            "action": bulk.action_for(spec, code).label,
            "list": spec.label,
            "changed": result.changed,
            "unchanged": result.unchanged,
            "refused": result.refused,
        },
    )
    logger.info("Bulk %s on %s by %s: %s", code, list_key, actor_id, result)
    return f"{result.changed} changed"
