from django.urls import include, path

from sampo.api.main import api

# The API authenticates each request itself (token or session) and answers 401 as a problem
# document, so the login-required middleware must let its routes through.
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback.login_required = False  # type: ignore[union-attr]

urlpatterns = [
    path("api/v1/", (_patterns, _app, _namespace)),
    path("", include("sampo.api.webhooks.urls")),
]
