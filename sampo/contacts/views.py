from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.accounts.models import User
from sampo.contacts import access, exports, list_columns, panels, selectors, services
from sampo.contacts.forms import MembershipEndForm, MembershipForm, OrganizationForm, PersonForm
from sampo.contacts.models import Industry, RelationshipType, Tag
from sampo.core import custom_fields
from sampo.core import list_columns as core_list_columns
from sampo.core.custom_fields import filters as custom_filters
from sampo.core.records import StaleEditError
from sampo.core.selectors import history_for
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest, as_download, in_current_locale
from sampo.lib.spreadsheets import iter_csv, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VCARD_TYPE = "text/vcard; charset=utf-8"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _person_filters(request: AuthedRequest, kind: str = "person") -> dict[str, Any]:
    return {
        "search": request.GET.get("q", "").strip(),
        "owner": _int(request.GET.get("owner")),
        "tag": _int(request.GET.get("tag")),
        "custom": custom_filters.parse(custom_fields.definitions(kind), request.GET),
        "sort": request.GET.get("sort", "name"),
    }


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal((value or "").replace(" ", "").replace(",", ".")) if value else None
    except InvalidOperation:
        return None


def _organization_filters(request: AuthedRequest) -> dict[str, Any]:
    get = request.GET.get
    return {
        **_person_filters(request, "organization"),
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
        "owners": User.objects.filter(is_active=True).only("id", "name"),
        "tags": Tag.objects.all(),
        "relationship_types": RelationshipType.objects.all(),
        "industries": Industry.objects.order_by("code"),
    }


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
        "filters": filters,
        "custom_filters": filters["custom"],
        "custom_filters_active": custom_filters.any_active(filters["custom"]),
        "columns": columns,
        "column_choices": [(c, True) for c in columns]
        + [(c, False) for c in available if c not in columns],
        "columns_url": reverse(f"contacts:{kind}_columns"),
        "can_create": access.can_create(request.user),
        "export_links": _export_links(request, kind),
        **_filter_choices(),
    }
    template = f"contacts/{kind}_rows.html" if request.htmx else f"contacts/{kind}_list.html"
    return render(request, template, context)


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
        "history": history_for(organization),
        **selectors.organization_overview(organization),
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


def _values(form: Any) -> dict[str, Any]:
    skip = {"version", "organization", "role"}
    values = {
        k: v for k, v in form.cleaned_data.items() if k not in skip and not k.startswith("cf_")
    }
    if form.custom_definitions:
        values["custom"] = form.custom_values()
    return values


@require_http_methods(["GET", "POST"])
def organization_new(request: AuthedRequest) -> HttpResponse:
    access.require_create(request.user)
    form = OrganizationForm(request.POST or None, initial={"owner": request.user})
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        organization, matches = _save_with_duplicate_guard(
            request,
            form,
            lambda allow_duplicate: services.organization_create(
                actor=request.user, values=_values(form), allow_duplicate=allow_duplicate
            ),
        )
        if organization is not None:
            messages.success(request, _("The organization was added."))
            return redirect("contacts:organization", pk=organization.pk)
    context = {"form": form, "is_new": True, "matches": matches}
    return render(request, "contacts/organization_form.html", context)


@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    organization = access.access_organization(request.user, pk, write=True)
    form = OrganizationForm(
        request.POST or None, instance=organization, initial={"version": organization.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user,
                organization=organization,
                values=_values(form),
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("contacts:organization", pk=pk)
    context = {"form": form, "organization": organization}
    return render(request, "contacts/organization_form.html", context)


@require_POST
def organization_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    organization = access.access_organization(request.user, pk, write=True)
    services.organization_trash(actor=request.user, organization=organization)
    messages.success(
        request,
        _("“%(name)s” was moved to the trash. An admin can restore it from there.")
        % {"name": organization.name},
    )
    return redirect("contacts:organizations")


@require_GET
def person_list(request: AuthedRequest) -> HttpResponse:
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
        "history": history_for(person),
        **selectors.person_overview(person),
        "panels": panels.panels_for("person", user=request.user, record=person),
    }
    return render(request, "contacts/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def person_new(request: AuthedRequest) -> HttpResponse:
    access.require_create(request.user)
    initial = {"owner": request.user, "organization": _int(request.GET.get("organization"))}
    form = PersonForm(request.POST or None, initial=initial)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        person, matches = _save_with_duplicate_guard(
            request,
            form,
            lambda allow_duplicate: services.person_create(
                actor=request.user,
                values=_values(form),
                organization=form.cleaned_data.get("organization"),
                role=form.cleaned_data.get("role", ""),
                allow_duplicate=allow_duplicate,
            ),
        )
        if person is not None:
            messages.success(request, _("The person was added."))
            return redirect("contacts:person", pk=person.pk)
    context = {"form": form, "is_new": True, "matches": matches}
    return render(request, "contacts/person_form.html", context)


@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk, write=True)
    form = PersonForm(request.POST or None, instance=person, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                values=_values(form),
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("contacts:person", pk=pk)
    return render(request, "contacts/person_form.html", {"form": form, "person": person})


@require_POST
def person_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    person = access.access_person(request.user, pk, write=True)
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


@require_GET
def organization_export_csv(request: AuthedRequest) -> StreamingHttpResponse:
    access.require_export(request.user)
    rows = selectors.organization_rows(user=request.user, **_organization_filters(request))
    columns = exports.with_custom_fields(exports.ORGANIZATION_COLUMNS, "organization")
    lines = iter_csv(exports.table(columns, rows), exports.headers(columns))
    return _csv_download(lines, _filename("organizations", "csv"))


@require_GET
def organization_export_xlsx(request: AuthedRequest) -> HttpResponse:
    access.require_export(request.user)
    rows = selectors.organization_rows(user=request.user, **_organization_filters(request))
    columns = exports.with_custom_fields(exports.ORGANIZATION_COLUMNS, "organization")
    content = write_xlsx(exports.table(columns, rows), exports.headers(columns), _("Organizations"))
    return _xlsx_download(content, _filename("organizations", "xlsx"))


@require_GET
def person_export_csv(request: AuthedRequest) -> StreamingHttpResponse:
    access.require_export(request.user)
    rows = selectors.person_rows(user=request.user, **_person_filters(request))
    columns = exports.with_custom_fields(exports.PERSON_COLUMNS, "person")
    lines = iter_csv(exports.table(columns, rows), exports.headers(columns))
    return _csv_download(lines, _filename("people", "csv"))


@require_GET
def person_export_xlsx(request: AuthedRequest) -> HttpResponse:
    access.require_export(request.user)
    rows = selectors.person_rows(user=request.user, **_person_filters(request))
    columns = exports.with_custom_fields(exports.PERSON_COLUMNS, "person")
    content = write_xlsx(exports.table(columns, rows), exports.headers(columns), _("People"))
    return _xlsx_download(content, _filename("people", "xlsx"))


@require_GET
def person_export_vcf(request: AuthedRequest) -> StreamingHttpResponse:
    access.require_export(request.user)
    rows = selectors.person_rows(user=request.user, **_person_filters(request))
    cards = (card.encode() for card in exports.person_cards(rows))
    response = StreamingHttpResponse(in_current_locale(cards), content_type=VCARD_TYPE)
    return as_download(response, _filename("people", "vcf"))


@require_GET
def person_vcard(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_export(request.user)
    person = access.access_person(request.user, pk)
    person = selectors.person_rows(user=request.user).get(pk=person.pk)
    response = HttpResponse(exports.person_card(person), content_type=VCARD_TYPE)
    return as_download(response, f"{slugify(person.full_name) or 'person'}.vcf")
