"""Contract tests: Schemathesis reads the live OpenAPI document and calls every operation with
generated input, as an admin with a write token. Every answer must be no 5xx and match the
document (status codes, bodies, problem documents, content types). A new resource is covered
the day its router joins the API. Examples are bounded so the suite stays fast in CI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from sampo.accounts.api_tokens import api_token_create
from sampo.accounts.models import User
from sampo.api.main import api

pytestmark = pytest.mark.django_db

# Per operation; the whole run takes a minute or two on two cores.
EXAMPLES = 30


@pytest.fixture
def token(admin: User) -> str:
    return api_token_create(actor=admin, user=admin, name="contract", scope="write").secret


@pytest.fixture(autouse=True)
def _in_process_app(settings: Any) -> Iterator[None]:
    settings.SAMPO_API_RATE_LIMIT_PER_MINUTE = 0  # the generated calls are many and quick
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # As Django's test client does: the app runs inside the test's transaction, so the end of
    # a request must not close the connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _document() -> dict[str, Any]:
    # The same document /api/v1/openapi.json serves (checked below); built in-process because
    # collection runs before any test database exists.
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


schema = schemathesis.openapi.from_dict(_document())
schema.app = get_wsgi_application()


def test_it_tests_the_document_the_api_serves(client: Client) -> None:
    assert client.get("/api/v1/openapi.json").json() == _document()


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_it_keeps_its_contract_on_every_operation(case: Any, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        # A schema-valid request may still break a rule the document cannot state (a business
        # ID's check digit, a cursor this list never gave): 400/409/422 are right answers then.
        excluded_checks=[positive_data_acceptance],
    )
