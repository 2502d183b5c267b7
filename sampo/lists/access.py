"""Who sees and changes saved views; the only way a request gets one.

A view is seen by its owner, by the members (and leader) of the team it is shared with, and by
everyone when shared with everyone; anyone else gets a 404, the same as for a view that does
not exist. Only the owner changes or deletes a view, and an admin any view they can see; for
the others a shared view is read-only (they may still open it and make it their default).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from sampo.accounts.models import Team, User
from sampo.lists.models import SavedView


def team_ids(user: User) -> list[int]:
    teams = Team.objects.filter(Q(members=user) | Q(leader=user)).distinct()
    return list(teams.values_list("pk", flat=True))


def visible(user: User) -> Q:
    if not user.is_active:
        return Q(pk__in=[])
    return (
        Q(owner=user)
        | Q(sharing=SavedView.Sharing.EVERYONE)
        | Q(sharing=SavedView.Sharing.TEAM, team_id__in=team_ids(user))
    )


def can_change(user: User, view: SavedView) -> bool:
    return user.is_active and (view.owner_id == user.pk or user.is_admin)


def access_view(user: User, pk: int, *, write: bool = False) -> SavedView:
    view = SavedView.objects.filter(visible(user), pk=pk).select_related("owner", "team").first()
    if view is None:
        raise Http404
    if write and not can_change(user, view):
        raise PermissionDenied
    return view
