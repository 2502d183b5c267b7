"""Leads and opportunities, the pipelines they move through, and how they end."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.accounts.models import Team
from sampo.contacts.models import COUNTRY_CHOICES, Organization, Person, Tag
from sampo.core import named_types
from sampo.core.models import BusinessModel


class SeededChoice(models.Model):
    """An admin-editable list entry whose seeded rows read in the reader's language until an
    admin renames them (like the register's relationship types)."""

    SEEDED_LABELS: ClassVar[dict[str, object]] = {}

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return named_types.display_name(self.name, self.SEEDED_LABELS.get(self.code))


class LeadSource(SeededChoice):
    SEEDED_LABELS: ClassVar[dict[str, object]] = {
        "web-form": _("Web form"),
        "email": _("Email"),
        "phone": _("Phone"),
        "event": _("Event"),
        "referral": _("Referral"),
        "campaign": _("Campaign"),
    }

    class Meta(SeededChoice.Meta):
        verbose_name = _("lead source")
        verbose_name_plural = _("lead sources")


class ProductInterest(SeededChoice):
    """A product line a lead can ask about (web forms offer them, assignment rules route by
    them); the company's own names, so nothing is seeded."""

    class Meta(SeededChoice.Meta):
        verbose_name = _("product interest")
        verbose_name_plural = _("product interests")


class LostReason(SeededChoice):
    SEEDED_LABELS: ClassVar[dict[str, object]] = {
        "price": _("Price"),
        "competitor": _("Chose a competitor"),
        "no-budget": _("No budget"),
        "no-decision": _("No decision"),
        "timing": _("Timing"),
    }

    class Meta(SeededChoice.Meta):
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")


def _seeded_name(name: str, labels: dict[str, object]) -> str:
    """A seeded English name reads in the reader's language until an admin renames it."""
    label = labels.get(name)
    return name if label is None else str(label)


class Pipeline(BusinessModel):
    SEEDED_NAMES: ClassVar[dict[str, object]] = {"Sales": _("Sales")}

    name = models.CharField(_("name"), max_length=120)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pipelines",
        help_text=_("The team that works this pipeline; empty for every team."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    requires_next_step = models.BooleanField(
        _("requires a next step"),
        default=False,
        help_text=_("Every open opportunity must have a planned activity before it is moved."),
    )
    uses_leads = models.BooleanField(
        _("starts with leads"),
        default=False,
        help_text=_("New entries are leads until someone qualifies them into the first stage."),
    )

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return _seeded_name(self.name, self.SEEDED_NAMES)

    def get_absolute_url(self) -> str:
        return reverse("sales:board", args=[self.pk])


class Stage(models.Model):
    """A step of a pipeline. Won and lost are not stages: they are an opportunity's status, so
    a board shows only what is still being worked and a stage keeps its meaning."""

    SEEDED_NAMES: ClassVar[dict[str, object]] = {
        "Qualification": pgettext_lazy("pipeline stage", "Qualification"),
        "Needs analysis": pgettext_lazy("pipeline stage", "Needs analysis"),
        "Proposal": pgettext_lazy("pipeline stage", "Proposal"),
        "Negotiation": pgettext_lazy("pipeline stage", "Negotiation"),
    }

    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), default=10, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_pct")
        ]

    def __str__(self) -> str:
        return _seeded_name(self.name, self.SEEDED_NAMES)


class Opportunity(BusinessModel):
    """A lead or an opportunity: one record from the first touch to the outcome, so qualifying
    a lead keeps its history, activities and links. A lead has no stage yet."""

    class Kind(models.TextChoices):
        LEAD = "lead", _("lead")
        OPPORTUNITY = "opportunity", _("opportunity")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("opportunity status", "open")
        WON = "won", pgettext_lazy("opportunity status", "won")
        LOST = "lost", pgettext_lazy("opportunity status", "lost")
        POSTPONED = "postponed", pgettext_lazy("opportunity status", "postponed")

    PRIORITIES: ClassVar[list[tuple[int, object]]] = [
        (0, _("no priority")),
        (1, _("low")),
        (2, _("medium")),
        (3, _("high")),
    ]

    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.OPPORTUNITY
    )
    title = models.CharField(_("title"), max_length=200)
    title_folded = models.CharField(max_length=200, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("contact person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    # As typed by the visitor or the seller, before the lead is linked to the register.
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES, blank=True)
    product_interest = models.ForeignKey(
        ProductInterest,
        verbose_name=_("product interest"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expected_revenue = models.DecimalField(
        _("expected revenue"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # Set when a user typed the probability; the stage's default then no longer replaces it.
    probability_overridden = models.BooleanField(_("probability set by hand"), default=False)
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=0, choices=PRIORITIES)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    source = models.ForeignKey(
        LeadSource,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_opportunities",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    description = models.TextField(_("description"), blank=True)
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="opportunities"
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("stage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lost_note = models.TextField(_("note on the loss"), blank=True)
    postponed_until = models.DateField(_("postponed until"), null=True, blank=True)
    closed_on = models.DateField(_("won or lost on"), null=True, blank=True)

    history_exclude = ("title_folded",)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The kanban's first cards of a column, an index range that stops after 20 rows:
            # WHERE deleted_at IS NULL AND pipeline_id = ? AND status = 'open'
            # AND kind = 'opportunity' AND stage_id = ?
            # ORDER BY expected_close_date ASC NULLS LAST, id LIMIT 20
            # (also a pipeline's list: WHERE pipeline_id = ? AND status = ?)
            models.Index(
                fields=["pipeline", "status", "kind", "stage", "expected_close_date", "id"],
                condition=Q(deleted_at__isnull=True),
                name="opp_board_cards_idx",
            ),
            # The kanban's column heads, read from the index alone (no table rows):
            # SELECT stage_id, currency, COUNT(*), SUM(expected_revenue),
            # SUM(expected_revenue * probability) WHERE deleted_at IS NULL AND pipeline_id = ?
            # AND status = 'open' AND kind = 'opportunity' [AND stage_id IN (?, ?)]
            # [AND a salesperson's visibility: owner_id / team_id / id IN shared] GROUP BY
            # stage_id, currency
            models.Index(
                fields=[
                    "pipeline",
                    "status",
                    "kind",
                    "stage",
                    "currency",
                    "expected_revenue",
                    "probability",
                    "owner",
                    "team",
                    "id",
                ],
                condition=Q(deleted_at__isnull=True),
                name="opp_board_sums_idx",
            ),
            # The forecast (selectors.pipeline_forecast), read from the index alone and in its
            # order, so that SQLite groups without sorting: SELECT stage_id, owner_id, currency,
            # COUNT(*), SUM(expected_revenue), SUM(expected_revenue * probability)
            # WHERE deleted_at IS NULL AND status = ? GROUP BY stage_id, owner_id, currency
            models.Index(
                fields=[
                    "status",
                    "stage",
                    "owner",
                    "currency",
                    "expected_close_date",
                    "expected_revenue",
                    "probability",
                ],
                condition=Q(deleted_at__isnull=True),
                name="opp_forecast_idx",
            ),
            # "My opportunities" list: WHERE owner_id = ? AND status = ? ORDER BY created_at DESC
            models.Index(fields=["owner", "status", "-created_at"], name="opp_owner_idx"),
            # The list as an admin or read-only user sees it (every open one, newest first):
            # WHERE status = ? ORDER BY created_at DESC, id DESC LIMIT 51
            models.Index(fields=["status", "-created_at", "-id"], name="opp_status_created_idx"),
            # A team's list: WHERE team_id = ? AND status = ? ORDER BY created_at DESC
            models.Index(fields=["team", "status", "-created_at"], name="opp_team_idx"),
            # The postponed ones due to come back: WHERE status = 'postponed' AND
            # postponed_until <= today
            models.Index(fields=["status", "postponed_until"], name="opp_postponed_idx"),
            # The API's list of a stage, newest first (and a stage's column synced by a client):
            # WHERE stage_id = ? ORDER BY created_at DESC, id DESC LIMIT 81
            models.Index(fields=["stage", "-created_at", "-id"], name="opp_stage_created_idx"),
            # The API's incremental sync (trashed rows included):
            # WHERE updated_at >= ? ORDER BY updated_at, id LIMIT 51
            models.Index(fields=["updated_at", "id"], name="opp_updated_idx"),
            # Search by title: WHERE title_folded LIKE ?
            models.Index(fields=["title_folded"], name="opp_title_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="opportunity_probability_pct"
            ),
            models.CheckConstraint(
                condition=Q(priority__lte=3), name="opportunity_priority_0_to_3"
            ),
            # A lead has no stage; an opportunity always has one.
            models.CheckConstraint(
                condition=Q(kind="lead", stage__isnull=True)
                | Q(kind="opportunity", stage__isnull=False),
                name="opportunity_stage_iff_not_lead",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sales:opportunity", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_lead(self) -> bool:
        return self.kind == self.Kind.LEAD

    @property
    def customer_label(self) -> str:
        """Who the deal is with: the linked record if any, else what was typed."""
        if self.organization_id:
            return self.organization.name  # type: ignore[union-attr]
        if self.person_id:
            return self.person.full_name  # type: ignore[union-attr]
        return self.company_name or self.contact_name

    @property
    def weighted_revenue(self) -> Decimal | None:
        if self.expected_revenue is None:
            return None
        return (self.expected_revenue * self.probability / Decimal(100)).quantize(Decimal("0.01"))


class StageChange(models.Model):
    """One move of an opportunity into a stage (its first placement has no `from_stage`), so
    that time in stage and conversion can be reported."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The stage names as they read at the time, so a deleted or renamed stage stays legible.
    from_label = models.CharField(max_length=80, blank=True)
    to_label = models.CharField(max_length=80, blank=True)
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "id"]
        indexes = [
            # An opportunity's path and time in stage: WHERE opportunity_id = ? ORDER BY changed_at
            models.Index(fields=["opportunity", "changed_at"], name="stage_change_opp_idx"),
            # Conversion reports: WHERE to_stage_id = ? AND changed_at BETWEEN ? AND ?
            models.Index(fields=["to_stage", "changed_at"], name="stage_change_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_label} → {self.to_label}"


# Lead capture lives in its own modules; imported here so that Django finds the models.
from sampo.sales.assignment.models import (  # noqa: E402, F401
    AssignmentRule,
    AssignmentSettings,
    TeamMemberSetting,
    TeamRotation,
)
from sampo.sales.webforms.models import Submission, WebForm  # noqa: E402, F401
