"""Who may see and change leads and opportunities; the only way a request gets one.

The rights are the roles' (accounts.rights); the defaults this app registers for the system
roles keep deals less public than the register: everyone sees the opportunities they own and
those of their teams (an opportunity given to one of their teams, or owned by someone in one);
admins and read-only users see all of them. Admins change any, a sales manager their teams',
a salesperson their own; read-only, marketing and support users change none.
Pipelines, stages, sources and lost reasons are readable by every active user and changed by
admins only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from sampo.accounts import rights
from sampo.accounts.models import User
from sampo.sales.models import Opportunity, Pipeline

KEY = "sales.opportunity"


def sees_all(user: User) -> bool:
    return rights.scope(user, KEY, rights.Action.READ) == rights.Scope.ALL


def visible(user: User) -> Q:
    """The opportunities the user may see, as a condition for any query (no extra query)."""
    return rights.rows_q(user, KEY, rights.Action.READ)


def can_create(user: User) -> bool:
    return rights.may(user, KEY, rights.Action.CREATE)


def require_create(user: User) -> None:
    if not can_create(user):
        raise PermissionDenied


def can_edit(user: User, opportunity: Opportunity) -> bool:
    return rights.allows(user, opportunity, rights.Action.EDIT)


def editable(user: User) -> Q:
    """`can_edit` as a query condition, for changing many opportunities at once (bulk actions)."""
    return rights.rows_q(user, KEY, rights.Action.EDIT)


def require_edit(user: User, opportunity: Opportunity) -> None:
    if not can_edit(user, opportunity):
        raise PermissionDenied


def can_delete(user: User, opportunity: Opportunity) -> bool:
    return rights.allows(user, opportunity, rights.Action.DELETE)


def require_delete(user: User, opportunity: Opportunity) -> None:
    if not can_delete(user, opportunity):
        raise PermissionDenied


def access_opportunity(user: User, pk: int, *, write: bool = False) -> Opportunity:
    opportunity = (
        Opportunity.objects.filter(visible(user), pk=pk)
        .select_related(
            "owner",
            "team",
            "pipeline",
            "stage",
            "organization",
            "person",
            "source",
            "lost_reason",
            "product_interest",
        )
        .first()
    )
    if opportunity is None:
        raise Http404
    if write:
        require_edit(user, opportunity)
    return opportunity


def access_pipeline(user: User, pk: int) -> Pipeline:
    pipeline = Pipeline.objects.select_related("team").filter(pk=pk).first()
    if pipeline is None or not user.is_active:
        raise Http404
    return pipeline
