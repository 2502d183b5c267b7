"""Reads for the register's admin pages (relationship types, tags). Kept apart from
selectors.py while the list and export work there settles; fold in later."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from sampo.accounts.access import require_admin
from sampo.accounts.models import User
from sampo.contacts.models import Organization, Person, RelationshipType, Tag


def _count_of(links: QuerySet, *, column: str, record: str) -> Coalesce:
    """How many live records link to the outer row, as one correlated subquery."""
    counted = (
        links.filter(**{column: OuterRef("pk"), f"{record}__deleted_at__isnull": True})
        .order_by()
        .values(column)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def relationship_type_list(*, actor: User) -> QuerySet[RelationshipType]:
    require_admin(actor)
    links = Organization.relationship_types.through.objects.all()
    return RelationshipType.objects.annotate(
        organization_count=_count_of(links, column="relationshiptype_id", record="organization")
    ).order_by("position", "name")


def tag_list(*, actor: User) -> QuerySet[Tag]:
    require_admin(actor)
    return Tag.objects.annotate(
        organization_count=_count_of(
            Organization.tags.through.objects.all(), column="tag_id", record="organization"
        ),
        person_count=_count_of(Person.tags.through.objects.all(), column="tag_id", record="person"),
    ).order_by("name")
