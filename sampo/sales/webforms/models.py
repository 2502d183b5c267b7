"""Web-to-lead forms and what visitors send through them."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.contacts.models import Tag
from sampo.core.models import BusinessModel

# A public reference a visitor can quote: no 0/O or 1/I to misread.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_form_key() -> str:
    return secrets.token_urlsafe(12)


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))


class WebForm(BusinessModel):
    """A form an admin designed; the public page, the snippet and the JSON endpoint serve it
    at an unguessable `key`. `fields` lists the lead fields it asks, in order:
    [{"name": "email", "required": true, "labels": {"en": "", "fi": "", "hu": ""}}, ...];
    an empty label reads as the field's translated default."""

    # The lead's fields a form can ask, with their default labels.
    FIELD_LABELS: ClassVar[dict[str, Any]] = {
        "contact_name": _("Your name"),
        "company_name": _("Company"),
        "email": _("Email"),
        "phone": _("Phone"),
        "country": _("Country"),
        "product_interest": _("Product"),
        "description": pgettext_lazy("web form field", "Message"),
    }

    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("public key"), max_length=32, unique=True, default=new_form_key)
    pipeline = models.ForeignKey(
        "sales.Pipeline", verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(
        "sales.LeadSource",
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    fields = models.JSONField(_("fields"), default=list)
    thank_you_message = models.TextField(_("thank-you message"), blank=True)
    redirect_url = models.URLField(_("redirect to"), blank=True)
    send_confirmation = models.BooleanField(_("email a confirmation to the visitor"), default=False)
    allowed_origins = models.TextField(_("allowed websites"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history_exclude = ("key",)

    class Meta:
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sales:admin_web_form", args=[self.pk])

    @property
    def field_names(self) -> list[str]:
        return [spec["name"] for spec in self.fields]

    @property
    def origins(self) -> list[str]:
        return [line.strip().rstrip("/") for line in self.allowed_origins.split() if line.strip()]


class Submission(models.Model):
    """One accepted post of a web form, stored as sent before anything else happens, so that a
    lead that fails to be created can be made again and nothing a visitor sent is lost."""

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("submission status", "received")
        DONE = "done", pgettext_lazy("submission status", "lead created")
        FAILED = "failed", pgettext_lazy("submission status", "failed")
        SPAM = "spam", pgettext_lazy("submission status", "spam")

    web_form = models.ForeignKey(
        WebForm, verbose_name=_("web form"), on_delete=models.PROTECT, related_name="submissions"
    )
    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_reference)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    data = models.JSONField(_("data as sent"), default=dict)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    page = models.CharField(_("sent from"), max_length=300, blank=True)
    lead = models.ForeignKey(
        "sales.Opportunity",
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A form's submissions page: WHERE web_form_id = ? [AND status = ?]
            # ORDER BY created_at DESC
            models.Index(fields=["web_form", "status", "-created_at"], name="submission_form_idx"),
            # The failed ones across forms: WHERE status = 'failed' ORDER BY created_at DESC
            models.Index(fields=["status", "-created_at"], name="submission_status_idx"),
        ]

    def __str__(self) -> str:
        return self.reference
