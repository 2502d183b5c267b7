"""The opportunity list as the lists app knows it: saved views, and bulk actions (those of
every list, plus moving to a stage and marking lost, as a Pipedrive user expects).

Both extra actions follow the rules of their one-record services (services.py):
- a move applies to open opportunities (not leads) of the stage's pipeline; the probability
  follows the stage unless set by hand; the move is recorded as a stage change; with the
  pipeline's `requires_next_step`, opportunities without a planned activity stay where they
  are. The others are left as they were and counted.
- marking lost needs a reason; opportunities already lost are left as they were.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import User
from sampo.activities.models import Activity
from sampo.lists.bulk import Action, ActionForm, field_changes, touch, write_history
from sampo.lists.registry import ListSpec
from sampo.sales import access, selectors, views
from sampo.sales.models import LostReason, Opportunity, Stage, StageChange


def _rows(user: User, query: QueryDict) -> Any:
    return selectors.opportunity_rows(user=user, filters=views.filters_from(query, list_view=True))


def _file(rows: Any, fmt: str) -> HttpResponseBase:
    return views.list_file(rows, fmt)


# --- Move to a stage ------------------------------------------------------------------------


class StageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.pipeline}: {obj}"


class StageForm(ActionForm):
    stage = StageChoice(
        label=_("Stage"),
        queryset=Stage.objects.select_related("pipeline").order_by(
            "pipeline__position", "pipeline__name", "position", "id"
        ),
        help_text=_("Opportunities of other pipelines, leads and closed ones stay where they are."),
    )

    def params(self) -> dict[str, Any]:
        return {"stage": self.cleaned_data["stage"].pk}


def _prepare_stage(spec: ListSpec, params: dict[str, Any]) -> Stage:
    stage = Stage.objects.select_related("pipeline").filter(pk=params.get("stage") or 0).first()
    if stage is None:
        raise ValidationError({"stage": _("Choose a stage.")})
    return stage


def _with_planned_activity(records: list[Opportunity]) -> set[int]:
    planned = Activity.objects.filter(
        regarding_type=ContentType.objects.get_for_model(Opportunity),
        regarding_id__in=[record.pk for record in records],
        status=Activity.Status.PLANNED,
    )
    return {pk for pk in planned.values_list("regarding_id", flat=True) if pk is not None}


def _move(actor: User, records: list[Opportunity], stage: Stage) -> list[Opportunity]:
    movable = [
        record
        for record in records
        if not record.is_lead
        and record.is_open
        and record.pipeline_id == stage.pipeline_id
        and record.stage_id != stage.pk
    ]
    if stage.pipeline.requires_next_step and movable:
        planned = _with_planned_activity(movable)
        movable = [record for record in movable if record.pk in planned]
    following = [record for record in movable if not record.probability_overridden]
    overridden = [record for record in movable if record.probability_overridden]
    changes = {}
    for record in movable:
        values: dict[str, Any] = {"stage": stage}
        if not record.probability_overridden:
            values["probability"] = stage.probability
        changes[record] = field_changes(record, values)
    if following:
        touch(Opportunity, following, actor, stage=stage, probability=stage.probability)
    if overridden:
        touch(Opportunity, overridden, actor, stage=stage)
    StageChange.objects.bulk_create(
        [
            StageChange(
                opportunity=record,
                from_stage_id=record.stage_id,
                to_stage=stage,
                from_label=record.stage.name if record.stage else "",
                to_label=stage.name,
                changed_by=actor,
            )
            for record in movable
        ]
    )
    write_history(actor, changes)
    return movable


# --- Mark lost ------------------------------------------------------------------------------


class LostForm(ActionForm):
    reason = forms.ModelChoiceField(
        label=_("Why were they lost?"),
        queryset=LostReason.objects.all(),
        error_messages={"required": _("Choose why the opportunities were lost.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def params(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"].pk, "note": self.cleaned_data["note"]}


def _prepare_lost(spec: ListSpec, params: dict[str, Any]) -> tuple[LostReason, str]:
    reason = LostReason.objects.filter(pk=params.get("reason") or 0).first()
    if reason is None:
        raise ValidationError({"reason": _("Choose why the opportunities were lost.")})
    return reason, str(params.get("note") or "").strip()


def _mark_lost(
    actor: User, records: list[Opportunity], prepared: tuple[LostReason, str]
) -> list[Opportunity]:
    reason, note = prepared
    losing = [record for record in records if record.status != Opportunity.Status.LOST]
    values = {
        "status": Opportunity.Status.LOST,
        "closed_on": timezone.localdate(),
        "lost_reason": reason,
        "lost_note": note,
        "postponed_until": None,
    }
    if not losing:
        return []
    changes = {record: field_changes(record, values) for record in losing}
    touch(Opportunity, losing, actor, **values)
    write_history(actor, changes)
    return losing


OPPORTUNITIES = ListSpec(
    key="opportunities",
    label=_("Opportunities"),
    url_name="sales:list",
    model=Opportunity,
    rows=_rows,
    editable=access.editable,
    can_change=access.can_create,
    export=_file,
    extra_actions=(
        Action(
            "move_stage",
            _("Move to a stage"),
            StageForm,
            _prepare_stage,
            _move,
            related=("stage",),
        ),
        Action(
            "mark_lost",
            _("Mark as lost"),
            LostForm,
            _prepare_lost,
            _mark_lost,
            related=("lost_reason",),
        ),
    ),
)
