"""Opportunities imported from a file, through the register's import wizard and `sampo import
opportunities FILE` (registered in contacts.imports.registry from registrations.py).

Each row is written by the sales services in its own savepoint, so a bad row fails alone and
says why, and every imported opportunity is what the screens would have made: history, a stage
change into its stage, a follow-up planned when it is postponed. A row links to organizations
and people by business ID, email, name or its source id in the same source system; the
pipeline, stage, owner, team, lead source and lost reason are found by name (seeded ones in
any of Sampo's languages). Existing opportunities are found by their source id, so a re-import
updates them instead of adding them twice.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sampo.accounts.models import Team, User
from sampo.activities.models import Activity
from sampo.activities.services import activity_cancel
from sampo.contacts.imports import fields as import_fields
from sampo.contacts.imports.fields import LANGUAGES, Target
from sampo.contacts.imports.models import ExternalId, ImportBatch, ImportRow
from sampo.contacts.imports.registry import ImportType, UndoCounts
from sampo.contacts.imports.undo import trash_records
from sampo.contacts.models import Organization, Person, Tag
from sampo.core import history, records
from sampo.core.models import HistoryEntry
from sampo.lib.bulk_insert import bulk_insert
from sampo.lib.business_ids import parse_business_id
from sampo.lib.dates import parse_day
from sampo.lib.money import parse_amount
from sampo.lib.text import fold
from sampo.sales import access, services
from sampo.sales.models import LeadSource, LostReason, Opportunity, Pipeline, Stage, StageChange

Outcome = ImportRow.Outcome
Status = Opportunity.Status
KIND = "opportunities"
# In an import row's `changes` (not a field): the follow-up planned for a postponed row,
# [None, activity id], which the undo cancels.
FOLLOW_UP = "_follow_up"

TARGETS = [
    Target("title", gettext_lazy("Title")),
    Target("pipeline", gettext_lazy("Pipeline"), "pipeline"),
    Target("stage", gettext_lazy("Stage"), "stage"),
    Target("organization", pgettext_lazy("import target", "Organization (by name)")),
    Target("organization_business_id", gettext_lazy("Organization (by business ID)")),
    Target("organization_source_id", gettext_lazy("Organization (by its source id)")),
    Target("person_email", gettext_lazy("Contact person (by email)")),
    Target("person_source_id", gettext_lazy("Contact person (by their source id)")),
    Target("owner", gettext_lazy("Owner (email or name)"), "owner"),
    Target("team", gettext_lazy("Team"), "team"),
    Target("expected_revenue", gettext_lazy("Expected revenue"), "amount"),
    Target("currency", gettext_lazy("Currency"), "currency"),
    Target("probability", gettext_lazy("Probability (%)"), "percent"),
    Target("expected_close_date", gettext_lazy("Expected close date"), "date"),
    Target("priority", gettext_lazy("Priority (0 to 3)"), "priority"),
    Target("tags", gettext_lazy("Tags"), "tags"),
    Target("source", gettext_lazy("Lead source"), "lead_source"),
    Target("description", gettext_lazy("Description")),
    Target("status", gettext_lazy("Status (open, won, lost, postponed)"), "status"),
    Target("closed_on", gettext_lazy("Won or lost on"), "date"),
    Target("lost_reason", gettext_lazy("Lost reason"), "lost_reason"),
    Target("lost_note", gettext_lazy("Note on the loss")),
    Target("postponed_until", gettext_lazy("Postponed until"), "date"),
    Target("source_id", gettext_lazy("Source id (the record's id in the source system)")),
]

ALIASES = {
    "title": "title, name, deal, deal name, deal title, opportunity, opportunity name, subject, "
    "topic, otsikko, nimi, kauppa, myyntimahdollisuus, mahdollisuus, aihe, cím, név, "
    "lehetőség, üzlet, üzleti lehetőség, tárgy",
    "pipeline": "pipeline, sales pipeline, myyntiputki, putki, értékesítési folyamat, tölcsér",
    "stage": "stage, deal stage, phase, vaihe, myyntivaihe, szakasz, fázis",
    "organization": "organization, organisation, company, account, account name, customer, "
    "company name, organisaatio, yritys, asiakas, cég, cégnév, ügyfél, szervezet",
    "organization_business_id": "business id, company business id, vat, vat number, y-tunnus, "
    "ytunnus, yrityksen y-tunnus, adószám, cég adószáma",
    "organization_source_id": "organization id, company id, account id, customer id, "
    "asiakasnumero, yrityksen tunnus, cégazonosító, ügyfélszám",
    "person_email": "email, e-mail, contact email, person email, sähköposti, "
    "yhteyshenkilön sähköposti, e-mail cím, kapcsolattartó e-mail",
    "person_source_id": "contact id, person id, yhteyshenkilön tunnus, kapcsolattartó azonosító",
    "owner": "owner, deal owner, sales rep, salesperson, omistaja, vastuumyyjä, myyjä, "
    "tulajdonos, felelős, értékesítő, üzletkötő",
    "team": "team, sales team, tiimi, myyntitiimi, csapat, értékesítési csapat",
    "expected_revenue": "value, amount, deal value, expected revenue, revenue, arvo, summa, "
    "odotettu myynti, kaupan arvo, érték, összeg, várható bevétel",
    "currency": "currency, valuutta, pénznem, deviza",
    "probability": "probability, probability (%), win probability, todennäköisyys, valószínűség",
    "expected_close_date": "close date, expected close date, closing date, expected close, "
    "arvioitu päättymispäivä, arvioitu sulkemispäivä, päättymispäivä, várható zárás, "
    "zárás dátuma, várható lezárás",
    "priority": "priority, prioriteetti, tärkeys, prioritás, fontosság",
    "tags": "tags, tag, labels, tunnisteet, avainsanat, címkék, címke",
    "source": "source, lead source, lähde, liidin lähde, forrás, lead forrás",
    "description": "description, notes, note, details, kuvaus, lisätiedot, muistiinpanot, "
    "leírás, megjegyzés, részletek",
    "status": "status, state, outcome, result, tila, tulos, állapot, eredmény",
    "closed_on": "closed on, close day, closed, won on, lost on, won or lost on, closed date, "
    "suljettu, päättynyt, voitettu, hävitty, lezárva, lezárás napja",
    "lost_reason": "lost reason, reason lost, loss reason, reason, häviön syy, "
    "menetyksen oka, elvesztés oka, ok",
    "lost_note": "lost note, note on the loss, loss note, häviön lisätieto, "
    "megjegyzés az elvesztéshez",
    "postponed_until": "postponed until, follow up on, siirretty, siirretty asti, "
    "elhalasztva, halasztva eddig",
    "source_id": "id, source id, external id, deal id, opportunity id, record id, tunniste, "
    "ulkoinen id, azonosító, külső azonosító",
}
MATCH_LABELS = {"source_id": gettext_lazy("Source id")}


def check_mapping(used: set[str]) -> None:
    if "title" not in used:
        raise ValidationError(_("Choose the column that holds the opportunity's title."))


# --- Names the cells may use -----------------------------------------------------------------


def _in_every_language(items: list[Any], *names: Callable[[Any], str]) -> dict[str, Any]:
    """Each item by its stored name, code and the name it reads in each language."""
    found: dict[str, Any] = {}
    for language in LANGUAGES:
        with translation.override(language):
            for item in items:
                for name in names:
                    found.setdefault(fold(name(item)), item)
    return found


class SalesLookups:
    """Pipelines, stages, teams, lead sources, lost reasons and outcomes by name, loaded once
    per batch."""

    def __init__(self) -> None:
        self.register = import_fields.Lookups()
        pipelines = list(Pipeline.objects.order_by("position", "id"))
        self.pipelines = _in_every_language(pipelines, str, lambda p: p.name)
        self.stages: dict[int, dict[str, Stage]] = defaultdict(dict)
        all_stages = list(Stage.objects.order_by("position", "id"))
        for pipeline in pipelines:
            own = [s for s in all_stages if s.pipeline_id == pipeline.pk]
            self.stages[pipeline.pk] = _in_every_language(own, str, lambda s: s.name)
        self.teams = {fold(team.name): team for team in Team.objects.all()}
        self.sources = _in_every_language(
            list(LeadSource.objects.all()), str, lambda s: s.name, lambda s: s.code
        )
        self.lost_reasons = _in_every_language(
            list(LostReason.objects.all()), str, lambda r: r.name, lambda r: r.code
        )
        statuses = [(value, label) for value, label in Status.choices]
        self.statuses = _in_every_language(statuses, lambda c: str(c[1]), lambda c: c[0])
        priorities = list(Opportunity.PRIORITIES)
        self.priorities = _in_every_language(priorities, lambda c: str(c[1]), lambda c: str(c[0]))


def _unknown(text: str) -> ValidationError:
    return ValidationError(_("Unknown value “%(value)s”.") % {"value": text})


def _named(found: dict[str, Any], text: str) -> Any:
    item = found.get(fold(text))
    if item is None:
        raise _unknown(text)
    return item


def _amount(text: str) -> tuple[Decimal, str]:
    try:
        amount, currency = parse_amount(text)
    except ValueError as error:
        raise ValidationError(_("“%(value)s” is not an amount.") % {"value": text}) from error
    return amount, currency


def _currency(text: str) -> str:
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValidationError(_("Enter a three-letter currency code, e.g. EUR."))
    return code


def _percent(text: str) -> int:
    number = text.replace("%", "").strip().replace(",", ".")
    try:
        value = float(number)
    except ValueError as error:
        raise ValidationError(_("“%(value)s” is not a percentage.") % {"value": text}) from error
    # A spreadsheet's percentage cell reads as a fraction (0.25 for 25 %).
    percent = round(value * 100) if 0 < value < 1 and "%" not in text else round(value)
    if not 0 <= percent <= 100:
        raise ValidationError(_("Enter a probability from 0 to 100."))
    return percent


def _day(text: str) -> datetime.date:
    try:
        return parse_day(text)
    except ValueError as error:
        raise ValidationError(
            _("“%(value)s” is not a date: write it as 31.12.2026 or 2026-12-31.") % {"value": text}
        ) from error


def _priority(text: str, lookups: SalesLookups) -> int:
    stars = text.strip()
    if stars and set(stars) <= {"★", "*"}:
        return min(len(stars), 3)
    found = lookups.priorities.get(fold(text))
    if found is None:
        raise ValidationError(_("Give the priority as 0, 1, 2 or 3."))
    return int(found[0])


def _convert(target: Target, text: str, lookups: SalesLookups) -> Any:
    kind = target.kind
    if kind in ("owner", "tags"):
        return import_fields.convert(target, text, lookups.register)
    converters: dict[str, Callable[[], Any]] = {
        "pipeline": lambda: _named(lookups.pipelines, text),
        "team": lambda: _named(lookups.teams, text),
        "lead_source": lambda: _named(lookups.sources, text),
        "lost_reason": lambda: _named(lookups.lost_reasons, text),
        "status": lambda: _named(lookups.statuses, text)[0],
        "amount": lambda: _amount(text),
        "currency": lambda: _currency(text),
        "percent": lambda: _percent(text),
        "date": lambda: _day(text),
        "priority": lambda: _priority(text, lookups),
    }
    converter = converters.get(kind)
    return converter() if converter else text


# --- One row ----------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    cells: list[str]
    raw: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    source_id: str = ""


def _json(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class OpportunityImport:
    """Writes one batch's chunks: finds what each row links to, and creates or updates the
    opportunity with the sales services."""

    def __init__(self, batch: ImportBatch, actor: User) -> None:
        self.batch = batch
        self.actor = actor
        self.mapping: list[str] = list(batch.mapping)
        self.targets = {t.key: t for t in TARGETS}
        options = batch.options or {}
        self.match = "source_id" in options.get("match", ["source_id"])
        self.update = options.get("on_match", "update") == "update"
        self.source: str = options.get("source") or "import"
        self.lookups = SalesLookups()
        # The default pipeline, first stages and teams of owners, read once per batch.
        self.defaults = services.Defaults()
        self.tags = {fold(tag.name): tag for tag in Tag.objects.all()}
        self.content_type = ContentType.objects.get_for_model(Opportunity)
        self.organization_ct = ContentType.objects.get_for_model(Organization)
        self.person_ct = ContentType.objects.get_for_model(Person)
        self.created_rows: dict[int, int] = {
            pk: number
            for pk, number in batch.rows.filter(outcome=Outcome.CREATED).values_list(
                "record_id", "row_number"
            )
            if pk is not None
        }

    def __call__(self, chunk: list[tuple[int, list[str]]]) -> list[ImportRow]:
        rows = [self._parse(number, cells) for number, cells in chunk]
        links = _Links(self, rows)
        results: dict[int, ImportRow] = {}
        one_by_one = []
        bulk = _BulkCreate(self)
        for row in rows:
            if row.errors:
                results[row.number] = self._result(row, Outcome.FAILED, " ".join(row.errors))
            elif not bulk.plan(row, links, results):
                one_by_one.append(row)
        one_by_one += bulk.write(results)
        for row in sorted(one_by_one, key=lambda r: r.number):
            results[row.number] = self._write_one(row, links)
        ordered = [results[row.number] for row in rows]
        bulk_insert(ordered)
        return ordered

    def _write_one(self, row: Row, links: _Links) -> ImportRow:
        """A row the services write alone (an update, a postponed one, one whose bulk write
        failed), in its own savepoint so that it fails alone."""
        saved_tags = dict(self.tags), list(self.batch.created_tags)
        try:
            with transaction.atomic():
                return self._write(row, links)
        except (ValidationError, PermissionDenied, DatabaseError) as error:
            self.tags, self.batch.created_tags = saved_tags
            return self._result(row, Outcome.FAILED, _message(error))

    # Parsing

    def _parse(self, number: int, cells: list[str]) -> Row:
        row = Row(number, list(cells))
        if any(cell.strip() for cell in cells[len(self.mapping) :]):
            row.errors.append(_("This row has more cells than the header row has columns."))
        texts = {}
        for index, key in enumerate(self.mapping):
            text = import_fields.clean_text(cells[index]) if key and index < len(cells) else ""
            if text:
                texts[key] = text
        for key, text in texts.items():
            if key == "stage":
                continue  # found within the row's pipeline, below
            target = self.targets[key]
            try:
                row.raw[key] = _convert(target, text, self.lookups)
            except ValidationError as error:
                row.errors += [f"{capfirst(str(target.label))}: {m}" for m in error.messages]
        row.source_id = str(row.raw.pop("source_id", ""))[:200]
        if "stage" in texts and not row.errors:
            try:
                pipeline = row.raw.get("pipeline") or self._default_pipeline(row)
            except ValidationError as error:  # no pipeline at all yet
                row.errors += error.messages
                return row
            row.raw["pipeline"] = pipeline
            stage = self.lookups.stages[pipeline.pk].get(fold(texts["stage"]))
            if stage is None:
                row.errors.append(
                    _("The pipeline “%(pipeline)s” has no stage “%(stage)s”.")
                    % {"pipeline": pipeline, "stage": texts["stage"]}
                )
            row.raw["stage"] = stage
        if not row.raw and not row.errors:
            row.errors.append(_("The row is empty."))
        return row

    def _default_pipeline(self, row: Row) -> Pipeline:
        return self.defaults.pipeline_for(row.raw.get("owner") or self.actor)

    # Writing

    def links_existing(self, row: Row, links: _Links) -> Opportunity | None:
        return links.existing(row) if self.match else None

    def _write(self, row: Row, links: _Links) -> ImportRow:
        values = self._values(row, links)
        existing = self.links_existing(row, links)
        if existing is None:
            if not values.get("title"):
                raise ValidationError(_("Enter a title."))
            return self._create(row, values)
        if existing.pk in self.created_rows:
            message = _("Same as row %(row)d of this file.") % {
                "row": self.created_rows[existing.pk]
            }
            return self._result(row, Outcome.DUPLICATE, message)
        if not self.update:
            message = _("Exists already: %(record)s.") % {"record": existing}
            return self._result(row, Outcome.SKIPPED, message, record_id=existing.pk)
        if not access.can_edit(self.actor, existing):
            message = _("You may not change %(record)s.") % {"record": existing}
            return self._result(row, Outcome.FAILED, message, record_id=existing.pk)
        return self._update(row, existing, values)

    def _values(self, row: Row, links: _Links) -> dict[str, Any]:
        raw = dict(row.raw)
        values: dict[str, Any] = {}
        for key in ("title", "pipeline", "stage", "owner", "team", "probability", "priority"):
            if key in raw:
                values[key] = raw[key]
        for key in ("expected_close_date", "source", "description", "lost_note"):
            if key in raw:
                values[key] = raw[key]
        if "expected_revenue" in raw:
            amount, currency = raw["expected_revenue"]
            values["expected_revenue"] = amount
            if currency:
                values["currency"] = currency
        if "currency" in raw:
            values["currency"] = raw["currency"]
        organization, company_name = links.organization(row)
        if organization is not None:
            values["organization"] = organization
        elif company_name:
            values["company_name"] = company_name[:200]
        if (person := links.person(row)) is not None:
            values["person"] = person
        values.update(self._outcome(raw))
        if "tags" in raw:
            values["tags"] = self._tag_objects(raw["tags"])
        return values

    def _outcome(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The status with the facts that go with it; a fact without its status is refused
        rather than dropped."""
        status = raw.get("status")
        if status is None:
            given = [key for key in ("closed_on", "lost_reason", "postponed_until") if key in raw]
            if given:
                raise ValidationError(
                    _("“%(field)s” needs the status column (won, lost or postponed).")
                    % {"field": capfirst(str(self.targets[given[0]].label))}
                )
            return {}
        values: dict[str, Any] = {"status": status}
        if status == Status.LOST and "lost_reason" not in raw:
            raise ValidationError(_("A lost opportunity needs a lost reason."))
        if status != Status.LOST and "lost_reason" in raw:
            raise ValidationError(_("Only a lost opportunity has a lost reason."))
        if status == Status.POSTPONED:
            until = raw.get("postponed_until")
            if until is None or until <= timezone.localdate():
                raise ValidationError(
                    _("A postponed opportunity needs the day it comes back, in the future.")
                )
        elif "postponed_until" in raw:
            raise ValidationError(_("Only a postponed opportunity has a day it comes back."))
        if status in (Status.WON, Status.LOST):
            closed_on = raw.get("closed_on") or timezone.localdate()
            values["closed_on"] = closed_on
        elif "closed_on" in raw:
            raise ValidationError(_("Only a won or lost opportunity has a day it closed."))
        values["lost_reason"] = raw.get("lost_reason")
        values["postponed_until"] = raw.get("postponed_until")
        if status != Status.LOST:
            values["lost_note"] = ""
        if status == Status.OPEN:
            values["closed_on"] = None
        return values

    def _tag_objects(self, names: list[str]) -> list[Tag]:
        found = []
        for name in names:
            key = fold(name)
            if key not in self.tags:
                self.tags[key] = Tag.objects.create(name=name[:60])
                self.batch.created_tags.append(self.tags[key].pk)
            found.append(self.tags[key])
        return found

    def _create(self, row: Row, values: dict[str, Any]) -> ImportRow:
        status, until = _create_values(values)
        opportunity = services.opportunity_create(actor=self.actor, values=values)
        changes: dict[str, list[Any]] = {}
        if status == Status.POSTPONED:
            _postponed, follow_up = services.opportunity_postpone_planning(
                actor=self.actor, opportunity=opportunity, until=until
            )
            changes[FOLLOW_UP] = [None, follow_up.pk]
        if row.source_id:
            self._external_id(row.source_id, opportunity.pk)
        self.created_rows[opportunity.pk] = row.number
        return self._result(row, Outcome.CREATED, record_id=opportunity.pk, changes=changes)

    def _update(self, row: Row, opportunity: Opportunity, values: dict[str, Any]) -> ImportRow:
        tags = values.pop("tags", [])
        pipeline = values.pop("pipeline", None)
        stage = values.pop("stage", None)
        if pipeline is not None and pipeline.pk != opportunity.pipeline_id and stage is None:
            stage = services.first_stage(pipeline)
        if stage is not None and opportunity.is_lead:
            raise ValidationError(_("Qualify the lead before moving it through the pipeline."))
        changes: dict[str, list[Any]] = {}
        plain: dict[str, Any] = {}
        for name, value in values.items():
            if _json(getattr(opportunity, name)) != _json(value):
                plain[name] = value
                changes[name] = [_json(getattr(opportunity, name)), _json(value)]
        if "probability" in plain:
            plain["probability_overridden"] = True
            changes["probability_overridden"] = [opportunity.probability_overridden, True]
        if stage is not None and stage.pk != opportunity.stage_id:
            for name, value in (("pipeline", stage.pipeline), ("stage", stage)):
                if getattr(opportunity, f"{name}_id") != value.pk:
                    plain[name] = value
                    changes[name] = [getattr(opportunity, f"{name}_id"), value.pk]
            if not opportunity.probability_overridden and "probability" not in plain:
                plain["probability"] = stage.probability
                changes["probability"] = [opportunity.probability, stage.probability]
        current = list(opportunity.tags.all())
        added = [tag for tag in tags if tag not in current]
        if added:
            plain["tags"] = current + added
            changes["tags"] = [[t.pk for t in current], [t.pk for t in current + added]]
        postpone_until = None
        if plain.get("status") == Status.POSTPONED:
            # Postponing plans the follow-up, as on the record's page.
            del plain["status"]
            postpone_until = plain.pop("postponed_until", None) or opportunity.postponed_until
        if not plain and postpone_until is None:
            return self._result(row, Outcome.UNCHANGED, record_id=opportunity.pk)
        old_stage = opportunity.stage
        updated = opportunity
        if plain:
            updated = records.record_update(
                opportunity, actor=self.actor, values=plain, expected_version=None
            )
        if "stage" in plain:
            services.record_stage_change(updated, actor=self.actor, old=old_stage, new=stage)
        if postpone_until is not None:
            _postponed, follow_up = services.opportunity_postpone_planning(
                actor=self.actor, opportunity=updated, until=postpone_until
            )
            changes[FOLLOW_UP] = [None, follow_up.pk]
        return self._result(row, Outcome.UPDATED, record_id=opportunity.pk, changes=changes)

    def _external_id(self, value: str, pk: int) -> None:
        ExternalId.objects.create(
            source=self.source,
            content_type=self.content_type,
            object_id=pk,
            external_id=value,
            batch=self.batch,
        )

    def _result(self, row: Row, outcome: str, message: str = "", **extra: Any) -> ImportRow:
        keep_cells = outcome not in {Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED}
        return ImportRow(
            batch=self.batch,
            row_number=row.number,
            outcome=outcome,
            cells=row.cells if keep_cells else [],
            message=message,
            **extra,
        )


def _create_values(values: dict[str, Any]) -> tuple[str, Any]:
    """`values` as `opportunity_create` takes them for a new row (a won or lost one is
    created closed; a postponed one open, and postponed after), with the status and the day a
    postponed one comes back."""
    status = values.pop("status", Status.OPEN)
    until = values.pop("postponed_until", None)
    outcome = {k: values.pop(k) for k in ("closed_on", "lost_reason") if k in values}
    if status in (Status.WON, Status.LOST):
        values.update(outcome, status=status)
    if values.get("stage") is not None:
        # A row with a stage is an opportunity even in a pipeline that starts with leads.
        values["kind"] = Opportunity.Kind.OPPORTUNITY
    return status, until


class _BulkCreate:
    """New opportunities of a chunk written together: validated one by one as the services
    would (`opportunity_prepare`, `full_clean`), then written with one insert per table (the
    opportunities, their tags, stage changes, history entries and source ids). Rows the
    services must write alone are left to them: updates, and postponed rows, whose follow-up
    is planned by `opportunity_postpone`."""

    def __init__(self, job: OpportunityImport) -> None:
        self.job = job
        self.defaults = job.defaults
        self.planned: list[tuple[Row, Opportunity, dict[str, Any]]] = []
        self.source_ids: dict[str, int] = {}
        try:
            access.require_create(job.actor)
            self.allowed = True
        except PermissionDenied:
            self.allowed = False  # each row then fails alone with the reason

    def plan(self, row: Row, links: _Links, results: dict[int, ImportRow]) -> bool:
        """True when the row is planned here or has its result; False: write it alone."""
        job = self.job
        if not self.allowed or row.raw.get("status") == Status.POSTPONED:
            return False
        saved_tags = dict(job.tags), list(job.batch.created_tags)
        try:
            if (job.links_existing(row, links)) is not None:
                return False
            if row.source_id in self.source_ids:
                message = _("Same as row %(row)d of this file.") % {
                    "row": self.source_ids[row.source_id]
                }
                results[row.number] = job._result(row, Outcome.DUPLICATE, message)
                return True
            values = job._values(row, links)
            if not values.get("title"):
                raise ValidationError(_("Enter a title."))
            _create_values(values)
            opportunity, m2m = services.opportunity_prepare(
                actor=job.actor, values=values, defaults=self.defaults
            )
            opportunity.created_by = opportunity.updated_by = job.actor
            opportunity.full_clean(
                exclude=[*m2m, *_fetched(opportunity)], validate_constraints=False
            )
        except (ValidationError, PermissionDenied) as error:
            job.tags, job.batch.created_tags = saved_tags
            results[row.number] = job._result(row, Outcome.FAILED, _message(error))
            return True
        if row.source_id:
            self.source_ids[row.source_id] = row.number
        self.planned.append((row, opportunity, m2m))
        return True

    def write(self, results: dict[int, ImportRow]) -> list[Row]:
        """Writes the planned rows; on a database error none of them, and returns them to be
        written one by one (so that only the guilty row fails, with its reason)."""
        if not self.planned:
            return []
        job = self.job
        try:
            with transaction.atomic():
                self._write()
        except DatabaseError:
            return [row for row, _opportunity, _m2m in self.planned]
        for row, opportunity, _m2m in self.planned:
            job.created_rows[opportunity.pk] = row.number
            results[row.number] = job._result(row, Outcome.CREATED, record_id=opportunity.pk)
        return []

    def _write(self) -> None:
        job = self.job
        opportunities = [opportunity for _row, opportunity, _m2m in self.planned]
        bulk_insert(opportunities, returning_pk=True)
        through = Opportunity.tags.through
        tags = [
            through(opportunity_id=opportunity.pk, tag_id=tag.pk)
            for _row, opportunity, m2m in self.planned
            for tag in dict.fromkeys(m2m.get("tags", []))
        ]
        through.objects.bulk_create(tags)
        actor = job.actor
        bulk_insert(
            [
                StageChange(
                    opportunity_id=opportunity.pk,
                    to_stage_id=opportunity.stage_id,
                    to_label=opportunity.stage.name,
                    changed_by_id=actor.pk,
                )
                for opportunity in opportunities
                if opportunity.stage is not None
            ]
        )
        # Through write_entries, so that webhooks hear of each new opportunity too.
        history.write_entries(
            [
                (
                    opportunity,
                    history.unsaved_entry(
                        opportunity,
                        actor=actor,
                        action=HistoryEntry.Action.CREATED,
                        changes=history.created_changes(opportunity, m2m=m2m),
                    ),
                )
                for _row, opportunity, m2m in self.planned
            ]
        )
        bulk_insert(
            [
                ExternalId(
                    source=job.source,
                    content_type_id=job.content_type.pk,
                    object_id=opportunity.pk,
                    external_id=row.source_id,
                    batch_id=job.batch.pk,
                )
                for row, opportunity, _m2m in self.planned
                if row.source_id
            ]
        )


def _fetched(instance: Any) -> list[str]:
    """Foreign keys holding a row already read (the chunk's lookups, the actor): validating
    them would ask the database again for each field of each row."""
    cached = instance._state.fields_cache
    return [f.name for f in instance._meta.concrete_fields if cached.get(f.name) is not None]


def _message(error: Exception) -> str:
    if isinstance(error, PermissionDenied):
        return _("You may not add opportunities.")
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            found = []
            for name, errors in error.error_dict.items():
                try:
                    field_: Any = Opportunity._meta.get_field(name)
                    label = capfirst(str(field_.verbose_name))
                except FieldDoesNotExist:  # a non-field error, or a service's own key
                    label = ""
                found += [f"{label}: {m}" if label else m for m in ValidationError(errors).messages]
            return " ".join(found)
        return " ".join(error.messages)
    return str(error)


class _Links:
    """A chunk's organizations, people and existing opportunities, found with a few queries."""

    def __init__(self, job: OpportunityImport, rows: list[Row]) -> None:
        raws = [row.raw for row in rows if not row.errors]
        source_ids: dict[int, set[str]] = defaultdict(set)
        for raw in raws:
            if "organization_source_id" in raw:
                source_ids[job.organization_ct.pk].add(raw["organization_source_id"])
            if "person_source_id" in raw:
                source_ids[job.person_ct.pk].add(raw["person_source_id"])
        source_ids[job.content_type.pk] = {row.source_id for row in rows if row.source_id}
        self.by_source: dict[tuple[int, str], int] = {}
        for content_type, wanted in source_ids.items():
            found = ExternalId.objects.filter(
                source=job.source, content_type_id=content_type, external_id__in=wanted
            ).values_list("external_id", "object_id")
            self.by_source.update({(content_type, ext): pk for ext, pk in found})
        self.job = job
        self.organizations = self._organizations(raws)
        emails = {raw["person_email"].strip().lower() for raw in raws if "person_email" in raw}
        person_pks = [pk for (ct, _ext), pk in self.by_source.items() if ct == job.person_ct.pk]
        people = Person.objects.annotate(email_lower=Lower("email")).filter(
            Q(email_lower__in=emails) | Q(pk__in=person_pks)
        )
        self.people = {person.pk: person for person in people}
        self.people_by_email: dict[str, list[Person]] = defaultdict(list)
        for person in self.people.values():
            if person.email:
                self.people_by_email[person.email.lower()].append(person)
        opportunity_pks = [
            pk for (ct, _ext), pk in self.by_source.items() if ct == job.content_type.pk
        ]
        self.opportunities = {
            o.pk: o
            for o in Opportunity.objects.filter(pk__in=opportunity_pks)
            .select_related("pipeline", "stage", "owner")
            .select_for_update(of=("self",))
        }

    def _organizations(self, raws: list[dict[str, Any]]) -> dict[str, Any]:
        keys = {
            _business_id_key(raw["organization_business_id"])
            for raw in raws
            if "organization_business_id" in raw
        }
        names = {fold(raw["organization"]) for raw in raws if "organization" in raw}
        pks = [pk for (ct, _ext), pk in self.by_source.items() if ct == self.job.organization_ct.pk]
        found = (
            Organization.objects.filter(business_id_key__in=keys - {""})
            | Organization.objects.filter(name_folded__in=names)
            | Organization.objects.filter(pk__in=pks)
        )
        by: dict[str, Any] = {"pk": {}, "key": {}, "name": defaultdict(list)}
        for organization in found:
            by["pk"][organization.pk] = organization
            if organization.business_id_key:
                by["key"][organization.business_id_key] = organization
            by["name"][organization.name_folded].append(organization)
        return by

    def organization(self, row: Row) -> tuple[Organization | None, str]:
        """The row's organization, or the name as typed when the register has none by it."""
        raw = row.raw
        if source_id := raw.get("organization_source_id"):
            pk = self.by_source.get((self.job.organization_ct.pk, source_id))
            organization = self.organizations["pk"].get(pk)
            if organization is None:
                raise ValidationError(
                    _("No organization has the source id “%(id)s”.") % {"id": source_id}
                )
            return organization, ""
        if business_id := raw.get("organization_business_id"):
            organization = self.organizations["key"].get(_business_id_key(business_id))
            if organization is None:
                raise ValidationError(
                    _("No organization has the business ID “%(id)s”.") % {"id": business_id}
                )
            return organization, ""
        if name := raw.get("organization"):
            named = self.organizations["name"].get(fold(name), [])
            if len(named) > 1:
                raise ValidationError(
                    _(
                        "Several organizations are called “%(name)s”: link by business ID or "
                        "source id instead."
                    )
                    % {"name": name}
                )
            return (named[0], "") if named else (None, name)
        return None, ""

    def person(self, row: Row) -> Person | None:
        raw = row.raw
        if source_id := raw.get("person_source_id"):
            pk = self.by_source.get((self.job.person_ct.pk, source_id))
            person = self.people.get(pk) if pk else None
            if person is None:
                raise ValidationError(
                    _("No person has the source id “%(id)s”.") % {"id": source_id}
                )
            return person
        if email := raw.get("person_email"):
            found = self.people_by_email.get(email.strip().lower(), [])
            if len(found) > 1:
                raise ValidationError(
                    _("Several people have the email “%(email)s”: link by source id instead.")
                    % {"email": email}
                )
            if not found:
                raise ValidationError(_("No person has the email “%(email)s”.") % {"email": email})
            return found[0]
        return None

    def existing(self, row: Row) -> Opportunity | None:
        if not row.source_id:
            return None
        pk = self.by_source.get((self.job.content_type.pk, row.source_id))
        if pk is None:
            return None
        opportunity = self.opportunities.get(pk)
        if opportunity is None:
            raise ValidationError(
                _(
                    "The record with source id “%(id)s” is in the trash: restore it and import "
                    "again."
                )
                % {"id": row.source_id}
            )
        return opportunity


def _business_id_key(text: str) -> str:
    try:
        return parse_business_id(text).match_key
    except ValidationError:
        return fold(text)


# --- Undo -------------------------------------------------------------------------------------


def undo(batch: ImportBatch, actor: User) -> UndoCounts:
    """Created opportunities go to the trash; updated ones get their earlier values back,
    field by field, unless someone changed that field again since the import. The follow-ups
    the import planned for the opportunities it postponed are cancelled (unless done or
    cancelled since)."""
    created = [
        pk
        for pk in batch.rows.filter(outcome=Outcome.CREATED).values_list("record_id", flat=True)
        if pk is not None
    ]
    trashed = trash_records(Opportunity, created, actor)
    restored = kept = 0
    updated = batch.rows.filter(outcome=Outcome.UPDATED).exclude(changes={})
    for row in updated.order_by("-row_number"):
        done, left = _restore(row, actor)
        restored += done
        kept += left
    _cancel_follow_ups(batch, actor)
    return UndoCounts(trashed=trashed, restored=restored, kept_fields=kept)


def _cancel_follow_ups(batch: ImportBatch, actor: User) -> None:
    planned = [
        changes[FOLLOW_UP][1]
        for changes in batch.rows.filter(
            outcome__in=[Outcome.CREATED, Outcome.UPDATED], changes__has_key=FOLLOW_UP
        ).values_list("changes", flat=True)
    ]
    follow_ups = Activity.objects.filter(pk__in=planned, status=Activity.Status.PLANNED)
    for follow_up in follow_ups.order_by("pk"):
        activity_cancel(actor=actor, activity=follow_up)


def _restore(row: ImportRow, actor: User) -> tuple[int, int]:
    opportunity = Opportunity.objects.filter(pk=row.record_id or 0).first()
    if opportunity is None:
        return 0, 0
    values: dict[str, Any] = {}
    kept = 0
    for name, (old, imported) in row.changes.items():
        if name == FOLLOW_UP:
            continue  # not a field: cancelled by _cancel_follow_ups
        if name == "tags":
            current = set(opportunity.tags.values_list("pk", flat=True))
            added = set(imported) - set(old)
            if added & current:
                values["tags"] = list(Tag.objects.filter(pk__in=current - added))
            continue
        if _json(getattr(opportunity, name)) != imported:
            kept += 1
            continue
        values[name] = _from_json(name, old)
    if not values:
        return 0, kept
    old_stage = opportunity.stage
    restored = records.record_update(opportunity, actor=actor, values=values, expected_version=None)
    if "stage" in values and values["stage"] is not None:
        services.record_stage_change(restored, actor=actor, old=old_stage, new=values["stage"])
    return 1, kept


def _from_json(name: str, value: Any) -> Any:
    field_: Any = Opportunity._meta.get_field(name)
    if value is None:
        return None
    if field_.is_relation:
        return field_.related_model._default_manager.get(pk=value)
    return field_.to_python(value)


IMPORT_TYPE = ImportType(
    key=KIND,
    label=gettext_lazy("Opportunities"),
    targets=TARGETS,
    aliases=ALIASES,
    match_keys=("source_id",),
    default_match=("source_id",),
    match_labels=MATCH_LABELS,
    check_mapping=check_mapping,
    require_create=access.require_create,
    writer=OpportunityImport,
    undo=undo,
    order=30,
)
