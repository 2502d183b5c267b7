"""Who hears of an activity: colleagues @mentioned in its notes, users who follow its
organization or people, and the colleague a follow-up was planned for. Each gets a
notification in their own language, written in the same transaction as the activity."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import User
from sampo.activities.models import Activity, Follow
from sampo.contacts.models import Organization, Person
from sampo.notifications.services import notify

# "@anna.kallio" (the part of the colleague's email before the @) or "@Anna" (a first name only
# one active colleague has). An email address ("info@virtanen.fi") is not a mention.
MENTION = re.compile(r"(?<![\w.@])@([\w][\w.\-]*[\w]|[\w])", re.UNICODE)


def mentioned_users(text: str) -> list[User]:
    handles = {handle.casefold() for handle in MENTION.findall(text or "")}
    if not handles:
        return []
    found: dict[int, User] = {}
    by_first_name: dict[str, list[User]] = {}
    for user in User.objects.filter(is_active=True).only("id", "email", "name", "language"):
        local = user.email.split("@", 1)[0].casefold()
        if local in handles:
            found[user.pk] = user
        first = (user.name.split() or [""])[0].casefold()
        by_first_name.setdefault(first, []).append(user)
    for handle in handles:
        candidates = by_first_name.get(handle, [])
        if len(candidates) == 1:
            found.setdefault(candidates[0].pk, candidates[0])
    return list(found.values())


def _record_url(activity: Activity, people: list[Person]) -> str:
    record: Any = people[0] if people else activity.organization
    return record.get_absolute_url() if record is not None else "/my-day/"


def _followers(activity: Activity, people: list[Person]) -> list[User]:
    records = Q()
    if activity.organization_id:
        kind = ContentType.objects.get_for_model(Organization)
        records |= Q(content_type=kind, object_id=activity.organization_id)
    if people:
        kind = ContentType.objects.get_for_model(Person)
        records |= Q(content_type=kind, object_id__in=[p.pk for p in people])
    if not records:
        return []
    ids = Follow.objects.filter(records).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def tell_about(activity: Activity, *, actor: User, people: list[Person]) -> None:
    """Notify everyone who should hear of a new activity, each once, never the actor."""
    url = _record_url(activity, people)
    told = {actor.pk}
    params = {"name": actor.name, "subject": activity.subject}
    for user in mentioned_users(activity.body):
        notify(
            recipient=user,
            kind="mention",
            text=_("%(name)s mentioned you: %(subject)s"),
            params=params,
            url=url,
            actor=actor,
        )
        told.add(user.pk)
    if activity.status == Activity.Status.PLANNED and activity.assignee_id not in told:
        notify(
            recipient=activity.assignee,
            kind="assigned",
            text=_("%(name)s planned for you: %(subject)s"),
            params=params,
            url="/my-day/",
            actor=actor,
        )
        told.add(activity.assignee_id)
    for user in _followers(activity, people):
        if user.pk not in told:
            notify(
                recipient=user,
                kind="followed_record",
                text=_("%(name)s on a record you follow: %(subject)s"),
                params=params,
                url=url,
                actor=actor,
            )
            told.add(user.pk)


def is_following(user: User, record: Organization | Person) -> bool:
    kind = ContentType.objects.get_for_model(type(record))
    return Follow.objects.filter(user=user, content_type=kind, object_id=record.pk).exists()


@transaction.atomic
def follow_set(*, user: User, record: Organization | Person, following: bool) -> None:
    kind = ContentType.objects.get_for_model(type(record))
    if following:
        Follow.objects.get_or_create(user=user, content_type=kind, object_id=record.pk)
    else:
        Follow.objects.filter(user=user, content_type=kind, object_id=record.pk).delete()
