"""Saved views: a list's filters, sort and columns kept under a name, and each user's default
view per list. Preferences, not business records: no history, no trash, no version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

QUERY_MAX_LENGTH = 2000


class SavedView(models.Model):
    class Sharing(models.TextChoices):
        PERSONAL = "personal", _("Only me")
        TEAM = "team", _("My team")
        EVERYONE = "everyone", pgettext_lazy("who sees a saved view", "Everyone")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="saved_views",
    )
    list_key = models.CharField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    # The list's query string without its page: filters, sort, columns and whatever a list
    # learns to read later, restored as it was.
    query = models.CharField(_("filters"), max_length=QUERY_MAX_LENGTH, blank=True)
    sharing = models.CharField(
        _("shared with"), max_length=10, choices=Sharing.choices, default=Sharing.PERSONAL
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "list_key", "name"], name="saved_view_name_unique_per_owner"
            ),
            models.CheckConstraint(
                condition=Q(sharing="team", team__isnull=False)
                | (~Q(sharing="team") & Q(team__isnull=True)),
                name="saved_view_team_iff_team_sharing",
            ),
        ]
        indexes = [
            # The views menu of a list: WHERE list_key=? AND (owner_id=? OR sharing ...)
            models.Index(fields=["list_key", "sharing"], name="saved_view_menu_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class DefaultView(models.Model):
    """The view a user's list opens with when they come to it without filters."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    list_key = models.CharField(max_length=40)
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="defaults")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key"], name="default_view_one_per_list"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.list_key}: {self.view_id}"
