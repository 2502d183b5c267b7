"""A record as the API shows it, for whoever needs it outside a request (webhook payloads).
Each resource registers its output function (`contacts.api.organization_out`); a model with
none yet falls back to its concrete fields, so a payload is never empty."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

Representation = Callable[[Any], dict[str, Any]]

REPRESENTATIONS: dict[type[models.Model], Representation] = {}

# Never in a payload, whatever the model.
_SECRET_FIELDS = frozenset({"password", "secret", "token_hash", "key_hash"})


def register_representation(model: type[models.Model], fn: Representation) -> None:
    REPRESENTATIONS[model] = fn


def _fields(instance: models.Model) -> dict[str, Any]:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in _SECRET_FIELDS
    }


def represent(instance: models.Model) -> dict[str, Any]:
    """JSON-ready: dates as ISO strings, decimals and UUIDs as strings."""
    model = instance._meta.concrete_model or type(instance)
    fn = REPRESENTATIONS.get(model) or _fields
    return dict(json.loads(json.dumps(fn(instance), cls=DjangoJSONEncoder)))


def _register_builtin() -> None:
    from sampo.activities.api import activity_out
    from sampo.activities.models import Activity
    from sampo.contacts.api import organization_out
    from sampo.contacts.models import Membership, Organization, Person
    from sampo.contacts.people_api import person_out
    from sampo.contacts.register_api import membership_out
    from sampo.sales.api import opportunity_out
    from sampo.sales.models import Opportunity

    register_representation(Organization, organization_out)
    register_representation(Person, person_out)
    register_representation(Membership, membership_out)
    register_representation(Activity, activity_out)
    register_representation(Opportunity, opportunity_out)


_register_builtin()
