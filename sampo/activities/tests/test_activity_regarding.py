from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from sampo.activities import regarding, services
from sampo.activities.models import Activity


def test_an_activity_can_be_regarding_any_record(seller, call_type, organization):
    planned = services.activity_schedule(
        actor=seller,
        type=call_type,
        subject="Follow up",
        day=timezone.localdate(),
        regarding=organization,
    )

    assert Activity.objects.get(pk=planned.pk).regarding == organization


def test_an_unknown_regarding_target_is_not_found(seller):
    with pytest.raises(Http404):
        regarding.resolve(seller, "nowhere.thing:1")
    with pytest.raises(Http404):
        regarding.resolve(seller, "sales.opportunity:x")
    assert regarding.resolve(seller, "") is None
