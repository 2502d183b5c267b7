"""Email in and out. On a customer's timeline an email is an `activities.Activity` of type
`email`; the message itself (headers, bodies, participants, attachments) lives here, one to
one with that activity. A received message nobody could be matched to has no activity yet:
it waits in the unmatched inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sampo.activities.models import Activity
from sampo.contacts.models import Organization, Person
from sampo.core.models import BusinessModel

LANGUAGE_CHOICES = settings.LANGUAGES


class EmailTemplate(BusinessModel):
    """Subject and body with merge fields; the default text, used when the recipient's
    language has no variant of its own."""

    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class EmailTemplateVariant(models.Model):
    """The template in one language (en, fi, hu)."""

    template = models.ForeignKey(EmailTemplate, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("template language version")
        verbose_name_plural = _("template language versions")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="email_template_one_variant_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.language})"


class Thread(models.Model):
    """Messages that answer each other, found through Message-ID, In-Reply-To and References."""

    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("email thread")
        verbose_name_plural = _("email threads")

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    class Direction(models.TextChoices):
        INCOMING = "in", _("received")
        OUTGOING = "out", _("sent")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("sending failed")
        RECEIVED = "received", _("received")

    activity = models.OneToOneField(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="email_message",
    )
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # Without angle brackets. A received message without one gets none; its `dedup_key` is then
    # a hash of its bytes.
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True, db_index=True)
    # sha256 of the Message-ID (or of the raw bytes): what makes a message stored only once.
    dedup_key = models.CharField(max_length=64, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=500, blank=True)
    references = models.TextField(_("References"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    from_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    from_address = models.CharField(_("sender"), max_length=320, blank=True)
    text_body = models.TextField(_("text"), blank=True)
    # Sanitized with nh3 when stored; never the sender's markup as it came.
    html_body = models.TextField(_("HTML"), blank=True)
    date = models.DateTimeField(_("date"))
    raw_size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Sending: how often it was tried, the last error, when to try again.
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-date", "-id"]
        indexes = [
            # The unmatched inbox: WHERE direction = 'in' AND activity_id IS NULL ORDER BY date
            models.Index(
                fields=["-date"],
                condition=Q(activity__isnull=True, direction="in"),
                name="mail_unmatched_idx",
            ),
            # The retry job: WHERE status = 'failed' AND next_attempt_at <= ?
            models.Index(fields=["status", "next_attempt_at"], name="mail_outbox_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="in", status="received")
                | (Q(direction="out") & ~Q(status="received")),
                name="mail_status_fits_direction",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("mail:message", args=[self.pk])

    @property
    def is_unmatched(self) -> bool:
        return self.activity_id is None and self.direction == self.Direction.INCOMING


class Participant(models.Model):
    """One address on a message (From, To, Cc), and the person it was matched to."""

    class Role(models.TextChoices):
        FROM = "from", _("From")
        TO = "to", _("To")
        CC = "cc", _("Cc")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=4, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # Lowercased, as the register keeps people's emails, so matching is one equality.
    address = models.CharField(_("address"), max_length=320)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="email_addresses+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            # Linking a new person to their earlier unmatched mail: WHERE address = ?
            models.Index(fields=["address"], name="mail_participant_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=150)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # Empty when the file was not kept (too large, or a type that can run code); `skipped`
    # says why, so a dropped file is never silent.
    file = models.FileField(upload_to="mail/", max_length=300, blank=True)
    skipped = models.CharField(_("not kept"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class MailboxCursor(models.Model):
    """How far the IMAP poll has read one folder: UIDs only grow while UIDVALIDITY holds."""

    mailbox = models.CharField(max_length=400, unique=True)
    uid_validity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.mailbox


class SkippedMessage(models.Model):
    """A message the IMAP poll read past without storing it (over the size limit, unreadable,
    or failing to import). It stays in the mailbox; this row makes sure someone hears of it
    instead of it being lost in a log."""

    class Reason(models.TextChoices):
        TOO_LARGE = "too_large", _("over the size limit")
        UNREADABLE = "unreadable", _("not a readable email")
        FAILED = "failed", _("could not be imported")

    mailbox = models.CharField(max_length=400)
    uid_validity = models.BigIntegerField()
    uid = models.BigIntegerField()
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sender = models.CharField(_("sender"), max_length=400, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    date_header = models.CharField(_("date"), max_length=100, blank=True)
    message_id = models.CharField(max_length=500, blank=True)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Read past once per message: a second poll of the same UID records nothing new.
            models.UniqueConstraint(
                fields=["mailbox", "uid_validity", "uid"], name="skipped_message_once"
            )
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id or f"UID {self.uid}"
