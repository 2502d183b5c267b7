"""Every write on leads, opportunities and pipelines. History goes through core.records, every
stage an opportunity enters is a StageChange row, and each outcome is one transaction."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sampo.accounts.access import require_admin
from sampo.accounts.models import Team, User
from sampo.activities.models import Activity, ActivityType
from sampo.activities.services import activity_schedule
from sampo.contacts import services as contacts
from sampo.contacts.models import Organization, Person
from sampo.core import history, named_types, records
from sampo.lib.text import fold
from sampo.sales import access
from sampo.sales.models import (
    LeadSource,
    LostReason,
    Opportunity,
    Pipeline,
    ProductInterest,
    SeededChoice,
    Stage,
    StageChange,
)

OPPORTUNITY_M2M = ("tags",)
# What a new pipeline starts with; renamed and reordered on the admin page.
DEFAULT_STAGES = [
    ("Qualification", 10),
    ("Needs analysis", 25),
    ("Proposal", 50),
    ("Negotiation", 75),
]


class NextStepRequiredError(ValidationError):
    """The pipeline asks for a planned next activity before an opportunity moves on."""

    message_text = gettext_lazy(
        "Plan the next step first: this pipeline requires every open opportunity to have a "
        "planned activity."
    )

    def __init__(self) -> None:
        super().__init__(str(self.message_text), code="next_step_required")


# --- Helpers --------------------------------------------------------------------------------


def default_pipeline_for(user: User | None) -> Pipeline:
    """The first pipeline of the user's teams, else the first one for every team."""
    pipelines = Pipeline.objects.order_by("position", "name", "id")
    if user is not None:
        teams = Team.objects.filter(Q(members=user) | Q(leader=user)).values("pk")
        mine = pipelines.filter(team_id__in=teams).first()
        if mine is not None:
            return mine
    pipeline = pipelines.filter(team__isnull=True).first() or pipelines.first()
    if pipeline is None:
        raise ValidationError(_("There is no pipeline yet. An admin can add one."))
    return pipeline


def first_stage(pipeline: Pipeline) -> Stage:
    stage = pipeline.stages.order_by("position", "id").first()
    if stage is None:
        raise ValidationError(
            _("The pipeline “%(name)s” has no stages yet. An admin can add them.")
            % {"name": pipeline}
        )
    return stage


def has_planned_next_step(opportunity: Opportunity) -> bool:
    content_type = ContentType.objects.get_for_model(Opportunity)
    return Activity.objects.filter(
        regarding_type=content_type,
        regarding_id=opportunity.pk,
        status=Activity.Status.PLANNED,
    ).exists()


def _user_team(user: User | None) -> Team | None:
    if user is None:
        return None
    return Team.objects.filter(members=user, deleted_at__isnull=True).order_by("name").first()


def _clean_currency(value: str | None) -> str:
    currency = (value or settings.DEFAULT_CURRENCY).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValidationError({"currency": _("Enter a three-letter currency code, e.g. EUR.")})
    return currency


def _normalize(values: dict[str, Any], current: Opportunity | None = None) -> dict[str, Any]:
    values = dict(values)
    if "title" in values:
        values["title"] = " ".join((values["title"] or "").split())
        if not values["title"]:
            raise ValidationError({"title": _("Enter a title.")})
        values["title_folded"] = fold(values["title"])
    for field in ("contact_name", "company_name", "phone"):
        if field in values:
            values[field] = (values[field] or "").strip()
    if "email" in values:
        values["email"] = (values["email"] or "").strip().lower()
    if "currency" in values or current is None:
        values["currency"] = _clean_currency(values.get("currency"))
    return values


def record_stage_change(
    opportunity: Opportunity, *, actor: User | None, old: Stage | None, new: Stage | None
) -> StageChange:
    return StageChange.objects.create(
        opportunity=opportunity,
        from_stage=old,
        to_stage=new,
        from_label=old.name if old else "",
        to_label=new.name if new else "",
        changed_by=actor if getattr(actor, "pk", None) else None,
    )


def _require_stage_of(stage: Stage, pipeline: Pipeline) -> None:
    if stage.pipeline_id != pipeline.pk:
        raise ValidationError(
            {"stage": _("Choose a stage of the pipeline “%(name)s”.") % {"name": pipeline}}
        )


# --- Opportunities --------------------------------------------------------------------------


def opportunity_create(*, actor: User | None, values: dict[str, Any]) -> Opportunity:
    """A lead or opportunity; only a title is needed. The pipeline defaults to the actor's team's
    first one; a pipeline that starts with leads makes a lead unless `kind` says otherwise.
    `actor` None is the system (web forms, demo data), which then names the owner."""
    if actor is not None:
        access.require_create(actor)
    opportunity, m2m = opportunity_prepare(actor=actor, values=values)
    with transaction.atomic():
        opportunity = records.record_create(opportunity, actor=actor, m2m=m2m)
        if opportunity.stage is not None:
            record_stage_change(opportunity, actor=actor, old=None, new=opportunity.stage)
    return opportunity


class Defaults:
    """The default pipeline, first stages and owners' teams, read once for many new
    opportunities (the importer's bulk path); a fresh one reads them each time."""

    def __init__(self) -> None:
        self.pipelines: dict[int | None, Pipeline] = {}
        self.first_stages: dict[int, Stage] = {}
        self.teams: dict[int | None, Team | None] = {}

    def pipeline_for(self, user: User | None) -> Pipeline:
        key = getattr(user, "pk", None)
        if key not in self.pipelines:
            self.pipelines[key] = default_pipeline_for(user)
        return self.pipelines[key]

    def first_stage(self, pipeline: Pipeline) -> Stage:
        if pipeline.pk not in self.first_stages:
            self.first_stages[pipeline.pk] = first_stage(pipeline)
        return self.first_stages[pipeline.pk]

    def team_of(self, user: User | None) -> Team | None:
        key = getattr(user, "pk", None)
        if key not in self.teams:
            self.teams[key] = _user_team(user)
        return self.teams[key]


def opportunity_prepare(
    *, actor: User | None, values: dict[str, Any], defaults: Defaults | None = None
) -> tuple[Opportunity, dict[str, Any]]:
    """The unsaved opportunity `opportunity_create` writes (normalized, with its pipeline,
    stage, probability, owner and team), and its many-to-many values. No permission check."""
    defaults = defaults or Defaults()
    plain = _normalize(values)
    m2m = {name: plain.pop(name) for name in OPPORTUNITY_M2M if name in plain}
    pipeline = plain.get("pipeline") or defaults.pipeline_for(actor)
    plain["pipeline"] = pipeline
    kind = plain.get("kind") or (
        Opportunity.Kind.LEAD if pipeline.uses_leads else Opportunity.Kind.OPPORTUNITY
    )
    plain["kind"] = kind
    if kind == Opportunity.Kind.LEAD:
        plain["stage"] = None
    else:
        plain["stage"] = plain.get("stage") or defaults.first_stage(pipeline)
        _require_stage_of(plain["stage"], pipeline)
    if plain.get("probability") is not None:
        plain["probability_overridden"] = True
    else:
        plain["probability"] = plain["stage"].probability if plain["stage"] else 0
        plain["probability_overridden"] = False
    plain.setdefault("owner", actor)
    if plain["owner"] is None:
        raise ValidationError({"owner": _("Choose an owner.")})
    if not plain.get("team"):
        plain["team"] = pipeline.team or defaults.team_of(plain["owner"])
    return Opportunity(**plain), m2m


def opportunity_update(
    *,
    actor: User,
    opportunity: Opportunity,
    values: dict[str, Any],
    expected_version: int | None,
) -> Opportunity:
    """Edit the fields; the stage, pipeline and status change through their own services.
    A probability left empty goes back to the stage's default."""
    access.require_edit(actor, opportunity)
    managed = {"stage", "pipeline", "status", "kind", "lost_reason", "postponed_until"}
    if managed & values.keys():
        raise ValueError(f"use the stage and outcome services for {sorted(managed & set(values))}")
    values = _normalize(values, current=opportunity)
    if "probability" in values:
        if values["probability"] is None:
            values["probability_overridden"] = False
            values["probability"] = opportunity.stage.probability if opportunity.stage else 0
        elif values["probability"] != opportunity.probability or opportunity.probability_overridden:
            values["probability_overridden"] = True
    return records.record_update(
        opportunity, actor=actor, values=values, expected_version=expected_version
    )


def opportunity_normalized_values(
    *, opportunity: Opportunity, values: dict[str, Any]
) -> dict[str, Any]:
    """`values` as opportunity_update would store them (trimmed, folded, the currency checked),
    so that a caller can tell which of them would change the opportunity."""
    return _normalize(values, current=opportunity)


def opportunity_move_stage(
    *,
    actor: User,
    opportunity: Opportunity,
    stage: Stage,
    expected_version: int | None = None,
) -> Opportunity:
    """Into another stage of its pipeline. Records the move; the probability follows the
    stage's default unless it was set by hand."""
    access.require_edit(actor, opportunity)
    if opportunity.is_lead:
        raise ValidationError(_("Qualify the lead before moving it through the pipeline."))
    if not opportunity.is_open:
        raise ValidationError(_("Only an open opportunity can be moved. Reopen it first."))
    _require_stage_of(stage, opportunity.pipeline)
    if stage.pk == opportunity.stage_id:
        if expected_version is not None and expected_version != opportunity.version:
            raise records.StaleEditError(opportunity.version)
        return opportunity
    if opportunity.pipeline.requires_next_step and not has_planned_next_step(opportunity):
        raise NextStepRequiredError()
    values: dict[str, Any] = {"stage": stage}
    if not opportunity.probability_overridden:
        values["probability"] = stage.probability
    old = opportunity.stage
    with transaction.atomic():
        moved = records.record_update(
            opportunity, actor=actor, values=values, expected_version=expected_version
        )
        record_stage_change(moved, actor=actor, old=old, new=stage)
    return moved


def _require_not(opportunity: Opportunity, status: str, message: str) -> None:
    if opportunity.status == status:
        raise ValidationError(message)


def opportunity_mark_won(
    *, actor: User, opportunity: Opportunity, expected_version: int | None = None
) -> Opportunity:
    access.require_edit(actor, opportunity)
    _require_not(opportunity, Opportunity.Status.WON, _("This opportunity is already won."))
    return records.record_update(
        opportunity,
        actor=actor,
        values={
            "status": Opportunity.Status.WON,
            "closed_on": timezone.localdate(),
            "postponed_until": None,
            "lost_reason": None,
            "lost_note": "",
        },
        expected_version=expected_version,
    )


def opportunity_mark_lost(
    *,
    actor: User,
    opportunity: Opportunity,
    reason: LostReason | None,
    note: str = "",
    expected_version: int | None = None,
) -> Opportunity:
    access.require_edit(actor, opportunity)
    _require_not(opportunity, Opportunity.Status.LOST, _("This opportunity is already lost."))
    if reason is None:
        raise ValidationError({"reason": _("Choose why the opportunity was lost.")})
    return records.record_update(
        opportunity,
        actor=actor,
        values={
            "status": Opportunity.Status.LOST,
            "closed_on": timezone.localdate(),
            "lost_reason": reason,
            "lost_note": note.strip(),
            "postponed_until": None,
        },
        expected_version=expected_version,
    )


def _follow_up_type() -> ActivityType:
    found = ActivityType.objects.filter(code="call").first() or ActivityType.objects.first()
    if found is None:
        raise ValidationError(_("There are no activity types to plan the follow-up with."))
    return found


def opportunity_postpone(
    *,
    actor: User,
    opportunity: Opportunity,
    until: datetime.date,
    note: str = "",
    expected_version: int | None = None,
) -> Opportunity:
    """No decision yet: it leaves the active pipeline, a follow-up is planned for `until`, and
    it comes back open on that day (tasks.reopen_postponed)."""
    postponed, _follow_up = opportunity_postpone_planning(
        actor=actor,
        opportunity=opportunity,
        until=until,
        note=note,
        expected_version=expected_version,
    )
    return postponed


def opportunity_postpone_planning(
    *,
    actor: User,
    opportunity: Opportunity,
    until: datetime.date,
    note: str = "",
    expected_version: int | None = None,
) -> tuple[Opportunity, Activity]:
    """`opportunity_postpone`, also giving the follow-up it planned (an import keeps it, so
    that undoing the import cancels it)."""
    access.require_edit(actor, opportunity)
    if until <= timezone.localdate():
        raise ValidationError({"until": _("Choose a day in the future.")})
    if opportunity.status in (Opportunity.Status.WON, Opportunity.Status.LOST):
        raise ValidationError(_("Reopen the opportunity before postponing it."))
    owner = opportunity.owner if opportunity.owner.is_active else actor
    with transaction.atomic():
        postponed = records.record_update(
            opportunity,
            actor=actor,
            values={"status": Opportunity.Status.POSTPONED, "postponed_until": until},
            expected_version=expected_version,
        )
        follow_up = activity_schedule(
            actor=actor,
            type=_follow_up_type(),
            subject=_("Follow up: %(title)s") % {"title": opportunity.title},
            day=until,
            assignee=owner,
            body=note.strip(),
            organization=opportunity.organization,
            people=[opportunity.person] if opportunity.person else [],
            regarding=opportunity,
        )
    return postponed, follow_up


def _reopen_values() -> dict[str, Any]:
    return {
        "status": Opportunity.Status.OPEN,
        "closed_on": None,
        "postponed_until": None,
        "lost_reason": None,
        "lost_note": "",
    }


def opportunity_reopen(
    *, actor: User, opportunity: Opportunity, expected_version: int | None = None
) -> Opportunity:
    access.require_edit(actor, opportunity)
    _require_not(opportunity, Opportunity.Status.OPEN, _("This opportunity is already open."))
    return records.record_update(
        opportunity, actor=actor, values=_reopen_values(), expected_version=expected_version
    )


def opportunities_reopen_postponed(*, today: datetime.date | None = None) -> int:
    """Postponed opportunities whose day has come are open again (by the system). Idempotent."""
    today = today or timezone.localdate()
    due = Opportunity.objects.filter(
        status=Opportunity.Status.POSTPONED, postponed_until__lte=today
    )
    count = 0
    for opportunity in due.iterator():
        with transaction.atomic():
            records.record_update(
                opportunity, actor=None, values=_reopen_values(), expected_version=None
            )
        count += 1
    return count


def opportunity_trash(*, actor: User, opportunity: Opportunity) -> Opportunity:
    access.require_delete(actor, opportunity)
    return records.record_trash(opportunity, actor=actor)


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]), parts[-1]


def lead_person_values(lead: Opportunity) -> dict[str, Any]:
    """A person as typed on the lead, for the qualify form to offer."""
    first, last = _split_name(lead.contact_name)
    return {"first_name": first, "last_name": last, "email": lead.email, "phone": lead.phone}


def lead_qualify(
    *,
    actor: User,
    lead: Opportunity,
    organization: Organization | None = None,
    person: Person | None = None,
    new_organization: dict[str, Any] | None = None,
    new_person: dict[str, Any] | None = None,
    allow_duplicate: bool = False,
    stage: Stage | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    """The lead becomes an opportunity in its pipeline's first stage (or `stage`), linked to an
    existing organization and person or to new ones made from what was typed. New ones pass the
    register's duplicate guard: contacts.services.DuplicateError comes back with the likely
    existing records, and nothing is saved, unless `allow_duplicate`."""
    access.require_edit(actor, lead)
    if not lead.is_lead:
        raise ValidationError(_("This is an opportunity already."))
    if not lead.is_open:
        raise ValidationError(_("Reopen the lead before qualifying it."))
    stage = stage or first_stage(lead.pipeline)
    _require_stage_of(stage, lead.pipeline)
    with transaction.atomic():
        if organization is None and new_organization:
            organization = contacts.organization_create(
                actor=actor, values=new_organization, allow_duplicate=allow_duplicate
            )
        if person is None and new_person:
            person = contacts.person_create(
                actor=actor,
                values=new_person,
                organization=organization,
                allow_duplicate=allow_duplicate,
            )
        values: dict[str, Any] = {
            "kind": Opportunity.Kind.OPPORTUNITY,
            "stage": stage,
            "organization": organization or lead.organization,
            "person": person or lead.person,
        }
        if not lead.probability_overridden:
            values["probability"] = stage.probability
        qualified = records.record_update(
            lead, actor=actor, values=values, expected_version=expected_version
        )
        record_stage_change(qualified, actor=actor, old=None, new=stage)
    return qualified


# --- Admin: pipelines and stages ------------------------------------------------------------


def _clean_probability(probability: int) -> int:
    if not 0 <= probability <= 100:
        raise ValidationError({"probability": _("Enter a probability from 0 to 100.")})
    return probability


def pipeline_create(
    *,
    actor: User,
    name: str,
    team: Team | None = None,
    requires_next_step: bool = False,
    uses_leads: bool = False,
    stages: list[tuple[str, int]] | None = None,
) -> Pipeline:
    """A pipeline with the default stages (or `stages`), placed after the others."""
    require_admin(actor)
    name = named_types.clean_name(name, max_length=120)
    with transaction.atomic():
        pipeline = records.record_create(
            Pipeline(
                name=name,
                team=team,
                requires_next_step=requires_next_step,
                uses_leads=uses_leads,
                position=named_types.next_position(Pipeline),
            ),
            actor=actor,
        )
        Stage.objects.bulk_create(
            Stage(pipeline=pipeline, name=stage_name, probability=probability, position=n)
            for n, (stage_name, probability) in enumerate(stages or DEFAULT_STAGES)
        )
    return pipeline


def pipeline_update(
    *, actor: User, pipeline: Pipeline, values: dict[str, Any], expected_version: int | None
) -> Pipeline:
    require_admin(actor)
    if "name" in values:
        values = {**values, "name": named_types.clean_name(values["name"], max_length=120)}
    return records.record_update(
        pipeline, actor=actor, values=values, expected_version=expected_version
    )


def pipeline_move(*, actor: User, pipeline: Pipeline, offset: int) -> None:
    """Move a pipeline up (-1) or down (+1): the order of the board's pipeline switcher, and
    the first one a user's teams may use is their default."""
    require_admin(actor)
    named_types.move(Pipeline, pipeline, offset)


def pipeline_delete(*, actor: User, pipeline: Pipeline) -> None:
    """Only a pipeline nothing was ever sold in (the trash included) can go."""
    require_admin(actor)
    with transaction.atomic():
        used = Opportunity.all_objects.filter(pipeline=pipeline).count()
        if used:
            raise ValidationError(
                ngettext(
                    "The pipeline still has %(count)d opportunity (the trash counts too).",
                    "The pipeline still has %(count)d opportunities (the trash counts too).",
                    used,
                )
                % {"count": used}
            )
        pipeline.stages.all().delete()
        pipeline.delete()


def _stage_event(pipeline: Pipeline, *, actor: User, old: str, new: str) -> None:
    history.record_event(
        pipeline,
        actor=actor,
        event="stages_changed",
        changes=[{"field": "stages", "old": old, "new": new, "old_label": old, "new_label": new}],
    )


def _stage_label(stage: Stage) -> str:
    return f"{stage.name} ({stage.probability} %)"


def stage_create(*, actor: User, pipeline: Pipeline, name: str, probability: int) -> Stage:
    require_admin(actor)
    name = named_types.clean_name(name, max_length=80)
    probability = _clean_probability(probability)
    with transaction.atomic():
        stage = Stage.objects.create(
            pipeline=pipeline,
            name=name,
            probability=probability,
            position=named_types.next_position(pipeline.stages.all()),
        )
        _stage_event(pipeline, actor=actor, old="", new=_stage_label(stage))
    return stage


def stage_update(*, actor: User, stage: Stage, name: str, probability: int) -> Stage:
    """Rename and set the default probability; open opportunities in the stage whose
    probability was not set by hand follow the new default."""
    require_admin(actor)
    name = named_types.clean_name(name, max_length=80)
    probability = _clean_probability(probability)
    old = _stage_label(stage)
    with transaction.atomic():
        # Saved unchanged, a seeded stage keeps its seeded name and so stays translated.
        if name != str(stage):
            stage.name = name
        stage.probability = probability
        stage.save(update_fields=["name", "probability"])
        Opportunity.all_objects.filter(
            stage=stage, status=Opportunity.Status.OPEN, probability_overridden=False
        ).exclude(probability=probability).update(probability=probability)
        if old != _stage_label(stage):
            _stage_event(stage.pipeline, actor=actor, old=old, new=_stage_label(stage))
    return stage


def stage_move(*, actor: User, stage: Stage, offset: int) -> None:
    """Move a stage left (-1) or right (+1); the positions become 0, 1, 2..."""
    require_admin(actor)
    named_types.move(Stage.objects.filter(pipeline_id=stage.pipeline_id), stage, offset)


def stage_delete(*, actor: User, stage: Stage, move_to: Stage | None = None) -> None:
    """An empty stage goes; a stage with opportunities (the trash included) goes only with
    `move_to`, another stage of the pipeline, which they are moved into (and recorded)."""
    require_admin(actor)
    pipeline = stage.pipeline
    with transaction.atomic():
        if pipeline.stages.count() <= 1:
            raise ValidationError(_("A pipeline needs at least one stage."))
        inside = Opportunity.all_objects.filter(stage=stage)
        if inside.exists():
            if move_to is None or move_to.pk == stage.pk:
                raise ValidationError({"move_to": _("Choose the stage its opportunities move to.")})
            _require_stage_of(move_to, pipeline)
            moving = list(inside.select_for_update())
            StageChange.objects.bulk_create(
                StageChange(
                    opportunity=opportunity,
                    from_stage=stage,
                    to_stage=move_to,
                    from_label=stage.name,
                    to_label=move_to.name,
                    changed_by=actor,
                )
                for opportunity in moving
            )
            inside.update(stage=move_to)
            Opportunity.all_objects.filter(
                stage=move_to, status=Opportunity.Status.OPEN, probability_overridden=False
            ).update(probability=move_to.probability)
        _stage_event(pipeline, actor=actor, old=_stage_label(stage), new="")
        stage.delete()


# --- Admin: lead sources and lost reasons ---------------------------------------------------


def choice_create(*, actor: User, model: type[SeededChoice], name: str) -> SeededChoice:
    """A lead source or lost reason, placed last."""
    require_admin(actor)
    name = named_types.clean_name(name, max_length=80)
    manager: Any = model.objects  # type: ignore[attr-defined]
    with transaction.atomic():
        return manager.create(
            code=named_types.unique_code(model, name),
            name=name,
            position=named_types.next_position(model),
        )


def choice_rename(*, actor: User, choice: SeededChoice, name: str) -> SeededChoice:
    require_admin(actor)
    name = named_types.clean_name(name, max_length=80)
    # Saved unchanged, a seeded entry keeps its seeded name and so stays translated.
    if name != str(choice):
        choice.name = name
        choice.save(update_fields=["name"])
    return choice


def choice_move(*, actor: User, choice: SeededChoice, offset: int) -> None:
    require_admin(actor)
    named_types.move(type(choice), choice, offset)


def _uses_of(choice: SeededChoice) -> int:
    field = {LeadSource: "source", ProductInterest: "product_interest"}.get(
        type(choice), "lost_reason"
    )
    return Opportunity.all_objects.filter(**{field: choice}).count()


def choice_delete(*, actor: User, choice: SeededChoice) -> None:
    """Only an unused entry can go; opportunities in the trash count, so that restoring one
    never loses its source or reason."""
    require_admin(actor)
    with transaction.atomic():
        used = _uses_of(choice)
        if used:
            raise ValidationError(
                ngettext(
                    "“%(name)s” is still used by %(count)d opportunity (the trash counts too).",
                    "“%(name)s” is still used by %(count)d opportunities (the trash counts too).",
                    used,
                )
                % {"name": choice, "count": used}
            )
        try:
            choice.delete()
        except ProtectedError as error:
            raise ValidationError(
                _("“%(name)s” is still used by a web form or an assignment rule.")
                % {"name": choice}
            ) from error
