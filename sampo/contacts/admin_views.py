"""Admin pages of the register: relationship types and tags."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampo.accounts.access import require_admin
from sampo.contacts import admin_selectors, services
from sampo.contacts.forms import (
    RelationshipTypeEditForm,
    RelationshipTypeForm,
    TagForm,
    TagMergeForm,
)
from sampo.contacts.models import RelationshipType, Tag
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


def _relationship_type(request: AuthedRequest, pk: int) -> RelationshipType:
    require_admin(request.user)
    return get_object_or_404(RelationshipType, pk=pk)


def _tag(request: AuthedRequest, pk: int) -> Tag:
    require_admin(request.user)
    return get_object_or_404(Tag, pk=pk)


# --- Relationship types -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def relationship_type_list(request: AuthedRequest) -> HttpResponse:
    """The types in their order, with an add form above them."""
    types = admin_selectors.relationship_type_list(actor=request.user)
    form = RelationshipTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_type_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The relationship type was added."))
            return redirect("register:relationship_types")
    context = {"types": types, "form": form}
    return render(request, "contacts/admin/relationship_type_list.html", context)


@require_http_methods(["GET", "POST"])
def relationship_type_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    relationship_type = _relationship_type(request, pk)
    initial = {"name": str(relationship_type), "position": relationship_type.position}
    form = RelationshipTypeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_type_update(
                actor=request.user, relationship_type=relationship_type, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("register:relationship_types")
    context = {"form": form, "relationship_type": relationship_type}
    return render(request, "contacts/admin/relationship_type_form.html", context)


@require_POST
def relationship_type_move(request: AuthedRequest, pk: int, offset: int) -> HttpResponse:
    relationship_type = _relationship_type(request, pk)
    services.relationship_type_move(
        actor=request.user, relationship_type=relationship_type, offset=offset
    )
    return redirect("register:relationship_types")


@require_POST
def relationship_type_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    relationship_type = _relationship_type(request, pk)
    name = str(relationship_type)
    try:
        services.relationship_type_delete(actor=request.user, relationship_type=relationship_type)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
    return redirect("register:relationship_types")


# --- Tags -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def tag_list(request: AuthedRequest) -> HttpResponse:
    tags = admin_selectors.tag_list(actor=request.user)
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tag_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The tag was added."))
            return redirect("register:tags")
    return render(request, "contacts/admin/tag_list.html", {"tags": tags, "form": form})


@require_http_methods(["GET", "POST"])
def tag_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Rename a tag, or merge it into another one."""
    tag = _tag(request, pk)
    form = TagForm(request.POST or None, initial={"name": tag.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.tag_rename(actor=request.user, tag=tag, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("register:tags")
    context = {"form": form, "merge_form": TagMergeForm(tag=tag), "tag": tag}
    return render(request, "contacts/admin/tag_form.html", context)


@require_POST
def tag_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    tag = _tag(request, pk)
    merge_form = TagMergeForm(request.POST, tag=tag)
    if merge_form.is_valid():
        into = merge_form.cleaned_data["into"]
        try:
            services.tag_merge(actor=request.user, tag=tag, into=into)
        except ValidationError as error:
            add_service_error(merge_form, error)
        else:
            messages.success(
                request,
                _("“%(tag)s” was merged into “%(into)s”.") % {"tag": tag.name, "into": into.name},
            )
            return redirect("register:tags")
    context = {"form": TagForm(initial={"name": tag.name}), "merge_form": merge_form, "tag": tag}
    return render(request, "contacts/admin/tag_form.html", context)


@require_POST
def tag_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    tag = _tag(request, pk)
    name = tag.name
    services.tag_delete(actor=request.user, tag=tag)
    messages.success(request, _("The tag “%(name)s” was deleted.") % {"name": name})
    return redirect("register:tags")
