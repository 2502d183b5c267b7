"""The customer register: organizations, people, their memberships and key figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.core import named_types
from sampo.core.models import BusinessModel
from sampo.lib.business_ids import KIND_LABELS
from sampo.lib.phones import display_phone

COUNTRY_CHOICES = [
    ("FI", _("Finland")),
    ("HU", _("Hungary")),
    ("SE", _("Sweden")),
    ("EE", _("Estonia")),
    ("NO", _("Norway")),
    ("DK", _("Denmark")),
    ("DE", _("Germany")),
    ("AT", _("Austria")),
    ("SK", _("Slovakia")),
    ("RO", _("Romania")),
    ("PL", _("Poland")),
    ("CZ", _("Czechia")),
    ("GB", _("United Kingdom")),
    ("US", _("United States")),
]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RelationshipType(models.Model):
    """Why the company knows an organization: customer, prospect, supplier... Admin-editable;
    the seeded ones are shown translated while they keep their seeded English name."""

    SEEDED_LABELS = {
        "customer": _("Customer"),
        "prospect": _("Prospect"),
        "supplier": _("Supplier"),
        "competitor": _("Competitor"),
        "partner": _("Partner"),
        "association": _("Association"),
        "donor": _("Donor"),
        "volunteer": _("Volunteer"),
    }

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("relationship type")
        verbose_name_plural = _("relationship types")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return named_types.display_name(self.name, self.SEEDED_LABELS.get(self.code))


class Industry(models.Model):
    """NACE Rev. 2 (TOL 2008, TEÁOR'08) sections and divisions, named in each language."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name_en = models.CharField(max_length=200)
    name_fi = models.CharField(max_length=200)
    name_hu = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        language = (translation.get_language() or "en")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_en)


class Organization(BusinessModel):
    name = models.CharField(_("name"), max_length=200)
    # Folded (lowercase, no accents) for search and duplicate matching; kept by the services.
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    business_id = models.CharField(_("business ID"), max_length=32, blank=True)
    business_id_kind = models.CharField(
        _("business ID type"), max_length=16, blank=True, choices=list(KIND_LABELS.items())
    )
    # Eight digits shared by a company's national ID and its VAT number: the duplicate key.
    business_id_key = models.CharField(max_length=32, blank=True, editable=False)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, choices=COUNTRY_CHOICES, default="FI", blank=True
    )
    postal_street = models.CharField(_("postal address"), max_length=200, blank=True)
    postal_postal_code = models.CharField(
        _("postal code (postal address)"), max_length=20, blank=True
    )
    postal_city = models.CharField(_("city (postal address)"), max_length=100, blank=True)
    billing_street = models.CharField(_("billing address"), max_length=200, blank=True)
    billing_postal_code = models.CharField(_("postal code (billing)"), max_length=20, blank=True)
    billing_city = models.CharField(_("city (billing)"), max_length=100, blank=True)
    billing_email = models.EmailField(_("billing email"), blank=True)
    relationship_types = models.ManyToManyField(
        RelationshipType, verbose_name=_("relationship"), blank=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_organizations",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    # Custom field values by code (core.custom_fields); null until one is set, so that adding
    # the column to a big table needs no rewrite.
    custom = models.JSONField(null=True, blank=True, editable=False)

    history_children = ("contact_details",)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name_folded", "id"]
        indexes = [
            # Duplicate guard and search by business ID: WHERE business_id_key = ?
            models.Index(fields=["business_id_key"], name="org_business_id_key_idx"),
            # "My organizations", sorted by name: WHERE owner_id = ? ORDER BY name_folded
            models.Index(fields=["owner", "name_folded"], name="org_owner_name_idx"),
            # Filter by place: WHERE city = ?
            models.Index(Lower("city"), name="org_city_idx"),
            # Global search and the duplicate guard by a primary phone or email:
            # WHERE phone IN (?) / WHERE email IN (?) OR billing_email IN (?)
            models.Index(fields=["phone"], name="org_phone_idx"),
            models.Index(fields=["email"], name="org_email_idx"),
            models.Index(fields=["billing_email"], name="org_billing_email_idx"),
            # The list sorted by the latest changes: ORDER BY updated_at DESC, id DESC LIMIT 51.
            models.Index(fields=["-updated_at", "-id"], name="org_updated_idx"),
            # The subsidiaries on the 360° page: WHERE parent_id = ? ORDER BY name_folded.
            # Partial, as few organizations have a parent: with every row's parent_id NULL in
            # its statistics, SQLite judged the foreign key's index useless and scanned the
            # whole name index instead (100 ms at 20,000 organizations).
            models.Index(
                fields=["parent", "name_folded"],
                condition=Q(parent__isnull=False),
                name="org_subsidiaries_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contacts:organization", args=[self.pk])


class KeyFigure(models.Model):
    """An organization's figures for one financial year, to see growth and compare."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="key_figures"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(
        _("revenue"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    operating_profit = models.DecimalField(
        _("operating profit"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        verbose_name = _("key figures")
        verbose_name_plural = _("key figures")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="key_figure_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"


class Person(BusinessModel):
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    name_folded = models.CharField(max_length=210, editable=False, db_index=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, choices=COUNTRY_CHOICES, default="FI", blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_people",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    # Custom field values by code (core.custom_fields); null until one is set, so that adding
    # the column to a big table needs no rewrite.
    custom = models.JSONField(null=True, blank=True, editable=False)

    history_children = ("contact_details",)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_folded", "id"]
        indexes = [
            # Duplicate guard and search by email: WHERE lower(email) = ?
            models.Index(Lower("email"), name="person_email_idx"),
            # Search by phone in any format, normalized to E.164: WHERE phone = ? OR mobile = ?
            models.Index(fields=["phone"], name="person_phone_idx"),
            models.Index(fields=["mobile"], name="person_mobile_idx"),
            models.Index(fields=["owner", "name_folded"], name="person_owner_name_idx"),
            # The list sorted by the latest changes: ORDER BY updated_at DESC, id DESC LIMIT 51.
            models.Index(fields=["-updated_at", "-id"], name="person_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("contacts:person", args=[self.pk])

    @property
    def full_name(self) -> str:
        # Hungarians write the family name first (Nagy Eszter).
        if self.country == "HU" or self.preferred_language == "hu":
            return f"{self.last_name} {self.first_name}".strip()
        return f"{self.first_name} {self.last_name}".strip()


class ContactDetail(models.Model):
    """An email address or phone number of a record beyond its primary ones.

    The primary values stay columns of the record (`email`, `phone`, a person's `mobile`, an
    organization's `billing_email`): lists, exports and matching read them without a join. The
    rest live here, one row each, normalized like the columns (emails lowercased, phones in
    E.164) so that one indexed equality finds them."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("email")
        PHONE = "phone", _("phone")

    class Label(models.TextChoices):
        WORK = "work", pgettext_lazy("label of an email or phone", "work")
        HOME = "home", pgettext_lazy("label of an email or phone", "home")
        MOBILE = "mobile", pgettext_lazy("label of an email or phone", "mobile")
        BILLING = "billing", pgettext_lazy("label of an email or phone", "billing")
        OTHER = "other", pgettext_lazy("label of an email or phone", "other")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=10, choices=Label.choices, default="other")
    value = models.CharField(_("value"), max_length=254)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_label_display()}: {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.kind == self.Kind.PHONE:
            return display_phone(self.value, reader_region=settings.DEFAULT_PHONE_REGION)
        return self.value

    @property
    def is_email(self) -> bool:
        return self.kind == self.Kind.EMAIL


class PersonContactDetail(ContactDetail):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_details")

    class Meta(ContactDetail.Meta):
        verbose_name = _("more emails and phones")
        verbose_name_plural = _("more emails and phones")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"], name="person_detail_once_per_person"
            )
        ]
        indexes = [
            # Search, the duplicate guard and inbound mail: WHERE kind = ? AND value IN (...)
            models.Index(fields=["kind", "value"], name="person_detail_value_idx"),
        ]


class OrganizationContactDetail(ContactDetail):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="contact_details"
    )

    class Meta(ContactDetail.Meta):
        verbose_name = _("more emails and phones")
        verbose_name_plural = _("more emails and phones")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "value"], name="org_detail_once_per_org"
            )
        ]
        indexes = [
            # Search and the duplicate guard: WHERE kind = ? AND value IN (...)
            models.Index(fields=["kind", "value"], name="org_detail_value_idx"),
        ]


class Membership(models.Model):
    """A person's place in an organization. Ending it keeps the history of the old job."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        pgettext_lazy("a person's job in an organization", "role"), max_length=150, blank=True
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-is_primary", "person__name_folded"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["organization", "end_date"], name="membership_org_idx")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Merge(models.Model):
    """Two or more organizations or people merged into one survivor, with what it takes to
    undo it exactly: every link that moved, every link row dropped as a repeat, the history
    entries that moved, and the survivor's own values before."""

    record_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    survivor_id = models.BigIntegerField()
    merged_ids = models.JSONField(default=list)
    merged_labels = models.JSONField(default=list)
    survivor_before = models.JSONField(default=dict)
    moved_links = models.JSONField(default=list)
    dropped_rows = models.JSONField(default=list)
    moved_history = models.JSONField(default=list)
    # Rows the merge made (the others' primary emails and phones kept as further ones).
    added_rows = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        indexes = [
            # A record's merges, newest first: WHERE record_type_id = ? AND survivor_id = ?
            models.Index(fields=["record_type", "survivor_id"], name="merge_survivor_idx")
        ]

    def __str__(self) -> str:
        return f"{self.record_type_id}:{self.survivor_id} <- {self.merged_ids}"


# The import and handover sub-domains keep their models in their own packages; imported here
# so that Django finds them as models of this app.
from sampo.contacts.handovers.models import HandoverRequest  # noqa: E402
from sampo.contacts.imports.models import ExternalId, ImportBatch, ImportRow  # noqa: E402

__all__ = [
    "COUNTRY_CHOICES",
    "ExternalId",
    "HandoverRequest",
    "ImportBatch",
    "ImportRow",
    "Industry",
    "KeyFigure",
    "Membership",
    "Merge",
    "Organization",
    "OrganizationContactDetail",
    "Person",
    "PersonContactDetail",
    "RelationshipType",
    "Tag",
]
