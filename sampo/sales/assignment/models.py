"""Who a new lead goes to: ordered rules to a team, then round robin inside the team."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import Team


class AssignmentRule(models.Model):
    """The first active rule (by position) whose conditions all hold sends the lead to its
    team; an empty condition holds for any lead."""

    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    # Space-separated ISO codes ("FI SE"): any of them.
    countries = models.CharField(_("countries"), max_length=200, blank=True)
    source = models.ForeignKey(
        "sales.LeadSource",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product_interest = models.ForeignKey(
        "sales.ProductInterest",
        verbose_name=_("product interest"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    web_form = models.ForeignKey(
        "sales.WebForm",
        verbose_name=_("web form"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def country_codes(self) -> list[str]:
        return self.countries.split()


class AssignmentSettings(models.Model):
    """One row (pk 1): where a lead goes when no rule matches, and how soon it is contacted."""

    default_team = models.ForeignKey(
        Team,
        verbose_name=_("default team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leads no rule matches go round robin in this team."),
    )
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Without a default team, or when it has nobody to take the lead."),
    )
    first_contact_hours = models.PositiveSmallIntegerField(
        _("first contact within (hours)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )

    class Meta:
        verbose_name = _("assignment settings")
        verbose_name_plural = _("assignment settings")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="assignment_settings_one")]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class TeamRotation(models.Model):
    """A team's place in its round robin. Each pick first increments `turns` with one UPDATE,
    which holds the row (PostgreSQL) or the database (SQLite) until the lead is saved, so two
    submissions at once take their turns one after the other."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, primary_key=True, related_name="+")
    turns = models.PositiveBigIntegerField(default=0)
    # Where the next search starts in the team's weighted order.
    next_index = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.team_id}: {self.turns}"


class TeamMemberSetting(models.Model):
    """A member's share of the team's leads; members without a row take one share, uncapped."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    # Users are deactivated, never deleted (the integrity audit holds every user reference to it).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(
        _("share"),
        default=1,
        validators=[MaxValueValidator(10)],
        help_text=_("0 takes no leads; 2 takes twice as many as 1."),
    )
    max_open_leads = models.PositiveIntegerField(
        _("at most open leads"),
        null=True,
        blank=True,
        help_text=_("Skipped in the rotation while holding this many open leads."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_setting_unique"),
            models.CheckConstraint(condition=Q(weight__lte=10), name="team_member_weight_max"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.user_id}: {self.weight}"
