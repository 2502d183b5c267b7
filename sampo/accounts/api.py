"""Users and teams in the REST API, read only: who the owners, assignees and leaders named by
id on other records are."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from sampo.accounts import selectors
from sampo.accounts.models import Team, User
from sampo.lib.rest import paging

router = Router(tags=["users and teams"])

USER_SORTS = {"name": "name", "id": "id"}


class UserOut(Schema):
    id: int
    name: str
    email: str
    role: str = Field(..., description="Role code, e.g. admin, sales_manager, salesperson")
    team_ids: list[int]
    is_active: bool


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None
    sync_from: datetime.datetime | None = None


class UserFilters(Schema):
    is_active: bool | None = None
    sort: str = Field("name", max_length=40, description="name, id; - for descending")
    cursor: str | None = Field(None, max_length=2000)
    limit: int = Field(paging.DEFAULT_LIMIT, ge=1, le=paging.MAX_LIMIT)


class TeamOut(Schema):
    id: int
    name: str
    description: str
    leader_id: int | None
    member_ids: list[int]


def user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "name": user.name,
        "email": user.email,
        "role": user.role.code,
        "team_ids": sorted(t.pk for t in user.teams.all()),
        "is_active": user.is_active,
    }


def team_out(team: Team) -> dict[str, Any]:
    return {
        "id": team.pk,
        "name": team.name,
        "description": team.description,
        "leader_id": team.leader_id,
        "member_ids": [m.pk for m in team.members.all()],
    }


@router.get(
    "/users",
    response=UserPage,
    summary="List users",
    description="Every user, deactivated ones included unless is_active is given.",
)
def user_list(request: HttpRequest, filters: Query[UserFilters]) -> dict[str, Any]:
    rows = selectors.user_directory(actor=request.user)  # type: ignore[arg-type]
    if filters.is_active is not None:
        rows = rows.filter(is_active=filters.is_active)
    page = paging.paginate(
        rows,
        fields=paging.sort_fields(filters.sort, USER_SORTS, "name"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [user_out(u) for u in page.rows], "next_cursor": page.next_cursor}


@router.get("/users/{int:pk}", response=UserOut, summary="Read a user")
def user_read(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.user_directory(actor=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if found is None:
        raise Http404
    return user_out(found)


@router.get("/teams", response=list[TeamOut], summary="List teams", description="By name.")
def team_list(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.team_directory(actor=request.user).order_by("name", "id")  # type: ignore[arg-type]
    return [team_out(t) for t in rows]


@router.get("/teams/{int:pk}", response=TeamOut, summary="Read a team")
def team_read(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.team_directory(actor=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if found is None:
        raise Http404
    return team_out(found)
