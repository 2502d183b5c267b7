"""Email templates rendered with Django's template language, in a sandbox: the context holds
only the documented merge fields as plain strings (no model objects, so nothing a template
writes can reach the database), and the only tag is `if`; `load`, `include`, `debug`, `url`
and the rest are unknown to this engine."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters
from django.template.defaulttags import do_if
from django.utils.translation import gettext as _

from sampo.accounts.models import User
from sampo.contacts.models import Organization, Person

# What a template may use, with the example shown on the template form.
FIELDS: dict[str, dict[str, str]] = {
    "person": {
        "first_name": "Maija",
        "last_name": "Lehtonen",
        "full_name": "Maija Lehtonen",
        "email": "maija.lehtonen@example.fi",
        "job_title": "CEO",
    },
    "organization": {"name": "Rakennus Virtanen Oy", "city": "Tampere"},
    "user": {"name": "Mikko Virtanen", "email": "mikko@example.fi", "phone": "+358 40 123 4567"},
}

SAFE_FILTERS = (
    "default",
    "upper",
    "lower",
    "title",
    "capfirst",
    "truncatewords",
    "truncatechars",
    "yesno",
    "first",
    "last",
    "length",
)
_UNKNOWN = "\x00%s\x00"
_UNKNOWN_FOUND = re.compile("\x00(.*?)\x00")


def _library() -> Library:
    library = Library()
    library.tag("if", do_if)
    for name in SAFE_FILTERS:
        library.filter(name, defaultfilters.register.filters[name])
    return library


def _engine(*, autoescape: bool, string_if_invalid: str = "") -> Engine:
    engine = Engine(
        loaders=[], libraries={}, autoescape=autoescape, string_if_invalid=string_if_invalid
    )
    # The default builtins (every default tag) are always added by Engine(); replace them.
    engine.template_builtins = [_library()]
    return engine


_TEXT = _engine(autoescape=False)
_HTML = _engine(autoescape=True)
_CHECK = _engine(autoescape=False, string_if_invalid=_UNKNOWN)


def context_for(
    *, person: Person | None, organization: Organization | None, user: User | None
) -> dict[str, dict[str, str]]:
    return {
        "person": {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "full_name": person.full_name,
            "email": person.email,
            "job_title": person.job_title,
        }
        if person
        else {},
        "organization": {"name": organization.name, "city": organization.city}
        if organization
        else {},
        "user": {"name": user.name, "email": user.email, "phone": user.phone} if user else {},
    }


def render(source: str, context: dict[str, Any], *, html: bool = False) -> str:
    """Plain text by default; with `html`, merge values are escaped."""
    template = (_HTML if html else _TEXT).from_string(source)
    return template.render(Context(context, autoescape=html))


def check(source: str) -> None:
    """Refuse a template that would not render or uses a field nobody documented."""
    try:
        rendered = _CHECK.from_string(source).render(Context(FIELDS, autoescape=False))
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("The template cannot be read: %(error)s") % {"error": error}
        ) from error
    unknown = sorted(set(_UNKNOWN_FOUND.findall(rendered)))
    if unknown:
        raise ValidationError(
            _("Unknown merge fields: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
