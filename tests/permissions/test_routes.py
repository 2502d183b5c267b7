"""Every URL route is in this table with who may use it. A new route without an entry fails
here, so that opening one to the public or to every user is always a decision.

- "public": no login (the view is marked login_not_required);
- "user": any logged-in user (narrower rights are per record, see test_matrix.py);
- "admin": refused to a salesperson, whatever the arguments;
- "api": the REST API, which checks a token or the session itself and answers 401 to neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import make_user
from sampo.accounts.models import Role

pytestmark = pytest.mark.django_db

PUBLIC, USER, ADMIN, API = "public", "user", "admin", "api"

ROUTES = {
    "core:home": USER,
    "core:search": USER,
    "core:trash": ADMIN,
    "core:restore": ADMIN,
    "core:healthz": PUBLIC,
    "core:audit": ADMIN,
    "core:custom_fields": ADMIN,
    "core:custom_field_new": ADMIN,
    "core:custom_field_edit": ADMIN,
    "core:custom_field_up": ADMIN,
    "core:custom_field_down": ADMIN,
    "core:custom_field_archive": ADMIN,
    "core:custom_field_restore": ADMIN,
    "core:audit_export": ADMIN,
    "accounts:login": PUBLIC,
    "accounts:logout": USER,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:password_change": USER,
    "accounts:set_language": PUBLIC,
    "accounts:profile": USER,
    "accounts:login_code": PUBLIC,  # the second step: the session holds who passed the first
    "accounts:two_factor": USER,
    "accounts:two_factor_setup": USER,
    "accounts:two_factor_confirm": USER,
    "accounts:two_factor_recovery_codes": USER,
    "accounts:two_factor_disable": USER,
    "accounts:two_factor_policy": ADMIN,
    "accounts:user_two_factor_reset": ADMIN,
    "accounts:users": ADMIN,
    "accounts:user_new": ADMIN,
    "accounts:user": ADMIN,
    "accounts:user_edit": ADMIN,
    "accounts:user_deactivate": ADMIN,
    "accounts:user_reactivate": ADMIN,
    "accounts:user_offboard": ADMIN,
    "accounts:sharing": USER,
    "accounts:share_remove": USER,
    "accounts:roles": ADMIN,
    "accounts:role_new": ADMIN,
    "accounts:role": ADMIN,
    "accounts:teams": ADMIN,
    "accounts:team_new": ADMIN,
    "accounts:team": ADMIN,
    "accounts:team_edit": ADMIN,
    "accounts:team_delete": ADMIN,
    "lists:view_new": USER,
    "lists:view": USER,
    "lists:view_edit": USER,
    "lists:view_update_query": USER,
    "lists:view_delete": USER,
    "lists:view_default": USER,
    "lists:bulk": USER,
    "notifications:list": USER,
    "notifications:menu": USER,
    "notifications:read_all": USER,
    "notifications:open": USER,
    "notifications:read": USER,
    "contacts:duplicates": USER,
    "contacts:merge": USER,
    "contacts:merge_detail": USER,
    "contacts:merge_undo": USER,
    "contacts:organizations": USER,
    "contacts:organization_new": USER,
    "contacts:organization": USER,
    "contacts:organization_edit": USER,
    "contacts:organization_delete": USER,
    "contacts:organization_pick": USER,
    "contacts:organization_columns": USER,
    "contacts:person_columns": USER,
    "contacts:organization_export_csv": USER,
    "contacts:organization_export_xlsx": USER,
    "contacts:people": USER,
    "contacts:person_export_csv": USER,
    "contacts:person_export_xlsx": USER,
    "contacts:person_export_vcf": USER,
    "contacts:person_vcard": USER,
    "contacts:membership_new": USER,
    "contacts:membership_end": USER,
    "contacts:person_new": USER,
    "contacts:person": USER,
    "contacts:person_edit": USER,
    "contacts:person_delete": USER,
    "contacts:handovers": USER,
    "contacts:organization_handover": USER,
    "contacts:person_handover": USER,
    "contacts:handover_answer": USER,
    "contacts:handover_withdraw": USER,
    "contacts:imports": USER,
    "contacts:import_new": USER,
    "contacts:import": USER,
    "contacts:import_mapping": USER,
    "contacts:import_preview": USER,
    "contacts:import_run": USER,
    "contacts:import_undo": USER,
    "contacts:import_failed_csv": USER,
    "contacts:import_failed_xlsx": USER,
    "activities:my_day": USER,
    "activities:my_day_more": USER,
    "activities:unattended": USER,
    "activities:new": USER,
    "activities:timeline": USER,
    "activities:follow": USER,
    "activities:attachment": USER,
    "activities:complete": USER,
    "activities:reschedule": USER,
    "activities:cancel": USER,
    "activities:ics": USER,
    "activities:types": ADMIN,
    "activities:type_edit": ADMIN,
    "activities:type_up": ADMIN,
    "activities:type_down": ADMIN,
    "activities:type_delete": ADMIN,
    "activities:calendar": USER,
    "activities:calendar_reset": USER,
    "activities:calendar_disable": USER,
    "activities:calendar_feed": PUBLIC,  # the signed address is the key
    "mail:message": USER,
    "mail:retry": USER,
    "mail:for_activity": USER,
    "mail:attachment": USER,
    "mail:compose": USER,
    "mail:unmatched": USER,
    "mail:resolve": USER,
    "mail:skipped_dismiss": USER,
    "mail:person_pick": USER,
    "mail:inbound": PUBLIC,  # authenticated by its bearer token
    "mail:templates": ADMIN,
    "mail:template_new": ADMIN,
    "mail:template_edit": ADMIN,
    "mail:template_delete": ADMIN,
    "register:relationship_types": ADMIN,
    "register:relationship_type_edit": ADMIN,
    "register:relationship_type_up": ADMIN,
    "register:relationship_type_down": ADMIN,
    "register:relationship_type_delete": ADMIN,
    "register:tags": ADMIN,
    "register:tag_edit": ADMIN,
    "register:tag_merge": ADMIN,
    "register:tag_delete": ADMIN,
    "register:key_figure_new": USER,
    "register:key_figure_edit": USER,
    "register:key_figure_delete": USER,
    "sales:home": USER,
    "sales:board": USER,
    "sales:board_column": USER,
    "sales:list": USER,
    "sales:export_csv": USER,
    "sales:export_xlsx": USER,
    "sales:quick_create": USER,
    "sales:opportunity": USER,
    "sales:edit": USER,
    "sales:move": USER,
    "sales:won": USER,
    "sales:lost": USER,
    "sales:postpone": USER,
    "sales:reopen": USER,
    "sales:delete": USER,
    "sales:qualify": USER,
    "sales:admin_pipelines": ADMIN,
    "sales:admin_pipeline": ADMIN,
    "sales:admin_pipeline_delete": ADMIN,
    "sales:admin_pipeline_up": ADMIN,
    "sales:admin_pipeline_down": ADMIN,
    "sales:admin_stage_add": ADMIN,
    "sales:admin_stage": ADMIN,
    "sales:admin_stage_left": ADMIN,
    "sales:admin_stage_right": ADMIN,
    "sales:admin_stage_delete": ADMIN,
    "sales:admin_lead_sources": ADMIN,
    "sales:admin_lost_reasons": ADMIN,
    "sales:web_form_page": PUBLIC,  # web-to-lead: the form's unguessable key, rate limits
    "sales:web_form_thanks": PUBLIC,
    "sales:web_form_json": PUBLIC,
    "sales:admin_web_forms": ADMIN,
    "sales:admin_web_form_add": ADMIN,
    "sales:admin_web_form": ADMIN,
    "sales:admin_web_form_submissions": ADMIN,
    "sales:admin_submission": ADMIN,
    "sales:admin_submission_retry": ADMIN,
    "sales:admin_product_interests": ADMIN,
    "sales:admin_assignment": ADMIN,
    "sales:admin_assignment_settings": ADMIN,
    "sales:admin_assignment_rule": ADMIN,
    "sales:admin_assignment_rule_up": ADMIN,
    "sales:admin_assignment_rule_down": ADMIN,
    "sales:admin_assignment_rule_delete": ADMIN,
    "sales:admin_assignment_team": ADMIN,
    "sales:admin_choices": ADMIN,
    "sales:admin_choice": ADMIN,
    "sales:admin_choice_up": ADMIN,
    "sales:admin_choice_down": ADMIN,
    "sales:admin_choice_delete": ADMIN,
    "accounts:api_tokens": USER,
    "accounts:api_token_revoke": USER,  # one's own tokens; an admin anyone's
    "api-1:api-root": PUBLIC,  # redirects to the docs page
    "api-1:openapi-json": PUBLIC,  # the API's contract, for integrators' tools
    "api-1:openapi-view": PUBLIC,
    "api_not_found": PUBLIC,  # a problem document for a path under /api/v1/ that names nothing
    "api-1:organization_list": API,
    "api-1:organization_create": API,
    "api-1:organization_read": API,
    "api-1:organization_update": API,
    "api-1:organization_delete": API,
    "api-1:organization_bulk": API,
    "webhooks:list": ADMIN,
    "webhooks:new": ADMIN,
    "webhooks:detail": ADMIN,
    "webhooks:edit": ADMIN,
    "webhooks:secret": ADMIN,
    "webhooks:test": ADMIN,
    "webhooks:disable": ADMIN,
    "webhooks:enable": ADMIN,
    "webhooks:delete": ADMIN,
    "api-1:opportunity_list": API,
    "api-1:opportunity_create": API,
    "api-1:opportunity_read": API,
    "api-1:opportunity_update": API,
    "api-1:opportunity_delete": API,
    "api-1:opportunity_bulk": API,
    "api-1:opportunity_move": API,
    "api-1:opportunity_win": API,
    "api-1:opportunity_lose": API,
    "api-1:opportunity_postpone": API,
    "api-1:opportunity_reopen": API,
    "api-1:opportunity_qualify": API,
    "api-1:pipeline_list": API,
    "api-1:pipeline_read": API,
    "api-1:pipeline_stage_list": API,
    "api-1:lost_reason_list": API,
    "api-1:lead_source_list": API,
    "api-1:product_interest_list": API,
    "api-1:person_list": API,
    "api-1:person_create": API,
    "api-1:person_read": API,
    "api-1:person_update": API,
    "api-1:person_delete": API,
    "api-1:person_bulk": API,
    "api-1:organization_membership_list": API,
    "api-1:person_membership_list": API,
    "api-1:membership_create": API,
    "api-1:membership_read": API,
    "api-1:membership_update": API,
    "api-1:organization_key_figure_list": API,
    "api-1:organization_key_figure_read": API,
    "api-1:organization_key_figure_put": API,
    "api-1:organization_key_figure_delete": API,
    "api-1:tag_list": API,
    "api-1:tag_create": API,
    "api-1:tag_read": API,
    "api-1:tag_update": API,
    "api-1:tag_delete": API,
    "api-1:custom_field_list": API,
    "api-1:activity_list": API,
    "api-1:activity_create": API,
    "api-1:activity_read": API,
    "api-1:activity_update": API,
    "api-1:activity_delete": API,
    "api-1:activity_complete": API,
    "api-1:activity_reschedule": API,
    "api-1:activity_cancel": API,
    "api-1:activity_type_list": API,
    "api-1:user_list": API,
    "api-1:user_read": API,
    "api-1:team_list": API,
    "api-1:team_read": API,
}

# Values for the routes' arguments; an id that exists nowhere is refused like a hidden one.
ARGUMENTS = {"kind": "lead-sources", "token": "x", "uidb64": "x", "record_type": "person"}


def _routes(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name), pattern


def test_every_route_is_in_the_table_and_the_table_names_no_route_that_is_gone():
    names = {name for name, _pattern in _routes()}

    assert sorted(names - ROUTES.keys()) == [], "new routes: say who may use them"
    assert sorted(ROUTES.keys() - names) == [], "routes that no longer exist"


def test_only_the_public_routes_open_without_logging_in():
    public = {name for name, kind in ROUTES.items() if kind in (PUBLIC, API)}

    opened = {
        name for name, pattern in _routes() if not getattr(pattern.callback, "login_required", True)
    }

    assert opened == public


def _url(name: str, pattern: Any) -> str:
    kwargs = {
        key: (
            999_999 if converter.__class__.__name__ == "IntConverter" else ARGUMENTS.get(key, "x")
        )
        for key, converter in pattern.pattern.converters.items()
    }
    if name == "contacts:duplicates" or name == "contacts:merge":
        kwargs["kind"] = "organizations"
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(n for n, kind in ROUTES.items() if kind == ADMIN))
def test_an_admin_route_refuses_a_salesperson_and_changes_nothing(client, name):
    pattern = dict(_routes())[name]
    seller = make_user("seller@sampo.test", "Mikko Myyjä", Role.SALESPERSON)
    client.force_login(seller)

    url = _url(name, pattern)
    with CaptureQueriesContext(connection) as queries:
        responses = [client.get(url), client.post(url, {"name": "Changed by a seller"})]

    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []

    assert all(r.status_code in (403, 404, 405) for r in responses), [
        r.status_code for r in responses
    ]
    assert any(r.status_code in (403, 404) for r in responses)


@pytest.mark.parametrize("name", sorted(n for n, kind in ROUTES.items() if kind == API))
def test_an_api_route_answers_401_without_a_token_or_session_and_changes_nothing(client, name):
    pattern = dict(_routes())[name]
    url = _url(name, pattern)

    with CaptureQueriesContext(connection) as queries:
        responses = [client.get(url), client.post(url, {}, content_type="application/json")]

    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert {r.status_code for r in responses} <= {401, 405}
    assert 401 in {r.status_code for r in responses}
