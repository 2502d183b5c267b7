"""Writes of saved views: save the list as it is now under a name, rename or re-share it,
update it with the current filters, delete it, choose the view a list opens with."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from sampo.accounts.models import Team, User
from sampo.lists import access
from sampo.lists.models import QUERY_MAX_LENGTH, DefaultView, SavedView
from sampo.lists.registry import list_spec

# Parameters of the page, not of the view: the page number, the view's own mark, the form's.
NOT_KEPT = frozenset({"page", "view", "csrfmiddlewaretoken"})
NAME_MAX_LENGTH = SavedView._meta.get_field("name").max_length or 80


def clean_query(raw: str) -> str:
    """The list's query string as a view keeps it: every parameter the list understands (also
    ones this app does not know, like chosen columns), without the page. Empty values stay:
    on some lists they mean something ("status=" is any status, not the default open)."""
    kept = QueryDict(mutable=True)
    for key, values in QueryDict(raw.lstrip("?")).lists():
        if key not in NOT_KEPT:
            kept.setlist(key, values)
    query = kept.urlencode()
    if len(query) > QUERY_MAX_LENGTH:
        raise ValidationError(
            {"query": _("These filters are too long to save. Remove some and try again.")}
        )
    return query


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": _("Use at most %(count)s characters for the name.")
                % {"count": NAME_MAX_LENGTH}
            }
        )
    return name


def _clean_sharing(actor: User, sharing: str, team: Team | None) -> Team | None:
    if sharing not in SavedView.Sharing.values:
        raise ValidationError({"sharing": _("Choose who sees the view.")})
    if sharing == SavedView.Sharing.EVERYONE and not actor.is_admin:
        raise ValidationError({"sharing": _("Only an admin may share a view with everyone.")})
    if sharing != SavedView.Sharing.TEAM:
        return None
    if team is None:
        raise ValidationError({"team": _("Choose the team to share the view with.")})
    if not actor.is_admin and team.pk not in access.team_ids(actor):
        raise ValidationError({"team": _("You can share a view only with a team you are in.")})
    return team


def _save(view: SavedView, update_fields: list[str] | None = None) -> SavedView:
    try:
        with transaction.atomic():
            view.save(update_fields=update_fields)
    except IntegrityError as taken:
        raise ValidationError(
            {"name": _("You already have a view with this name on this list.")}
        ) from taken
    return view


def saved_view_create(
    *,
    actor: User,
    list_key: str,
    name: str,
    query: str,
    sharing: str = SavedView.Sharing.PERSONAL,
    team: Team | None = None,
) -> SavedView:
    list_spec(list_key)
    if not actor.is_active:
        raise PermissionDenied
    view = SavedView(
        owner=actor,
        list_key=list_key,
        name=_clean_name(name),
        query=clean_query(query),
        sharing=sharing,
        team=_clean_sharing(actor, sharing, team),
    )
    return _save(view)


def saved_view_update(
    *, actor: User, view: SavedView, name: str, sharing: str, team: Team | None = None
) -> SavedView:
    """Rename or re-share; the filters stay as they are."""
    if not access.can_change(actor, view):
        raise PermissionDenied
    view.name = _clean_name(name)
    view.team = _clean_sharing(actor, sharing, team)
    view.sharing = sharing
    return _save(view, update_fields=["name", "sharing", "team", "updated_at"])


def saved_view_replace_query(*, actor: User, view: SavedView, query: str) -> SavedView:
    """Update the view with the filters the list has now."""
    if not access.can_change(actor, view):
        raise PermissionDenied
    view.query = clean_query(query)
    return _save(view, update_fields=["query", "updated_at"])


def saved_view_delete(*, actor: User, view: SavedView) -> None:
    if not access.can_change(actor, view):
        raise PermissionDenied
    # Whoever had it as their default opens the list unfiltered again (DefaultView cascades).
    view.delete()


def default_view_set(*, actor: User, list_key: str, view: SavedView | None) -> None:
    """The view the list opens with (None: the list as it comes). `view` must be one the
    actor can see (callers get it through access.access_view)."""
    list_spec(list_key)
    if view is not None and view.list_key != list_key:
        raise ValidationError(_("This view belongs to another list."))
    with transaction.atomic():
        DefaultView.objects.filter(user=actor, list_key=list_key).delete()
        if view is not None:
            DefaultView.objects.create(user=actor, list_key=list_key, view=view)
