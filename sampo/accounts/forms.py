from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import TIME_ZONE_CHOICES, Role, Team, User
from sampo.lib.mail import queue_email


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes out through the worker, in the user's language."""

    def get_users(self, email: str) -> Iterator[Any]:
        # Unlike Django's, includes invited users who never chose a password: "Forgot your
        # password?" is their way in when the invitation got lost.
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        context = {**context, "site_url": settings.SITE_URL}
        context.pop("user", None)
        context["user_name"] = user.name
        queue_email(
            to=[to_email],
            subject_template=subject_template_name,
            body_template=email_template_name,
            context=context,
            language=user.language,
        )


class VersionedForm(forms.Form):
    """Carries the version the user started editing from, for the stale-edit check."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class UserForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all(), empty_label=None)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    @classmethod
    def for_user(cls, user: User) -> UserForm:
        return cls(
            initial={
                "name": user.name,
                "email": user.email,
                "phone": user.phone,
                "role": user.role,
                "teams": list(user.teams.all()),
                "language": user.language,
                "time_zone": user.time_zone,
                "version": user.version,
            }
        )


class NewUserForm(UserForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ProfileForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    email_reminders = forms.BooleanField(
        label=_("Email me when a planned activity with a set time is due"), required=False
    )
    email_digest = forms.BooleanField(
        label=_("Email me a summary of my day every morning"), required=False
    )


class TeamForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    leader = forms.ModelChoiceField(
        label=_("Leader"), queryset=User.objects.filter(is_active=True), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class NewTeamForm(TeamForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class LoginCodeForm(CodeForm):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=CodeForm.base_fields["code"].widget,
    )


class TwoFactorDisableForm(CodeForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class TwoFactorPolicyForm(forms.Form):
    everyone = forms.BooleanField(label=_("Require two-factor login for everyone"), required=False)
    roles = forms.ModelMultipleChoiceField(
        label=_("Or require it for these roles"),
        queryset=Role.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
