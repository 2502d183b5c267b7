"""Writes shared by every business record: create, update with a version check, move to the
trash and back. Domain services call these inside their own use cases, so history and
versioning work the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sampo.core import history
from sampo.core.models import BusinessModel

Record = TypeVar("Record", bound=BusinessModel)
Versioned = TypeVar("Versioned", bound=models.Model)


class StaleEditError(Exception):
    """Someone saved the record after this edit was started; nothing was written."""

    message = _(
        "Someone else changed this record while you were editing it. Nothing was saved: "
        "reload the page to see their change, then make yours again."
    )

    def __init__(self, current_version: int) -> None:
        super().__init__(str(self.message))
        self.current_version = current_version


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def record_create(
    instance: Record,
    *,
    actor: Any,
    m2m: dict[str, Any] | None = None,
    children: Callable[[Any], None] | None = None,
) -> Record:
    """`children` writes rows that belong to the new record (its further emails), in the same
    transaction and before the history entry, which then includes them."""
    with transaction.atomic():
        instance.created_by = instance.updated_by = _actor_or_none(actor)
        instance.full_clean(exclude=list(m2m or {}))
        instance.save()
        for name, value in (m2m or {}).items():
            getattr(instance, name).set(value)
        if children is not None:
            children(instance)
        history.record_created(instance, actor=actor)
    return instance


def record_update(
    instance: Versioned,
    *,
    actor: Any,
    values: dict[str, Any],
    expected_version: int | None,
    children: Callable[[Any], None] | None = None,
) -> Versioned:
    """Apply `values` (plain and many-to-many fields) to the row as it is in the database now.

    Works for any model with a `version` field. With `expected_version` given, a row that moved
    on since the edit began is refused with StaleEditError, so a concurrent edit is never
    silently overwritten.
    """
    model: Any = instance._meta.model
    m2m_names = {f.name for f in model._meta.many_to_many} | {
        r.get_accessor_name() for r in model._meta.related_objects if r.many_to_many
    }
    field_names = {f.name for f in model._meta.concrete_fields}
    with transaction.atomic():
        current: Any = _locked_for_history(model, instance.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleEditError(current.version)
        before = history.snapshot(current)
        plain = {k: v for k, v in values.items() if k not in m2m_names}
        for name, value in plain.items():
            setattr(current, name, value)
        current.full_clean(exclude=[*m2m_names, *(field_names - plain.keys())])
        current.version += 1
        bookkeeping = ["version"]
        if "updated_by" in field_names:
            current.updated_by = _actor_or_none(actor)
            bookkeeping += ["updated_by", "updated_at"]
        current.save(update_fields=[*plain, *bookkeeping])
        for name in m2m_names & values.keys():
            getattr(current, name).set(values[name])
        if children is not None:  # rows of the record, as in record_create
            children(current)
        history.record_changed(current, actor=actor, before=before)
    return current


def _locked_for_history(model: Any, pk: Any) -> Any:
    """The row as it is now, locked for the update (its own row only), with what the history
    labels name: foreign keys joined and many-to-many relations prefetched, so the snapshots
    before and after read no related row one by one (a stage move read nine that way)."""
    tracked = history.tracked_fields(model)
    joined = [f.name for f in tracked if f.many_to_one or f.one_to_one]
    prefetched = [history.accessor(f) for f in tracked if f.many_to_many]
    rows = model._base_manager.select_for_update(of=("self",))
    return rows.select_related(*joined).prefetch_related(*prefetched).get(pk=pk)


def record_trash(instance: Record, *, actor: Any) -> Record:
    with transaction.atomic():
        current: Any = instance._meta.model._base_manager.select_for_update().get(pk=instance.pk)
        if current.deleted_at is None:
            current.deleted_at = timezone.now()
            current.deleted_by = _actor_or_none(actor)
            current.version += 1
            current.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
            history.record_deleted(current, actor=actor)
    return current


def record_restore(instance: Record, *, actor: Any) -> Record:
    with transaction.atomic():
        current: Any = instance._meta.model._base_manager.select_for_update().get(pk=instance.pk)
        if current.deleted_at is not None:
            current.deleted_at = None
            current.deleted_by = None
            current.version += 1
            current.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
            history.record_restored(current, actor=actor)
    return current
