"""Off-boarding: a departing user's book of business passes to colleagues in one step.

Each domain registers what a user can hold (organizations and people they own, open
opportunities, planned activities) with `register_book`; this module never imports them. The
plan deals the departing user's customers out to the chosen colleagues in turn, and keeps a
customer together: the people, opportunities and activities of an organization go to the
colleague who gets that organization. Done activities, won and lost deals and everything the
user did stay attributed to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from sampo.accounts import services
from sampo.accounts.access import require_admin
from sampo.accounts.models import User
from sampo.core import history, records
from sampo.core.audit import audit_record


@dataclass(frozen=True)
class BookKind:
    key: str
    label: str | Promise
    order: int
    rows: Callable[[User], models.QuerySet[Any]]  # what the user holds, in a stable order
    customer_of: Callable[[Any], int | None]  # the organization a row belongs to, if any
    field: str = "owner"  # the user field that changes hands
    extra_values: Callable[[Any, User], dict[str, Any]] | None = None  # e.g. a due day


BOOK: dict[str, BookKind] = {}


def register_book(
    *,
    key: str,
    label: str | Promise,
    rows: Callable[[User], models.QuerySet[Any]],
    customer_of: Callable[[Any], int | None],
    order: int = 100,
    field: str = "owner",
    extra_values: Callable[[Any, User], dict[str, Any]] | None = None,
) -> None:
    BOOK[key] = BookKind(key, label, order, rows, customer_of, field, extra_values)


@dataclass
class PlannedKind:
    kind: BookKind
    moves: list[tuple[Any, User]] = field(default_factory=list)

    def count_for(self, recipient: User) -> int:
        return sum(1 for _row, to in self.moves if to.pk == recipient.pk)


@dataclass
class Plan:
    user: User
    recipients: list[User]
    kinds: list[PlannedKind]

    @property
    def total(self) -> int:
        return sum(len(k.moves) for k in self.kinds)

    def table(self) -> list[dict[str, Any]]:
        """Per kind: its label, total and how many each recipient gets, for the preview."""
        return [
            {
                "label": k.kind.label,
                "total": len(k.moves),
                "counts": [k.count_for(r) for r in self.recipients],
            }
            for k in self.kinds
        ]


def _check_recipients(user: User, recipients: list[User]) -> None:
    if not recipients:
        raise ValidationError({"recipients": _("Choose at least one colleague.")})
    if any(r.pk == user.pk for r in recipients):
        raise ValidationError(
            {"recipients": _("The departing user cannot receive their own work.")}
        )
    if any(not r.is_active for r in recipients):
        raise ValidationError({"recipients": _("A deactivated user cannot receive work.")})


def offboarding_plan(*, actor: User, user: User, recipients: list[User]) -> Plan:
    """Who gets what; nothing is written. The same plan is made again when it is carried out,
    so work the user took on since the preview is handed over too."""
    require_admin(actor)
    _check_recipients(user, recipients)
    customer_owner: dict[int, User] = {}
    dealt = 0
    planned = []
    for kind in sorted(BOOK.values(), key=lambda k: k.order):
        moves = []
        for row in kind.rows(user):
            customer = kind.customer_of(row)
            to = customer_owner.get(customer) if customer is not None else None
            if to is None:
                to = recipients[dealt % len(recipients)]
                dealt += 1
                if customer is not None:
                    customer_owner[customer] = to
            moves.append((row, to))
        planned.append(PlannedKind(kind, moves))
    return Plan(user, recipients, planned)


def user_offboard(*, actor: User, user: User, recipients: list[User]) -> Plan:
    """Hands the user's book over as planned, records it on every record and on the user, and
    deactivates them; all or nothing."""
    with transaction.atomic():
        plan = offboarding_plan(actor=actor, user=user, recipients=recipients)
        for planned in plan.kinds:
            for row, to in planned.moves:
                values = {planned.kind.field: to}
                if planned.kind.extra_values:
                    values |= planned.kind.extra_values(row, to)
                records.record_update(row, actor=actor, values=values, expected_version=None)
        history.record_event(
            user,
            actor=actor,
            event="handed_over",
            changes=[
                {
                    "field": str(planned.kind.label),
                    "old": len(planned.moves),
                    "new": [r.pk for r in recipients],
                    "old_label": str(len(planned.moves)),
                    "new_label": ", ".join(r.name for r in recipients),
                }
                for planned in plan.kinds
                if planned.moves
            ],
        )
        audit_record(
            "offboarded",
            actor=actor,
            target=user,
            details={
                "recipients": [r.email for r in recipients],
                "counts": {k.kind.key: len(k.moves) for k in plan.kinds},
            },
        )
        if user.is_active:
            services.user_deactivate(actor=actor, user=user)
    return plan
