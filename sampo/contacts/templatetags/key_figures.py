"""`{% recent_key_figures organization as rows %}`: the organization page's key figures.

The page's view belongs to the register's views; until the selector moves into
`selectors.organization_overview`, the section asks for its rows itself."""

from __future__ import annotations

from django import template

from sampo.contacts.key_figure_selectors import KeyFigureRow, recent_key_figures
from sampo.contacts.models import Organization

register = template.Library()


@register.simple_tag(name="recent_key_figures")
def recent_key_figures_tag(organization: Organization) -> list[KeyFigureRow]:
    return recent_key_figures(organization)
