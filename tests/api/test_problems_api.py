"""What the contract tests found, pinned down: each answer is a problem document, declared in
the OpenAPI document for every operation."""

from __future__ import annotations

import pytest

from sampo.api.main import api
from sampo.contacts.models import Organization
from sampo.lib.rest.problems import PROBLEM_STATUSES
from sampo.lib.rest.schemas import Input

pytestmark = pytest.mark.django_db


def test_every_operation_declares_the_problem_responses():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = {str(status) for status in operation["responses"]}
            assert {str(s) for s in PROBLEM_STATUSES} <= declared, (method, path)
            problem = operation["responses"][422]["content"]["application/problem+json"]
            assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_a_likely_duplicate_is_a_409_naming_it_and_saves_nothing(admin, api_as):
    api_client = api_as(admin)
    first = api_client.post("/organizations", {"name": "Kallio Oy", "business_id": "0112038-9"})

    second = api_client.post("/organizations", {"name": "Kallio Oy", "business_id": "0112038-9"})

    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert second.json()["matches"][0]["id"] == first.json()["id"]
    assert Organization.objects.count() == 1


def test_a_path_under_the_api_that_names_nothing_is_a_problem_404(admin, api_as):
    for path in ["/organizations/null,null", "/no-such-thing"]:
        answer = api_as(admin).get(path)
        assert answer.status_code == 404
        assert answer.json()["type"].endswith("/not-found")


@pytest.mark.parametrize(
    "body",
    [
        {"source": "erp", "items": [[None, None]]},
        {"source": "erp", "items": [{"name": "Oy", "owner_id": False}]},
        {"source": "erp", "items": [{"name": "Oy", "nmae": "typo"}]},
        {"source": "erp", "items": [{"name": 12}]},
    ],
)
def test_a_body_is_read_strictly(admin, api_as, body):
    answer = api_as(admin).post("/organizations/bulk", body)

    assert answer.status_code == 422, answer.content
    assert answer.json()["errors"]
    assert not Organization.objects.exists()


def test_updated_since_takes_only_iso_8601(admin, api_as):
    api_client = api_as(admin)
    assert api_client.get("/organizations", {"updated_since": "0.5"}).status_code == 422
    assert (
        api_client.get("/organizations", {"updated_since": "2026-01-01T00:00:00Z"}).status_code
        == 200
    )


def _body_schemas() -> list[tuple[str, type]]:
    found = []
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for model in operation.models:
                    if getattr(model, "__ninja_param_source__", "") != "body":
                        continue
                    found += [
                        (f"{operation.methods} {path} {name}", field.annotation)
                        for name, field in model.model_fields.items()
                    ]
    return found


def test_every_request_body_is_read_strictly():
    """Bodies derive from sampo.lib.rest.schemas.Input; otherwise ninja takes a list for an
    object and `false` for an id, which the contract tests report as accepted bad input."""
    assert _body_schemas()
    loose = [where for where, schema in _body_schemas() if not issubclass(schema, Input)]
    assert loose == [], "derive these body schemas from sampo.lib.rest.schemas.Input"


def test_a_body_that_does_not_fit_the_schema_is_explained_in_the_callers_language(admin, api_as):
    api = api_as(admin)

    response = api.post("/organizations", {"name": 5, "colour": "red"}, **{"Accept-Language": "fi"})

    assert response.status_code == 422
    assert {(e["field"], e["message"]) for e in response.json()["errors"]} == {
        ("name", "Anna tekstiä."),
        ("colour", "Tuntematon kenttä."),
    }
