from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from sampo.accounts.api_tokens import api_token_create
from sampo.accounts.models import User


class ApiClient:
    """A test client that calls /api/v1/ with a user's token and JSON bodies."""

    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"}

    def _call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, headers={**self.headers, **headers})

    def post(self, path: str, body: Any, **headers: str) -> Any:
        return self._call("post", path, body, **headers)

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        return self._call("patch", path, body, **headers)

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self._call("put", path, body, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self._call("delete", path, **headers)


@pytest.fixture
def api_as() -> Callable[..., ApiClient]:
    def make(user: User, scope: str = "write") -> ApiClient:
        issued = api_token_create(actor=user, user=user, name="tests", scope=scope)
        return ApiClient(issued.secret)

    return make
