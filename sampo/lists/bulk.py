"""Bulk actions on a list: the selection, the batches, the actions every list has (add and
remove tags, change the owner, move to the trash) and the runner.

Decisions:
- A selection is either rows ticked on a page (their ids) or everything that matches the
  list's filters, on every page. The latter is never counted to be shown: the rows come from
  the list's own selector in batches of BATCH_SIZE by primary key (keyset), so a selection of a
  million rows costs a million rows read in batches, not a COUNT and not one big IN list.
- Each batch is checked against what the user may change (the domain's `editable` condition,
  the SQL twin of its access.can_edit). The action applies to every row the user may change
  and reports the others ("skipped: you may not change them"); rows already as asked are left
  alone and counted as unchanged. Nothing fails the whole action for one refused row.
- Every changed row gets a version bump, `updated_by`/`updated_at` and one history entry, all
  written in bulk: the queries per batch do not grow with its rows.
- A selection small enough runs in the request, in one transaction; a larger one (more than
  settings.BULK_INLINE_LIMIT rows) runs on the worker (tasks.run_bulk_action), one transaction
  per batch, and the user gets a notification when it is done. Every action is idempotent, so
  a retried task does no harm.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from sampo.accounts.models import User
from sampo.core import history
from sampo.core.audit import audit_record
from sampo.core.models import HistoryEntry
from sampo.lists.registry import ListSpec

BATCH_SIZE = 500
RUN_TASK = "sampo.lists.tasks.run_bulk_action"


@dataclass(frozen=True)
class Selection:
    """Rows ticked on a page (`ids`), or `everything` that matches the list's `query`."""

    query: str = ""
    ids: tuple[int, ...] = ()
    everything: bool = False

    def rows(self, spec: ListSpec, user: User) -> QuerySet[Any]:
        rows = spec.rows(user, QueryDict(self.query))
        return rows if self.everything else rows.filter(pk__in=self.ids)

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.ids


@dataclass
class BulkResult:
    changed: int = 0
    unchanged: int = 0  # already as asked, or not in a state the action applies to
    refused: int = 0  # the user may not change them

    def add(self, *, changed: int, unchanged: int, refused: int) -> None:
        self.changed += changed
        self.unchanged += unchanged
        self.refused += refused


class ActionForm(forms.Form):
    """The parameters of an action, as JSON-friendly `params` (a queued task gets them)."""

    def __init__(self, *args: Any, spec: ListSpec, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.user = user

    def params(self) -> dict[str, Any]:
        return {}


# prepare(spec, params) -> the parameters as objects, validated (ValidationError otherwise);
# apply(actor, records, prepared) -> the records it changed. `records` are one batch of rows
# the actor may change.
Prepare = Callable[[ListSpec, dict[str, Any]], Any]
Apply = Callable[[User, list[Any], Any], list[Any]]


@dataclass(frozen=True)
class Action:
    code: str
    label: Any
    form: type[ActionForm]
    prepare: Prepare
    apply: Apply
    # Shown a confirmation page naming how many rows and which first (a delete).
    confirm: bool = False
    # Relations `apply` reads (for history labels), fetched with each batch.
    related: tuple[str, ...] = ()


# --- Bulk writes shared by the actions ------------------------------------------------------


def touch(model: type[models.Model], records: Sequence[Any], actor: User, **values: Any) -> None:
    """Write `values` to `records` with the bookkeeping of an edit: a new version (so an edit
    form opened before refuses to overwrite), who and when."""
    model._base_manager.filter(pk__in=[record.pk for record in records]).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now(), **values
    )


def change(name: str, old: Any, new: Any, old_label: Any, new_label: Any) -> dict[str, Any]:
    """One field's change in the shape history.diff gives."""
    return {
        "field": name,
        "old": old,
        "new": new,
        "old_label": str(old_label),
        "new_label": str(new_label),
    }


def field_changes(record: Any, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The changes writing `values` (plain and foreign-key fields, by name) makes to `record`,
    labelled like core.history does; related objects must be loaded (Action.related)."""
    changes = []
    for name, new in values.items():
        model_field: Any = record._meta.get_field(name)
        old_value = getattr(record, model_field.attname)
        new_value = new.pk if model_field.is_relation and new is not None else new
        if old_value == new_value:
            continue
        if model_field.is_relation:
            old_label, new_label = getattr(record, name) or "", new or ""
        elif model_field.choices:
            labels = dict(model_field.flatchoices)
            old_label, new_label = labels.get(old_value, old_value), labels.get(new, new)
        else:
            old_label, new_label = old_value or "", new or ""
        changes.append(
            change(
                name,
                history.json_value(old_value),
                history.json_value(new_value),
                old_label,
                new_label,
            )
        )
    return changes


def write_history(
    actor: User,
    changes: dict[Any, list[dict[str, Any]]],
    *,
    action: str = HistoryEntry.Action.CHANGED,
) -> None:
    history.write_entries(
        [
            (
                record,
                history.unsaved_entry(record, actor=actor, action=action, changes=record_changes),
            )
            for record, record_changes in changes.items()
        ]
    )


# --- Tags -----------------------------------------------------------------------------------


class TagsForm(ActionForm):
    tags: Any = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tags_field: Any = self.fields["tags"]
        tags_field.queryset = _tag_model(self.spec.model)._default_manager.order_by("name")

    def params(self) -> dict[str, Any]:
        return {"tags": sorted(tag.pk for tag in self.cleaned_data["tags"])}


def _tag_model(model: type[models.Model]) -> Any:
    return model._meta.get_field("tags").related_model


def _prepare_tags(spec: ListSpec, params: dict[str, Any]) -> list[Any]:
    wanted = {int(pk) for pk in params.get("tags") or []}
    tags = list(_tag_model(spec.model)._default_manager.filter(pk__in=wanted))
    if not wanted or len(tags) != len(wanted):
        raise ValidationError({"tags": _("Choose one or more tags.")})
    return tags


def _apply_tags(actor: User, records: list[Any], tags: list[Any], *, add: bool) -> list[Any]:
    model = type(records[0])
    tags_field: Any = model._meta.get_field("tags")
    through = tags_field.remote_field.through
    source = f"{tags_field.m2m_field_name()}_id"
    target = f"{tags_field.m2m_reverse_field_name()}_id"
    current: dict[int, set[int]] = defaultdict(set)
    links = through.objects.filter(**{f"{source}__in": [r.pk for r in records]})
    for record_id, tag_id in links.values_list(source, target):
        current[record_id].add(tag_id)
    chosen = {tag.pk for tag in tags}
    after = {
        record.pk: (current[record.pk] | chosen) if add else (current[record.pk] - chosen)
        for record in records
    }
    changed = [record for record in records if after[record.pk] != current[record.pk]]
    if not changed:
        return []
    if add:
        through.objects.bulk_create(
            [
                through(**{source: record.pk, target: tag_id})
                for record in changed
                for tag_id in chosen - current[record.pk]
            ]
        )
    else:
        through.objects.filter(
            **{f"{source}__in": [r.pk for r in changed], f"{target}__in": chosen}
        ).delete()
    names = {
        tag.pk: str(tag)
        for tag in tags_field.related_model._default_manager.filter(
            pk__in=set(chosen).union(*current.values())
        )
    }

    def label(ids: set[int]) -> str:
        return ", ".join(names[pk] for pk in sorted(ids))

    touch(model, changed, actor)
    write_history(
        actor,
        {
            record: [
                change(
                    "tags",
                    sorted(current[record.pk]),
                    sorted(after[record.pk]),
                    label(current[record.pk]),
                    label(after[record.pk]),
                )
            ]
            for record in changed
        },
    )
    return changed


def _add_tags(actor: User, records: list[Any], tags: list[Any]) -> list[Any]:
    return _apply_tags(actor, records, tags, add=True)


def _remove_tags(actor: User, records: list[Any], tags: list[Any]) -> list[Any]:
    return _apply_tags(actor, records, tags, add=False)


# --- Owner ----------------------------------------------------------------------------------


class OwnerForm(ActionForm):
    owner: Any = forms.ModelChoiceField(label=_("New owner"), queryset=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = User.objects.filter(is_active=True).order_by("name")

    def params(self) -> dict[str, Any]:
        return {"owner": self.cleaned_data["owner"].pk}


def _prepare_owner(spec: ListSpec, params: dict[str, Any]) -> User:
    owner = User.objects.filter(pk=params.get("owner") or 0, is_active=True).first()
    if owner is None:
        raise ValidationError({"owner": _("Choose an active user as the new owner.")})
    return owner


def _reassign(actor: User, records: list[Any], owner: User) -> list[Any]:
    changed = [record for record in records if record.owner_id != owner.pk]
    if not changed:
        return []
    before = User.objects.in_bulk({record.owner_id for record in changed})
    touch(type(records[0]), changed, actor, owner=owner)
    write_history(
        actor,
        {
            record: [
                change("owner", record.owner_id, owner.pk, before.get(record.owner_id, ""), owner)
            ]
            for record in changed
        },
    )
    return changed


# --- Trash ----------------------------------------------------------------------------------


class ConfirmForm(ActionForm):
    pass


def _prepare_nothing(spec: ListSpec, params: dict[str, Any]) -> None:
    return None


def _trash(actor: User, records: list[Any], prepared: None) -> list[Any]:
    """The same as core.records.record_trash, for a batch: an admin restores from the trash."""
    model = type(records[0])
    model._base_manager.filter(pk__in=[r.pk for r in records], deleted_at__isnull=True).update(
        deleted_at=timezone.now(),
        deleted_by=actor,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    write_history(actor, {record: [] for record in records}, action=HistoryEntry.Action.DELETED)
    return records


COMMON_ACTIONS = (
    Action("add_tags", _("Add tags"), TagsForm, _prepare_tags, _add_tags),
    Action("remove_tags", _("Remove tags"), TagsForm, _prepare_tags, _remove_tags),
    Action("reassign", _("Change the owner"), OwnerForm, _prepare_owner, _reassign),
    Action("trash", _("Move to the trash"), ConfirmForm, _prepare_nothing, _trash, confirm=True),
)


def actions_for(spec: ListSpec) -> tuple[Action, ...]:
    return COMMON_ACTIONS + spec.extra_actions


def action_for(spec: ListSpec, code: str) -> Action:
    for action in actions_for(spec):
        if action.code == code:
            return action
    raise ValidationError(_("Choose what to do with the selected rows."))


# --- Running --------------------------------------------------------------------------------


def primary_key_batches(rows: QuerySet[Any], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """The primary keys of `rows` in batches, by keyset: no OFFSET, no count, no big IN list."""
    keys = rows.prefetch_related(None).order_by("pk").values_list("pk", flat=True)
    last = None
    while True:
        batch = list((keys if last is None else keys.filter(pk__gt=last))[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def count_up_to(rows: QuerySet[Any], limit: int) -> int:
    """How many rows, counting no further than `limit` (more reads as `limit`)."""
    return rows.prefetch_related(None).order_by()[:limit].count()


def _apply_batch(
    *, actor: User, spec: ListSpec, action: Action, keys: list[int], prepared: Any
) -> tuple[list[Any], int]:
    """One batch: lock and read the rows the actor may change, apply. Returns the changed
    records and how many were refused."""
    allowed = spec.model._default_manager.filter(spec.editable(actor), pk__in=keys)
    allowed = allowed.select_related(*action.related).select_for_update(of=("self",))
    records = list(allowed.order_by("pk"))
    changed = action.apply(actor, records, prepared) if records else []
    if changed:  # one audit event per batch, in its transaction
        audit_record(
            "bulk_change",
            actor=actor,
            details={
                "list": spec.key,
                "action": action.code,
                "count": len(changed),
                "ids": [record.pk for record in changed][:100],
            },
        )
    return changed, len(keys) - len(records)


def bulk_apply(
    *,
    actor: User,
    spec: ListSpec,
    code: str,
    selection: Selection,
    params: dict[str, Any],
    one_transaction: bool = True,
) -> BulkResult:
    """Apply the action `code` to the selected rows the actor may change; see the module's
    docstring for what happens to the others. Raises ValidationError on bad parameters (then
    nothing changed) and PermissionDenied when the user may change no row of this list."""
    action = action_for(spec, code)
    if not spec.can_change(actor):
        raise PermissionDenied
    prepared = action.prepare(spec, params)
    result = BulkResult()
    with transaction.atomic() if one_transaction else contextlib.nullcontext():
        for keys in primary_key_batches(selection.rows(spec, actor)):
            with transaction.atomic():
                changed, refused = _apply_batch(
                    actor=actor, spec=spec, action=action, keys=keys, prepared=prepared
                )
            result.add(
                changed=len(changed),
                unchanged=len(keys) - len(changed) - refused,
                refused=refused,
            )
    return result


def runs_in_background(spec: ListSpec, user: User, selection: Selection) -> bool:
    if not selection.everything:
        return len(selection.ids) > settings.BULK_INLINE_LIMIT
    limit = settings.BULK_INLINE_LIMIT
    return count_up_to(selection.rows(spec, user), limit + 1) > limit


def bulk_submit(
    *,
    actor: User,
    spec: ListSpec,
    code: str,
    selection: Selection,
    params: dict[str, Any],
) -> BulkResult | None:
    """Run the action now, or queue it for the worker when the selection is large (None)."""
    action = action_for(spec, code)
    if not spec.can_change(actor):
        raise PermissionDenied
    action.prepare(spec, params)  # refuse bad parameters now, not in the worker
    if not runs_in_background(spec, actor, selection):
        return bulk_apply(actor=actor, spec=spec, code=code, selection=selection, params=params)
    arguments = (actor.pk, spec.key, code, selection.query, list(selection.ids), params)
    transaction.on_commit(lambda: async_task(RUN_TASK, *arguments, everything=selection.everything))
    return None
