"""Records' ids in other systems (`ExternalId`, per source system): the importer and the API's
bulk upsert find records by them, so a second delivery of the same data updates rather than
duplicates."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from sampo.contacts.imports.models import ExternalId


def record_id_for(*, source: str, model: type[Model], external_id: str) -> int | None:
    found = ExternalId.objects.filter(
        source=source,
        content_type=ContentType.objects.get_for_model(model),
        external_id=external_id,
    ).values_list("object_id", flat=True)
    return next(iter(found), None)


def remember(*, source: str, record: Model, external_id: str) -> None:
    ExternalId.objects.update_or_create(
        source=source,
        content_type=ContentType.objects.get_for_model(type(record)),
        external_id=external_id,
        defaults={"object_id": record.pk},
    )
