from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.accounts.models import User
from sampo.contacts import access, exports, list_columns, panels, selectors, services
from sampo.contacts.contact_detail_forms import details_formset
from sampo.contacts.forms import MembershipEndForm, MembershipForm, OrganizationForm, PersonForm
from sampo.contacts.handovers.selectors import record_handover
from sampo.contacts.models import Organization, Person, RelationshipType, Tag
from sampo.core import custom_fields
from sampo.core import list_columns as core_list_columns
from sampo.core.audit import audit_export, audit_record
from sampo.core.custom_fields import filters as custom_filters
from sampo.core.records import StaleEditError
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest, as_download, in_current_locale
from sampo.lib.spreadsheets import iter_csv, write_xlsx
from sampo.lists import toolbar

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VCARD_TYPE = "text/vcard; charset=utf-8"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def person_filters(params: QueryDict, kind: str = "person") -> dict[str, Any]:
    """The people list's filters from its query string (also a saved view's or a bulk
    selection's); `kind` names whose custom fields the filters read."""
    filters = {
        "search": params.get("q", "").strip(),
        "owner": _int(params.get("owner")),
        "tag": _int(params.get("tag")),
        "custom": custom_filters.parse(custom_fields.definitions(kind), params),
        "sort": params.get("sort", "name"),
    }
    # The people of one organization (its 360° page links to them): only when asked for.
    if kind == "person" and (organization := _int(params.get("organization"))):
        filters["organization"] = organization
    return filters


def _person_filters(request: AuthedRequest) -> dict[str, Any]:
    return person_filters(request.GET)


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal((value or "").replace(" ", "").replace(",", ".")) if value else None
    except InvalidOperation:
        return None


def _organization_filters(request: AuthedRequest) -> dict[str, Any]:
    return organization_filters(request.GET)


def organization_filters(params: QueryDict) -> dict[str, Any]:
    get = params.get
    return {
        **person_filters(params, "organization"),
        "relationship": _int(get("relationship")),
        "city": get("city", "").strip(),
        "industry": _int(get("industry")),
        "figures": selectors.FigureRanges(
            year=_int(get("year")),
            revenue_min=_decimal(get("revenue_min")),
            revenue_max=_decimal(get("revenue_max")),
            employees_min=_int(get("employees_min")),
            employees_max=_int(get("employees_max")),
        ),
    }


def _filter_choices() -> dict[str, Any]:
    return {
        # (pk, name) pairs: the menu needs no more, and 50 users as records cost a millisecond.
        "owners": User.objects.filter(is_active=True).values_list("id", "name"),
        "tags": Tag.objects.all(),
        "relationship_types": RelationshipType.objects.all(),
        "industries": selectors.industry_choices(),
    }


LIST_KEYS = {"organization": "organizations", "person": "people"}
EXPORT_FORMATS = {
    "organization": ("csv", "xlsx"),
    "person": ("csv", "xlsx", "vcf"),
}


def _export_links(request: AuthedRequest, kind: str) -> list[tuple[str, str]]:
    """The list's export menu: each format with the list's filters (not its page)."""
    labels = {
        "csv": _("CSV file"),
        "xlsx": _("Excel file (XLSX)"),
        "vcf": _("vCard file (address book)"),
    }
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in ("page", "columns") and any(values):
            query.setlist(key, [value for value in values if value])
    suffix = f"?{query.urlencode()}" if query else ""
    return [
        (labels[fmt], reverse(f"contacts:{kind}_export_{fmt}") + suffix)
        for fmt in EXPORT_FORMATS[kind]
    ]


def _organization_filter(user: User, pk: int | None) -> Organization | None:
    """The organization whose people the list shows, if the user may read it."""
    if not pk:
        return None
    return Organization.objects.filter(access.visible(user, Organization), pk=pk).first()


def _render_list(
    request: AuthedRequest, kind: str, page: selectors.Page, filters: dict[str, Any]
) -> HttpResponse:
    """The whole list page, or only its rows when htmx asks after a filter changed (the
    export menu comes along, to carry the new filters)."""
    definitions = [item.field for item in filters["custom"]]
    available = list_columns.available(kind, definitions)
    columns = core_list_columns.chosen(
        user=request.user,
        list_key=list_columns.LIST_KEYS[kind],
        available=available,
        default=list_columns.DEFAULT[kind],
        requested=request.GET.get("columns"),
    )
    context = {
        "page": page,
        "rows": list_columns.rows(kind, page.rows, columns),
        "filters": filters,
        "custom_filters": filters["custom"],
        "custom_filters_active": custom_filters.any_active(filters["custom"]),
        "columns": columns,
        "column_choices": [(c, True) for c in columns]
        + [(c, False) for c in available if c not in columns],
        "columns_url": reverse(f"contacts:{kind}_columns"),
        "can_create": access.can_create(request.user),
        "organization_filter": _organization_filter(request.user, filters.get("organization")),
        "export_links": _export_links(request, kind),
        **_filter_choices(),
        **toolbar.list_tools(request, LIST_KEYS[kind]),
    }
    template = f"contacts/{kind}_rows.html" if request.htmx else f"contacts/{kind}_list.html"
    response = render(request, template, context)
    # The same address answers with the rows only to htmx: the browser's cache must not hand
    # those rows back as the page when the user comes back to it.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def list_columns_save(request: AuthedRequest, kind: str) -> HttpResponse:
    """Keep the user's columns for the list and show it with them (in the URL too, so a
    link or a saved view carries them); "reset" goes back to the default columns."""
    available = list_columns.available(kind, custom_fields.definitions(kind))
    list_key = list_columns.LIST_KEYS[kind]
    given = QueryDict(request.POST.get("query", ""))
    query = QueryDict(mutable=True)
    for key, values in given.lists():
        if key not in ("page", "columns") and any(values):
            query.setlist(key, [value for value in values if value])
    if request.POST.get("reset"):
        core_list_columns.list_columns_reset(user=request.user, list_key=list_key)
    else:
        keys = core_list_columns.list_columns_save(
            user=request.user,
            list_key=list_key,
            keys=request.POST.getlist("columns"),
            available=available,
        )
        query["columns"] = ",".join(keys)
    target = reverse("contacts:organizations" if kind == "organization" else "contacts:people")
    return redirect(f"{target}?{query.urlencode()}" if query else target)


@require_GET
def organization_list(request: AuthedRequest) -> HttpResponse:
    if default := toolbar.default_view_redirect(request, "organizations"):
        return default
    filters = _organization_filters(request)
    page = selectors.organization_list(
        user=request.user, page=_int(request.GET.get("page")) or 1, **filters
    )
    return _render_list(request, "organization", page, filters)


@require_GET
def organization_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    organization = access.access_organization(request.user, pk)
    context = {
        "organization": organization,
        "can_edit": access.can_edit(request.user, organization),
        "can_delete": access.can_delete(request.user, organization),
        "handover": record_handover(user=request.user, record=organization),
        **selectors.organization_overview(request.user, organization),
        "panels": panels.panels_for("organization", user=request.user, record=organization),
    }
    return render(request, "contacts/organization_detail.html", context)


def _save_with_duplicate_guard(
    request: AuthedRequest, form: Any, save: Any
) -> tuple[Any, list[Any]]:
    """Run `save`; on a likely duplicate return the matches for the user to confirm."""
    confirmed = request.POST.get("confirm_duplicate") == "on"
    try:
        return save(allow_duplicate=confirmed), []
    except services.DuplicateError as duplicate:
        return None, duplicate.matches
    except (ValidationError, StaleEditError) as error:
        add_service_error(form, error)
        return None, []


def _values(form: Any, details: Any) -> dict[str, Any]:
    skip = {"version", "organization", "role"}
    values = {
        k: v for k, v in form.cleaned_data.items() if k not in skip and not k.startswith("cf_")
    }
    if form.custom_definitions:
        values["custom"] = form.custom_values()
    return {**values, services.DETAILS: details.rows()}


@require_http_methods(["GET", "POST"])
def organization_new(request: AuthedRequest) -> HttpResponse:
    access.require_create(request.user)
    form = OrganizationForm(request.POST or None, initial={"owner": request.user})
    details = details_formset(request.POST or None, model=Organization)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid() and details.accepts():
        organization, matches = _save_with_duplicate_guard(
            request,
            form,
            lambda allow_duplicate: services.organization_create(
                actor=request.user, values=_values(form, details), allow_duplicate=allow_duplicate
            ),
        )
        if organization is not None:
            messages.success(request, _("The organization was added."))
            return redirect("contacts:organization", pk=organization.pk)
    context = {"form": form, "details": details, "is_new": True, "matches": matches}
    return render(request, "contacts/organization_form.html", context)


@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    organization = access.access_organization(request.user, pk, write=True)
    form = OrganizationForm(
        request.POST or None, instance=organization, initial={"version": organization.version}
    )
    details = details_formset(request.POST or None, model=Organization, record=organization)
    if request.method == "POST" and form.is_valid() and details.accepts():
        try:
            services.organization_update(
                actor=request.user,
                organization=organization,
                values=_values(form, details),
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("contacts:organization", pk=pk)
    context = {"form": form, "details": details, "organization": organization}
    return render(request, "contacts/organization_form.html", context)


@require_POST
def organization_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    organization = access.access_organization(request.user, pk)
    services.organization_trash(actor=request.user, organization=organization)
    messages.success(
        request,
        _("“%(name)s” was moved to the trash. An admin can restore it from there.")
        % {"name": organization.name},
    )
    return redirect("contacts:organizations")


@require_GET
def person_list(request: AuthedRequest) -> HttpResponse:
    if default := toolbar.default_view_redirect(request, "people"):
        return default
    filters = _person_filters(request)
    page = selectors.person_list(
        user=request.user, page=_int(request.GET.get("page")) or 1, **filters
    )
    return _render_list(request, "person", page, filters)


@require_GET
def person_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk)
    context = {
        "person": person,
        "can_edit": access.can_edit(request.user, person),
        "can_delete": access.can_delete(request.user, person),
        "handover": record_handover(user=request.user, record=person),
        **selectors.person_overview(person),
        "panels": panels.panels_for("person", user=request.user, record=person),
    }
    return render(request, "contacts/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def person_new(request: AuthedRequest) -> HttpResponse:
    access.require_create(request.user, Person)
    initial = {"owner": request.user, "organization": _int(request.GET.get("organization"))}
    form = PersonForm(request.POST or None, initial=initial)
    details = details_formset(request.POST or None, model=Person)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid() and details.accepts():
        person, matches = _save_with_duplicate_guard(
            request,
            form,
            lambda allow_duplicate: services.person_create(
                actor=request.user,
                values=_values(form, details),
                organization=form.cleaned_data.get("organization"),
                role=form.cleaned_data.get("role", ""),
                allow_duplicate=allow_duplicate,
            ),
        )
        if person is not None:
            messages.success(request, _("The person was added."))
            return redirect("contacts:person", pk=person.pk)
    context = {"form": form, "details": details, "is_new": True, "matches": matches}
    return render(request, "contacts/person_form.html", context)


@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk, write=True)
    form = PersonForm(request.POST or None, instance=person, initial={"version": person.version})
    details = details_formset(request.POST or None, model=Person, record=person)
    if request.method == "POST" and form.is_valid() and details.accepts():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                values=_values(form, details),
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("contacts:person", pk=pk)
    context = {"form": form, "details": details, "person": person}
    return render(request, "contacts/person_form.html", context)


@require_POST
def person_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk)
    services.person_trash(actor=request.user, person=person)
    messages.success(
        request,
        _("“%(name)s” was moved to the trash. An admin can restore it from there.")
        % {"name": person.full_name},
    )
    return redirect("contacts:people")


@require_GET
def organization_pick(request: AuthedRequest) -> HttpResponse:
    """Organizations matching what was typed, as choices for a form (htmx fragment)."""
    query = request.GET.get("organization_query", "").strip()
    rows = selectors.organization_list(user=request.user, search=query).rows[:10] if query else []
    return render(request, "contacts/_organization_options.html", {"rows": rows, "query": query})


@require_http_methods(["GET", "POST"])
def membership_new(request: AuthedRequest, pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk, write=True)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The membership was added."))
            return redirect("contacts:person", pk=pk)
    return render(request, "contacts/membership_form.html", {"form": form, "person": person})


@require_POST
def membership_end(request: AuthedRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk, write=True)
    membership = get_object_or_404(
        person.memberships.select_related("organization"), pk=membership_pk, end_date__isnull=True
    )
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date the person left the organization."))
        return redirect("contacts:person", pk=pk)
    try:
        services.membership_end(
            actor=request.user, membership=membership, end_date=form.cleaned_data["end_date"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The membership was ended; it stays in the person's history."))
    return redirect("contacts:person", pk=pk)


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


def _csv_download(lines: Iterator[bytes], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        in_current_locale(lines), content_type="text/csv; charset=utf-8"
    )
    return as_download(response, filename)


def _xlsx_download(content: bytes, filename: str) -> HttpResponse:
    return as_download(HttpResponse(content, content_type=XLSX_TYPE), filename)


CUSTOM_FIELD_KINDS = {"organizations": "organization", "people": "person"}
LIST_FILES = {
    "organizations": (exports.ORGANIZATION_COLUMNS, "organizations", _lazy("Organizations")),
    "people": (exports.PERSON_COLUMNS, "people", _lazy("People")),
}


def list_file(list_key: str, rows: Any, fmt: str) -> HttpResponseBase:
    """A list's rows as a CSV or XLSX download (the export menu and the bulk export)."""
    columns, stem, sheet = LIST_FILES[list_key]
    columns = exports.with_custom_fields(columns, CUSTOM_FIELD_KINDS[list_key])
    if fmt == "csv":
        lines = iter_csv(exports.table(columns, rows), exports.headers(columns))
        return _csv_download(lines, _filename(stem, "csv"))
    content = write_xlsx(exports.table(columns, rows), exports.headers(columns), str(sheet))
    return _xlsx_download(content, _filename(stem, "xlsx"))


@require_GET
def organization_export_csv(request: AuthedRequest) -> HttpResponseBase:
    access.require_export(request.user)
    audit_export(request, what="organizations", file_format="csv")
    rows = selectors.organization_rows(user=request.user, **_organization_filters(request))
    return list_file("organizations", rows, "csv")


@require_GET
def organization_export_xlsx(request: AuthedRequest) -> HttpResponseBase:
    access.require_export(request.user)
    audit_export(request, what="organizations", file_format="xlsx")
    rows = selectors.organization_rows(user=request.user, **_organization_filters(request))
    return list_file("organizations", rows, "xlsx")


@require_GET
def person_export_csv(request: AuthedRequest) -> HttpResponseBase:
    access.require_export(request.user)
    audit_export(request, what="people", file_format="csv")
    rows = selectors.person_rows(user=request.user, **_person_filters(request))
    return list_file("people", rows, "csv")


@require_GET
def person_export_xlsx(request: AuthedRequest) -> HttpResponseBase:
    access.require_export(request.user)
    audit_export(request, what="people", file_format="xlsx")
    rows = selectors.person_rows(user=request.user, **_person_filters(request))
    return list_file("people", rows, "xlsx")


@require_GET
def person_export_vcf(request: AuthedRequest) -> StreamingHttpResponse:
    access.require_export(request.user)
    audit_export(request, what="people", file_format="vcf")
    rows = selectors.person_rows(user=request.user, **_person_filters(request))
    cards = (card.encode() for card in exports.person_cards(rows))
    response = StreamingHttpResponse(in_current_locale(cards), content_type=VCARD_TYPE)
    return as_download(response, _filename("people", "vcf"))


@require_GET
def person_vcard(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_export(request.user)
    person = access.access_person(request.user, pk)
    person = selectors.person_rows(user=request.user).get(pk=person.pk)
    audit_record("export", actor=request.user, target=person, details={"format": "vcf"})
    response = HttpResponse(exports.person_card(person), content_type=VCARD_TYPE)
    return as_download(response, f"{slugify(person.full_name) or 'person'}.vcf")
