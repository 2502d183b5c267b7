"""Users, their roles and teams."""

from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.core.models import BusinessModel

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Role(models.Model):
    """What a user does in the company. The six system roles are seeded by a migration; an
    admin may add more. What a role may do with each record type is in `RoleRight` rows, or
    else the defaults the record type registered (see rights.py)."""

    ADMIN = "admin"
    SALES_MANAGER = "sales_manager"
    SALESPERSON = "salesperson"
    MARKETING = "marketing"
    SUPPORT = "support"
    READ_ONLY = "read_only"

    SYSTEM_LABELS: ClassVar[dict[str, Any]] = {
        ADMIN: _("Admin"),
        SALES_MANAGER: _("Sales manager"),
        SALESPERSON: _("Salesperson"),
        MARKETING: _("Marketing"),
        SUPPORT: _("Support"),
        READ_ONLY: _("Read-only"),
    }

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_system = models.BooleanField(_("system role"), default=False)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return str(self.SYSTEM_LABELS.get(self.code, self.name))


class RoleRight(models.Model):
    """How far a role may take one action on one record type: on no records, its own, its
    teams', or all. A missing row means the record type's default for the role."""

    class Action(models.TextChoices):
        READ = "read", pgettext_lazy("right", "read")
        CREATE = "create", pgettext_lazy("right", "create")
        EDIT = "edit", pgettext_lazy("right", "edit")
        DELETE = "delete", pgettext_lazy("right", "delete")

    class Scope(models.TextChoices):
        NONE = "none", pgettext_lazy("records a right covers", "none")
        OWN = "own", pgettext_lazy("records a right covers", "own")
        TEAM = "team", pgettext_lazy("records a right covers", "own and the team's")
        ALL = "all", pgettext_lazy("records a right covers", "all")

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="rights")
    record_type = models.CharField(max_length=60)  # "contacts.organization", see rights.py
    action = models.CharField(max_length=10, choices=Action.choices)
    scope = models.CharField(max_length=10, choices=Scope.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["role", "record_type", "action"], name="role_right_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role.code} {self.action} {self.record_type}: {self.scope}"


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=email.strip().lower(), **fields)
        user.set_password(password)
        user.save()
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.objects.get(code=Role.ADMIN))
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in. Never deleted: deactivating keeps everything they own."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="users"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default=settings.TIME_ZONE
    )
    # Emails from the reminders (activities app) a user may turn off in their profile.
    email_reminders = models.BooleanField(_("reminder emails"), default=True)
    email_digest = models.BooleanField(_("morning summary email"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    history_exclude = ("is_superuser", "groups", "user_permissions", "date_joined")
    history_related = ("teams",)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name"]
        constraints = [
            # Emails are stored lowercased, so the unique index is also case-insensitive.
            models.CheckConstraint(condition=Q(email=Lower("email")), name="user_email_lowercase"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role.code == Role.ADMIN

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or self.email[:1].upper()


class Team(BusinessModel):
    """A group of users who sell or serve together; its leader sees the team's work."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    leader = models.ForeignKey(
        User,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        User, verbose_name=_("members"), related_name="teams", blank=True
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecordShare(models.Model):
    """A record shared with a user or a team beyond what their role's rights reach: they may
    read it, and change it when `can_edit` is set."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="shares"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="shares"
    )
    can_edit = models.BooleanField(_("may change it"), default=False)
    shared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(team__isnull=True), name="share_user_xor_team"
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="share_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "team"], name="share_once_per_team"
            ),
        ]
        indexes = [
            # The records shared with a user or their teams, inside every visibility query:
            # WHERE content_type_id = ? AND (user_id = ? OR team_id IN (...))
            models.Index(fields=["content_type", "user"], name="share_user_idx"),
            models.Index(fields=["content_type", "team"], name="share_team_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} → {self.user or self.team}"


class TwoFactorDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238) and their one-time recovery codes.

    Made unconfirmed when the user starts setting it up; it guards their login only once they
    have typed a first code from it (`confirmed_at`). The secret must be readable to check
    codes, so it is stored as it is (as authenticator apps do); recovery codes are stored as
    SHA-256 hashes and crossed out when used."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="two_factor_device")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last 30-second time step whose code was accepted: a code is good once (no replay).
    last_used_step = models.BigIntegerField(default=0)
    # Wrong codes in a row, and when the last one came: the throttle of the second step.
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    recovery_code_hashes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return f"{self.user}: TOTP"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class TwoFactorPolicy(models.Model):
    """Who must log in with a second factor: everyone, or the users of some roles. One row."""

    everyone = models.BooleanField(_("require two-factor login for everyone"), default=False)
    roles = models.ManyToManyField(
        Role, verbose_name=_("require it for these roles"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("two-factor policy")
        verbose_name_plural = _("two-factor policy")

    def __str__(self) -> str:
        return str(_("two-factor policy"))


class ApiToken(models.Model):
    """A personal token for the REST API (`Authorization: Bearer …`). It acts as its user, with
    the user's rights, narrowed to reading when its scope is "read". The token itself is shown
    once at creation; only its SHA-256 is stored (it is 256 random bits, so a fast hash is as
    safe as a slow one and lets a request find its token by an index)."""

    class Scope(models.TextChoices):
        READ = "read", _("read only")
        WRITE = "write", _("read and write")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    # The first characters of the token, shown in lists so that a user can tell tokens apart.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
